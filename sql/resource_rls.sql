--
-- resource_rls: the README's example of the checks on a resource in a
-- row-level-security policy (SPEC 7): documents under folders under
-- projects, read by an application role without any privilege on rbac's
-- tables, the principal named per transaction by rbac.set_principal (as an
-- authenticator role granted EXECUTE on it) or by SET LOCAL; the rows each
-- principal sees, also after a move, an assignment's removal and a new
-- membership role, in the same session (never stale).
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
DROP TABLE IF EXISTS documents;
DROP ROLE IF EXISTS rbac_test_docs_app;
DROP ROLE IF EXISTS rbac_test_docs_auth;
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

-- the hierarchy: organization -> project -> folder; documents are not
-- registered, a document row names its folder (the nearest registered parent)
SELECT slug, parent_type_slugs FROM rbac.create_resource_type('project', 'Project');
SELECT slug, parent_type_slugs FROM rbac.create_resource_type('folder', 'Folder', NULL, '{project}');
SELECT slug, resource_type_slug FROM rbac.create_permission('document:read', 'Read documents', NULL, 'folder');
-- a role of a type holds permissions of its type and of the types below it
SELECT slug, resource_type_slug FROM rbac.create_role('project-viewer', 'Project viewer', NULL, 'project');
SELECT slug, resource_type_slug FROM rbac.create_role('folder-editor', 'Folder editor', NULL, 'folder');
SELECT slug, resource_type_slug FROM rbac.create_role('reader', 'Reader');
SELECT slug, resource_type_slug FROM rbac.create_role('member', 'Member');
SELECT count(*) FROM rbac.set_role_permissions('project-viewer', '{document:read}');
SELECT count(*) FROM rbac.set_role_permissions('folder-editor', '{document:read}');
SELECT count(*) FROM rbac.set_role_permissions('reader', '{document:read}');

-- org_acme: projects alpha (folders fld_specs, fld_notes) and beta (fld_plans);
-- org_other: project gamma (fld_other)
SELECT external_id, parent_resource_id IS NULL AS top FROM rbac.create_resource('org_acme', 'project', 'alpha', 'Alpha');
SELECT external_id, parent_resource_id IS NULL AS top FROM rbac.create_resource('org_acme', 'project', 'beta', 'Beta');
SELECT external_id FROM rbac.create_resource('org_acme', 'folder', 'fld_specs', 'Specs', NULL, 'project', 'alpha');
SELECT external_id FROM rbac.create_resource('org_acme', 'folder', 'fld_notes', 'Notes', NULL, 'project', 'alpha');
SELECT external_id FROM rbac.create_resource('org_acme', 'folder', 'fld_plans', 'Plans', NULL, 'project', 'beta');
SELECT external_id FROM rbac.create_resource('org_other', 'project', 'gamma', 'Gamma');
SELECT external_id FROM rbac.create_resource('org_other', 'folder', 'fld_other', 'Other', NULL, 'project', 'gamma');

-- alice: project-viewer on alpha (inherited by its folders); bob:
-- folder-editor on fld_plans; carol: the membership's own role reader (the
-- organization root: every folder of org_acme); dave: reader in org_other;
-- erin: a member of org_acme with no grant
SELECT user_id, organization_id FROM rbac.create_organization_membership('alice', 'org_acme', '{member}');
SELECT user_id, organization_id FROM rbac.create_organization_membership('bob', 'org_acme', '{member}');
SELECT user_id, organization_id FROM rbac.create_organization_membership('carol', 'org_acme', '{reader}');
SELECT user_id, organization_id FROM rbac.create_organization_membership('dave', 'org_other', '{reader}');
SELECT user_id, organization_id FROM rbac.create_organization_membership('erin', 'org_acme', '{member}');
SELECT id LIKE 'role_assignment_%' AS assigned FROM rbac.assign_role('alice', 'org_acme', 'project-viewer', 'project', 'alpha');
SELECT id LIKE 'role_assignment_%' AS assigned FROM rbac.assign_role('bob', 'org_acme', 'folder-editor', 'folder', 'fld_plans');

-- the protected table: folder ids are the application's own, unique
-- across organizations; fld_ghost is registered nowhere; document 7 has no folder
CREATE TABLE documents (id integer PRIMARY KEY, folder_id text, title text NOT NULL);
INSERT INTO documents VALUES
	(1, 'fld_specs', 'API spec'), (2, 'fld_specs', 'Data model'), (3, 'fld_notes', 'Meeting notes'),
	(4, 'fld_plans', 'Roadmap'), (5, 'fld_other', 'Other org''s plan'), (6, 'fld_ghost', 'Unregistered'),
	(7, NULL, 'No folder');
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_read ON documents FOR SELECT
	USING (rbac.has_permission('document:read', 'folder', folder_id));

-- the application role: SELECT on documents, nothing on rbac's tables;
-- the authenticator may name the principal through rbac.set_principal
CREATE ROLE rbac_test_docs_app NOLOGIN;
CREATE ROLE rbac_test_docs_auth NOLOGIN NOINHERIT;
GRANT rbac_test_docs_app TO rbac_test_docs_auth;
GRANT SELECT ON documents TO rbac_test_docs_app;
GRANT EXECUTE ON FUNCTION rbac.set_principal(text, text) TO rbac_test_docs_auth;

SET ROLE rbac_test_docs_app;
SELECT pg_temp.err($$SELECT count(*) FROM rbac.resource$$);
SELECT pg_temp.err($$SELECT count(*) FROM rbac.role_assignment$$);
SELECT pg_temp.err($$SELECT rbac.set_principal('carol', 'org_acme')$$);
-- no principal: no rows
SELECT id, title FROM documents ORDER BY id;
RESET ROLE;

-- the rows of a principal, named as the README shows: set_principal as the
-- authenticator inside the request's transaction, then the application role
CREATE FUNCTION pg_temp.visible(who text, org text) RETURNS TABLE (user_id text, ids integer[])
LANGUAGE plpgsql AS $$
BEGIN
	SET LOCAL ROLE rbac_test_docs_auth;
	PERFORM rbac.set_principal(who, org);
	SET LOCAL ROLE rbac_test_docs_app;
	user_id := who;
	SELECT coalesce(array_agg(d.id ORDER BY d.id), '{}') INTO ids FROM documents d;
	RESET ROLE;
	RETURN NEXT;
END $$;
CREATE TEMP TABLE principal (user_id text, org text, ord int);
INSERT INTO principal VALUES ('alice', 'org_acme', 1), ('bob', 'org_acme', 2), ('carol', 'org_acme', 3),
	('dave', 'org_other', 4), ('erin', 'org_acme', 5), ('frank', 'org_acme', 6),
	('carol', 'org_other', 7), ('dave', NULL, 8);
-- alice 1-3 (alpha's folders), bob 4, carol 1-4, dave 5 (its own organization),
-- erin none, frank (no membership) none, carol in org_other none, dave with
-- no organization: none (a check on a resource needs the organization)
BEGIN;
SELECT p.user_id, p.org, v.ids FROM principal p, pg_temp.visible(p.user_id, p.org) v ORDER BY p.ord;
COMMIT;

-- SET LOCAL, as the README's alternative (the settings are superuser-only
-- unless granted); the principal ends with the transaction
BEGIN;
SET LOCAL rbac.user_id = 'alice';
SET LOCAL rbac.organization_id = 'org_acme';
SET LOCAL ROLE rbac_test_docs_app;
SELECT id, title FROM documents ORDER BY id;
COMMIT;
SET ROLE rbac_test_docs_app;
SELECT count(*) AS after_commit FROM documents;
RESET ROLE;

-- changes are seen by the next statement of the same session: fld_plans
-- moves to alpha (alice now sees 4), bob's assignment is removed (bob sees
-- nothing), erin's membership gains reader (erin sees every folder of org_acme)
SELECT external_id FROM rbac.update_resource('org_acme', 'folder', 'fld_plans', parent_type_slug => 'project', parent_external_id => 'alpha');
SELECT rbac.remove_role_assignment('bob', 'org_acme', 'folder-editor', 'folder', 'fld_plans');
SELECT count(*) FROM rbac.update_organization_membership('erin', 'org_acme', '{reader}');
BEGIN;
SELECT p.user_id, p.org, v.ids FROM principal p, pg_temp.visible(p.user_id, p.org) v WHERE p.ord <= 5 ORDER BY p.ord;
COMMIT;
-- a folder deleted: the documents that name it vanish for everyone
SELECT rbac.delete_resource('org_acme', 'folder', 'fld_specs');
BEGIN;
SELECT p.user_id, p.org, v.ids FROM principal p, pg_temp.visible(p.user_id, p.org) v WHERE p.ord IN (1, 3) ORDER BY p.ord;
COMMIT;

-- the once-per-statement form, discovery, as the same application role with
-- no privilege on rbac's tables (C, through the cache): alice's folders,
-- the same rows as the per-row policy gives her
SET ROLE rbac_test_docs_app;
SELECT rbac.resources_with_permission('alice', 'org_acme', 'document:read', 'folder') AS alice_folders;
SELECT count(*) AS bob_folders FROM rbac.resources_with_permission('bob', 'org_acme', 'document:read', 'folder');
SELECT count(*) AS malformed FROM rbac.resources_with_permission('alice', 'org_acme', 'Not A Slug', 'folder');
-- what a member may do on a folder (C too): the same without privileges
-- -- malformed or unknown (fld_specs is deleted): none
SELECT rbac.effective_permissions('alice', 'org_acme', 'folder', 'fld_notes') AS alice_on_notes,
	   rbac.effective_permissions('carol', 'org_acme', 'folder', 'fld_plans') AS carol_on_plans,
	   rbac.effective_permissions('bob', 'org_acme', 'folder', 'fld_plans') AS bob_on_plans;
SELECT count(*) AS malformed_or_unknown FROM (
	SELECT rbac.effective_permissions('alice', 'org_acme', 'folder', '')
	UNION ALL SELECT rbac.effective_permissions('alice', 'org_acme', 'Not A Type', 'fld_notes')
	UNION ALL SELECT rbac.effective_permissions('alice', 'org_acme', 'folder', 'fld_specs')
	UNION ALL SELECT rbac.effective_permissions('alice', 'org_acme', 'folder', 'fld_nowhere')
	UNION ALL SELECT rbac.effective_permissions('nobody', 'org_acme', 'folder', 'fld_notes')
	UNION ALL SELECT rbac.effective_permissions('alice', repeat('o', 600), 'folder', 'fld_notes')) s;
-- who may read a folder lists members' ids: that needs SELECT on rbac's
-- tables, which this role does not have (42501)
SELECT pg_temp.err($$SELECT rbac.members_with_permission('org_acme', 'document:read', 'folder', 'fld_notes')$$) AS members;
RESET ROLE;
CREATE POLICY documents_read_in ON documents FOR SELECT
	USING (folder_id IN (SELECT rbac.resources_with_permission(current_setting('rbac.user_id', true),
		current_setting('rbac.organization_id', true), 'document:read', 'folder')));
DROP POLICY documents_read ON documents;
BEGIN;
SELECT p.user_id, p.org, v.ids FROM principal p, pg_temp.visible(p.user_id, p.org) v WHERE p.ord <= 6 ORDER BY p.ord;
COMMIT;

DROP TABLE documents;
DROP OWNED BY rbac_test_docs_auth, rbac_test_docs_app;
DROP ROLE rbac_test_docs_auth;
DROP ROLE rbac_test_docs_app;
