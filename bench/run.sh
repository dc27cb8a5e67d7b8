#!/usr/bin/env bash
# Runs Cohort's benchmarks against real clusters on this machine: bench/run.sh [--quick]
# Builds the jars first. Logs of the clusters' JVMs go to bench/target/logs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -Dstyle.color=never -DskipTests package
exec java -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
  -Dcohort.bench.logs="$root/bench/target/logs" \
  -cp "$root/client/target/cohort.jar:$root/bench/target/classes" cohort.bench.Bench "$@"
