--
-- resources: resource types, resources, role assignments, discovery and
-- JSON (SPEC 7), with the rule of the checks compared against an
-- independent SQL computation (test/resources_oracle.sql)
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
DROP SCHEMA IF EXISTS rbac_oracle CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- SQLSTATE and message of a statement's error, or 'ok' (ULIDs, which vary
-- from run to run, shown as <ulid>)
CREATE FUNCTION pg_temp.err(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '_[0-9A-HJKMNP-TV-Z]{26}', '_<ulid>', 'g');
END $$;

-- a resource's place: type/external_id of its parent, or the organization
CREATE FUNCTION pg_temp.parent_of(r rbac.resource) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce((SELECT p.resource_type_slug || '/' || p.external_id
					 FROM rbac.resource p WHERE p.id = r.parent_resource_id), '(organization)')
$$;

--
-- The built-in type organization
--
SELECT slug, name, parent_type_slugs FROM rbac.list_resource_types();
SELECT rbac.resource_type_json(t) - 'created_at' - 'updated_at' AS organization
FROM rbac.get_resource_type('organization') t;
SELECT pg_temp.err($$SELECT rbac.create_resource_type('organization', 'Again')$$);
SELECT pg_temp.err($$SELECT rbac.update_resource_type('organization', 'Renamed')$$);
SELECT pg_temp.err($$SELECT rbac.delete_resource_type('organization')$$);
SELECT pg_temp.err($$UPDATE rbac.resource_type SET name = 'Renamed' WHERE slug = 'organization'$$);
SELECT pg_temp.err($$DELETE FROM rbac.resource_type WHERE slug = 'organization'$$);
SELECT pg_temp.err($$TRUNCATE rbac.resource_type, rbac.resource_type_parent, rbac.resource, rbac.role_assignment$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource_type (slug, name) VALUES ('organization', 'Again')$$);
-- pg_dump leaves the built-in row out: the extension's script makes it
SELECT c.relname, x.cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(oid, cond)
JOIN pg_class c ON c.oid = x.oid
WHERE e.extname = 'rbac' AND c.relname IN ('resource_type', 'resource', 'role_assignment', 'resource_type_parent')
ORDER BY 1;

--
-- Resource types
--
SELECT slug, name, description, parent_type_slugs
FROM rbac.create_resource_type('workspace', 'Workspace');
SELECT slug, name, description, parent_type_slugs
FROM rbac.create_resource_type('project', 'Project', 'A project in a workspace', '{workspace}');
-- a type may list itself: folders nest in folders
SELECT slug, parent_type_slugs
FROM rbac.create_resource_type('folder', 'Folder', NULL, '{folder,project,project}');
SELECT slug, name, parent_type_slugs FROM rbac.list_resource_types();
SELECT type_slug, parent_slug FROM rbac.resource_type_parent ORDER BY 1, 2;
SELECT slug, name FROM rbac.get_resource_type('project');
SELECT slug, name, description, parent_type_slugs
FROM rbac.update_resource_type('project', description => 'Projects hold folders');
SELECT slug, name, description, parent_type_slugs
FROM rbac.update_resource_type('project', 'Team project');
SELECT rbac.resource_type_is_below('organization', 'folder') AS org_over_folder,
	   rbac.resource_type_is_below('workspace', 'folder') AS ws_over_folder,
	   rbac.resource_type_is_below('folder', 'folder') AS folder_over_itself,
	   rbac.resource_type_is_below('folder', 'project') AS folder_over_project,
	   rbac.resource_type_is_below('organization', 'nothing') AS org_over_unknown;

-- errors, nothing stored
SELECT n, pg_temp.err(q) FROM (VALUES
	(1, $q$SELECT rbac.create_resource_type('Workspace', 'Bad slug')$q$),
	(2, $q$SELECT rbac.create_resource_type('a:b', 'Bad slug')$q$),
	(3, $q$SELECT rbac.create_resource_type(NULL, 'No slug')$q$),
	(4, $q$SELECT rbac.create_resource_type('thing', NULL)$q$),
	(5, $q$SELECT rbac.create_resource_type('thing', '')$q$),
	(6, $q$SELECT rbac.create_resource_type('thing', 'Thing', repeat('d', 1025))$q$),
	(7, $q$SELECT rbac.create_resource_type('thing', 'Thing', NULL, '{nowhere}')$q$),
	(8, $q$SELECT rbac.create_resource_type('thing', 'Thing', NULL, '{}')$q$),
	(9, $q$SELECT rbac.create_resource_type('thing', 'Thing', NULL, NULL)$q$),
	(10, $q$SELECT rbac.create_resource_type('thing', 'Thing', NULL, '{organization,NULL}')$q$),
	(11, $q$SELECT rbac.create_resource_type('thing', 'Thing', NULL, '{{organization}}')$q$),
	(12, $q$SELECT rbac.create_resource_type('thing', 'Thing', NULL, '{Bad}')$q$),
	(13, $q$SELECT rbac.create_resource_type('project', 'Again')$q$),
	(14, $q$SELECT rbac.get_resource_type('nothing')$q$),
	(15, $q$SELECT rbac.get_resource_type(NULL)$q$),
	(16, $q$SELECT rbac.update_resource_type('nothing', 'x')$q$),
	(17, $q$SELECT rbac.update_resource_type('project', parent_type_slugs => '{nowhere}')$q$),
	(18, $q$SELECT rbac.update_resource_type('project', parent_type_slugs => '{}')$q$),
	(19, $q$SELECT rbac.delete_resource_type('nothing')$q$),
	(20, $q$SELECT rbac.create_resource_type('thing', 'Thing', NULL, '{thing}')$q$),
	(21, $q$SELECT rbac.update_resource_type('folder', parent_type_slugs => '{folder}')$q$)
) AS t(n, q) ORDER BY n;
SELECT count(*) AS types FROM rbac.resource_type;

-- cycles: any other than a type listing itself (22023)
SELECT pg_temp.err($$SELECT rbac.update_resource_type('workspace', parent_type_slugs => '{folder}')$$);
SELECT pg_temp.err($$SELECT rbac.update_resource_type('workspace', parent_type_slugs => '{organization,project}')$$);
SELECT pg_temp.err($$SELECT rbac.update_resource_type('project', parent_type_slugs => '{workspace,folder}')$$);
SELECT pg_temp.err($$UPDATE rbac.resource_type SET parent_type_slugs = '{folder}' WHERE slug = 'workspace'$$);
-- direct DML goes through the same rules
SELECT pg_temp.err($$INSERT INTO rbac.resource_type (slug, name, parent_type_slugs) VALUES ('x', 'X', '{nowhere}')$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource_type (slug, name, parent_type_slugs) VALUES ('x', 'X', '{}')$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource_type (slug, name) VALUES ('X', 'X')$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource_type (slug, name, parent_type_slugs) VALUES ('x', 'X', '{x}')$$);
SELECT pg_temp.err($$UPDATE rbac.resource_type SET slug = 'proj' WHERE slug = 'project'$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource_type_parent VALUES ('workspace', 'project')$$);
SELECT pg_temp.err($$DELETE FROM rbac.resource_type_parent$$);
SELECT pg_temp.err($$TRUNCATE rbac.resource_type_parent$$);
-- two types made in one statement may name each other in any order
INSERT INTO rbac.resource_type (slug, name, parent_type_slugs)
VALUES ('b', 'B', '{a}'), ('a', 'A', '{organization}');
SELECT slug, parent_type_slugs FROM rbac.resource_type WHERE slug IN ('a', 'b') ORDER BY 1;
-- but not a cycle between them
SELECT pg_temp.err($$INSERT INTO rbac.resource_type (slug, name, parent_type_slugs) VALUES ('c', 'C', '{d}'), ('d', 'D', '{c}')$$);
SELECT rbac.delete_resource_type('b');
SELECT rbac.delete_resource_type('a');
SELECT slug FROM rbac.list_resource_types();

--
-- Resources
--
SELECT external_id, name, description, resource_type_slug, organization_id, pg_temp.parent_of(r),
	   id ~ '^authz_resource_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok,
	   updated_at - created_at < interval '1 second' AS fresh
FROM rbac.create_resource('org_a', 'workspace', 'ws1', 'Workspace 1') r;
SELECT external_id, pg_temp.parent_of(r)
FROM rbac.create_resource('org_a', 'project', 'p1', 'Project 1', 'The first', 'workspace', 'ws1') r;
SELECT external_id, pg_temp.parent_of(r)
FROM rbac.create_resource('org_a', 'folder', 'f1', 'Folder 1', NULL, 'project', 'p1') r;
-- folders in folders
SELECT external_id, pg_temp.parent_of(r)
FROM rbac.create_resource('org_a', 'folder', 'f2', 'Folder 2', NULL, 'folder', 'f1') r;
-- parent_type_slug organization alone: the organization itself
SELECT external_id, pg_temp.parent_of(r)
FROM rbac.create_resource('org_a', 'workspace', 'ws2', 'Workspace 2', NULL, 'organization') r;
-- the same external id in another type and in another organization
SELECT external_id, resource_type_slug, organization_id
FROM rbac.create_resource('org_a', 'project', 'ws1', 'A project named like a workspace', NULL, 'workspace', 'ws2');
SELECT external_id, resource_type_slug, organization_id
FROM rbac.create_resource('org_b', 'workspace', 'ws1', 'Workspace 1 of org_b');
-- external id limits: 64 printable ASCII characters, space and ~ included
SELECT length(external_id) AS len
FROM rbac.create_resource('org_a', 'workspace', repeat('x', 64), 'Long');
SELECT external_id FROM rbac.create_resource('org_a', 'workspace', ' !"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', 'Punctuation');
SELECT rbac.is_valid_external_id('doc-1') AS ok, rbac.is_valid_external_id('') AS empty,
	   rbac.is_valid_external_id(repeat('x', 65)) AS too_long, rbac.is_valid_external_id(E'a\tb') AS tab,
	   rbac.is_valid_external_id('é') AS non_ascii;

SELECT n, pg_temp.err(q) FROM (VALUES
	(1, $q$SELECT rbac.create_resource('org_a', 'workspace', '', 'Empty')$q$),
	(2, $q$SELECT rbac.create_resource('org_a', 'workspace', repeat('x', 65), 'Too long')$q$),
	(3, $q$SELECT rbac.create_resource('org_a', 'workspace', E'a\nb', 'Newline')$q$),
	(4, $q$SELECT rbac.create_resource('org_a', 'workspace', 'café', 'Not ASCII')$q$),
	(5, $q$SELECT rbac.create_resource('org_a', 'workspace', E'\x7f', 'DEL')$q$),
	(6, $q$SELECT rbac.create_resource('org_a', 'workspace', NULL, 'Null')$q$),
	(7, $q$SELECT rbac.create_resource('org_a', 'workspace', 'w', NULL)$q$),
	(8, $q$SELECT rbac.create_resource(NULL, 'workspace', 'w', 'W')$q$),
	(9, $q$SELECT rbac.create_resource('org_a', NULL, 'w', 'W')$q$),
	(10, $q$SELECT rbac.create_resource('org_a', 'nothing', 'w', 'W')$q$),
	(11, $q$SELECT rbac.create_resource('org_a', 'workspace', 'ws1', 'Duplicate')$q$),
	(12, $q$SELECT rbac.create_resource('org_a', 'project', 'p9', 'Top-level project')$q$),
	(13, $q$SELECT rbac.create_resource('org_a', 'folder', 'f9', 'Folder under a workspace', NULL, 'workspace', 'ws1')$q$),
	(14, $q$SELECT rbac.create_resource('org_a', 'folder', 'f9', 'Unknown parent', NULL, 'project', 'nothing')$q$),
	(15, $q$SELECT rbac.create_resource('org_a', 'folder', 'f9', 'Half a parent', NULL, 'project')$q$),
	(16, $q$SELECT rbac.create_resource('org_a', 'folder', 'f9', 'Half a parent', NULL, NULL, 'p1')$q$),
	(17, $q$SELECT rbac.create_resource('org_b', 'project', 'p9', 'Parent in another organization', NULL, 'workspace', 'ws2')$q$),
	(18, $q$SELECT rbac.create_resource('org_a', 'organization', 'o', 'An organization resource')$q$),
	(19, $q$SELECT rbac.create_resource('org_a', 'workspace', 'w', repeat('n', 513))$q$),
	(20, $q$SELECT rbac.create_resource('org_a', 'workspace', 'w', 'W', repeat('d', 1025))$q$),
	(21, $q$SELECT rbac.create_resource(E'org\n', 'workspace', 'w', 'W')$q$)
) AS t(n, q) ORDER BY n;
SELECT count(*) AS resources FROM rbac.resource;

-- direct DML: the same rules
SELECT pg_temp.err($$INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id, parent_resource_id)
	SELECT 'p9', 'Project in org_b under a workspace of org_a', 'project', 'org_b', id FROM rbac.resource
	WHERE organization_id = 'org_a' AND external_id = 'ws1' AND resource_type_slug = 'workspace'$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id)
	VALUES ('f9', 'Top-level folder', 'folder', 'org_a')$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id)
	VALUES ('w9', 'Bad type', 'nothing', 'org_a')$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id, parent_resource_id)
	VALUES ('w9', 'Unknown parent', 'project', 'org_a', 'authz_resource_01JAAAAAAAAAAAAAAAAAAAAAAA')$$);
-- one INSERT may add a parent after its child; not a cycle among its rows
SELECT pg_temp.err($$INSERT INTO rbac.resource (id, external_id, name, resource_type_slug, organization_id, parent_resource_id)
	VALUES ('authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA2', 'f8', 'Child first', 'folder', 'org_a', 'authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA1'),
		   ('authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA1', 'f7', 'Parent second', 'folder', 'org_a',
			(SELECT id FROM rbac.resource WHERE external_id = 'f1'))$$);
SELECT external_id, pg_temp.parent_of(r) FROM rbac.resource r WHERE external_id IN ('f7', 'f8') ORDER BY 1;
DELETE FROM rbac.resource WHERE external_id IN ('f7', 'f8');
SELECT pg_temp.err($$INSERT INTO rbac.resource (id, external_id, name, resource_type_slug, organization_id, parent_resource_id)
	VALUES ('authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA2', 'f8', 'Cycle', 'folder', 'org_a', 'authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA1'),
		   ('authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA1', 'f7', 'Cycle', 'folder', 'org_a', 'authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA2')$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource (id, external_id, name, resource_type_slug, organization_id, parent_resource_id)
	VALUES ('authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA1', 'f7', 'Own parent', 'folder', 'org_a', 'authz_resource_01JAAAAAAAAAAAAAAAAAAAAAA1')$$);
SELECT pg_temp.err($$UPDATE rbac.resource SET external_id = 'renamed' WHERE external_id = 'f2'$$);
SELECT pg_temp.err($$UPDATE rbac.resource SET organization_id = 'org_b' WHERE external_id = 'f2'$$);
SELECT pg_temp.err($$UPDATE rbac.resource SET resource_type_slug = 'project' WHERE external_id = 'f2'$$);
SELECT pg_temp.err($$UPDATE rbac.resource SET id = 'authz_resource_01JAAAAAAAAAAAAAAAAAAAAAAA' WHERE external_id = 'f2'$$);
SELECT pg_temp.err($$INSERT INTO rbac.resource (id, external_id, name, resource_type_slug, organization_id)
	VALUES ('res_1', 'w9', 'Bad id', 'workspace', 'org_a')$$);

-- get
SELECT external_id, name, description FROM rbac.get_resource('org_a', 'project', 'p1');
SELECT g.external_id = r.external_id AND g.id = r.id AS same
FROM rbac.get_resource('org_a', 'folder', 'f2') r, rbac.get_resource_by_id(r.id) g;
SELECT n, pg_temp.err(q) FROM (VALUES
	(1, $q$SELECT rbac.get_resource('org_a', 'project', 'nothing')$q$),
	(2, $q$SELECT rbac.get_resource('org_b', 'project', 'p1')$q$),
	(3, $q$SELECT rbac.get_resource('org_a', 'nothing', 'p1')$q$),
	(4, $q$SELECT rbac.get_resource('org_a', 'project', NULL)$q$),
	(5, $q$SELECT rbac.get_resource('org_a', 'project', repeat('x', 65))$q$),
	(6, $q$SELECT rbac.get_resource_by_id('authz_resource_01JAAAAAAAAAAAAAAAAAAAAAAA')$q$),
	(7, $q$SELECT rbac.get_resource_by_id(NULL)$q$)
) AS t(n, q) ORDER BY n;

-- update: name, description, and moves (re-checked)
SELECT external_id, name, description, pg_temp.parent_of(r), updated_at > created_at AS updated_moved
FROM rbac.update_resource('org_a', 'folder', 'f2', 'Folder two', 'Renamed') r;
SELECT external_id, name, description FROM rbac.update_resource('org_a', 'folder', 'f2') r;
-- f2 from f1 to p1, then back under f1
SELECT external_id, pg_temp.parent_of(r) FROM rbac.update_resource('org_a', 'folder', 'f2',
	parent_type_slug => 'project', parent_external_id => 'p1') r;
SELECT external_id, pg_temp.parent_of(r) FROM rbac.update_resource('org_a', 'folder', 'f2',
	parent_type_slug => 'folder', parent_external_id => 'f1') r;
-- p1 to the other workspace and back
SELECT external_id, pg_temp.parent_of(r) FROM rbac.update_resource('org_a', 'project', 'p1',
	parent_type_slug => 'workspace', parent_external_id => 'ws2') r;
SELECT external_id, pg_temp.parent_of(r) FROM rbac.update_resource('org_a', 'project', 'p1',
	parent_type_slug => 'workspace', parent_external_id => 'ws1') r;
SELECT n, pg_temp.err(q) FROM (VALUES
	-- f1 under its own child f2, and under itself
	(1, $q$SELECT rbac.update_resource('org_a', 'folder', 'f1', parent_type_slug => 'folder', parent_external_id => 'f2')$q$),
	(2, $q$SELECT rbac.update_resource('org_a', 'folder', 'f1', parent_type_slug => 'folder', parent_external_id => 'f1')$q$),
	-- a folder directly under its organization, or under a workspace
	(3, $q$SELECT rbac.update_resource('org_a', 'folder', 'f1', parent_type_slug => 'organization')$q$),
	(4, $q$SELECT rbac.update_resource('org_a', 'folder', 'f1', parent_type_slug => 'workspace', parent_external_id => 'ws1')$q$),
	-- a project under a folder
	(5, $q$SELECT rbac.update_resource('org_a', 'project', 'p1', parent_type_slug => 'folder', parent_external_id => 'f2')$q$),
	(6, $q$SELECT rbac.update_resource('org_a', 'project', 'p1', parent_type_slug => 'workspace', parent_external_id => 'nothing')$q$),
	(7, $q$SELECT rbac.update_resource('org_a', 'project', 'p1', parent_external_id => 'ws1')$q$),
	(8, $q$SELECT rbac.update_resource('org_a', 'project', 'nothing', 'x')$q$),
	(9, $q$SELECT rbac.update_resource('org_a', 'project', 'p1', repeat('n', 513))$q$)
) AS t(n, q) ORDER BY n;
-- direct DML: a cycle, through two levels
SELECT pg_temp.err($$UPDATE rbac.resource SET parent_resource_id = (SELECT id FROM rbac.resource WHERE external_id = 'f2')
	WHERE external_id = 'f1'$$);
SELECT external_id, pg_temp.parent_of(r) FROM rbac.resource r WHERE organization_id = 'org_a'
ORDER BY resource_type_slug, external_id;

-- removing a parent type that resources use (2BP01); adding one is fine
SELECT pg_temp.err($$SELECT rbac.update_resource_type('folder', parent_type_slugs => '{project}')$$);
SELECT pg_temp.err($$SELECT rbac.update_resource_type('project', parent_type_slugs => '{organization}')$$);
SELECT slug, parent_type_slugs FROM rbac.update_resource_type('project', parent_type_slugs => '{workspace,organization}');
SELECT external_id, pg_temp.parent_of(r) FROM rbac.create_resource('org_a', 'project', 'p0', 'Top-level project') r;
SELECT pg_temp.err($$SELECT rbac.update_resource_type('project', parent_type_slugs => '{workspace}')$$);
SELECT rbac.delete_resource('org_a', 'project', 'p0');
-- not at REPEATABLE READ, whose snapshot would miss resources and grants
-- committed meanwhile (0A000); READ COMMITTED and SERIALIZABLE see them
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.err($$SELECT rbac.update_resource_type('project', parent_type_slugs => '{workspace}')$$);
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT slug, parent_type_slugs FROM rbac.update_resource_type('project', parent_type_slugs => '{workspace}');
ROLLBACK;
SELECT slug, parent_type_slugs FROM rbac.update_resource_type('project', parent_type_slugs => '{workspace}');

--
-- list_resources: filters and WorkOS cursors
--
CREATE TEMP TABLE listed AS
SELECT row_number() OVER (ORDER BY id) AS n, id, external_id, resource_type_slug
FROM rbac.resource WHERE organization_id = 'org_a';
SELECT n, resource_type_slug, external_id FROM listed ORDER BY n;
CREATE FUNCTION pg_temp.page(lim int, before text, after text, sort_order text,
							 rtype text DEFAULT NULL, ptype text DEFAULT NULL, pext text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
	SELECT coalesce(string_agg(l.n::text, ',' ORDER BY x.ordinality), '(none)')
	FROM rbac.list_resources('org_a', rtype, ptype, pext, lim, before, after, sort_order) WITH ORDINALITY x
	JOIN listed l ON l.id = x.id
$$;
SELECT pg_temp.page(10, NULL, NULL, 'desc') AS all_desc,
	   pg_temp.page(10, NULL, NULL, 'normal') AS normal,
	   pg_temp.page(3, NULL, NULL, 'asc') AS first3_asc,
	   pg_temp.page(3, NULL, (SELECT id FROM listed WHERE n = 3), 'asc') AS after3_asc,
	   pg_temp.page(3, (SELECT id FROM listed WHERE n = 7), NULL, 'asc') AS before7_asc,
	   pg_temp.page(3, NULL, (SELECT id FROM listed WHERE n = 7), 'desc') AS after7_desc,
	   pg_temp.page(3, (SELECT id FROM listed WHERE n = 3), NULL, 'desc') AS before3_desc,
	   pg_temp.page(10, (SELECT id FROM listed WHERE n = 8), (SELECT id FROM listed WHERE n = 2), 'asc') AS between_2_8;
SELECT pg_temp.page(10, NULL, NULL, 'asc', 'workspace') AS workspaces,
	   pg_temp.page(10, NULL, NULL, 'asc', NULL, 'organization') AS top_level,
	   pg_temp.page(10, NULL, NULL, 'asc', NULL, 'workspace', 'ws1') AS under_ws1,
	   pg_temp.page(10, NULL, NULL, 'asc', 'folder', 'project', 'p1') AS folders_under_p1,
	   pg_temp.page(10, NULL, NULL, 'asc', 'project', 'project', 'p1') AS projects_under_p1;
SELECT n, pg_temp.err(q) FROM (VALUES
	(1, $q$SELECT rbac.list_resources('org_a', lim => 0)$q$),
	(2, $q$SELECT rbac.list_resources('org_a', lim => 101)$q$),
	(3, $q$SELECT rbac.list_resources('org_a', lim => NULL)$q$),
	(4, $q$SELECT rbac.list_resources('org_a', sort_order => 'up')$q$),
	(5, $q$SELECT rbac.list_resources('org_a', sort_order => NULL)$q$),
	(6, $q$SELECT rbac.list_resources('org_a', 'nothing')$q$),
	(7, $q$SELECT rbac.list_resources('org_a', NULL, 'project', 'nothing')$q$),
	(8, $q$SELECT rbac.list_resources('org_a', NULL, NULL, 'p1')$q$),
	(9, $q$SELECT rbac.list_resources(NULL)$q$)
) AS t(n, q) ORDER BY n;
-- an organization with no resources: an empty page
SELECT count(*) AS none FROM rbac.list_resources('org_nothing');

-- list_resources_json: data in page order, list_metadata the cursors
CREATE FUNCTION pg_temp.json_page(j jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce((SELECT string_agg(l.n::text, ',' ORDER BY d.o)
					 FROM jsonb_array_elements(j->'data') WITH ORDINALITY d(e, o)
					 JOIN listed l ON l.id = d.e->>'id'), '(none)')
		|| ' before=' || coalesce((SELECT l.n::text FROM listed l WHERE l.id = j->'list_metadata'->>'before'), 'null')
		|| ' after=' || coalesce((SELECT l.n::text FROM listed l WHERE l.id = j->'list_metadata'->>'after'), 'null')
$$;
SELECT pg_temp.json_page(rbac.list_resources_json('org_a', lim => 3, sort_order => 'asc')) AS first,
	   pg_temp.json_page(rbac.list_resources_json('org_a', lim => 3, sort_order => 'asc',
			after => (SELECT id FROM listed WHERE n = 3))) AS second,
	   pg_temp.json_page(rbac.list_resources_json('org_a', lim => 3, sort_order => 'asc',
			after => (SELECT id FROM listed WHERE n = 6))) AS last,
	   pg_temp.json_page(rbac.list_resources_json('org_a', lim => 3, sort_order => 'asc',
			before => (SELECT id FROM listed WHERE n = 4))) AS back_to_first,
	   pg_temp.json_page(rbac.list_resources_json('org_a', 'folder', lim => 3)) AS folders_desc,
	   pg_temp.json_page(rbac.list_resources_json('org_nothing')) AS empty;
SELECT rbac.list_resources_json('org_nothing') AS empty_list;
SELECT jsonb_object_keys(rbac.list_resources_json('org_a')) AS list_keys ORDER BY 1;

--
-- JSON: WorkOS keys and types
--
SET TimeZone = 'America/New_York';
SELECT k, jsonb_typeof(j->k) AS type
FROM (SELECT rbac.resource_json(r) AS j FROM rbac.get_resource('org_a', 'folder', 'f2') r) x,
	 jsonb_object_keys(j) k ORDER BY k;
SELECT rbac.resource_json(r) - 'id' - 'parent_resource_id' - 'created_at' - 'updated_at' AS folder,
	   (rbac.resource_json(r)->>'parent_resource_id') = (SELECT p.id FROM rbac.resource p WHERE p.external_id = 'f1')
		   AS parent_id_ok,
	   rbac.resource_json(r)->>'created_at' = to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
		   AS created_at_utc,
	   rbac.resource_json(r)->>'updated_at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS updated_at_format
FROM rbac.get_resource('org_a', 'folder', 'f2') r;
SELECT rbac.resource_json(r)->'parent_resource_id' AS top_level_parent,
	   jsonb_typeof(rbac.resource_json(r)->'description') AS no_description
FROM rbac.get_resource('org_a', 'workspace', 'ws1') r;
SELECT k, jsonb_typeof(j->k) AS type
FROM (SELECT rbac.resource_type_json(t) AS j FROM rbac.get_resource_type('folder') t) x,
	 jsonb_object_keys(j) k ORDER BY k;
SELECT rbac.resource_type_json(t) - 'created_at' - 'updated_at' AS folder_type
FROM rbac.get_resource_type('folder') t;
RESET TimeZone;

--
-- Roles and permissions on resource types
--
-- permissions of each type, wildcards among them
SELECT count(*) AS permissions FROM (
	SELECT rbac.create_permission('org:manage', 'Manage the organization')
	UNION ALL SELECT rbac.create_permission('ws:read', 'Read workspaces', NULL, 'workspace')
	UNION ALL SELECT rbac.create_permission('proj:read', 'Read projects', NULL, 'project')
	UNION ALL SELECT rbac.create_permission('proj:write', 'Write projects', NULL, 'project')
	UNION ALL SELECT rbac.create_permission('proj:*', 'Everything on projects', NULL, 'project')
	UNION ALL SELECT rbac.create_permission('doc:read', 'Read documents', NULL, 'folder')
	UNION ALL SELECT rbac.create_permission('doc:write', 'Write documents', NULL, 'folder')
	UNION ALL SELECT rbac.create_permission('doc:share', 'Share documents', NULL, 'folder')
	UNION ALL SELECT rbac.create_permission('doc:read:own', 'Read own documents', NULL, 'folder')
	UNION ALL SELECT rbac.create_permission('doc:*', 'Everything on documents', NULL, 'folder')
	UNION ALL SELECT rbac.create_permission('*', 'Everything on projects', NULL, 'project')
	UNION ALL SELECT rbac.create_permission('legacy:x', 'Of a type never registered', NULL, 'legacy')
) x;
SELECT slug, resource_type_slug FROM rbac.create_role('member', 'Member');
SELECT slug, resource_type_slug FROM rbac.create_role('ws-admin', 'Workspace admin', NULL, 'workspace');
SELECT slug, resource_type_slug FROM rbac.create_role('proj-editor', 'Project editor', NULL, 'project');
SELECT slug, resource_type_slug FROM rbac.create_role('folder-viewer', 'Folder viewer', NULL, 'folder');
SELECT slug, resource_type_slug FROM rbac.create_role('folder-sharer', 'Folder sharer', NULL, 'folder');
SELECT slug, resource_type_slug FROM rbac.create_role('legacy-role', 'Of a type never registered', NULL, 'legacy');
SELECT slug, resource_type_slug, organization_id
FROM rbac.create_organization_role('org_a', 'org-auditor', 'Auditor');
-- a role holds permissions of its own type and of the types below it
SELECT slug FROM rbac.set_role_permissions('member', '{org:manage,doc:read}');
SELECT slug FROM rbac.set_role_permissions('ws-admin', '{ws:read,proj:*,doc:*}');
SELECT slug FROM rbac.set_role_permissions('proj-editor', '{proj:write,doc:write}');
SELECT slug FROM rbac.set_role_permissions('folder-viewer', '{doc:read}');
SELECT slug FROM rbac.set_role_permissions('folder-sharer', '{doc:share}');
SELECT slug FROM rbac.set_organization_role_permissions('org_a', 'org-auditor', '{*,proj:read}');
-- not of a type above it (22023), whichever way the grant is made
SELECT n, pg_temp.err(q) FROM (VALUES
	(1, $q$SELECT rbac.add_role_permission('ws-admin', 'org:manage')$q$),
	(2, $q$SELECT rbac.add_role_permission('proj-editor', 'ws:read')$q$),
	(3, $q$SELECT rbac.add_role_permission('folder-viewer', 'proj:read')$q$),
	(4, $q$SELECT rbac.set_role_permissions('folder-viewer', '{doc:read,org:manage}')$q$),
	(5, $q$INSERT INTO rbac.role_permission (role_id, permission_slug)
		   SELECT id, 'proj:read' FROM rbac.role WHERE slug = 'folder-sharer'$q$)
) AS t(n, q) ORDER BY n;
-- types that are not registered (1.0 allowed any slug) are outside the rule
SELECT slug FROM rbac.add_role_permission('legacy-role', 'org:manage');
SELECT slug FROM rbac.add_role_permission('member', 'legacy:x');
-- the resource type of a role or permission is fixed once created
SELECT pg_temp.err($$UPDATE rbac.role SET resource_type_slug = 'project' WHERE slug = 'ws-admin'$$);
SELECT pg_temp.err($$UPDATE rbac.permission SET resource_type_slug = 'workspace' WHERE slug = 'doc:read'$$);
-- registering a type checks the grants that now fall under the rule
SELECT pg_temp.err($$SELECT rbac.create_resource_type('legacy', 'Legacy')$$);
SELECT slug FROM rbac.remove_role_permission('legacy-role', 'org:manage');
SELECT slug, parent_type_slugs FROM rbac.create_resource_type('legacy', 'Legacy');
-- changing parents re-checks grants: a project role holds folder permissions
SELECT slug FROM rbac.create_resource_type('note', 'Note', NULL, '{project}');
SELECT slug FROM rbac.create_permission('note:read', 'Read notes', NULL, 'note');
SELECT slug FROM rbac.add_role_permission('proj-editor', 'note:read');
SELECT pg_temp.err($$SELECT rbac.update_resource_type('note', parent_type_slugs => '{workspace}')$$);
SELECT slug FROM rbac.remove_role_permission('proj-editor', 'note:read');
SELECT pg_temp.err($$SELECT rbac.delete_resource_type('note')$$);
SELECT rbac.delete_permission('note:read');
SELECT rbac.delete_resource_type('note');
-- a type in use is not deleted (2BP01)
SELECT pg_temp.err($$SELECT rbac.delete_resource_type('folder')$$);
SELECT pg_temp.err($$SELECT rbac.delete_resource_type('project')$$);
SELECT pg_temp.err($$SELECT rbac.delete_resource_type('legacy')$$);
SELECT pg_temp.err($$DELETE FROM rbac.resource_type WHERE slug = 'workspace'$$);
SELECT rbac.delete_role('legacy-role');
SELECT rbac.delete_permission('legacy:x');
SELECT rbac.delete_resource_type('legacy');

--
-- Role assignments
--
SELECT rbac.set_multiple_roles(true);
SELECT user_id FROM rbac.create_organization_membership('u1', 'org_a', '{member}');
SELECT user_id FROM rbac.create_organization_membership('u2', 'org_a', '{member}');
SELECT user_id FROM rbac.create_organization_membership('u3', 'org_a', '{member}');
SELECT user_id FROM rbac.create_organization_membership('u4', 'org_a', '{org-auditor}');
SELECT user_id FROM rbac.create_organization_membership('u5', 'org_a', '{member}');
SELECT user_id FROM rbac.create_organization_membership('u6', 'org_b', '{member}');
CREATE TEMP TABLE a1 AS SELECT * FROM rbac.assign_role('u1', 'org_a', 'ws-admin', 'workspace', 'ws1');
SELECT a1.id ~ '^role_assignment_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok,
	   m.user_id, r.slug, x.resource_type_slug, x.external_id
FROM a1 JOIN rbac.membership m ON m.id = a1.membership_id JOIN rbac.role r ON r.id = a1.role_id
JOIN rbac.resource x ON x.id = a1.resource_id;
-- again: no effect, the same assignment
SELECT a.id = a1.id AS same, (SELECT count(*) FROM rbac.role_assignment) AS assignments
FROM rbac.assign_role('u1', 'org_a', 'ws-admin', 'workspace', 'ws1') a, a1;
SELECT count(*) AS assigned FROM (
	SELECT rbac.assign_role('u2', 'org_a', 'proj-editor', 'project', 'p1')
	UNION ALL SELECT rbac.assign_role('u3', 'org_a', 'folder-viewer', 'folder', 'f2')
	UNION ALL SELECT rbac.assign_role('u5', 'org_a', 'folder-sharer', 'folder', 'f1')
	UNION ALL SELECT rbac.assign_role('u5', 'org_a', 'folder-viewer', 'folder', 'f1')
) x;
-- JSON: WorkOS's role assignment object
SET TimeZone = 'Asia/Tokyo';
SELECT k, jsonb_typeof(j->k) AS type
FROM (SELECT rbac.role_assignment_json(a) AS j FROM rbac.role_assignment a JOIN a1 USING (id)) x,
	 jsonb_object_keys(j) k ORDER BY k;
SELECT (j - 'id' - 'organization_membership_id' - 'created_at' - 'updated_at' - 'resource')
		   || jsonb_build_object('resource', (j->'resource') - 'id') AS assignment,
	   j->>'organization_membership_id' = (SELECT id FROM rbac.membership WHERE user_id = 'u1') AS membership_ok,
	   j->'resource'->>'id' = (SELECT id FROM rbac.resource WHERE external_id = 'ws1' AND organization_id = 'org_a'
							   AND resource_type_slug = 'workspace') AS resource_ok,
	   j->>'created_at' = to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at_utc
FROM (SELECT a.created_at, rbac.role_assignment_json(a) AS j
	  FROM rbac.role_assignment a WHERE a.id = (SELECT a1.id FROM a1)) a;
-- applied to what assign_role returns, in the same statement
SELECT rbac.role_assignment_json(rbac.assign_role('u2', 'org_a', 'proj-editor', 'project', 'ws1'))->'resource'->>'external_id'
	AS assigned_now;
SELECT rbac.remove_role_assignment('u2', 'org_a', 'proj-editor', 'project', 'ws1');
RESET TimeZone;

SELECT n, pg_temp.err(q) FROM (VALUES
	-- a role on a resource of another type
	(1, $q$SELECT rbac.assign_role('u1', 'org_a', 'ws-admin', 'project', 'p1')$q$),
	(2, $q$SELECT rbac.assign_role('u1', 'org_a', 'member', 'workspace', 'ws1')$q$),
	-- unknown membership, role, resource
	(3, $q$SELECT rbac.assign_role('nobody', 'org_a', 'ws-admin', 'workspace', 'ws1')$q$),
	(4, $q$SELECT rbac.assign_role('u1', 'org_a', 'nothing', 'workspace', 'ws1')$q$),
	(5, $q$SELECT rbac.assign_role('u1', 'org_a', 'ws-admin', 'workspace', 'nothing')$q$),
	(6, $q$SELECT rbac.assign_role('u6', 'org_b', 'org-auditor', 'workspace', 'ws1')$q$),
	(7, $q$SELECT rbac.assign_role('u1', 'org_a', 'ws-admin', NULL, 'ws1')$q$),
	(8, $q$SELECT rbac.remove_role_assignment('u1', 'org_a', 'ws-admin', 'workspace', 'nothing')$q$),
	(9, $q$SELECT rbac.list_role_assignments('nobody', 'org_a')$q$),
	(10, $q$SELECT rbac.list_resource_role_assignments('org_a', 'folder', 'nothing')$q$)
) AS t(n, q) ORDER BY n;
-- direct DML: the same rules
SELECT pg_temp.err($$INSERT INTO rbac.role_assignment (membership_id, role_id, resource_id)
	SELECT m.id, r.id, x.id FROM rbac.membership m, rbac.role r, rbac.resource x
	WHERE m.user_id = 'u1' AND r.slug = 'ws-admin' AND x.external_id = 'p1'$$);
SELECT pg_temp.err($$INSERT INTO rbac.role_assignment (membership_id, role_id, resource_id)
	SELECT m.id, r.id, x.id FROM rbac.membership m, rbac.role r, rbac.resource x
	WHERE m.user_id = 'u6' AND r.slug = 'ws-admin' AND x.external_id = 'ws2' AND x.organization_id = 'org_a'$$);
SELECT pg_temp.err($$INSERT INTO rbac.role_assignment (membership_id, role_id, resource_id)
	SELECT m.id, r.id, x.id FROM rbac.membership m, rbac.role r, rbac.resource x
	WHERE m.user_id = 'u6' AND r.slug = 'ws-admin' AND x.external_id = 'ws1' AND x.organization_id = 'org_b'$$);
SELECT pg_temp.err($$INSERT INTO rbac.role_assignment (membership_id, role_id, resource_id)
	SELECT m.id, r.id, x.id FROM rbac.membership m, rbac.role r, rbac.resource x
	WHERE m.user_id = 'u1' AND r.slug = 'ws-admin' AND x.external_id = 'ws1' AND x.organization_id = 'org_a'
	  AND x.resource_type_slug = 'project'$$);
-- the membership must exist (rbac.role_assignment.membership_id is kept by a
-- trigger, not a foreign key: a TRUNCATE of the memberships works as in 1.0)
SELECT pg_temp.err($$INSERT INTO rbac.role_assignment (membership_id, role_id, resource_id)
	SELECT 'om_01JAAAAAAAAAAAAAAAAAAAAAAA', r.id, x.id FROM rbac.role r, rbac.resource x
	WHERE r.slug = 'ws-admin' AND x.external_id = 'ws2' AND x.organization_id = 'org_a'$$);
SELECT pg_temp.err($$TRUNCATE rbac.membership, rbac.membership_role$$);
BEGIN;
TRUNCATE rbac.role_assignment, rbac.membership, rbac.membership_role;
SELECT count(*) AS memberships FROM rbac.membership;
ROLLBACK;
SELECT pg_temp.err($$UPDATE rbac.role_assignment SET resource_id = (SELECT id FROM rbac.resource WHERE external_id = 'ws2')$$);
SELECT count(*) AS assignments FROM rbac.role_assignment;

CREATE FUNCTION pg_temp.assignments(a rbac.role_assignment[]) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce(string_agg(m.user_id || ':' || r.slug || '@' || x.resource_type_slug || '/' || x.external_id,
							   ', ' ORDER BY e.o), '(none)')
	FROM unnest(a) WITH ORDINALITY e(id, membership_id, role_id, resource_id, created_at, updated_at, o)
	JOIN rbac.membership m ON m.id = e.membership_id
	JOIN rbac.role r ON r.id = e.role_id
	JOIN rbac.resource x ON x.id = e.resource_id
$$;
SELECT pg_temp.assignments(ARRAY(SELECT a FROM rbac.list_role_assignments('u5', 'org_a') a)) AS of_u5,
	   pg_temp.assignments(ARRAY(SELECT a FROM rbac.list_role_assignments('u4', 'org_a') a)) AS of_u4;
SELECT pg_temp.assignments(ARRAY(SELECT a FROM rbac.list_resource_role_assignments('org_a', 'folder', 'f1') a)) AS on_f1,
	   pg_temp.assignments(ARRAY(SELECT a FROM rbac.list_resource_role_assignments('org_a', 'folder', 'f2') a)) AS on_f2;
-- remove: no effect when there is none
SELECT rbac.remove_role_assignment('u5', 'org_a', 'folder-viewer', 'folder', 'f1');
SELECT rbac.remove_role_assignment('u5', 'org_a', 'folder-viewer', 'folder', 'f1');
SELECT pg_temp.assignments(ARRAY(SELECT a FROM rbac.list_role_assignments('u5', 'org_a') a)) AS of_u5;

--
-- The rule, as a matrix: every member x permission x resource of a small
-- catalog (workspace > project > folder > folder > folder), the checks'
-- rule computed by test/resources_oracle.sql, compared with discovery
--
\i test/resources_oracle.sql
SELECT count(*) AS made FROM (
	SELECT rbac.create_resource('org_a', 'project', 'p2', 'Project 2', NULL, 'workspace', 'ws1')
	UNION ALL SELECT rbac.create_resource('org_a', 'folder', 'f3', 'Folder 3', NULL, 'folder', 'f2')
	UNION ALL SELECT rbac.create_resource('org_a', 'folder', 'f4', 'Folder 4', NULL, 'project', 'p2')
	UNION ALL SELECT rbac.create_resource('org_a', 'folder', 'f5', 'Folder 5', NULL, 'project', 'ws1')
	UNION ALL SELECT rbac.create_resource('org_b', 'project', 'p1', 'Project 1 of org_b', NULL, 'workspace', 'ws1')
	UNION ALL SELECT rbac.create_resource('org_b', 'folder', 'f1', 'Folder 1 of org_b', NULL, 'project', 'p1')
) x;
SELECT slug FROM rbac.create_role('guest', 'Guest');
SELECT user_id FROM rbac.update_organization_membership('u3', 'org_a', '{guest}');
SELECT user_id FROM rbac.update_organization_membership('u5', 'org_a', '{guest}');
SELECT user_id FROM rbac.create_organization_membership('u7', 'org_a', '{guest}');
SELECT user_id FROM rbac.create_organization_membership('u8', 'org_a', '{guest}');
SELECT count(*) AS assigned FROM (
	-- u8: a folder role on f1 and a project role on p2, nothing through the membership
	SELECT rbac.assign_role('u8', 'org_a', 'folder-viewer', 'folder', 'f1')
	UNION ALL SELECT rbac.assign_role('u8', 'org_a', 'proj-editor', 'project', 'p2')
	UNION ALL SELECT rbac.assign_role('u6', 'org_b', 'ws-admin', 'workspace', 'ws1')
) x;
-- the catalog: the tree, the grants and who holds what where
SELECT r.organization_id, r.resource_type_slug, r.external_id, pg_temp.parent_of(r)
FROM rbac.resource r ORDER BY 1, 2, 3;
SELECT r.slug, r.resource_type_slug, array_agg(rp.permission_slug::text ORDER BY rp.permission_slug) AS grants
FROM rbac.role r LEFT JOIN rbac.role_permission rp ON rp.role_id = r.id GROUP BY r.slug, r.resource_type_slug ORDER BY 1;
SELECT m.organization_id, m.user_id,
	   (SELECT string_agg(r.slug, ',' ORDER BY r.slug) FROM rbac.membership_role mr JOIN rbac.role r ON r.id = mr.role_id
		WHERE mr.membership_id = m.id) AS own_roles,
	   pg_temp.assignments(ARRAY(SELECT a FROM rbac.role_assignment a WHERE a.membership_id = m.id ORDER BY a.id)) AS assigned
FROM rbac.membership m ORDER BY 1, 2;

CREATE TEMP TABLE users AS SELECT unnest(ARRAY['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'nobody']) AS user_id;
CREATE TEMP TABLE asked AS
SELECT slug::text AS slug FROM rbac.permission
UNION SELECT unnest(ARRAY['doc:read:own:x', 'doc', 'proj:delete', 'ws:*', 'nope', 'Doc:Read', 'doc:re*', 'proj:read:x']);
CREATE TEMP TABLE places AS
SELECT organization_id::text AS org, resource_type_slug::text AS type, external_id::text AS ext FROM rbac.resource;
CREATE TEMP TABLE truth AS
SELECT u.user_id, a.slug, p.org, p.type, p.ext,
	   rbac_oracle.user_has_permission(u.user_id, p.org, a.slug, p.type, p.ext) AS granted,
	   rbac_oracle.held_directly(u.user_id, p.org, a.slug, p.type, p.ext) AS direct
FROM users u, asked a, places p;
SELECT count(*) AS cases, count(*) FILTER (WHERE granted) AS granted, count(*) FILTER (WHERE direct) AS direct
FROM truth;

-- the checks (C, through the cache) = the rule, per row
SELECT count(*) AS user_has_permission_mismatches
FROM truth x
WHERE rbac.user_has_permission(x.user_id, x.org, x.slug, x.type, x.ext) IS DISTINCT FROM x.granted;

-- resources_with_permission = the resources of the type on which the rule holds
SELECT count(*) AS resources_with_permission_mismatches
FROM users u, asked a, (SELECT DISTINCT org, type FROM places) t
WHERE ARRAY(SELECT rbac.resources_with_permission(u.user_id, t.org, a.slug, t.type))
	  IS DISTINCT FROM
	  ARRAY(SELECT x.ext FROM truth x
			WHERE x.user_id = u.user_id AND x.slug = a.slug AND x.org = t.org AND x.type = t.type AND x.granted
			ORDER BY x.ext COLLATE "C");
-- members_with_permission = the members on whom it holds ('indirect'), or
-- through a role assigned on the resource itself ('direct')
SELECT count(*) AS members_with_permission_mismatches
FROM asked a, places p, (VALUES ('indirect'), ('direct')) k(assignment)
WHERE ARRAY(SELECT rbac.members_with_permission(p.org, a.slug, p.type, p.ext, k.assignment))
	  IS DISTINCT FROM
	  ARRAY(SELECT x.user_id FROM truth x
			WHERE x.slug = a.slug AND x.org = p.org AND x.type = p.type AND x.ext = p.ext
			  AND CASE k.assignment WHEN 'direct' THEN x.direct ELSE x.granted END
			ORDER BY x.user_id COLLATE "C");
-- effective_permissions = the defined permissions of the type on which it holds
SELECT count(*) AS effective_permissions_mismatches
FROM users u, places p
WHERE ARRAY(SELECT rbac.effective_permissions(u.user_id, p.org, p.type, p.ext))
	  IS DISTINCT FROM
	  ARRAY(SELECT x.slug FROM truth x JOIN rbac.permission q ON q.slug = x.slug AND q.resource_type_slug = p.type
			WHERE x.user_id = u.user_id AND x.org = p.org AND x.type = p.type AND x.ext = p.ext AND x.granted
			ORDER BY x.slug COLLATE "C");
-- the wildcard matcher against the oracle's regular expressions
SELECT count(*) AS matcher_cases,
	   count(*) FILTER (WHERE rbac.permission_matches(g.slug, a.slug) IS DISTINCT FROM rbac_oracle.matches(g.slug, a.slug))
		   AS matcher_mismatches
FROM asked g, asked a;

-- what SPEC 7 says, readable: each member's permissions on each resource
SELECT p.org, p.type, p.ext, u.user_id,
	   coalesce(string_agg(x.slug, ' ' ORDER BY x.slug COLLATE "C") FILTER (WHERE x.granted), '-') AS permissions
FROM users u CROSS JOIN places p
LEFT JOIN truth x ON x.user_id = u.user_id AND x.org = p.org AND x.type = p.type AND x.ext = p.ext
	AND EXISTS (SELECT 1 FROM rbac.permission q WHERE q.slug = x.slug)
WHERE u.user_id IN ('u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u8')
GROUP BY p.org, p.type, p.ext, u.user_id
HAVING count(*) FILTER (WHERE x.granted) > 0
ORDER BY 1, 2, 3, 4;
-- wildcards asked and undefined slugs: only a wildcard grant covers them
SELECT slug, string_agg(user_id || '@' || ext, ' ' ORDER BY user_id, ext) AS granted_on
FROM truth WHERE granted AND slug NOT IN (SELECT slug FROM rbac.permission)
GROUP BY slug ORDER BY slug;
SELECT rbac.resources_with_permission('u8', 'org_a', 'doc:read', 'folder') AS u8_reads;
SELECT rbac.members_with_permission('org_a', 'doc:read', 'folder', 'f3') AS readers_of_f3;
SELECT rbac.members_with_permission('org_a', 'doc:read', 'folder', 'f3', 'direct') AS direct_readers_of_f3;
SELECT rbac.effective_permissions('u1', 'org_a', 'folder', 'f3') AS u1_on_f3;
SELECT pg_temp.err($$SELECT rbac.members_with_permission('org_a', 'doc:read', 'folder', 'f3', 'inherited')$$);
SELECT rbac.members_with_permission('org_a', 'doc:read', 'folder', 'f3', NULL) AS null_is_null;
-- moves are seen at once
SELECT external_id FROM rbac.update_resource('org_a', 'folder', 'f4', parent_type_slug => 'folder', parent_external_id => 'f2');
SELECT rbac.members_with_permission('org_a', 'doc:read', 'folder', 'f4') AS readers_of_moved_f4,
	   rbac_oracle.user_has_permission('u3', 'org_a', 'doc:read', 'folder', 'f4') AS oracle_u3;
SELECT rbac.user_has_permission('u3', 'org_a', 'doc:read', 'folder', 'f4') AS check_u3;
SELECT external_id FROM rbac.update_resource('org_a', 'folder', 'f4', parent_type_slug => 'project', parent_external_id => 'p2');
SELECT rbac.members_with_permission('org_a', 'doc:read', 'folder', 'f4') AS readers_of_f4;

--
-- Deletes: 2BP01 while assignments (or child resources) remain, unless cascade
--
-- a role with assignments: the 1.0 call and cascade => false refuse
SELECT pg_temp.err($$SELECT rbac.delete_role('folder-sharer')$$);
SELECT pg_temp.err($$SELECT rbac.delete_role('folder-sharer', false)$$);
SELECT pg_temp.err($$DELETE FROM rbac.role WHERE slug = 'folder-sharer'$$);
SELECT pg_temp.err($$SELECT rbac.delete_role('folder-sharer', NULL)$$);
SELECT rbac.delete_role('folder-sharer', cascade => true);
SELECT count(*) AS sharer_left FROM rbac.role WHERE slug = 'folder-sharer';
SELECT pg_temp.assignments(ARRAY(SELECT a FROM rbac.list_role_assignments('u5', 'org_a') a)) AS of_u5;
-- cascade removes assignments, not the memberships that hold the role (2BP01 as in 1.0)
SELECT pg_temp.err($$SELECT rbac.delete_role('member', true)$$);
-- the one-argument call is not ambiguous and works as before
SELECT slug FROM rbac.create_role('unused', 'Unused');
SELECT rbac.delete_role('unused');
-- organization roles
SELECT slug FROM rbac.create_organization_role('org_a', 'org-folder-admin', 'Folder admin', NULL, 'folder');
SELECT slug FROM rbac.set_organization_role_permissions('org_a', 'org-folder-admin', '{doc:*}');
SELECT (rbac.assign_role('u7', 'org_a', 'org-folder-admin', 'folder', 'f5')).id IS NOT NULL AS assigned;
SELECT rbac.resources_with_permission('u7', 'org_a', 'doc:write', 'folder') AS u7_writes;
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_a', 'org-folder-admin')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_a', 'org-folder-admin', false)$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_a', 'nothing', true)$$);
SELECT rbac.delete_organization_role('org_a', 'org-folder-admin', true);
SELECT count(*) AS u7_writes FROM rbac.resources_with_permission('u7', 'org_a', 'doc:write', 'folder');
-- a membership with assignments
SELECT pg_temp.err($$SELECT rbac.delete_organization_membership('u8', 'org_a')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_membership('u8', 'org_a', false)$$);
SELECT pg_temp.err($$DELETE FROM rbac.membership WHERE user_id = 'u8'$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_membership('u8', 'org_a', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_membership('nobody', 'org_a', true)$$);
SELECT rbac.delete_organization_membership('u8', 'org_a', true);
SELECT count(*) AS u8_left FROM rbac.membership WHERE user_id = 'u8';
SELECT count(*) AS u8_assignments FROM rbac.role_assignment a
WHERE NOT EXISTS (SELECT 1 FROM rbac.membership m WHERE m.id = a.membership_id);
-- without assignments the 1.0 call works as before
SELECT rbac.delete_organization_membership('u7', 'org_a');
-- resources: children and assignments
SELECT pg_temp.err($$SELECT rbac.delete_resource('org_a', 'folder', 'f1')$$);
-- a leaf without assignments goes without cascade
SELECT pg_temp.err($$SELECT rbac.delete_resource('org_a', 'folder', 'f3')$$);
SELECT pg_temp.err($$DELETE FROM rbac.resource WHERE external_id = 'f2'$$);
SELECT pg_temp.err($$DELETE FROM rbac.resource WHERE external_id = 'f1' AND organization_id = 'org_a'$$);
SELECT pg_temp.err($$SELECT rbac.delete_resource('org_a', 'folder', 'f1', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.delete_resource('org_a', 'folder', 'nothing', true)$$);
SELECT count(*) AS resources, (SELECT count(*) FROM rbac.role_assignment) AS assignments FROM rbac.resource;
-- cascade: f1 and f2 go, with the assignment on f2
SELECT rbac.delete_resource('org_a', 'folder', 'f1', cascade => true);
SELECT external_id FROM rbac.resource WHERE organization_id = 'org_a' AND resource_type_slug = 'folder' ORDER BY 1;
SELECT count(*) AS resources, (SELECT count(*) FROM rbac.role_assignment) AS assignments FROM rbac.resource;
-- a leaf without assignments, without cascade
SELECT rbac.delete_resource('org_a', 'folder', 'f5');
-- a whole subtree in one statement by direct DML (the foreign key is checked at its end)
SELECT pg_temp.err($$DELETE FROM rbac.resource WHERE organization_id = 'org_b' AND resource_type_slug <> 'workspace'$$);
SELECT count(*) AS org_b_left FROM rbac.resource WHERE organization_id = 'org_b';
-- the project named like a workspace
SELECT rbac.delete_resource('org_a', 'project', 'ws1');
SELECT count(*) AS gone FROM rbac.resource WHERE resource_type_slug = 'project' AND external_id = 'ws1';

--
-- Markings, comments, privileges of the new objects
--
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proisstrict AS strict,
	   p.proparallel AS parallel, p.prosecdef AS security_definer,
	   obj_description(p.oid, 'pg_proc') IS NOT NULL AS documented,
	   p.proconfig AS config
FROM pg_proc p
WHERE p.pronamespace = 'rbac'::regnamespace
  AND p.proname IN ('permission_matches', 'is_valid_external_id', 'check_external_id',
					'resources_with_permission', 'members_with_permission', 'effective_permissions',
					'resource_json', 'resource_type_json', 'role_assignment_json', 'list_resources_json')
ORDER BY 1::text;
-- every function, table and domain of the extension has a comment
SELECT count(*) AS undocumented_functions FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
WHERE p.pronamespace = 'rbac'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL;
SELECT c.relname AS undocumented_table FROM pg_class c
WHERE c.relnamespace = 'rbac'::regnamespace AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT t.typname AS undocumented_domain FROM pg_type t
WHERE t.typnamespace = 'rbac'::regnamespace AND t.typtype = 'd' AND obj_description(t.oid, 'pg_type') IS NULL;
-- management functions run as the caller; EXECUTE stays PUBLIC's (as 1.0)
SELECT count(*) AS security_definer FROM pg_proc p WHERE p.pronamespace = 'rbac'::regnamespace AND p.prosecdef;
SELECT has_function_privilege('public', 'rbac.resources_with_permission(text,text,text,text)', 'EXECUTE') AS public_discovery,
	   has_function_privilege('public', 'rbac.permission_matches(text,text)', 'EXECUTE') AS public_matcher;
-- the tables: nothing for PUBLIC, the cache's invalidation triggers
SELECT c.relname, has_table_privilege('public', c.oid, 'SELECT') AS public_select,
	   (SELECT string_agg(t.tgname || ':' || t.tgenabled::text, ',' ORDER BY t.tgname) FROM pg_trigger t
		WHERE t.tgrelid = c.oid AND t.tgname LIKE 'invalidate_cache%') AS invalidation
FROM pg_class c
WHERE c.relnamespace = 'rbac'::regnamespace
  AND c.relname IN ('resource_type', 'resource_type_parent', 'resource', 'role_assignment')
ORDER BY 1;
-- overloads: the 1.0 calls resolve to the 1.0 functions, the cascade forms to the new ones
SELECT 'rbac.delete_role(text)'::regprocedure, 'rbac.delete_role(text,boolean)'::regprocedure,
	   'rbac.delete_organization_membership(text,text,boolean)'::regprocedure;

SET client_min_messages = warning;
DROP SCHEMA rbac_oracle CASCADE;
RESET client_min_messages;
