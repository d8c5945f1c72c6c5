#!/usr/bin/env bash
# The churn benchmark, run by inner.sh inside pg_virtualenv: a reader (one
# pgbench client, churn_reader.sql) repeats a 100k-row RLS count for
# CHURN_SECONDS (default 20) in three phases: alone; while a writer (another
# pgbench connection, churn_writer.sql) creates and deletes memberships of
# other users at 20 transactions/s (pgbench -R 20); and while it does so
# unthrottled.  Each phase stops by itself.  Writes to $out:
#   results-churn.txt   "reader|phase|ms" per reader query,
#                       "writer|phase|tps" for the writer
set -euo pipefail
cd "$(dirname "$0")"
secs=${CHURN_SECONDS:-20}
out=${BENCH_OUT:-$(mktemp -d)}
psql="psql -X -q -v ON_ERROR_STOP=1"
db=bench_churn

dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
ok=$($psql -d "$db" -At -f churn_setup.sql | tail -1)
[ "$ok" = t ] || { echo "churn: the reader does not see its 100,000 rows" >&2; exit 1; }

: > "$out/results-churn.txt"
for phase in alone writer_20_per_s writer_unthrottled; do
	echo "churn: $phase, ${secs} s ..."
	rm -f "$out"/churn_reader.* "$out/churn_reader_out.txt" "$out/churn_writer_out.txt"
	wpid=
	case $phase in
	writer_20_per_s) rate="-R 20" ;;
	writer_unthrottled) rate= ;;
	*) rate=none ;;
	esac
	if [ "$rate" != none ]; then
		# the writer outlives the reader by a second on each side
		pgbench -n -c 1 -T $((secs + 2)) $rate -f churn_writer.sql "$db" \
			> "$out/churn_writer_out.txt" 2>&1 &
		wpid=$!
		sleep 1
	fi
	pgbench -n -c 1 -T "$secs" -f churn_reader.sql -l --log-prefix="$out/churn_reader" "$db" \
		> "$out/churn_reader_out.txt" 2>&1 || { cat "$out/churn_reader_out.txt" >&2; exit 1; }
	# pgbench's per-transaction log: the third field is the latency in us
	awk -v p="$phase" '{ printf "reader|%s|%.3f\n", p, $3 / 1000 }' "$out"/churn_reader.* \
		>> "$out/results-churn.txt"
	if [ -n "$wpid" ]; then
		wait "$wpid" || { cat "$out/churn_writer_out.txt" >&2; exit 1; }
		tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$out/churn_writer_out.txt" | head -1)
		echo "writer|$phase|${tps:-0}" >> "$out/results-churn.txt"
	fi
done
