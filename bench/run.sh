#!/usr/bin/env bash
# Cohort's benchmarks on this machine, side by side with Python's pools and Hazelcast:
#   bench/run.sh [--quick] [--cases 1,3] [--rounds N]   writes docs/benchmarks.md and its chart
#   bench/run.sh --smoke --cases 1                        a tiny run that checks the harness
#   bench/run.sh --jmh [JMH options]                      the microbenchmarks of the hot paths
#   bench/run.sh --thumbnail-stages [COUNT]               CPU per thumbnail stage, Cohort vs Pillow,
#                                                         on one core (a table for performance.md)
#   bench/run.sh --scale [--rate N] [--nodes 10,1000]     one real coordinator against 10 to 1,000
#                                                         simulated nodes in one JVM: its CPU per
#                                                         dispatch, heap and membership changes
#   bench/run.sh --journal-kills [--kills N]              kills a JVM writing the H2 journal again
#                                                         and again: what the file keeps, before
#                                                         and after the coordinator's rebuild
# Builds what it needs first. The clusters' logs go to bench/target/logs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The peers run on the system's Python (/usr/bin/python3), where Debian's package installs it.
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3 || true)"
# Debian packages the cases use when present: Pillow for the thumbnail case's Python peer, and
# libjpeg-turbo's TurboJPEG library, which Cohort's thumbnail task uses when installed (as Pillow
# uses libjpeg-turbo).
missing=()
if [ -n "$python" ] && ! "$python" -c 'import PIL' >/dev/null 2>&1; then missing+=(python3-pil); fi
# (grep reads all of ldconfig's list: with -q it would stop early and pipefail would see SIGPIPE)
if command -v ldconfig >/dev/null 2>&1 && ! ldconfig -p 2>/dev/null | grep 'libturbojpeg\.so' >/dev/null; then missing+=(libturbojpeg0); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing Debian's ${missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); elif command -v sudo >/dev/null 2>&1; then apt=(sudo apt-get); else apt=(); fi
  if [ ${#apt[@]} -eq 0 ] || ! { "${apt[@]}" install -y -q "${missing[@]}" >&2 || { "${apt[@]}" update -q >&2 && "${apt[@]}" install -y -q "${missing[@]}" >&2; }; }; then
    echo "bench: could not install ${missing[*]}; the page says what ran without them" >&2
  fi
fi

mvn -q -B -Dstyle.color=never -DskipTests -pl bench -am package
classpath="$root/bench/target/classes:$root/bench/target/lib/*"
# The cold rows start clusters as `bin/cohort local` does: from a snapshot of the build's jar, with
# the class-data sharing archive the build made for it.
# shellcheck source=../cli/src/main/sh/snapshot.sh
source "$root/cli/src/main/sh/snapshot.sh"
cold_jar="$(cohort_snapshot "$root/cli/target/cohort.jar")" || cold_jar=""
cold_archive=""
if [ -n "$cold_jar" ]; then cold_archive="$(cohort_archive "$cold_jar")" || cold_archive=""; fi

if [ "${1:-}" = "--jmh" ]; then
  shift
  exec java -cp "$classpath" org.openjdk.jmh.Main "${@:-cohort.bench.jmh}"
fi
if [ "${1:-}" = "--scale" ]; then
  shift
  exec java -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
    -Dcohort.log.level=WARN -Dcohort.bench.root="$root" -cp "$classpath" \
    cohort.bench.scale.ScaleOnPaper "$@"
fi
if [ "${1:-}" = "--journal-kills" ]; then
  shift
  exec java -Dcohort.bench.root="$root" -cp "$classpath" cohort.bench.journal.JournalKills "$@"
fi
if [ "${1:-}" = "--thumbnail-stages" ]; then
  shift
  pin=(); command -v taskset >/dev/null 2>&1 && pin=(taskset -c 1)
  exec "${pin[@]}" java -Djava.awt.headless=true -Dcohort.bench.root="$root" -cp "$classpath" \
    cohort.bench.ThumbnailStages "$@"
fi
exec java -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
  -Dcohort.bench.root="$root" -Dcohort.bench.jar="$cold_jar" \
  -Dcohort.bench.archive="$cold_archive" -cp "$classpath" cohort.bench.Bench "$@"
