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

--
-- Checks on a resource in parallel workers (SPEC 7): a worker reads its
-- cache under the leader's snapshot and keeps answers per external id, so
-- it must see what that snapshot sees: the leader's own uncommitted
-- changes, and not those rolled back.
--
SELECT count(*) FROM (
	SELECT rbac.create_resource_type('project', 'Project'),
		   rbac.create_resource_type('folder', 'Folder', NULL, '{project}'),
		   rbac.create_permission('folder:read', 'Read folders', NULL, 'folder'),
		   rbac.create_role('project-reader', 'Project reader', NULL, 'project')) s;
SELECT count(*) FROM rbac.set_role_permissions('project-reader', '{folder:read}');
SELECT count(*) FROM (
	SELECT rbac.create_resource('org_1', 'project', 'p' || p, 'P' || p) FROM generate_series(0, 9) p) s;
SELECT count(*) FROM (
	SELECT rbac.create_resource('org_1', 'folder', 'f' || f, 'F' || f, NULL, 'project', 'p' || (f % 10))
	FROM generate_series(0, 199) f) s;
SELECT count(*) FROM rbac.assign_role('user_1', 'org_1', 'project-reader', 'project', 'p1');
CREATE TABLE parallel_files AS
SELECT i, 'f' || (i % 250) AS folder FROM generate_series(1, 300000) i;	-- f200 .. f249: unknown
ANALYZE parallel_files;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET rbac.user_id = 'user_1';
SET rbac.organization_id = 'org_1';
EXPLAIN (COSTS OFF)
SELECT count(*) FROM parallel_files WHERE rbac.has_permission('folder:read', 'folder', folder);
-- p1's folders are f1, f11, .. f191: 20 of 250, 24,000 rows
SELECT count(*) AS has_permission FROM parallel_files
WHERE rbac.has_permission('folder:read', 'folder', folder);
SELECT count(*) AS user_has_permission FROM parallel_files
WHERE rbac.user_has_permission('user_1', 'org_1', 'folder:read', 'folder', folder);
-- the leader's own change, uncommitted, then rolled back: p2's folders too
BEGIN;
SELECT count(*) FROM rbac.assign_role('user_1', 'org_1', 'project-reader', 'project', 'p2');
EXPLAIN (COSTS OFF)
SELECT count(*) FROM parallel_files WHERE rbac.has_permission('folder:read', 'folder', folder);
SELECT count(*) AS with_p2 FROM parallel_files
WHERE rbac.has_permission('folder:read', 'folder', folder);
SELECT count(*) FROM rbac.update_resource('org_1', 'folder', 'f3', parent_type_slug => 'project', parent_external_id => 'p1');
SELECT count(*) AS f3_moved_under_p1 FROM parallel_files
WHERE rbac.has_permission('folder:read', 'folder', folder);
ROLLBACK;
SELECT count(*) AS after_rollback FROM parallel_files
WHERE rbac.has_permission('folder:read', 'folder', folder);
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS serial FROM parallel_files
WHERE rbac.has_permission('folder:read', 'folder', folder);
RESET ALL;
DROP TABLE parallel_files;
