--
-- privileges: the privilege model (SPEC 5, issue 5)
--
-- 1. what the catalog grants: nothing to PUBLIC but USAGE on the schema and
--    the checks; nothing SECURITY DEFINER; search_path pinned
-- 2. an application role without privileges: every management and read
--    function and every direct change fails with 42501, changes nothing;
--    the checks answer
-- 3. an administrator with the README's GRANTs can do all of it, except
--    create a system permission
-- 4. objects that shadow what rbac uses, earlier on the caller's
--    search_path, change nothing
-- 5. trusted install by a non-superuser with CREATE on the database
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
DROP SCHEMA IF EXISTS rbac_test_evil CASCADE;
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

-- 'ok: ' and the first column of the first row (a query) or the number of
-- rows (another command), or SQLSTATE and message
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
	n bigint;
BEGIN
	IF sql ~* '^\s*(SELECT|WITH|VALUES|TABLE)\M' THEN
		EXECUTE sql INTO r;
		RETURN 'ok: ' || coalesce(r, 'NULL');
	END IF;
	EXECUTE sql;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN 'ok: ' || n || ' rows';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- the number of rows of every catalog table and the sort-key sequence
CREATE FUNCTION pg_temp.catalog_counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('permission %s, role %s, role_permission %s, organization_order %s, '
				  'role_order %s, default_role %s, setting %s, membership %s, '
				  'membership_role %s, sequence %s',
		(SELECT count(*) FROM rbac.permission), (SELECT count(*) FROM rbac.role),
		(SELECT count(*) FROM rbac.role_permission), (SELECT count(*) FROM rbac.organization_order),
		(SELECT count(*) FROM rbac.role_order), (SELECT count(*) FROM rbac.default_role),
		(SELECT count(*) FROM rbac.setting), (SELECT count(*) FROM rbac.membership),
		(SELECT count(*) FROM rbac.membership_role),
		(SELECT last_value || '/' || is_called FROM rbac.role_sort_key_seq))
$$;

--
-- 1. Catalog privileges
--
-- tables, the view and the sequence: no privilege for PUBLIC
SELECT c.relname, c.relkind,
	   (SELECT count(*) FROM aclexplode(c.relacl) a WHERE a.grantee = 0) AS public_acl_entries,
	   CASE WHEN c.relkind = 'S'
			THEN has_sequence_privilege('public', c.oid, 'USAGE, SELECT, UPDATE')
			ELSE has_table_privilege('public', c.oid,
									 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
	   END AS public_has_any
FROM pg_class c
WHERE c.relnamespace = 'rbac'::regnamespace AND c.relkind IN ('r', 'v', 'S', 'p', 'm', 'f')
ORDER BY c.relname;
-- the schema: USAGE for PUBLIC, not CREATE
SELECT has_schema_privilege('public', 'rbac', 'USAGE') AS public_usage,
	   has_schema_privilege('public', 'rbac', 'CREATE') AS public_create;
-- the checks: EXECUTE for PUBLIC
SELECT f AS check_function, has_function_privilege('public', f, 'EXECUTE') AS public_execute
FROM unnest(ARRAY[
	'rbac.role_has_permission(text, text)',
	'rbac.role_has_permission(text, text, text)',
	'rbac.roles_have_permission(text[], text)',
	'rbac.roles_have_permission(text[], text, text)',
	'rbac.user_has_permission(text, text, text)',
	'rbac.has_permission(text)',
	'rbac.has_permission(text, text)',
	'rbac.organizations_with_permission(text, text)']) f;
-- the checks are STABLE STRICT PARALLEL SAFE, in C, with no SET clause
SELECT p.oid::regprocedure AS check_function, p.provolatile, p.proisstrict, p.proparallel,
	   l.lanname, p.proconfig
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'rbac'::regnamespace
  AND p.proname IN ('role_has_permission', 'roles_have_permission', 'user_has_permission',
					'has_permission', 'organizations_with_permission')
ORDER BY 1::text;
-- nothing is SECURITY DEFINER
SELECT count(*) > 50 AS many_functions,
	   coalesce(string_agg(p.oid::regprocedure::text, ', ') FILTER (WHERE p.prosecdef), '(none)')
		   AS security_definer
FROM pg_proc p WHERE p.pronamespace = 'rbac'::regnamespace;
-- every SQL and PL/pgSQL function pins search_path, except the two inlined
-- into queries (they qualify everything instead)
SELECT p.oid::regprocedure AS sql_function_without_pinned_search_path, p.proconfig
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'rbac'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
  AND p.proconfig IS DISTINCT FROM ARRAY['search_path=pg_catalog, pg_temp']
ORDER BY 1::text;
SELECT count(*) > 40 AS many_pinned
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'rbac'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
  AND p.proconfig = ARRAY['search_path=pg_catalog, pg_temp'];
-- C functions: no SET clause (the checks would pay a GUC save/restore per row)
SELECT coalesce(string_agg(p.oid::regprocedure::text, ', '), '(none)') AS c_function_with_set
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'rbac'::regnamespace AND l.lanname = 'c' AND p.proconfig IS NOT NULL;

--
-- 2. An application role with no privilege on the catalog
--
SELECT slug FROM rbac.create_permission('documents:read', 'Read documents');
SELECT slug FROM rbac.create_permission('documents:write', 'Write documents');
SELECT slug FROM rbac.create_permission('documents:*', 'Everything on documents');
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.set_role_permissions('admin', '{documents:*}');
SELECT slug FROM rbac.set_role_permissions('viewer', '{documents:read}');
SELECT slug FROM rbac.create_organization_role('org_1', 'org-editor', 'Editor');
SELECT slug FROM rbac.set_organization_role_permissions('org_1', 'org-editor', '{documents:write}');
SELECT slug FROM rbac.set_default_role('viewer');
SELECT user_id, organization_id FROM rbac.create_organization_membership('user_1', 'org_1', '{org-editor}');
CREATE TEMP TABLE counts_before AS SELECT pg_temp.catalog_counts() AS counts;
SELECT counts FROM counts_before;

SET client_min_messages = warning;
DROP ROLE IF EXISTS rbac_test_priv_app;
DROP ROLE IF EXISTS rbac_test_priv_admin;
RESET client_min_messages;
CREATE ROLE rbac_test_priv_app NOLOGIN;
-- (1.1) the principal settings are superuser-only; the administrator opens
-- them to the role that names the principal, and says the claims count
GRANT SET ON PARAMETER rbac.user_id, rbac.organization_id, rbac.role TO rbac_test_priv_app;
SET rbac.jwt_claims = 'trusted';

-- every management and read function, and the internals they share
CREATE TEMP TABLE app_calls (n serial, sql text);
INSERT INTO app_calls (sql) VALUES
	-- permissions
	($$SELECT rbac.create_permission('intruder:x', 'Intruder')$$),
	($$SELECT rbac.get_permission('documents:read')$$),
	($$SELECT rbac.list_permissions()$$),
	($$SELECT rbac.update_permission('documents:read', 'Renamed')$$),
	($$SELECT rbac.delete_permission('documents:read')$$),
	-- environment roles
	($$SELECT rbac.create_role('intruder', 'Intruder')$$),
	($$SELECT rbac.get_role('admin')$$),
	($$SELECT rbac.list_roles()$$),
	($$SELECT rbac.update_role('admin', 'Renamed')$$),
	($$SELECT rbac.delete_role('admin')$$),
	($$SELECT rbac.set_role_permissions('viewer', '{documents:*}')$$),
	($$SELECT rbac.add_role_permission('viewer', 'documents:write')$$),
	($$SELECT rbac.remove_role_permission('admin', 'documents:*')$$),
	($$SELECT rbac.set_role_priority('viewer', 1)$$),
	-- organization roles
	($$SELECT rbac.create_organization_role('org_1', 'org-intruder', 'Intruder')$$),
	($$SELECT rbac.list_organization_roles('org_1')$$),
	($$SELECT rbac.get_organization_role('org_1', 'org-editor')$$),
	($$SELECT rbac.update_organization_role('org_1', 'org-editor', 'Renamed')$$),
	($$SELECT rbac.delete_organization_role('org_1', 'org-editor')$$),
	($$SELECT rbac.set_organization_role_permissions('org_1', 'org-editor', '{documents:*}')$$),
	($$SELECT rbac.add_organization_role_permission('org_1', 'org-editor', 'documents:read')$$),
	($$SELECT rbac.remove_organization_role_permission('org_1', 'org-editor', 'documents:write')$$),
	($$SELECT rbac.set_organization_role_priority('org_1', 'org-editor', 1)$$),
	-- default role and priorities
	($$SELECT rbac.set_default_role('admin')$$),
	($$SELECT rbac.set_default_role('org-editor', 'org_1')$$),
	($$SELECT rbac.get_default_role()$$),
	($$SELECT rbac.get_default_role('org_1')$$),
	($$SELECT rbac.highest_priority_role('{admin,viewer}')$$),
	($$SELECT rbac.highest_priority_role('{org-editor,viewer}', 'org_1')$$),
	($$SELECT * FROM rbac.roles_by_priority$$),
	($$SELECT * FROM rbac.priority_list(NULL)$$),
	($$SELECT * FROM rbac.priority_list('org_1')$$),
	($$SELECT rbac.has_own_order('org_1')$$),
	-- JSON
	($$SELECT rbac.list_roles_json()$$),
	($$SELECT rbac.list_roles_json('org_1')$$),
	($$SELECT rbac.list_permissions_json()$$),
	($$SELECT rbac.role_json(ROW('role_00000000000000000000000000', 'admin', 'Admin', NULL,
		'EnvironmentRole', NULL, 'organization', 1, now(), now())::rbac.role)$$),
	($$SELECT rbac.membership_json(ROW('om_00000000000000000000000000', 'user_1', 'org_1',
		now(), now())::rbac.membership)$$),
	-- memberships
	($$SELECT rbac.create_organization_membership('user_2', 'org_1', '{viewer}')$$),
	($$SELECT rbac.create_organization_membership('user_2', 'org_1')$$),
	($$SELECT rbac.get_organization_membership('user_1', 'org_1')$$),
	($$SELECT rbac.update_organization_membership('user_1', 'org_1', '{admin}')$$),
	($$SELECT rbac.delete_organization_membership('user_1', 'org_1')$$),
	($$SELECT rbac.set_multiple_roles(true)$$),
	($$SELECT rbac.multiple_roles_enabled()$$),
	($$SELECT rbac.user_roles('user_1', 'org_1')$$),
	($$SELECT rbac.user_role('user_1', 'org_1')$$),
	($$SELECT rbac.user_permissions('user_1', 'org_1')$$),
	-- the internals the functions above share (callable, but not without privileges)
	($$SELECT rbac.ensure_own_order('org_2')$$),
	($$SELECT rbac.move_in_list(NULL, 'role_00000000000000000000000000', 1)$$),
	($$SELECT rbac.insert_role(NULL, 'intruder', 'Intruder', NULL, 'organization')$$),
	($$SELECT rbac.own_organization_role('org_1', 'org-editor')$$),
	($$SELECT rbac.touch_roles_with_permission('documents:read')$$),
	($$SELECT rbac.membership_role_ids('org_1', '{viewer}')$$),
	($$SELECT rbac.change_role(ROW('role_00000000000000000000000000', 'admin', 'Admin', NULL,
		'EnvironmentRole', NULL, 'organization', 1, now(), now())::rbac.role, 'Renamed', NULL)$$),
	($$SELECT rbac.change_grants(ROW('role_00000000000000000000000000', 'admin', 'Admin', NULL,
		'EnvironmentRole', NULL, 'organization', 1, now(), now())::rbac.role, '{documents:read}', 'set')$$),
	($$SELECT rbac.remove_role(ROW('role_00000000000000000000000000', 'admin', 'Admin', NULL,
		'EnvironmentRole', NULL, 'organization', 1, now(), now())::rbac.role)$$),
	-- the sequence
	($$SELECT nextval('rbac.role_sort_key_seq')$$),
	($$SELECT setval('rbac.role_sort_key_seq', 1)$$),
	($$SELECT last_value FROM rbac.role_sort_key_seq$$);

-- every direct INSERT, UPDATE, DELETE, TRUNCATE (and SELECT) on every table
CREATE TEMP TABLE app_dml AS
SELECT c.relname::text AS tab, op,
	   CASE op
		   WHEN 'SELECT' THEN format('SELECT * FROM rbac.%I', c.relname)
		   WHEN 'INSERT' THEN format('INSERT INTO rbac.%I DEFAULT VALUES', c.relname)
		   WHEN 'UPDATE' THEN format('UPDATE rbac.%I SET %I = %I', c.relname, a.attname, a.attname)
		   WHEN 'DELETE' THEN format('DELETE FROM rbac.%I', c.relname)
		   WHEN 'TRUNCATE' THEN format('TRUNCATE rbac.%I', c.relname)
	   END AS sql,
	   ord
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) WITH ORDINALITY o(op, ord)
WHERE c.relnamespace = 'rbac'::regnamespace AND c.relkind = 'r';
SELECT count(DISTINCT tab) AS tables, count(*) AS statements FROM app_dml;
GRANT SELECT ON app_calls, app_dml TO rbac_test_priv_app;

SET ROLE rbac_test_priv_app;
SELECT current_user;
SELECT n, sql, pg_temp.err(sql) AS result FROM app_calls ORDER BY n;
SELECT tab, op, pg_temp.err(sql) AS result FROM app_dml ORDER BY tab, ord;
-- the one that works reads no table: it formats the row it is given
SELECT rbac.permission_json(ROW('perm_00000000000000000000000000', 'a:b', 'A b', NULL, false,
	'organization', '2026-01-15 12:00:00+00', '2026-01-15 12:00:00+00')::rbac.permission)
	- 'id' AS permission_json_of_a_given_row;

-- the checks work, with the right answers, without any catalog privilege
SELECT rbac.role_has_permission('admin', 'documents:read') AS admin_read,
	   rbac.role_has_permission('admin', 'documents:read:own') AS admin_read_own,
	   rbac.role_has_permission('viewer', 'documents:read') AS viewer_read,
	   rbac.role_has_permission('viewer', 'documents:write') AS viewer_write,
	   rbac.role_has_permission('nobody', 'documents:read') AS nobody_read;
SELECT rbac.role_has_permission('org-editor', 'documents:write', 'org_1') AS org_editor_write,
	   rbac.role_has_permission('org-editor', 'documents:read', 'org_1') AS org_editor_read,
	   rbac.role_has_permission('org-editor', 'documents:write', 'org_2') AS other_org,
	   rbac.role_has_permission('viewer', 'documents:read', 'org_1') AS env_role_in_org;
SELECT rbac.roles_have_permission('{viewer,nobody}', 'documents:read') AS union_read,
	   rbac.roles_have_permission('{viewer,nobody}', 'documents:write') AS union_write,
	   rbac.roles_have_permission('{viewer,org-editor}', 'documents:write', 'org_1') AS org_union_write,
	   rbac.roles_have_permission('{viewer,org-editor}', 'documents:write', 'org_2') AS other_org_write;
SELECT rbac.user_has_permission('user_1', 'org_1', 'documents:write') AS member_write,
	   rbac.user_has_permission('user_1', 'org_1', 'documents:read') AS member_read,
	   rbac.user_has_permission('user_1', 'org_2', 'documents:write') AS not_member,
	   rbac.user_has_permission('user_2', 'org_1', 'documents:write') AS unknown_user;
SELECT array_agg(o ORDER BY o) AS orgs_write FROM rbac.organizations_with_permission('user_1', 'documents:write') o;
SELECT count(*) AS orgs_read FROM rbac.organizations_with_permission('user_1', 'documents:read');
BEGIN;
SET LOCAL rbac.user_id = 'user_1';
SET LOCAL rbac.organization_id = 'org_1';
SELECT rbac.has_permission('documents:write') AS member_write,
	   rbac.has_permission('documents:read') AS member_read,
	   rbac.has_permission('documents:write', 'org_1') AS member_write_org_1,
	   rbac.has_permission('documents:write', 'org_2') AS member_write_org_2;
ROLLBACK;
BEGIN;
SET LOCAL rbac.role = 'viewer';
SELECT rbac.has_permission('documents:read') AS role_read,
	   rbac.has_permission('documents:write') AS role_write;
ROLLBACK;
BEGIN;
SELECT set_config('request.jwt.claims', '{"role": "org-editor", "org_id": "org_1"}', true) IS NOT NULL AS claims_set;
SELECT rbac.has_permission('documents:write') AS claims_write,
	   rbac.has_permission('documents:write', 'org_2') AS claims_other_org;
ROLLBACK;
RESET ROLE;
SELECT current_user = session_user AS back_to_superuser;

-- nothing changed
SELECT pg_temp.catalog_counts() AS counts_after,
	   pg_temp.catalog_counts() = (SELECT counts FROM counts_before) AS unchanged;
SELECT name FROM rbac.permission ORDER BY slug;
SELECT slug, name, array(SELECT permission_slug FROM rbac.role_permission rp WHERE rp.role_id = r.id ORDER BY 1)
FROM rbac.role r ORDER BY organization_id NULLS FIRST, slug;
SELECT organization_id, priority, slug FROM rbac.roles_by_priority;
SELECT rbac.user_roles('user_1', 'org_1'), rbac.multiple_roles_enabled();

--
-- 3. An administrator role with exactly the README's GRANTs
--
CREATE ROLE rbac_test_priv_admin NOLOGIN;
GRANT USAGE ON SCHEMA rbac TO rbac_test_priv_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA rbac TO rbac_test_priv_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA rbac TO rbac_test_priv_admin;
CREATE TEMP TABLE admin_calls (n serial, sql text);
INSERT INTO admin_calls (sql) VALUES
	-- permissions
	($$SELECT slug FROM rbac.create_permission('reports:read', 'Read reports', 'Reports')$$),
	($$SELECT name FROM rbac.get_permission('reports:read')$$),
	($$SELECT string_agg(slug, ',' ORDER BY slug) FROM rbac.list_permissions(100)$$),
	($$SELECT name || ' / ' || description FROM rbac.update_permission('reports:read', 'Reports', 'All reports')$$),
	-- environment roles
	($$SELECT slug FROM rbac.create_role('auditor', 'Auditor')$$),
	($$SELECT name FROM rbac.get_role('auditor')$$),
	($$SELECT string_agg(slug, ',') FROM rbac.list_roles()$$),
	($$SELECT name FROM rbac.update_role('auditor', 'Auditors')$$),
	($$SELECT slug FROM rbac.set_role_permissions('auditor', '{reports:read}')$$),
	($$SELECT string_agg(rp.permission_slug, ',' ORDER BY rp.permission_slug) FROM rbac.role_permission rp JOIN rbac.role r ON r.id = rp.role_id WHERE r.slug = 'auditor'$$),
	($$SELECT slug FROM rbac.add_role_permission('auditor', 'documents:read')$$),
	($$SELECT string_agg(rp.permission_slug, ',' ORDER BY rp.permission_slug) FROM rbac.role_permission rp JOIN rbac.role r ON r.id = rp.role_id WHERE r.slug = 'auditor'$$),
	($$SELECT slug FROM rbac.remove_role_permission('auditor', 'documents:read')$$),
	($$SELECT string_agg(rp.permission_slug, ',' ORDER BY rp.permission_slug) FROM rbac.role_permission rp JOIN rbac.role r ON r.id = rp.role_id WHERE r.slug = 'auditor'$$),
	($$SELECT slug FROM rbac.set_role_priority('auditor', 1)$$),
	-- organization roles
	($$SELECT slug || ' ' || type FROM rbac.create_organization_role('org_2', 'org-auditor', 'Org auditor')$$),
	($$SELECT string_agg(slug, ',') FROM rbac.list_organization_roles('org_2')$$),
	($$SELECT name FROM rbac.get_organization_role('org_2', 'org-auditor')$$),
	($$SELECT name FROM rbac.update_organization_role('org_2', 'org-auditor', 'Org auditors')$$),
	($$SELECT slug FROM rbac.set_organization_role_permissions('org_2', 'org-auditor', '{reports:read,documents:read}')$$),
	($$SELECT string_agg(rp.permission_slug, ',' ORDER BY rp.permission_slug) FROM rbac.role_permission rp JOIN rbac.role r ON r.id = rp.role_id WHERE r.slug = 'org-auditor'$$),
	($$SELECT slug FROM rbac.add_organization_role_permission('org_2', 'org-auditor', 'documents:write')$$),
	($$SELECT string_agg(rp.permission_slug, ',' ORDER BY rp.permission_slug) FROM rbac.role_permission rp JOIN rbac.role r ON r.id = rp.role_id WHERE r.slug = 'org-auditor'$$),
	($$SELECT slug FROM rbac.remove_organization_role_permission('org_2', 'org-auditor', 'documents:read')$$),
	($$SELECT string_agg(rp.permission_slug, ',' ORDER BY rp.permission_slug) FROM rbac.role_permission rp JOIN rbac.role r ON r.id = rp.role_id WHERE r.slug = 'org-auditor'$$),
	($$SELECT slug FROM rbac.set_organization_role_priority('org_2', 'org-auditor', 1)$$),
	-- default role, priorities, JSON
	($$SELECT slug FROM rbac.set_default_role('org-auditor', 'org_2')$$),
	($$SELECT slug FROM rbac.get_default_role('org_2')$$),
	($$SELECT rbac.highest_priority_role('{viewer,auditor,admin}')$$),
	($$SELECT rbac.highest_priority_role('{auditor,org-auditor}', 'org_2')$$),
	($$SELECT string_agg(coalesce(organization_id, '-') || ':' || priority || ':' || slug, ' ') FROM rbac.roles_by_priority$$),
	($$SELECT jsonb_array_length(rbac.list_roles_json('org_2')->'data')$$),
	($$SELECT jsonb_array_length(rbac.list_permissions_json(2, NULL, NULL, 'asc')->'data')$$),
	($$SELECT rbac.permission_json(p)->>'slug' FROM rbac.get_permission('reports:read') p$$),
	-- memberships
	($$SELECT rbac.set_multiple_roles(true)$$),
	($$SELECT user_id FROM rbac.create_organization_membership('user_2', 'org_2', '{auditor,org-auditor}')$$),
	($$SELECT rbac.user_roles('user_2', 'org_2')$$),
	($$SELECT user_id FROM rbac.get_organization_membership('user_2', 'org_2')$$),
	($$SELECT user_id FROM rbac.update_organization_membership('user_2', 'org_2', '{org-auditor}')$$),
	($$SELECT rbac.membership_json(rbac.get_organization_membership('user_2', 'org_2'))->'roles'$$),
	($$SELECT rbac.user_role('user_2', 'org_2')$$),
	($$SELECT string_agg(p, ',') FROM rbac.user_permissions('user_2', 'org_2') p$$),
	($$SELECT rbac.delete_organization_membership('user_2', 'org_2')$$),
	($$SELECT rbac.set_multiple_roles(false)$$),
	-- deletions
	($$SELECT slug FROM rbac.set_default_role('viewer', 'org_2')$$),
	($$SELECT rbac.delete_organization_role('org_2', 'org-auditor')$$),
	($$SELECT rbac.delete_role('auditor')$$),
	($$SELECT rbac.delete_permission('reports:read')$$);
GRANT SELECT ON admin_calls TO rbac_test_priv_admin;

SET ROLE rbac_test_priv_admin;
SELECT current_user;
SELECT n, sql, pg_temp.try(sql) AS result FROM admin_calls ORDER BY n;

-- direct DML on every table: one INSERT, UPDATE and DELETE each
CREATE TEMP TABLE admin_dml (n serial, tab text, sql text);
INSERT INTO admin_dml (tab, sql) VALUES
	('permission', $$INSERT INTO rbac.permission (slug, name) VALUES ('direct:x', 'Direct')$$),
	('permission', $$UPDATE rbac.permission SET name = 'Direct x' WHERE slug = 'direct:x'$$),
	('role', $$INSERT INTO rbac.role (slug, name) VALUES ('direct', 'Direct')$$),
	('role', $$INSERT INTO rbac.role (slug, name, organization_id) VALUES ('org-direct', 'Direct', 'org_3')$$),
	('role', $$UPDATE rbac.role SET description = 'Directly' WHERE slug = 'direct'$$),
	('role_permission', $$INSERT INTO rbac.role_permission (role_id, permission_slug)
		SELECT id, 'direct:x' FROM rbac.role WHERE slug IN ('direct', 'org-direct')$$),
	('role_permission', $$UPDATE rbac.role_permission SET created_at = created_at WHERE permission_slug = 'direct:x'$$),
	('organization_order', $$INSERT INTO rbac.organization_order (organization_id) VALUES ('org_3')$$),
	('organization_order', $$UPDATE rbac.organization_order SET created_at = created_at WHERE organization_id = 'org_3'$$),
	('role_order', $$INSERT INTO rbac.role_order (organization_id, role_id, sort_key)
		SELECT 'org_3', id, -1 FROM rbac.role WHERE slug = 'org-direct'$$),
	('role_order', $$UPDATE rbac.role_order SET sort_key = -2 WHERE organization_id = 'org_3'$$),
	('default_role', $$INSERT INTO rbac.default_role (organization_id, role_id)
		SELECT 'org_3', id FROM rbac.role WHERE slug = 'direct'$$),
	('default_role', $$UPDATE rbac.default_role SET role_id = (SELECT id FROM rbac.role WHERE slug = 'org-direct')
		WHERE organization_id = 'org_3'$$),
	('setting', $$UPDATE rbac.setting SET multiple_roles = true$$),
	('membership', $$INSERT INTO rbac.membership (user_id, organization_id) VALUES ('user_3', 'org_3')$$),
	('membership', $$UPDATE rbac.membership SET updated_at = updated_at WHERE user_id = 'user_3'$$),
	('membership_role', $$INSERT INTO rbac.membership_role (membership_id, role_id)
		SELECT m.id, r.id FROM rbac.membership m, rbac.role r WHERE m.user_id = 'user_3' AND r.slug = 'org-direct'$$),
	('membership_role', $$UPDATE rbac.membership_role SET role_id = role_id
		WHERE membership_id IN (SELECT id FROM rbac.membership WHERE user_id = 'user_3')$$),
	-- what that gave, read back through the checks and the view
	('check', $$SELECT rbac.role_has_permission('direct', 'direct:x')$$),
	('check', $$SELECT rbac.user_has_permission('user_3', 'org_3', 'direct:x')$$),
	('check', $$SELECT rbac.user_has_permission('user_3', 'org_3', 'documents:read')$$),
	('check', $$SELECT string_agg(priority || ':' || slug, ' ') FROM rbac.roles_by_priority WHERE organization_id = 'org_3'$$),
	-- and the DELETEs
	('membership_role', $$DELETE FROM rbac.membership_role
		WHERE membership_id IN (SELECT id FROM rbac.membership WHERE user_id = 'user_3')$$),
	('membership', $$DELETE FROM rbac.membership WHERE user_id = 'user_3'$$),
	('setting', $$DELETE FROM rbac.setting$$),
	('setting', $$INSERT INTO rbac.setting (multiple_roles) VALUES (false)$$),
	('default_role', $$DELETE FROM rbac.default_role WHERE organization_id = 'org_3'$$),
	('role_order', $$DELETE FROM rbac.role_order WHERE organization_id = 'org_3'$$),
	('organization_order', $$DELETE FROM rbac.organization_order WHERE organization_id = 'org_3'$$),
	('role_permission', $$DELETE FROM rbac.role_permission WHERE permission_slug = 'direct:x'$$),
	('role', $$DELETE FROM rbac.role WHERE slug IN ('direct', 'org-direct')$$),
	('permission', $$DELETE FROM rbac.permission WHERE slug = 'direct:x'$$),
	-- not granted by the README: TRUNCATE
	('role_permission', $$TRUNCATE rbac.role_permission$$),
	-- nor may an administrator create or change a system permission
	('permission', $$INSERT INTO rbac.permission (slug, name, system) VALUES ('system:x', 'System', true)$$),
	('permission', $$UPDATE rbac.permission SET system = true WHERE slug = 'documents:read'$$);
SELECT n, tab, pg_temp.try(sql) AS result FROM admin_dml ORDER BY n;
RESET ROLE;
-- what is left: section 2's catalog, plus org_2's own order and default role
-- and the setting row
SELECT pg_temp.catalog_counts() AS counts_after_admin;
SELECT slug, system FROM rbac.permission ORDER BY slug;

--
-- 4. Objects that shadow what rbac uses, earlier on the caller's search_path
--
CREATE SCHEMA rbac_test_evil;
CREATE FUNCTION rbac_test_evil.left(text, integer) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$ SELECT 'org-'::text $$;
CREATE FUNCTION rbac_test_evil.clock_timestamp() RETURNS timestamptz
	LANGUAGE sql AS $$ SELECT '2000-01-01 00:00:00+00'::timestamptz $$;
CREATE FUNCTION rbac_test_evil.to_char(timestamp, text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$ SELECT 'evil'::text $$;
CREATE FUNCTION rbac_test_evil.nextval(regclass) RETURNS bigint
	LANGUAGE sql AS $$ SELECT 0::bigint $$;
CREATE FUNCTION rbac_test_evil.array_position(anycompatiblearray, anycompatible) RETURNS integer
	LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
CREATE FUNCTION rbac_test_evil.cardinality(anyarray) RETURNS integer
	LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$;
CREATE FUNCTION rbac_test_evil.unnest(anyarray) RETURNS SETOF anyelement
	LANGUAGE sql IMMUTABLE AS $$ SELECT x FROM pg_catalog.unnest($1) x WHERE false $$;
CREATE FUNCTION rbac_test_evil.pg_has_role(name, oid, text) RETURNS boolean
	LANGUAGE sql AS $$ SELECT true $$;
CREATE FUNCTION rbac_test_evil.hashtext(text) RETURNS integer
	LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$;
CREATE FUNCTION rbac_test_evil.text_eq(text, text) RETURNS boolean
	LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE FUNCTION rbac_test_evil.text_ne(text, text) RETURNS boolean
	LANGUAGE sql IMMUTABLE AS $$ SELECT false $$;
CREATE OPERATOR rbac_test_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = rbac_test_evil.text_eq);
CREATE OPERATOR rbac_test_evil.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = rbac_test_evil.text_ne);
GRANT USAGE ON SCHEMA rbac_test_evil TO PUBLIC;

-- the same story twice: with a plain search_path, then with the evil one
CREATE TEMP TABLE sp_results (tag text, step integer, v text);
CREATE FUNCTION pg_temp.scenario(tag text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
	step integer := 0;
	q text;
	r text;
BEGIN
	-- written without text "=" or "<>" and without any shadowed function
	FOREACH q IN ARRAY ARRAY[
		-- permissions and roles
		$$SELECT (rbac.create_permission('documents:read', 'Read documents')).slug$$,
		$$SELECT (rbac.create_permission('documents:write', 'Write documents', 'Write them')).slug$$,
		$$SELECT (rbac.create_permission('documents:*', 'All documents')).slug$$,
		$$SELECT rbac.permission_json(rbac.get_permission('documents:write')) - 'id' - 'created_at' - 'updated_at'$$,
		$$SELECT (rbac.create_role('admin', 'Admin')).slug$$,
		$$SELECT (rbac.create_role('viewer', 'Viewer')).slug$$,
		$$SELECT (rbac.create_role('editor', 'Editor')).slug$$,
		$$SELECT (rbac.set_role_permissions('admin', '{documents:*}')).slug$$,
		$$SELECT (rbac.set_role_permissions('editor', '{documents:read,documents:write,documents:read}')).slug$$,
		$$SELECT (rbac.add_role_permission('viewer', 'documents:read')).slug$$,
		$$SELECT rbac.role_json(rbac.get_role('editor')) - 'id' - 'created_at' - 'updated_at'$$,
		-- priorities (sort keys from the sequence and between neighbours)
		$$SELECT (rbac.set_role_priority('editor', 1)).slug$$,
		$$SELECT (rbac.set_role_priority('admin', 3)).slug$$,
		$$SELECT (rbac.create_organization_role('org_1', 'org-owner', 'Owner')).type$$,
		$$SELECT (rbac.set_organization_role_priority('org_1', 'org-owner', 1)).slug$$,
		$$SELECT (rbac.set_organization_role_priority('org_1', 'viewer', 2)).slug$$,
		$$SELECT string_agg(coalesce(organization_id, '-') || ':' || priority || ':' || slug || ':' || type
							|| ':' || permissions::text, ' ') FROM rbac.roles_by_priority$$,
		$$SELECT string_agg(priority::text, ',') FROM rbac.priority_list('org_1')$$,
		$$SELECT string_agg(slug, ',') FROM rbac.list_roles()$$,
		$$SELECT string_agg(slug, ',') FROM rbac.list_organization_roles('org_1')$$,
		$$SELECT rbac.highest_priority_role('{viewer,admin,editor}')$$,
		$$SELECT rbac.highest_priority_role('{viewer,org-owner}', 'org_1')$$,
		-- default role and memberships
		$$SELECT (rbac.set_default_role('viewer')).slug$$,
		$$SELECT (rbac.get_default_role('org_1')).slug$$,
		$$SELECT (rbac.create_organization_membership('user_1', 'org_1')).user_id$$,
		$$SELECT rbac.membership_json(rbac.get_organization_membership('user_1', 'org_1')) - 'id' - 'created_at' - 'updated_at'$$,
		$$SELECT rbac.set_multiple_roles(true)::text$$,
		$$SELECT (rbac.create_organization_membership('user_2', 'org_1', '{org-owner,editor}')).user_id$$,
		$$SELECT rbac.membership_json(rbac.get_organization_membership('user_2', 'org_1')) - 'id' - 'created_at' - 'updated_at'$$,
		$$SELECT rbac.user_roles('user_2', 'org_1')::text$$,
		$$SELECT rbac.user_role('user_2', 'org_1')$$,
		$$SELECT string_agg(p, ',') FROM rbac.user_permissions('user_2', 'org_1') p$$,
		-- the checks
		$$SELECT ARRAY[rbac.role_has_permission('admin', 'documents:read'),
					   rbac.role_has_permission('viewer', 'documents:write'),
					   rbac.role_has_permission('org-owner', 'documents:read', 'org_1'),
					   rbac.roles_have_permission('{viewer,editor}', 'documents:write'),
					   rbac.roles_have_permission('{viewer,org-owner}', 'documents:write', 'org_1'),
					   rbac.user_has_permission('user_1', 'org_1', 'documents:read'),
					   rbac.user_has_permission('user_1', 'org_1', 'documents:write'),
					   rbac.user_has_permission('user_2', 'org_1', 'documents:write')]::text$$,
		$$SELECT string_agg(o, ',') FROM rbac.organizations_with_permission('user_2', 'documents:write') o$$,
		-- JSON
		$$SELECT jsonb_agg(e - 'id' - 'created_at' - 'updated_at') FROM jsonb_array_elements(rbac.list_roles_json('org_1') -> 'data') e$$,
		$$SELECT jsonb_agg(e - 'id' - 'created_at' - 'updated_at') FROM jsonb_array_elements(rbac.list_permissions_json(2, NULL, NULL, 'asc') -> 'data') e$$,
		$$SELECT (rbac.role_json(rbac.get_role('admin')) ->> 'created_at') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$'
			  AND (rbac.role_json(rbac.get_role('admin')) ->> 'updated_at') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$'
			  AND (rbac.get_role('admin')).created_at > '2020-01-01'::timestamptz
			  AND (rbac.get_role('admin')).id ~ '^role_[0-9A-HJKMNP-TV-Z]{26}$'$$,
		$$SELECT string_agg(slug, ',') FROM rbac.list_permissions(10, NULL, NULL, 'asc')$$,
		-- errors
		$$SELECT pg_temp.err('SELECT rbac.create_permission(''documents:read'', ''Again'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.get_role(''nobody'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.create_role(''org-admin'', ''X'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.create_organization_role(''org_1'', ''owner'', ''X'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.create_role(''Bad'', ''X'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.set_role_permissions(''viewer'', ''{documents:read,NULL}'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.update_organization_membership(''user_1'', ''org_1'', ''{}'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.delete_role(''viewer'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.get_organization_role(''org_1'', ''org-nobody'')')$$,
		-- changes and deletions
		$$SELECT pg_temp.err('SELECT rbac.update_role(''viewer'', ''Viewers'')')$$,
		$$SELECT (rbac.get_role('viewer')).name$$,
		$$SELECT pg_temp.err('SELECT rbac.delete_permission(''documents:write'')')$$,
		$$SELECT rbac.role_json(rbac.get_role('editor')) -> 'permissions'$$,
		$$SELECT pg_temp.err('SELECT rbac.delete_role(''editor'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.delete_organization_membership(''user_2'', ''org_1'')')$$,
		$$SELECT pg_temp.err('SELECT rbac.delete_role(''editor'')')$$,
		$$SELECT string_agg(slug, ',') FROM rbac.list_roles()$$,
		$$SELECT count(*)::text FROM rbac.role_permission$$]
	LOOP
		step := step + 1;
		EXECUTE q INTO r;
		INSERT INTO sp_results VALUES (tag, step, r);
	END LOOP;
END
$f$;

SET client_min_messages = warning;
DROP EXTENSION rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;
SELECT pg_temp.scenario('plain');
SELECT step, v FROM sp_results ORDER BY step;

-- again, on a fresh catalog, with the evil schema first on the search_path
SET client_min_messages = warning;
DROP EXTENSION rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;
SET search_path = rbac_test_evil, pg_catalog;
-- the controls: under this search_path the evil objects do shadow
SELECT left('admin', 4) AS shadowed_left,
	   'a'::text = 'b'::text AS shadowed_eq,
	   'a'::text <> 'a'::text AS shadowed_ne,
	   to_char(now()::timestamp, 'YYYY') AS shadowed_to_char,
	   cardinality(ARRAY[1, 2]) AS shadowed_cardinality,
	   array_position(ARRAY['x'], 'y') AS shadowed_array_position,
	   (SELECT count(*) FROM unnest(ARRAY[1, 2])) AS shadowed_unnest,
	   nextval('pg_temp.sp_results'::regclass) AS shadowed_nextval,
	   clock_timestamp() < '2001-01-01'::timestamptz AS shadowed_clock_timestamp;
-- and a function that does not pin search_path is fooled by them
CREATE FUNCTION pg_temp.unpinned_is_org_slug(s text) RETURNS boolean
	LANGUAGE sql AS $$ SELECT left(s, 4) = 'org-' $$;
SELECT pg_temp.unpinned_is_org_slug('admin') AS unpinned_fooled;
SELECT pg_temp.scenario('evil');
RESET search_path;
SELECT pg_temp.unpinned_is_org_slug('admin') AS unpinned_not_fooled_now;
-- every step gave the same answer
SELECT count(*) AS steps,
	   count(*) FILTER (WHERE e.v IS NOT DISTINCT FROM p.v) AS same
FROM sp_results p JOIN sp_results e ON e.step = p.step AND e.tag = 'evil'
WHERE p.tag = 'plain';
SELECT p.step, p.v AS plain, e.v AS evil
FROM sp_results p FULL JOIN (SELECT * FROM sp_results WHERE tag = 'evil') e ON e.step = p.step
WHERE p.tag = 'plain' AND e.v IS DISTINCT FROM p.v
ORDER BY 1;
-- an administrator (the README's GRANTs again, on the new catalog) under the
-- evil search_path still cannot create a system permission
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA rbac TO rbac_test_priv_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA rbac TO rbac_test_priv_admin;
SET ROLE rbac_test_priv_admin;
SET search_path = rbac_test_evil, pg_catalog;
SELECT pg_temp.err($$INSERT INTO rbac.permission (slug, name, system) VALUES ('system:x', 'System', true)$$) AS admin_system_permission;
SELECT pg_temp.err($$INSERT INTO rbac.permission (slug, name) VALUES ('plain:x', 'Plain')$$) AS admin_plain_permission;
SELECT rbac.may_manage_system_permissions() AS admin_may_manage;
RESET search_path;
RESET ROLE;
SELECT slug, system FROM rbac.permission WHERE slug ~ '^(plain|system):' ORDER BY slug;
SET client_min_messages = warning;
DROP SCHEMA rbac_test_evil CASCADE;
RESET client_min_messages;

--
-- 5. Trusted install: a non-superuser with CREATE on the database
--
SELECT version, trusted, superuser FROM pg_available_extension_versions WHERE name = 'rbac' ORDER BY version;
-- start from nothing: DROP EXTENSION leaves the schema rbac behind
SET client_min_messages = warning;
DROP EXTENSION rbac CASCADE;
DROP SCHEMA rbac CASCADE;
RESET client_min_messages;
CREATE ROLE rbac_test_owner NOLOGIN;
CREATE ROLE rbac_test_owner_admin NOLOGIN;
-- (a DO block rather than \gexec, so that the database name is not echoed)
DO $$ BEGIN
	EXECUTE format('GRANT CREATE ON DATABASE %I TO rbac_test_owner', current_database());
END $$;
SET ROLE rbac_test_owner;
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION rbac;
RESET ROLE;
-- the installer owns the extension; the objects belong to the bootstrap
-- superuser, and (1.1) so does the schema, which PostgreSQL creates as the
-- installer: the 1.1 step gives it to the role running the script, so the
-- installer can neither add to it nor rename it (SPEC 5.1)
SELECT e.extowner = 'rbac_test_owner'::regrole AS extension_owned_by_installer,
	   (SELECT rolsuper FROM pg_roles r WHERE r.oid = n.nspowner) AS schema_owned_by_superuser,
	   (SELECT rolsuper FROM pg_roles r WHERE r.oid = c.relowner) AS tables_owned_by_superuser,
	   (SELECT bool_and(r.rolsuper) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
		WHERE p.pronamespace = n.oid) AS functions_owned_by_superuser
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
JOIN pg_class c ON c.oid = 'rbac.permission'::regclass
WHERE e.extname = 'rbac';
-- the owner manages the catalog, may create a system permission and delegate
SET ROLE rbac_test_owner;
SELECT slug FROM rbac.create_permission('documents:read', 'Read documents');
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.add_role_permission('admin', 'documents:read');
SELECT rbac.may_manage_system_permissions() AS owner_may_manage;
INSERT INTO rbac.permission (slug, name, system) VALUES ('system:audit', 'Audit', true);
SELECT slug, system FROM rbac.permission ORDER BY slug;
SELECT pg_temp.err($$SELECT rbac.delete_permission('system:audit')$$) AS delete_system;
SELECT pg_temp.err($$TRUNCATE rbac.permission CASCADE$$) AS truncate_system;
-- but gains nothing beyond the catalog: no changing rbac's code or triggers
SELECT pg_temp.err($$CREATE OR REPLACE FUNCTION rbac.may_manage_system_permissions() RETURNS boolean
	LANGUAGE sql AS 'SELECT true'$$) AS replace_function;
SELECT pg_temp.err($$ALTER FUNCTION rbac.role_has_permission(text, text) SECURITY DEFINER$$) AS alter_function;
SELECT pg_temp.err($$ALTER TABLE rbac.permission DISABLE TRIGGER permission_guard$$) AS disable_trigger;
SELECT pg_temp.err($$SET session_replication_role = replica$$) AS skip_triggers;
SELECT pg_temp.err($$DROP FUNCTION rbac.permission_guard() CASCADE$$) AS drop_member;
SELECT pg_temp.err($$ALTER SCHEMA rbac RENAME TO rbac_old$$) AS rename_schema;
SELECT pg_temp.err($$CREATE FUNCTION rbac.shorten(v rbac.organization_id) RETURNS text
	LANGUAGE sql AS 'SELECT v::text'$$) AS overload_on_domain;
SELECT has_schema_privilege('rbac_test_owner', 'rbac', 'CREATE') AS owner_may_create,
	   has_schema_privilege('public', 'rbac', 'CREATE') AS public_may_create,
	   has_schema_privilege('public', 'rbac', 'USAGE') AS public_may_use;
-- delegation: the owner holds the table privileges WITH GRANT OPTION (USAGE
-- on the schema is PUBLIC's)
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA rbac TO rbac_test_owner_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA rbac TO rbac_test_owner_admin;
RESET ROLE;
SET ROLE rbac_test_owner_admin;
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.add_role_permission('viewer', 'documents:read');
SELECT pg_temp.err($$INSERT INTO rbac.permission (slug, name, system) VALUES ('system:x', 'X', true)$$) AS delegate_system;
SELECT rbac.role_has_permission('viewer', 'documents:read') AS viewer_read;
RESET ROLE;
-- the checks work for everyone else, as ever, and the catalog stays private
SET ROLE rbac_test_priv_app;
SELECT rbac.role_has_permission('admin', 'documents:read') AS app_admin_read,
	   rbac.role_has_permission('viewer', 'documents:write') AS app_viewer_write,
	   pg_temp.err('SELECT rbac.get_role(''admin'')') AS app_get_role;
RESET ROLE;

-- clean up: roles gone, the extension back as a superuser installs it
SET client_min_messages = warning;
DROP EXTENSION rbac CASCADE;
DROP SCHEMA rbac CASCADE;
DROP TABLE app_calls, app_dml, admin_calls;
DROP OWNED BY rbac_test_priv_app, rbac_test_priv_admin, rbac_test_owner_admin, rbac_test_owner;
DROP ROLE rbac_test_owner_admin;
DROP ROLE rbac_test_owner;
DROP ROLE rbac_test_priv_admin;
REVOKE SET ON PARAMETER rbac.user_id, rbac.organization_id, rbac.role FROM rbac_test_priv_app;
DROP ROLE rbac_test_priv_app;
CREATE EXTENSION rbac;
RESET client_min_messages;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'rbac\_test\_priv%' OR rolname LIKE 'rbac\_test\_owner%';
SELECT has_schema_privilege('public', 'rbac', 'USAGE') AS public_usage_again;
