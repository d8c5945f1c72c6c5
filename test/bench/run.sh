#!/usr/bin/env bash
# make bench: builds and installs rbac and the benchmark's floor module
# (test/bench/floor, installed only here), then runs the benchmark in a
# throw-away cluster with jit and parallel workers off.
#   BENCH_ROUNDS=n   rounds per variant (default 5)
#   CHURN_SECONDS=n  length of each phase of the churn benchmark (default 20)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. test/lib.sh
test/install.sh
"${RBAC_MAKE[@]}" -s -C test/bench/floor >/dev/null
if [ "$(id -u)" = 0 ]; then
	"${RBAC_MAKE[@]}" -s -C test/bench/floor install >/dev/null
else
	sudo -n "${RBAC_MAKE[@]}" -s -C test/bench/floor install >/dev/null || {
		echo "run: sudo make -C test/bench/floor PG_CONFIG=$PG_CONFIG install" >&2; exit 1; }
fi
export BENCH_OUT=$(mktemp -d)
chmod 777 "$BENCH_OUT"
start=$(date +%s)
pg_virtualenv -t -v "$PG_MAJOR" \
	-o jit=off -o max_parallel_workers_per_gather=0 -o shared_buffers=512MB \
	-o max_locks_per_transaction=256 \
	"$top/test/bench/inner.sh" </dev/null 2>&1 | grep -vE '^(Creating new|Dropping cluster|[0-9-]+ [0-9:.]+ UTC \[)'
echo "make bench took $(( $(date +%s) - start )) s"
