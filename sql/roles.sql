--
-- roles: environment roles and their permissions (SPEC 1.2, 1.3, 2)
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

-- the granted permission slugs of an environment role, sorted
CREATE FUNCTION pg_temp.perms(role_slug text) RETURNS text[] LANGUAGE sql AS $$
	SELECT array(SELECT rp.permission_slug::text
				 FROM rbac.role_permission rp JOIN rbac.role r ON r.id = rp.role_id
				 WHERE r.slug = role_slug AND r.organization_id IS NULL
				 ORDER BY 1)
$$;

-- a fresh extension holds no roles
SELECT count(*) AS roles FROM rbac.role;

--
-- create_role
--
-- defaults: type EnvironmentRole, no organization, resource type 'organization'
SELECT slug, name, description, type, organization_id, resource_type_slug,
	   id ~ '^role_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok,
	   created_at <= updated_at AND updated_at <= clock_timestamp() AS times_ok,
	   updated_at - created_at < interval '1 minute' AS fresh
FROM rbac.create_role('admin', 'Administrator');
-- every argument
SELECT slug, name, description, type, organization_id, resource_type_slug
FROM rbac.create_role('editor', 'Editor', 'Can edit documents', 'workspace');
SELECT slug, name, description, type, organization_id, resource_type_slug
FROM rbac.create_role('viewer', 'Viewer', 'Can read documents');
-- the row is stored as returned, with no permissions
SELECT slug, name, description, type, organization_id, resource_type_slug,
	   pg_temp.perms(slug) AS permissions
FROM rbac.role ORDER BY slug;
-- limits that are allowed: 128-character slug, 512-character name,
-- 1024-character description, slugs that merely look like the reserved prefix
SELECT length(slug) AS slug_len, length(name) AS name_len, length(description) AS desc_len
FROM rbac.create_role(repeat('s', 128), repeat('n', 512), repeat('d', 1024));
SELECT slug FROM rbac.create_role('org', 'Org');
SELECT slug FROM rbac.create_role('org_admin', 'Org admin');
SELECT slug FROM rbac.create_role('organizer', 'Organizer');
SELECT slug FROM rbac.create_role('a-org-b', 'Contains org-');
SELECT slug FROM rbac.create_role('0_-9', 'Digits, dash, underscore');
SELECT count(*) AS roles FROM rbac.role;

-- errors: bad slugs (22023), nothing stored
SELECT pg_temp.err($$SELECT rbac.create_role('Admin', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('has space', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('a:b', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('a.b', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('a*', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('caf' || chr(233), 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('tab' || chr(9), 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role(' admin2', 'x')$$);
SELECT pg_temp.err(format('SELECT rbac.create_role(%L, %L)', repeat('a', 129), 'x'));
-- the org- prefix is reserved for organization roles (22023)
SELECT pg_temp.err($$SELECT rbac.create_role('org-admin', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('org-', 'x')$$);
-- NULL where required (22023)
SELECT pg_temp.err($$SELECT rbac.create_role(NULL, 'x')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('nameless', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.create_role('nameless', 'x', NULL, NULL)$$);
-- name and description limits (22023)
SELECT pg_temp.err($$SELECT rbac.create_role('badname', '')$$);
SELECT pg_temp.err($$SELECT rbac.create_role('badname', repeat('n', 513))$$);
SELECT pg_temp.err($$SELECT rbac.create_role('baddesc', 'x', repeat('d', 1025))$$);
-- bad resource type slug (22023)
SELECT pg_temp.err($$SELECT rbac.create_role('badtype', 'x', NULL, 'Work Space')$$);
-- duplicate (23505)
SELECT pg_temp.err($$SELECT rbac.create_role('admin', 'Another admin')$$);
-- none of the failed calls stored anything; admin is unchanged
SELECT count(*) AS roles FROM rbac.role;
SELECT slug, name FROM rbac.role WHERE slug = 'admin';

--
-- get_role
--
SELECT slug, name, description, type, organization_id, resource_type_slug
FROM rbac.get_role('editor');
SELECT pg_temp.err($$SELECT rbac.get_role('nope')$$);
SELECT pg_temp.err($$SELECT rbac.get_role('Editor')$$);
SELECT pg_temp.err($$SELECT rbac.get_role('')$$);
SELECT pg_temp.err($$SELECT rbac.get_role(NULL)$$);

--
-- list_roles: every environment role, in priority order (creation order here)
--
SELECT l.ordinality AS n, l.slug FROM rbac.list_roles() WITH ORDINALITY AS l ORDER BY 1;
-- drop the limit-test roles again
SELECT count(*) AS deleted FROM (SELECT rbac.delete_role(s)
	FROM unnest(ARRAY[repeat('s', 128), 'org', 'org_admin', 'organizer', 'a-org-b', '0_-9']) s) d;
SELECT slug FROM rbac.list_roles();

--
-- update_role
--
SELECT updated_at AS viewer_updated, created_at AS viewer_created
FROM rbac.get_role('viewer') \gset
-- name only: the description stays
SELECT slug, name, description,
	   updated_at > :'viewer_updated' AS updated_moved,
	   created_at = :'viewer_created' AS created_kept
FROM rbac.update_role('viewer', 'Reader');
-- description only: the name stays
SELECT slug, name, description FROM rbac.update_role('viewer', NULL, 'Reads documents');
-- neither: nothing changes
SELECT slug, name, description FROM rbac.update_role('viewer');
SELECT slug, name, description FROM rbac.update_role('viewer', NULL, NULL);
SELECT slug, name, description FROM rbac.get_role('viewer');
-- errors, and nothing changed
SELECT pg_temp.err($$SELECT rbac.update_role('nope', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.update_role('Viewer', 'x')$$);
SELECT pg_temp.err($$SELECT rbac.update_role(NULL, 'x')$$);
SELECT pg_temp.err($$SELECT rbac.update_role('viewer', '')$$);
SELECT pg_temp.err($$SELECT rbac.update_role('viewer', repeat('n', 513))$$);
SELECT pg_temp.err($$SELECT rbac.update_role('viewer', 'ok name', repeat('d', 1025))$$);
SELECT slug, name, description FROM rbac.get_role('viewer');

--
-- permissions to grant
--
SELECT slug FROM rbac.create_permission('posts:read', 'Read posts');
SELECT slug FROM rbac.create_permission('posts:write', 'Write posts');
SELECT slug FROM rbac.create_permission('posts:delete', 'Delete posts');
SELECT slug FROM rbac.create_permission('comments:read', 'Read comments');
SELECT slug FROM rbac.create_permission('posts:*', 'Everything on posts');

--
-- set_role_permissions
--
SELECT updated_at AS editor_updated FROM rbac.get_role('editor') \gset
SELECT slug, updated_at > :'editor_updated' AS updated_moved
FROM rbac.set_role_permissions('editor', '{posts:read,posts:write}');
SELECT pg_temp.perms('editor');
-- replaces the whole set
SELECT slug FROM rbac.set_role_permissions('editor', '{posts:write,comments:read}');
SELECT pg_temp.perms('editor');
-- duplicates in the array are one grant
SELECT slug FROM rbac.set_role_permissions('editor', '{posts:read,posts:read,posts:write,posts:read}');
SELECT pg_temp.perms('editor');
-- a wildcard permission is granted like any other
SELECT slug FROM rbac.set_role_permissions('admin', '{posts:*,comments:read}');
SELECT pg_temp.perms('admin');
-- '{}' removes all
SELECT slug FROM rbac.set_role_permissions('viewer', '{posts:read}');
SELECT slug FROM rbac.set_role_permissions('viewer', '{}');
SELECT pg_temp.perms('viewer');
SELECT slug FROM rbac.set_role_permissions('viewer', '{posts:read}');
-- an unknown permission fails the whole call (42704): nothing changed
SELECT pg_temp.perms('editor');
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('editor', '{comments:read,nope:x}')$$);
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('editor', '{nope:x}')$$);
SELECT pg_temp.perms('editor');
-- malformed element (22023), NULL array or element (22023): nothing changed
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('editor', '{comments:read,Posts:Read}')$$);
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('editor', '{""}')$$);
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('editor', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('editor', '{comments:read,NULL}')$$);
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('editor', ARRAY[NULL]::text[])$$);
SELECT pg_temp.perms('editor');
-- unknown or malformed role
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('nope', '{posts:read}')$$);
SELECT pg_temp.err($$SELECT rbac.set_role_permissions('Editor', '{posts:read}')$$);
SELECT pg_temp.err($$SELECT rbac.set_role_permissions(NULL, '{posts:read}')$$);
SELECT count(*) AS grants FROM rbac.role_permission;

--
-- add_role_permission
--
SELECT updated_at AS editor_updated FROM rbac.get_role('editor') \gset
SELECT slug, updated_at > :'editor_updated' AS updated_moved
FROM rbac.add_role_permission('editor', 'posts:delete');
SELECT pg_temp.perms('editor');
-- already there: no effect, no error
SELECT slug FROM rbac.add_role_permission('editor', 'posts:delete');
SELECT pg_temp.perms('editor');
-- errors, nothing changed
SELECT pg_temp.err($$SELECT rbac.add_role_permission('editor', 'nope:x')$$);
SELECT pg_temp.err($$SELECT rbac.add_role_permission('editor', 'Posts:Read')$$);
SELECT pg_temp.err($$SELECT rbac.add_role_permission('editor', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.add_role_permission('nope', 'posts:read')$$);
SELECT pg_temp.err($$SELECT rbac.add_role_permission(NULL, 'posts:read')$$);
SELECT pg_temp.perms('editor');

--
-- remove_role_permission
--
SELECT updated_at AS editor_updated FROM rbac.get_role('editor') \gset
SELECT slug, updated_at > :'editor_updated' AS updated_moved
FROM rbac.remove_role_permission('editor', 'posts:delete');
SELECT pg_temp.perms('editor');
-- a defined permission the role does not hold: no effect, no error
SELECT slug FROM rbac.remove_role_permission('editor', 'posts:delete');
SELECT slug FROM rbac.remove_role_permission('editor', 'comments:read');
SELECT pg_temp.perms('editor');
-- errors, nothing changed
SELECT pg_temp.err($$SELECT rbac.remove_role_permission('editor', 'nope:x')$$);
SELECT pg_temp.err($$SELECT rbac.remove_role_permission('editor', 'Posts:Read')$$);
SELECT pg_temp.err($$SELECT rbac.remove_role_permission('editor', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.remove_role_permission('nope', 'posts:read')$$);
SELECT pg_temp.perms('editor');

-- deleting a permission removes it from every role and moves their updated_at
SELECT slug FROM rbac.add_role_permission('viewer', 'comments:read');
SELECT updated_at AS viewer_updated FROM rbac.get_role('viewer') \gset
SELECT rbac.delete_permission('comments:read');
SELECT pg_temp.perms('admin') AS admin, pg_temp.perms('editor') AS editor,
	   pg_temp.perms('viewer') AS viewer;
SELECT updated_at > :'viewer_updated' AS viewer_updated_moved FROM rbac.get_role('viewer');

--
-- delete_role
--
SELECT slug FROM rbac.create_role('temp', 'Temporary');
SELECT slug FROM rbac.set_role_permissions('temp', '{posts:read,posts:write}');
SELECT id AS temp_id FROM rbac.get_role('temp') \gset
SELECT count(*) AS temp_grants FROM rbac.role_permission WHERE role_id = :'temp_id';
SELECT rbac.delete_role('temp');
-- gone, with its grants
SELECT count(*) AS temp_rows FROM rbac.role WHERE id = :'temp_id';
SELECT count(*) AS temp_grants FROM rbac.role_permission WHERE role_id = :'temp_id';
SELECT pg_temp.err($$SELECT rbac.get_role('temp')$$);
SELECT slug FROM rbac.list_roles();
-- the permissions themselves stay
SELECT slug FROM rbac.permission ORDER BY slug;
-- errors
SELECT pg_temp.err($$SELECT rbac.delete_role('temp')$$);
SELECT pg_temp.err($$SELECT rbac.delete_role('Temp')$$);
SELECT pg_temp.err($$SELECT rbac.delete_role(NULL)$$);
-- the default role cannot be deleted (55000): nothing changed
SELECT slug FROM rbac.set_default_role('viewer');
SELECT pg_temp.err($$SELECT rbac.delete_role('viewer')$$);
SELECT pg_temp.err($$DELETE FROM rbac.role WHERE slug = 'viewer'$$);
SELECT slug, name, pg_temp.perms(slug) FROM rbac.get_role('viewer');
SELECT slug FROM rbac.list_roles();
-- once another role is the default, it can go
SELECT slug FROM rbac.set_default_role('editor');
SELECT rbac.delete_role('viewer');
SELECT slug FROM rbac.list_roles();

--
-- direct DML goes through the same validation
--
-- a slug cannot change (22023)
SELECT pg_temp.err($$UPDATE rbac.role SET slug = 'renamed' WHERE slug = 'admin'$$);
SELECT pg_temp.err($$UPDATE rbac.role SET slug = 'Renamed' WHERE slug = 'admin'$$);
-- duplicate slug (23505)
SELECT pg_temp.err($$INSERT INTO rbac.role (slug, name) VALUES ('admin', 'Dup')$$);
-- bad values (22023)
SELECT pg_temp.err($$INSERT INTO rbac.role (slug, name) VALUES ('Bad', 'x')$$);
SELECT pg_temp.err($$INSERT INTO rbac.role (slug, name) VALUES ('org-direct', 'x')$$);
SELECT pg_temp.err($$INSERT INTO rbac.role (slug, name) VALUES ('direct', '')$$);
SELECT pg_temp.err($$UPDATE rbac.role SET name = '' WHERE slug = 'admin'$$);
SELECT pg_temp.err($$UPDATE rbac.role SET description = repeat('d', 1025) WHERE slug = 'admin'$$);
SELECT pg_temp.err($$INSERT INTO rbac.role_permission (role_id, permission_slug)
	SELECT id, 'Posts:Read' FROM rbac.role WHERE slug = 'admin'$$);
SELECT slug, name, description FROM rbac.role ORDER BY slug;
-- a role inserted directly is an environment role at the bottom of the list
INSERT INTO rbac.role (slug, name) VALUES ('direct', 'Direct');
SELECT slug, type, organization_id, resource_type_slug, id ~ '^role_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok
FROM rbac.get_role('direct');
SELECT slug FROM rbac.list_roles();
-- a direct UPDATE moves updated_at
SELECT updated_at AS direct_updated FROM rbac.get_role('direct') \gset
UPDATE rbac.role SET name = 'Direct role' WHERE slug = 'direct';
SELECT name, updated_at > :'direct_updated' AS updated_moved FROM rbac.get_role('direct');

-- the catalog is consistent
SELECT r.slug, r.name, pg_temp.perms(r.slug) AS permissions
FROM rbac.role r ORDER BY r.slug;
