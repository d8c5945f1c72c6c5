--
-- Permission queries (SPEC 9): has_permissions, role_has_permissions,
-- user_has_permissions.  The grammar (AND binds tighter than OR,
-- parentheses, case-insensitive whole-word operators, ANDROID is a slug),
-- the limits, every syntax error with its SQLSTATE and character, wildcard
-- grants inside queries, NULL, and that a query agrees with its slugs
-- checked one by one.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rbac;
SELECT count(*) FROM (
	SELECT rbac.create_permission(p, p)
	FROM unnest(ARRAY['documents:read', 'documents:write', 'documents:delete',
					  'admin.users', 'admin.billing', 'android', 'posts:read',
					  'admin.*', 'documents:*']) p) s;
SELECT count(*) FROM (
	SELECT rbac.create_role('editor', 'Editor'), rbac.create_role('viewer', 'Viewer'),
		   rbac.create_role('admin', 'Admin'), rbac.create_role('robot', 'Robot')) s;
SELECT count(*) FROM (
	SELECT rbac.set_role_permissions('editor', '{documents:read,documents:write}'),
		   rbac.set_role_permissions('viewer', '{documents:read}'),
		   rbac.set_role_permissions('admin', '{admin.*,documents:*}'),
		   rbac.set_role_permissions('robot', '{android}')) s;
SELECT count(*) FROM (
	SELECT rbac.create_organization_role('org_1', 'org-auditor', 'Auditor'),
		   rbac.create_organization_membership('alice', 'org_1', '{editor}'),
		   rbac.create_organization_membership('bob', 'org_1', '{viewer}')) s;
SELECT count(*) FROM rbac.set_organization_role_permissions('org_1', 'org-auditor', '{posts:read}');

-- precedence, parentheses, operators in any case, whole words
SELECT q, rbac.role_has_permissions('editor', q) AS editor,
	   rbac.role_has_permissions('viewer', q) AS viewer,
	   rbac.role_has_permissions('admin', q) AS admin
FROM unnest(ARRAY[
	'documents:read',
	'documents:read AND documents:write',
	'documents:read and documents:write',
	'documents:write OR admin.users',
	'documents:read AND (documents:write OR admin.users)',
	'documents:write OR documents:read AND admin.users',
	'(documents:write OR documents:read) AND admin.users',
	'admin.users AnD admin.billing',
	'  documents:read   oR   posts:read  ',
	'((documents:read))',
	'(documents:read)AND(documents:write)',
	'documents:*',
	'admin.* OR posts:read',
	'documents:read AND Documents:Read',
	'no-such:permission OR documents:read',
	'documents:read AND documents:read AND documents:read'
]) q;

-- ANDROID and ORacle are slugs, not operators (only the whole words are)
SELECT rbac.role_has_permissions('robot', 'android') AS android,
	   rbac.role_has_permissions('robot', 'android OR oracle') AS android_or_oracle,
	   rbac.role_has_permissions('robot', 'android AND oracle') AS android_and_oracle,
	   rbac.role_has_permissions('robot', 'ANDROID') AS upper_case_slug_is_malformed;

-- organization roles, members, the principal
SELECT rbac.role_has_permissions('org-auditor', 'posts:read AND NOT_A_SLUG', 'org_1') AS malformed_slug_false,
	   rbac.role_has_permissions('org-auditor', 'posts:read OR documents:read', 'org_1') AS org_role,
	   rbac.role_has_permissions('org-auditor', 'posts:read', 'org_2') AS other_org,
	   rbac.user_has_permissions('alice', 'org_1', 'documents:read AND documents:write') AS alice,
	   rbac.user_has_permissions('bob', 'org_1', 'documents:read AND documents:write') AS bob,
	   rbac.user_has_permissions('bob', 'org_1', 'documents:read AND (documents:write OR posts:read OR documents:read)') AS bob_nested,
	   rbac.user_has_permissions('carol', 'org_1', 'documents:read OR posts:read') AS not_a_member;
BEGIN;
SET LOCAL rbac.user_id = 'alice';
SET LOCAL rbac.organization_id = 'org_1';
SELECT rbac.has_permissions('documents:read AND documents:write') AS member,
	   rbac.has_permissions('documents:read AND documents:write', 'org_1') AS member_org,
	   rbac.has_permissions('documents:read', 'org_2') AS bound_elsewhere;
COMMIT;
BEGIN;
SET LOCAL rbac.role = 'viewer';
SELECT rbac.has_permissions('documents:read OR documents:write') AS roles,
	   rbac.has_permissions('documents:read AND documents:write') AS roles_and;
COMMIT;
SELECT rbac.has_permissions('documents:read OR documents:write') AS no_principal;

-- NULL anywhere: NULL (STRICT)
SELECT rbac.has_permissions(NULL) IS NULL AS a,
	   rbac.role_has_permissions(NULL, 'x') IS NULL AS b,
	   rbac.role_has_permissions('editor', NULL) IS NULL AS c,
	   rbac.user_has_permissions('alice', NULL, 'documents:read') IS NULL AS d;

-- every syntax error: 42601 and the character of the problem
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM rbac.role_has_permissions('editor', q);
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	DECLARE
		d text;
	BEGIN
		GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
		RETURN SQLSTATE || ': ' || SQLERRM || ' / ' || d;
	END;
END
$$;
SELECT q, pg_temp.err(q) FROM unnest(ARRAY[
	'',
	'   ',
	'AND',
	'documents:read AND',
	'documents:read OR OR documents:write',
	'documents:read documents:write',
	'(documents:read',
	'documents:read)',
	'()',
	'(documents:read AND (documents:write)',
	'documents:read AND ()',
	'or documents:read',
	'((a) b)',
	'é AND'
]) q;

-- 1,000 characters pass, 1,001 do not (characters, not bytes)
SELECT length(q), pg_temp.err(q) FROM (
	SELECT 'documents:read' || repeat(' ', 986) AS q
	UNION ALL SELECT 'documents:read' || repeat(' ', 987)
	UNION ALL SELECT repeat('é', 999) || ' '
	UNION ALL SELECT repeat('(', 500) || 'documents:read' || repeat(')', 486)) s;
SELECT length(q) AS deep_501, pg_temp.err(q) FROM (
	SELECT repeat('(', 501) || 'a' || repeat(')', 498) AS q) s;

-- a query parsed once per call site, a malformed one never remembered: the
-- same call site raises again, then answers the good query after it
CREATE FUNCTION pg_temp.cycle() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	q text;
BEGIN
	FOREACH q IN ARRAY ARRAY['documents:read', 'documents:read AND', 'documents:read AND',
							 'documents:write AND documents:read', 'documents:delete'] LOOP
		BEGIN
			RETURN NEXT q || ' -> ' || rbac.role_has_permissions('editor', q)::text;
		EXCEPTION WHEN syntax_error THEN
			RETURN NEXT q || ' -> ' || SQLSTATE;
		END;
	END LOOP;
END
$$;
SELECT * FROM pg_temp.cycle();

-- a query agrees with its slugs checked one by one, for every role and
-- organization form, over the catalog (the row's organization included)
CREATE TEMP TABLE docs AS
SELECT i, CASE WHEN i % 3 = 0 THEN 'org_1' ELSE 'org_' || i END AS org
FROM generate_series(1, 60) i;
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE rbac.user_has_permissions('alice', org, 'documents:read AND (documents:write OR admin.users)')
		 IS DISTINCT FROM (rbac.user_has_permission('alice', org, 'documents:read')
			AND (rbac.user_has_permission('alice', org, 'documents:write')
				 OR rbac.user_has_permission('alice', org, 'admin.users')))) AS user_mismatches,
	   count(*) FILTER (WHERE rbac.role_has_permissions(r, 'posts:read OR documents:read AND documents:write', org)
		 IS DISTINCT FROM (rbac.role_has_permission(r, 'posts:read', org)
			OR (rbac.role_has_permission(r, 'documents:read', org)
				AND rbac.role_has_permission(r, 'documents:write', org)))) AS role_mismatches
FROM docs, unnest(ARRAY['editor', 'viewer', 'admin', 'org-auditor', 'nobody']) r;

-- markings
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel,
	   p.prosecdef, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p
WHERE p.pronamespace = 'rbac'::regnamespace AND p.proname LIKE '%has_permissions'
ORDER BY 1::text;

DROP EXTENSION rbac;
