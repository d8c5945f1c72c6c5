#!/usr/bin/env bash
# The cost of recording events (issue "Change events and configuration as
# code"), run by inner.sh inside pg_virtualenv.  Two workloads, each timed
# with events on (rbac.set_events(true)), off (set_events(false): the row
# triggers still note what changed, nothing is written) and with the event
# triggers disabled (what 1.1 costs without events at all), in interleaved
# rounds, each round from the same starting state:
#   memberships   10,000 rbac.create_organization_membership calls, one
#                 transaction each (pgbench -t 10000, one client), beside
#                 20,000 memberships that stay
#   copy          one COPY of 100,000 rows into rbac.role_permission
#                 (1,000 roles x 100 permissions), committed
# The memberships run twice: with the server's default (each commit waits
# for its WAL to reach the disk, as a deployment runs) and with
# synchronous_commit off for pgbench's session (the work alone, without the
# disk's wait and its noise): workload memberships_async.
# Writes "events|workload|mode|round|ms" lines to $out/results-events.txt.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${BENCH_ROUNDS:-5}
out=${BENCH_OUT:-$(mktemp -d)}
psql="psql -X -q -v ON_ERROR_STOP=1"
db=bench_events

dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
$psql -d "$db" <<'EOSQL'
SET client_min_messages = warning;
CREATE EXTENSION rbac;
SELECT rbac.set_events(false);
SELECT count(*) FROM (SELECT rbac.create_role('viewer', 'Viewer')) s;
SELECT count(*) FROM generate_series(1, 100) p, LATERAL rbac.create_permission('perm:' || p, 'P' || p) x;
SELECT count(*) FROM generate_series(1, 1000) r, LATERAL rbac.create_role('role-' || r, 'R' || r) x;
CREATE SEQUENCE bench_user;
-- 20,000 memberships that stay, so that every round's plans (PL/pgSQL keeps
-- them per session) are made for a table of that size, not an empty one
SELECT count(*) FROM generate_series(1, 20000) u,
	LATERAL rbac.create_organization_membership('base_' || u, 'org_' || (u % 100), '{viewer}') x;
ANALYZE;
-- the COPY's rows, in a server-side file
COPY (SELECT r.id, 'perm:' || p FROM rbac.role r, generate_series(1, 100) p
	  WHERE r.slug LIKE 'role-%' ORDER BY r.id, p) TO '/tmp/rbac_bench_grants.tsv';
EOSQL
cat > "$out/events_membership.sql" <<'EOSQL'
SELECT rbac.create_organization_membership('user_' || nextval('bench_user'), 'org_' || (currval('bench_user') % 100), '{viewer}');
EOSQL

mode_sql() {
	case $1 in
	on|off) echo "SELECT rbac.set_events($([ "$1" = on ] && echo true || echo false));
		ALTER TABLE rbac.membership ENABLE TRIGGER record_event, ENABLE TRIGGER capture_event;
		ALTER TABLE rbac.membership_role ENABLE TRIGGER record_event;
		ALTER TABLE rbac.role_permission ENABLE TRIGGER record_event;" ;;
	none) echo "SELECT rbac.set_events(false); ALTER TABLE rbac.membership DISABLE TRIGGER record_event, DISABLE TRIGGER capture_event; ALTER TABLE rbac.membership_role DISABLE TRIGGER record_event; ALTER TABLE rbac.role_permission DISABLE TRIGGER record_event;" ;;
	esac
}
# back to the starting state, recording nothing
reset_sql="SELECT rbac.set_events(false);
DELETE FROM rbac.membership WHERE user_id LIKE 'user%';
TRUNCATE rbac.role_permission;
TRUNCATE rbac.event;
VACUUM ANALYZE rbac.membership, rbac.membership_role, rbac.role_permission, rbac.event;"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
: > "$out/results-events.txt"
for round in $(seq 1 "$rounds"); do
	for mode in on off none; do
		$psql -d "$db" <<< "$reset_sql" >/dev/null
		$psql -d "$db" <<< "$(mode_sql $mode)" >/dev/null
		for commit in on off; do
			$psql -d "$db" <<< "$reset_sql" >/dev/null
			$psql -d "$db" <<< "$(mode_sql $mode)" >/dev/null
			t0=$(now_ms)
			PGOPTIONS="-c synchronous_commit=$commit" \
				pgbench -n -c 1 -t 10000 -f "$out/events_membership.sql" "$db" > "$out/events_pgbench.txt" 2>&1 \
				|| { cat "$out/events_pgbench.txt" >&2; exit 1; }
			t1=$(now_ms)
			echo "events|memberships$([ $commit = off ] && echo _async)|$mode|$round|$((t1 - t0))" >> "$out/results-events.txt"
		done
		t0=$(now_ms)
		$psql -d "$db" -c "COPY rbac.role_permission (role_id, permission_slug) FROM '/tmp/rbac_bench_grants.tsv'" >/dev/null
		t1=$(now_ms)
		echo "events|copy|$mode|$round|$((t1 - t0))" >> "$out/results-events.txt"
		n=$($psql -d "$db" -At -c "SELECT count(*) FROM rbac.event")
		echo "events|count|$mode|$round|$n" >> "$out/results-events.txt"
	done
done
$psql -d "$db" <<< "$(mode_sql on)" >/dev/null
rm -f /tmp/rbac_bench_grants.tsv
