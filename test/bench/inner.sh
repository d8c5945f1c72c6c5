#!/usr/bin/env bash
# Runs inside pg_virtualenv: builds both catalogs, the floor functions
# and the hand-written SQL peers in each, times every variant, times the
# first check after a commit and the reader under write churn, prints the
# report, and the cost of recording events (events.sh).  Called by
# test/bench/run.sh.
#   BENCH_ONLY=re    only the variants whose name matches (small catalog)
#   BENCH_RESOURCES=0  without the checks on a resource (res_*.sql)
#   BENCH_RES_ROUNDS=n rounds of the checks on a resource (default 9)
set -euo pipefail
cd "$(dirname "$0")"
rounds=${BENCH_ROUNDS:-5}
# the checks on a resource: a round is a few seconds, and the own costs
# (line - floor, tens of ns) want more of them than the other lines
res_rounds=${BENCH_RES_ROUNDS:-9}
only=${BENCH_ONLY:-.}
out=${BENCH_OUT:-$(mktemp -d)}
export BENCH_OUT=$out
psql="psql -X -q -v ON_ERROR_STOP=1"

for db in bench_small bench_large; do
	dropdb --if-exists "$db" >/dev/null 2>&1 || true
	createdb "$db"
done
echo "building the small catalog and the 1M-row table ..."
$psql -d bench_small -f setup_small.sql >/dev/null
echo "building the large catalog (10,000 + 100,000 roles, ~1M grants) ..."
$psql -d bench_large -f setup_large.sql -P footer=off -P pager=off
for db in bench_small bench_large; do
	$psql -d "$db" -f floor.sql
	$psql -d "$db" -f peers.sql
done
for cat in small large; do
	echo "timing the $cat catalog: $rounds interleaved rounds ..."
	# the large catalog: the lines that read the catalog, their floors
	# and peers (not the slow SQL-function lines, which are not rbac's)
	vars=$([ "$cat" = large ] && echo '^(builtin|rbac|floor|peer)' || echo "$only")
	$psql -d bench_$cat -At -v rounds="$rounds" -v only="$vars" -f measure.sql \
		| grep -E '^[0-9]+\|' > "$out/results-$cat.txt"
done
echo "timing the first check after a committed change ..."
conn="host=${PGHOST:-localhost} port=${PGPORT:-5432} user=${PGUSER:-postgres} password=${PGPASSWORD:-} dbname=bench_large"
$psql -d bench_large -At -v conn="$conn" -f first_check.sql | grep -E '^(first_check|cache_bytes)' > "$out/results-first-check.txt"
./churn.sh
echo "timing the cost of recording events ..."
./events.sh
if [ "${BENCH_RESOURCES:-1}" != 0 ]; then
	# the checks on a resource: the catalog of issue "Resources" (1,000
	# organizations, 1M resources, 100k members, 1M assignments) and the same
	# organizations' shape at 10k resources, each with its 1M documents
	for db in bench_res10k bench_res; do
		orgs=$([ "$db" = bench_res ] && echo 1000 || echo 10)
		echo "building $db ($orgs organizations of 1,000 resources, 100 members, 1,000 assignments; set-based INSERTs) ..."
		dropdb --if-exists "$db" >/dev/null 2>&1 || true
		createdb "$db"
		t0=$(date +%s)
		$psql -d "$db" -v orgs="$orgs" -f res_setup.sql -P footer=off -P pager=off > "$out/setup-$db.log"
		t1=$(date +%s)
		$psql -d "$db" -f floor.sql
		if [ "$db" = bench_res ]; then
			$psql -d "$db" -f res_peers.sql -P footer=off -P pager=off > "$out/peers-$db.log"
		fi
		echo "$db|$((t1 - t0))|$(( $(date +%s) - t1 ))" >> "$out/results-res-setup.txt"
	done
	echo "timing the checks on a resource: $res_rounds interleaved rounds ..."
	# at 10k resources the rbac lines and their floors, at 1M all
	$psql -d bench_res10k -At -v rounds="$res_rounds" -v only='^(rbac_res_(ws|ws_parallel|folder|org_role|mt|mt_principal|discovery_in_.*)|floor_.*|res_.*)$' -f res_measure.sql \
		| grep -E '^[0-9]+\|' > "$out/results-res10k.txt"
	$psql -d bench_res -At -v rounds="$res_rounds" -v only='.' -f res_measure.sql \
		| grep -E '^[0-9]+\|' > "$out/results-res1m.txt"
	echo "timing a check on a resource at depth 8 against depth 1 ..."
	dropdb --if-exists bench_depth >/dev/null 2>&1 || true
	createdb bench_depth
	$psql -d bench_depth -f floor.sql
	$psql -d bench_depth -f res_depth.sql -P footer=off > "$out/results-depth.txt"
fi
cp report.sql variants.tsv res_report.sql res_variants.tsv events_report.sql "$out/"
(cd "$out" && $psql -d bench_small -v rows=1000000 -f report.sql)
(cd "$out" && $psql -d bench_small -f events_report.sql)
if [ -s "$out/results-res1m.txt" ]; then
	(cd "$out" && $psql -d bench_small -f res_report.sql)
	echo
	echo 'a check on a resource at depth 8 and at depth 1, and the floor (res_depth.sql): ms per 1M rows, round 0 cold'
	cat "$out/results-depth.txt"
fi
