#!/usr/bin/env bash
# make soak: builds and installs rbac, then in a throw-away cluster
# (loopback only) runs 8 pgbench clients mixing admin writes (resources and role assignments among them) with checks for
# SOAK_SECONDS (default 60), then checks the invariants: no duplicate slugs,
# dense priorities, no dangling grant or membership role, and every cached
# answer equal to a fresh SQL answer.  Exits non-zero if any fails.
#   SOAK_SECONDS=n   length of the pgbench run (default 60)
#   SOAK_CLIENTS=n   pgbench clients (default 8)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. test/lib.sh
test/install.sh
export SOAK_OUT=$(mktemp -d)
chmod 777 "$SOAK_OUT"
export PATH="$("$PG_CONFIG" --bindir):$PATH"
status=0
pg_virtualenv -t -v "$PG_MAJOR" \
	-o listen_addresses=localhost -o max_connections=40 \
	-o jit=off -o deadlock_timeout=100ms \
	"$top/test/soak/inner.sh" </dev/null 2>&1 \
	| grep -vE '^(Creating new|Dropping cluster|[0-9-]+ [0-9:.]+ UTC \[)' || status=$?
# the pipeline's status is grep's; inner.sh writes its own verdict
if [ -f "$SOAK_OUT/status" ] && [ "$(cat "$SOAK_OUT/status")" = 0 ]; then
	echo "soak: passed (logs in $SOAK_OUT)"
	exit 0
fi
echo "soak: FAILED (logs in $SOAK_OUT)" >&2
exit 1
