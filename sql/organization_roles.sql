--
-- organization_roles: roles of one organization (SPEC 1.3, 2)
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
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

-- the granted permission slugs of a role (org NULL: an environment role)
CREATE FUNCTION pg_temp.perms(org text, role_slug text) RETURNS text[] LANGUAGE sql AS $$
	SELECT array(SELECT rp.permission_slug::text
				 FROM rbac.role_permission rp JOIN rbac.role r ON r.id = rp.role_id
				 WHERE r.slug = role_slug AND r.organization_id IS NOT DISTINCT FROM org
				 ORDER BY 1)
$$;

-- an organization's list as slugs in priority order
CREATE FUNCTION pg_temp.org_list(org text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(l.slug, ', ' ORDER BY l.ordinality)
	FROM rbac.list_organization_roles(org) WITH ORDINALITY AS l
$$;

-- every role: where it belongs, what it is called, what it grants
CREATE FUNCTION pg_temp.catalog() RETURNS TABLE (organization_id text, slug text, name text,
												  description text, permissions text[])
LANGUAGE sql AS $$
	SELECT r.organization_id, r.slug, r.name, r.description,
		   pg_temp.perms(r.organization_id, r.slug)
	FROM rbac.role r ORDER BY r.organization_id NULLS FIRST, r.slug
$$;

SELECT slug FROM rbac.create_permission('posts:read', 'Read posts');
SELECT slug FROM rbac.create_permission('posts:write', 'Write posts');
SELECT slug FROM rbac.create_permission('billing:manage', 'Manage billing');
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.set_role_permissions('viewer', '{posts:read}');

--
-- create_organization_role
--
SELECT slug, name, description, type, organization_id, resource_type_slug,
	   id ~ '^role_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok,
	   created_at <= updated_at AS times_ok
FROM rbac.create_organization_role('org_01HACME', 'org-billing', 'Billing admin');
SELECT slug, name, description, type, organization_id, resource_type_slug
FROM rbac.create_organization_role('org_01HACME', 'org-auditor', 'Auditor', 'Reads the books', 'workspace');
-- the same slug in another organization is a different role
SELECT slug, name, type, organization_id
FROM rbac.create_organization_role('org_02GLOBEX', 'org-billing', 'Globex billing');
-- organization ids are opaque text of 1 to 128 characters
SELECT length(organization_id) AS org_len, slug
FROM rbac.create_organization_role(repeat('o', 128), 'org-x', 'Long org');
SELECT organization_id, slug
FROM rbac.create_organization_role('Org With Spaces/and:stuff', 'org-x', 'Odd org id');
SELECT count(*) AS roles FROM rbac.role;
SELECT rbac.delete_organization_role(repeat('o', 128), 'org-x');
SELECT rbac.delete_organization_role('Org With Spaces/and:stuff', 'org-x');

-- errors: the slug must begin with org- (22023)
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'billing', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'org_billing', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'admin', 'x')$$);
-- bad slugs, names, NULLs (22023)
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'org-Billing', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'org-a b', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', '', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', NULL, 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'org-new', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'org-new', '')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'org-new', 'x', repeat('d', 1025))$$);
-- bad organization ids (22023)
SELECT pg_temp.err($$SELECT rbac.create_organization_role('', 'org-new', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role(repeat('o', 129), 'org-new', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_role(NULL, 'org-new', 'x')$$);
-- duplicate within one organization (23505)
SELECT pg_temp.err($$SELECT rbac.create_organization_role('org_01HACME', 'org-billing', 'Again')$$);
-- nothing stored by the failed calls
SELECT count(*) AS roles FROM rbac.role;
SELECT * FROM pg_temp.catalog();
SELECT count(*) AS new_roles FROM rbac.role WHERE slug = 'org-new';

--
-- list_organization_roles: environment roles and the organization's own
--
SELECT pg_temp.org_list('org_01HACME') AS acme;
SELECT pg_temp.org_list('org_02GLOBEX') AS globex;
-- an organization without roles of its own: the environment list
SELECT pg_temp.org_list('org_03INITECH') AS initech;
SELECT string_agg(slug, ', ') AS environment FROM rbac.list_roles();
-- every field of the rows
SELECT l.ordinality AS n, l.slug, l.name, l.type, l.organization_id
FROM rbac.list_organization_roles('org_01HACME') WITH ORDINALITY AS l ORDER BY 1;
-- environment functions see no organization role
SELECT string_agg(slug, ', ') AS environment FROM rbac.list_roles();
SELECT pg_temp.err($$SELECT rbac.get_role('org-billing')$$);
SELECT pg_temp.err($$SELECT rbac.update_role('org-billing', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('org-billing', '{posts:read}')$$);
SELECT pg_temp.err($$SELECT rbac.add_role_permission('org-billing', 'posts:read')$$);
SELECT pg_temp.err($$SELECT rbac.remove_role_permission('org-billing', 'posts:read')$$);
SELECT pg_temp.err($$SELECT rbac.delete_role('org-billing')$$);
-- bad organization ids
SELECT pg_temp.err($$SELECT rbac.list_organization_roles('')$$);
SELECT pg_temp.err($$SELECT rbac.list_organization_roles(repeat('o', 129))$$);
SELECT pg_temp.err($$SELECT rbac.list_organization_roles(NULL)$$);

--
-- get_organization_role
--
-- its own role
SELECT slug, name, type, organization_id
FROM rbac.get_organization_role('org_01HACME', 'org-billing');
SELECT slug, name, type, organization_id
FROM rbac.get_organization_role('org_02GLOBEX', 'org-billing');
-- an environment role, in any organization
SELECT slug, name, type, organization_id
FROM rbac.get_organization_role('org_01HACME', 'viewer');
SELECT slug, name, type, organization_id
FROM rbac.get_organization_role('org_03INITECH', 'viewer');
-- a role of another organization, an unknown role (42704, naming the organization)
SELECT pg_temp.err($$SELECT rbac.get_organization_role('org_02GLOBEX', 'org-auditor')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_role('org_03INITECH', 'org-billing')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_role('org_01HACME', 'nope')$$);
-- malformed or NULL (22023)
SELECT pg_temp.err($$SELECT rbac.get_organization_role('org_01HACME', 'Org-Billing')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_role('', 'org-billing')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_role(NULL, 'org-billing')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_role('org_01HACME', NULL)$$);

--
-- update_organization_role
--
SELECT updated_at AS billing_updated, created_at AS billing_created
FROM rbac.get_organization_role('org_01HACME', 'org-billing') \gset
SELECT slug, name, description, organization_id,
	   updated_at > :'billing_updated' AS updated_moved,
	   created_at = :'billing_created' AS created_kept
FROM rbac.update_organization_role('org_01HACME', 'org-billing', 'Billing', 'Pays the bills');
SELECT slug, name, description FROM rbac.update_organization_role('org_01HACME', 'org-billing', NULL, 'Pays');
SELECT slug, name, description FROM rbac.update_organization_role('org_01HACME', 'org-billing', 'Billing team');
SELECT slug, name, description FROM rbac.update_organization_role('org_01HACME', 'org-billing');
-- the role of the same slug in the other organization did not change
SELECT slug, name, description FROM rbac.get_organization_role('org_02GLOBEX', 'org-billing');
-- refuses environment roles and roles of another organization (42704); in full:
SELECT rbac.update_organization_role('org_01HACME', 'viewer', 'Hacked');
SELECT pg_temp.err($$SELECT rbac.update_organization_role('org_01HACME', 'viewer', 'Hacked')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_role('org_02GLOBEX', 'org-auditor', 'Hacked')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_role('org_03INITECH', 'org-billing', 'Hacked')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_role('org_01HACME', 'nope', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_role('org_01HACME', 'org-billing', '')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_role(NULL, 'org-billing', 'x')$$);
SELECT * FROM pg_temp.catalog();

--
-- set / add / remove organization role permissions
--
SELECT updated_at AS billing_updated
FROM rbac.get_organization_role('org_01HACME', 'org-billing') \gset
SELECT slug, organization_id, updated_at > :'billing_updated' AS updated_moved
FROM rbac.set_organization_role_permissions('org_01HACME', 'org-billing', '{billing:manage,posts:read}');
SELECT pg_temp.perms('org_01HACME', 'org-billing') AS acme, pg_temp.perms('org_02GLOBEX', 'org-billing') AS globex;
SELECT slug FROM rbac.set_organization_role_permissions('org_01HACME', 'org-billing', '{billing:manage,billing:manage}');
SELECT pg_temp.perms('org_01HACME', 'org-billing') AS acme;
SELECT slug FROM rbac.set_organization_role_permissions('org_02GLOBEX', 'org-billing', '{posts:write}');
SELECT pg_temp.perms('org_01HACME', 'org-billing') AS acme, pg_temp.perms('org_02GLOBEX', 'org-billing') AS globex;
SELECT slug FROM rbac.set_organization_role_permissions('org_02GLOBEX', 'org-billing', '{}');
SELECT pg_temp.perms('org_02GLOBEX', 'org-billing') AS globex;
SELECT updated_at AS billing_updated
FROM rbac.get_organization_role('org_01HACME', 'org-billing') \gset
SELECT slug, updated_at > :'billing_updated' AS updated_moved
FROM rbac.add_organization_role_permission('org_01HACME', 'org-billing', 'posts:read');
SELECT slug FROM rbac.add_organization_role_permission('org_01HACME', 'org-billing', 'posts:read');
SELECT pg_temp.perms('org_01HACME', 'org-billing') AS acme;
SELECT updated_at AS billing_updated
FROM rbac.get_organization_role('org_01HACME', 'org-billing') \gset
SELECT slug, updated_at > :'billing_updated' AS updated_moved
FROM rbac.remove_organization_role_permission('org_01HACME', 'org-billing', 'billing:manage');
SELECT slug FROM rbac.remove_organization_role_permission('org_01HACME', 'org-billing', 'billing:manage');
SELECT pg_temp.perms('org_01HACME', 'org-billing') AS acme;
-- errors: unknown permission (42704), malformed or NULL (22023): nothing changed
SELECT pg_temp.err($$SELECT rbac.set_organization_role_permissions('org_01HACME', 'org-billing', '{posts:write,nope:x}')$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_permissions('org_01HACME', 'org-billing', '{posts:write,Nope}')$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_permissions('org_01HACME', 'org-billing', '{posts:write,NULL}')$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_permissions('org_01HACME', 'org-billing', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.add_organization_role_permission('org_01HACME', 'org-billing', 'nope:x')$$);
SELECT pg_temp.err($$SELECT rbac.add_organization_role_permission('org_01HACME', 'org-billing', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.remove_organization_role_permission('org_01HACME', 'org-billing', 'nope:x')$$);
SELECT pg_temp.perms('org_01HACME', 'org-billing') AS acme;
-- refuse environment roles (42704): the environment role keeps its grants
SELECT pg_temp.err($$SELECT rbac.set_organization_role_permissions('org_01HACME', 'viewer', '{posts:write}')$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_permissions('org_01HACME', 'viewer', '{}')$$);
SELECT pg_temp.err($$SELECT rbac.add_organization_role_permission('org_01HACME', 'viewer', 'posts:write')$$);
SELECT pg_temp.err($$SELECT rbac.remove_organization_role_permission('org_01HACME', 'viewer', 'posts:read')$$);
SELECT pg_temp.perms(NULL, 'viewer') AS viewer;
-- refuse roles of another organization (42704)
SELECT pg_temp.err($$SELECT rbac.set_organization_role_permissions('org_02GLOBEX', 'org-auditor', '{posts:write}')$$);
SELECT pg_temp.err($$SELECT rbac.add_organization_role_permission('org_02GLOBEX', 'org-auditor', 'posts:write')$$);
SELECT pg_temp.err($$SELECT rbac.remove_organization_role_permission('org_03INITECH', 'org-billing', 'posts:read')$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_permissions('org_01HACME', 'nope', '{posts:write}')$$);
SELECT * FROM pg_temp.catalog();

--
-- delete_organization_role
--
SELECT slug FROM rbac.create_organization_role('org_01HACME', 'org-temp', 'Temporary');
SELECT slug FROM rbac.set_organization_role_permissions('org_01HACME', 'org-temp', '{posts:read,posts:write}');
SELECT id AS temp_id FROM rbac.get_organization_role('org_01HACME', 'org-temp') \gset
SELECT pg_temp.org_list('org_01HACME') AS acme;
SELECT rbac.delete_organization_role('org_01HACME', 'org-temp');
SELECT count(*) AS temp_rows FROM rbac.role WHERE id = :'temp_id';
SELECT count(*) AS temp_grants FROM rbac.role_permission WHERE role_id = :'temp_id';
SELECT pg_temp.org_list('org_01HACME') AS acme;
SELECT pg_temp.err($$SELECT rbac.get_organization_role('org_01HACME', 'org-temp')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_01HACME', 'org-temp')$$);
-- refuses environment roles and roles of another organization (42704)
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_01HACME', 'viewer')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_02GLOBEX', 'org-auditor')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('', 'org-auditor')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_01HACME', NULL)$$);
SELECT * FROM pg_temp.catalog();
-- deleting one organization's role leaves the same slug in another organization
SELECT rbac.delete_organization_role('org_02GLOBEX', 'org-billing');
SELECT organization_id, slug FROM rbac.role WHERE slug = 'org-billing';
SELECT pg_temp.org_list('org_02GLOBEX') AS globex;
-- the organization's default role cannot be deleted (55000): nothing changed
SELECT slug, organization_id FROM rbac.set_default_role('org-auditor', 'org_01HACME');
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_01HACME', 'org-auditor')$$);
SELECT pg_temp.err($$DELETE FROM rbac.role WHERE slug = 'org-auditor'$$);
SELECT slug, name, pg_temp.perms(organization_id, slug)
FROM rbac.get_organization_role('org_01HACME', 'org-auditor');
SELECT pg_temp.org_list('org_01HACME') AS acme;
-- another organization's default does not protect a role of the same slug elsewhere
SELECT slug FROM rbac.create_organization_role('org_02GLOBEX', 'org-auditor', 'Globex auditor');
SELECT rbac.delete_organization_role('org_02GLOBEX', 'org-auditor');
-- after the default moves on, the role can go
SELECT slug, organization_id FROM rbac.set_default_role('org-billing', 'org_01HACME');
SELECT rbac.delete_organization_role('org_01HACME', 'org-auditor');
SELECT pg_temp.org_list('org_01HACME') AS acme;

--
-- direct DML: the same rules
--
-- an organization role must begin with org- (22023)
SELECT pg_temp.err($$INSERT INTO rbac.role (slug, name, type, organization_id)
	VALUES ('billing', 'x', 'OrganizationRole', 'org_01HACME')$$);
SELECT pg_temp.err($$INSERT INTO rbac.role (slug, name, organization_id)
	VALUES ('billing', 'x', 'org_01HACME')$$);
-- duplicate in one organization (23505)
SELECT pg_temp.err($$INSERT INTO rbac.role (slug, name, type, organization_id)
	VALUES ('org-billing', 'x', 'OrganizationRole', 'org_01HACME')$$);
-- bad organization id (22023)
SELECT pg_temp.err($$INSERT INTO rbac.role (slug, name, type, organization_id)
	VALUES ('org-new', 'x', 'OrganizationRole', '')$$);
-- a role cannot move to another organization or change its slug
SELECT pg_temp.err($$UPDATE rbac.role SET organization_id = 'org_02GLOBEX' WHERE slug = 'org-billing'$$);
SELECT pg_temp.err($$UPDATE rbac.role SET slug = 'org-billing2' WHERE slug = 'org-billing'$$);
SELECT * FROM pg_temp.catalog();
