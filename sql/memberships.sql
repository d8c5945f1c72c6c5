--
-- memberships: organization memberships, the membership checks and the
-- once-per-statement helper (SPEC 4)
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
DROP TABLE IF EXISTS documents;
DROP TABLE IF EXISTS documents_in;
DROP ROLE IF EXISTS rbac_test_member_app;
RESET client_min_messages;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- SQLSTATE and message of a statement's error, or 'ok' (ids, which vary
-- from run to run, masked)
CREATE FUNCTION pg_temp.err(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' ||
		   regexp_replace(SQLERRM, '\m(om|role|perm)_[0-9A-HJKMNP-TV-Z]{26}\M', '\1_<id>', 'g');
END $$;

-- only the SQLSTATE of a statement's error (deferred checks included), or 'ok'
CREATE FUNCTION pg_temp.state(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	SET CONSTRAINTS ALL IMMEDIATE;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;

-- rows in the membership tables, to show that a failed call stored nothing
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
	SELECT format('memberships=%s membership_roles=%s settings=%s',
				  (SELECT count(*) FROM rbac.membership),
				  (SELECT count(*) FROM rbac.membership_role),
				  (SELECT count(*) FROM rbac.setting))
$$;

-- a membership as JSON without the values that change from run to run
CREATE FUNCTION pg_temp.mj(u text, o text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT rbac.membership_json(rbac.get_organization_membership(u, o))
		   - 'id' - 'created_at' - 'updated_at'
$$;

--
-- A working set: environment roles (priority = order of creation) and
-- roles of two organizations with the same slug
--
SELECT count(*) AS permissions FROM (
	SELECT rbac.create_permission(p, p)
	FROM unnest(ARRAY['documents:read', 'documents:write', 'documents:*', 'billing:read',
					  'reports:export', '*']) p) c;
SELECT slug FROM rbac.create_role('admin', 'Admin');
SELECT slug FROM rbac.create_role('editor', 'Editor');
SELECT slug FROM rbac.create_role('viewer', 'Viewer');
SELECT slug FROM rbac.create_role('billing', 'Billing');
SELECT slug FROM rbac.create_role('member', 'Member');
SELECT slug FROM rbac.create_role('owner', 'Owner');
SELECT slug FROM rbac.set_role_permissions('admin', '{documents:*,billing:read}');
SELECT slug FROM rbac.set_role_permissions('editor', '{documents:read,documents:write}');
SELECT slug FROM rbac.set_role_permissions('viewer', '{documents:read}');
SELECT slug FROM rbac.set_role_permissions('billing', '{billing:read}');
SELECT slug FROM rbac.set_role_permissions('owner', '{*}');
-- org_a and org_b each have a role org-auditor; org_c has none of its own
SELECT slug FROM rbac.create_organization_role('org_a', 'org-auditor', 'Auditor A');
SELECT slug FROM rbac.set_organization_role_permissions('org_a', 'org-auditor', '{reports:export,documents:read}');
SELECT slug FROM rbac.create_organization_role('org_b', 'org-auditor', 'Auditor B');
SELECT slug FROM rbac.set_organization_role_permissions('org_b', 'org-auditor', '{billing:read}');
SELECT pg_temp.counts();
-- multiple roles are off by default
SELECT rbac.multiple_roles_enabled() AS multiple_roles;

--
-- create_organization_membership: the default role
--
-- no default role anywhere: 55000, nothing stored
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_1', 'org_a')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_1', 'org_a', NULL)$$);
SELECT pg_temp.counts();
-- the message, with its hint
SELECT rbac.create_organization_membership('user_1', 'org_c');
-- the environment default applies in every organization
SELECT slug FROM rbac.set_default_role('member');
SELECT id ~ '^om_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok, user_id, organization_id,
	   created_at <= updated_at AS times_ok,
	   created_at > now() - interval '1 hour' AND created_at <= clock_timestamp() AS created_now
FROM rbac.create_organization_membership('user_1', 'org_a');
SELECT rbac.user_roles('user_1', 'org_a');
-- an organization's own default wins over the environment default
SELECT slug FROM rbac.set_default_role('org-auditor', 'org_a');
SELECT user_id, organization_id FROM rbac.create_organization_membership('user_2', 'org_a');
SELECT rbac.user_roles('user_2', 'org_a');
-- org_b has a role of the same slug but no default of its own: the environment's
SELECT user_id, organization_id FROM rbac.create_organization_membership('user_2', 'org_b');
SELECT rbac.user_roles('user_2', 'org_b');
-- an organization default may be an environment role
SELECT slug FROM rbac.set_default_role('viewer', 'org_c');
SELECT user_id, organization_id FROM rbac.create_organization_membership('user_2', 'org_c');
SELECT rbac.user_roles('user_2', 'org_c');
-- ids: distinct, and ordered as created (ULIDs are monotonic within a backend)
SELECT count(DISTINCT id) AS distinct_ids,
	   array_agg(user_id || '@' || organization_id ORDER BY id) AS by_id
FROM rbac.membership;
SELECT pg_temp.counts();

--
-- create_organization_membership: explicit roles
--
-- an environment role, an organization's own role
SELECT user_id, organization_id FROM rbac.create_organization_membership('user_3', 'org_a', '{editor}');
SELECT user_id, organization_id FROM rbac.create_organization_membership('user_3', 'org_b', '{org-auditor}');
SELECT rbac.user_roles('user_3', 'org_a') AS org_a, rbac.user_roles('user_3', 'org_b') AS org_b;
-- the org-auditor of org_b is org_b's role, not org_a's
SELECT rbac.user_has_permission('user_3', 'org_b', 'billing:read') AS org_b_billing,
	   rbac.user_has_permission('user_3', 'org_b', 'reports:export') AS org_b_reports;
-- a repeated slug is one role, so it is not "several roles"
SELECT user_id, organization_id FROM rbac.create_organization_membership('user_4', 'org_a', '{viewer,viewer}');
SELECT rbac.user_roles('user_4', 'org_a');
SELECT count(*) AS role_rows FROM rbac.membership_role mr
JOIN rbac.membership m ON m.id = mr.membership_id
WHERE m.user_id = 'user_4';
SELECT pg_temp.counts();

--
-- create_organization_membership: errors; each stores nothing
--
-- a role of another organization: 42704 (org_c has no org-auditor)
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_c', '{org-auditor}')$$);
-- an unknown role, alone or after a known one
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', '{nope}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', '{viewer,nope}')$$);
-- a malformed slug
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', '{Viewer}')$$);
-- no roles, a NULL role
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', '{}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', ARRAY['viewer', NULL])$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', ARRAY[NULL]::text[])$$);
-- two roles while multiple roles are off: 22023, with detail and hint
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', '{viewer,billing}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', '{viewer,org-auditor}')$$);
SELECT rbac.create_organization_membership('user_9', 'org_a', '{viewer,billing}');
-- one membership per user and organization: 23505, even with other roles
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_1', 'org_a')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_1', 'org_a', '{admin}')$$);
SELECT rbac.user_roles('user_1', 'org_a') AS unchanged;
-- bad user ids
SELECT pg_temp.err($$SELECT rbac.create_organization_membership(NULL, 'org_a', '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('', 'org_a', '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership(repeat('u', 129), 'org_a', '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership(E'user\n9', 'org_a', '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership(E'user\x7f9', 'org_a', '{viewer}')$$);
-- bad organization ids
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', NULL, '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', '', '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', repeat('o', 129), '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', E'org\t9', '{viewer}')$$);
-- a bad id is refused even when the default role would apply
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('', 'org_a')$$);
SELECT pg_temp.counts();
-- 128 characters (not bytes) is the limit, for both ids
SELECT char_length(user_id) AS user_chars, octet_length(user_id) AS user_bytes,
	   char_length(organization_id) AS org_chars
FROM rbac.create_organization_membership(repeat('é', 128), repeat('o', 128), '{viewer}');
SELECT rbac.delete_organization_membership(repeat('é', 128), repeat('o', 128));
-- direct DML goes through the same checks
SELECT pg_temp.err($$INSERT INTO rbac.membership (user_id, organization_id) VALUES ('', 'org_a')$$);
SELECT pg_temp.err($$INSERT INTO rbac.membership (id, user_id, organization_id) VALUES ('om_x', 'user_9', 'org_a')$$);
SELECT pg_temp.err($$UPDATE rbac.membership SET user_id = 'user_9' WHERE user_id = 'user_1'$$);
SELECT pg_temp.err($$UPDATE rbac.membership SET organization_id = 'org_z' WHERE user_id = 'user_1'$$);
SELECT pg_temp.err($$INSERT INTO rbac.membership_role
	SELECT m.id, r.id FROM rbac.membership m, rbac.role r
	WHERE m.user_id = 'user_1' AND m.organization_id = 'org_a'
	  AND r.slug = 'org-auditor' AND r.organization_id = 'org_b'$$);
-- every membership holds at least one role: taking away the last role is
-- refused at commit, by DELETE or TRUNCATE (in a transaction rolled
-- back, so that the rest does not depend on it)
BEGIN;
SELECT pg_temp.state($$DELETE FROM rbac.membership_role mr USING rbac.membership m
	WHERE m.id = mr.membership_id AND m.user_id = 'user_1' AND m.organization_id = 'org_a'$$);
SELECT pg_temp.state($$TRUNCATE rbac.membership_role$$);
SELECT count(*) AS memberships_without_roles FROM rbac.membership m
WHERE NOT EXISTS (SELECT 1 FROM rbac.membership_role mr WHERE mr.membership_id = m.id);
ROLLBACK;
-- but a membership inserted by direct DML gets its roles in a later
-- statement, as pg_dump's restore loads rbac.membership and then
-- rbac.membership_role in separate transactions; until it has one it
-- grants nothing
BEGIN;
SELECT pg_temp.state($$INSERT INTO rbac.membership (user_id, organization_id) VALUES ('user_8', 'org_a')$$);
SELECT rbac.user_has_permission('user_8', 'org_a', 'documents:read') AS roleless_grants;
SELECT pg_temp.state($$INSERT INTO rbac.membership_role (membership_id, role_id)
	SELECT m.id, r.id FROM rbac.membership m, rbac.role r
	WHERE m.user_id = 'user_8' AND m.organization_id = 'org_a'
	  AND r.slug = 'viewer' AND r.organization_id IS NULL$$);
ROLLBACK;
SELECT pg_temp.counts();

--
-- get_organization_membership
--
SELECT id ~ '^om_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok, user_id, organization_id
FROM rbac.get_organization_membership('user_3', 'org_b');
SELECT (rbac.get_organization_membership('user_3', 'org_b')).id =
	   (SELECT id FROM rbac.membership WHERE user_id = 'user_3' AND organization_id = 'org_b') AS same_row;
-- none: 42704; a member of another organization is not a member here
SELECT pg_temp.err($$SELECT rbac.get_organization_membership('user_3', 'org_c')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_membership('nobody', 'org_a')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_membership('USER_3', 'org_b')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_membership(NULL, 'org_b')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_membership('user_3', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_membership('', 'org_b')$$);
SELECT pg_temp.err($$SELECT rbac.get_organization_membership('user_3', repeat('o', 129))$$);

--
-- update_organization_membership
--
CREATE TEMP TABLE before AS SELECT * FROM rbac.membership WHERE user_id = 'user_3' AND organization_id = 'org_a';
SELECT pg_sleep(0.002);
SELECT m.id = b.id AS same_id, m.created_at = b.created_at AS same_created,
	   m.updated_at > b.updated_at AS updated_moved
FROM rbac.update_organization_membership('user_3', 'org_a', '{viewer}') m, before b;
SELECT rbac.user_roles('user_3', 'org_a');
SELECT m.created_at = b.created_at AS same_created, m.updated_at > b.updated_at AS updated_moved
FROM rbac.membership m, before b WHERE m.id = b.id;
-- to an organization role, and back
SELECT user_id FROM rbac.update_organization_membership('user_3', 'org_a', '{org-auditor}');
SELECT rbac.user_roles('user_3', 'org_a');
SELECT user_id FROM rbac.update_organization_membership('user_3', 'org_a', '{editor}');
SELECT rbac.user_roles('user_3', 'org_a');
-- the same role again: fine, still one role
SELECT user_id FROM rbac.update_organization_membership('user_3', 'org_a', '{editor,editor}');
SELECT rbac.user_roles('user_3', 'org_a');
-- errors: nothing changes
CREATE TEMP TABLE snap AS SELECT m.id, m.updated_at, rbac.user_roles(m.user_id, m.organization_id) AS roles
FROM rbac.membership m;
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_3', 'org_a', '{nope}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_3', 'org_a', '{viewer,nope}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_3', 'org_c', '{org-auditor}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_2', 'org_c', '{org-auditor}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_3', 'org_a', '{}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_3', 'org_a', ARRAY[NULL, 'viewer'])$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_3', 'org_a', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_3', 'org_a', '{viewer,billing}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('nobody', 'org_a', '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership(NULL, 'org_a', '{viewer}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_3', '', '{viewer}')$$);
SELECT count(*) AS changed FROM rbac.membership m FULL JOIN snap s ON s.id = m.id
WHERE s.id IS NULL OR m.id IS NULL OR s.updated_at <> m.updated_at
   OR s.roles <> rbac.user_roles(m.user_id, m.organization_id);
SELECT pg_temp.counts();

--
-- delete_organization_membership
--
SELECT user_id FROM rbac.create_organization_membership('user_5', 'org_a', '{editor}');
SELECT pg_temp.counts();
SELECT rbac.delete_organization_membership('user_5', 'org_a');
SELECT pg_temp.counts();
SELECT pg_temp.err($$SELECT rbac.get_organization_membership('user_5', 'org_a')$$);
SELECT rbac.user_roles('user_5', 'org_a') AS roles_after_delete,
	   rbac.user_has_permission('user_5', 'org_a', 'documents:read') AS check_after_delete;
-- a second time: 42704
SELECT pg_temp.err($$SELECT rbac.delete_organization_membership('user_5', 'org_a')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_membership(NULL, 'org_a')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_membership('user_5', NULL)$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_membership('user_5', '')$$);
-- another membership of the same user is untouched
SELECT user_id FROM rbac.create_organization_membership('user_5', 'org_a', '{editor}');
SELECT user_id FROM rbac.create_organization_membership('user_5', 'org_b', '{viewer}');
SELECT rbac.delete_organization_membership('user_5', 'org_a');
SELECT rbac.user_roles('user_5', 'org_a') AS org_a, rbac.user_roles('user_5', 'org_b') AS org_b;
-- and created again: a new membership with the new roles
SELECT user_id FROM rbac.create_organization_membership('user_5', 'org_a', '{billing}');
SELECT rbac.user_roles('user_5', 'org_a');
SELECT pg_temp.counts();

--
-- set_multiple_roles
--
SELECT pg_temp.err($$SELECT rbac.set_multiple_roles(NULL)$$);
SELECT rbac.multiple_roles_enabled(), pg_temp.counts();
SELECT rbac.set_multiple_roles(true);
SELECT rbac.multiple_roles_enabled(), pg_temp.counts();
-- setting it twice keeps one row
SELECT rbac.set_multiple_roles(true);
SELECT pg_temp.counts();
SELECT user_id FROM rbac.create_organization_membership('user_6', 'org_a', '{viewer,admin,billing}');
SELECT rbac.user_roles('user_6', 'org_a');
SELECT user_id FROM rbac.create_organization_membership('user_6', 'org_b', '{org-auditor,member}');
SELECT rbac.user_roles('user_6', 'org_b');
SELECT user_id FROM rbac.update_organization_membership('user_3', 'org_a', '{viewer,editor,org-auditor}');
SELECT rbac.user_roles('user_3', 'org_a');
-- a NULL element or another organization's role is still refused
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_c', '{viewer,org-auditor}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_6', 'org_a', ARRAY['viewer', NULL])$$);
SELECT rbac.user_roles('user_6', 'org_a') AS unchanged;
-- off again: existing memberships keep their roles; new ones with several are refused
SELECT rbac.set_multiple_roles(false);
SELECT rbac.multiple_roles_enabled(), pg_temp.counts();
SELECT rbac.user_roles('user_6', 'org_a') AS kept;
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('user_9', 'org_a', '{viewer,admin}')$$);
SELECT pg_temp.err($$SELECT rbac.update_organization_membership('user_6', 'org_b', '{viewer,admin}')$$);
SELECT rbac.user_roles('user_6', 'org_b') AS unchanged;
-- but one role is fine
SELECT user_id FROM rbac.update_organization_membership('user_3', 'org_a', '{editor}');
SELECT rbac.user_roles('user_3', 'org_a');
SELECT rbac.set_multiple_roles(true);

--
-- user_roles and user_role: priority order
--
-- environment list: admin, editor, viewer, billing, member, owner
SELECT slug, priority FROM rbac.roles_by_priority WHERE organization_id IS NULL ORDER BY priority;
SELECT user_id FROM rbac.create_organization_membership('user_7', 'org_c', '{member,viewer,admin}');
SELECT rbac.user_roles('user_7', 'org_c'), rbac.user_role('user_7', 'org_c');
-- moving a role in the environment list moves it in org_c's (no order of its own)
SELECT slug FROM rbac.set_role_priority('member', 1);
SELECT rbac.user_roles('user_7', 'org_c'), rbac.user_role('user_7', 'org_c');
SELECT slug FROM rbac.set_role_priority('member', 5);
SELECT rbac.user_roles('user_7', 'org_c'), rbac.user_role('user_7', 'org_c');
-- org_a has an order of its own: org-auditor is at its bottom
SELECT slug, priority FROM rbac.roles_by_priority WHERE organization_id = 'org_a' ORDER BY priority;
SELECT rbac.user_roles('user_6', 'org_a') AS user_6, rbac.user_role('user_6', 'org_a') AS top_6;
SELECT user_id FROM rbac.update_organization_membership('user_6', 'org_a', '{billing,org-auditor,viewer}');
SELECT rbac.user_roles('user_6', 'org_a'), rbac.user_role('user_6', 'org_a');
SELECT slug FROM rbac.set_organization_role_priority('org_a', 'org-auditor', 1);
SELECT rbac.user_roles('user_6', 'org_a'), rbac.user_role('user_6', 'org_a');
-- an environment role moved in org_a's own list only
SELECT slug FROM rbac.set_organization_role_priority('org_a', 'billing', 1);
SELECT rbac.user_roles('user_6', 'org_a'), rbac.user_role('user_6', 'org_a');
-- the environment list did not change, nor org_c's
SELECT rbac.user_roles('user_7', 'org_c');
SELECT user_id FROM rbac.update_organization_membership('user_7', 'org_c', '{billing,viewer}');
SELECT rbac.user_roles('user_7', 'org_c') AS org_c_follows_environment;
-- moving an environment role in the environment list leaves org_a's own order alone
SELECT slug FROM rbac.set_role_priority('viewer', 1);
SELECT rbac.user_roles('user_6', 'org_a') AS org_a_own_order,
	   rbac.user_roles('user_7', 'org_c') AS org_c_follows_environment;
SELECT slug FROM rbac.set_role_priority('viewer', 3);
-- a single role; a non-member: empty and NULL
SELECT rbac.user_roles('user_1', 'org_a'), rbac.user_role('user_1', 'org_a');
SELECT rbac.user_roles('nobody', 'org_a') AS roles, rbac.user_role('nobody', 'org_a') IS NULL AS role_is_null,
	   rbac.user_roles('user_1', 'org_b') AS other_org, rbac.user_role('user_1', 'org_b') IS NULL AS other_org_null;
-- user_role is what highest_priority_role picks from user_roles
SELECT count(*) AS memberships,
	   count(*) FILTER (WHERE rbac.user_role(user_id, organization_id) =
						rbac.highest_priority_role(rbac.user_roles(user_id, organization_id), organization_id)) AS agree
FROM rbac.membership;

--
-- user_permissions: the union, sorted, wildcard grants as written
--
SELECT rbac.user_roles('user_6', 'org_a');
SELECT p FROM rbac.user_permissions('user_6', 'org_a') p;
SELECT user_id FROM rbac.update_organization_membership('user_6', 'org_a', '{admin,viewer,billing}');
SELECT p FROM rbac.user_permissions('user_6', 'org_a') p;
SELECT p FROM rbac.user_permissions('user_3', 'org_b') p;
-- a role without permissions, a non-member: none
SELECT count(*) AS member_role FROM rbac.user_permissions('user_1', 'org_a');
SELECT count(*) AS non_member FROM rbac.user_permissions('nobody', 'org_a');
SELECT count(*) AS other_org FROM rbac.user_permissions('user_3', 'org_c');
-- grants follow the roles
SELECT slug FROM rbac.add_role_permission('member', 'reports:export');
SELECT p FROM rbac.user_permissions('user_1', 'org_a') p;
SELECT slug FROM rbac.remove_role_permission('member', 'reports:export');
SELECT count(*) AS member_role FROM rbac.user_permissions('user_1', 'org_a');

--
-- membership_json
--
SELECT user_id FROM rbac.update_organization_membership('user_6', 'org_a', '{viewer,billing,org-auditor}');
SELECT slug, priority FROM rbac.roles_by_priority WHERE organization_id = 'org_a' ORDER BY priority;
SELECT rbac.membership_json(m) - 'id' - 'created_at' - 'updated_at' AS j
FROM rbac.get_organization_membership('user_6', 'org_a') m;
-- exactly these keys, of these types
SELECT k, jsonb_typeof(j -> k) AS type
FROM (SELECT rbac.membership_json(rbac.get_organization_membership('user_6', 'org_a')) AS j) s,
	 jsonb_object_keys(j) k
ORDER BY k;
SELECT j ->> 'object' AS object,
	   j ->> 'id' ~ '^om_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok,
	   j ->> 'id' = m.id AS id_is_row_id,
	   j ->> 'created_at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS created_format,
	   j ->> 'updated_at' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS updated_format,
	   abs(extract(epoch FROM (j ->> 'created_at')::timestamptz - m.created_at)) < 0.001 AS created_value,
	   abs(extract(epoch FROM (j ->> 'updated_at')::timestamptz - m.updated_at)) < 0.001 AS updated_value
FROM rbac.get_organization_membership('user_6', 'org_a') m,
	 rbac.membership_json(m) j;
-- the role is the highest-priority one; roles follow the organization's order
SELECT slug FROM rbac.set_organization_role_priority('org_a', 'viewer', 1);
SELECT pg_temp.mj('user_6', 'org_a');
-- one role; an organization role of org_b; the default role of an organization
SELECT pg_temp.mj('user_1', 'org_a');
SELECT pg_temp.mj('user_3', 'org_b');
SELECT pg_temp.mj('user_2', 'org_a');
-- timestamps in UTC whatever the session's time zone
SET TIME ZONE 'America/New_York';
SELECT (j ->> 'created_at') ~ 'Z$' AS utc,
	   abs(extract(epoch FROM (j ->> 'created_at')::timestamptz - m.created_at)) < 0.001 AS same_instant
FROM rbac.get_organization_membership('user_6', 'org_a') m, rbac.membership_json(m) j;
RESET TIME ZONE;
-- NULL in, NULL out (STRICT)
SELECT rbac.membership_json(NULL) IS NULL AS null_json;
-- every membership renders
SELECT count(*) AS memberships,
	   count(*) FILTER (WHERE jsonb_array_length(rbac.membership_json(m) -> 'roles') >= 1
							AND rbac.membership_json(m) -> 'role' = rbac.membership_json(m) -> 'roles' -> 0) AS role_is_first
FROM rbac.membership m;

--
-- Deleting a role that memberships hold: 2BP01, nothing changes
--
CREATE TEMP TABLE roles_before AS SELECT id, slug, organization_id FROM rbac.role;
CREATE TEMP TABLE mr_before AS SELECT * FROM rbac.membership_role;
SELECT pg_temp.err($$SELECT rbac.delete_role('billing')$$);
SELECT pg_temp.err($$SELECT rbac.delete_role('editor')$$);
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_b', 'org-auditor')$$);
SELECT pg_temp.err($$DELETE FROM rbac.role WHERE slug = 'editor'$$);
-- the message, with its detail and hint
SELECT rbac.delete_role('billing');
SELECT (SELECT count(*) FROM rbac.role) = (SELECT count(*) FROM roles_before) AS roles_unchanged,
	   NOT EXISTS (SELECT * FROM rbac.membership_role EXCEPT SELECT * FROM mr_before)
	   AND NOT EXISTS (SELECT * FROM mr_before EXCEPT SELECT * FROM rbac.membership_role) AS memberships_unchanged;
SELECT rbac.user_has_permission('user_5', 'org_a', 'billing:read') AS billing_still_granted;
-- once no membership holds it, it can be deleted
SELECT user_id, organization_id FROM rbac.membership m
WHERE 'billing' = ANY (rbac.user_roles(m.user_id, m.organization_id))
ORDER BY 1, 2;
SELECT user_id FROM rbac.update_organization_membership('user_5', 'org_a', '{viewer}');
SELECT user_id FROM rbac.update_organization_membership('user_6', 'org_a', '{viewer,org-auditor}');
SELECT user_id FROM rbac.update_organization_membership('user_7', 'org_c', '{viewer}');
SELECT rbac.delete_role('billing');
SELECT pg_temp.err($$SELECT rbac.get_role('billing')$$);
-- deleting a membership releases its roles
SELECT pg_temp.err($$SELECT rbac.delete_organization_role('org_b', 'org-auditor')$$);
SELECT rbac.delete_organization_membership('user_3', 'org_b');
SELECT rbac.delete_organization_membership('user_6', 'org_b');
SELECT rbac.delete_organization_role('org_b', 'org-auditor');
SELECT pg_temp.counts();

--
-- user_has_permission
--
-- user_8: viewer + org-auditor in org_a, admin in org_c, owner in org_d
SELECT user_id FROM rbac.create_organization_membership('user_8', 'org_a', '{viewer,org-auditor}');
SELECT user_id FROM rbac.create_organization_membership('user_8', 'org_c', '{admin}');
SELECT user_id FROM rbac.create_organization_membership('user_8', 'org_d', '{owner}');
-- the union of the membership's roles, organization by organization
SELECT o, p, rbac.user_has_permission('user_8', o, p) AS granted
FROM unnest(ARRAY['org_a', 'org_b', 'org_c', 'org_d']) o,
	 unnest(ARRAY['documents:read', 'documents:write', 'reports:export', 'billing:read',
				  'documents:write:own', 'documents', 'documents:*', 'anything:at:all']) p
ORDER BY o, p;
-- the same cells through the role checks over user_roles: the same answers
SELECT count(*) AS cells,
	   count(*) FILTER (WHERE rbac.user_has_permission('user_8', o, p) =
							   rbac.roles_have_permission(rbac.user_roles('user_8', o), p, o)) AS same
FROM unnest(ARRAY['org_a', 'org_b', 'org_c', 'org_d', 'org_e']) o,
	 unnest(ARRAY['documents:read', 'documents:write', 'reports:export', 'billing:read',
				  'documents:write:own', 'documents', 'documents:*', 'anything:at:all', 'x']) p;
-- a non-member, a member of another organization, a user of another case
SELECT rbac.user_has_permission('nobody', 'org_a', 'documents:read') AS non_member,
	   rbac.user_has_permission('user_1', 'org_c', 'documents:read') AS other_org,
	   rbac.user_has_permission('USER_8', 'org_a', 'documents:read') AS other_case,
	   rbac.user_has_permission('user_8', 'ORG_A', 'documents:read') AS other_case_org;
-- malformed input: false, never an error
SELECT label, rbac.user_has_permission(u, o, p) AS granted
FROM (VALUES ('permission upper case', 'user_8', 'org_c', 'Documents:Read'),
			 ('permission empty', 'user_8', 'org_c', ''),
			 ('permission with space', 'user_8', 'org_c', 'documents: read'),
			 ('permission 129 chars', 'user_8', 'org_d', repeat('a', 129)),
			 ('permission 1MB', 'user_8', 'org_d', repeat('a', 1000000)),
			 ('user empty', '', 'org_c', 'documents:read'),
			 ('user 129 chars', repeat('u', 129), 'org_c', 'documents:read'),
			 ('user 1MB', repeat('u', 1000000), 'org_c', 'documents:read'),
			 ('user control char', E'user_8\n', 'org_c', 'documents:read'),
			 ('org empty', 'user_8', '', 'documents:read'),
			 ('org 129 chars', 'user_8', repeat('o', 129), 'documents:read'),
			 ('org 1MB', 'user_8', repeat('o', 1000000), 'documents:read'),
			 ('org non-ASCII', 'user_8', 'org_' || chr(233), 'documents:read')) v(label, u, o, p);
-- NULL in any argument: NULL (STRICT)
SELECT rbac.user_has_permission(NULL, 'org_a', 'documents:read') IS NULL AS a,
	   rbac.user_has_permission('user_8', NULL, 'documents:read') IS NULL AS b,
	   rbac.user_has_permission('user_8', 'org_a', NULL) IS NULL AS c;
-- changes in this session are seen by the next statement
SELECT rbac.user_has_permission('user_8', 'org_a', 'documents:write') AS before;
SELECT user_id FROM rbac.update_organization_membership('user_8', 'org_a', '{editor}');
SELECT rbac.user_has_permission('user_8', 'org_a', 'documents:write') AS after_update,
	   rbac.user_has_permission('user_8', 'org_a', 'reports:export') AS auditor_gone;
SELECT slug FROM rbac.remove_role_permission('editor', 'documents:write');
SELECT rbac.user_has_permission('user_8', 'org_a', 'documents:write') AS after_revoke;
SELECT slug FROM rbac.add_role_permission('editor', 'documents:write');
SELECT rbac.delete_organization_membership('user_8', 'org_a');
SELECT rbac.user_has_permission('user_8', 'org_a', 'documents:read') AS after_delete;
SELECT user_id FROM rbac.create_organization_membership('user_8', 'org_a', '{org-auditor}');
SELECT rbac.user_has_permission('user_8', 'org_a', 'reports:export') AS recreated_reports,
	   rbac.user_has_permission('user_8', 'org_a', 'documents:write') AS recreated_write;
-- TRUNCATE is seen too
BEGIN;
SET client_min_messages = warning;
TRUNCATE rbac.membership CASCADE;
RESET client_min_messages;
SELECT rbac.user_has_permission('user_8', 'org_a', 'reports:export') AS after_truncate,
	   ARRAY(SELECT rbac.organizations_with_permission('user_8', 'reports:export')) AS orgs_after_truncate;
ROLLBACK;
SELECT rbac.user_has_permission('user_8', 'org_a', 'reports:export') AS after_rollback;
-- in a transaction, at once; after a rollback, the old answer
BEGIN;
SELECT user_id FROM rbac.update_organization_membership('user_8', 'org_a', '{admin}');
SELECT rbac.user_has_permission('user_8', 'org_a', 'documents:write') AS uncommitted_own_change;
ROLLBACK;
SELECT rbac.user_has_permission('user_8', 'org_a', 'documents:write') AS after_rollback;

--
-- organizations_with_permission
--
SELECT user_id, organization_id, rbac.user_roles(user_id, organization_id)
FROM rbac.membership WHERE user_id = 'user_8' ORDER BY organization_id;
SELECT p, ARRAY(SELECT rbac.organizations_with_permission('user_8', p) ORDER BY 1) AS orgs
FROM unnest(ARRAY['documents:read', 'documents:write', 'reports:export', 'documents:write:own',
				  'documents:*', 'documents', 'billing:read', 'x:y']) WITH ORDINALITY AS t(p, n)
ORDER BY n;
-- the same as user_has_permission over the user's memberships
SELECT count(*) AS cells,
	   count(*) FILTER (WHERE (m.organization_id IN (SELECT rbac.organizations_with_permission(m.user_id, p)))
							  = rbac.user_has_permission(m.user_id, m.organization_id, p)) AS same
FROM rbac.membership m,
	 unnest(ARRAY['documents:read', 'documents:write', 'reports:export', 'documents:write:own',
				  'documents:*', 'documents', 'billing:read', 'x:y']) p;
-- a non-member, malformed input: no rows, never an error
SELECT count(*) AS non_member FROM rbac.organizations_with_permission('nobody', 'documents:read');
SELECT label, (SELECT count(*) FROM rbac.organizations_with_permission(u, p)) AS orgs
FROM (VALUES ('permission upper case', 'user_8', 'Documents:Read'),
			 ('permission empty', 'user_8', ''),
			 ('permission 1MB', 'user_8', repeat('a', 1000000)),
			 ('user empty', '', 'documents:read'),
			 ('user 129 chars', repeat('u', 129), 'documents:read'),
			 ('user 1MB', repeat('u', 1000000), 'documents:read'),
			 ('user control char', E'user_8\n', 'documents:read')) v(label, u, p);
SELECT count(*) AS null_user FROM rbac.organizations_with_permission(NULL, 'documents:read');
SELECT count(*) AS null_permission FROM rbac.organizations_with_permission('user_8', NULL);
-- follows changes
SELECT user_id FROM rbac.create_organization_membership('user_8', 'org_e', '{viewer}');
SELECT ARRAY(SELECT rbac.organizations_with_permission('user_8', 'documents:read') ORDER BY 1) AS orgs;
SELECT rbac.delete_organization_membership('user_8', 'org_c');
SELECT ARRAY(SELECT rbac.organizations_with_permission('user_8', 'documents:read') ORDER BY 1) AS orgs;

--
-- Markings of the checks (SPEC 3, 4)
--
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proisstrict AS strict,
	   p.proparallel AS parallel, p.prosecdef AS security_definer, p.proconfig AS config,
	   l.lanname AS language, p.proretset AS set_returning
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'rbac'::regnamespace
  AND p.proname IN ('user_has_permission', 'has_permission', 'organizations_with_permission')
ORDER BY 1::text;
-- every function of SPEC 4 exists and is documented with COMMENT ON
SELECT count(*) AS functions,
	   count(*) FILTER (WHERE obj_description(p.oid, 'pg_proc') IS NOT NULL) AS documented,
	   count(DISTINCT p.proname) AS names
FROM pg_proc p
WHERE p.pronamespace = 'rbac'::regnamespace
  AND p.proname IN ('create_organization_membership', 'get_organization_membership',
					'update_organization_membership', 'delete_organization_membership',
					'set_multiple_roles', 'user_has_permission', 'organizations_with_permission',
					'has_permission', 'user_roles', 'user_role', 'user_permissions', 'membership_json');

--
-- A multi-tenant table under row-level security, read by an application
-- role without any privilege on rbac's tables
--
CREATE ROLE rbac_test_member_app NOLOGIN;
GRANT USAGE ON SCHEMA public TO rbac_test_member_app;
-- (1.1) rbac.user_id is superuser-only: the administrator opens it to the
-- role that names the request's user
GRANT SET ON PARAMETER rbac.user_id TO rbac_test_member_app;
SELECT f AS function, has_function_privilege('rbac_test_member_app', f, 'EXECUTE') AS can_execute
FROM unnest(ARRAY['rbac.user_has_permission(text,text,text)',
				  'rbac.organizations_with_permission(text,text)',
				  'rbac.has_permission(text)', 'rbac.has_permission(text,text)']) f;

-- the same rows in two tables: one with a per-row policy, one with the
-- once-per-statement form
CREATE TABLE documents (id integer PRIMARY KEY, org_id text, title text);
INSERT INTO documents VALUES
	(1, 'org_a', 'A plan'), (2, 'org_a', 'A budget'), (3, 'org_b', 'B roadmap'),
	(4, 'org_c', 'C memo'), (5, 'org_c', 'C notes'), (6, 'org_d', 'D secrets'),
	(7, 'org_e', 'E minutes'), (8, NULL, 'Orphan');
CREATE TABLE documents_in (LIKE documents INCLUDING ALL);
INSERT INTO documents_in SELECT * FROM documents;
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
ALTER TABLE documents_in ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents_in FORCE ROW LEVEL SECURITY;
GRANT SELECT ON documents, documents_in TO rbac_test_member_app;
CREATE POLICY documents_read ON documents FOR SELECT
	USING (rbac.user_has_permission(current_setting('rbac.user_id', true), org_id, 'documents:read'));
CREATE POLICY documents_read ON documents_in FOR SELECT
	USING (org_id IN (SELECT rbac.organizations_with_permission(current_setting('rbac.user_id', true),
															  'documents:read')));
-- the members
SELECT user_id FROM rbac.create_organization_membership('alice', 'org_a', '{viewer}');
SELECT user_id FROM rbac.create_organization_membership('alice', 'org_b', '{member}');
SELECT user_id FROM rbac.create_organization_membership('alice', 'org_c', '{admin}');
SELECT user_id FROM rbac.create_organization_membership('bob', 'org_b', '{editor}');
SELECT user_id FROM rbac.create_organization_membership('bob', 'org_d', '{member}');
-- org_d has no org-auditor of its own
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('carol', 'org_d', '{org-auditor}')$$);
SELECT user_id FROM rbac.create_organization_membership('carol', 'org_a', '{org-auditor}');

SET ROLE rbac_test_member_app;
SELECT current_user;
-- no access to rbac's tables, nor to the management functions that read them
SELECT pg_temp.err($$SELECT count(*) FROM rbac.membership$$);
SELECT pg_temp.err($$SELECT count(*) FROM rbac.membership_role$$);
SELECT pg_temp.err($$SELECT count(*) FROM rbac.setting$$);
SELECT pg_temp.err($$SELECT rbac.create_organization_membership('mallory', 'org_a', '{admin}')$$);
SELECT pg_temp.err($$SELECT rbac.set_multiple_roles(true)$$);
-- but the checks work
SELECT rbac.user_has_permission('alice', 'org_c', 'documents:read') AS alice_c,
	   rbac.user_has_permission('alice', 'org_b', 'documents:read') AS alice_b,
	   ARRAY(SELECT rbac.organizations_with_permission('alice', 'documents:read') ORDER BY 1) AS alice_orgs;
-- nobody set: no rows
SELECT count(*) AS visible FROM documents;
SELECT count(*) AS visible FROM documents_in;
-- alice reads org_a (viewer) and org_c (admin: documents:*), not org_b (member)
SET rbac.user_id = 'alice';
SELECT id, org_id, title FROM documents ORDER BY id;
SELECT id, org_id, title FROM documents_in ORDER BY id;
-- bob reads org_b (editor); in org_d he holds nothing
SET rbac.user_id = 'bob';
SELECT id, org_id, title FROM documents ORDER BY id;
SELECT id, org_id, title FROM documents_in ORDER BY id;
-- carol: org_a's own org-auditor grants documents:read
SET rbac.user_id = 'carol';
SELECT id, org_id, title FROM documents ORDER BY id;
SELECT id, org_id, title FROM documents_in ORDER BY id;
-- a non-member, a malformed user id: no rows, no error
SET rbac.user_id = 'mallory';
SELECT count(*) AS visible FROM documents;
SELECT count(*) AS visible FROM documents_in;
SET rbac.user_id = '';
SELECT count(*) AS visible FROM documents;
SELECT count(*) AS visible FROM documents_in;
-- per transaction, as a connection pool would
BEGIN;
SELECT set_config('rbac.user_id', 'alice', true);
SELECT array_agg(id ORDER BY id) AS per_row FROM documents;
SELECT array_agg(id ORDER BY id) AS per_statement FROM documents_in;
COMMIT;
SELECT count(*) AS visible_after_commit FROM documents;
-- both forms give the same rows, for every user
RESET ROLE;
CREATE TEMP TABLE users AS SELECT u FROM unnest(ARRAY['alice', 'bob', 'carol', 'user_8', 'mallory']) u;
GRANT SELECT ON users TO rbac_test_member_app;
CREATE FUNCTION pg_temp.visible(u text, per_statement boolean) RETURNS integer[] LANGUAGE plpgsql AS $$
DECLARE
	ids integer[];
BEGIN
	PERFORM set_config('rbac.user_id', u, true);
	IF per_statement THEN
		SELECT array_agg(id ORDER BY id) INTO ids FROM documents_in;
	ELSE
		SELECT array_agg(id ORDER BY id) INTO ids FROM documents;
	END IF;
	RETURN coalesce(ids, '{}');
END $$;
SET ROLE rbac_test_member_app;
BEGIN;
SELECT u, pg_temp.visible(u, false) AS per_row, pg_temp.visible(u, true) AS per_statement
FROM users ORDER BY u;
COMMIT;
-- a membership change committed by the administrator shows from the next statement
SET rbac.user_id = 'bob';
SELECT array_agg(id ORDER BY id) AS bob_before FROM documents;
RESET ROLE;
SELECT user_id FROM rbac.update_organization_membership('bob', 'org_b', '{member}');
SELECT user_id FROM rbac.create_organization_membership('bob', 'org_e', '{viewer}');
SET ROLE rbac_test_member_app;
SELECT array_agg(id ORDER BY id) AS bob_after FROM documents;
SELECT array_agg(id ORDER BY id) AS bob_after FROM documents_in;
-- and a grant change to a role he holds
RESET ROLE;
SELECT slug FROM rbac.add_role_permission('member', 'documents:read');
SET ROLE rbac_test_member_app;
SELECT array_agg(id ORDER BY id) AS bob_member_reads FROM documents;
SELECT array_agg(id ORDER BY id) AS bob_member_reads FROM documents_in;
RESET ROLE;
SELECT slug FROM rbac.remove_role_permission('member', 'documents:read');
RESET rbac.user_id;

--
-- clean up: roles are cluster-wide
--
RESET ROLE;
DROP TABLE documents;
DROP TABLE documents_in;
DROP TABLE users;
REVOKE SET ON PARAMETER rbac.user_id FROM rbac_test_member_app;
DROP OWNED BY rbac_test_member_app;
DROP ROLE rbac_test_member_app;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname = 'rbac_test_member_app';
