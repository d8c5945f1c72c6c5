#!/usr/bin/env bash
# Runs inside pg_virtualenv (called by test/soak/run.sh): builds the
# catalog, starts the checking session, runs pgbench, then the final check
# in that same session.  Writes its verdict (0 = passed) to $SOAK_OUT/status.
set -uo pipefail
cd "$(dirname "$0")"
secs=${SOAK_SECONDS:-60}
clients=${SOAK_CLIENTS:-8}
out=${SOAK_OUT:-$(mktemp -d)}
echo 1 > "$out/status"
db=rbac_soak
psql="psql -X -q -v ON_ERROR_STOP=1 -d $db"

dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
echo "== building the catalog"
$psql -P footer=off -f setup.sql || exit 1
$psql -f invariants.sql || exit 1
$psql -P footer=off -c 'SELECT * FROM soak.structure() WHERE violations > 0' || exit 1

echo "== pgbench: $clients clients, $secs s, admin writes and checks"
pgbench -n -c "$clients" -j 2 -T "$secs" --max-tries=20 --failures-detailed \
	-f admin_grants.pgbench@4 -f admin_order.pgbench@3 -f admin_temp_roles.pgbench@2 \
	-f admin_members.pgbench@3 -f admin_permissions.pgbench@1 -f churn_members.pgbench@4 \
	-f read_roles.pgbench@5 -f read_users.pgbench@5 -f res_writes.pgbench@4 \
	"$db" > "$out/pgbench.log" 2>&1 &
bench=$!

# The checking session: one backend for the whole run.  Every half second
# it calls the checks (its cache fills with whatever the catalog holds);
# every 5 s it pauses the writers between their transactions (they take
# advisory lock 42 shared), starts a new transaction and compares every
# cached answer with the reference (every 20 s also the checks on a
# resource with rbac_oracle); at the end it runs check.sql.
{
	echo "SELECT soak.warm(), soak.warm_resources() \\g /dev/null"
	i=0
	while kill -0 "$bench" 2>/dev/null; do
		i=$((i + 1))
		echo "SELECT soak.warm(), soak.warm_resources() \\g /dev/null"
		if [ $((i % 10)) = 0 ]; then
			echo "SELECT pg_advisory_lock(42) \\g /dev/null"
			echo "SELECT * FROM soak.compare($i) \\g /dev/null"
			# the checks on a resource against the oracle: every 20 s
			if [ $((i % 40)) = 0 ]; then
				echo "SELECT * FROM soak.compare_resources($i) \\g /dev/null"
			fi
			echo "SELECT pg_advisory_unlock(42) \\g /dev/null"
		fi
		sleep 0.5
	done
	echo "\\i check.sql"
} | $psql -P pager=off > "$out/check.log" 2>&1
check=$?
wait "$bench"
bench_status=$?

echo "== pgbench"
sed -n '/^number of transactions actually/,$p' "$out/pgbench.log" \
	| grep -E '^(number of|tps|latency average)|^SQL script|^ - [0-9]+ transactions|^ - number of (failed|transactions retried)' || true
grep -E 'aborted|FATAL|PANIC' "$out/pgbench.log" | head -20 || true
cat "$out/check.log"
echo
if [ "$bench_status" != 0 ]; then
	echo "pgbench exited with status $bench_status (a client aborted: an error no race explains)"
	grep -E 'aborted|ERROR' "$out/pgbench.log" | head -20
fi
if [ "$check" != 0 ]; then
	echo "the checking session failed (status $check)"
fi
if [ "$bench_status" = 0 ] && [ "$check" = 0 ]; then
	echo 0 > "$out/status"
fi
