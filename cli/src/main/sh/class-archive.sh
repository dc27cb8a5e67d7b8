#!/usr/bin/env bash
# Makes the class-data sharing (AppCDS) archive that bin/cohort's JVMs start with. The build runs
# it at `mvn package` of the cli module, after the shaded jar:
#   class-archive.sh JAR JAVA
# It snapshots JAR as bin/cohort would run it (snapshot.sh), then runs cohort.cli.local.ArchiveTraining
# from the snapshot with -XX:ArchiveClassesAtExit: the classes that run loads are written, parsed
# and verified, to the archive, and JVMs started with it map them instead of reading the jar.
# Without an archive (a JDK that cannot make one) bin/cohort runs as before, only slower to start;
# a training run that fails is an error.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
# shellcheck source=snapshot.sh
source "$here/snapshot.sh"
jar="$1"
java="${2:-java}"

# The build is done and the jar up to date with every source, even when the shade plugin left
# the file as it was: say so with its time, which bin/cohort compares the sources with, before the
# snapshot is named by it. (Otherwise a source that changes nothing in the jar, such as this
# script, would make bin/cohort rebuild on every run.)
touch "$jar"
snapshot="$(cohort_snapshot "$jar")"
rm -f "${snapshot%.jar}".*.jsa
partial="${snapshot%.jar}.partial"
rm -f "$partial"

# The training must not reach a coordinator or settings of the user's environment.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^COHORT_' || true)

# The flags bin/cohort gives every JVM, so the same classes load. -Xlog:cds*=off: the JDK lists
# every class it cannot archive (picocli's, compiled for Java 5), a few hundred lines.
train() {
  "$java" "$@" \
    -XX:+ExitOnOutOfMemoryError \
    -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
    -Dcohort.stderr.tty=false \
    -Dlogback.configurationFile="$root/conf/logback.xml" \
    -cp "$snapshot" cohort.cli.local.ArchiveTraining
}

if ! train -XX:ArchiveClassesAtExit="$partial" -Xlog:cds*=off; then
  rm -f "$partial"
  # A JDK without class-data sharing (no base archive) refuses to start with the flag at all.
  if train; then
    echo "class-archive: this JDK ($java) cannot make a class-data archive; bin/cohort runs without one" >&2
    exit 0
  fi
  echo "class-archive: the training run failed (see above); no archive made" >&2
  exit 1
fi

if [ -s "$partial" ]; then
  mv -f "$partial" "${snapshot%.jar}.$(wc -c <"$partial" | tr -d ' ').jsa"
  echo "class-archive: $(basename "$snapshot" .jar) archived for bin/cohort"
else
  rm -f "$partial"
  echo "class-archive: this JDK ($java) made no archive; bin/cohort runs without one" >&2
fi
