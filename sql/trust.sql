--
-- trust: who may name the principal (SPEC 5.2, 1.1), and the empty and
-- bound organizations of every check
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
DROP TABLE IF EXISTS tdocs;
DROP ROLE IF EXISTS rbac_test_trust_app;
DROP ROLE IF EXISTS rbac_test_trust_auth;
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

SELECT count(*) AS permissions FROM (
	SELECT rbac.create_permission(p, p)
	FROM unnest(ARRAY['documents:read', 'documents:write', 'billing:read']) p) c;
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.set_role_permissions('editor', '{documents:read,documents:write}');
SELECT slug FROM rbac.set_role_permissions('viewer', '{documents:read}');
SELECT slug FROM rbac.create_organization_role('org_1', 'org-billing', 'Billing');
SELECT slug FROM rbac.set_organization_role_permissions('org_1', 'org-billing', '{billing:read}');
SELECT m.user_id, m.organization_id
FROM (VALUES ('alice', 'org_1', '{viewer}'), ('alice', 'org_2', '{editor}'),
			 ('bob', 'org_2', '{viewer}')) v(u, o, r),
	 rbac.create_organization_membership(v.u, v.o, v.r::text[]) m;

-- a table whose policy asks for the request's principal, read by a role
-- that holds no privilege on rbac's catalog
CREATE TABLE tdocs (org_id text, body text);
INSERT INTO tdocs VALUES ('org_1', 'one'), ('org_2', 'two'), ('org_3', 'three');
ALTER TABLE tdocs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tdocs_read ON tdocs FOR SELECT
	USING (rbac.has_permission('documents:read', org_id));
CREATE ROLE rbac_test_trust_app;
CREATE ROLE rbac_test_trust_auth;
GRANT SELECT ON tdocs TO rbac_test_trust_app, rbac_test_trust_auth;

--
-- The settings are superuser-only
--
SELECT name, context, setting FROM pg_settings WHERE name LIKE 'rbac.%' ORDER BY name;
SET ROLE rbac_test_trust_app;
SELECT s AS statement, pg_temp.err(s) AS result
FROM unnest(ARRAY[
	$$SET rbac.user_id = 'alice'$$,
	$$SET rbac.organization_id = 'org_1'$$,
	$$SET rbac.role = 'editor'$$,
	$$SET LOCAL rbac.user_id = 'alice'$$,
	$$SELECT set_config('rbac.user_id', 'alice', false)$$,
	$$SELECT set_config('rbac.role', 'editor', true)$$,
	$$RESET rbac.user_id$$,
	$$SET rbac.jwt_claims = 'trusted'$$,
	$$SET rbac.jwt_role_claim = 'my_role'$$,
	$$SET rbac.jwt_roles_claim = 'my_roles'$$,
	$$SET rbac.jwt_organization_claim = 'my_org'$$,
	$$SET rbac.jwt_user_claim = 'sub'$$,
	$$ALTER ROLE rbac_test_trust_app SET rbac.user_id = 'alice'$$]) s;
-- nothing changed, and the policy sees no principal
SELECT current_setting('rbac.user_id') AS user_id, current_setting('rbac.role') AS role,
	   current_setting('rbac.jwt_claims') AS jwt_claims;
SELECT count(*) AS rows FROM tdocs;
-- the principal functions are not for PUBLIC
SELECT pg_temp.err($$SELECT rbac.set_principal('alice', 'org_1')$$) AS set_principal,
	   pg_temp.err($$SELECT rbac.set_principal_roles('{editor}')$$) AS set_principal_roles;
RESET ROLE;
SELECT p AS function, has_function_privilege('rbac_test_trust_app', p, 'EXECUTE') AS app,
	   has_function_privilege('public', p, 'EXECUTE') AS public
FROM unnest(ARRAY['rbac.set_principal(text,text)', 'rbac.set_principal_roles(text[],text)',
				  'rbac.has_permission(text,text)', 'rbac.check_schema()']) p;

-- an administrator opens a setting with GRANT SET ON PARAMETER
GRANT SET ON PARAMETER rbac.user_id, rbac.organization_id TO rbac_test_trust_auth;
SET ROLE rbac_test_trust_auth;
BEGIN;
SET LOCAL rbac.user_id = 'alice';
SET LOCAL rbac.organization_id = 'org_1';
SELECT org_id FROM tdocs ORDER BY 1;
COMMIT;
SELECT current_setting('rbac.user_id') AS user_id_after_commit, count(*) AS rows FROM tdocs;
-- rbac.role is still closed to it
SELECT pg_temp.err($$SET rbac.role = 'editor'$$) AS set_role;
RESET ROLE;
REVOKE SET ON PARAMETER rbac.user_id, rbac.organization_id FROM rbac_test_trust_auth;

--
-- rbac.set_principal() and rbac.set_principal_roles(): for the transaction only
--
GRANT EXECUTE ON FUNCTION rbac.set_principal(text, text), rbac.set_principal_roles(text[], text)
	TO rbac_test_trust_auth;
SET ROLE rbac_test_trust_auth;
BEGIN;
SELECT rbac.set_principal('alice', 'org_1');
SELECT current_setting('rbac.user_id') AS user_id, current_setting('rbac.organization_id') AS org,
	   current_setting('rbac.role') AS role;
SELECT org_id FROM tdocs ORDER BY 1;
COMMIT;
SELECT current_setting('rbac.user_id') AS user_id, count(*) AS rows FROM tdocs;
BEGIN;
SELECT rbac.set_principal('alice');
-- a member without an organization: as the policy asks, in each row's
SELECT org_id FROM tdocs ORDER BY 1;
ROLLBACK;
SELECT count(*) AS rows_after_rollback FROM tdocs;
BEGIN;
SELECT rbac.set_principal_roles('{viewer}', 'org_2');
SELECT org_id FROM tdocs ORDER BY 1;
SELECT current_setting('rbac.role') AS role, current_setting('rbac.user_id') AS user_id;
-- a later call replaces the earlier principal whole
SELECT rbac.set_principal_roles(ARRAY['viewer', 'editor']);
SELECT org_id FROM tdocs ORDER BY 1;
SELECT rbac.set_principal('bob', 'org_2');
SELECT current_setting('rbac.role') AS role, current_setting('rbac.user_id') AS user_id;
SELECT org_id FROM tdocs ORDER BY 1;
COMMIT;
SELECT count(*) AS rows_after_commit FROM tdocs;
-- outside a transaction block: for that statement's transaction only
SELECT rbac.set_principal('alice', 'org_1');
SELECT count(*) AS rows_next_statement FROM tdocs;
-- bad input: 22023, nothing set
SELECT s AS statement, pg_temp.err(s) AS result
FROM unnest(ARRAY[
	$$SELECT rbac.set_principal(NULL)$$,
	$$SELECT rbac.set_principal('')$$,
	$$SELECT rbac.set_principal(repeat('u', 129))$$,
	$$SELECT rbac.set_principal(E'alice\n')$$,
	$$SELECT rbac.set_principal('alice', '')$$,
	$$SELECT rbac.set_principal('alice', repeat('o', 129))$$,
	$$SELECT rbac.set_principal_roles(NULL)$$,
	$$SELECT rbac.set_principal_roles('{}')$$,
	$$SELECT rbac.set_principal_roles('{editor,NULL}')$$,
	$$SELECT rbac.set_principal_roles('{{editor}}')$$,
	$$SELECT rbac.set_principal_roles('{Editor}')$$,
	$$SELECT rbac.set_principal_roles('{"editor,viewer"}')$$,
	$$SELECT rbac.set_principal_roles('{editor}', '')$$]) s;
SELECT current_setting('rbac.user_id') AS user_id, current_setting('rbac.role') AS role;
RESET ROLE;

--
-- request.jwt.claims counts only where rbac.jwt_claims = 'trusted'
--
SET request.jwt.claims = '{"role": "editor", "org_id": "org_1"}';
SHOW rbac.jwt_claims;
SELECT rbac.has_permission('documents:write') AS ignored;
SET rbac.jwt_claims = 'trusted';
SELECT rbac.has_permission('documents:write') AS trusted,
	   rbac.has_permission('documents:write', 'org_2') AS other_org;
SET rbac.jwt_claims = 'ignored';
SELECT rbac.has_permission('documents:write') AS ignored_again;
SELECT pg_temp.err($$SET rbac.jwt_claims = 'yes'$$) AS bad_value;
SET rbac.jwt_claims = 'trusted';

-- claim names
SET rbac.jwt_role_claim = 'https://example.com/role';
SET request.jwt.claims = '{"role": "editor", "https://example.com/role": "viewer"}';
SELECT rbac.has_permission('documents:read') AS read, rbac.has_permission('documents:write') AS write;
SET rbac.jwt_roles_claim = 'groups';
SET request.jwt.claims = '{"roles": ["editor"], "groups": ["viewer"]}';
SELECT rbac.has_permission('documents:read') AS read, rbac.has_permission('documents:write') AS write;
SET rbac.jwt_organization_claim = 'tenant';
SET request.jwt.claims = '{"groups": ["org-billing"], "org_id": "org_2", "tenant": "org_1"}';
SELECT rbac.has_permission('billing:read') AS billing_tenant_org,
	   rbac.has_permission('billing:read', 'org_2') AS billing_org_2;
SELECT pg_temp.err(format('SET rbac.jwt_role_claim = %L', repeat('c', 64))) AS name_too_long;
RESET rbac.jwt_role_claim;
RESET rbac.jwt_roles_claim;
RESET rbac.jwt_organization_claim;

-- a user claim: the principal is that member, with the roles rbac's
-- tables give it in the claimed organization; role claims are not read
SET rbac.jwt_user_claim = 'sub';
SET request.jwt.claims = '{"sub": "alice", "org_id": "org_1", "role": "editor"}';
SELECT rbac.has_permission('documents:read') AS read, rbac.has_permission('documents:write') AS write,
	   rbac.has_permission('documents:write', 'org_2') AS write_other_org;
SET request.jwt.claims = '{"sub": "alice", "org_id": "org_2"}';
SELECT rbac.has_permission('documents:write') AS write_org_2;
-- a member's roles are fresh at every statement: a change shows at once
SELECT user_id FROM rbac.update_organization_membership('alice', 'org_2', '{viewer}');
SELECT rbac.has_permission('documents:write') AS write_after_update;
SELECT user_id FROM rbac.update_organization_membership('alice', 'org_2', '{editor}');
-- no organization claim: the organization the policy asks about (the
-- policy applies to the role reading, not to the superuser)
SET request.jwt.claims = '{"sub": "alice"}';
SET ROLE rbac_test_trust_app;
SELECT org_id FROM tdocs ORDER BY 1;
RESET ROLE;
-- unusable user claims: nothing
SELECT c AS claims, pg_temp.err(format('SET request.jwt.claims = %L', c)) AS set,
	   rbac.has_permission('documents:read', 'org_1') AS read
FROM unnest(ARRAY['{"sub": "nobody", "org_id": "org_1"}', '{"sub": 42, "org_id": "org_1"}',
				  '{"sub": "", "org_id": "org_1"}', '{"sub": "alice", "org_id": 7}',
				  '{"sub": "alice", "org_id": ""}']) c;
-- without the user claim in the token, the role claims as before
SET request.jwt.claims = '{"role": "viewer"}';
SELECT rbac.has_permission('documents:read') AS role_claim;
RESET rbac.jwt_user_claim;
RESET request.jwt.claims;

--
-- A principal bound to an organization is never asked about another one,
-- members included
--
SET rbac.user_id = 'alice';
SET rbac.organization_id = 'org_1';
SET ROLE rbac_test_trust_app;
SELECT org_id FROM tdocs ORDER BY 1;
SELECT rbac.has_permission('documents:read', 'org_1') AS org_1,
	   rbac.has_permission('documents:read', 'org_2') AS org_2;
RESET ROLE;
RESET rbac.organization_id;
SET ROLE rbac_test_trust_app;
SELECT org_id FROM tdocs ORDER BY 1;
RESET ROLE;
RESET rbac.user_id;

--
-- An empty organization id is no organization: false in every check
--
SET rbac.role = 'editor';
SELECT rbac.has_permission('documents:read') AS no_org,
	   rbac.has_permission('documents:read', '') AS has_permission_empty,
	   rbac.role_has_permission('editor', 'documents:read', '') AS role_has_permission_empty,
	   rbac.roles_have_permission('{editor}', 'documents:read', '') AS roles_have_permission_empty,
	   rbac.user_has_permission('alice', '', 'documents:read') AS user_has_permission_empty;
SET rbac.user_id = 'alice';
SELECT rbac.has_permission('documents:read', '') AS member_empty;
RESET rbac.user_id;
RESET rbac.role;

--
-- Every role of a principal counts: rbac.role and set_principal_roles have
-- no limit; a roles claim is read up to 64 roles and refused whole beyond
--
SELECT set_config('rbac.role', string_agg('r' || i, ',') || ',editor', false) IS NOT NULL AS set
FROM generate_series(1, 200) i;
SELECT rbac.has_permission('documents:write') AS role_201;
RESET rbac.role;
BEGIN;
SELECT rbac.set_principal_roles(array_agg('r' || i) || ARRAY['editor']) FROM generate_series(1, 500) i;
SELECT rbac.has_permission('documents:write') AS set_principal_roles_501;
COMMIT;
SELECT set_config('request.jwt.claims', json_build_object('roles', array_agg('r' || i) || ARRAY['editor'])::text, false) IS NOT NULL AS set
FROM generate_series(1, 63) i;
SELECT rbac.has_permission('documents:write') AS claim_role_64;
SELECT set_config('request.jwt.claims', json_build_object('roles', array_agg('r' || i) || ARRAY['editor'])::text, false) IS NOT NULL AS set
FROM generate_series(1, 64) i;
SELECT rbac.has_permission('documents:write') AS claim_role_65_refused;
-- once per statement, however many rows
SELECT count(*) FILTER (WHERE rbac.has_permission('documents:read')) AS granted, count(*) AS rows
FROM generate_series(1, 1000);
RESET request.jwt.claims;
RESET rbac.jwt_claims;

--
-- The explicit checks answer whoever may execute them; the owner of the
-- extension can keep them from PUBLIC and leave has_permission public
--
SET ROLE rbac_test_trust_app;
SELECT rbac.user_has_permission('alice', 'org_1', 'documents:read') AS app_asks_about_alice;
RESET ROLE;
REVOKE EXECUTE ON FUNCTION rbac.user_has_permission(text, text, text),
	rbac.organizations_with_permission(text, text),
	rbac.role_has_permission(text, text), rbac.role_has_permission(text, text, text),
	rbac.roles_have_permission(text[], text), rbac.roles_have_permission(text[], text, text)
	FROM PUBLIC;
SET ROLE rbac_test_trust_app;
SELECT pg_temp.err($$SELECT rbac.user_has_permission('alice', 'org_1', 'documents:read')$$) AS revoked,
	   pg_temp.err($$SELECT rbac.organizations_with_permission('alice', 'documents:read')$$) AS revoked_too,
	   pg_temp.err($$SELECT rbac.has_permission('documents:read')$$) AS has_permission_still;
RESET ROLE;

--
-- request.jwt.claims stays PostgREST's placeholder: rbac does not define it
-- (that would turn its NULL in a session that never set it into '', and
-- current_setting(...)::jsonb into an error), and a claims change between
-- two rows of one statement is seen (no ORDER BY: it would evaluate the
-- check below the sort, before set_config)
--
\c
SELECT rbac.role_has_permission('editor', 'documents:read') AS rbac_loaded,
	   current_setting('request.jwt.claims', true) IS NULL AS claims_null,
	   current_setting('request.jwt.claims', true)::jsonb IS NULL AS cast_ok;
SET rbac.jwt_claims = 'trusted';
SELECT v.n, set_config('request.jwt.claims', v.c, true) IS NOT NULL AS set,
	   rbac.has_permission('documents:write') AS can_write
FROM (VALUES (1, '{"role": "editor"}'), (2, '{"role": "viewer"}'), (3, '{"role": "editor"}')) v(n, c);
RESET request.jwt.claims;
RESET rbac.jwt_claims;

DROP TABLE tdocs;
DROP EXTENSION rbac;
DROP ROLE rbac_test_trust_app;
DROP ROLE rbac_test_trust_auth;

