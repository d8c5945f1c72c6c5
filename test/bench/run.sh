#!/usr/bin/env bash
# make bench: builds and installs rbac, then runs the benchmark in a
# throw-away cluster with jit and parallel workers off.
#   BENCH_ROUNDS=n   rounds per variant (default 5)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
PG_MAJOR=${PG_MAJOR:-15}
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_MAJOR/bin/pg_config}
PG_MAJOR="$PG_MAJOR" PG_CONFIG="$PG_CONFIG" test/install.sh
export BENCH_OUT=$(mktemp -d)
chmod 777 "$BENCH_OUT"
pg_virtualenv -t -v "$PG_MAJOR" \
	-o jit=off -o max_parallel_workers_per_gather=0 -o shared_buffers=512MB \
	-o max_locks_per_transaction=256 \
	"$top/test/bench/inner.sh" </dev/null 2>&1 | grep -vE '^(Creating new|Dropping cluster|[0-9-]+ [0-9:.]+ UTC \[)' 
