-- The soak's final check (test/soak/run.sh): run by the backend that called
-- the checks all through the run (its cache is warm), after every writer
-- stopped.  Exits non-zero (ON_ERROR_STOP) if an invariant is violated or a
-- cached answer differs from the reference in this or any earlier round.
\set ON_ERROR_STOP 1
\pset footer off
\echo
\echo == catalog invariants (violations must be 0)
CREATE TEMP TABLE final_structure AS SELECT * FROM soak.structure();
TABLE final_structure;

\echo == cached checks against the SQL reference, final round (mismatches must be 0)
CREATE TEMP TABLE final_compare AS SELECT * FROM soak.compare(1000000);
SELECT kind, pairs, mismatches FROM final_compare ORDER BY kind;
SELECT sum(pairs) AS pairs_compared_final FROM final_compare;

\echo == checks on a resource against rbac_oracle (members x permissions x resources), final round (mismatches must be 0)
CREATE TEMP TABLE final_resources AS SELECT * FROM soak.compare_resources(1000001);
SELECT kind, pairs, mismatches FROM final_resources ORDER BY kind;

\echo == the same during the run, in rounds with the writers paused between transactions
SELECT count(DISTINCT round) AS rounds, sum(pairs) AS pairs_compared, sum(mismatches) AS mismatches
FROM soak.round_result WHERE round < 1000000;

\echo == first mismatches (none expected)
SELECT * FROM soak.mismatch ORDER BY round, kind, subject, org, perm LIMIT 20;

\echo == the catalog now
SELECT (SELECT count(*) FROM rbac.permission) AS permissions,
	   (SELECT count(*) FROM rbac.role WHERE organization_id IS NULL) AS environment_roles,
	   (SELECT count(*) FROM rbac.role WHERE organization_id IS NOT NULL) AS organization_roles,
	   (SELECT count(*) FROM rbac.role_permission) AS grants,
	   (SELECT count(*) FROM rbac.organization_order) AS own_orders,
	   (SELECT count(*) FROM rbac.membership) AS memberships,
	   (SELECT count(*) FROM rbac.membership_role) AS membership_roles,
	   (SELECT count(*) FROM rbac.resource) AS resources,
	   (SELECT count(*) FROM rbac.role_assignment) AS role_assignments;

\echo == ties: roles sharing a sort key in one list (ordered by the tie-break; information only)
SELECT count(*) AS tied_places FROM (
	SELECT l.org, p.sort_key
	FROM (SELECT NULL::text AS org UNION ALL SELECT id FROM soak.org) l
	CROSS JOIN LATERAL rbac.priority_list(l.org) p
	GROUP BY 1, 2 HAVING count(*) > 1) t;

\echo == outcomes of the admin writes (errors: those concurrent writers cause)
SELECT op, count(*) AS calls, count(*) FILTER (WHERE state = 'ok') AS ok,
	   count(*) FILTER (WHERE state <> 'ok') AS errors
FROM soak.outcome GROUP BY op ORDER BY op;
SELECT state, message, count(*) AS n, string_agg(DISTINCT op, ', ') AS ops
FROM soak.outcome WHERE state <> 'ok'
GROUP BY 1, 2 ORDER BY 1, 3 DESC;

\echo == explanations against the checks on the final catalog (SPEC 9; disagreements must be 0)
CREATE TEMP TABLE final_explain AS
SELECT count(*) AS cases,
	   count(*) FILTER (WHERE e ->> 'reason' = 'granted') AS granted,
	   count(*) FILTER (WHERE (e ->> 'reason' = 'granted')
						IS DISTINCT FROM rbac.user_has_permission(u, o, perm)) AS disagree
FROM (SELECT m.u, m.o, p.perm, rbac.explain_user(m.u, m.o, p.perm) AS e
	  FROM (SELECT user_id::text AS u, organization_id::text AS o FROM rbac.membership
			ORDER BY 1, 2 LIMIT 300) m,
		   (SELECT slug::text AS perm FROM rbac.permission ORDER BY 1 LIMIT 40) p) s;
TABLE final_explain;

\echo == events against the final catalog (SPEC 8; stale and undeleted must be 0)
-- the last event of every object that exists is its JSON now, and of every
-- object that is gone a deleted event; a membership's roles compared as a
-- set (their order is the priority order, which moves without them)
CREATE FUNCTION pg_temp.event_shape(kind text, d jsonb) RETURNS jsonb LANGUAGE sql AS $f$
	SELECT CASE WHEN kind = 'organization_membership'
				THEN d - 'role' - 'roles' || jsonb_build_object('roles',
					(SELECT jsonb_agg(x ORDER BY x->>'slug') FROM jsonb_array_elements(d->'roles') x))
				ELSE d END
$f$;
CREATE TEMP TABLE final_events AS
WITH last AS (
	SELECT DISTINCT ON (1, 2)
		   split_part(e.event, '.', 1) AS kind, coalesce(e.data->>'id', e.data->>'slug') AS key,
		   split_part(e.event, '.', 2) AS what, e.data
	FROM rbac.event e ORDER BY 1, 2, e.id DESC
), cur AS (
	SELECT 'permission' AS kind, p.id::text AS key, rbac.permission_json(p) AS data FROM rbac.permission p
	UNION ALL
	SELECT CASE r.type WHEN 'OrganizationRole' THEN 'organization_role' ELSE 'role' END, r.id, rbac.role_json(r)
	FROM rbac.role r
	UNION ALL
	SELECT 'organization_membership', m.id, rbac.membership_json(m) FROM rbac.membership m
	UNION ALL
	SELECT 'resource_type', t.slug, rbac.resource_type_json(t) FROM rbac.resource_type t
	WHERE t.slug <> 'organization'
	UNION ALL
	SELECT 'authorization_resource', x.id, rbac.resource_json(x) FROM rbac.resource x
	UNION ALL
	SELECT 'role_assignment', a.id, rbac.role_assignment_json(a) FROM rbac.role_assignment a
)
SELECT (SELECT count(*) FROM rbac.event) AS events,
	   count(*) FILTER (WHERE c.key IS NOT NULL) AS objects,
	   count(*) FILTER (WHERE c.key IS NOT NULL AND (l.key IS NULL OR l.what = 'deleted'
			OR pg_temp.event_shape(c.kind, c.data) IS DISTINCT FROM pg_temp.event_shape(l.kind, l.data))) AS stale,
	   count(*) FILTER (WHERE c.key IS NULL AND l.what <> 'deleted') AS undeleted
FROM cur c FULL JOIN last l ON l.kind = c.kind AND l.key = c.key;
TABLE final_events;

DO $$
DECLARE
	bad_structure bigint := (SELECT sum(violations) FROM final_structure);
	bad_checks bigint := (SELECT sum(mismatches) FROM soak.round_result);
	bad_explain bigint := (SELECT disagree FROM final_explain);
	bad_events bigint := (SELECT stale + undeleted FROM final_events);
BEGIN
	IF bad_structure > 0 OR bad_checks > 0 OR bad_explain > 0 OR bad_events > 0 THEN
		RAISE EXCEPTION 'soak invariants violated: % catalog violations, % cached answers differing from the reference, % explanations disagreeing with the check, % objects whose last event is not what they are',
			bad_structure, bad_checks, bad_explain, bad_events;
	END IF;
END
$$;
\echo soak invariants hold
