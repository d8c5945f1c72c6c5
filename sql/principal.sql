--
-- principal: rbac.has_permission(permission [, organization]) for the
-- current request's principal, from rbac's settings or PostgREST's JWT
-- claims (SPEC 4)
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
DROP TABLE IF EXISTS pdocs;
DROP TABLE IF EXISTS pnotes;
DROP ROLE IF EXISTS rbac_test_principal_app;
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

-- has_permission after set_config(setting, value, true) (for the
-- transaction, as PostgREST sets its claims), through one call site that sees
-- every value in turn (its memo) and through a fresh one; 'memo x fresh y'
-- if they disagree; any error shown
CREATE FUNCTION pg_temp.check_with(setting text, value text, perm text, org text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	a boolean;
	b boolean;
BEGIN
	PERFORM set_config(setting, value, true);
	IF org IS NULL THEN
		a := rbac.has_permission(perm);
		EXECUTE 'SELECT rbac.has_permission($1)' INTO b USING perm;
	ELSE
		a := rbac.has_permission(perm, org);
		EXECUTE 'SELECT rbac.has_permission($1, $2)' INTO b USING perm, org;
	END IF;
	IF a IS DISTINCT FROM b THEN
		RETURN format('memo %s fresh %s', a, b);
	END IF;
	RETURN coalesce(a::text, 'null');
EXCEPTION WHEN OTHERS THEN
	RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FUNCTION pg_temp.with_claims(claims text, perm text, org text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
	SELECT pg_temp.check_with('request.jwt.claims', claims, perm, org)
$$;

--
-- A working set
--
SELECT count(*) AS permissions FROM (
	SELECT rbac.create_permission(p, p)
	FROM unnest(ARRAY['documents:read', 'documents:write', 'documents:*', 'billing:read']) p) c;
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.create_role('billing', 'Billing');
SELECT slug FROM rbac.set_role_permissions('admin', '{documents:*}');
SELECT slug FROM rbac.set_role_permissions('editor', '{documents:read,documents:write}');
SELECT slug FROM rbac.set_role_permissions('viewer', '{documents:read}');
SELECT slug FROM rbac.set_role_permissions('billing', '{billing:read}');
-- org-reader: reads documents in org_1, reads billing in org_2
SELECT slug FROM rbac.create_organization_role('org_1', 'org-reader', 'Reader');
SELECT slug FROM rbac.set_organization_role_permissions('org_1', 'org-reader', '{documents:read}');
SELECT slug FROM rbac.create_organization_role('org_2', 'org-reader', 'Reader');
SELECT slug FROM rbac.set_organization_role_permissions('org_2', 'org-reader', '{billing:read}');
SELECT rbac.set_multiple_roles(true);
-- user_1: viewer in org_1, billing in org_2; user_2: org-reader in org_1;
-- user_3: admin in org_2; user_4: viewer + billing in org_1; user_5: editor in org_1
SELECT count(*) AS memberships FROM (
	SELECT rbac.create_organization_membership(u, o, r::text[])
	FROM (VALUES ('user_1', 'org_1', '{viewer}'), ('user_1', 'org_2', '{billing}'),
				 ('user_2', 'org_1', '{org-reader}'), ('user_3', 'org_2', '{admin}'),
				 ('user_4', 'org_1', '{viewer,billing}'), ('user_5', 'org_1', '{editor}')) v(u, o, r)) c;

--
-- rbac's settings
--
SELECT name, setting, context, vartype FROM pg_settings WHERE name LIKE 'rbac.%' ORDER BY name;
SHOW rbac.user_id;
SHOW rbac.organization_id;
SHOW rbac.role;
SELECT current_setting('rbac.user_id') = '' AS user_id_empty,
	   current_setting('rbac.organization_id', true) = '' AS organization_id_empty;
-- the prefix rbac is reserved: no other rbac.* setting can be made up
SELECT pg_temp.err($$SET rbac.bogus = 1$$);
SELECT pg_temp.err($$SELECT set_config('rbac.user', 'user_1', false)$$);
SELECT pg_temp.err($$SELECT set_config('rbac.userid', 'user_1', true)$$);
SET rbac.bogus = 1;
SHOW rbac.bogus;
-- other prefixes are not affected
SET app.something = 1;
RESET app.something;

-- (1.1) request.jwt.claims counts only where the administrator says the
-- server sets it; this file tests the claims as 1.0 read them (trust.sql
-- tests the setting itself)
SET rbac.jwt_claims = 'trusted';

--
-- No principal: false
--
SELECT rbac.has_permission('documents:read') AS no_org,
	   rbac.has_permission('documents:read', 'org_1') AS org_1;
-- NULL in, NULL out (STRICT)
SELECT rbac.has_permission(NULL) IS NULL AS a,
	   rbac.has_permission(NULL, 'org_1') IS NULL AS b,
	   rbac.has_permission('documents:read', NULL) IS NULL AS c;

--
-- 1. A member: rbac.user_id, with rbac.organization_id or the argument
--
SET rbac.user_id = 'user_1';
SHOW rbac.user_id;
-- no organization: a member check needs one
SELECT rbac.has_permission('documents:read') AS no_org;
SELECT rbac.has_permission('documents:read', 'org_1') AS read_org_1,
	   rbac.has_permission('documents:write', 'org_1') AS write_org_1,
	   rbac.has_permission('billing:read', 'org_1') AS billing_org_1,
	   rbac.has_permission('billing:read', 'org_2') AS billing_org_2,
	   rbac.has_permission('documents:read', 'org_2') AS read_org_2,
	   rbac.has_permission('documents:read', 'org_9') AS read_org_9;
SET rbac.organization_id = 'org_1';
SELECT rbac.has_permission('documents:read') AS read,
	   rbac.has_permission('billing:read') AS billing,
	   rbac.has_permission('documents:read', 'org_1') AS read_org_1;
-- (1.1) a member bound to org_1 is never asked about another organization
-- (SPEC 5.2): false, though user_1 holds billing:read in org_2
SELECT rbac.has_permission('billing:read', 'org_2') AS billing_org_2,
	   rbac.has_permission('documents:read', 'org_2') AS read_org_2;
-- several roles: their union
SET rbac.user_id = 'user_4';
SELECT rbac.has_permission('documents:read') AS read, rbac.has_permission('billing:read') AS billing,
	   rbac.has_permission('documents:write') AS write;
-- an organization's own role
SET rbac.user_id = 'user_2';
SELECT rbac.has_permission('documents:read') AS read_org_1,
	   rbac.has_permission('billing:read', 'org_2') AS billing_org_2;
-- wildcards
SET rbac.user_id = 'user_3';
SET rbac.organization_id = 'org_2';
SELECT rbac.has_permission('documents:write:own') AS write_own, rbac.has_permission('documents') AS bare,
	   rbac.has_permission('documents:read', 'org_1') AS read_org_1;
-- not a member, malformed ids or permissions: false, never an error
SET rbac.organization_id = 'org_1';
SET rbac.user_id = 'nobody';
SELECT rbac.has_permission('documents:read') AS nobody;
SET rbac.user_id = 'USER_1';
SELECT rbac.has_permission('documents:read') AS other_case;
SELECT set_config('rbac.user_id', repeat('u', 129), false) IS NOT NULL AS set;
SELECT rbac.has_permission('documents:read') AS user_129_chars;
SELECT set_config('rbac.user_id', repeat('u', 100000), false) IS NOT NULL AS set;
SELECT rbac.has_permission('documents:read') AS user_100k_chars;
SELECT set_config('rbac.user_id', E'user_1\n', false) IS NOT NULL AS set;
SELECT rbac.has_permission('documents:read') AS user_control_char;
SET rbac.user_id = 'user_1';
SELECT rbac.has_permission('Documents:Read') AS upper_case,
	   rbac.has_permission('') AS empty,
	   rbac.has_permission(repeat('a', 1000000)) AS one_mb,
	   rbac.has_permission('documents:read', '') AS empty_org,
	   rbac.has_permission('documents:read', repeat('o', 1000000)) AS one_mb_org;
SET rbac.organization_id = '';
SELECT rbac.has_permission('documents:read') AS empty_organization_setting;
SELECT set_config('rbac.organization_id', repeat('o', 129), false) IS NOT NULL AS set;
SELECT rbac.has_permission('documents:read') AS organization_129_chars;
-- rbac.user_id wins over rbac.role and the claims, even for a non-member
SET rbac.organization_id = 'org_1';
SET rbac.role = 'admin';
SET request.jwt.claims = '{"role": "admin"}';
SELECT rbac.has_permission('documents:write') AS user_1_write;
SET rbac.user_id = 'nobody';
SELECT rbac.has_permission('documents:read') AS nobody_read;
-- without rbac.user_id, rbac.role (bound to rbac.organization_id) applies
RESET rbac.user_id;
SELECT rbac.has_permission('documents:write') AS admin_write,
	   rbac.has_permission('documents:write', 'org_2') AS admin_write_org_2;
RESET rbac.organization_id;
RESET rbac.role;
RESET request.jwt.claims;

--
-- 2. Roles named directly: rbac.role, + rbac.organization_id
--
-- rbac.role wins over the claims
SET request.jwt.claims = '{"role": "admin"}';
SET rbac.role = 'viewer';
SELECT rbac.has_permission('documents:read') AS read, rbac.has_permission('documents:write') AS write;
-- one slug or several separated by commas; spaces around them are ignored;
-- a malformed or unknown slug in the list grants nothing, the others still do
SELECT r AS "rbac.role", pg_temp.check_with('rbac.role', r, 'documents:write') AS write
FROM (VALUES (1, 'viewer'), (2, 'editor'), (3, 'viewer,editor'), (4, ' viewer , editor '),
			 (5, E'viewer,\teditor\t'), (6, 'viewer,,editor'), (7, 'Bad Slug,editor'),
			 (8, 'EDITOR'), (9, 'editor;viewer'), (10, 'nope,editor'), (11, ','), (12, '  '),
			 (13, 'viewer, Editor'), (14, 'edi tor'), (15, 'editor,')) v(n, r)
ORDER BY n;
SET rbac.role = 'r1,r2,r3,r4,r5,r6,r7,r8,r9,r10,r11,r12,r13,r14,r15,r16,r17,r18,r19,r20,r21,r22,r23,r24,r25,r26,r27,r28,r29,r30,r31,editor';
SELECT rbac.has_permission('documents:write') AS thirty_second_role;
-- an environment role applies in any organization asked about
SET rbac.role = 'admin';
SELECT rbac.has_permission('documents:read') AS no_org,
	   rbac.has_permission('documents:read', 'org_1') AS org_1,
	   rbac.has_permission('documents:read', 'org_9') AS org_9;
-- an org- slug names the role of the organization asked about; without one, none
SET rbac.role = 'org-reader';
SELECT rbac.has_permission('documents:read') AS no_org,
	   rbac.has_permission('documents:read', 'org_1') AS read_org_1,
	   rbac.has_permission('billing:read', 'org_1') AS billing_org_1,
	   rbac.has_permission('documents:read', 'org_2') AS read_org_2,
	   rbac.has_permission('billing:read', 'org_2') AS billing_org_2,
	   rbac.has_permission('documents:read', 'org_9') AS read_org_9;
-- bound to rbac.organization_id: that organization's roles, and no other organization
SET rbac.organization_id = 'org_1';
SELECT rbac.has_permission('documents:read') AS read,
	   rbac.has_permission('documents:read', 'org_1') AS read_org_1,
	   rbac.has_permission('billing:read', 'org_2') AS billing_org_2;
SET rbac.role = 'admin';
SELECT rbac.has_permission('documents:write') AS write,
	   rbac.has_permission('documents:write', 'org_1') AS write_org_1,
	   rbac.has_permission('documents:write', 'org_2') AS write_org_2;
SET rbac.organization_id = 'org_2';
SET rbac.role = 'viewer, org-reader';
SELECT rbac.has_permission('documents:read') AS read, rbac.has_permission('billing:read') AS billing,
	   rbac.has_permission('documents:write') AS write,
	   rbac.has_permission('documents:read', 'org_1') AS read_org_1;
-- a malformed organization setting binds the roles to no organization that
-- can be asked about: false
SELECT set_config('rbac.organization_id', repeat('o', 129), false) IS NOT NULL AS set;
SET rbac.role = 'admin';
SELECT rbac.has_permission('documents:write', 'org_1') AS write_org_1;
RESET rbac.organization_id;
RESET rbac.role;
RESET request.jwt.claims;

--
-- 3. PostgREST's claims: role, roles, org_id
--
SELECT label, pg_temp.with_claims(claims, 'documents:write') AS write,
	   pg_temp.with_claims(claims, 'documents:read') AS read,
	   pg_temp.with_claims(claims, 'billing:read') AS billing,
	   pg_temp.with_claims(claims, 'documents:read', 'org_1') AS read_org_1,
	   pg_temp.with_claims(claims, 'billing:read', 'org_2') AS billing_org_2
FROM (VALUES
	(1, 'role', '{"role": "editor"}'),
	(2, 'roles', '{"roles": ["viewer", "billing"]}'),
	(3, 'role and roles', '{"role": "viewer", "roles": ["billing"]}'),
	(4, 'roles empty', '{"roles": []}'),
	(5, 'other claims only', '{"sub": "user_1", "aud": "authenticated"}'),
	(6, 'empty object', '{}'),
	(7, 'org role, org_id', '{"role": "org-reader", "org_id": "org_1"}'),
	(8, 'org role, no org_id', '{"role": "org-reader"}'),
	(9, 'env role, org_id', '{"role": "editor", "org_id": "org_1"}'),
	(10, 'env role, other org_id', '{"role": "editor", "org_id": "org_2"}'),
	(11, 'roles, org_id', '{"roles": ["viewer", "org-reader"], "org_id": "org_2"}'),
	(12, 'a PostgREST/WorkOS token', '{"aud": "authenticated", "exp": 1999999999, "iat": 1700000000, "sub": "user_01H", "sid": "session_01H", "role": "viewer", "roles": ["viewer", "billing"], "org_id": "org_2", "permissions": ["documents:write"], "nested": {"role": "admin", "roles": ["admin"]}}')
) v(n, label, claims)
ORDER BY n;
-- an org_id claim and the argument: another organization is false
SELECT pg_temp.with_claims('{"role": "admin", "org_id": "org_1"}', 'documents:write', 'org_1') AS same_org,
	   pg_temp.with_claims('{"role": "admin", "org_id": "org_1"}', 'documents:write', 'org_2') AS other_org,
	   pg_temp.with_claims('{"role": "admin", "org_id": "org_1"}', 'documents:write', 'ORG_1') AS other_case,
	   pg_temp.with_claims('{"role": "admin"}', 'documents:write', 'org_2') AS no_org_id;

--
-- Malformed claims: false, never an error.  Each text below would grant
-- documents:write (admin) if it were read leniently.
--
SELECT n, label, pg_temp.with_claims(claims, 'documents:write') AS write,
	   pg_temp.with_claims(claims, 'documents:write', 'org_1') AS write_org_1
FROM (VALUES
	(1, 'valid (control)', '{"role": "admin"}'),
	(2, 'empty text', ''),
	(3, 'white space only', '   '),
	(4, 'truncated', '{"role": "admin"'),
	(5, 'truncated in a string', '{"role": "adm'),
	(6, 'truncated after a colon', '{"role":'),
	(7, 'trailing garbage', '{"role": "admin"} x'),
	(8, 'two objects', '{"role": "admin"}{"role": "admin"}'),
	(9, 'trailing comma', '{"role": "admin",}'),
	(10, 'missing comma', '{"role": "admin" "x": 1}'),
	(11, 'single quotes', $${'role': 'admin'}$$),
	(12, 'unquoted key', '{role: "admin"}'),
	(13, 'a JSON array', '[{"role": "admin"}]'),
	(14, 'a bare string', '"admin"'),
	(15, 'null', 'null'),
	(16, 'a number', '42'),
	(17, 'invalid escape', '{"role": "admin", "x": "\x"}'),
	(18, 'invalid escape in role', '{"role": "\admin"}'),
	(19, 'lone high surrogate', '{"role": "admin", "x": "\ud800"}'),
	(20, 'lone low surrogate', '{"role": "admin", "x": "\udc00"}'),
	(21, 'short \u escape', '{"role": "admin", "x": "\u12"}'),
	(22, 'NUL escape in role', '{"role": "admin\u0000"}'),
	(23, 'tab inside a string', E'{"role": "admin", "x": "a\tb"}'),
	(24, 'newline inside role', E'{"role": "adm\nin"}'),
	(25, 'bad number', '{"role": "admin", "x": 01}'),
	(26, 'bad literal', '{"role": "admin", "x": tru}'),
	(27, 'role a number', '{"role": 1}'),
	(28, 'role null', '{"role": null}'),
	(29, 'role true', '{"role": true}'),
	(30, 'role an array', '{"role": ["admin"]}'),
	(31, 'role an object', '{"role": {"slug": "admin"}}'),
	(32, 'role nested in another claim', '{"claims": {"role": "admin"}}'),
	(33, 'roles a string', '{"roles": "admin"}'),
	(34, 'roles of non-strings', '{"roles": [1, null, true, {"role": "admin"}, ["admin"]]}'),
	(35, 'roles unterminated', '{"roles": ["admin"}'),
	(36, 'role in upper case', '{"role": "Admin"}'),
	(37, 'role with a space', '{"role": " admin"}'),
	(38, 'role as a comma list', '{"role": "viewer,admin"}'),
	(39, 'role 200 characters', '{"role": "' || repeat('a', 200) || '"}'),
	(40, 'role 1 MB', '{"role": "' || repeat('a', 1000000) || '"}'),
	(41, 'escaped role 1 MB', '{"role": "' || repeat('\u0061', 200000) || '"}'),
	(42, 'admin, then role again', '{"role": "admin", "role": "viewer"}'),
	(43, 'admin, then role a number', '{"role": "admin", "role": 1}'),
	(44, 'admin, then roles empty', '{"roles": ["admin"], "roles": []}'),
	(45, 'non-ASCII role by escape', '{"role": "adm\u00efn"}'),
	(46, 'slash escape in role', '{"role": "adm\/in"}'),
	(47, 'long unknown key', '{"rolexxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": "admin"}'),
	(48, 'key role with a suffix', '{"roles_x": ["admin"], "role_": "admin"}'),
	(49, 'deep nesting (100)', '{"x": ' || repeat('[', 100) || repeat(']', 100) || ', "role": "admin"}'),
	(50, 'deep nesting unbalanced', '{"role": "admin", "x": ' || repeat('[', 100000) || '}'),
	(51, 'deep objects (100)', '{"role": "admin", "x": ' || repeat('{"a": ', 100) || '1' || repeat('}', 100) || '}')
) v(n, label, claims)
ORDER BY n;
-- valid JSON in unusual shapes: read as JSON reads it
SELECT n, label, pg_temp.with_claims(claims, 'documents:write') AS write
FROM (VALUES
	(1, 'unicode escapes that spell admin', '{"role": "\u0061dmin"}'),
	(2, 'all escaped', '{"\u0072\u006f\u006c\u0065": "\u0061\u0064\u006d\u0069\u006e"}'),
	(3, 'white space everywhere', E' \n\t{ "role" \r\n :\t"admin" } \n'),
	(4, 'viewer, then role admin', '{"role": "viewer", "role": "admin"}'),
	(5, 'roles: strings among others', '{"roles": [1, null, {"a": "b"}, "admin", [2]]}'),
	(6, 'roles: unknown and known', '{"roles": ["nope", "Admin", "admin"]}'),
	(7, 'a long role, then roles', '{"role": "' || repeat('a', 200) || '", "roles": ["admin"]}'),
	(8, 'a 1 MB claim, then role', '{"pad": "' || repeat('x', 1000000) || '", "role": "admin"}'),
	(9, 'escapes in other claims', '{"x": "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "role": "admin"}'),
	(10, 'numbers in other claims', '{"a": -0.5e+10, "b": 0, "c": 1E3, "role": "admin"}'),
	(11, 'nesting (50)', '{"x": ' || repeat('[', 50) || repeat(']', 50) || ', "role": "admin"}'),
	(12, 'empty key and values', '{"": "", "role": "admin", "y": {}, "z": []}')
) v(n, label, claims)
ORDER BY n;
-- org_id claims: the last one counts; only a string names an organization
SELECT pg_temp.with_claims('{"role": "admin", "org_id": "org_2", "org_id": "org_1"}', 'documents:write', 'org_1') AS last_org_1,
	   pg_temp.with_claims('{"role": "admin", "org_id": "org_2", "org_id": "org_1"}', 'documents:write', 'org_2') AS not_org_2;
-- a malformed org_id binds the roles to no organization that can be asked about
SELECT label, pg_temp.with_claims(claims, 'documents:write', 'org_1') AS write_org_1
FROM (VALUES
	(1, 'org_id a number', '{"role": "admin", "org_id": 1}'),
	(2, 'org_id an object', '{"role": "admin", "org_id": {"id": "org_1"}}'),
	(3, 'org_id empty', '{"role": "admin", "org_id": ""}'),
	(4, 'org_id 200 characters', '{"role": "admin", "org_id": "' || repeat('o', 200) || '"}')
) v(n, label, claims)
ORDER BY n;
-- claims set for the whole session
SET request.jwt.claims = '{"role": "editor"}';
SELECT rbac.has_permission('documents:write') AS write;
SET request.jwt.claims = '{"role": "editor"';
SELECT rbac.has_permission('documents:write') AS truncated_write;
RESET request.jwt.claims;
SELECT rbac.has_permission('documents:write') AS reset_write;

--
-- Per request: SET LOCAL and set_config(..., true) end with the transaction
--
BEGIN;
SET LOCAL rbac.user_id = 'user_1';
SET LOCAL rbac.organization_id = 'org_1';
SELECT rbac.has_permission('documents:read') AS in_transaction;
ROLLBACK;
SHOW rbac.user_id;
SELECT rbac.has_permission('documents:read') AS after_rollback;
BEGIN;
SET LOCAL rbac.user_id = 'user_1';
SET LOCAL rbac.organization_id = 'org_1';
SELECT rbac.has_permission('documents:read') AS in_transaction;
COMMIT;
SELECT rbac.has_permission('documents:read') AS after_commit;
BEGIN;
SELECT set_config('rbac.role', 'editor', true);
SELECT rbac.has_permission('documents:write') AS in_transaction;
COMMIT;
SHOW rbac.role;
SELECT rbac.has_permission('documents:write') AS after_commit;
-- as PostgREST does it
BEGIN;
SELECT set_config('request.jwt.claims', '{"role": "editor", "org_id": "org_1"}', true);
SELECT rbac.has_permission('documents:write') AS in_transaction,
	   rbac.has_permission('documents:write', 'org_2') AS other_org;
COMMIT;
SELECT rbac.has_permission('documents:write') AS after_commit;
-- a session value, overridden for one transaction, then back
SET rbac.role = 'viewer';
BEGIN;
SET LOCAL rbac.role = 'editor';
SELECT rbac.has_permission('documents:write') AS local_editor;
COMMIT;
SELECT rbac.has_permission('documents:write') AS session_viewer_write,
	   rbac.has_permission('documents:read') AS session_viewer_read;
-- savepoints
BEGIN;
SAVEPOINT s;
SET LOCAL rbac.role = 'editor';
SELECT rbac.has_permission('documents:write') AS after_set;
ROLLBACK TO SAVEPOINT s;
SELECT rbac.has_permission('documents:write') AS after_rollback_to_savepoint;
COMMIT;
RESET rbac.role;

--
-- The answer follows the settings from statement to statement and from call
-- to call: one call site (a PL/pgSQL expression, kept for the transaction)
-- sees every change
--
CREATE FUNCTION pg_temp.cycle() RETURNS TABLE (step integer, change text, write_org_1 boolean)
LANGUAGE plpgsql AS $$
DECLARE
	changes text[] := ARRAY[
		'rbac.role=viewer', 'rbac.role=editor', 'rbac.role=viewer',
		'rbac.user_id=user_5', 'rbac.user_id=user_1', 'rbac.user_id=user_5', 'rbac.user_id=',
		'rbac.role=', 'request.jwt.claims={"role": "editor"}', 'request.jwt.claims={"role": "viewer"}',
		'request.jwt.claims={"role": "editor", "org_id": "org_2"}',
		'request.jwt.claims={"role": "editor", "org_id": "org_1"}',
		'request.jwt.claims={"role": "editor", "org_id": "org_1"',
		'request.jwt.claims={"role": "editor", "org_id": "org_1"}',
		'sql=SELECT rbac.remove_role_permission(''editor'', ''documents:write'')',
		'sql=SELECT rbac.add_role_permission(''editor'', ''documents:write'')',
		'rbac.role=editor', 'rbac.organization_id=org_2', 'rbac.organization_id=org_1',
		'rbac.organization_id=', 'rbac.user_id=user_5', 'rbac.organization_id=org_1',
		'sql=SELECT rbac.update_organization_membership(''user_5'', ''org_1'', ''{viewer}'')',
		'sql=SELECT rbac.update_organization_membership(''user_5'', ''org_1'', ''{editor}'')',
		'rbac.user_id=', 'rbac.role=', 'request.jwt.claims='];
	c text;
BEGIN
	step := 0;
	FOREACH c IN ARRAY changes || changes LOOP
		step := step + 1;
		change := c;
		IF c LIKE 'sql=%' THEN
			EXECUTE substr(c, 5);
		ELSE
			PERFORM set_config(split_part(c, '=', 1), substr(c, strpos(c, '=') + 1), true);
		END IF;
		write_org_1 := rbac.has_permission('documents:write', 'org_1');
		RETURN NEXT;
	END LOOP;
END $$;
SELECT * FROM pg_temp.cycle() WHERE step <= 27;
-- the second round gives the same answers
SELECT count(*) AS steps,
	   count(*) FILTER (WHERE a.write_org_1 = b.write_org_1) AS same
FROM pg_temp.cycle() a JOIN pg_temp.cycle() b ON b.step = a.step + 27
WHERE a.step <= 27;
-- one statement, the permission changing from row to row
SET rbac.role = 'viewer, billing';
SELECT p, rbac.has_permission(p) AS granted
FROM unnest(ARRAY['documents:read', 'documents:write', 'billing:read', 'documents:read',
				  'Bad', 'billing:read', 'documents:write']) WITH ORDINALITY AS t(p, n)
ORDER BY n;
-- a prepared statement executed under changing settings
PREPARE q AS SELECT rbac.has_permission('documents:write') AS write,
					rbac.has_permission('documents:write', 'org_1') AS write_org_1;
SET rbac.role = 'editor';
EXECUTE q;
SET rbac.role = 'viewer';
EXECUTE q;
SET rbac.organization_id = 'org_2';
SET rbac.role = 'editor';
EXECUTE q;
RESET rbac.organization_id;
RESET rbac.role;
EXECUTE q;
SET request.jwt.claims = '{"role": "editor"}';
EXECUTE q;
SET rbac.user_id = 'user_5';
EXECUTE q;
SET rbac.organization_id = 'org_1';
EXECUTE q;
RESET rbac.user_id;
RESET rbac.organization_id;
RESET request.jwt.claims;
EXECUTE q;
DEALLOCATE q;

--
-- In row-level-security policies, per row, for an application role without
-- any privilege on rbac's tables
--
CREATE ROLE rbac_test_principal_app NOLOGIN;
GRANT USAGE ON SCHEMA public TO rbac_test_principal_app;
-- (1.1) the principal settings are superuser-only: the administrator opens
-- them to the role that names the principal (see sql/trust.sql)
GRANT SET ON PARAMETER rbac.user_id, rbac.organization_id, rbac.role TO rbac_test_principal_app;
CREATE TABLE pdocs (id integer PRIMARY KEY, org_id text, title text);
INSERT INTO pdocs VALUES
	(1, 'org_1', 'Plan'), (2, 'org_1', 'Budget'), (3, 'org_2', 'Roadmap'),
	(4, 'org_2', 'Memo'), (5, 'org_3', 'Notes'), (6, NULL, 'Orphan');
ALTER TABLE pdocs ENABLE ROW LEVEL SECURITY;
ALTER TABLE pdocs FORCE ROW LEVEL SECURITY;
GRANT SELECT ON pdocs TO rbac_test_principal_app;
CREATE POLICY pdocs_read ON pdocs FOR SELECT
	USING (rbac.has_permission('documents:read', org_id));
-- a table without organizations: the principal's own
CREATE TABLE pnotes (id integer PRIMARY KEY, body text);
INSERT INTO pnotes VALUES (1, 'one'), (2, 'two');
ALTER TABLE pnotes ENABLE ROW LEVEL SECURITY;
ALTER TABLE pnotes FORCE ROW LEVEL SECURITY;
GRANT SELECT ON pnotes TO rbac_test_principal_app;
CREATE POLICY pnotes_write ON pnotes FOR SELECT
	USING (rbac.has_permission('documents:write'));

SET ROLE rbac_test_principal_app;
SELECT pg_temp.err($$SELECT count(*) FROM rbac.membership$$);
-- nobody: nothing
SELECT count(*) AS docs, (SELECT count(*) FROM pnotes) AS notes FROM pdocs;
-- a member of org_1 (viewer) and org_2 (billing): org_1's rows
SET rbac.user_id = 'user_1';
SELECT id, org_id, title FROM pdocs ORDER BY id;
-- admin in org_2
SET rbac.user_id = 'user_3';
SELECT id, org_id, title FROM pdocs ORDER BY id;
SET rbac.organization_id = 'org_2';
SELECT count(*) AS notes FROM pnotes;
RESET rbac.organization_id;
RESET rbac.user_id;
-- an environment role: every row with an organization (NULL is denied)
SET rbac.role = 'viewer';
SELECT id, org_id, title FROM pdocs ORDER BY id;
SELECT count(*) AS notes FROM pnotes;
-- an organization role: its organization's rows
SET rbac.role = 'org-reader';
SELECT id, org_id, title FROM pdocs ORDER BY id;
-- bound to an organization
SET rbac.role = 'viewer';
SET rbac.organization_id = 'org_2';
SELECT id, org_id, title FROM pdocs ORDER BY id;
RESET rbac.organization_id;
RESET rbac.role;
-- claims, per transaction as PostgREST sets them
BEGIN;
SELECT set_config('request.jwt.claims', '{"role": "viewer", "org_id": "org_2"}', true) IS NOT NULL AS set;
SELECT id, org_id, title FROM pdocs ORDER BY id;
SELECT count(*) AS notes FROM pnotes;
COMMIT;
BEGIN;
SELECT set_config('request.jwt.claims', '{"roles": ["org-reader", "editor"]}', true) IS NOT NULL AS set;
SELECT id, org_id, title FROM pdocs ORDER BY id;
SELECT count(*) AS notes FROM pnotes;
COMMIT;
BEGIN;
SELECT set_config('request.jwt.claims', '{"role": "viewer", "org_id": "org_1"', true) IS NOT NULL AS set;
SELECT count(*) AS malformed_docs, (SELECT count(*) FROM pnotes) AS malformed_notes FROM pdocs;
COMMIT;
SELECT count(*) AS after_commit FROM pdocs;
-- a grant change committed by the administrator shows from the next statement
SET rbac.role = 'billing';
SELECT count(*) AS billing_docs FROM pdocs;
RESET ROLE;
SELECT slug FROM rbac.add_role_permission('billing', 'documents:read');
SET ROLE rbac_test_principal_app;
SELECT count(*) AS billing_docs FROM pdocs;
RESET ROLE;
SELECT slug FROM rbac.remove_role_permission('billing', 'documents:read');
SET ROLE rbac_test_principal_app;
SELECT count(*) AS billing_docs FROM pdocs;
RESET rbac.role;
RESET ROLE;

--
-- clean up: roles are cluster-wide
--
DROP TABLE pdocs;
DROP TABLE pnotes;
REVOKE SET ON PARAMETER rbac.user_id, rbac.organization_id, rbac.role FROM rbac_test_principal_app;
DROP OWNED BY rbac_test_principal_app;
DROP ROLE rbac_test_principal_app;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname = 'rbac_test_principal_app';

--
-- A new session whose first statements set the principal, before anything
-- of rbac has been used in it (a pooled connection's first request)
--
\c
BEGIN;
SET LOCAL rbac.user_id = 'user_1';
SET LOCAL rbac.organization_id = 'org_1';
SELECT rbac.has_permission('documents:read') AS first_call;
COMMIT;
SELECT rbac.has_permission('documents:read') AS after_commit;
\c
SET rbac.role = 'editor';
SELECT rbac.has_permission('documents:write') AS first_call;
SHOW rbac.role;
RESET rbac.role;
