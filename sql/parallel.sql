--
-- parallel: the checks are PARALLEL SAFE, so parallel workers (fresh
-- backends with an empty cache, and the leader's settings) must give the
-- leader's answers
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;

SELECT count(*) FROM (
	SELECT rbac.create_permission('documents:read', 'Read documents'),
		   rbac.create_role('editor', 'Editor'),
		   rbac.create_organization_role('org_1', 'org-reader', 'Reader')) s;
SELECT count(*) FROM (
	SELECT rbac.add_role_permission('editor', 'documents:read'),
		   rbac.add_organization_role_permission('org_1', 'org-reader', 'documents:read'),
		   rbac.set_default_role('editor')) s;
SELECT count(*) FROM rbac.create_organization_membership('user_1', 'org_1');

CREATE TABLE parallel_docs AS
SELECT i, 'org_' || (i % 3) AS org FROM generate_series(1, 300000) i;
ANALYZE parallel_docs;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET app.role = 'org-reader';
SET rbac.user_id = 'user_1';

-- the plan is parallel
EXPLAIN (COSTS OFF)
SELECT count(*) FROM parallel_docs
WHERE rbac.role_has_permission(current_setting('app.role', true), 'documents:read', org);

-- each form in parallel (plain SELECTs: INSERT ... SELECT would not run in
-- parallel), then serially: the same counts (org_1 is a third of the rows)
SELECT count(*) AS p1 FROM parallel_docs
WHERE rbac.role_has_permission(current_setting('app.role', true), 'documents:read', org) \gset
SELECT count(*) AS p2 FROM parallel_docs
WHERE rbac.user_has_permission('user_1', org, 'documents:read') \gset
SELECT count(*) AS p3 FROM parallel_docs
WHERE rbac.has_permission('documents:read', org) \gset
SELECT count(*) AS p4 FROM parallel_docs
WHERE rbac.roles_have_permission(ARRAY['nobody', 'org-reader'], 'documents:read', org) \gset
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS s1 FROM parallel_docs
WHERE rbac.role_has_permission(current_setting('app.role', true), 'documents:read', org) \gset
SELECT count(*) AS s2 FROM parallel_docs
WHERE rbac.user_has_permission('user_1', org, 'documents:read') \gset
SELECT count(*) AS s3 FROM parallel_docs
WHERE rbac.has_permission('documents:read', org) \gset
SELECT count(*) AS s4 FROM parallel_docs
WHERE rbac.roles_have_permission(ARRAY['nobody', 'org-reader'], 'documents:read', org) \gset
SELECT :p1 AS role_has_permission, :p2 AS user_has_permission,
	   :p3 AS has_permission, :p4 AS roles_have_permission;
SELECT :p1 = :s1 AND :p2 = :s2 AND :p3 = :s3 AND :p4 = :s4 AS parallel_equals_serial;

RESET ALL;
DROP TABLE parallel_docs;
