-- The resource catalog of issue "Resources" (SPEC 7), built with set-based
-- INSERTs (the triggers check a statement at a time).  :orgs organizations
-- org_0001 .. (1,000 in bench_res, 10 in bench_res10k), each with the same
-- tree of 1,000 resources: workspaces w0 .. w9 -> projects p00 .. p89 (nine
-- per workspace) -> folders f000 .. f899 (ten per project), depth 3 below
-- the organization; one more organization org_big whose workspace holds ten
-- projects of 1,000 folders each (10,011 resources: discovery of 10,000;
-- only with 100 organizations or more).
-- 100 members per organization (environment role "member", which grants
-- nothing here), 10 role assignments each on resources of the role's type.
-- The three principals of the benchmark are members of org_0001:
--   u_ws   ws-reader assigned on workspace w0 (2 levels above its folders)
--   u_fold folder-reader assigned on folders f000 .. f009 (on the folder)
--   u_org  the membership's own role doc-reader (the organization root)
-- each with 10 assignments like every member (the rest grant nothing).
-- Then the 1M-row documents table (90% name a folder of the principal's
-- organization, 10% only a project), documents_10k, its first 10,000 rows,
-- and documents_mt, 1M rows of ten organizations (the organization from the row).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rbac;
\timing on
SELECT count(*) FROM (
	SELECT rbac.create_resource_type('workspace', 'Workspace'),
		   rbac.create_resource_type('project', 'Project', NULL, '{workspace}'),
		   rbac.create_resource_type('folder', 'Folder', NULL, '{project}')) s;
SELECT count(*) FROM (
	SELECT rbac.create_permission('document:read', 'Read documents', NULL, 'folder'),
		   rbac.create_permission('document:list', 'List documents', NULL, 'folder'),
		   rbac.create_permission('project:read', 'Read projects', NULL, 'project'),
		   rbac.create_role('member', 'Member'),
		   rbac.create_role('doc-reader', 'Document reader'),
		   rbac.create_role('ws-reader', 'Workspace reader', NULL, 'workspace'),
		   rbac.create_role('project-reader', 'Project reader', NULL, 'project'),
		   rbac.create_role('folder-reader', 'Folder reader', NULL, 'folder'),
		   rbac.create_role('folder-lister', 'Folder lister', NULL, 'folder')) s;
SELECT count(*) FROM (
	SELECT rbac.set_role_permissions('doc-reader', '{document:read}'),
		   rbac.set_role_permissions('ws-reader', '{document:read,project:read}'),
		   rbac.set_role_permissions('project-reader', '{document:read,project:read}'),
		   rbac.set_role_permissions('folder-reader', '{document:read}'),
		   rbac.set_role_permissions('folder-lister', '{document:list}')) s;

CREATE TEMP TABLE org AS
SELECT format('org_%s', lpad(i::text, 4, '0')) AS org, false AS big FROM generate_series(1, :orgs) i
UNION ALL SELECT 'org_big', true WHERE :orgs >= 100;
INSERT INTO rbac.organization_order (organization_id) SELECT org FROM org ON CONFLICT DO NOTHING;

-- resources, one statement per level
INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id)
SELECT 'w' || k, 'Workspace ' || k, 'workspace', o.org
FROM org o, generate_series(0, 9) k WHERE NOT o.big OR k = 0;
INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id, parent_resource_id)
SELECT 'p' || lpad((9 * substr(w.external_id, 2)::int + k)::text, 2, '0'), 'Project', 'project',
	   w.organization_id, w.id
FROM rbac.resource w, generate_series(0, 8) k
WHERE w.resource_type_slug = 'workspace' AND w.organization_id <> 'org_big'
UNION ALL
SELECT 'p' || lpad(k::text, 2, '0'), 'Project', 'project', w.organization_id, w.id
FROM rbac.resource w, generate_series(0, 9) k
WHERE w.resource_type_slug = 'workspace' AND w.organization_id = 'org_big';
INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id, parent_resource_id)
SELECT 'f' || lpad((10 * substr(p.external_id, 2)::int + k)::text, 3, '0'), 'Folder', 'folder',
	   p.organization_id, p.id
FROM rbac.resource p, generate_series(0, 9) k
WHERE p.resource_type_slug = 'project' AND p.organization_id <> 'org_big'
UNION ALL
SELECT 'f' || lpad((1000 * substr(p.external_id, 2)::int + k)::text, 5, '0'), 'Folder', 'folder',
	   p.organization_id, p.id
FROM rbac.resource p, generate_series(0, 999) k
WHERE p.resource_type_slug = 'project' AND p.organization_id = 'org_big';

-- members: u_<org>_<k>, k = 0 .. 99; the principals replace k = 0 .. 2 of org_0001
INSERT INTO rbac.membership (user_id, organization_id)
SELECT CASE WHEN o.big THEN 'u_big'
			WHEN o.org = 'org_0001' AND k < 3 THEN (ARRAY['u_ws', 'u_fold', 'u_org'])[k + 1]
			ELSE format('u_%s_%s', o.org, k) END, o.org
FROM org o, generate_series(0, 99) k WHERE NOT o.big OR k = 0;
INSERT INTO rbac.membership_role (membership_id, role_id)
SELECT m.id, r.id FROM rbac.membership m, rbac.role r
WHERE r.slug = CASE m.user_id WHEN 'u_org' THEN 'doc-reader' ELSE 'member' END
  AND r.organization_id IS NULL;

-- assignments: 10 per member; member k's j-th: j = 0 ws-reader on a
-- workspace, j = 1, 2 project-reader on a project, j = 3 .. 9 folder-reader
-- on a folder, spread by k and j.  The principals: u_ws ws-reader on w0 and
-- folder-lister on f100 .. f108; u_fold folder-reader on f000 .. f009;
-- u_org folder-lister on f100 .. f109; u_big ws-reader on org_big's w0.
CREATE TEMP TABLE want AS
SELECT m.id AS membership_id, m.organization_id AS org, j,
	   CASE WHEN m.user_id = 'u_ws' THEN CASE WHEN j = 0 THEN 'ws-reader' ELSE 'folder-lister' END
			WHEN m.user_id = 'u_fold' THEN 'folder-reader'
			WHEN m.user_id = 'u_org' THEN 'folder-lister'
			WHEN m.user_id = 'u_big' THEN 'ws-reader'
			WHEN j = 0 THEN 'ws-reader' WHEN j < 3 THEN 'project-reader' ELSE 'folder-reader' END AS role,
	   CASE WHEN m.user_id = 'u_ws' THEN CASE WHEN j = 0 THEN 'w0' ELSE 'f' || (99 + j) END
			WHEN m.user_id = 'u_fold' THEN 'f00' || j
			WHEN m.user_id = 'u_org' THEN 'f' || (100 + j)
			WHEN m.user_id = 'u_big' THEN 'w0'
			WHEN j = 0 THEN 'w' || (k % 10)
			WHEN j < 3 THEN 'p' || lpad(((k * 7 + j * 31) % 90)::text, 2, '0')
			ELSE 'f' || lpad(((k * 37 + j * 101) % 900)::text, 3, '0') END AS ext
FROM (SELECT id, user_id, organization_id,
			 coalesce(nullif(split_part(user_id, '_', 4), ''), '0')::int AS k
	  FROM rbac.membership) m
CROSS JOIN generate_series(0, 9) j
WHERE m.user_id <> 'u_big' OR j = 0;
INSERT INTO rbac.role_assignment (membership_id, role_id, resource_id)
SELECT w.membership_id, r.id, x.id
FROM want w
JOIN rbac.role r ON r.slug = w.role AND r.organization_id IS NULL
JOIN rbac.resource x ON x.organization_id = w.org AND x.resource_type_slug = r.resource_type_slug
					AND x.external_id = w.ext
ON CONFLICT DO NOTHING;
\timing off
ANALYZE;
SELECT (SELECT count(*) FROM rbac.resource) AS resources,
	   (SELECT count(*) FROM rbac.membership) AS members,
	   (SELECT count(*) FROM rbac.role_assignment) AS assignments;

-- documents: 1M rows; 9 in 10 name a folder of org_0001 (scattered), the
-- others only a project (folder_id NULL)
DROP TABLE IF EXISTS documents, documents_10k;
CREATE TABLE documents (
	id integer PRIMARY KEY,
	project_id text NOT NULL,
	folder_id text,
	title text NOT NULL
);
INSERT INTO documents
SELECT i, 'p' || lpad((f / 10)::text, 2, '0'),
	   CASE WHEN i % 10 <> 0 THEN 'f' || lpad(f::text, 3, '0') END, 'document ' || i
FROM (SELECT i, (i::bigint * 7919) % 900 AS f FROM generate_series(1, 1000000) i) s;
CREATE TABLE documents_10k AS SELECT * FROM documents WHERE id <= 10000;
-- documents_mt: 1M rows of a table shared by ten organizations (org_0001 ..
-- org_0010, interleaved), each naming a folder of its organization
DROP TABLE IF EXISTS documents_mt;
CREATE TABLE documents_mt (
	id integer PRIMARY KEY,
	org_id text NOT NULL,
	folder_id text NOT NULL,
	title text NOT NULL
);
INSERT INTO documents_mt
SELECT i, 'org_' || lpad((1 + (i::bigint * 31) % 10)::text, 4, '0'),
	   'f' || lpad(((i::bigint * 7919) % 900)::text, 3, '0'), 'document ' || i
FROM generate_series(1, 1000000) i;
VACUUM (ANALYZE, FREEZE) documents, documents_10k, documents_mt;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_app') THEN
		CREATE ROLE bench_app NOLOGIN;
	END IF;
END $$;
GRANT SELECT ON documents, documents_10k, documents_mt TO bench_app;
-- members_with_permission and effective_permissions are SQL run as the
-- caller (resources_with_permission, C, needs none of this)
GRANT SELECT ON ALL TABLES IN SCHEMA rbac TO bench_app;
