--
-- json: the WorkOS Permission, Role and list objects (SPEC 1.2, 2)
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
-- the id of a permission
CREATE FUNCTION pg_temp.pid(text) RETURNS text LANGUAGE sql AS $$
	SELECT id FROM rbac.permission WHERE slug = $1
$$;
-- the slugs in a list object's data, in order
CREATE FUNCTION pg_temp.slugs(jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(e->>'slug', ',' ORDER BY n)
	FROM jsonb_array_elements($1->'data') WITH ORDINALITY d(e, n)
$$;

-- timestamps are rendered in UTC whatever the session's time zone
SET TimeZone = 'America/New_York';

--
-- permission_json
--
SELECT slug FROM rbac.create_permission('documents:read', 'Read documents');
SELECT slug FROM rbac.create_permission('documents:write', 'Write documents',
										'Create and edit documents', 'workspace');

SELECT array_agg(k ORDER BY k) AS permission_keys
FROM rbac.permission p, jsonb_object_keys(rbac.permission_json(p)) k
WHERE p.slug = 'documents:read';

-- the values, without those that vary from run to run
SELECT rbac.permission_json(p) - 'id' - 'created_at' - 'updated_at' AS permission
FROM rbac.permission p ORDER BY p.slug;

-- the JSON types of the values
SELECT k, jsonb_typeof(rbac.permission_json(p)->k) AS type
FROM rbac.permission p, jsonb_object_keys(rbac.permission_json(p)) k
WHERE p.slug = 'documents:read'
ORDER BY k;

-- id and timestamps: their formats, and the same values as in the row
SELECT j->>'id' = p.id AS id_same,
	   j->>'id' ~ '^perm_[0-9A-HJKMNP-TV-Z]{26}$' AS id_format,
	   j->>'created_at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS created_at_format,
	   j->>'updated_at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS updated_at_format,
	   j->>'created_at' = to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
	   AS created_at_utc,
	   j->>'updated_at' = to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
	   AS updated_at_utc
FROM rbac.permission p, rbac.permission_json(p) j
ORDER BY p.slug;

-- known timestamps: in New York on the evening of 15 January it is
-- already 16 January in UTC
INSERT INTO rbac.permission (slug, name, created_at, updated_at)
VALUES ('reports:read', 'Read reports',
		'2026-01-15 23:30:00.123456-05', '2026-07-01 12:00:00.5+02');
SELECT j->'created_at' AS created_at, j->'updated_at' AS updated_at
FROM rbac.permission p, rbac.permission_json(p) j
WHERE p.slug = 'reports:read';

-- a system permission
INSERT INTO rbac.permission (slug, name, description, system)
VALUES ('admin:all', 'Everything', 'Every action', true);
SELECT rbac.permission_json(p) - 'id' - 'created_at' - 'updated_at' AS permission
FROM rbac.permission p WHERE p.slug = 'admin:all';

-- STRICT: NULL in, NULL out; it also takes the functions' results
SELECT rbac.permission_json(NULL) IS NULL AS null_gives_null;
SELECT rbac.permission_json(rbac.get_permission('documents:write'))
	   - 'id' - 'created_at' - 'updated_at' AS from_get_permission;

--
-- role_json
--
SELECT slug FROM rbac.create_role('admin', 'Admin', 'Manages everything');
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
-- permissions in any order come out sorted
SELECT slug FROM rbac.set_role_permissions('admin', '{reports:read,documents:write,admin:all,documents:read}');
SELECT slug FROM rbac.set_role_permissions('editor', '{documents:write,documents:read}');

SELECT array_agg(k ORDER BY k) AS role_keys
FROM rbac.role r, jsonb_object_keys(rbac.role_json(r)) k
WHERE r.slug = 'admin';

SELECT rbac.role_json(r) - 'id' - 'created_at' - 'updated_at' AS role
FROM rbac.role r ORDER BY r.slug;

SELECT k, jsonb_typeof(rbac.role_json(r)->k) AS type
FROM rbac.role r, jsonb_object_keys(rbac.role_json(r)) k
WHERE r.slug = 'editor'
ORDER BY k;

SELECT r.slug,
	   j->>'id' = r.id AS id_same,
	   j->>'id' ~ '^role_[0-9A-HJKMNP-TV-Z]{26}$' AS id_format,
	   j->>'created_at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS created_at_format,
	   j->>'updated_at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS updated_at_format,
	   j->>'created_at' = to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
	   AS created_at_utc,
	   j->>'updated_at' = to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
	   AS updated_at_utc
FROM rbac.role r, rbac.role_json(r) j
ORDER BY r.slug;

INSERT INTO rbac.role (slug, name, created_at, updated_at)
VALUES ('auditor', 'Auditor', '2026-01-15 23:30:00.123456-05', '2026-07-01 12:00:00.5+02');
SELECT j->'created_at' AS created_at, j->'updated_at' AS updated_at
FROM rbac.role r, rbac.role_json(r) j
WHERE r.slug = 'auditor';
DELETE FROM rbac.role WHERE slug = 'auditor';

SELECT rbac.role_json(NULL) IS NULL AS null_gives_null;
SELECT rbac.role_json(rbac.get_role('editor')) - 'id' - 'created_at' - 'updated_at'
	   AS from_get_role;

--
-- list_roles_json: the environment's or an organization's roles, in
-- priority order
--
SELECT jsonb_object_keys(rbac.list_roles_json()) AS list_keys ORDER BY 1;
SELECT rbac.list_roles_json()->'object' AS object,
	   pg_temp.slugs(rbac.list_roles_json()) AS slugs;
-- each element is the role's role_json
SELECT count(*) AS elements, bool_and(e = rbac.role_json(r)) AS data_is_role_json
FROM jsonb_array_elements(rbac.list_roles_json()->'data') e
JOIN rbac.role r ON r.id = e->>'id';

SELECT slug FROM rbac.set_role_priority('viewer', 1);
SELECT pg_temp.slugs(rbac.list_roles_json()) AS environment;
SELECT pg_temp.slugs(rbac.list_roles_json(NULL)) AS environment_null;
-- an organization without roles of its own has the environment's list
SELECT pg_temp.slugs(rbac.list_roles_json('org_01HOTHER')) AS other_organization;

-- an organization with roles of its own
SELECT slug, type FROM rbac.create_organization_role('org_01HACME', 'org-auditor', 'Auditor');
SELECT slug FROM rbac.set_organization_role_permissions('org_01HACME', 'org-auditor', '{reports:read}');
SELECT pg_temp.slugs(rbac.list_roles_json('org_01HACME')) AS acme;
SELECT slug FROM rbac.set_organization_role_priority('org_01HACME', 'org-auditor', 1);
SELECT slug FROM rbac.set_organization_role_priority('org_01HACME', 'admin', 4);
SELECT pg_temp.slugs(rbac.list_roles_json('org_01HACME')) AS acme;
-- the environment list did not change
SELECT pg_temp.slugs(rbac.list_roles_json()) AS environment;
SELECT pg_temp.slugs(rbac.list_roles_json('org_01HOTHER')) AS other_organization;
-- the organization role as JSON
SELECT e - 'id' - 'created_at' - 'updated_at' AS organization_role
FROM jsonb_array_elements(rbac.list_roles_json('org_01HACME')->'data') e
WHERE e->>'slug' = 'org-auditor';
SELECT count(*) AS elements, bool_and(e = rbac.role_json(r)) AS data_is_role_json
FROM jsonb_array_elements(rbac.list_roles_json('org_01HACME')->'data') e
JOIN rbac.role r ON r.id = e->>'id';
-- the same order as list_organization_roles
SELECT pg_temp.slugs(rbac.list_roles_json('org_01HACME'))
	   = (SELECT string_agg(l.slug, ',' ORDER BY l.ordinality)
		  FROM rbac.list_organization_roles('org_01HACME') WITH ORDINALITY l) AS same_order;
SELECT pg_temp.err($q$SELECT rbac.list_roles_json('')$q$);

--
-- list_permissions_json: a page with list_metadata {before, after}
--
SET client_min_messages = warning;
DROP EXTENSION rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;

-- no permissions, no roles
SELECT rbac.list_permissions_json() AS empty_permissions;
SELECT rbac.list_roles_json() AS empty_roles;

SELECT count(*) AS created
FROM generate_series(1, 7) n,
	 LATERAL rbac.create_permission('p' || n, 'P' || n) p;

SELECT jsonb_object_keys(rbac.list_permissions_json()) AS list_keys ORDER BY 1;
SELECT jsonb_object_keys(rbac.list_permissions_json()->'list_metadata') AS metadata_keys ORDER BY 1;
SELECT rbac.list_permissions_json()->'object' AS object;
-- the elements are the permissions' permission_json
SELECT rbac.list_permissions_json(3)->'data'
	   = (SELECT jsonb_agg(rbac.permission_json(p) ORDER BY p.id COLLATE "C" DESC)
		  FROM rbac.permission p WHERE p.slug IN ('p7', 'p6', 'p5')) AS data_is_permission_json;

-- a page, its slugs and its cursors named by slug
CREATE FUNCTION pg_temp.show(j jsonb) RETURNS TABLE (slugs text, before text, after text)
LANGUAGE sql AS $$
	SELECT pg_temp.slugs(j),
		   coalesce((SELECT slug FROM rbac.permission WHERE id = j->'list_metadata'->>'before'),
					j->'list_metadata'->>'before'),
		   coalesce((SELECT slug FROM rbac.permission WHERE id = j->'list_metadata'->>'after'),
					j->'list_metadata'->>'after')
$$;

-- descending (the default): first, middle and last page
SELECT 'desc first' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3));
SELECT 'desc middle' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3, after => pg_temp.pid('p5')));
SELECT 'desc last' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3, after => pg_temp.pid('p2')));
SELECT 'desc back' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3, before => pg_temp.pid('p4')));
SELECT 'normal first' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3, sort_order => 'normal'));
-- ascending
SELECT 'asc first' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3, sort_order => 'asc'));
SELECT 'asc middle' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3, after => pg_temp.pid('p3'), sort_order => 'asc'));
SELECT 'asc last' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3, after => pg_temp.pid('p6'), sort_order => 'asc'));
SELECT 'asc back' AS page, * FROM pg_temp.show(rbac.list_permissions_json(3, before => pg_temp.pid('p4'), sort_order => 'asc'));
-- one page holds everything: no cursors
SELECT 'all desc' AS page, * FROM pg_temp.show(rbac.list_permissions_json(7));
SELECT 'all asc' AS page, * FROM pg_temp.show(rbac.list_permissions_json(100, sort_order => 'asc'));
-- a full last page
SELECT 'exact last' AS page, * FROM pg_temp.show(rbac.list_permissions_json(6, after => pg_temp.pid('p7')));
-- the cursor values are ids
SELECT rbac.list_permissions_json(3)->'list_metadata'->>'after' = pg_temp.pid('p5') AS after_is_id,
	   rbac.list_permissions_json(3, after => pg_temp.pid('p5'))->'list_metadata'->>'before'
	   = pg_temp.pid('p4') AS before_is_id;

-- following the after cursors visits every permission exactly once, in order
WITH RECURSIVE walk(page, j) AS (
	SELECT 1, rbac.list_permissions_json(2, sort_order => 'asc')
	UNION ALL
	SELECT page + 1, rbac.list_permissions_json(2, after => j->'list_metadata'->>'after', sort_order => 'asc')
	FROM walk WHERE j->'list_metadata'->>'after' IS NOT NULL
)
SELECT count(*) AS pages,
	   string_agg(pg_temp.slugs(j), ',' ORDER BY page) AS visited
FROM walk;
WITH RECURSIVE walk(page, j) AS (
	SELECT 1, rbac.list_permissions_json(2)
	UNION ALL
	SELECT page + 1, rbac.list_permissions_json(2, after => j->'list_metadata'->>'after')
	FROM walk WHERE j->'list_metadata'->>'after' IS NOT NULL
)
SELECT count(*) AS pages,
	   string_agg(pg_temp.slugs(j), ',' ORDER BY page) AS visited
FROM walk;
-- and back again with the before cursors, from the last page
WITH RECURSIVE walk(page, j) AS (
	SELECT 1, rbac.list_permissions_json(2, after => pg_temp.pid('p2'))
	UNION ALL
	SELECT page + 1, rbac.list_permissions_json(2, before => j->'list_metadata'->>'before')
	FROM walk WHERE j->'list_metadata'->>'before' IS NOT NULL
)
SELECT count(*) AS pages,
	   string_agg(pg_temp.slugs(j), ',' ORDER BY page) AS visited
FROM walk;
-- with lim 100, and a larger catalog
SELECT count(*) AS created
FROM generate_series(8, 250) n,
	 LATERAL rbac.create_permission('p' || n, 'P' || n) p;
WITH RECURSIVE walk(page, j) AS (
	SELECT 1, rbac.list_permissions_json(100, sort_order => 'asc')
	UNION ALL
	SELECT page + 1, rbac.list_permissions_json(100, after => j->'list_metadata'->>'after', sort_order => 'asc')
	FROM walk WHERE j->'list_metadata'->>'after' IS NOT NULL
), seen AS (
	SELECT e->>'slug' AS slug, e->>'id' AS id
	FROM walk, jsonb_array_elements(j->'data') e
)
SELECT (SELECT count(*) FROM walk) AS pages,
	   count(*) AS visited,
	   count(DISTINCT slug) AS distinct_visited,
	   (SELECT count(*) FROM rbac.permission) AS permissions
FROM seen;

-- invalid arguments: 22023, as for list_permissions
SELECT n, pg_temp.err(q) AS result
FROM (VALUES
	(1, $q$SELECT rbac.list_permissions_json(0)$q$),
	(2, $q$SELECT rbac.list_permissions_json(101)$q$),
	(3, $q$SELECT rbac.list_permissions_json(NULL)$q$),
	(4, $q$SELECT rbac.list_permissions_json(10, sort_order => 'bogus')$q$)
) t(n, q)
ORDER BY n;

RESET TimeZone;
