--
-- priority: priority lists, default roles, highest_priority_role (SPEC 1.4, 2)
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

-- the environment list as rbac.list_roles() gives it
CREATE FUNCTION pg_temp.env() RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(l.slug, ', ' ORDER BY l.ordinality)
	FROM rbac.list_roles() WITH ORDINALITY AS l
$$;
-- an organization's list as rbac.list_organization_roles() gives it
CREATE FUNCTION pg_temp.org(o text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(l.slug, ', ' ORDER BY l.ordinality)
	FROM rbac.list_organization_roles(o) WITH ORDINALITY AS l
$$;
-- a list as rbac.roles_by_priority gives it: slug=priority
CREATE FUNCTION pg_temp.view(o text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(v.slug || '=' || v.priority, ', ' ORDER BY v.priority)
	FROM rbac.roles_by_priority v WHERE v.organization_id IS NOT DISTINCT FROM o
$$;
-- the lists as arrays, for the DO block below
CREATE FUNCTION pg_temp.env_a() RETURNS text[] LANGUAGE sql AS $$
	SELECT array(SELECT l.slug::text FROM rbac.list_roles() WITH ORDINALITY AS l ORDER BY l.ordinality)
$$;
CREATE FUNCTION pg_temp.org_a(o text) RETURNS text[] LANGUAGE sql AS $$
	SELECT array(SELECT l.slug::text FROM rbac.list_organization_roles(o) WITH ORDINALITY AS l
				 ORDER BY l.ordinality)
$$;
CREATE FUNCTION pg_temp.view_a(o text) RETURNS text[] LANGUAGE sql AS $$
	SELECT array(SELECT v.slug::text FROM rbac.roles_by_priority v
				 WHERE v.organization_id IS NOT DISTINCT FROM o ORDER BY v.priority)
$$;
-- every list in the view has priorities 1..n and the order of its list function
CREATE FUNCTION pg_temp.lists_ok() RETURNS TABLE (organization_id text, dense boolean, same_order boolean)
LANGUAGE sql AS $$
	SELECT v.organization_id,
		   array_agg(v.priority ORDER BY v.priority) = array(SELECT generate_series(1, count(v.priority)::int)),
		   array_agg(v.slug::text ORDER BY v.priority) =
			 CASE WHEN v.organization_id IS NULL THEN pg_temp.env_a()
				  ELSE pg_temp.org_a(v.organization_id) END
	FROM rbac.roles_by_priority v GROUP BY 1 ORDER BY 1 NULLS FIRST
$$;

--
-- New roles go to the bottom
--
SELECT slug FROM rbac.create_role('owner', 'Owner');
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.create_role('guest', 'Guest');
SELECT pg_temp.env() AS env;
-- the view: one row per role per list, priority 1 = highest, ordered by
-- organization then priority, permissions sorted
SELECT slug FROM rbac.create_permission('posts:write', 'Write');
SELECT slug FROM rbac.create_permission('posts:read', 'Read');
SELECT slug FROM rbac.set_role_permissions('admin', '{posts:write,posts:read}');
SELECT organization_id, priority, slug, name, type, permissions,
	   id ~ '^role_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok
FROM rbac.roles_by_priority;
-- an organization with roles of its own: environment roles, then its own
SELECT slug FROM rbac.create_organization_role('org_a', 'org-a1', 'A1');
SELECT slug FROM rbac.create_organization_role('org_a', 'org-a2', 'A2');
SELECT pg_temp.org('org_a') AS org_a;
SELECT pg_temp.view('org_a') AS org_a;
-- an organization without roles of its own has the environment list
SELECT pg_temp.org('org_b') AS org_b;
SELECT count(*) AS org_b_rows FROM rbac.roles_by_priority WHERE organization_id = 'org_b';
-- a new environment role: bottom of the environment list and of every
-- organization's list, also those with an order of their own
SELECT slug FROM rbac.create_role('member', 'Member');
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_a') AS org_a;
SELECT pg_temp.org('org_b') AS org_b;
SELECT * FROM pg_temp.lists_ok();

--
-- set_role_priority: the environment list, and organizations without an order
-- of their own; an organization with its own order keeps it
--
SELECT updated_at AS member_updated FROM rbac.get_role('member') \gset
SELECT slug, updated_at > :'member_updated' AS updated_moved FROM rbac.set_role_priority('member', 1);
SELECT pg_temp.view(NULL) AS env;
SELECT pg_temp.org('org_b') AS org_b;
SELECT pg_temp.org('org_a') AS org_a;
SELECT slug FROM rbac.set_role_priority('viewer', 2);
SELECT pg_temp.env() AS env;
-- to the bottom (n = 6)
SELECT slug FROM rbac.set_role_priority('member', 6);
SELECT pg_temp.env() AS env;
SELECT slug FROM rbac.set_role_priority('admin', 2);
SELECT pg_temp.env() AS env;
-- to its own place: no change
SELECT slug FROM rbac.set_role_priority('admin', 2);
SELECT pg_temp.view(NULL) AS env;
SELECT pg_temp.org('org_b') AS org_b;
SELECT pg_temp.org('org_a') AS org_a;
SELECT * FROM pg_temp.lists_ok();

--
-- set_organization_role_priority: the organization's list only
--
SELECT slug, organization_id FROM rbac.set_organization_role_priority('org_a', 'org-a2', 1);
SELECT pg_temp.view('org_a') AS org_a;
-- an environment role inside an organization's list: the environment list stays
SELECT slug, organization_id FROM rbac.set_organization_role_priority('org_a', 'guest', 2);
SELECT pg_temp.org('org_a') AS org_a;
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_b') AS org_b;
-- an organization without roles of its own gets an order of its own from the
-- environment list as it is now
SELECT slug FROM rbac.set_organization_role_priority('org_c', 'member', 1);
SELECT pg_temp.org('org_c') AS org_c;
SELECT pg_temp.view('org_c') AS org_c;
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_b') AS org_b;
-- later moves in the environment list leave org_a and org_c alone
SELECT slug FROM rbac.set_role_priority('owner', 1);
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_b') AS org_b;
SELECT pg_temp.org('org_c') AS org_c;
SELECT pg_temp.org('org_a') AS org_a;
-- new roles still go to the bottom of every list
SELECT slug FROM rbac.create_role('late', 'Late');
SELECT slug FROM rbac.create_organization_role('org_a', 'org-a3', 'A3');
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_a') AS org_a;
SELECT pg_temp.org('org_b') AS org_b;
SELECT pg_temp.org('org_c') AS org_c;
-- org_b gets its own role: its list starts as the environment list and then
-- keeps its order
SELECT slug FROM rbac.create_organization_role('org_b', 'org-b1', 'B1');
SELECT pg_temp.org('org_b') AS org_b;
SELECT slug FROM rbac.set_role_priority('late', 1);
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_b') AS org_b;
SELECT * FROM pg_temp.lists_ok();

--
-- errors: nothing moves
--
-- out of range (22023): the environment list has 7 roles
SELECT pg_temp.err($$SELECT rbac.set_role_priority('admin', 0)$$);
SELECT pg_temp.err($$SELECT rbac.set_role_priority('admin', -1)$$);
SELECT pg_temp.err($$SELECT rbac.set_role_priority('admin', 8)$$);
SELECT pg_temp.err($$SELECT rbac.set_role_priority('admin', NULL)$$);
-- unknown role, organization role, NULL (42704, 22023)
SELECT pg_temp.err($$SELECT rbac.set_role_priority('nope', 1)$$);
SELECT pg_temp.err($$SELECT rbac.set_role_priority('org-a1', 1)$$);
SELECT pg_temp.err($$SELECT rbac.set_role_priority('Admin', 1)$$);
SELECT pg_temp.err($$SELECT rbac.set_role_priority(NULL, 1)$$);
-- org_a's list has 10 roles
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('org_a', 'admin', 0)$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('org_a', 'admin', 11)$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('org_a', 'org-a1', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('org_a', 'org-b1', 1)$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('org_a', 'nope', 1)$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('', 'admin', 1)$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority(NULL, 'admin', 1)$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('org_a', NULL, 1)$$);
-- a failed move gives no organization an order of its own
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('org_z', 'admin', 0)$$);
SELECT pg_temp.err($$SELECT rbac.set_organization_role_priority('org_z', 'admin', 8)$$);
SELECT count(*) AS org_z_rows FROM rbac.roles_by_priority WHERE organization_id = 'org_z';
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_a') AS org_a;
SELECT pg_temp.org('org_b') AS org_b;
SELECT pg_temp.org('org_c') AS org_c;
SELECT pg_temp.org('org_z') AS org_z;

--
-- deleting a role closes the gap in every list
--
SELECT rbac.delete_role('editor');
SELECT rbac.delete_organization_role('org_a', 'org-a2');
SELECT pg_temp.view(NULL) AS env;
SELECT pg_temp.view('org_a') AS org_a;
SELECT pg_temp.view('org_b') AS org_b;
SELECT pg_temp.view('org_c') AS org_c;
SELECT * FROM pg_temp.lists_ok();
-- the same check on the view directly
-- (count(priority), not count(*): an aggregate without a column of the outer
-- query would belong to the sub-select and always be 1)
SELECT organization_id, count(*) AS n,
	   array_agg(priority ORDER BY priority) = array(SELECT generate_series(1, count(priority)::int)) AS dense
FROM rbac.roles_by_priority GROUP BY 1 ORDER BY 1 NULLS FIRST;

--
-- an organization role inserted directly lands at the bottom of its
-- organization's list, which starts as the environment list
--
INSERT INTO rbac.role (slug, name, organization_id) VALUES ('org-d1', 'D1', 'org_d');
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_d') AS org_d;

--
-- set_default_role
--
SELECT slug, organization_id FROM rbac.set_default_role('viewer');
SELECT slug, organization_id FROM rbac.set_default_role('guest');
SELECT slug, organization_id FROM rbac.set_default_role('org-a1', 'org_a');
-- an environment role can be an organization's default
SELECT slug, organization_id FROM rbac.set_default_role('admin', 'org_b');
-- errors (42704, 22023)
SELECT pg_temp.err($$SELECT rbac.set_default_role('nope')$$);
SELECT pg_temp.err($$SELECT rbac.set_default_role('org-a1')$$);
SELECT pg_temp.err($$SELECT rbac.set_default_role('org-a1', 'org_b')$$);
SELECT pg_temp.err($$SELECT rbac.set_default_role('nope', 'org_a')$$);
SELECT pg_temp.err($$SELECT rbac.set_default_role('Viewer')$$);
SELECT pg_temp.err($$SELECT rbac.set_default_role(NULL)$$);
SELECT pg_temp.err($$SELECT rbac.set_default_role('admin', '')$$);
-- one default per list
SELECT d.organization_id, r.slug
FROM rbac.default_role d JOIN rbac.role r ON r.id = d.role_id
ORDER BY 1 NULLS FIRST;
-- no default role can be deleted (55000)
SELECT pg_temp.err($$SELECT rbac.delete_role('guest')$$);
SELECT pg_temp.err($$SELECT rbac.delete_role('admin')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_a', 'org-a1')$$);
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_a') AS org_a;

--
-- highest_priority_role
--
SELECT pg_temp.env() AS env;
SELECT pg_temp.org('org_a') AS org_a;
SELECT pg_temp.org('org_c') AS org_c;
SELECT rbac.highest_priority_role('{admin,viewer}') AS env,
	   rbac.highest_priority_role('{admin,viewer}', 'org_a') AS org_a,
	   rbac.highest_priority_role('{admin,viewer}', 'org_e') AS org_e;
SELECT rbac.highest_priority_role('{member,guest}') AS env,
	   rbac.highest_priority_role('{member,guest}', 'org_c') AS org_c;
SELECT rbac.highest_priority_role('{org-a3,late}', 'org_a') AS a,
	   rbac.highest_priority_role('{org-a1,viewer}', 'org_a') AS b,
	   rbac.highest_priority_role('{viewer,org-a1}', 'org_a') AS c;
SELECT rbac.highest_priority_role('{viewer}') AS one,
	   rbac.highest_priority_role('{viewer,viewer}') AS twice,
	   rbac.highest_priority_role('{guest,member,admin,viewer,owner,late}') AS all_env;
-- empty array or NULL: NULL
SELECT rbac.highest_priority_role('{}') IS NULL AS empty,
	   rbac.highest_priority_role('{}', 'org_a') IS NULL AS empty_org,
	   rbac.highest_priority_role(NULL) IS NULL AS null_array,
	   rbac.highest_priority_role(NULL, 'org_a') IS NULL AS null_array_org;
-- unknown role, a role of another organization (42704); NULL element, malformed (22023)
SELECT pg_temp.err($$SELECT rbac.highest_priority_role('{viewer,nope}')$$);
SELECT pg_temp.err($$SELECT rbac.highest_priority_role('{org-a1}')$$);
SELECT pg_temp.err($$SELECT rbac.highest_priority_role('{org-a1,viewer}', 'org_b')$$);
SELECT pg_temp.err($$SELECT rbac.highest_priority_role('{viewer,NULL}')$$);
SELECT pg_temp.err($$SELECT rbac.highest_priority_role('{NULL}', 'org_a')$$);
SELECT pg_temp.err($$SELECT rbac.highest_priority_role('{Viewer}')$$);

--
-- many moves (86, chosen by a fixed pseudo-random sequence): after each one
-- every list equals a model kept here and priorities stay dense; environment
-- moves reach org_e (no order of its own) but not org_a, org_b, org_c, which
-- have their own; organization moves reach only that organization
--
DO $$
DECLARE
	env text[] := '{late,owner,viewer,admin,guest,member}';
	oa text[] := '{guest,owner,admin,viewer,org-a1,member,late,org-a3}';
	ob text[] := '{owner,viewer,admin,guest,member,late,org-b1}';
	oc text[] := '{member,viewer,admin,owner,guest,late}';
	x bigint := 42;
	moves integer := 0;
	n integer;
	p integer;
	s text;
	bad text;
BEGIN
	FOR i IN 1..80 LOOP
		x := (x * 1103515245 + 12345) % 2147483648;
		CASE
		WHEN x % 10 <= 3 THEN
			-- a move in the environment list
			n := array_length(env, 1);
			s := env[((x / 16) % n + 1)::int];
			p := ((x / 1024) % n + 1)::int;
			PERFORM rbac.set_role_priority(s, p);
			env := array_remove(env, s);
			env := env[1:p - 1] || s || env[p:];
			moves := moves + 1;
		WHEN x % 10 <= 5 THEN
			-- a move in org_a (its own roles and environment roles)
			n := array_length(oa, 1);
			s := oa[((x / 16) % n + 1)::int];
			p := ((x / 1024) % n + 1)::int;
			PERFORM rbac.set_organization_role_priority('org_a', s, p);
			oa := array_remove(oa, s);
			oa := oa[1:p - 1] || s || oa[p:];
			moves := moves + 1;
		WHEN x % 10 = 6 THEN
			-- the last role of org_c to second place: new keys between the same two
			n := array_length(oc, 1);
			s := oc[n];
			PERFORM rbac.set_organization_role_priority('org_c', s, 2);
			oc := array_remove(oc, s);
			oc := oc[1:1] || s || oc[2:];
			moves := moves + 1;
		WHEN x % 10 = 7 THEN
			-- the last environment role to second place, then the first to the bottom
			n := array_length(env, 1);
			s := env[n];
			PERFORM rbac.set_role_priority(s, 2);
			env := array_remove(env, s);
			env := env[1:1] || s || env[2:];
			s := env[1];
			PERFORM rbac.set_role_priority(s, n);
			env := array_remove(env, s) || s;
			moves := moves + 2;
		WHEN x % 10 = 8 THEN
			-- a move in org_b
			n := array_length(ob, 1);
			s := ob[((x / 16) % n + 1)::int];
			p := ((x / 1024) % n + 1)::int;
			PERFORM rbac.set_organization_role_priority('org_b', s, p);
			ob := array_remove(ob, s);
			ob := ob[1:p - 1] || s || ob[p:];
			moves := moves + 1;
		ELSE
			-- a move in org_c
			n := array_length(oc, 1);
			s := oc[((x / 16) % n + 1)::int];
			p := ((x / 1024) % n + 1)::int;
			PERFORM rbac.set_organization_role_priority('org_c', s, p);
			oc := array_remove(oc, s);
			oc := oc[1:p - 1] || s || oc[p:];
			moves := moves + 1;
		END CASE;
		IF pg_temp.env_a() IS DISTINCT FROM env OR pg_temp.view_a(NULL) IS DISTINCT FROM env THEN
			RAISE EXCEPTION 'step %: environment % / % , model %', i, pg_temp.env_a(), pg_temp.view_a(NULL), env;
		END IF;
		IF pg_temp.org_a('org_e') IS DISTINCT FROM env THEN
			RAISE EXCEPTION 'step %: org_e %, model %', i, pg_temp.org_a('org_e'), env;
		END IF;
		IF pg_temp.org_a('org_a') IS DISTINCT FROM oa OR pg_temp.view_a('org_a') IS DISTINCT FROM oa THEN
			RAISE EXCEPTION 'step %: org_a %, model %', i, pg_temp.org_a('org_a'), oa;
		END IF;
		IF pg_temp.org_a('org_b') IS DISTINCT FROM ob OR pg_temp.view_a('org_b') IS DISTINCT FROM ob THEN
			RAISE EXCEPTION 'step %: org_b %, model %', i, pg_temp.org_a('org_b'), ob;
		END IF;
		IF pg_temp.org_a('org_c') IS DISTINCT FROM oc OR pg_temp.view_a('org_c') IS DISTINCT FROM oc THEN
			RAISE EXCEPTION 'step %: org_c %, model %', i, pg_temp.org_a('org_c'), oc;
		END IF;
		SELECT string_agg(coalesce(l.organization_id, 'environment'), ', ') INTO bad
		FROM pg_temp.lists_ok() l WHERE NOT (l.dense AND l.same_order);
		IF bad IS NOT NULL THEN
			RAISE EXCEPTION 'step %: lists not dense or out of order: %', i, bad;
		END IF;
	END LOOP;
	CREATE TEMP TABLE model (list text, roles text[], moves integer);
	INSERT INTO model VALUES ('environment', env, moves), ('org_a', oa, moves), ('org_b', ob, moves),
		('org_c', oc, moves), ('org_e', env, moves);
END
$$;
-- the final lists equal the model
SELECT m.list, m.moves, m.roles,
	   m.roles = CASE m.list WHEN 'environment' THEN pg_temp.env_a() ELSE pg_temp.org_a(m.list) END AS list_ok,
	   m.list = 'org_e' OR m.roles = pg_temp.view_a(nullif(m.list, 'environment')) AS view_ok
FROM model m ORDER BY 1;
SELECT * FROM pg_temp.lists_ok();
-- (count(priority), not count(*): an aggregate without a column of the outer
-- query would belong to the sub-select and always be 1)
SELECT organization_id, count(*) AS n,
	   array_agg(priority ORDER BY priority) = array(SELECT generate_series(1, count(priority)::int)) AS dense
FROM rbac.roles_by_priority GROUP BY 1 ORDER BY 1 NULLS FIRST;
