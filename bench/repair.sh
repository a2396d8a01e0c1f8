#!/usr/bin/env bash
# Anti-entropy repair's efficiency on this machine: a range of 100 000 keys on three in-process
# emulator nodes, 1 % of the keys missing on one replica, repaired over gRPC with fan-outs of 16 and 4 and
# leaves of 8 to 128 keys. Prints, per shape, the divergent keys before and after, the time, and the bytes
# moved against a full copy of the range. Writes no file.
#
#   bench/repair.sh               100 000 keys
#   bench/repair.sh --keys N      another range size
#
# Needs a JDK 25; builds what it needs with the Maven wrapper (MAVEN_ARGS is honoured).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo/bin/lib/jdk.sh"
find_jdk

keys=100000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keys) keys="$2"; shift 2 ;;
    *) echo "bench/repair.sh: unknown option $1 (expected --keys N)" >&2; exit 2 ;;
  esac
done

cd "$repo"
log="$(mktemp /tmp/pairdb-repair-bench.XXXXXX)"
if ! ./mvnw -B -q -pl coordinator-app -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=RepairBenchmarkIT -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dpairdb.bench.repair=true -Dpairdb.bench.repair.keys="$keys" >"$log" 2>&1; then
  echo "bench/repair.sh: the benchmark failed; its output is in $log" >&2
  exit 1
fi
grep -h -e "^repair benchmark:" -e "^  fan-out" "$log"
rm -f "$log"
