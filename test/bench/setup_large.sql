-- Large catalog: 10,000 environment roles, 100,000 organization roles
-- (10 in each of the 10,000 organizations), 5,000 permissions and about
-- 1M grants, built with bulk DML.  The same names as the small catalog
-- (editor, org-reader, documents:read) exist, with the same grants.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rbac;

INSERT INTO rbac.permission (slug, name)
SELECT format('resource%s:action%s', i / 10, i % 10), 'Permission ' || i
FROM generate_series(1, 4997) i;
SELECT count(*) FROM (
	SELECT rbac.create_permission('documents:read', 'Read documents'),
		   rbac.create_permission('documents:write', 'Write documents'),
		   rbac.create_permission('posts:read', 'Read posts')) s;

INSERT INTO rbac.role (slug, name)
SELECT 'env-role-' || i, 'Environment role ' || i FROM generate_series(1, 9997) i;
SELECT count(*) FROM (
	SELECT rbac.create_role('admin', 'Admin'),
		   rbac.create_role('editor', 'Editor'),
		   rbac.create_role('viewer', 'Viewer')) s;

-- 50 grants for each environment role: 500,000
INSERT INTO rbac.role_permission (role_id, permission_slug)
SELECT r.id, format('resource%s:action%s', p.i / 10, p.i % 10)
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM rbac.role
	  WHERE slug LIKE 'env-role-%') r
CROSS JOIN LATERAL (
	SELECT 1 + (r.n * 37 + j) % 4997 AS i FROM generate_series(0, 49) j) p;
SELECT count(*) FROM rbac.set_role_permissions('editor', '{documents:read,documents:write}');

\i organizations.sql
-- 9 more roles in each organization, 5 grants each: 90,000 roles, 450,000 grants
INSERT INTO rbac.role (slug, name, type, organization_id)
SELECT 'org-role-' || k, 'Organization role ' || k, 'OrganizationRole',
	   format('org_%s', lpad(i::text, 5, '0'))
FROM generate_series(1, 10000) i, generate_series(1, 9) k;
INSERT INTO rbac.role_permission (role_id, permission_slug)
SELECT r.id, format('resource%s:action%s', p.i / 10, p.i % 10)
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM rbac.role
	  WHERE slug LIKE 'org-role-%') r
CROSS JOIN LATERAL (
	SELECT 1 + (r.n * 13 + j * 101) % 4997 AS i FROM generate_series(0, 4) j) p;
ANALYZE;
SELECT (SELECT count(*) FROM rbac.role WHERE organization_id IS NULL) AS environment_roles,
	   (SELECT count(*) FROM rbac.role WHERE organization_id IS NOT NULL) AS organization_roles,
	   (SELECT count(*) FROM rbac.permission) AS permissions,
	   (SELECT count(*) FROM rbac.role_permission) AS grants;

\i documents.sql
