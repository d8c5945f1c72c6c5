--
-- permissions: create, get, update, delete, list; system permissions (SPEC 2)
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

-- a fresh extension holds no permissions
SELECT count(*) AS permissions FROM rbac.permission;

--
-- create_permission
--
-- defaults: no description, resource type 'organization', not system
SELECT slug, name, description, system, resource_type_slug,
	   id ~ '^perm_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok,
	   created_at BETWEEN now() AND clock_timestamp() AS created_now,
	   abs(extract(epoch FROM updated_at - created_at)) < 1 AS updated_is_created,
	   pg_typeof(p) AS type
FROM rbac.create_permission('documents:read', 'Read documents') p;

-- with a description and a resource type
SELECT slug, name, description, system, resource_type_slug
FROM rbac.create_permission('documents:write', 'Write documents',
							'Create and edit documents', 'workspace');
SELECT slug, name, description, resource_type_slug
FROM rbac.create_permission(slug => 'documents:*', name => 'All document actions',
							resource_type_slug => 'document');
-- an empty description is a description; the limits are inclusive
SELECT slug, description = '' AS empty_description
FROM rbac.create_permission('documents:share', 'Share documents', '');
SELECT slug, length(name) AS name_length, length(description) AS description_length
FROM rbac.create_permission('documents:delete', repeat('n', 512), repeat('d', 1024));
-- names are not unique
SELECT slug, name FROM rbac.create_permission('documents:remove', 'Read documents');

-- the rows are in the table as returned
SELECT slug, left(name, 20) AS name, left(description, 25) AS description, system,
	   resource_type_slug, length(name) AS name_length, length(description) AS description_length
FROM rbac.permission ORDER BY slug;

-- errors: 22023 for bad arguments, 23505 for a duplicate; nothing is stored
SELECT n, pg_temp.err(q) AS result
FROM (VALUES
	(1, $q$SELECT rbac.create_permission('Documents:Read', 'Read')$q$),
	(2, $q$SELECT rbac.create_permission('documents read', 'Read')$q$),
	(3, $q$SELECT rbac.create_permission('', 'Read')$q$),
	(4, $q$SELECT rbac.create_permission(repeat('a', 129), 'Read')$q$),
	(5, $q$SELECT rbac.create_permission(NULL, 'Read')$q$),
	(6, $q$SELECT rbac.create_permission('reports:read', NULL)$q$),
	(7, $q$SELECT rbac.create_permission('reports:read', '')$q$),
	(8, $q$SELECT rbac.create_permission('reports:read', repeat('n', 513))$q$),
	(9, $q$SELECT rbac.create_permission('reports:read', 'Read', repeat('d', 1025))$q$),
	(10, $q$SELECT rbac.create_permission('reports:read', 'Read', NULL, 'Team Space')$q$),
	(11, $q$SELECT rbac.create_permission('reports:read', 'Read', NULL, 'a:b')$q$),
	(12, $q$SELECT rbac.create_permission('reports:read', 'Read', NULL, NULL)$q$),
	(13, $q$SELECT rbac.create_permission('documents:read', 'Read again')$q$),
	(14, $q$SELECT rbac.create_permission('documents:*', 'Again', 'x', 'document')$q$)
) t(n, q)
ORDER BY n;
SELECT count(*) AS permissions,
	   count(*) FILTER (WHERE slug = 'reports:read') AS reports_read
FROM rbac.permission;
-- the duplicate left the first one as it was
SELECT slug, name FROM rbac.permission WHERE slug = 'documents:read';
-- the messages as psql shows them
SELECT rbac.create_permission('documents:read', 'Read documents');
SELECT rbac.create_permission(NULL, 'Read documents');
SELECT rbac.create_permission('documents:copy', repeat('n', 513));

--
-- get_permission
--
SELECT slug, name, description, system, resource_type_slug
FROM rbac.get_permission('documents:write');
SELECT (rbac.get_permission('documents:read')).id = id AS same_id,
	   (rbac.get_permission('documents:read')).created_at = created_at AS same_created_at
FROM rbac.permission WHERE slug = 'documents:read';
-- a wildcard slug is an ordinary slug here
SELECT slug, name FROM rbac.get_permission('documents:*');
SELECT n, pg_temp.err(q) AS result
FROM (VALUES
	(1, $q$SELECT rbac.get_permission('reports:read')$q$),
	(2, $q$SELECT rbac.get_permission('documents')$q$),
	(3, $q$SELECT rbac.get_permission('documents:read:own')$q$),
	(4, $q$SELECT rbac.get_permission('Documents:Read')$q$),
	(5, $q$SELECT rbac.get_permission('')$q$),
	(6, $q$SELECT rbac.get_permission(NULL)$q$)
) t(n, q)
ORDER BY n;
SELECT rbac.get_permission('reports:read');
SELECT rbac.get_permission('Documents:Read');

--
-- update_permission
--
SELECT created_at AS c0, updated_at AS u0 FROM rbac.permission WHERE slug = 'documents:write' \gset
SELECT pg_sleep(0.01);
-- name only: the description stays
SELECT slug, name, description,
	   created_at = :'c0'::timestamptz AS created_at_kept,
	   updated_at > :'u0'::timestamptz AS updated_at_moved
FROM rbac.update_permission('documents:write', 'Edit documents');
SELECT updated_at AS u1 FROM rbac.permission WHERE slug = 'documents:write' \gset
-- description only: the name stays
SELECT slug, name, description,
	   created_at = :'c0'::timestamptz AS created_at_kept,
	   updated_at > :'u1'::timestamptz AS updated_at_moved
FROM rbac.update_permission('documents:write', description => 'Create, edit and save documents');
-- both
SELECT slug, name, description
FROM rbac.update_permission('documents:write', 'Write documents', 'Create and edit documents');
-- NULLs leave both unchanged
SELECT slug, name, description
FROM rbac.update_permission('documents:write', NULL, NULL);
SELECT slug, name, description FROM rbac.update_permission('documents:write');
-- the table agrees, and nothing else changed
SELECT slug, name, description, system, resource_type_slug,
	   created_at = :'c0'::timestamptz AS created_at_kept
FROM rbac.permission WHERE slug = 'documents:write';

-- errors change nothing
SELECT name AS n0, description AS d0, updated_at AS u2
FROM rbac.permission WHERE slug = 'documents:write' \gset
SELECT n, pg_temp.err(q) AS result
FROM (VALUES
	(1, $q$SELECT rbac.update_permission('reports:read', 'Read reports')$q$),
	(2, $q$SELECT rbac.update_permission('Documents:Write', 'Write')$q$),
	(3, $q$SELECT rbac.update_permission(NULL, 'Write')$q$),
	(4, $q$SELECT rbac.update_permission('documents:write', '')$q$),
	(5, $q$SELECT rbac.update_permission('documents:write', repeat('n', 513))$q$),
	(6, $q$SELECT rbac.update_permission('documents:write', 'Write', repeat('d', 1025))$q$),
	(7, $q$SELECT rbac.update_permission('documents:write', 'Renamed', repeat('d', 1025))$q$)
) t(n, q)
ORDER BY n;
SELECT name = :'n0' AS name_kept, description = :'d0' AS description_kept,
	   updated_at = :'u2'::timestamptz AS updated_at_kept
FROM rbac.permission WHERE slug = 'documents:write';
SELECT rbac.update_permission('reports:read', 'Read reports');
-- a direct UPDATE moves updated_at too
SELECT pg_sleep(0.01);
UPDATE rbac.permission SET name = 'Write all documents' WHERE slug = 'documents:write';
SELECT name, updated_at > :'u2'::timestamptz AS updated_at_moved,
	   created_at = :'c0'::timestamptz AS created_at_kept
FROM rbac.permission WHERE slug = 'documents:write';

--
-- delete_permission: removes the permission from every role
--
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.set_role_permissions('admin', '{documents:read,documents:write,documents:*}');
SELECT slug FROM rbac.set_role_permissions('editor', '{documents:read,documents:write}');
SELECT slug FROM rbac.set_role_permissions('viewer', '{documents:share}');
SELECT r.slug, array_agg(rp.permission_slug::text ORDER BY rp.permission_slug) AS permissions
FROM rbac.role r JOIN rbac.role_permission rp ON rp.role_id = r.id
GROUP BY r.slug ORDER BY r.slug;
CREATE TEMP TABLE roles_before AS SELECT slug, updated_at FROM rbac.role;
SELECT pg_sleep(0.01);

SELECT rbac.delete_permission('documents:read');
SELECT count(*) AS permissions_left,
	   count(*) FILTER (WHERE slug = 'documents:read') AS deleted_one
FROM rbac.permission;
SELECT count(*) AS grants_of_deleted
FROM rbac.role_permission WHERE permission_slug = 'documents:read';
SELECT r.slug, array_agg(rp.permission_slug::text ORDER BY rp.permission_slug) AS permissions
FROM rbac.role r JOIN rbac.role_permission rp ON rp.role_id = r.id
GROUP BY r.slug ORDER BY r.slug;
-- the roles whose permissions changed have a new updated_at; the others not
SELECT r.slug, r.updated_at > b.updated_at AS updated_at_moved
FROM rbac.role r JOIN roles_before b USING (slug) ORDER BY r.slug;
SELECT pg_temp.err($q$SELECT rbac.get_permission('documents:read')$q$);

SELECT n, pg_temp.err(q) AS result
FROM (VALUES
	(1, $q$SELECT rbac.delete_permission('documents:read')$q$),
	(2, $q$SELECT rbac.delete_permission('reports:read')$q$),
	(3, $q$SELECT rbac.delete_permission('Documents:Write')$q$),
	(4, $q$SELECT rbac.delete_permission(NULL)$q$)
) t(n, q)
ORDER BY n;
SELECT rbac.delete_permission('reports:read');
SELECT count(*) AS permissions FROM rbac.permission;
-- deleting a permission of no role
SELECT rbac.delete_permission('documents:remove');
-- a deleted slug can be created again
SELECT slug, name FROM rbac.create_permission('documents:read', 'Read documents again');

--
-- list_permissions: cursor pagination by id (ids are time-ordered, so the
-- creation order is the ascending id order)
--
SET client_min_messages = warning;
DROP EXTENSION rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;

-- slugs of a page, in the order returned
CREATE FUNCTION pg_temp.page(integer, text, text, text) RETURNS text[] LANGUAGE sql AS $$
	SELECT array_agg(l.slug::text ORDER BY l.ordinality)
	FROM rbac.list_permissions($1, $2, $3, $4) WITH ORDINALITY l
$$;
-- the id of a permission
CREATE FUNCTION pg_temp.pid(text) RETURNS text LANGUAGE sql AS $$
	SELECT id FROM rbac.permission WHERE slug = $1
$$;

-- an empty catalog gives an empty page
SELECT count(*) AS rows FROM rbac.list_permissions();

SELECT count(*) AS created
FROM generate_series(1, 12) n,
	 LATERAL rbac.create_permission(format('p%s', lpad(n::text, 2, '0')), format('P%s', n)) p;
SELECT array_agg(slug::text ORDER BY id COLLATE "C") AS ascending_ids FROM rbac.permission;

-- defaults: 10 rows, descending
SELECT array_agg(l.slug::text ORDER BY l.ordinality) AS defaults
FROM rbac.list_permissions() WITH ORDINALITY l;
-- every column of the permission
SELECT slug, name, description, system, resource_type_slug,
	   id = pg_temp.pid(slug) AS id_ok
FROM rbac.list_permissions(2);

SELECT label, pg_temp.page(lim, before, after, sort_order) AS slugs
FROM (VALUES
	(1, 'lim 1', 1, NULL, NULL, 'desc'),
	(2, 'lim 3 desc', 3, NULL, NULL, 'desc'),
	(3, 'lim 3 normal', 3, NULL, NULL, 'normal'),
	(4, 'lim 3 asc', 3, NULL, NULL, 'asc'),
	(5, 'lim 12 asc', 12, NULL, NULL, 'asc'),
	(6, 'lim 100 desc', 100, NULL, NULL, 'desc'),
	(7, 'lim 100 asc', 100, NULL, NULL, 'asc'),
	(8, 'desc after p10', 3, NULL, pg_temp.pid('p10'), 'desc'),
	(9, 'desc after p02', 3, NULL, pg_temp.pid('p02'), 'desc'),
	(10, 'desc after p01', 3, NULL, pg_temp.pid('p01'), 'desc'),
	(11, 'normal after p10', 3, NULL, pg_temp.pid('p10'), 'normal'),
	(12, 'asc after p03', 3, NULL, pg_temp.pid('p03'), 'asc'),
	(13, 'asc after p11', 3, NULL, pg_temp.pid('p11'), 'asc'),
	(14, 'asc after p12', 3, NULL, pg_temp.pid('p12'), 'asc'),
	(15, 'desc before p03', 3, pg_temp.pid('p03'), NULL, 'desc'),
	(16, 'desc before p11', 3, pg_temp.pid('p11'), NULL, 'desc'),
	(17, 'desc before p12', 3, pg_temp.pid('p12'), NULL, 'desc'),
	(18, 'asc before p05', 3, pg_temp.pid('p05'), NULL, 'asc'),
	(19, 'asc before p02', 3, pg_temp.pid('p02'), NULL, 'asc'),
	(20, 'asc before p01', 3, pg_temp.pid('p01'), NULL, 'asc'),
	(21, 'asc after p02 before p07', 10, pg_temp.pid('p07'), pg_temp.pid('p02'), 'asc'),
	(22, 'desc after p09 before p04', 10, pg_temp.pid('p04'), pg_temp.pid('p09'), 'desc')
) t(n, label, lim, before, after, sort_order)
ORDER BY n;

-- named arguments, as in the documentation
SELECT array_agg(l.slug::text ORDER BY l.ordinality) AS named
FROM rbac.list_permissions(3, after => (SELECT id FROM rbac.permission WHERE slug = 'p03'),
						   sort_order => 'asc') WITH ORDINALITY l;
SELECT array_agg(l.slug::text ORDER BY l.ordinality) AS named_default_order
FROM rbac.list_permissions(3, after => (SELECT id FROM rbac.permission WHERE slug = 'p03'))
	 WITH ORDINALITY l;

-- walking the pages with after cursors visits every permission once
WITH RECURSIVE walk(page, slugs, cursor) AS (
	SELECT 1, pg_temp.page(5, NULL, NULL, 'asc'),
		   pg_temp.pid((pg_temp.page(5, NULL, NULL, 'asc'))[5])
	UNION ALL
	SELECT page + 1, pg_temp.page(5, NULL, cursor, 'asc'),
		   pg_temp.pid((pg_temp.page(5, NULL, cursor, 'asc'))[5])
	FROM walk WHERE cursor IS NOT NULL
)
SELECT page, slugs FROM walk ORDER BY page;

-- invalid arguments: 22023
SELECT n, pg_temp.err(q) AS result
FROM (VALUES
	(1, $q$SELECT rbac.list_permissions(0)$q$),
	(2, $q$SELECT rbac.list_permissions(101)$q$),
	(3, $q$SELECT rbac.list_permissions(-1)$q$),
	(4, $q$SELECT rbac.list_permissions(NULL)$q$),
	(5, $q$SELECT rbac.list_permissions(10, sort_order => 'bogus')$q$),
	(6, $q$SELECT rbac.list_permissions(10, sort_order => NULL)$q$),
	(7, $q$SELECT rbac.list_permissions(10, sort_order => '')$q$)
) t(n, q)
ORDER BY n;
SELECT * FROM rbac.list_permissions(101);
SELECT * FROM rbac.list_permissions(sort_order => 'bogus');

--
-- System permissions: only a superuser or the extension owner creates or
-- changes them; nobody deletes them
--
INSERT INTO rbac.permission (slug, name, system) VALUES ('admin:all', 'Everything', true);
SELECT slug, name, system FROM rbac.get_permission('admin:all');
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.set_role_permissions('admin', '{admin:all,p01}');

SELECT pg_temp.err($q$SELECT rbac.delete_permission('admin:all')$q$);
SELECT rbac.delete_permission('admin:all');
SELECT pg_temp.err($q$DELETE FROM rbac.permission WHERE slug = 'admin:all'$q$);
SELECT pg_temp.err($q$DELETE FROM rbac.permission WHERE system$q$);
-- the superuser may change it
SELECT slug, name, system FROM rbac.update_permission('admin:all', 'Every action');
SELECT slug, name, system FROM rbac.permission WHERE system;
SELECT array_agg(permission_slug::text ORDER BY permission_slug) AS admin_grants
FROM rbac.role_permission;

-- an administrator that is not a superuser, with every privilege on the tables
CREATE ROLE regress_rbac_admin;
GRANT ALL ON ALL TABLES IN SCHEMA rbac TO regress_rbac_admin;
GRANT ALL ON ALL SEQUENCES IN SCHEMA rbac TO regress_rbac_admin;
SET ROLE regress_rbac_admin;
-- ordinary permissions are fine
SELECT slug, system FROM rbac.create_permission('reports:read', 'Read reports');
SELECT slug, name FROM rbac.update_permission('reports:read', 'Read all reports');
INSERT INTO rbac.permission (slug, name) VALUES ('reports:write', 'Write reports');
SELECT n, pg_temp.err(q) AS result
FROM (VALUES
	(1, $q$INSERT INTO rbac.permission (slug, name, system) VALUES ('reports:admin', 'Admin', true)$q$),
	(2, $q$UPDATE rbac.permission SET system = true WHERE slug = 'reports:read'$q$),
	(3, $q$SELECT rbac.update_permission('admin:all', 'Renamed')$q$),
	(4, $q$UPDATE rbac.permission SET name = 'Renamed' WHERE slug = 'admin:all'$q$),
	(5, $q$UPDATE rbac.permission SET system = false WHERE slug = 'admin:all'$q$),
	(6, $q$SELECT rbac.delete_permission('admin:all')$q$),
	(7, $q$DELETE FROM rbac.permission WHERE slug = 'admin:all'$q$),
	(8, $q$SELECT rbac.delete_permission('reports:write')$q$)
) t(n, q)
ORDER BY n;
INSERT INTO rbac.permission (slug, name, system) VALUES ('reports:admin', 'Admin', true);
RESET ROLE;
SELECT slug, name, system FROM rbac.permission
WHERE system OR slug LIKE 'reports:%' ORDER BY slug;

-- nor can the administrator remove them with TRUNCATE
SET ROLE regress_rbac_admin;
SELECT left(pg_temp.err($q$TRUNCATE rbac.permission, rbac.role_permission$q$), 5) AS truncate_sqlstate;
RESET ROLE;
SELECT slug, system FROM rbac.permission WHERE system;

-- clean up
DROP OWNED BY regress_rbac_admin;
DROP ROLE regress_rbac_admin;
