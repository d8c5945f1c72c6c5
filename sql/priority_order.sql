--
-- Whole priority lists at once (SPEC 2, 1.1): set_role_priority_order and
-- set_organization_role_priority_order name every role of the list exactly
-- once, else 22023 and nothing changes.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rbac;
SELECT count(*) FROM (
	SELECT rbac.create_role('owner', 'Owner'), rbac.create_role('admin', 'Admin'),
		   rbac.create_role('member', 'Member'), rbac.create_role('guest', 'Guest')) s;
SELECT count(*) FROM rbac.create_organization_role('org_1', 'org-ops', 'Ops');
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(d, ''), '');
END
$$;

SELECT array_agg(slug::text) AS before FROM rbac.list_roles();
CREATE TEMP TABLE stamps AS SELECT slug::text AS slug, updated_at FROM rbac.role;
SELECT array_agg(slug::text) AS returned FROM rbac.set_role_priority_order('{guest,admin,owner,member}');
SELECT array_agg(slug::text) AS environment_list FROM rbac.list_roles();
-- roles whose place changed got a new updated_at; admin kept its place
SELECT r.slug, r.updated_at > s.updated_at AS touched
FROM rbac.role r JOIN stamps s ON s.slug = r.slug ORDER BY 1;
SELECT array_agg(slug::text) AS same_again FROM rbac.set_role_priority_order('{guest,admin,owner,member}');

-- the organization's list: its environment and organization roles; the
-- environment list is untouched
SELECT array_agg(slug::text) AS org_before FROM rbac.list_organization_roles('org_1');
SELECT array_agg(slug::text) AS org_returned
FROM rbac.set_organization_role_priority_order('org_1', '{org-ops,owner,admin,member,guest}');
SELECT array_agg(slug::text) AS org_after FROM rbac.list_organization_roles('org_1');
SELECT array_agg(slug::text) AS environment_still FROM rbac.list_roles();
SELECT rbac.highest_priority_role('{admin,org-ops}', 'org_1') AS org_highest,
	   rbac.highest_priority_role('{admin,owner}') AS env_highest;

-- every error: 22023, nothing changed
SELECT q, pg_temp.err(q) FROM unnest(ARRAY[
	$$SELECT rbac.set_role_priority_order('{guest,admin,owner}')$$,
	$$SELECT rbac.set_role_priority_order('{guest,admin,owner,member,nosuch}')$$,
	$$SELECT rbac.set_role_priority_order('{guest,admin,owner,owner}')$$,
	$$SELECT rbac.set_role_priority_order('{guest,admin,owner,member,org-ops}')$$,
	$$SELECT rbac.set_role_priority_order(ARRAY['guest', NULL])$$,
	$$SELECT rbac.set_role_priority_order('{{guest,admin},{owner,member}}')$$,
	$$SELECT rbac.set_role_priority_order(NULL)$$,
	$$SELECT rbac.set_organization_role_priority_order('org_1', '{owner,admin,member,guest}')$$,
	$$SELECT rbac.set_organization_role_priority_order('', '{owner}')$$
]) q;
SELECT array_agg(slug::text) AS environment_unchanged FROM rbac.list_roles();
SELECT array_agg(slug::text) AS org_unchanged FROM rbac.list_organization_roles('org_1');
DROP EXTENSION rbac;
