--
-- test/exact_calls.sql -- rbac's own calls are type-exact (SPEC 5.1)
--
-- Whoever can create functions in schema rbac must not be able to slip an
-- overload under rbac's code: every call an rbac SQL or PL/pgSQL function
-- makes to an rbac function must pass exactly the parameter types, so that no
-- overload on a domain, an array of a domain, a row type, varchar, name,
-- "char" or a polymorphic type is ever a better match.
--
-- This script plants such overloads -- for every function in schema rbac,
-- every argument position (of the full argument list and of each shorter list
-- the defaults allow) and every candidate type, one function with that type
-- at that position that counts its calls in the sequence public.plant_hits
-- (nextval survives the rollbacks of failed calls) -- then runs a scenario
-- that calls every management function, direct DML on every catalog table
-- (the trigger paths, error branches included), every JSON function and
-- every check, then calls whatever the scenario missed with NULL arguments.
-- A plant that is called is a call that overload resolution could hand to
-- someone else's function.
--
-- Run as a superuser, in a fresh session (plans cached before the plants
-- exist would hide them), in a database with rbac installed:
--     psql -X -f test/exact_calls.sql
-- Everything but the sequence happens in one transaction that is rolled back,
-- so the database is left as it was and the script can run again.  The last
-- line is "plant hits: N"; anything but 0 is a finding (the WARNING lines
-- "PLANT HIT <function>(<types>)" name the overloads that were called).
-- "unexpected:" lines are scenario steps whose outcome (ok or SQLSTATE) was
-- not the one written here, "not called:" lists rbac functions the run never
-- called (inlined SQL functions do not count as called); both explain gaps,
-- neither is a hit.
--
\set ON_ERROR_STOP 1
\set QUIET 1
\pset pager off
SET client_min_messages = warning;

DROP SEQUENCE IF EXISTS public.plant_hits;
CREATE SEQUENCE public.plant_hits;
DISCARD PLANS;

BEGIN;
SET LOCAL track_functions = 'all';

-- The functions to plant around: rbac's own, before any plant exists.
CREATE TEMP TABLE plant_target ON COMMIT DROP AS
SELECT p.oid, p.proname, ARRAY(SELECT unnest(p.proargtypes::oid[])) AS argtypes, p.pronargs,
	   p.pronargdefaults, p.prorettype, p.proretset, p.prokind,
	   pg_catalog.pg_get_function_result(p.oid) AS result
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'rbac'::regnamespace
  -- the extension's own functions (not what someone else left in the schema)
  AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
			  WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
				AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
				AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e
								  WHERE e.extname = 'rbac'));

CREATE TEMP TABLE plant_log (what text, detail text) ON COMMIT DROP;

DO $plant$
DECLARE
	f record;
	cand oid[];
	t oid;
	k integer;
	i integer;
	types oid[];
	typelist text;
	ret text;
	made integer := 0;
	skipped integer := 0;
BEGIN
	SELECT array_agg(x ORDER BY ord, x) INTO cand
	FROM (SELECT ty.oid, 1 FROM pg_catalog.pg_type ty
		  WHERE ty.typnamespace = 'rbac'::regnamespace AND ty.typtype = 'd'
		  UNION ALL
		  SELECT ty.typarray, 2 FROM pg_catalog.pg_type ty
		  WHERE ty.typnamespace = 'rbac'::regnamespace AND ty.typtype = 'd'
			AND ty.typarray <> 0
		  UNION ALL
		  SELECT ty.oid, 3 FROM pg_catalog.pg_type ty
		  JOIN pg_catalog.pg_class c ON c.oid = ty.typrelid
		  WHERE ty.typnamespace = 'rbac'::regnamespace AND ty.typtype = 'c'
			AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
		  UNION ALL
		  SELECT x::oid, 4
		  FROM unnest(ARRAY['varchar', 'name', '"char"', 'anyelement',
							'anycompatible', 'anynonarray']::regtype[]) x) s(x, ord);

	FOR f IN SELECT * FROM plant_target
			 WHERE prokind = 'f'
			   AND prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
			 ORDER BY proname, oid
	LOOP
		IF f.prorettype = 'void'::regtype OR f.proretset OR f.result LIKE 'TABLE(%' THEN
			ret := 'RETURN;';
		ELSE
			ret := 'RETURN NULL;';
		END IF;
		FOR k IN f.pronargs - f.pronargdefaults .. f.pronargs LOOP
			FOR i IN 1 .. k LOOP
				FOREACH t IN ARRAY cand LOOP
					CONTINUE WHEN t = f.argtypes[i];
					types := f.argtypes[1:k];
					types[i] := t;
					CONTINUE WHEN EXISTS (
						SELECT 1 FROM pg_catalog.pg_proc p
						WHERE p.pronamespace = 'rbac'::regnamespace
						  AND p.proname = f.proname
						  AND p.proargtypes = pg_catalog.array_to_string(types, ' ')::oidvector);
					SELECT string_agg(pg_catalog.format_type(a, NULL), ', ' ORDER BY n)
					INTO typelist FROM unnest(types) WITH ORDINALITY u(a, n);
					BEGIN
						EXECUTE format($f$
CREATE FUNCTION rbac.%I(%s) RETURNS %s
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
	PERFORM pg_catalog.nextval('public.plant_hits'::pg_catalog.regclass);
	RAISE WARNING 'PLANT HIT %%', %L;
	%s
END
$body$$f$,
							f.proname, typelist, f.result,
							format('rbac.%s(%s)', f.proname, typelist), ret);
						made := made + 1;
					EXCEPTION WHEN OTHERS THEN
						skipped := skipped + 1;
						INSERT INTO plant_log
						VALUES ('skipped', format('rbac.%s(%s): %s', f.proname, typelist, SQLERRM));
					END;
				END LOOP;
			END LOOP;
		END LOOP;
	END LOOP;
	INSERT INTO plant_log VALUES ('made', made::text), ('skipped', skipped::text);
END
$plant$;

SELECT format('plants: %s created, %s not creatable',
			  (SELECT detail FROM plant_log WHERE what = 'made'),
			  (SELECT count(*) FROM plant_log WHERE what = 'skipped' AND detail LIKE 'rbac.%'))
	   AS plants \gset
\echo :plants

-- The scenario's own output is noise: only warnings and the summary count.
\o /dev/null

-- One scenario step: the statements in one subtransaction; the outcome is ok
-- or the SQLSTATE of the first error.  expect '*' takes either.
CREATE TEMP TABLE step_log (n serial, label text, expect text, outcome text, message text)
	ON COMMIT DROP;
CREATE FUNCTION pg_temp.step(label text, expect text, VARIADIC stmts text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	s text;
	outcome text := 'ok';
	msg text;
BEGIN
	BEGIN
		FOREACH s IN ARRAY stmts LOOP
			EXECUTE s;
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		outcome := SQLSTATE;
		msg := SQLERRM;
	END;
	INSERT INTO step_log (label, expect, outcome, message) VALUES (label, expect, outcome, msg);
END
$$;

-- a role row that no longer exists (lock_role's "deleted meanwhile" branches)
CREATE FUNCTION pg_temp.ghost(org text) RETURNS rbac.role LANGUAGE sql AS $$
	SELECT pg_catalog.jsonb_populate_record(NULL::rbac.role,
		pg_catalog.jsonb_build_object('id', 'role_00000000000000000000000000',
									  'slug', CASE WHEN org IS NULL THEN 'ghost' ELSE 'org-ghost' END,
									  'name', 'Ghost', 'organization_id', org))
$$;

-- A step that must be rolled back ends with this (P0099).
\set undo 'DO $u$ BEGIN RAISE SQLSTATE ''P0099''; END $u$'

------------------------------------------------------------------------------
-- Validators and ids (C)
------------------------------------------------------------------------------
SELECT pg_temp.step('validators', 'ok',
	$$SELECT rbac.is_valid_permission_slug('a:b'::text), rbac.is_valid_role_slug('a'::text),
			 rbac.check_permission_slug('a:b'::text), rbac.check_role_slug('a'::text),
			 rbac.check_resource_type_slug('organization'::text), rbac.check_name('N'::text),
			 rbac.check_description('D'::text), rbac.check_organization_id('org_1'::text),
			 rbac.check_user_id('u1'::text), rbac.new_id('x'::text)$$);

------------------------------------------------------------------------------
-- Permissions
------------------------------------------------------------------------------
SELECT pg_temp.step('create_permission', 'ok',
	$$SELECT rbac.create_permission('documents:read'::text, 'Read documents'::text)$$,
	$$SELECT rbac.create_permission('documents:write'::text, 'Write documents'::text,
									'Write'::text, 'organization'::text)$$,
	$$SELECT rbac.create_permission('documents:delete'::text, 'Delete documents'::text, NULL::text)$$,
	$$SELECT rbac.create_permission('tmp:x'::text, 'Temporary'::text)$$);
SELECT pg_temp.step('create_permission duplicate', '23505',
	$$SELECT rbac.create_permission('documents:read'::text, 'Again'::text)$$);
SELECT pg_temp.step('create_permission null slug', '22023',
	$$SELECT rbac.create_permission(NULL::text, 'X'::text)$$);
SELECT pg_temp.step('create_permission null name', '22023',
	$$SELECT rbac.create_permission('a:b'::text, NULL::text)$$);
SELECT pg_temp.step('create_permission null resource type', '22023',
	$$SELECT rbac.create_permission('a:b'::text, 'X'::text, NULL::text, NULL::text)$$);
SELECT pg_temp.step('create_permission bad slug', '22023',
	$$SELECT rbac.create_permission('bad slug'::text, 'X'::text)$$);
SELECT pg_temp.step('get_permission', 'ok',
	$$SELECT rbac.get_permission('documents:read'::text)$$);
SELECT pg_temp.step('get_permission unknown', '42704',
	$$SELECT rbac.get_permission('no:such'::text)$$);
SELECT pg_temp.step('get_permission null', '22023',
	$$SELECT rbac.get_permission(NULL::text)$$);
SELECT pg_temp.step('list_permissions', 'ok',
	$$SELECT count(*) FROM rbac.list_permissions()$$,
	$$SELECT count(*) FROM rbac.list_permissions(2, NULL::text, NULL::text, 'asc'::text)$$,
	$$SELECT count(*) FROM rbac.list_permissions(2, 'perm_ZZZZZZZZZZZZZZZZZZZZZZZZZZ'::text, NULL::text, 'desc'::text)$$,
	$$SELECT count(*) FROM rbac.list_permissions(2, NULL::text, 'perm_00000000000000000000000000'::text, 'normal'::text)$$,
	$$SELECT count(*) FROM rbac.list_permissions(2, 'perm_ZZZZZZZZZZZZZZZZZZZZZZZZZZ'::text,
												 'perm_00000000000000000000000000'::text, 'asc'::text)$$);
SELECT pg_temp.step('list_permissions bad limit', '22023',
	$$SELECT count(*) FROM rbac.list_permissions(0, NULL::text, NULL::text, 'asc'::text)$$);
SELECT pg_temp.step('list_permissions bad order', '22023',
	$$SELECT count(*) FROM rbac.list_permissions(10, NULL::text, NULL::text, 'sideways'::text)$$);
SELECT pg_temp.step('list_permissions null order', '22023',
	$$SELECT count(*) FROM rbac.list_permissions(10, NULL::text, NULL::text, NULL::text)$$);
SELECT pg_temp.step('update_permission', 'ok',
	$$SELECT rbac.update_permission('documents:read'::text, 'Read'::text, 'Reads'::text)$$,
	$$SELECT rbac.update_permission('documents:read'::text)$$);
SELECT pg_temp.step('update_permission unknown', '42704',
	$$SELECT rbac.update_permission('no:such'::text, NULL::text, NULL::text)$$);
SELECT pg_temp.step('system permission by DML', 'ok',
	$$INSERT INTO rbac.permission (slug, name, system) VALUES ('sys:x', 'System', true)$$,
	$$UPDATE rbac.permission SET name = 'System 2' WHERE slug = 'sys:x'$$);
SELECT pg_temp.step('delete_permission system', '42501',
	$$SELECT rbac.delete_permission('sys:x'::text)$$);
SELECT pg_temp.step('DELETE system permission', '42501',
	$$DELETE FROM rbac.permission WHERE slug = 'sys:x'$$);
SELECT pg_temp.step('UPDATE permission slug', '22023',
	$$UPDATE rbac.permission SET slug = 'sys:y' WHERE slug = 'sys:x'$$);
SELECT pg_temp.step('UPDATE permission id', '22023',
	$$UPDATE rbac.permission SET id = rbac.new_id('perm'::text) WHERE slug = 'sys:x'$$);
SELECT pg_temp.step('TRUNCATE permission', '42501',
	$$TRUNCATE rbac.permission CASCADE$$);
SELECT pg_temp.step('may_manage_system_permissions', 'ok',
	$$SELECT rbac.may_manage_system_permissions()$$);

------------------------------------------------------------------------------
-- Environment and organization roles
------------------------------------------------------------------------------
SELECT pg_temp.step('create_role', 'ok',
	$$SELECT rbac.create_role('viewer'::text, 'Viewer'::text)$$,
	$$SELECT rbac.create_role('editor'::text, 'Editor'::text, 'Edits'::text, 'organization'::text)$$,
	$$SELECT rbac.create_role('admin'::text, 'Admin'::text, NULL::text)$$,
	$$SELECT rbac.create_role('member'::text, 'Member'::text)$$,
	$$SELECT rbac.create_role('temp'::text, 'Temp'::text)$$);
SELECT pg_temp.step('create_role duplicate', '23505',
	$$SELECT rbac.create_role('viewer'::text, 'Again'::text)$$);
SELECT pg_temp.step('create_role null slug', '22023',
	$$SELECT rbac.create_role(NULL::text, 'X'::text)$$);
SELECT pg_temp.step('create_role null name', '22023',
	$$SELECT rbac.create_role('x'::text, NULL::text)$$);
SELECT pg_temp.step('create_role null resource type', '22023',
	$$SELECT rbac.create_role('x'::text, 'X'::text, NULL::text, NULL::text)$$);
SELECT pg_temp.step('create_role org- prefix', '22023',
	$$SELECT rbac.create_role('org-x'::text, 'X'::text)$$);
SELECT pg_temp.step('create_organization_role', 'ok',
	$$SELECT rbac.create_organization_role('org_1'::text, 'org-reader'::text, 'Reader'::text)$$,
	$$SELECT rbac.create_organization_role('org_1'::text, 'org-temp'::text, 'Temp'::text, NULL::text)$$,
	$$SELECT rbac.create_organization_role('org_2'::text, 'org-other'::text, 'Other'::text,
										   'Of org_2'::text, 'organization'::text)$$);
SELECT pg_temp.step('create_organization_role duplicate', '23505',
	$$SELECT rbac.create_organization_role('org_1'::text, 'org-reader'::text, 'Again'::text)$$);
SELECT pg_temp.step('create_organization_role null org', '22023',
	$$SELECT rbac.create_organization_role(NULL::text, 'org-x'::text, 'X'::text)$$);
SELECT pg_temp.step('create_organization_role bad org', '22023',
	$$SELECT rbac.create_organization_role(E'org\x01'::text, 'org-x'::text, 'X'::text)$$);
SELECT pg_temp.step('create_organization_role no prefix', '22023',
	$$SELECT rbac.create_organization_role('org_1'::text, 'plain'::text, 'X'::text)$$);
SELECT pg_temp.step('get_role', 'ok',
	$$SELECT rbac.get_role('viewer'::text)$$);
SELECT pg_temp.step('get_role unknown', '42704',
	$$SELECT rbac.get_role('nobody'::text)$$);
SELECT pg_temp.step('get_role null', '22023',
	$$SELECT rbac.get_role(NULL::text)$$);
SELECT pg_temp.step('get_organization_role', 'ok',
	$$SELECT rbac.get_organization_role('org_1'::text, 'org-reader'::text)$$,
	$$SELECT rbac.get_organization_role('org_1'::text, 'viewer'::text)$$);
SELECT pg_temp.step('get_organization_role unknown', '42704',
	$$SELECT rbac.get_organization_role('org_1'::text, 'org-other'::text)$$);
SELECT pg_temp.step('get_organization_role null org', '22023',
	$$SELECT rbac.get_organization_role(NULL::text, 'viewer'::text)$$);
SELECT pg_temp.step('get_organization_role null slug', '22023',
	$$SELECT rbac.get_organization_role('org_1'::text, NULL::text)$$);
SELECT pg_temp.step('own_organization_role', 'ok',
	$$SELECT rbac.own_organization_role('org_1'::text, 'org-reader'::text)$$);
SELECT pg_temp.step('own_organization_role environment role', '42704',
	$$SELECT rbac.own_organization_role('org_1'::text, 'viewer'::text)$$);
SELECT pg_temp.step('list_roles', 'ok',
	$$SELECT count(*) FROM rbac.list_roles()$$,
	$$SELECT count(*) FROM rbac.list_organization_roles('org_1'::text)$$,
	$$SELECT count(*) FROM rbac.roles_by_priority$$);
SELECT pg_temp.step('list_organization_roles null', '22023',
	$$SELECT count(*) FROM rbac.list_organization_roles(NULL::text)$$);
SELECT pg_temp.step('update_role', 'ok',
	$$SELECT rbac.update_role('viewer'::text, 'Viewer 2'::text, 'Views'::text)$$,
	$$SELECT rbac.update_role('viewer'::text)$$,
	$$SELECT rbac.update_organization_role('org_1'::text, 'org-reader'::text, 'Reader 2'::text, NULL::text)$$,
	$$SELECT rbac.update_organization_role('org_1'::text, 'org-reader'::text)$$);
SELECT pg_temp.step('update_role unknown', '42704',
	$$SELECT rbac.update_role('nobody'::text, NULL::text, NULL::text)$$);
SELECT pg_temp.step('update_organization_role environment role', '42704',
	$$SELECT rbac.update_organization_role('org_1'::text, 'viewer'::text, NULL::text, NULL::text)$$);

-- grants
SELECT pg_temp.step('set_role_permissions', 'ok',
	$$SELECT rbac.set_role_permissions('editor'::text, '{documents:read,documents:write,tmp:x}'::text[])$$,
	$$SELECT rbac.set_role_permissions('admin'::text, '{}'::text[])$$,
	$$SELECT rbac.add_role_permission('viewer'::text, 'documents:read'::text)$$,
	$$SELECT rbac.add_role_permission('viewer'::text, 'documents:read'::text)$$,
	$$SELECT rbac.remove_role_permission('viewer'::text, 'documents:write'::text)$$,
	$$SELECT rbac.set_organization_role_permissions('org_1'::text, 'org-reader'::text, '{documents:read}'::text[])$$,
	$$SELECT rbac.add_organization_role_permission('org_1'::text, 'org-reader'::text, 'documents:write'::text)$$,
	$$SELECT rbac.remove_organization_role_permission('org_1'::text, 'org-reader'::text, 'documents:write'::text)$$,
	$$SELECT rbac.change_grants(rbac.get_role('admin'::text), '{documents:read}'::text[], 'add'::text)$$,
	$$SELECT rbac.change_grants(rbac.get_role('admin'::text), '{documents:read}'::text[], 'remove'::text)$$,
	$$SELECT rbac.change_grants(rbac.get_role('admin'::text), '{documents:delete}'::text[], 'set'::text)$$);
SELECT pg_temp.step('set_role_permissions unknown permission', '42704',
	$$SELECT rbac.set_role_permissions('editor'::text, '{no:such}'::text[])$$);
SELECT pg_temp.step('set_role_permissions null', '22023',
	$$SELECT rbac.set_role_permissions('editor'::text, NULL::text[])$$);
SELECT pg_temp.step('set_role_permissions two dimensions', '22023',
	$$SELECT rbac.set_role_permissions('editor'::text, '{{documents:read}}'::text[])$$);
SELECT pg_temp.step('set_role_permissions null element', '22023',
	$$SELECT rbac.set_role_permissions('editor'::text, '{NULL}'::text[])$$);
SELECT pg_temp.step('set_role_permissions bad slug', '22023',
	$$SELECT rbac.set_role_permissions('editor'::text, '{bad slug}'::text[])$$);
SELECT pg_temp.step('set_role_permissions unknown role', '42704',
	$$SELECT rbac.set_role_permissions('nobody'::text, '{}'::text[])$$);
SELECT pg_temp.step('add_role_permission null', '22023',
	$$SELECT rbac.add_role_permission('viewer'::text, NULL::text)$$);
SELECT pg_temp.step('remove_role_permission null', '22023',
	$$SELECT rbac.remove_role_permission('viewer'::text, NULL::text)$$);
SELECT pg_temp.step('add_organization_role_permission null', '22023',
	$$SELECT rbac.add_organization_role_permission('org_1'::text, 'org-reader'::text, NULL::text)$$);
SELECT pg_temp.step('remove_organization_role_permission null', '22023',
	$$SELECT rbac.remove_organization_role_permission('org_1'::text, 'org-reader'::text, NULL::text)$$);
SELECT pg_temp.step('set_organization_role_permissions environment role', '42704',
	$$SELECT rbac.set_organization_role_permissions('org_1'::text, 'viewer'::text, '{}'::text[])$$);
SELECT pg_temp.step('touch_roles_with_permission', 'ok',
	$$SELECT rbac.touch_roles_with_permission('documents:read'::text)$$);
SELECT pg_temp.step('delete_permission', 'ok',
	$$SELECT rbac.delete_permission('tmp:x'::text)$$);
SELECT pg_temp.step('delete_permission unknown', '42704',
	$$SELECT rbac.delete_permission('no:such'::text)$$);

-- priorities
SELECT pg_temp.step('set_role_priority', 'ok',
	$$SELECT rbac.set_role_priority('admin'::text, 1)$$,
	$$SELECT rbac.set_role_priority('viewer'::text, 2)$$,
	$$SELECT rbac.set_role_priority('temp'::text, (SELECT count(*)::integer FROM rbac.list_roles()))$$,
	$$SELECT rbac.set_organization_role_priority('org_1'::text, 'org-reader'::text, 1)$$,
	$$SELECT rbac.set_organization_role_priority('org_1'::text, 'viewer'::text, 2)$$,
	$$SELECT rbac.set_organization_role_priority('org_3'::text, 'viewer'::text, 1)$$);
SELECT pg_temp.step('set_role_priority out of range', '22023',
	$$SELECT rbac.set_role_priority('admin'::text, 99)$$);
SELECT pg_temp.step('set_role_priority null', '22023',
	$$SELECT rbac.set_role_priority('admin'::text, NULL::integer)$$);
SELECT pg_temp.step('set_role_priority unknown', '42704',
	$$SELECT rbac.set_role_priority('nobody'::text, 1)$$);
SELECT pg_temp.step('set_organization_role_priority null org', '22023',
	$$SELECT rbac.set_organization_role_priority(NULL::text, 'viewer'::text, 1)$$);
SELECT pg_temp.step('set_organization_role_priority out of range', '22023',
	$$SELECT rbac.set_organization_role_priority('org_1'::text, 'org-reader'::text, 0)$$);
SELECT pg_temp.step('priority list internals', 'ok',
	$$SELECT rbac.lock_list(NULL::text), rbac.lock_list('org_1'::text)$$,
	$$SELECT rbac.ensure_own_order('org_4'::text), rbac.ensure_own_order('org_4'::text)$$,
	$$SELECT rbac.move_in_list('org_4'::text, (SELECT r.id FROM rbac.role r WHERE r.slug = 'viewer'), 1)$$,
	$$SELECT rbac.has_own_order('org_1'::text), rbac.has_own_order('org_9'::text)$$,
	$$SELECT count(*) FROM rbac.priority_list()$$,
	$$SELECT count(*) FROM rbac.priority_list(NULL::text)$$,
	$$SELECT count(*) FROM rbac.priority_list('org_1'::text)$$,
	$$SELECT count(*) FROM rbac.priority_list('org_9'::text)$$);
SELECT pg_temp.step('move_in_list out of range', '22023',
	$$SELECT rbac.move_in_list(NULL::text, (SELECT r.id FROM rbac.role r WHERE r.slug = 'viewer'), 0)$$);
SELECT pg_temp.step('require and shorten', 'ok',
	$$SELECT rbac.require('x'::text, 'thing'::text), rbac.shorten(repeat('x', 100)), rbac.shorten('x'::text),
			 rbac.shorten(NULL::text)$$);
SELECT pg_temp.step('require null', '22023',
	$$SELECT rbac.require(NULL::text, 'thing'::text)$$);

-- role internals
SELECT pg_temp.step('role internals', 'ok',
	$$SELECT rbac.insert_role(NULL::text, 'direct'::text, 'Direct'::text, NULL::text, 'organization'::text)$$,
	$$SELECT rbac.insert_role('org_6'::text, 'org-direct'::text, 'Direct'::text, 'D'::text, 'organization'::text)$$,
	$$SELECT rbac.change_role(rbac.get_role('direct'::text), 'Direct 2'::text, NULL::text)$$,
	$$SELECT rbac.lock_role(rbac.get_role('direct'::text), true), rbac.lock_role(rbac.get_role('direct'::text), false)$$,
	$$SELECT rbac.remove_role(rbac.get_role('direct'::text))$$,
	$$SELECT rbac.remove_role(rbac.get_organization_role('org_6'::text, 'org-direct'::text))$$);
SELECT pg_temp.step('insert_role duplicate', '23505',
	$$SELECT rbac.insert_role(NULL::text, 'viewer'::text, 'V'::text, NULL::text, 'organization'::text)$$);
SELECT pg_temp.step('insert_role duplicate in organization', '23505',
	$$SELECT rbac.insert_role('org_1'::text, 'org-reader'::text, 'R'::text, NULL::text, 'organization'::text)$$);
SELECT pg_temp.step('lock_role deleted environment role', '42704',
	$$SELECT rbac.lock_role(pg_temp.ghost(NULL), false)$$);
SELECT pg_temp.step('lock_role deleted organization role', '42704',
	$$SELECT rbac.lock_role(pg_temp.ghost('org_1'), true)$$);

-- membership before any default role
SELECT pg_temp.step('create_organization_membership without default', '55000',
	$$SELECT rbac.create_organization_membership('u0'::text, 'org_1'::text)$$);

-- default roles
SELECT pg_temp.step('set_default_role', 'ok',
	$$SELECT rbac.set_default_role('viewer'::text)$$,
	$$SELECT rbac.set_default_role('viewer'::text, NULL::text)$$,
	$$SELECT rbac.set_default_role('org-reader'::text, 'org_1'::text)$$,
	$$SELECT rbac.set_default_role('org-reader'::text, 'org_1'::text)$$,
	$$SELECT rbac.get_default_role(), rbac.get_default_role(NULL::text), rbac.get_default_role('org_1'::text),
			 rbac.get_default_role('org_9'::text)$$);
SELECT pg_temp.step('set_default_role unknown', '42704',
	$$SELECT rbac.set_default_role('nobody'::text, NULL::text)$$);
SELECT pg_temp.step('set_default_role unknown in organization', '42704',
	$$SELECT rbac.set_default_role('org-other'::text, 'org_1'::text)$$);
SELECT pg_temp.step('set_default_role bad organization', '22023',
	$$SELECT rbac.set_default_role('viewer'::text, E'org\x01'::text)$$);
SELECT pg_temp.step('highest_priority_role', 'ok',
	$$SELECT rbac.highest_priority_role('{viewer,editor}'::text[]),
			 rbac.highest_priority_role('{viewer,editor}'::text[], NULL::text),
			 rbac.highest_priority_role('{viewer,org-reader}'::text[], 'org_1'::text),
			 rbac.highest_priority_role(NULL::text[], NULL::text),
			 rbac.highest_priority_role('{}'::text[], NULL::text)$$);
SELECT pg_temp.step('highest_priority_role unknown', '42704',
	$$SELECT rbac.highest_priority_role('{nobody}'::text[], NULL::text)$$);
SELECT pg_temp.step('highest_priority_role unknown in organization', '42704',
	$$SELECT rbac.highest_priority_role('{nobody}'::text[], 'org_1'::text)$$);
SELECT pg_temp.step('highest_priority_role two dimensions', '22023',
	$$SELECT rbac.highest_priority_role('{{viewer}}'::text[], NULL::text)$$);
SELECT pg_temp.step('highest_priority_role null element', '22023',
	$$SELECT rbac.highest_priority_role('{NULL}'::text[], NULL::text)$$);
SELECT pg_temp.step('highest_priority_role bad organization', '22023',
	$$SELECT rbac.highest_priority_role('{viewer}'::text[], E'org\x01'::text)$$);
SELECT pg_temp.step('highest_priority_role bad slug', '22023',
	$$SELECT rbac.highest_priority_role('{Bad Slug}'::text[], NULL::text)$$);

-- direct DML on the role tables (role_guard, list_entry_guard)
SELECT pg_temp.step('role DML', 'ok',
	$$UPDATE rbac.role SET name = 'Editor 2' WHERE slug = 'editor'$$,
	$$INSERT INTO rbac.role (slug, name, organization_id) VALUES ('org-dml', 'DML', 'org_7')$$,
	$$INSERT INTO rbac.role (slug, name) VALUES ('dml', 'DML')$$,
	$$DELETE FROM rbac.role WHERE slug IN ('org-dml', 'dml')$$,
	$$INSERT INTO rbac.role_order (organization_id, role_id, sort_key)
	  SELECT 'org_8', r.id, 0.5 FROM rbac.role r WHERE r.slug = 'viewer'$$,
	$$UPDATE rbac.role_order SET sort_key = sort_key WHERE organization_id = 'org_8'$$,
	$$UPDATE rbac.default_role SET role_id = role_id$$);
SELECT pg_temp.step('UPDATE role slug', '22023',
	$$UPDATE rbac.role SET slug = 'editor2' WHERE slug = 'editor'$$);
SELECT pg_temp.step('UPDATE role id', '22023',
	$$UPDATE rbac.role SET id = rbac.new_id('role'::text) WHERE slug = 'editor'$$);
SELECT pg_temp.step('UPDATE role organization', '22023',
	$$UPDATE rbac.role SET organization_id = 'org_9' WHERE slug = 'editor'$$);
SELECT pg_temp.step('INSERT role org- prefix', '22023',
	$$INSERT INTO rbac.role (slug, name) VALUES ('org-env', 'X')$$);
SELECT pg_temp.step('INSERT organization role without prefix', '22023',
	$$INSERT INTO rbac.role (slug, name, organization_id) VALUES ('plain', 'X', 'org_1')$$);
SELECT pg_temp.step('role_order of another organization', '22023',
	$$INSERT INTO rbac.role_order (organization_id, role_id, sort_key)
	  SELECT 'org_2', r.id, 1 FROM rbac.role r WHERE r.slug = 'org-reader'$$);
SELECT pg_temp.step('environment default_role of an organization', '22023',
	$$INSERT INTO rbac.default_role (organization_id, role_id)
	  SELECT NULL, r.id FROM rbac.role r WHERE r.slug = 'org-reader'$$);
SELECT pg_temp.step('delete_role default', '55000',
	$$SELECT rbac.delete_role('viewer'::text)$$);
SELECT pg_temp.step('delete_organization_role default', '55000',
	$$SELECT rbac.delete_organization_role('org_1'::text, 'org-reader'::text)$$);
SELECT pg_temp.step('delete_role', 'ok',
	$$SELECT rbac.delete_role('temp'::text)$$,
	$$SELECT rbac.delete_organization_role('org_1'::text, 'org-temp'::text)$$);
SELECT pg_temp.step('delete_role unknown', '42704',
	$$SELECT rbac.delete_role('nobody'::text)$$);
SELECT pg_temp.step('delete_organization_role environment role', '42704',
	$$SELECT rbac.delete_organization_role('org_1'::text, 'viewer'::text)$$);

------------------------------------------------------------------------------
-- Memberships
------------------------------------------------------------------------------
SELECT pg_temp.step('create_organization_membership', 'ok',
	$$SELECT rbac.create_organization_membership('u1'::text, 'org_1'::text)$$,
	$$SELECT rbac.create_organization_membership('u1'::text, 'org_2'::text, NULL::text[])$$,
	$$SELECT rbac.create_organization_membership('u2'::text, 'org_1'::text, '{member}'::text[])$$,
	$$SELECT rbac.create_organization_membership('u3'::text, 'org_2'::text, '{org-other}'::text[])$$);
SELECT pg_temp.step('create_organization_membership duplicate', '23505',
	$$SELECT rbac.create_organization_membership('u1'::text, 'org_1'::text)$$);
SELECT pg_temp.step('create_organization_membership null user', '22023',
	$$SELECT rbac.create_organization_membership(NULL::text, 'org_1'::text)$$);
SELECT pg_temp.step('create_organization_membership null org', '22023',
	$$SELECT rbac.create_organization_membership('u9'::text, NULL::text)$$);
SELECT pg_temp.step('create_organization_membership bad user', '22023',
	$$SELECT rbac.create_organization_membership(E'u\x01'::text, 'org_1'::text)$$);
SELECT pg_temp.step('create_organization_membership unknown role', '42704',
	$$SELECT rbac.create_organization_membership('u9'::text, 'org_1'::text, '{nobody}'::text[])$$);
SELECT pg_temp.step('create_organization_membership no roles', '22023',
	$$SELECT rbac.create_organization_membership('u9'::text, 'org_1'::text, '{}'::text[])$$);
SELECT pg_temp.step('create_organization_membership two dimensions', '22023',
	$$SELECT rbac.create_organization_membership('u9'::text, 'org_1'::text, '{{viewer}}'::text[])$$);
SELECT pg_temp.step('create_organization_membership null role', '22023',
	$$SELECT rbac.create_organization_membership('u9'::text, 'org_1'::text, '{NULL}'::text[])$$);
SELECT pg_temp.step('create_organization_membership several roles', '22023',
	$$SELECT rbac.create_organization_membership('u9'::text, 'org_1'::text, '{viewer,editor}'::text[])$$);
SELECT pg_temp.step('delete_role with assignments', '2BP01',
	$$SELECT rbac.delete_role('member'::text)$$);
SELECT pg_temp.step('set_multiple_roles', 'ok',
	$$SELECT rbac.multiple_roles_enabled()$$,
	$$SELECT rbac.set_multiple_roles(true)$$,
	$$SELECT rbac.set_multiple_roles(true)$$,
	$$SELECT rbac.multiple_roles_enabled()$$,
	$$SELECT rbac.create_organization_membership('u4'::text, 'org_1'::text, '{viewer,editor,viewer}'::text[])$$,
	$$SELECT rbac.membership_role_ids('org_1'::text, NULL::text[]),
			 rbac.membership_role_ids('org_1'::text, '{viewer,org-reader}'::text[])$$);
SELECT pg_temp.step('set_multiple_roles null', '22023',
	$$SELECT rbac.set_multiple_roles(NULL::boolean)$$);
SELECT pg_temp.step('membership_role_ids unknown', '42704',
	$$SELECT rbac.membership_role_ids('org_1'::text, '{org-other}'::text[])$$);
SELECT pg_temp.step('get_organization_membership', 'ok',
	$$SELECT rbac.get_organization_membership('u1'::text, 'org_1'::text)$$);
SELECT pg_temp.step('get_organization_membership unknown', '42704',
	$$SELECT rbac.get_organization_membership('nobody'::text, 'org_1'::text)$$);
SELECT pg_temp.step('get_organization_membership null user', '22023',
	$$SELECT rbac.get_organization_membership(NULL::text, 'org_1'::text)$$);
SELECT pg_temp.step('get_organization_membership null org', '22023',
	$$SELECT rbac.get_organization_membership('u1'::text, NULL::text)$$);
SELECT pg_temp.step('update_organization_membership', 'ok',
	$$SELECT rbac.update_organization_membership('u4'::text, 'org_1'::text, '{editor}'::text[])$$,
	$$SELECT rbac.update_organization_membership('u4'::text, 'org_1'::text, '{editor,org-reader}'::text[])$$,
	'SET CONSTRAINTS ALL IMMEDIATE', 'SET CONSTRAINTS ALL DEFERRED');
SELECT pg_temp.step('update_organization_membership null roles', '22023',
	$$SELECT rbac.update_organization_membership('u4'::text, 'org_1'::text, NULL::text[])$$);
SELECT pg_temp.step('update_organization_membership unknown', '42704',
	$$SELECT rbac.update_organization_membership('nobody'::text, 'org_1'::text, '{viewer}'::text[])$$);
SELECT pg_temp.step('membership queries', 'ok',
	$$SELECT rbac.user_roles('u4'::text, 'org_1'::text), rbac.user_role('u4'::text, 'org_1'::text),
			 rbac.user_roles('nobody'::text, 'org_1'::text)$$,
	$$SELECT count(*) FROM rbac.user_permissions('u4'::text, 'org_1'::text)$$);
SELECT pg_temp.step('membership DML', 'ok',
	$$UPDATE rbac.membership SET updated_at = pg_catalog.clock_timestamp() WHERE user_id = 'u1'$$,
	$$INSERT INTO rbac.membership (user_id, organization_id) VALUES ('u5', 'org_1')$$,
	$$INSERT INTO rbac.membership_role (membership_id, role_id)
	  SELECT m.id, r.id FROM rbac.membership m, rbac.role r
	  WHERE m.user_id = 'u5' AND m.organization_id = 'org_1' AND r.slug = 'viewer'$$,
	$$UPDATE rbac.membership_role mr SET role_id = (SELECT r.id FROM rbac.role r WHERE r.slug = 'editor')
	  FROM rbac.membership m WHERE m.id = mr.membership_id AND m.user_id = 'u5'$$,
	'SET CONSTRAINTS ALL IMMEDIATE', 'SET CONSTRAINTS ALL DEFERRED');
SELECT pg_temp.step('UPDATE membership user', '22023',
	$$UPDATE rbac.membership SET user_id = 'u99' WHERE user_id = 'u1'$$);
SELECT pg_temp.step('membership_role of another organization', '22023',
	$$INSERT INTO rbac.membership_role (membership_id, role_id)
	  SELECT m.id, r.id FROM rbac.membership m, rbac.role r
	  WHERE m.user_id = 'u1' AND m.organization_id = 'org_1' AND r.slug = 'org-other'$$);
SELECT pg_temp.step('membership loses its last role', '22023',
	$$DELETE FROM rbac.membership_role mr USING rbac.membership m
	  WHERE m.id = mr.membership_id AND m.user_id = 'u2'$$,
	'SET CONSTRAINTS ALL IMMEDIATE');
-- resources (SPEC 7): types, resources, assignments, discovery, JSON, the
-- trigger paths by direct DML, cascades
SELECT pg_temp.step('create_resource_type', 'ok',
	$$SELECT rbac.create_resource_type('workspace'::text, 'Workspace'::text)$$,
	$$SELECT rbac.create_resource_type('project'::text, 'Project'::text, NULL::text, '{workspace}'::text[])$$,
	$$SELECT rbac.create_resource_type('folder'::text, 'Folder'::text, 'F'::text, '{folder,project}'::text[])$$,
	$$SELECT rbac.get_resource_type('folder'::text), rbac.resource_type_json(t) FROM rbac.list_resource_types() t$$,
	$$SELECT rbac.update_resource_type('project'::text, 'P'::text, 'D'::text, '{workspace,organization}'::text[])$$,
	$$SELECT rbac.update_resource_type('project'::text, NULL::text, NULL::text, '{workspace}'::text[])$$,
	$$SELECT rbac.resource_type_is_below('organization'::text, 'folder'::text)$$);
SELECT pg_temp.step('create_resource_type cycle', '22023',
	$$SELECT rbac.update_resource_type('workspace'::text, NULL::text, NULL::text, '{folder}'::text[])$$);
SELECT pg_temp.step('create_resource_type unknown parent', '42704',
	$$SELECT rbac.create_resource_type('x'::text, 'X'::text, NULL::text, '{nowhere}'::text[])$$);
SELECT pg_temp.step('create_resource_type organization', '22023',
	$$SELECT rbac.create_resource_type('organization'::text, 'X'::text)$$);
SELECT pg_temp.step('create_resource_type duplicate', '23505',
	$$SELECT rbac.create_resource_type('folder'::text, 'X'::text)$$);
SELECT pg_temp.step('resource permissions and roles', 'ok',
	$$SELECT rbac.create_permission('doc:read'::text, 'Read'::text, NULL::text, 'folder'::text)$$,
	$$SELECT rbac.create_permission('doc:*'::text, 'All'::text, NULL::text, 'folder'::text)$$,
	$$SELECT rbac.create_role('ws-admin'::text, 'WS admin'::text, NULL::text, 'workspace'::text)$$,
	$$SELECT rbac.create_role('f-viewer'::text, 'Folder viewer'::text, NULL::text, 'folder'::text)$$,
	$$SELECT rbac.set_role_permissions('ws-admin'::text, '{doc:*}'::text[])$$,
	$$SELECT rbac.add_role_permission('f-viewer'::text, 'doc:read'::text)$$);
SELECT pg_temp.step('grant of a type above the role', '22023',
	$$SELECT rbac.add_role_permission('f-viewer'::text, 'documents:read'::text)$$);
SELECT pg_temp.step('create_resource', 'ok',
	$$SELECT rbac.create_resource('org_1'::text, 'workspace'::text, 'w1'::text, 'W1'::text)$$,
	$$SELECT rbac.create_resource('org_1'::text, 'project'::text, 'p1'::text, 'P1'::text, NULL::text, 'workspace'::text, 'w1'::text)$$,
	$$SELECT rbac.create_resource('org_1'::text, 'folder'::text, 'f1'::text, 'F1'::text, 'D'::text, 'project'::text, 'p1'::text)$$,
	$$SELECT rbac.create_resource('org_1'::text, 'folder'::text, 'f2'::text, 'F2'::text, NULL::text, 'folder'::text, 'f1'::text)$$,
	$$SELECT rbac.create_resource('org_1'::text, 'workspace'::text, 'w2'::text, 'W2'::text, NULL::text, 'organization'::text, NULL::text)$$,
	$$SELECT rbac.get_resource('org_1'::text, 'folder'::text, 'f2'::text)$$,
	$$SELECT rbac.get_resource_by_id((rbac.get_resource('org_1'::text, 'folder'::text, 'f2'::text)).id)$$,
	$$SELECT rbac.resource_json(r) FROM rbac.list_resources('org_1'::text, 'folder'::text, 'project'::text, 'p1'::text, 10, NULL::text, NULL::text, 'asc'::text) r$$,
	$$SELECT rbac.list_resources_json('org_1'::text, NULL::text, NULL::text, NULL::text, 2, NULL::text, NULL::text, 'desc'::text)$$,
	$$SELECT rbac.list_resources_json('org_1'::text)$$,
	$$SELECT rbac.update_resource('org_1'::text, 'folder'::text, 'f2'::text, 'F2b'::text, 'D2'::text, 'project'::text, 'p1'::text)$$,
	$$SELECT rbac.update_resource('org_1'::text, 'folder'::text, 'f2'::text, NULL::text, NULL::text, 'folder'::text, 'f1'::text)$$);
SELECT pg_temp.step('create_resource duplicate', '23505',
	$$SELECT rbac.create_resource('org_1'::text, 'workspace'::text, 'w1'::text, 'W1'::text)$$);
SELECT pg_temp.step('create_resource wrong parent type', '22023',
	$$SELECT rbac.create_resource('org_1'::text, 'folder'::text, 'f9'::text, 'F'::text, NULL::text, 'workspace'::text, 'w1'::text)$$);
SELECT pg_temp.step('create_resource half a parent', '22023',
	$$SELECT rbac.create_resource('org_1'::text, 'folder'::text, 'f9'::text, 'F'::text, NULL::text, 'project'::text, NULL::text)$$);
SELECT pg_temp.step('create_resource bad external id', '22023',
	$$SELECT rbac.create_resource('org_1'::text, 'workspace'::text, E'w\x01'::text, 'W'::text)$$);
SELECT pg_temp.step('get_resource unknown', '42704',
	$$SELECT rbac.get_resource('org_1'::text, 'folder'::text, 'nothing'::text)$$);
SELECT pg_temp.step('update_resource cycle', '22023',
	$$SELECT rbac.update_resource('org_1'::text, 'folder'::text, 'f1'::text, NULL::text, NULL::text, 'folder'::text, 'f2'::text)$$);
SELECT pg_temp.step('list_resources bad limit', '22023',
	$$SELECT rbac.list_resources('org_1'::text, NULL::text, NULL::text, NULL::text, 0, NULL::text, NULL::text, 'asc'::text)$$);
SELECT pg_temp.step('assign_role and discovery', 'ok',
	$$SELECT rbac.assign_role('u4'::text, 'org_1'::text, 'ws-admin'::text, 'workspace'::text, 'w1'::text)$$,
	$$SELECT rbac.assign_role('u4'::text, 'org_1'::text, 'ws-admin'::text, 'workspace'::text, 'w1'::text)$$,
	$$SELECT rbac.role_assignment_json(rbac.assign_role('u4'::text, 'org_1'::text, 'f-viewer'::text, 'folder'::text, 'f1'::text))$$,
	$$SELECT rbac.list_role_assignments('u4'::text, 'org_1'::text)$$,
	$$SELECT rbac.list_resource_role_assignments('org_1'::text, 'folder'::text, 'f1'::text)$$,
	$$SELECT rbac.resources_with_permission('u4'::text, 'org_1'::text, 'doc:read'::text, 'folder'::text)$$,
	$$SELECT rbac.members_with_permission('org_1'::text, 'doc:read'::text, 'folder'::text, 'f2'::text)$$,
	$$SELECT rbac.members_with_permission('org_1'::text, 'doc:read'::text, 'folder'::text, 'f2'::text, 'direct'::text)$$,
	$$SELECT rbac.effective_permissions('u4'::text, 'org_1'::text, 'folder'::text, 'f2'::text)$$,
	$$SELECT rbac.permission_matches('doc:*'::text, 'doc:read'::text), rbac.is_valid_external_id('x'::text),
			 rbac.check_external_id('x'::text)$$,
	$$SELECT rbac.user_has_permission('u4'::text, 'org_1'::text, 'doc:read'::text, 'folder'::text, 'f2'::text),
			 rbac.has_permission('doc:read'::text, 'folder'::text, 'f2'::text)$$,
	$$SELECT rbac.remove_role_assignment('u4'::text, 'org_1'::text, 'f-viewer'::text, 'folder'::text, 'f1'::text)$$);
SELECT pg_temp.step('members_with_permission bad assignment', '22023',
	$$SELECT rbac.members_with_permission('org_1'::text, 'doc:read'::text, 'folder'::text, 'f2'::text, 'x'::text)$$);
SELECT pg_temp.step('assign_role wrong type', '22023',
	$$SELECT rbac.assign_role('u4'::text, 'org_1'::text, 'ws-admin'::text, 'folder'::text, 'f1'::text)$$);
SELECT pg_temp.step('assign_role unknown resource', '42704',
	$$SELECT rbac.assign_role('u4'::text, 'org_1'::text, 'ws-admin'::text, 'workspace'::text, 'nothing'::text)$$);
SELECT pg_temp.step('resource DML', 'ok',
	$$UPDATE rbac.resource SET name = 'W1b' WHERE external_id = 'w1'$$,
	$$UPDATE rbac.resource_type SET description = 'x' WHERE slug = 'folder'$$,
	$$UPDATE rbac.role_assignment SET updated_at = updated_at$$,
	$$INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id) VALUES ('w9', 'W9', 'workspace', 'org_1')$$,
	$$DELETE FROM rbac.resource WHERE external_id = 'w9'$$);
SELECT pg_temp.step('resource DML cycle', '22023',
	$$UPDATE rbac.resource SET parent_resource_id = (SELECT id FROM rbac.resource WHERE external_id = 'f2') WHERE external_id = 'f1'$$);
SELECT pg_temp.step('resource_type_parent DML', '22023',
	$$DELETE FROM rbac.resource_type_parent$$);
SELECT pg_temp.step('UPDATE role resource type', '22023',
	$$UPDATE rbac.role SET resource_type_slug = 'folder' WHERE slug = 'ws-admin'$$);
SELECT pg_temp.step('delete_resource_type in use', '2BP01',
	$$SELECT rbac.delete_resource_type('folder'::text)$$);
SELECT pg_temp.step('delete_resource with children', '2BP01',
	$$SELECT rbac.delete_resource('org_1'::text, 'project'::text, 'p1'::text)$$);
SELECT pg_temp.step('delete_role with assignments', '2BP01',
	$$SELECT rbac.delete_role('ws-admin'::text)$$);
SELECT pg_temp.step('delete_organization_membership with assignments', '2BP01',
	$$SELECT rbac.delete_organization_membership('u4'::text, 'org_1'::text, false)$$);
SELECT pg_temp.step('cascades', 'P0099',
	$$SELECT rbac.delete_organization_membership('u4'::text, 'org_1'::text, true)$$,
	$$SELECT rbac.delete_role('ws-admin'::text, true)$$,
	$$SELECT rbac.create_organization_role('org_1'::text, 'org-w'::text, 'W'::text, NULL::text, 'workspace'::text)$$,
	$$SELECT rbac.assign_role('u5'::text, 'org_1'::text, 'org-w'::text, 'workspace'::text, 'w2'::text)$$,
	$$SELECT rbac.delete_organization_role('org_1'::text, 'org-w'::text, true)$$,
	$$SELECT rbac.delete_resource('org_1'::text, 'workspace'::text, 'w1'::text, true)$$,
	$$SELECT rbac.delete_resource('org_1'::text, 'workspace'::text, 'w2'::text)$$,
	$$SELECT rbac.delete_role('f-viewer'::text)$$,
	$$SELECT rbac.delete_permission('doc:read'::text), rbac.delete_permission('doc:*'::text)$$,
	$$SELECT rbac.delete_resource_type('folder'::text)$$,
	:'undo');
SELECT pg_temp.step('remove_role_assignment', 'ok',
	$$SELECT rbac.remove_role_assignment('u4'::text, 'org_1'::text, 'ws-admin'::text, 'workspace'::text, 'w1'::text)$$);
SELECT pg_temp.step('TRUNCATE membership_role', '22023',
	$$TRUNCATE rbac.membership_role$$);
SELECT pg_temp.step('TRUNCATE every catalog table', 'P0099',
	$$UPDATE rbac.permission SET system = false WHERE system$$,
	$$TRUNCATE rbac.membership, rbac.membership_role$$,
	$$TRUNCATE rbac.role_order, rbac.organization_order, rbac.default_role$$,
	$$TRUNCATE rbac.permission, rbac.role, rbac.role_permission, rbac.setting CASCADE$$,
	:'undo');
SELECT pg_temp.step('delete_organization_membership', 'ok',
	$$SELECT rbac.delete_organization_membership('u4'::text, 'org_1'::text)$$);
SELECT pg_temp.step('delete_organization_membership unknown', '42704',
	$$SELECT rbac.delete_organization_membership('u4'::text, 'org_1'::text)$$);

------------------------------------------------------------------------------
-- Checks (C) and JSON
------------------------------------------------------------------------------
SELECT pg_temp.step('checks', 'ok',
	$$SELECT rbac.role_has_permission('editor'::text, 'documents:read'::text),
			 rbac.role_has_permission('org-reader'::text, 'documents:read'::text, 'org_1'::text),
			 rbac.roles_have_permission('{viewer,editor}'::text[], 'documents:read'::text),
			 rbac.roles_have_permission('{org-reader}'::text[], 'documents:read'::text, 'org_1'::text),
			 rbac.user_has_permission('u1'::text, 'org_1'::text, 'documents:read'::text),
			 rbac.has_permission('documents:read'::text),
			 rbac.has_permission('documents:read'::text, 'org_1'::text)$$,
	$$SELECT count(*) FROM rbac.organizations_with_permission('u1'::text, 'documents:read'::text)$$);
SELECT pg_temp.step('json', 'ok',
	$$SELECT rbac.json_timestamp(pg_catalog.clock_timestamp())$$,
	$$SELECT rbac.permission_json(rbac.get_permission('documents:read'::text))$$,
	$$SELECT rbac.permission_json(rbac.update_permission('documents:read'::text, 'Read 3'::text, NULL::text))$$,
	$$SELECT rbac.role_json(rbac.get_role('editor'::text))$$,
	$$SELECT rbac.role_json(rbac.set_role_permissions('admin'::text, '{documents:read}'::text[]))$$,
	$$SELECT rbac.role_json(rbac.get_organization_role('org_1'::text, 'org-reader'::text))$$,
	$$SELECT rbac.list_roles_json(), rbac.list_roles_json(NULL::text), rbac.list_roles_json('org_1'::text),
			 rbac.list_roles_json('org_9'::text)$$,
	$$SELECT rbac.list_permissions_json(), rbac.list_permissions_json(1, NULL::text, NULL::text, 'asc'::text),
			 rbac.list_permissions_json(1, NULL::text, NULL::text, 'desc'::text),
			 rbac.list_permissions_json(100, NULL::text, NULL::text, 'normal'::text)$$,
	$$SELECT rbac.membership_json(rbac.get_organization_membership('u1'::text, 'org_1'::text))$$,
	$$SELECT rbac.membership_json(rbac.create_organization_membership('u6'::text, 'org_1'::text,
																	   '{viewer,org-reader}'::text[]))$$,
	$$SELECT rbac.membership_json(rbac.update_organization_membership('u6'::text, 'org_1'::text,
																	   '{editor}'::text[]))$$,
	'SET CONSTRAINTS ALL IMMEDIATE', 'SET CONSTRAINTS ALL DEFERRED');
SELECT pg_temp.step('role_object (1.1)', '*',
	$$SELECT rbac.role_object(rbac.get_role('editor'::text))$$);
SELECT pg_temp.step('list_roles_json bad organization', '22023',
	$$SELECT rbac.list_roles_json(E'org\x01'::text)$$);
SELECT pg_temp.step('list_permissions_json bad limit', '22023',
	$$SELECT rbac.list_permissions_json(0, NULL::text, NULL::text, 'asc'::text)$$);

------------------------------------------------------------------------------
-- Configuration as code (SPEC 8): export, apply (every mutator path, prune,
-- dry run, a WorkOS list) and invalid documents
------------------------------------------------------------------------------
SELECT pg_temp.step('export and apply', 'ok',
	$$SELECT rbac.export()$$,
	$$SELECT count(*) FROM rbac.apply(rbac.export())$$,
	$$SELECT count(*) FROM rbac.apply(rbac.export(), true, true)$$,
	$$SELECT count(*) FROM rbac.apply('{"resource_types": [{"slug": "board", "name": "Board"},
		{"slug": "card", "name": "Card", "description": "C", "parent_type_slugs": ["board", "card"]}],
		"permissions": [{"slug": "cfg:a", "name": "A"}, {"slug": "cfg:b", "name": "B", "description": "D"},
						{"slug": "card:read", "name": "Read", "resource_type_slug": "card"}],
		"roles": [{"slug": "cfg-role", "name": "R", "description": "D", "permissions": ["cfg:a"]},
				  {"slug": "cfg-card", "name": "C", "resource_type_slug": "card", "permissions": ["card:read"]}],
		"organization_roles": [{"organization_id": "org_cfg", "roles": [
			{"slug": "org-cfg", "name": "O", "permissions": ["cfg:b"]}]}],
		"default_roles": {"organizations": {"org_cfg": "org-cfg"}},
		"settings": {"multiple_roles": true}}'::jsonb)$$,
	$$SELECT count(*) FROM rbac.apply('{"resource_types": [{"slug": "board", "name": "Board 2", "description": "B"},
		{"slug": "card", "name": "Card", "parent_type_slugs": ["board"]}],
		"permissions": [{"slug": "cfg:a", "name": "A2", "description": "X"}, {"slug": "cfg:b", "name": "B"}],
		"roles": [{"slug": "cfg-role", "name": "R2", "permissions": ["cfg:b"]}],
		"organization_roles": [{"organization_id": "org_cfg", "roles": [
			{"slug": "org-cfg", "name": "O2", "description": "D", "permissions": []}]}]}'::jsonb, false, false)$$,
	$$SELECT count(*) FROM rbac.apply(jsonb_build_object('organization_roles', jsonb_build_array(
		jsonb_build_object('organization_id', 'org_cfg', 'roles', '[{"slug": "org-cfg", "name": "O2"}]'::jsonb,
			'priority_order', (SELECT jsonb_agg(r.slug ORDER BY l.priority DESC)
							   FROM rbac.priority_list('org_cfg'::text) l JOIN rbac.role r ON r.id = l.role_id)))))$$,
	$$SELECT count(*) FROM rbac.apply(rbac.list_roles_json())$$,
	$$SELECT count(*) FROM rbac.apply(rbac.list_permissions_json(100, NULL::text, NULL::text, 'asc'::text))$$,
	$$SELECT count(*) FROM rbac.apply('{"object": "list", "data": [{"object": "resource_type", "slug": "board", "name": "Board"},
		{"object": "role", "slug": "org-cfg2", "name": "X", "type": "OrganizationRole", "organization_id": "org_cfg"}]}'::jsonb)$$,
	$$SELECT count(*) FROM rbac.apply('{"roles": [{"slug": "cfg-role", "name": "R3"}]}'::jsonb, false, true)$$,
	$$SELECT count(*) FROM rbac.apply(jsonb_build_object('roles', (SELECT jsonb_agg(x.r ORDER BY x.n DESC)
		FROM jsonb_array_elements(rbac.export() -> 'roles') WITH ORDINALITY x(r, n))))$$,
	$$SELECT count(*) FROM rbac.apply(jsonb_build_object(
		'organization_roles', (SELECT jsonb_agg((o - 'priority_order') || jsonb_build_object('roles',
				(SELECT coalesce(jsonb_agg(r), '[]'::jsonb) FROM jsonb_array_elements(o -> 'roles') r
				 WHERE r ->> 'slug' <> 'org-cfg2')))
			FROM jsonb_array_elements(rbac.export() -> 'organization_roles') o
			WHERE jsonb_array_length(o -> 'roles') > 0),
		'default_roles', (rbac.export() -> 'default_roles') #- '{organizations,org_cfg}'), true, false)$$,
	$$SELECT rbac.config_merge_order('{a,x,b}'::text[], '{b,a}'::text[])$$);
SELECT pg_temp.step('apply invalid document', '22023',
	$$SELECT count(*) FROM rbac.apply('{"roles": [{"slug": "Bad", "name": "B"}]}'::jsonb)$$);
SELECT pg_temp.step('apply unknown grant', '22023',
	$$SELECT count(*) FROM rbac.apply('{"roles": [{"slug": "cfg-x", "name": "X", "permissions": ["no:such"]}]}'::jsonb)$$);
SELECT pg_temp.step('apply prune of a held role', '2BP01',
	$$SELECT count(*) FROM rbac.apply('{"roles": []}'::jsonb, true, false)$$);
SELECT pg_temp.step('apply prune of everything, dry run', '2BP01',
	$$SELECT count(*) FROM rbac.apply('{"default_roles": {"organizations": {}}, "organization_roles": [],
		"roles": [], "permissions": [], "resource_types": []}'::jsonb, true, true)$$);

------------------------------------------------------------------------------
-- Whatever the scenario did not call (functions added since it was written):
-- once with NULL arguments of the exact types.
------------------------------------------------------------------------------
DO $sweep$
DECLARE
	f record;
BEGIN
	FOR f IN SELECT t.oid, t.proname, t.argtypes FROM plant_target t
			 WHERE t.prokind = 'f'
			   AND t.prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
			   AND coalesce(pg_catalog.pg_stat_get_xact_function_calls(t.oid), 0) = 0
			 ORDER BY t.proname, t.oid
	LOOP
		PERFORM pg_temp.step('sweep ' || f.oid::regprocedure::text, '*',
			format('SELECT rbac.%I(%s)', f.proname,
				   (SELECT coalesce(string_agg('NULL::' || pg_catalog.format_type(a, NULL), ', ' ORDER BY n), '')
					FROM unnest(f.argtypes) WITH ORDINALITY u(a, n))));
	END LOOP;
END
$sweep$;

\o
\pset tuples_only on
\pset format unaligned
SELECT format('unexpected: %s expected %s, got %s%s', label, expect, outcome,
			  coalesce(' (' || message || ')', ''))
FROM step_log WHERE expect <> '*' AND outcome <> expect ORDER BY n;
SELECT format('scenario steps: %s, unexpected outcomes: %s', count(*),
			  count(*) FILTER (WHERE expect <> '*' AND outcome <> expect))
FROM step_log;
SELECT 'not called: ' || coalesce(string_agg(t.oid::regprocedure::text, ', ' ORDER BY t.proname), 'none')
FROM plant_target t
WHERE coalesce(pg_catalog.pg_stat_get_xact_function_calls(t.oid), 0) = 0;
ROLLBACK;

\pset tuples_only off
\pset format aligned
SELECT last_value, is_called FROM public.plant_hits;
\pset tuples_only on
\pset format unaligned
SELECT 'plant hits: ' || CASE WHEN is_called THEN last_value ELSE 0 END FROM public.plant_hits;
