#!/usr/bin/env bash
# Makes the class-data sharing (AppCDS) archive the system tests' child JVMs start with. The build
# runs it before the cli module's system tests (pre-integration-test; -DskipITs skips it):
#   it-class-archive.sh JAR JAVA ARCHIVE [SKIP...]
# where a SKIP of "true" (-DskipITs, -DskipTests, -Dmaven.test.skip) makes nothing: no test runs.
# An archive holds only for the class path it was made for, or one that starts with it, and for
# the exact jar (time and size). bin/cohort's archive (class-archive.sh) is made for a snapshot of
# the jar; the tests' children run the jar itself (JAR:test-classes), so this one is made for JAR,
# from the same training run (cohort.cli.local.ArchiveTraining) with the flags every child gets
# (JvmProcess.STANDARD_JVM_FLAGS). The tests pass it on through -Dcohort.class.archive and
# -Dcohort.class.archive.classpath (cli/pom.xml, netlab/pom.xml); a child that cannot use it (no
# archive, a rewritten jar) starts without it, silently (-Xshare:auto), only slower. So a training
# that fails or a JDK that cannot archive only warns.
set -euo pipefail
jar="$1"
java="${2:-java}"
archive="$3"
shift 3
for skip in "$@"; do
  if [ "$skip" = true ]; then exit 0; fi
done
partial="$archive.partial"
rm -f "$archive" "$partial"

# The training must not reach a coordinator or settings of the user's environment.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^COHORT_' || true)

if "$java" \
    -XX:ArchiveClassesAtExit="$partial" -Xlog:cds*=off \
    -XX:+ExitOnOutOfMemoryError \
    -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
    -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 \
    -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000 \
    -Dcohort.stderr.tty=false \
    -cp "$jar" cohort.cli.local.ArchiveTraining && [ -s "$partial" ]; then
  mv -f "$partial" "$archive"
  echo "it-class-archive: $(basename "$jar") archived for the system tests' JVMs"
else
  rm -f "$partial"
  echo "it-class-archive: no class-data archive for the system tests; their JVMs start without one" >&2
fi
