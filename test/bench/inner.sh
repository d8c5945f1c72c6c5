#!/usr/bin/env bash
# Runs inside pg_virtualenv: builds both catalogs, the floor functions
# and the hand-written SQL peers in each, times every variant, times the
# first check after a commit and the reader under write churn, prints the
# report.  Called by test/bench/run.sh.
#   BENCH_ONLY=re    only the variants whose name matches (small catalog)
set -euo pipefail
cd "$(dirname "$0")"
rounds=${BENCH_ROUNDS:-5}
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
cp report.sql variants.tsv "$out/"
(cd "$out" && $psql -d bench_small -v rows=1000000 -f report.sql)
