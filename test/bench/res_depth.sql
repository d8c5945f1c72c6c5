-- Depth: a check on a resource at depth 8 against depth 1 (SPEC 7: "for hierarchies up to
-- 8 deep"), 1M rows naming 900 leaf folders, 9% pass, with the floor of the same shape and
-- rows. Eight rounds of the three, ms per 1M rows; round 0 is the first query (the cache and
-- the call site cold: each leaf's chain read, one index scan per level).
-- Run by make bench in a database of its own (test/bench/inner.sh).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\o /dev/null
CREATE EXTENSION IF NOT EXISTS rbac;
SELECT rbac.set_events(false);
SELECT count(*) FROM (SELECT rbac.create_resource_type('folder', 'Folder', NULL, '{organization,folder}'),
	rbac.create_permission('document:read', 'R', NULL, 'folder'),
	rbac.create_role('member', 'Member'), rbac.create_role('folder-reader', 'FR', NULL, 'folder')) s;
SELECT count(*) FROM rbac.set_role_permissions('folder-reader', '{document:read}');
SELECT count(*) FROM rbac.create_organization_membership('u', 'org_deep', '{member}');
SELECT count(*) FROM rbac.create_organization_membership('u', 'org_flat', '{member}');
-- org_deep: two chains a1 > .. > a7 and b1 > .. > b7; leaves l000 .. l089 under a7, l090 .. l899
-- under b7 (depth 8), the role assigned on a1; org_flat: the leaves at depth 1, the role
-- assigned on l000 .. l089 themselves: 9% of the rows pass in both
DO $$ BEGIN
	PERFORM rbac.create_resource('org_deep', 'folder', 'a1', 'A1');
	PERFORM rbac.create_resource('org_deep', 'folder', 'b1', 'B1');
	FOR i IN 2..7 LOOP
		PERFORM rbac.create_resource('org_deep', 'folder', 'a' || i, 'A', NULL, 'folder', 'a' || (i - 1));
		PERFORM rbac.create_resource('org_deep', 'folder', 'b' || i, 'B', NULL, 'folder', 'b' || (i - 1));
	END LOOP;
	FOR i IN 0..899 LOOP
		PERFORM rbac.create_resource('org_deep', 'folder', 'l' || lpad(i::text, 3, '0'), 'L', NULL, 'folder',
									 CASE WHEN i < 90 THEN 'a7' ELSE 'b7' END);
		PERFORM rbac.create_resource('org_flat', 'folder', 'l' || lpad(i::text, 3, '0'), 'L');
	END LOOP;
END $$;
SELECT count(*) FROM rbac.assign_role('u', 'org_deep', 'folder-reader', 'folder', 'a1');
DO $$ BEGIN FOR i IN 0..89 LOOP
	PERFORM rbac.assign_role('u', 'org_flat', 'folder-reader', 'folder', 'l' || lpad(i::text, 3, '0'));
END LOOP; END $$;
CREATE TABLE docs AS SELECT i AS id, 'l' || lpad(((i::bigint * 7919) % 900)::text, 3, '0') AS folder_id FROM generate_series(1, 1000000) i;
VACUUM (ANALYZE, FREEZE) docs;
CREATE OR REPLACE FUNCTION pg_temp.t(org text, expr text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; n bigint;
BEGIN
	PERFORM set_config('rbac.user_id', 'u', true), set_config('rbac.organization_id', org, true);
	t0 := clock_timestamp();
	EXECUTE 'SELECT count(*) FROM docs WHERE ' || expr INTO n;
	RETURN round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000, 1) || ' ms, ' || n || ' rows';
END $$;
\o
SELECT r, pg_temp.t('org_deep', $$rbac.has_permission('document:read', 'folder', folder_id)$$) AS depth8,
	   pg_temp.t('org_flat', $$rbac.has_permission('document:read', 'folder', folder_id)$$) AS depth1_own_assignments,
	   pg_temp.t('org_deep', $$bench_floor.f3_below('document:read', 'l090', folder_id)$$) AS floor
FROM generate_series(0, 7) r;
