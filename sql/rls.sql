--
-- rls: the checks in row-level-security policies, called by an application
-- role without any privilege on rbac's tables (SPEC 3, 5)
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
DROP TABLE IF EXISTS documents;
DROP ROLE IF EXISTS rbac_test_app;
RESET client_min_messages;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- SQLSTATE and message of a statement's error, or 'ok'
CREATE FUNCTION pg_temp.err(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

SELECT slug FROM rbac.create_permission('documents:read', 'Read documents');
SELECT slug FROM rbac.create_permission('documents:write', 'Write documents');
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.set_role_permissions('editor', '{documents:read,documents:write}');
-- org_1's reader may read; org_2 has a role of the same slug that may not
SELECT slug FROM rbac.create_organization_role('org_1', 'org-reader', 'Reader');
SELECT slug FROM rbac.set_organization_role_permissions('org_1', 'org-reader', '{documents:read}');
SELECT slug FROM rbac.create_organization_role('org_2', 'org-reader', 'Reader');

-- the application role: no privilege on rbac's tables
CREATE ROLE rbac_test_app NOLOGIN;
GRANT USAGE ON SCHEMA public TO rbac_test_app;

CREATE TABLE documents (id integer PRIMARY KEY, org_id text, title text);
INSERT INTO documents VALUES
	(1, 'org_1', 'Plan'), (2, 'org_1', 'Budget'), (3, 'org_2', 'Roadmap'),
	(4, 'org_2', 'Memo'), (5, 'org_3', 'Notes'), (6, NULL, 'Orphan');
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
GRANT SELECT ON documents TO rbac_test_app;
CREATE POLICY documents_read ON documents FOR SELECT
	USING (rbac.role_has_permission(current_setting('app.role', true), 'documents:read'));

--
-- The application role cannot read the catalog, but the checks work
--
SET ROLE rbac_test_app;
SELECT current_user;
SELECT pg_temp.err($$SELECT count(*) FROM rbac.role$$);
SELECT pg_temp.err($$SELECT count(*) FROM rbac.permission$$);
SELECT pg_temp.err($$SELECT count(*) FROM rbac.role_permission$$);
SELECT pg_temp.err($$SELECT count(*) FROM rbac.roles_by_priority$$);
-- nor change it (the management functions run as the caller)
SELECT pg_temp.err($$SELECT rbac.create_role('intruder', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.add_role_permission('viewer', 'documents:read')$$);
SELECT pg_temp.err($$INSERT INTO rbac.role_permission (role_id, permission_slug) VALUES ('x', 'documents:read')$$);
SELECT rbac.role_has_permission('editor', 'documents:read') AS editor,
	   rbac.role_has_permission('viewer', 'documents:read') AS viewer,
	   rbac.role_has_permission('org-reader', 'documents:read', 'org_1') AS org_1_reader,
	   rbac.role_has_permission('org-reader', 'documents:read', 'org_2') AS org_2_reader,
	   rbac.roles_have_permission('{viewer,editor}', 'documents:write') AS union_form,
	   rbac.roles_have_permission('{viewer,org-reader}', 'documents:read', 'org_1') AS union_org;

--
-- A policy on the environment role named by a setting
--
-- no role set: current_setting() is NULL, the check NULL, no rows
SELECT current_setting('app.role', true) IS NULL AS unset;
SELECT id, title FROM documents ORDER BY id;
SET app.role = 'editor';
SELECT id, title FROM documents ORDER BY id;
SET app.role = 'viewer';
SELECT id, title FROM documents ORDER BY id;
-- malformed, unknown, organization role without organization: no rows, no error
SET app.role = 'Editor';
SELECT count(*) AS visible FROM documents;
SET app.role = 'editor,viewer';
SELECT count(*) AS visible FROM documents;
SET app.role = 'nope';
SELECT count(*) AS visible FROM documents;
SET app.role = 'org-reader';
SELECT count(*) AS visible FROM documents;
-- set back to empty
RESET app.role;
SELECT count(*) AS visible FROM documents;
-- per transaction, as a connection pool would
BEGIN;
SELECT set_config('app.role', 'editor', true);
SELECT count(*) AS visible FROM documents;
COMMIT;
SELECT count(*) AS visible FROM documents;
-- the plan is the same; the answer follows the setting from statement to statement
SET app.role = 'editor';
PREPARE docs AS SELECT count(*) AS visible FROM documents;
EXECUTE docs;
SET app.role = 'viewer';
EXECUTE docs;
SET app.role = 'editor';
EXECUTE docs;
DEALLOCATE docs;

--
-- A grant change committed between two statements is seen by the next one
--
SET app.role = 'viewer';
SELECT count(*) AS visible FROM documents;
RESET ROLE;
SELECT slug FROM rbac.add_role_permission('viewer', 'documents:read');
SET ROLE rbac_test_app;
SELECT count(*) AS visible FROM documents;
RESET ROLE;
SELECT slug FROM rbac.remove_role_permission('viewer', 'documents:read');
SET ROLE rbac_test_app;
SELECT count(*) AS visible FROM documents;
-- inside one transaction of the administrator, before and after commit
RESET ROLE;
BEGIN;
SELECT slug FROM rbac.set_role_permissions('viewer', '{documents:read}');
SET LOCAL ROLE rbac_test_app;
SELECT count(*) AS visible_uncommitted_own_change FROM documents;
ROLLBACK;
SET ROLE rbac_test_app;
SELECT count(*) AS visible_after_rollback FROM documents;

--
-- A policy with the 3-argument form: the organization comes from the row
--
RESET ROLE;
DROP POLICY documents_read ON documents;
CREATE POLICY documents_read_org ON documents FOR SELECT
	USING (rbac.role_has_permission(current_setting('app.role', true), 'documents:read', org_id));
SET ROLE rbac_test_app;
-- org_1's reader sees org_1's rows only; org_2's role of the same slug grants nothing
SET app.role = 'org-reader';
SELECT id, org_id, title FROM documents ORDER BY id;
-- an environment role applies in every organization (a row without one: NULL, hidden)
SET app.role = 'editor';
SELECT id, org_id, title FROM documents ORDER BY id;
SET app.role = 'viewer';
SELECT id, org_id, title FROM documents ORDER BY id;
SET app.role = 'Org-Reader';
SELECT count(*) AS visible FROM documents;
-- org_2's reader is given the permission: org_2's rows appear from the next statement
RESET ROLE;
SELECT slug FROM rbac.add_organization_role_permission('org_2', 'org-reader', 'documents:read');
SET ROLE rbac_test_app;
SET app.role = 'org-reader';
SELECT id, org_id, title FROM documents ORDER BY id;
-- and disappear when the role is deleted
RESET ROLE;
SELECT rbac.delete_organization_role('org_2', 'org-reader');
SET ROLE rbac_test_app;
SELECT id, org_id, title FROM documents ORDER BY id;
-- several roles of the request: a policy with roles_have_permission
RESET ROLE;
CREATE POLICY documents_read_roles ON documents FOR SELECT
	USING (rbac.roles_have_permission(string_to_array(current_setting('app.roles', true), ','),
									  'documents:write', org_id));
SET ROLE rbac_test_app;
SET app.role = 'viewer';
SET app.roles = 'viewer,org-reader';
SELECT count(*) AS visible FROM documents;
SET app.roles = 'viewer,editor';
SELECT id, org_id, title FROM documents ORDER BY id;
RESET app.roles;
RESET app.role;

--
-- clean up: roles are cluster-wide
--
RESET ROLE;
DROP TABLE documents;
DROP OWNED BY rbac_test_app;
DROP ROLE rbac_test_app;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname = 'rbac_test_app';
