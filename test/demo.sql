-- test/demo.sql -- the rbac quick start (run by `make demo` in a throw-away cluster)
--
--   psql -X -v ON_ERROR_STOP=1 --echo-queries -f test/demo.sql

\set QUIET on

\echo
\echo '== 1. Install the extension: it starts empty (no permissions, no roles)'
\echo
CREATE EXTENSION rbac;

\echo
\echo '== 2. Permissions: slugs like resource:action; a * segment is a wildcard'
\echo
SELECT p.slug, p.name
FROM (VALUES ('posts:read',      'Read posts'),
             ('posts:write',     'Write posts'),
             ('documents:read',  'Read documents'),
             ('documents:write', 'Write documents'),
             ('documents:*',     'Every document action')) AS v(slug, name),
     LATERAL rbac.create_permission(v.slug, v.name) AS p;

\echo
\echo '== 3. Environment roles (shared by every organization), each placed at the bottom'
\echo
SELECT slug, name, type FROM rbac.create_role('admin',  'Admin');
SELECT slug, name, type FROM rbac.create_role('editor', 'Editor');
SELECT slug, name, type FROM rbac.create_role('viewer', 'Viewer');

\echo
\echo '== 4. Grant permissions to them'
\echo
SELECT slug FROM rbac.set_role_permissions('admin', ARRAY['posts:read', 'posts:write', 'documents:*']);
SELECT slug FROM rbac.set_role_permissions('editor', ARRAY['documents:read']);
SELECT slug FROM rbac.add_role_permission('viewer', 'posts:read');

\echo
\echo '== 5. A role that exists only in organization org_01HDEMO (slug begins with org-)'
\echo
SELECT slug, type, organization_id
FROM rbac.create_organization_role('org_01HDEMO', 'org-billing', 'Billing');
SELECT slug FROM rbac.set_organization_role_permissions('org_01HDEMO', 'org-billing', ARRAY['documents:read']);

\echo
\echo '== 6. Roles by priority: the environment list, then each organization''s own list'
\echo
SELECT coalesce(organization_id, '(environment)') AS list, priority, slug, type, permissions
FROM rbac.roles_by_priority;

\echo
\echo '== 7. A role as the WorkOS API returns it'
\echo
SELECT jsonb_pretty(rbac.role_json(rbac.get_role('admin'))) AS admin;

\echo
\echo '== 8. Checks: admin holds documents:* (which covers documents:delete); org-billing'
\echo '      grants only inside its organization; an unknown role is simply false'
\echo
SELECT rbac.role_has_permission('admin',  'documents:delete')                       AS admin_delete,
       rbac.role_has_permission('editor', 'documents:read')                         AS editor_read,
       rbac.role_has_permission('editor', 'documents:write')                        AS editor_write,
       rbac.role_has_permission('org-billing', 'documents:read', 'org_01HDEMO')     AS billing_in_demo,
       rbac.role_has_permission('org-billing', 'documents:read', 'org_01HOTHER')    AS billing_elsewhere,
       rbac.role_has_permission('nobody', 'documents:read')                         AS nobody_read;

\echo
\echo '== 9. Row-level security: a table of documents in two organizations'
\echo
CREATE TABLE documents (
    id     int  PRIMARY KEY,
    org_id text NOT NULL,
    title  text NOT NULL,
    body   text
);
INSERT INTO documents VALUES
    (1, 'org_01HDEMO',  'Q3 invoice',       'Amount due: 1200 EUR'),
    (2, 'org_01HDEMO',  'Pricing notes',    'Enterprise tier draft'),
    (3, 'org_01HOTHER', 'Roadmap',          'Ship the checks in C'),
    (4, 'org_01HOTHER', 'Onboarding guide', 'Welcome aboard');

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;

\echo
\echo '-- the application says which rbac role the request acts as in the setting app.role;'
\echo '-- policy 1: an environment role that grants documents:read sees every document'
\echo
CREATE POLICY documents_read ON documents FOR SELECT
    USING (rbac.role_has_permission(current_setting('app.role', true), 'documents:read'));

\echo
\echo '-- policy 2: a role of the row''s organization (or an environment role) that grants it'
\echo
CREATE POLICY documents_read_in_org ON documents FOR SELECT
    USING (rbac.role_has_permission(current_setting('app.role', true), 'documents:read', org_id));

\echo
\echo '-- the application connects as app_user: SELECT on documents, nothing on rbac''s tables'
\echo
CREATE ROLE app_user NOLOGIN;
GRANT SELECT ON documents TO app_user;
SELECT has_table_privilege('app_user', 'rbac.role', 'SELECT')       AS can_read_rbac_role,
       has_table_privilege('app_user', 'rbac.permission', 'SELECT') AS can_read_rbac_permission;

SET ROLE app_user;

\echo
\echo '== 10. The same query, three application roles, different rows'
\echo
\echo '-- editor (environment role, documents:read): every row'
SET app.role = 'editor';
SELECT id, org_id, title FROM documents ORDER BY id;

\echo '-- org-billing (documents:read only in org_01HDEMO): that organization''s rows'
SET app.role = 'org-billing';
SELECT id, org_id, title FROM documents ORDER BY id;

\echo '-- viewer (posts:read only): no rows'
SET app.role = 'viewer';
SELECT id, org_id, title FROM documents ORDER BY id;

\echo '-- a role that does not exist: no rows, and no error'
SET app.role = 'nobody';
SELECT id, org_id, title FROM documents ORDER BY id;

RESET app.role;
RESET ROLE;

\echo
\echo '== 11. Changes apply at once: grant documents:read to viewer, then look again'
\echo
SELECT slug FROM rbac.add_role_permission('viewer', 'documents:read');
SET ROLE app_user;
SET app.role = 'viewer';
SELECT id, org_id, title FROM documents ORDER BY id;
RESET app.role;
RESET ROLE;

\echo
\echo 'Done. See README.md for the whole API.'
