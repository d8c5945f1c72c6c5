--
-- hostile: bad input to every function that takes text or arrays (SPEC 5,
-- issue 5): over-long values, binary junk, invalid UTF-8, control
-- characters, look-alikes, SQL metacharacters, NULL elements, empty, huge,
-- duplicated and multi-dimensional arrays, out-of-range numbers, malformed
-- claims.  Each gives a clear error (SQLSTATE and message) or a defined
-- result; nothing is stored; the server keeps answering.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;
\set VERBOSITY default
\set SHOW_CONTEXT never
-- (1.1) the claims count only where the administrator trusts them: the
-- hostile claims below are read as a PostgREST deployment reads them
SET rbac.jwt_claims = 'trusted';

-- Run one input: 'ok: ' and the first column of the first row (a query) or
-- the row count (another command), or the error's SQLSTATE and message.
-- gucs: setting, value, setting, value ... set for this input only.  A result
-- longer than 300 characters is shown as LONG: rbac quotes at most 64
-- characters of a value in a message, so no expected line is LONG.
CREATE FUNCTION pg_temp.try(sql text, gucs text[] DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r text;
	n bigint;
	i integer;
BEGIN
	BEGIN
		FOR i IN 1 .. coalesce(array_length(gucs, 1), 0) BY 2 LOOP
			PERFORM set_config(gucs[i], gucs[i + 1], true);
		END LOOP;
		IF sql ~* '^\s*(SELECT|WITH|VALUES|TABLE)\M' THEN
			EXECUTE sql INTO r;
			r := 'ok: ' || coalesce(r, 'NULL');
		ELSE
			EXECUTE sql;
			GET DIAGNOSTICS n = ROW_COUNT;
			r := 'ok: ' || n || ' rows';
		END IF;
		FOR i IN 1 .. coalesce(array_length(gucs, 1), 0) BY 2 LOOP
			PERFORM set_config(gucs[i], '', true);
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		r := SQLSTATE || ': ' || SQLERRM;
	END;
	IF length(r) > 300 THEN
		r := 'LONG (' || length(r) || ' characters): ' || left(r, 80) || '...';
	END IF;
	RETURN r;
END $$;

-- every catalog table's row count, and a digest of its rows (the sort-key
-- sequence is left out: failed calls consume values, as sequences do)
CREATE FUNCTION pg_temp.catalog_state() RETURNS TABLE (tab text, n bigint, digest text)
LANGUAGE sql AS $$
	SELECT 'permission', count(*), md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s', id, slug, name,
		description, system, resource_type_slug, updated_at), ',' ORDER BY id)) FROM rbac.permission
	UNION ALL
	SELECT 'role', count(*), md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s', id, slug, name,
		description, type, organization_id, resource_type_slug, sort_key, updated_at), ',' ORDER BY id)) FROM rbac.role
	UNION ALL
	SELECT 'role_permission', count(*), md5(string_agg(role_id || '|' || permission_slug, ','
		ORDER BY role_id, permission_slug)) FROM rbac.role_permission
	UNION ALL
	SELECT 'organization_order', count(*), md5(string_agg(organization_id, ',' ORDER BY organization_id))
		FROM rbac.organization_order
	UNION ALL
	SELECT 'role_order', count(*), md5(string_agg(format('%s|%s|%s', organization_id, role_id, sort_key), ','
		ORDER BY organization_id, role_id)) FROM rbac.role_order
	UNION ALL
	SELECT 'default_role', count(*), md5(string_agg(format('%s|%s', organization_id, role_id), ','
		ORDER BY organization_id)) FROM rbac.default_role
	UNION ALL
	SELECT 'setting', count(*), md5(string_agg(multiple_roles::text, ',')) FROM rbac.setting
	UNION ALL
	SELECT 'membership', count(*), md5(string_agg(format('%s|%s|%s|%s', id, user_id, organization_id, updated_at), ','
		ORDER BY id)) FROM rbac.membership
	UNION ALL
	SELECT 'membership_role', count(*), md5(string_agg(membership_id || '|' || role_id, ','
		ORDER BY membership_id, role_id)) FROM rbac.membership_role
$$;

--
-- The catalog the inputs are tried against
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
SELECT user_id FROM rbac.create_organization_membership('user_1', 'org_1', '{org-editor}');
CREATE TEMP TABLE state_before AS SELECT * FROM pg_temp.catalog_state();
SELECT tab, n FROM state_before;

-- the inputs: one row each (label: what to show instead of the statement,
-- for inputs given through settings)
CREATE TEMP TABLE h (n serial, grp text, fn text, sql text, label text, gucs text[]);

--
-- Text that never reaches rbac: invalid UTF-8 and NUL cannot be text in a
-- UTF8 database; the cast or the literal fails first (22021, 54000)
--
INSERT INTO h (grp, fn, sql) VALUES
('encoding', 'create_permission', $$SELECT rbac.create_permission(convert_from('\xff'::bytea, 'UTF8'), 'x')$$),
('encoding', 'create_permission', $$SELECT rbac.create_permission(convert_from('\x646f63c0af'::bytea, 'UTF8'), 'x')$$),
('encoding', 'create_role', $$SELECT rbac.create_role(E'adm\xffin', 'x')$$),
('encoding', 'role_has_permission', $$SELECT rbac.role_has_permission(convert_from('\xedb080'::bytea, 'UTF8'), 'documents:read')$$),
('encoding', 'create_organization_role', $$SELECT rbac.create_organization_role(convert_from('\x6f726700'::bytea, 'UTF8'), 'org-x', 'x')$$),
('encoding', 'create_permission', $$SELECT rbac.create_permission('documents:' || chr(0), 'x')$$),
('encoding', 'has_permission', $$SELECT rbac.has_permission(E'documents:\u0000')$$);

--
-- Permissions
--
INSERT INTO h (grp, fn, sql) VALUES
-- slugs: over-long, empty, spaces, case, metacharacters, control characters,
-- look-alikes, binary junk
('permissions', 'create_permission', $$SELECT rbac.create_permission(repeat('a', 1000000), 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(repeat('a', 129), 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(' documents:read', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('Documents:Read', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('''; DROP TABLE rbac.role; --', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('documents\read', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('documents:%', 'x')$$),
('permissions', 'create_permission', $q$SELECT rbac.create_permission('$$', 'x')$q$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(E'documents:\tread', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(E'documents:read\n', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('documents:' || chr(1), 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('documents:' || chr(127), 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(U&'d\043Ecuments:read', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(U&'\FF44\FF4F\FF43\FF53:read', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(U&'documents:\200Dread', 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(convert_from('\x1b5b33316d7265641b5b306d'::bytea, 'UTF8'), 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(convert_from('\xe9e8ff8a'::bytea, 'LATIN1'), 'x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission(NULL, 'x')$$),
-- names, descriptions, resource types
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', repeat('n', 1000000))$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', repeat(U&'\00E9', 513))$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', '')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', NULL)$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', 'X', repeat('d', 1000000))$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', 'X', repeat('d', 1025))$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', 'X', NULL, repeat('r', 1000000))$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', 'X', NULL, 'Organization')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', 'X', NULL, 'org:x')$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('x:y', 'X', NULL, NULL)$$),
('permissions', 'create_permission', $$SELECT rbac.create_permission('documents:read', 'Again')$$),
-- lookups: no pattern matching, no injection
('permissions', 'get_permission', $$SELECT rbac.get_permission(repeat('a', 1000000))$$),
('permissions', 'get_permission', $$SELECT rbac.get_permission(NULL)$$),
('permissions', 'get_permission', $$SELECT rbac.get_permission('documents_read')$$),
('permissions', 'get_permission', $$SELECT rbac.get_permission('documents:rea_')$$),
('permissions', 'get_permission', $$SELECT rbac.get_permission('documents:%')$$),
('permissions', 'get_permission', $$SELECT rbac.get_permission('documents:read'' OR ''1''=''1')$$),
('permissions', 'get_permission', $$SELECT rbac.get_permission(repeat('a', 128))$$),
('permissions', 'update_permission', $$SELECT rbac.update_permission(repeat('a', 1000000), 'x')$$),
('permissions', 'update_permission', $$SELECT rbac.update_permission('documents:read', repeat('n', 1000000))$$),
('permissions', 'update_permission', $$SELECT rbac.update_permission('documents:read', '')$$),
('permissions', 'update_permission', $$SELECT rbac.update_permission('documents:read', NULL, repeat('d', 2000))$$),
('permissions', 'update_permission', $$SELECT rbac.update_permission('''; UPDATE rbac.permission SET system = true; --', 'x')$$),
('permissions', 'delete_permission', $$SELECT rbac.delete_permission('''; DROP TABLE rbac.role; --')$$),
('permissions', 'delete_permission', $$SELECT rbac.delete_permission('documents:%')$$),
('permissions', 'delete_permission', $$SELECT rbac.delete_permission('*')$$),
('permissions', 'delete_permission', $$SELECT rbac.delete_permission(E'documents:read\\')$$),
-- pagination: out-of-range limits, junk cursors and sort orders
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(0)$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(-2147483648)$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(2147483647)$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(101)$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(NULL)$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(10, repeat('z', 1000000))$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(10, NULL, '''; DROP TABLE rbac.role; --')$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(10, '%', '%', 'asc')$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(10, NULL, NULL, 'ASC')$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(10, NULL, NULL, 'asc''; --')$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(10, NULL, NULL, repeat('x', 1000000))$$),
('permissions', 'list_permissions', $$SELECT count(*) FROM rbac.list_permissions(10, NULL, NULL, NULL)$$),
('permissions', 'list_permissions_json', $$SELECT rbac.list_permissions_json(-1)$$),
('permissions', 'list_permissions_json', $$SELECT rbac.list_permissions_json(10, NULL, NULL, repeat('x', 1000000))$$),
('permissions', 'list_permissions_json', $$SELECT jsonb_array_length(rbac.list_permissions_json(10, E'\\', E'\t') -> 'data')$$);

--
-- Environment roles
--
INSERT INTO h (grp, fn, sql) VALUES
('roles', 'create_role', $$SELECT rbac.create_role(repeat('a', 1000000), 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role('', 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role('org-admin', 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role(U&'\0430dmin', 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role('admin ', 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role('ADMIN', 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role('admin:read', 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role('admin'' OR ''1''=''1', 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role(E'admin\r\n', 'x')$$),
('roles', 'create_role', $$SELECT rbac.create_role('admin', 'Again')$$),
('roles', 'create_role', $$SELECT rbac.create_role('x', repeat('n', 1000000))$$),
('roles', 'create_role', $$SELECT rbac.create_role('x', 'X', repeat('d', 1025))$$),
('roles', 'create_role', $$SELECT rbac.create_role('x', 'X', NULL, 'Bad Type')$$),
('roles', 'create_role', $$SELECT rbac.create_role(NULL, 'X')$$),
('roles', 'get_role', $$SELECT rbac.get_role(repeat('a', 1000000))$$),
('roles', 'get_role', $$SELECT rbac.get_role('org-editor')$$),
('roles', 'get_role', $$SELECT rbac.get_role('admi_')$$),
('roles', 'get_role', $$SELECT rbac.get_role('admin%')$$),
('roles', 'update_role', $$SELECT rbac.update_role('admin', repeat('n', 513))$$),
('roles', 'update_role', $$SELECT rbac.update_role('admin', NULL, repeat('d', 1000000))$$),
('roles', 'update_role', $$SELECT rbac.update_role(E'admin\\', 'x')$$),
('roles', 'delete_role', $$SELECT rbac.delete_role('admin''; --')$$),
('roles', 'delete_role', $$SELECT rbac.delete_role(E'admin\n')$$),
('roles', 'delete_role', $$SELECT rbac.delete_role(NULL)$$),
-- permission arrays: NULL, NULL elements, junk elements, multi-dimensional,
-- huge, duplicated
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('admin', NULL)$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('admin', ARRAY[NULL]::text[])$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('admin', ARRAY['documents:read', NULL])$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('admin', ARRAY[repeat('a', 1000000)])$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('admin', ARRAY['documents:read', 'Documents:Write'])$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('admin', ARRAY['documents:read', 'nope:x'])$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('admin', '{{documents:read,documents:write},{documents:*,documents:read}}')$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('admin', array_fill('x'::text, ARRAY[100000]))$$),
('roles', 'set_role_permissions', $$SELECT (rbac.set_role_permissions('viewer', array_fill('documents:read'::text, ARRAY[100000]))).slug$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions(repeat('a', 1000000), '{}')$$),
('roles', 'set_role_permissions', $$SELECT rbac.set_role_permissions('org-editor', '{}')$$),
('roles', 'add_role_permission', $$SELECT rbac.add_role_permission('admin', NULL)$$),
('roles', 'add_role_permission', $$SELECT rbac.add_role_permission('admin', repeat('a', 1000000))$$),
('roles', 'add_role_permission', $$SELECT rbac.add_role_permission('admin', 'nope:x')$$),
('roles', 'add_role_permission', $$SELECT rbac.add_role_permission(NULL, 'documents:read')$$),
('roles', 'add_role_permission', $$SELECT rbac.add_role_permission('admin', '{documents:read}')$$),
('roles', 'remove_role_permission', $$SELECT rbac.remove_role_permission('admin', '*')$$),
('roles', 'remove_role_permission', $$SELECT rbac.remove_role_permission('admin', 'documents:*'' OR 1=1 --')$$),
('roles', 'remove_role_permission', $$SELECT rbac.remove_role_permission(repeat('a', 1000000), 'documents:*')$$),
-- priorities: zero, negative, huge, NULL
('roles', 'set_role_priority', $$SELECT rbac.set_role_priority('admin', 0)$$),
('roles', 'set_role_priority', $$SELECT rbac.set_role_priority('admin', -2147483648)$$),
('roles', 'set_role_priority', $$SELECT rbac.set_role_priority('admin', 2147483647)$$),
('roles', 'set_role_priority', $$SELECT rbac.set_role_priority('admin', 3)$$),
('roles', 'set_role_priority', $$SELECT rbac.set_role_priority('admin', NULL)$$),
('roles', 'set_role_priority', $$SELECT rbac.set_role_priority(repeat('a', 1000000), 1)$$);

--
-- Organization roles: organization ids with quotes, control characters,
-- over-long
--
INSERT INTO h (grp, fn, sql) VALUES
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role(repeat('o', 1000000), 'org-x', 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role(repeat('o', 129), 'org-x', 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role('', 'org-x', 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role(NULL, 'org-x', 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role(E'org\t1', 'org-x', 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role('org_1' || chr(127), 'org-x', 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role('org''1', 'x', 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role('org_1', 'admin', 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role('org_1', 'org-editor', 'Again')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role('org_1', 'org-x', repeat('n', 1000000))$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role('org_2', repeat('a', 1000000), 'X')$$),
('organization roles', 'create_organization_role', $$SELECT rbac.create_organization_role('org_2', 'org-x', 'X', NULL, '')$$),
('organization roles', 'list_organization_roles', $$SELECT count(*) FROM rbac.list_organization_roles(repeat('o', 1000000))$$),
('organization roles', 'list_organization_roles', $$SELECT count(*) FROM rbac.list_organization_roles('')$$),
('organization roles', 'list_organization_roles', $$SELECT count(*) FROM rbac.list_organization_roles(E'org_1\n')$$),
('organization roles', 'list_organization_roles', $$SELECT count(*) FROM rbac.list_organization_roles(NULL)$$),
('organization roles', 'list_organization_roles', $$SELECT string_agg(slug, ',') FROM rbac.list_organization_roles('org_1'' OR ''1''=''1')$$),
('organization roles', 'get_organization_role', $$SELECT rbac.get_organization_role('org_1', repeat('a', 1000000))$$),
('organization roles', 'get_organization_role', $$SELECT rbac.get_organization_role(repeat('o', 1000000), 'org-editor')$$),
('organization roles', 'get_organization_role', $$SELECT rbac.get_organization_role('org_1', 'org-editor%')$$),
('organization roles', 'get_organization_role', $$SELECT rbac.get_organization_role('org_%', 'org-editor')$$),
('organization roles', 'get_organization_role', $$SELECT rbac.get_organization_role('ORG_1', 'org-editor')$$),
('organization roles', 'get_organization_role', $$SELECT rbac.get_organization_role(U&'org\200D_1', 'org-editor')$$),
('organization roles', 'update_organization_role', $$SELECT rbac.update_organization_role('org_1', 'admin', 'X')$$),
('organization roles', 'update_organization_role', $$SELECT rbac.update_organization_role('org_1', 'org-editor', repeat('n', 1000000))$$),
('organization roles', 'update_organization_role', $$SELECT rbac.update_organization_role('org_1', 'org-editor', NULL, repeat('d', 1025))$$),
('organization roles', 'delete_organization_role', $$SELECT rbac.delete_organization_role('org_2', 'org-editor')$$),
('organization roles', 'delete_organization_role', $$SELECT rbac.delete_organization_role('org_1''--', 'org-editor')$$),
('organization roles', 'delete_organization_role', $$SELECT rbac.delete_organization_role('org_1', NULL)$$),
('organization roles', 'set_organization_role_permissions', $$SELECT rbac.set_organization_role_permissions('org_1', 'org-editor', '{NULL}')$$),
('organization roles', 'set_organization_role_permissions', $$SELECT rbac.set_organization_role_permissions('org_1', 'org-editor', '{{documents:read},{documents:write}}')$$),
('organization roles', 'set_organization_role_permissions', $$SELECT (rbac.set_organization_role_permissions('org_1', 'org-editor', array_fill('documents:write'::text, ARRAY[100000]))).slug$$),
('organization roles', 'set_organization_role_permissions', $$SELECT rbac.set_organization_role_permissions('org_1', 'org-editor', NULL)$$),
('organization roles', 'set_organization_role_permissions', $$SELECT rbac.set_organization_role_permissions('org_1', 'viewer', '{}')$$),
('organization roles', 'add_organization_role_permission', $$SELECT rbac.add_organization_role_permission('org_1', 'org-editor', repeat('a', 1000000))$$),
('organization roles', 'add_organization_role_permission', $$SELECT rbac.add_organization_role_permission('org_1', 'org-editor', NULL)$$),
('organization roles', 'add_organization_role_permission', $$SELECT rbac.add_organization_role_permission(repeat('o', 1000000), 'org-editor', 'documents:read')$$),
('organization roles', 'remove_organization_role_permission', $$SELECT rbac.remove_organization_role_permission('org_1', 'org-editor', 'documents:%')$$),
('organization roles', 'remove_organization_role_permission', $$SELECT rbac.remove_organization_role_permission('org_1', 'org-editor', '')$$),
('organization roles', 'set_organization_role_priority', $$SELECT rbac.set_organization_role_priority('org_1', 'org-editor', 0)$$),
('organization roles', 'set_organization_role_priority', $$SELECT rbac.set_organization_role_priority('org_1', 'org-editor', 2147483647)$$),
('organization roles', 'set_organization_role_priority', $$SELECT rbac.set_organization_role_priority('org_1', 'org-editor', -2147483648)$$),
('organization roles', 'set_organization_role_priority', $$SELECT rbac.set_organization_role_priority('org_9', 'admin', 0)$$),
('organization roles', 'set_organization_role_priority', $$SELECT rbac.set_organization_role_priority('org_2', 'org-editor', 1)$$),
('organization roles', 'set_organization_role_priority', $$SELECT rbac.set_organization_role_priority(repeat('o', 1000000), 'admin', 1)$$);

--
-- Default role and priority use
--
INSERT INTO h (grp, fn, sql) VALUES
('default role', 'set_default_role', $$SELECT rbac.set_default_role(repeat('a', 1000000))$$),
('default role', 'set_default_role', $$SELECT rbac.set_default_role('org-editor')$$),
('default role', 'set_default_role', $$SELECT rbac.set_default_role('admin', repeat('o', 1000000))$$),
('default role', 'set_default_role', $$SELECT rbac.set_default_role('admin', 'org' || chr(1))$$),
('default role', 'set_default_role', $$SELECT rbac.set_default_role('org-editor', 'org_2')$$),
('default role', 'set_default_role', $$SELECT rbac.set_default_role(NULL)$$),
('default role', 'set_default_role', $$SELECT rbac.set_default_role('admin''; --')$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role(NULL)$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{}')$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role(ARRAY[NULL]::text[])$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{admin,NULL}')$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{{admin,viewer},{viewer,admin}}')$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role(array_fill('x'::text, ARRAY[100000]))$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role(array_fill('viewer'::text, ARRAY[1000]) || '{admin}'::text[])$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{viewer,admin,viewer,admin}')$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role(ARRAY[repeat('a', 1000000)])$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{Admin}')$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{admin}', repeat('o', 1000000))$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{admin}', '')$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{org-editor}', 'org_2')$$),
('default role', 'highest_priority_role', $$SELECT rbac.highest_priority_role('{viewer,org-editor}', 'org_1')$$);

--
-- JSON functions and domain casts
--
INSERT INTO h (grp, fn, sql) VALUES
('json', 'list_roles_json', $$SELECT rbac.list_roles_json(repeat('o', 1000000))$$),
('json', 'list_roles_json', $$SELECT rbac.list_roles_json(E'\t')$$),
('json', 'list_roles_json', $$SELECT jsonb_array_length(rbac.list_roles_json('org_1''--') -> 'data')$$),
('json', 'role_json', $$SELECT rbac.role_json(NULL::rbac.role)$$),
('json', 'permission_json', $$SELECT rbac.permission_json(NULL::rbac.permission)$$),
('json', 'membership_json', $$SELECT rbac.membership_json(NULL::rbac.membership)$$),
('json', 'role_json', $$SELECT rbac.role_json(ROW('role_x', 'admin', repeat('n', 1000000), NULL, 'EnvironmentRole',
	NULL, 'organization', 1, now(), now())::rbac.role)$$),
('json', 'permission_json', $$SELECT rbac.permission_json(ROW('perm_x', 'Bad Slug', 'X', NULL, false,
	'organization', now(), now())::rbac.permission)$$),
('json', 'membership_json', $$SELECT rbac.membership_json(ROW('om_x', E'user\n', 'org_1', now(), now())::rbac.membership)$$),
('domains', 'permission_slug', $$SELECT 'Documents:Read'::rbac.permission_slug$$),
('domains', 'role_slug', $$SELECT repeat('a', 1000000)::rbac.role_slug$$),
('domains', 'organization_id', $$SELECT repeat('o', 1000000)::rbac.organization_id$$),
('domains', 'user_id', $$SELECT E'user\t1'::rbac.user_id$$),
('domains', 'display_name', $$SELECT ''::rbac.display_name$$),
('domains', 'description', $$SELECT repeat('d', 1000000)::rbac.description$$),
('domains', 'resource_type_slug', $$SELECT 'documents:read'::rbac.resource_type_slug$$),
('validators', 'is_valid_permission_slug', $$SELECT rbac.is_valid_permission_slug(repeat('a', 1000000))$$),
('validators', 'is_valid_permission_slug', $$SELECT rbac.is_valid_permission_slug('')$$),
('validators', 'is_valid_permission_slug', $$SELECT rbac.is_valid_permission_slug(U&'documents:re\0430d')$$),
('validators', 'is_valid_role_slug', $$SELECT rbac.is_valid_role_slug(chr(1))$$),
('validators', 'is_valid_role_slug', $$SELECT rbac.is_valid_role_slug(NULL)$$),
('validators', 'new_id', $$SELECT rbac.new_id(repeat('p', 1000000))$$),
('validators', 'new_id', $$SELECT rbac.new_id('')$$),
('validators', 'new_id', $$SELECT rbac.new_id('perm''; --')$$),
('validators', 'new_id', $$SELECT rbac.new_id('Perm')$$),
('validators', 'new_id', $$SELECT rbac.new_id('perm') ~ '^perm_[0-9A-HJKMNP-TV-Z]{26}$'$$);

--
-- Memberships
--
INSERT INTO h (grp, fn, sql) VALUES
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership(repeat('u', 1000000), 'org_1', '{viewer}')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('', 'org_1')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership(NULL, 'org_1')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', NULL)$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership(E'user\n9', 'org_1')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', repeat('o', 1000000))$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', 'org_1', '{}')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', 'org_1', '{NULL}')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', 'org_1', '{viewer,NULL}')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', 'org_1', '{{viewer,admin},{admin,viewer}}')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', 'org_1', array_fill('nope'::text, ARRAY[100000]))$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', 'org_1', '{viewer,admin}')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', 'org_1', ARRAY[repeat('a', 1000000)])$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_9', 'org_2', '{org-editor}')$$),
('memberships', 'create_organization_membership', $$SELECT rbac.create_organization_membership('user_1', 'org_1', '{viewer}')$$),
('memberships', 'get_organization_membership', $$SELECT rbac.get_organization_membership(repeat('u', 1000000), 'org_1')$$),
('memberships', 'get_organization_membership', $$SELECT rbac.get_organization_membership('user_1', repeat('o', 1000000))$$),
('memberships', 'get_organization_membership', $$SELECT rbac.get_organization_membership('user_1'' OR ''1''=''1', 'org_1')$$),
('memberships', 'get_organization_membership', $$SELECT rbac.get_organization_membership('user_%', 'org_1')$$),
('memberships', 'update_organization_membership', $$SELECT rbac.update_organization_membership('user_1', 'org_1', NULL)$$),
('memberships', 'update_organization_membership', $$SELECT rbac.update_organization_membership('user_1', 'org_1', '{}')$$),
('memberships', 'update_organization_membership', $$SELECT rbac.update_organization_membership('user_1', 'org_1', '{NULL}')$$),
('memberships', 'update_organization_membership', $$SELECT rbac.update_organization_membership('user_1', 'org_1', '{{viewer},{admin}}')$$),
('memberships', 'update_organization_membership', $$SELECT rbac.update_organization_membership('user_1', 'org_1', ARRAY[repeat('a', 1000000)])$$),
('memberships', 'update_organization_membership', $$SELECT rbac.update_organization_membership('user_1', 'org_1', '{viewer,org-editor}')$$),
('memberships', 'update_organization_membership', $$SELECT rbac.update_organization_membership('user_2', 'org_1', '{viewer}')$$),
('memberships', 'delete_organization_membership', $$SELECT rbac.delete_organization_membership(repeat('u', 1000000), 'org_1')$$),
('memberships', 'delete_organization_membership', $$SELECT rbac.delete_organization_membership('user_1', 'org_1''--')$$),
('memberships', 'delete_organization_membership', $$SELECT rbac.delete_organization_membership('user_1', NULL)$$),
('memberships', 'user_roles', $$SELECT rbac.user_roles(repeat('u', 1000000), 'org_1')$$),
('memberships', 'user_roles', $$SELECT rbac.user_roles('user_1', repeat('o', 1000000))$$),
('memberships', 'user_roles', $$SELECT rbac.user_roles('user_1'' OR ''1''=''1', 'org_1')$$),
('memberships', 'user_role', $$SELECT rbac.user_role('''; DROP TABLE rbac.role; --', 'org_1')$$),
('memberships', 'user_role', $$SELECT rbac.user_role('user_%', 'org_%')$$),
('memberships', 'user_permissions', $$SELECT count(*) FROM rbac.user_permissions('user_1', repeat('o', 1000000))$$),
('memberships', 'user_permissions', $$SELECT count(*) FROM rbac.user_permissions('user_1', 'org_1'' OR ''1''=''1')$$),
('memberships', 'set_multiple_roles', $$SELECT rbac.set_multiple_roles(NULL)$$);

--
-- The checks: malformed, unknown, NULL -> false or NULL, never an error
-- (except an array of more than one dimension: 2202E)
--
INSERT INTO h (grp, fn, sql) VALUES
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission(repeat('a', 1000000), 'documents:read')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', repeat('a', 1000000))$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', '')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('', 'documents:read')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission(NULL, 'documents:read')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', NULL)$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission(U&'\0430dmin', 'documents:read')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', U&'documents:re\0430d')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', U&'documents:read\200D')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', U&'\FF44ocuments:read')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', 'documents:%')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('viewer', 'documents:rea_')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('viewer', 'documents:*')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', E'documents:read\n')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', 'documents:read' || chr(1))$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin'' OR ''1''=''1', 'documents:read')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', 'documents:read'' OR ''1''=''1')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('admin', 'documents:read', repeat('o', 1000000))$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('org-editor', 'documents:write', 'org_1 ')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('org-editor', 'documents:write', 'org_1''--')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('org-editor', 'documents:write', 'ORG_1')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('org-editor', 'documents:write', NULL)$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('org-editor', 'documents:write', '')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('org-editor', 'documents:write', E'org_1\t')$$),
('checks', 'role_has_permission', $$SELECT rbac.role_has_permission('org-editor', 'documents:write', 'org_1')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{}', 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{NULL}', 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{NULL,viewer}', 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission(NULL, 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{viewer}', NULL)$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission(array_fill('viewer'::text, ARRAY[100000]), 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission(array_fill('x'::text, ARRAY[100000]), 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission(array_fill('x'::text, ARRAY[100000]) || '{admin}'::text[], 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission(ARRAY[repeat('a', 1000000)], 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{viewer,viewer,viewer}', 'documents:write')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('[2:3]={viewer,admin}'::text[], 'documents:write')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{{viewer,admin},{x,y}}', 'documents:read')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{{{{admin}}}}', 'documents:read', 'org_1')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{viewer,org-editor}', 'documents:write', 'org_1')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{viewer,org-editor}', 'documents:write', 'org_2')$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission('{viewer,org-editor}', 'documents:write', repeat('o', 1000000))$$),
('checks', 'roles_have_permission', $$SELECT rbac.roles_have_permission(ARRAY[U&'org-edit\043Er'], 'documents:write', 'org_1')$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission(repeat('u', 1000000), 'org_1', 'documents:write')$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission('user_1', repeat('o', 1000000), 'documents:write')$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission('user_1', 'org_1', repeat('a', 1000000))$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission('user_1', 'org_1', NULL)$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission('user_1'' OR ''1''=''1', 'org_1', 'documents:write')$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission('user_1', 'org_1', 'documents:writ_')$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission('user_1', E'org_1\n', 'documents:write')$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission('', '', 'documents:write')$$),
('checks', 'user_has_permission', $$SELECT rbac.user_has_permission('user_1', 'org_1', 'documents:write')$$),
('checks', 'organizations_with_permission', $$SELECT count(*) FROM rbac.organizations_with_permission(repeat('u', 1000000), 'documents:write')$$),
('checks', 'organizations_with_permission', $$SELECT count(*) FROM rbac.organizations_with_permission('user_1', repeat('a', 1000000))$$),
('checks', 'organizations_with_permission', $$SELECT count(*) FROM rbac.organizations_with_permission('user_1', '*')$$),
('checks', 'organizations_with_permission', $$SELECT count(*) FROM rbac.organizations_with_permission('user_%', 'documents:write')$$),
('checks', 'organizations_with_permission', $$SELECT count(*) FROM rbac.organizations_with_permission(NULL, 'documents:write')$$),
('checks', 'organizations_with_permission', $$SELECT string_agg(o, ',') FROM rbac.organizations_with_permission('user_1', 'documents:write') o$$),
('checks', 'has_permission', $$SELECT rbac.has_permission(NULL)$$),
('checks', 'has_permission', $$SELECT rbac.has_permission('documents:read', NULL)$$),
('checks', 'has_permission', $$SELECT rbac.has_permission(repeat('a', 1000000))$$),
('checks', 'has_permission', $$SELECT rbac.has_permission('documents:read')$$);

--
-- The request's principal: settings and claims.  A true answer here is a
-- control: the same principal, well-formed.
--
INSERT INTO h (grp, fn, label, sql, gucs) VALUES
-- rbac.role
('principal', 'has_permission', 'rbac.role = 1 MB', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['rbac.role', repeat('a', 1000000)]),
('principal', 'has_permission', 'rbac.role = viewer + 100000 commas', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['rbac.role', 'viewer' || repeat(',', 100000)]),
('principal', 'has_permission', 'rbac.role = VIEWER', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['rbac.role', 'VIEWER']),
('principal', 'has_permission', 'rbac.role = '' viewer , nope ''', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['rbac.role', ' viewer , nope ']),
('principal', 'has_permission', 'rbac.role = viewer + newline', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['rbac.role', E'viewer\n']),
('principal', 'has_permission', 'rbac.role = viewer'' OR ''1''=''1', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['rbac.role', 'viewer'' OR ''1''=''1']),
('principal', 'has_permission', 'rbac.role = Cyrillic a in admin', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['rbac.role', U&'\0430dmin']),
('principal', 'has_permission', 'rbac.role = 40 junk roles, then admin (1.1: every role counts)', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['rbac.role', repeat('x,', 40) || 'admin']),
('principal', 'has_permission', 'rbac.role = viewer, organization org_2, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['rbac.role', 'viewer', 'rbac.organization_id', 'org_2']),
('principal', 'has_permission', 'rbac.role = viewer, organization org_1''--, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['rbac.role', 'viewer', 'rbac.organization_id', 'org_1''--']),
('principal', 'has_permission', 'rbac.role = viewer, organization of 200 characters, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['rbac.role', 'viewer', 'rbac.organization_id', repeat('o', 200)]),
('principal', 'has_permission', 'rbac.role = viewer, organization of 1 MB, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['rbac.role', 'viewer', 'rbac.organization_id', repeat('o', 1000000)]),
('principal', 'has_permission', 'rbac.role = viewer, organization org_1, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['rbac.role', 'viewer', 'rbac.organization_id', 'org_1']),
-- rbac.user_id
('principal', 'has_permission', 'rbac.user_id = 1 MB, organization org_1', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['rbac.user_id', repeat('u', 1000000), 'rbac.organization_id', 'org_1']),
('principal', 'has_permission', 'rbac.user_id = user_1, organization of 1 MB', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['rbac.user_id', 'user_1', 'rbac.organization_id', repeat('o', 1000000)]),
('principal', 'has_permission', 'rbac.user_id = user_1'' OR ''1''=''1, organization org_1', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['rbac.user_id', 'user_1'' OR ''1''=''1', 'rbac.organization_id', 'org_1']),
('principal', 'has_permission', 'rbac.user_id = user_%, organization org_1', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['rbac.user_id', 'user_%', 'rbac.organization_id', 'org_1']),
('principal', 'has_permission', 'rbac.user_id = user_1, organization org_1', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['rbac.user_id', 'user_1', 'rbac.organization_id', 'org_1']),
-- request.jwt.claims: wrong types, not an object, malformed, deep, huge
('claims', 'has_permission', '{"role": [1, 2]}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": [1, 2]}']),
('claims', 'has_permission', '{"role": 1}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": 1}']),
('claims', 'has_permission', '{"role": {"slug": "admin"}}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": {"slug": "admin"}}']),
('claims', 'has_permission', '{"roles": "admin"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"roles": "admin"}']),
('claims', 'has_permission', '{"roles": [1, null, {"a": 1}, ["admin"], "viewer"]}, asked to write', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['request.jwt.claims', '{"roles": [1, null, {"a": 1}, ["admin"], "viewer"]}']),
('claims', 'has_permission', '{"roles": [1, null, {"a": 1}, ["admin"], "viewer"]}, asked to read', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"roles": [1, null, {"a": 1}, ["admin"], "viewer"]}']),
('claims', 'has_permission', '{"role": "admin"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin"}']),
('claims', 'has_permission', '{"role": "admin", "org_id": 123}, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['request.jwt.claims', '{"role": "admin", "org_id": 123}']),
('claims', 'has_permission', '{"role": "admin", "org_id": ["org_1"]}, asked about org_2', $$SELECT rbac.has_permission('documents:read', 'org_2')$$,
	ARRAY['request.jwt.claims', '{"role": "admin", "org_id": ["org_1"]}']),
('claims', 'has_permission', '{"role": "admin", "org_id": <200 characters>}, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['request.jwt.claims', '{"role": "admin", "org_id": "' || repeat('o', 200) || '"}']),
('claims', 'has_permission', '{"role": "admin", "org_id": "org_2"}, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['request.jwt.claims', '{"role": "admin", "org_id": "org_2"}']),
('claims', 'has_permission', '{"role": "admin", "org_id": null}, asked about org_1', $$SELECT rbac.has_permission('documents:read', 'org_1')$$,
	ARRAY['request.jwt.claims', '{"role": "admin", "org_id": null}']),
('claims', 'has_permission', '{"role": "org-editor", "org_id": "ORG_1"}, asked about org_1', $$SELECT rbac.has_permission('documents:write', 'org_1')$$,
	ARRAY['request.jwt.claims', '{"role": "org-editor", "org_id": "ORG_1"}']),
('claims', 'has_permission', '{"role": "org-editor", "org_id": "org_1"}', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['request.jwt.claims', '{"role": "org-editor", "org_id": "org_1"}']),
('claims', 'has_permission', '[]', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '[]']),
('claims', 'has_permission', '[{"role": "admin"}]', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '[{"role": "admin"}]']),
('claims', 'has_permission', '"x"', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '"x"']),
('claims', 'has_permission', '1e999', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '1e999']),
('claims', 'has_permission', 'null', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', 'null']),
('claims', 'has_permission', 'not json', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', 'not json']),
('claims', 'has_permission', '{"role": "admin"  (unterminated)', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin"']),
('claims', 'has_permission', '{"role": "admin"}garbage', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin"}garbage']),
('claims', 'has_permission', '{"role": "admin", }', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin", }']),
('claims', 'has_permission', '{''role'': ''admin''}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{''role'': ''admin''}']),
('claims', 'has_permission', '{"role": "admin"} + white space', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', E' \n\t{"role": "admin"}\r\n ']),
('claims', 'has_permission', '{"x": 10000 x [, then 10000 x ], "role": "admin"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"x": ' || repeat('[', 10000) || repeat(']', 10000) || ', "role": "admin"}']),
('claims', 'has_permission', '{"role": "admin", "x": 10000 nested objects}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin", "x": ' || repeat('{"a": ', 10000) || '1' || repeat('}', 10000) || '}']),
('claims', 'has_permission', '{"roles": 10000 x [}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"roles": ' || repeat('[', 10000)]),
('claims', 'has_permission', '10000 x [', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', repeat('[', 10000)]),
('claims', 'has_permission', '{"role": "adm\u0069n"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "adm\u0069n"}']),
('claims', 'has_permission', '{"r\u006fle": "admin"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"r\u006fle": "admin"}']),
('claims', 'has_permission', '{"role": "admin\u0000"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin\u0000"}']),
('claims', 'has_permission', '{"role": "admin\ud800"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin\ud800"}']),
('claims', 'has_permission', '{"role": "admin\n"} (escaped newline)', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin\n"}']),
('claims', 'has_permission', '{"role": "admin" + raw tab}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', E'{"role": "admin\t"}']),
('claims', 'has_permission', '{"role": "ADMIN"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "ADMIN"}']),
('claims', 'has_permission', '{"role": " admin"}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": " admin"}']),
('claims', 'has_permission', '{"role": "\u0430dmin"} (Cyrillic a)', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "\u0430dmin"}']),
('claims', 'has_permission', '{"role": "viewer", "role": "admin"}, asked to write', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['request.jwt.claims', '{"role": "viewer", "role": "admin"}']),
('claims', 'has_permission', '{"role": <1 MB>}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "' || repeat('a', 1000000) || '"}']),
('claims', 'has_permission', '{"role": "admin", "x": <1 MB string>}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"role": "admin", "x": "' || repeat('a', 1000000) || '"}']),
('claims', 'has_permission', '{"roles": [100000 x "x", "admin"]}', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"roles": [' || repeat('"x", ', 100000) || '"admin"]}']),
('claims', 'has_permission', '{"roles": ["viewer", <1 MB>, "admin"]}, asked to write', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['request.jwt.claims', '{"roles": ["viewer", "' || repeat('a', 1000000) || '", "admin"]}']),
('claims', 'has_permission', '{"role": "admin"} with a NUL-free binary key', $$SELECT rbac.has_permission('documents:read')$$,
	ARRAY['request.jwt.claims', '{"' || convert_from('\x1b5b306d01027f'::bytea, 'UTF8') || '": 1, "role": "admin"}']),
('claims', 'has_permission', '{"role": "admin"}, rbac.role = viewer wins, asked to write', $$SELECT rbac.has_permission('documents:write')$$,
	ARRAY['request.jwt.claims', '{"role": "admin"}', 'rbac.role', 'viewer']);

--
-- Direct DML and the internal functions (callable by an administrator)
--
INSERT INTO h (grp, fn, sql) VALUES
('dml', 'INSERT permission', $$INSERT INTO rbac.permission (slug, name) VALUES (repeat('a', 1000000), 'x')$$),
('dml', 'INSERT permission', $$INSERT INTO rbac.permission (slug, name) VALUES ('x:y', repeat('n', 1000000))$$),
('dml', 'INSERT permission', $$INSERT INTO rbac.permission (id, slug, name) VALUES ('perm_''; --', 'x:y', 'X')$$),
('dml', 'UPDATE permission', $$UPDATE rbac.permission SET slug = 'documents:read2' WHERE slug = 'documents:read'$$),
('dml', 'UPDATE permission', $$UPDATE rbac.permission SET name = repeat('n', 1000000)$$),
('dml', 'INSERT role', $$INSERT INTO rbac.role (slug, name, organization_id) VALUES ('org-x', 'X', repeat('o', 1000000))$$),
('dml', 'INSERT role', $$INSERT INTO rbac.role (slug, name, organization_id) VALUES ('x', 'X', 'org_1')$$),
('dml', 'INSERT role', $$INSERT INTO rbac.role (slug, name, type) VALUES ('x', 'X', 'SuperRole')$$),
('dml', 'UPDATE role', $$UPDATE rbac.role SET organization_id = 'org_2' WHERE slug = 'org-editor'$$),
('dml', 'INSERT role_permission', $$INSERT INTO rbac.role_permission (role_id, permission_slug) VALUES ('role_x', 'documents:read')$$),
('dml', 'INSERT role_permission', $$INSERT INTO rbac.role_permission (role_id, permission_slug)
	SELECT id, 'Documents:Read' FROM rbac.role WHERE slug = 'viewer'$$),
('dml', 'INSERT membership', $$INSERT INTO rbac.membership (user_id, organization_id) VALUES (E'user\n', 'org_1')$$),
('dml', 'INSERT membership_role', $$INSERT INTO rbac.membership_role (membership_id, role_id)
	SELECT m.id, r.id FROM rbac.membership m, rbac.role r WHERE m.user_id = 'user_1' AND r.slug = 'admin'
	UNION ALL SELECT 'om_x', 'role_x'$$),
('dml', 'INSERT role_order', $$INSERT INTO rbac.role_order (organization_id, role_id, sort_key) VALUES ('org_2', 'role_x', 'NaN')$$),
('dml', 'INSERT default_role', $$INSERT INTO rbac.default_role (organization_id, role_id) VALUES ('org_2''--', 'role_x')$$),
('dml', 'INSERT role_order', $$INSERT INTO rbac.role_order (organization_id, role_id, sort_key) VALUES ('org_2', repeat('r', 1000000), 1)$$),
('dml', 'INSERT membership_role', $$INSERT INTO rbac.membership_role (membership_id, role_id) VALUES (repeat('m', 1000000), 'role_x')$$),
('dml', 'INSERT organization_order', $$INSERT INTO rbac.organization_order (organization_id) VALUES (E'\x01')$$),
('dml', 'INSERT setting', $$INSERT INTO rbac.setting (singleton) VALUES (false)$$),
('internal', 'move_in_list', $$SELECT rbac.move_in_list('org_1', 'role_x', 1)$$),
('internal', 'ensure_own_order', $$SELECT rbac.ensure_own_order(repeat('o', 1000000))$$),
('internal', 'insert_role', $$SELECT rbac.insert_role('org_1', 'admin', 'X', NULL, 'organization')$$),
('internal', 'membership_role_ids', $$SELECT rbac.membership_role_ids('org_1', '{}')$$),
('internal', 'own_organization_role', $$SELECT rbac.own_organization_role('org_1', 'admin')$$),
('internal', 'priority_list', $$SELECT count(*) FROM rbac.priority_list(repeat('o', 1000000))$$),
('internal', 'has_own_order', $$SELECT rbac.has_own_order(repeat('o', 1000000))$$),
('internal', 'lock_list', $$SELECT rbac.lock_list(repeat('o', 1000000))$$),
('internal', 'touch_roles_with_permission', $$SELECT rbac.touch_roles_with_permission(repeat('a', 1000000))$$),
('internal', 'invalidate_cache', $$SELECT rbac.invalidate_cache()$$);

SELECT count(*) AS inputs, count(DISTINCT fn) AS functions FROM h;

-- every input, in order (the principal inputs are shown by their label)
SELECT n, grp, fn, coalesce(label, sql) AS input, pg_temp.try(sql, gucs) AS result
FROM h ORDER BY n;

--
-- Values that look hostile but are valid are stored exactly as given (in a
-- transaction rolled back afterwards)
--
CREATE TEMP TABLE accepted (n serial, fn text, sql text);
INSERT INTO accepted (fn, sql) VALUES
('create_permission', $$SELECT name FROM rbac.create_permission('meta:name', '''; DROP TABLE rbac.role; --')$$),
('create_permission', $q$SELECT description FROM rbac.create_permission('meta:desc', 'x', E'back\\slash %_ $$ "quotes" \t tab')$q$),
('create_permission', $$SELECT length(slug) || ' ' || length(name) || ' ' || length(description)
	FROM rbac.create_permission(repeat('a', 128), repeat('n', 512), repeat(U&'\00E9', 1024))$$),
('create_role', $$SELECT name FROM rbac.create_role('meta-role', U&'\00C1dmin \2713 \7BA1\7406\8005 \0430')$$),
('create_role', $$SELECT slug FROM rbac.create_role(repeat('r', 128), 'Longest')$$),
('create_organization_role', $$SELECT organization_id FROM rbac.create_organization_role('org_1''; DROP TABLE rbac.role; --', 'org-meta', 'X')$$),
('list_organization_roles', $$SELECT string_agg(slug, ',') FROM rbac.list_organization_roles('org_1''; DROP TABLE rbac.role; --')$$),
('create_organization_role', $$SELECT organization_id FROM rbac.create_organization_role('org "quoted" \ %_ ' || U&'\200D', 'org-', 'X')$$),
('create_organization_role', $$SELECT organization_id FROM rbac.create_organization_role(repeat(U&'\00F6', 128), 'org-long', 'X')$$),
('create_organization_membership', $$SELECT user_id FROM rbac.create_organization_membership('user''"\%_', 'org_1', '{viewer}')$$),
('user_roles', $$SELECT rbac.user_roles('user''"\%_', 'org_1')::text$$),
('create_organization_membership', $$SELECT user_id FROM rbac.create_organization_membership('user_dup', 'org_1', '{viewer,viewer,viewer}')$$),
('create_organization_membership', $$SELECT user_id FROM rbac.create_organization_membership('user_many', 'org_1', array_fill('viewer'::text, ARRAY[1000]))$$),
('user_roles', $$SELECT rbac.user_roles('user_dup', 'org_1')::text || rbac.user_roles('user_many', 'org_1')::text$$),
('set_role_permissions', $$SELECT slug FROM rbac.set_role_permissions('viewer', '{}')$$),
('role_json', $$SELECT rbac.role_json(rbac.get_role('viewer')) -> 'permissions'$$),
('set_role_permissions', $$SELECT slug FROM rbac.set_role_permissions('viewer', '{documents:read,documents:read,documents:*,documents:*}')$$),
('role_json', $$SELECT rbac.role_json(rbac.get_role('viewer')) -> 'permissions'$$),
('update_permission', $$SELECT coalesce(description, 'NULL') || '|' FROM rbac.update_permission('documents:read', NULL, '')$$),
('update_role', $$SELECT name FROM rbac.update_role('viewer', E'line\nbreak')$$),
('names', $$SELECT count(*) FROM rbac.permission WHERE name = '''; DROP TABLE rbac.role; --'$$),
('names', $$SELECT count(*) FROM rbac.role WHERE organization_id LIKE 'org\_1''%'$$);
BEGIN;
SELECT n, fn, pg_temp.try(sql) AS result FROM accepted ORDER BY n;
ROLLBACK;

--
-- Nothing was stored, the catalog is as before, the server still answers
--
SELECT (SELECT count(*) FROM h) + (SELECT count(*) FROM accepted) AS hostile_inputs;
SELECT b.tab, b.n AS before, a.n AS after, a.digest IS NOT DISTINCT FROM b.digest AS same_rows
FROM state_before b JOIN pg_temp.catalog_state() a USING (tab);
SELECT rbac.role_has_permission('admin', 'documents:read') AS admin_read,
	   rbac.user_has_permission('user_1', 'org_1', 'documents:write') AS member_write;
SELECT 1 AS still_answering;
