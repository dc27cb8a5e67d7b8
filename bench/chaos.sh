#!/usr/bin/env bash
# The chaos run: a coordinator and nodes, each on a host of its own (a network namespace of this
# machine), run jobs of four kinds (sleep, echo --combine sum, inputs streamed on stdin, exec) while
# random faults strike one after another: kill -9, SIGSTOP/SIGCONT and SIGTERM of nodes, link cuts
# and heals, kill -9 and restart of the coordinator. Every job's results are checked; it prints the
# faults, jobs, inputs, results lost, duplicated and wrong (all must be 0), and the worst stall.
#   bench/chaos.sh                       the full run: 10 minutes, writes docs/chaos.md
#   bench/chaos.sh --minutes 1 [--nodes 4] [--parallel 3] [--seed N] [--out FILE]
# Needs root (ip netns). Builds what it needs first; the members' logs go to netlab/target/chaos.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

minutes=10
out="$root/docs/chaos.md"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ "$(id -u)" != 0 ]; then
  echo "chaos: needs root, to make network namespaces (ip netns); run it as root" >&2
  exit 2
fi

mvn -q -B -Dstyle.color=never -DskipTests -pl netlab -am package
rm -rf "$root/netlab/target/chaos"
exec java -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
  -cp "$root/netlab/target/classes:$root/cli/target/cohort.jar" cohort.netlab.chaos.ChaosRun \
  --seconds "$((minutes * 60))" --jar "$root/cli/target/cohort.jar" \
  --dir "$root/netlab/target/chaos" --out "$out" "${args[@]}"
