--
-- checks: rbac.role_has_permission and rbac.roles_have_permission (SPEC 3)
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

--
-- Wildcards: one role per granted slug, every request against every grant
--
CREATE TEMP TABLE grants (role_slug text, granted text);
INSERT INTO grants VALUES
	('g-docs-any', 'documents:*'), ('g-any', '*'), ('g-docs-read', 'documents:read'),
	('g-a-any-c', 'a.*.c'), ('g-doc-star', 'doc*'), ('g-docs-any-own', 'documents:*:own'),
	('g-x-any', 'x:*'), ('g-any-read', '*:read');
SELECT count(*) AS permissions FROM (
	SELECT rbac.create_permission(granted, 'grant ' || granted) FROM grants) c;
SELECT count(*) AS roles FROM (
	SELECT rbac.create_role(role_slug, 'grants ' || granted) FROM grants) c;
SELECT count(*) AS set FROM (
	SELECT rbac.set_role_permissions(role_slug, ARRAY[granted]) FROM grants) c;
SELECT g.role_slug, v.permissions
FROM grants g JOIN rbac.roles_by_priority v ON v.slug = g.role_slug AND v.organization_id IS NULL
ORDER BY v.priority;

-- Rules (SPEC 3): segments are separated by ':' or '.'; a granted segment that
-- is exactly '*' matches any one non-empty segment; separators must match
-- literally; a grant whose last segment is '*' also matches any number of
-- further segments; the grant '*' alone covers every slug; '*' inside a
-- longer segment is literal; the request is never a pattern.
--
-- Expected, row by row (D = documents:*, A = *, R = documents:read,
-- C = a.*.c, S = doc*, O = documents:*:own, X = x:*, Q = *:read):
--  1 documents:read          D t (* = read), A t, R t (equal), O f (2 segments, needs 3),
--                            Q t (* = documents, read = read); others f
--  2 documents:read:own      D t (trailing * takes read:own), A t, R f (longer),
--                            O t (* = read), Q f (3 segments, last of Q is not *)
--  3 documents               D f (* needs a segment), A t; others f
--  4 documents:*             D t (grant * matches the non-empty segment "*"), A t,
--                            R f (read is not "*": no widening), Q f (read vs "*")
--  5 *                       A t; S f (doc* is literal); others f
--  6 docs:read               A t, Q t; D f (docs is not documents)
--  7 doc*                    A t, S t (literal equal)
--  8 docx                    A t; S f (doc* is literal, not a prefix pattern)
--  9 documents.read          A t; D f and Q f (separator ':' does not match '.')
-- 10 documents::read         A t (every slug); D f (* cannot match the empty segment);
--                            Q f (3 segments)
-- 11 documents:              A t (every slug); D f (empty last segment); Q f
-- 12 a.b.c                   A t, C t
-- 13 a.b.d                   A t; C f (d is not c)
-- 14 a.bb.c                  A t, C t (* matches a segment of any length)
-- 15 a..c                    A t (every slug); C f (* cannot match the empty segment)
-- 16 a:b:c                   A t; C f (separators)
-- 17 a.b.c.d                 A t; C f (C's last segment is c, not *)
-- 18 x:y                     A t, X t
-- 19 x:y:z                   A t, X t (trailing *)
-- 20 x                       A t; X f
-- 21 documents:*:own         D t, A t, O t (the segment "*" is non-empty); R f
-- 22 documents:read:own:x    D t, A t; O f (4 segments)
-- 23 read                    A t; Q f (1 segment)
-- 24 documents:archive       D t, A t (not a defined permission: only wildcards grant it)
SELECT n, req,
	   rbac.role_has_permission('g-docs-any', req) AS "D documents:*",
	   rbac.role_has_permission('g-any', req) AS "A *",
	   rbac.role_has_permission('g-docs-read', req) AS "R documents:read",
	   rbac.role_has_permission('g-a-any-c', req) AS "C a.*.c",
	   rbac.role_has_permission('g-doc-star', req) AS "S doc*",
	   rbac.role_has_permission('g-docs-any-own', req) AS "O documents:*:own",
	   rbac.role_has_permission('g-x-any', req) AS "X x:*",
	   rbac.role_has_permission('g-any-read', req) AS "Q *:read"
FROM unnest(ARRAY['documents:read', 'documents:read:own', 'documents', 'documents:*', '*',
				  'docs:read', 'doc*', 'docx', 'documents.read', 'documents::read',
				  'documents:', 'a.b.c', 'a.b.d', 'a.bb.c', 'a..c', 'a:b:c', 'a.b.c.d',
				  'x:y', 'x:y:z', 'x', 'documents:*:own', 'documents:read:own:x', 'read',
				  'documents:archive'])
	 WITH ORDINALITY AS t(req, n)
ORDER BY n;
-- the same cells through the 3-argument form with an organization, and
-- through roles_have_permission: the same answers
SELECT count(*) AS cells,
	   count(*) FILTER (WHERE rbac.role_has_permission(r, req) =
							   rbac.role_has_permission(r, req, 'org_1')) AS same_with_org,
	   count(*) FILTER (WHERE rbac.role_has_permission(r, req) =
							   rbac.roles_have_permission(ARRAY[r], req)) AS same_as_array,
	   count(*) FILTER (WHERE rbac.role_has_permission(r, req)) AS granted
FROM unnest(ARRAY['g-docs-any', 'g-any', 'g-docs-read', 'g-a-any-c', 'g-doc-star',
				  'g-docs-any-own', 'g-x-any', 'g-any-read']) r,
	 unnest(ARRAY['documents:read', 'documents:read:own', 'documents', 'documents:*', '*',
				  'docs:read', 'doc*', 'docx', 'documents.read', 'documents::read',
				  'documents:', 'a.b.c', 'a.b.d', 'a.bb.c', 'a..c', 'a:b:c', 'a.b.c.d',
				  'x:y', 'x:y:z', 'x', 'documents:*:own', 'documents:read:own:x', 'read',
				  'documents:archive']) req;

--
-- A working set of roles
--
SELECT count(*) AS permissions FROM (
	SELECT rbac.create_permission(p, p)
	FROM unnest(ARRAY['posts:read', 'posts:write', 'posts:delete', 'billing:manage']) p) c;
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.create_role('nobody', 'Nobody');
SELECT slug FROM rbac.set_role_permissions('admin', '{posts:read,posts:write,posts:delete,billing:manage}');
SELECT slug FROM rbac.set_role_permissions('editor', '{posts:read,posts:write}');
SELECT slug FROM rbac.set_role_permissions('viewer', '{posts:read}');
SELECT slug FROM rbac.create_organization_role('org_1', 'org-billing', 'Billing');
SELECT slug FROM rbac.set_organization_role_permissions('org_1', 'org-billing', '{billing:manage}');
SELECT slug FROM rbac.create_organization_role('org_2', 'org-billing', 'Billing');
SELECT slug FROM rbac.set_organization_role_permissions('org_2', 'org-billing', '{posts:read}');

SELECT r, p, rbac.role_has_permission(r, p) AS granted
FROM unnest(ARRAY['admin', 'editor', 'viewer', 'nobody']) r,
	 unnest(ARRAY['posts:read', 'posts:write', 'billing:manage']) p
ORDER BY 1, 2;
-- a defined permission that no grant covers, an undefined one
SELECT rbac.role_has_permission('editor', 'posts:delete') AS defined_not_granted,
	   rbac.role_has_permission('editor', 'posts:archive') AS undefined,
	   rbac.role_has_permission('g-docs-any', 'documents:undefined') AS undefined_by_wildcard;
-- unknown role: false
SELECT rbac.role_has_permission('nope', 'posts:read') AS unknown_role,
	   rbac.role_has_permission('nope', 'posts:read', 'org_1') AS unknown_role_org;

--
-- The 3-argument form
--
-- an environment role applies in every organization
SELECT rbac.role_has_permission('viewer', 'posts:read', 'org_1') AS org_1,
	   rbac.role_has_permission('viewer', 'posts:read', 'org_9') AS org_9,
	   rbac.role_has_permission('viewer', 'posts:write', 'org_1') AS write_org_1;
-- an organization role applies in its organization only; the same slug in
-- another organization is another role
SELECT rbac.role_has_permission('org-billing', 'billing:manage', 'org_1') AS org_1_billing,
	   rbac.role_has_permission('org-billing', 'posts:read', 'org_1') AS org_1_posts,
	   rbac.role_has_permission('org-billing', 'billing:manage', 'org_2') AS org_2_billing,
	   rbac.role_has_permission('org-billing', 'posts:read', 'org_2') AS org_2_posts,
	   rbac.role_has_permission('org-billing', 'billing:manage', 'org_3') AS org_3_billing;
-- without an organization, an org- slug names no role
SELECT rbac.role_has_permission('org-billing', 'billing:manage') AS no_org;

--
-- Malformed slugs: false, never an error
--
SELECT label, rbac.role_has_permission(r, 'posts:read') AS two_args,
	   rbac.role_has_permission(r, 'posts:read', 'org_1') AS three_args,
	   rbac.roles_have_permission(ARRAY[r], 'posts:read') AS array_form
FROM (VALUES ('Admin', 'Admin'), ('admin with space', 'admin '), ('129 characters', repeat('a', 129)),
			 ('empty', ''), ('colon', 'admin:x'), ('non-ASCII', 'adm' || chr(233)),
			 ('control character', 'admin' || chr(10))) v(label, r);
SELECT label, rbac.role_has_permission('g-any', p) AS env_any,
	   rbac.role_has_permission('admin', p) AS env_admin,
	   rbac.role_has_permission('admin', p, 'org_1') AS org_admin,
	   rbac.roles_have_permission('{admin,g-any}', p) AS array_form
FROM (VALUES ('Posts:Read', 'Posts:Read'), ('posts read', 'posts read'),
			 ('129 characters', repeat('a', 129)), ('empty', ''),
			 ('non-ASCII', 'posts:r' || chr(233) || 'ad'), ('tab', 'posts:read' || chr(9))) v(label, p);
-- a malformed organization id: no error; no organization role can match
SELECT rbac.role_has_permission('org-billing', 'billing:manage', '') AS empty_org,
	   rbac.role_has_permission('org-billing', 'billing:manage', repeat('o', 129)) AS long_org,
	   rbac.role_has_permission('viewer', 'posts:read', '') IS NOT NULL AS env_role_empty_org_answers;

--
-- NULL in any argument: NULL (STRICT)
--
SELECT rbac.role_has_permission(NULL, 'posts:read') IS NULL AS a,
	   rbac.role_has_permission('admin', NULL) IS NULL AS b,
	   rbac.role_has_permission(NULL, 'posts:read', 'org_1') IS NULL AS c,
	   rbac.role_has_permission('admin', NULL, 'org_1') IS NULL AS d,
	   rbac.role_has_permission('admin', 'posts:read', NULL) IS NULL AS e,
	   rbac.roles_have_permission(NULL, 'posts:read') IS NULL AS f,
	   rbac.roles_have_permission('{admin}', NULL) IS NULL AS g,
	   rbac.roles_have_permission(NULL, 'posts:read', 'org_1') IS NULL AS h,
	   rbac.roles_have_permission('{admin}', NULL, 'org_1') IS NULL AS i,
	   rbac.roles_have_permission('{admin}', 'posts:read', NULL) IS NULL AS j;

--
-- roles_have_permission: the union of the roles
--
SELECT rbac.roles_have_permission('{viewer,editor}', 'posts:write') AS union_yes,
	   rbac.roles_have_permission('{viewer,nobody}', 'posts:write') AS union_no,
	   rbac.roles_have_permission('{editor,viewer}', 'posts:read') AS both,
	   rbac.roles_have_permission('{}', 'posts:read') AS empty,
	   rbac.roles_have_permission('{nope,editor}', 'posts:write') AS unknown_and_known,
	   rbac.roles_have_permission('{nope}', 'posts:write') AS unknown_only,
	   rbac.roles_have_permission('{Editor,editor}', 'posts:write') AS malformed_and_known,
	   rbac.roles_have_permission('{viewer,viewer}', 'posts:read') AS repeated;
-- a NULL element is ignored
SELECT rbac.roles_have_permission('{viewer,NULL,editor}', 'posts:write') AS null_then_grant,
	   rbac.roles_have_permission('{NULL}', 'posts:read') AS only_null,
	   rbac.roles_have_permission('{NULL,viewer}', 'posts:write') AS null_no_grant;
-- with an organization: its own roles and environment roles
SELECT rbac.roles_have_permission('{viewer,org-billing}', 'billing:manage', 'org_1') AS org_1,
	   rbac.roles_have_permission('{viewer,org-billing}', 'billing:manage', 'org_2') AS org_2,
	   rbac.roles_have_permission('{viewer,org-billing}', 'billing:manage') AS no_org,
	   rbac.roles_have_permission('{org-billing,NULL}', 'billing:manage', 'org_1') AS with_null,
	   rbac.roles_have_permission('{}', 'billing:manage', 'org_1') AS empty;

--
-- Visibility: a check sees the session's own changes at once
--
SELECT rbac.role_has_permission('viewer', 'posts:write') AS before;
BEGIN;
SELECT slug FROM rbac.add_role_permission('viewer', 'posts:write');
SELECT rbac.role_has_permission('viewer', 'posts:write') AS in_transaction,
	   rbac.role_has_permission('viewer', 'posts:write', 'org_1') AS in_transaction_org,
	   rbac.roles_have_permission('{viewer}', 'posts:write') AS in_transaction_array;
ROLLBACK;
SELECT rbac.role_has_permission('viewer', 'posts:write') AS after_rollback,
	   rbac.role_has_permission('viewer', 'posts:write', 'org_1') AS after_rollback_org,
	   rbac.roles_have_permission('{viewer}', 'posts:write') AS after_rollback_array;
-- a savepoint rolled back takes its change with it
BEGIN;
SELECT slug FROM rbac.remove_role_permission('viewer', 'posts:read');
SELECT rbac.role_has_permission('viewer', 'posts:read') AS removed;
SAVEPOINT s;
SELECT slug FROM rbac.add_role_permission('viewer', 'posts:read');
SELECT rbac.role_has_permission('viewer', 'posts:read') AS re_added;
ROLLBACK TO SAVEPOINT s;
SELECT rbac.role_has_permission('viewer', 'posts:read') AS after_savepoint_rollback;
COMMIT;
SELECT rbac.role_has_permission('viewer', 'posts:read') AS after_commit;
SELECT slug FROM rbac.add_role_permission('viewer', 'posts:read');
SELECT rbac.role_has_permission('viewer', 'posts:read') AS restored;
-- direct DML on the catalog is seen too
BEGIN;
DELETE FROM rbac.role_permission;
SELECT rbac.role_has_permission('admin', 'posts:read') AS after_delete_all;
ROLLBACK;
BEGIN;
TRUNCATE rbac.role_permission;
SELECT rbac.role_has_permission('admin', 'posts:read') AS after_truncate;
ROLLBACK;
SELECT rbac.role_has_permission('admin', 'posts:read') AS after_rollback;
-- deleting a permission takes it from every role
BEGIN;
SELECT rbac.delete_permission('posts:write');
SELECT rbac.role_has_permission('admin', 'posts:write') AS admin,
	   rbac.role_has_permission('editor', 'posts:write') AS editor;
ROLLBACK;
-- a role deleted and created again with the same slug: the new role's grants
SELECT rbac.role_has_permission('editor', 'posts:write') AS old_editor;
SELECT rbac.delete_role('editor');
SELECT rbac.role_has_permission('editor', 'posts:write') AS deleted_editor;
SELECT slug FROM rbac.create_role('editor', 'Editor again');
SELECT rbac.role_has_permission('editor', 'posts:write') AS new_editor,
	   rbac.role_has_permission('editor', 'posts:read') AS new_editor_read;
SELECT slug FROM rbac.set_role_permissions('editor', '{posts:delete}');
SELECT rbac.role_has_permission('editor', 'posts:write') AS new_editor_write,
	   rbac.role_has_permission('editor', 'posts:delete') AS new_editor_delete;
-- the same for an organization role, in one transaction
BEGIN;
SELECT rbac.role_has_permission('org-billing', 'billing:manage', 'org_1') AS old_role;
SELECT rbac.delete_organization_role('org_1', 'org-billing');
SELECT rbac.role_has_permission('org-billing', 'billing:manage', 'org_1') AS deleted_role;
SELECT slug FROM rbac.create_organization_role('org_1', 'org-billing', 'Billing again');
SELECT slug FROM rbac.set_organization_role_permissions('org_1', 'org-billing', '{posts:delete}');
SELECT rbac.role_has_permission('org-billing', 'billing:manage', 'org_1') AS new_role_billing,
	   rbac.role_has_permission('org-billing', 'posts:delete', 'org_1') AS new_role_delete;
COMMIT;
SELECT rbac.role_has_permission('org-billing', 'posts:delete', 'org_1') AS committed;
SELECT slug FROM rbac.set_organization_role_permissions('org_1', 'org-billing', '{billing:manage}');
SELECT slug FROM rbac.set_role_permissions('editor', '{posts:read,posts:write}');

--
-- Per-row calls with arguments that change from row to row
--
-- role varies: admin grants posts:write, viewer does not
SELECT count(*) FILTER (WHERE rbac.role_has_permission(
		   CASE WHEN i % 2 = 0 THEN 'admin' ELSE 'viewer' END, 'posts:write')) AS granted
FROM generate_series(1, 1000) i;
-- permission varies: editor grants read and write, not delete (1/3 of rows)
SELECT count(*) FILTER (WHERE rbac.role_has_permission('editor',
		   CASE i % 3 WHEN 0 THEN 'posts:read' WHEN 1 THEN 'posts:write' ELSE 'posts:delete' END)) AS granted
FROM generate_series(1, 999) i;
-- organization varies: org-billing grants billing:manage in org_1 only
SELECT count(*) FILTER (WHERE rbac.role_has_permission('org-billing', 'billing:manage',
		   'org_' || (i % 4))) AS granted
FROM generate_series(1, 1000) i;
-- many organizations at one call site: its table of answers grows (and
-- stops keeping answers at 32,768 ids); ids of every length from 1 to 200
-- bytes, some one byte away from org_1, which grants
SELECT count(*) AS rows, count(DISTINCT o) AS ids, count(*) FILTER (WHERE granted) AS granted,
	   count(*) FILTER (WHERE granted IS DISTINCT FROM (o = 'org_1')) AS wrong
FROM (SELECT o, rbac.role_has_permission('org-billing', 'billing:manage', o) AS granted
	  FROM (SELECT CASE WHEN i % 7 = 0 THEN 'org_1'
						WHEN i % 7 = 1 THEN (ARRAY['org_', 'org_2', 'org_1 ', 'Org_1', 'org_11', 'rg_1'])[i % 6 + 1]
						ELSE left(repeat(md5(i::text), 7), 1 + i % 200) END AS o
			FROM generate_series(1, 60000) i) s) t;
-- all three vary, against a plain SQL answer
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE rbac.role_has_permission(r, p, o) IS NOT DISTINCT FROM
		   (CASE WHEN r = 'org-billing' AND o = 'org_1' THEN p = 'billing:manage'
				 WHEN r = 'org-billing' AND o = 'org_2' THEN p = 'posts:read'
				 WHEN r = 'org-billing' THEN false
				 WHEN r = 'admin' THEN p IN ('posts:read', 'posts:write', 'posts:delete', 'billing:manage')
				 WHEN r = 'editor' THEN p IN ('posts:read', 'posts:write')
				 WHEN r = 'viewer' THEN p = 'posts:read'
				 ELSE false END)) AS agree
FROM (SELECT (ARRAY['admin', 'editor', 'viewer', 'nobody', 'org-billing', 'nope'])[i % 6 + 1] AS r,
			 (ARRAY['posts:read', 'posts:write', 'billing:manage', 'posts:delete', 'x'])[i % 5 + 1] AS p,
			 (ARRAY['org_1', 'org_2', 'org_3'])[i % 7 % 3 + 1] AS o
	  FROM generate_series(1, 2000) i) s;
-- arrays that vary per row
SELECT count(*) FILTER (WHERE rbac.roles_have_permission(
		   CASE WHEN i % 3 = 0 THEN '{viewer,editor}'::text[] WHEN i % 3 = 1 THEN '{viewer}' ELSE '{}' END,
		   'posts:write')) AS granted
FROM generate_series(1, 999) i;
-- a role taken from a table column, with the grant changing between statements
CREATE TEMP TABLE requests AS
	SELECT i, (ARRAY['admin', 'editor', 'viewer', 'nobody'])[i % 4 + 1] AS role_slug
	FROM generate_series(1, 400) i;
SELECT role_slug, count(*) FILTER (WHERE rbac.role_has_permission(role_slug, 'posts:delete')) AS granted
FROM requests GROUP BY 1 ORDER BY 1;
SELECT slug FROM rbac.add_role_permission('nobody', 'posts:delete');
SELECT role_slug, count(*) FILTER (WHERE rbac.role_has_permission(role_slug, 'posts:delete')) AS granted
FROM requests GROUP BY 1 ORDER BY 1;
SELECT slug FROM rbac.set_role_permissions('nobody', '{}');
-- a PL/pgSQL loop calls one expression with changing parameters
CREATE FUNCTION pg_temp.grants_of(roles text[], perm text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	r text;
	out text[] := '{}';
BEGIN
	FOREACH r IN ARRAY roles LOOP
		IF rbac.role_has_permission(r, perm) THEN
			out := out || r;
		END IF;
	END LOOP;
	RETURN out;
END $$;
SELECT pg_temp.grants_of('{admin,viewer,editor,nobody,admin,nobody}', 'posts:write') AS write,
	   pg_temp.grants_of('{nobody,viewer,admin}', 'posts:read') AS read;
-- a prepared statement with a generic plan: parameters change between executions
SET plan_cache_mode = force_generic_plan;
PREPARE chk(text, text) AS SELECT rbac.role_has_permission($1, $2) AS granted;
EXECUTE chk('admin', 'posts:write');
EXECUTE chk('viewer', 'posts:write');
EXECUTE chk('viewer', 'posts:read');
EXECUTE chk('nope', 'posts:read');
PREPARE chk_rows(text) AS
	SELECT count(*) FILTER (WHERE rbac.role_has_permission($1, 'posts:write')) AS granted
	FROM generate_series(1, 100);
EXECUTE chk_rows('editor');
EXECUTE chk_rows('viewer');
EXECUTE chk_rows('admin');
DEALLOCATE chk;
DEALLOCATE chk_rows;
RESET plan_cache_mode;

--
-- Markings and privileges
--
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel,
	   p.prosecdef, p.proconfig, l.lanname
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'rbac'::regnamespace
  AND p.proname IN ('role_has_permission', 'roles_have_permission')
ORDER BY p.proname, p.pronargs;
-- EXECUTE for PUBLIC
SELECT p.oid::regprocedure AS function,
	   EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
			   WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public_execute
FROM pg_proc p
WHERE p.pronamespace = 'rbac'::regnamespace
  AND p.proname IN ('role_has_permission', 'roles_have_permission')
ORDER BY p.proname, p.pronargs;
SELECT has_schema_privilege('public', 'rbac', 'USAGE') AS public_schema_usage;
-- every function is documented
SELECT p.oid::regprocedure AS undocumented
FROM pg_proc p WHERE p.pronamespace = 'rbac'::regnamespace
  AND obj_description(p.oid, 'pg_proc') IS NULL;
