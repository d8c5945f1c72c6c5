--
-- Explanations (SPEC 9): rbac.explain() and rbac.explain_user() give the
-- decision of the check with the same arguments and the reasons; the reason
-- is "granted" exactly when the check says true, over every principal,
-- user, permission, organization and resource of this catalog; and each
-- reason of SPEC 9 shown once.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rbac;
SELECT count(*) FROM (
	SELECT rbac.create_permission(p, p)
	FROM unnest(ARRAY['documents:read', 'documents:write', 'documents:*', 'admin.*', 'admin.users']) p) s;
SELECT count(*) FROM (
	SELECT rbac.create_resource_type('project', 'Project'),
		   rbac.create_resource_type('folder', 'Folder', NULL, '{project,folder}')) s;
SELECT count(*) FROM (
	SELECT rbac.create_permission('project:read', 'Read projects', NULL, 'project'),
		   rbac.create_permission('folder:read', 'Read folders', NULL, 'folder'),
		   rbac.create_permission('folder:*', 'Anything on folders', NULL, 'folder')) s;
SELECT count(*) FROM (
	SELECT rbac.create_role('editor', 'Editor'), rbac.create_role('viewer', 'Viewer'),
		   rbac.create_role('admin', 'Admin'),
		   rbac.create_role('project-lead', 'Project lead', NULL, 'project'),
		   rbac.create_role('folder-editor', 'Folder editor', NULL, 'folder')) s;
SELECT count(*) FROM (
	SELECT rbac.set_role_permissions('editor', '{documents:read,documents:write}'),
		   rbac.set_role_permissions('viewer', '{documents:read}'),
		   rbac.set_role_permissions('admin', '{admin.*,documents:*}'),
		   rbac.set_role_permissions('project-lead', '{project:read,folder:read}'),
		   rbac.set_role_permissions('folder-editor', '{folder:*}')) s;
SELECT count(*) FROM (
	SELECT rbac.create_organization_role('org_1', 'org-auditor', 'Auditor'),
		   rbac.create_organization_membership('alice', 'org_1', '{editor}'),
		   rbac.create_organization_membership('bob', 'org_1', '{viewer}'),
		   rbac.create_organization_membership('carol', 'org_2', '{admin}')) s;
SELECT count(*) FROM (
	SELECT rbac.set_organization_role_permissions('org_1', 'org-auditor', '{documents:read,admin.users}'),
		   rbac.create_organization_membership('dave', 'org_1', '{org-auditor}')) s;
SELECT count(*) FROM (
	SELECT rbac.create_resource('org_1', 'project', 'p1', 'Project 1'),
		   rbac.create_resource('org_1', 'project', 'p2', 'Project 2')) s;
SELECT count(*) FROM rbac.create_resource('org_1', 'folder', 'f1', 'Folder 1', NULL, 'project', 'p1');
SELECT count(*) FROM rbac.create_resource('org_1', 'folder', 'f2', 'Folder 2', NULL, 'folder', 'f1');
SELECT count(*) FROM (
	SELECT rbac.assign_role('bob', 'org_1', 'project-lead', 'project', 'p1'),
		   rbac.assign_role('dave', 'org_1', 'folder-editor', 'folder', 'f1')) s;

-- every user x organization x permission, on the organization and on every
-- resource: the reason says granted exactly when the check says true
CREATE TEMP TABLE perms AS
SELECT unnest(ARRAY['documents:read', 'documents:write', 'documents:delete', 'documents:*',
					'admin.users', 'admin.billing', 'project:read', 'folder:read', 'folder:write',
					'Bad Slug']) AS perm;
CREATE TEMP TABLE users AS SELECT unnest(ARRAY['alice', 'bob', 'carol', 'dave', 'nobody']) AS u;
CREATE TEMP TABLE orgs AS SELECT unnest(ARRAY['org_1', 'org_2', '']) AS org;
CREATE TEMP TABLE res AS
SELECT * FROM (VALUES ('project', 'p1'), ('project', 'p2'), ('folder', 'f1'), ('folder', 'f2'),
					  ('folder', 'nope')) v(t, x);
SELECT count(*) AS cases,
	   count(*) FILTER (WHERE e ->> 'reason' = 'granted') AS granted,
	   count(*) FILTER (WHERE (e ->> 'decision')::boolean IS DISTINCT FROM (e ->> 'reason' = 'granted')) AS disagree
FROM (SELECT rbac.explain_user(u, org, perm) AS e FROM users, orgs, perms) s;
SELECT count(*) AS cases,
	   count(*) FILTER (WHERE e ->> 'reason' = 'granted') AS granted,
	   count(*) FILTER (WHERE (e ->> 'decision')::boolean IS DISTINCT FROM (e ->> 'reason' = 'granted')) AS disagree
FROM (SELECT rbac.explain_user(u, org, perm, t, x) AS e FROM users, orgs, perms, res) s;

-- every principal: rbac.role (with and without an organization), rbac.user_id
-- (bound or not), nothing; on the organization given, none, and resources
CREATE FUNCTION pg_temp.principal_cases() RETURNS TABLE (principal text, cases bigint, granted bigint, disagree bigint)
LANGUAGE plpgsql AS $$
DECLARE
	setting text;
	pr text[];
	o text;
	p text;
	r record;
	e jsonb;
BEGIN
	FOREACH setting IN ARRAY ARRAY['role=editor|', 'role=viewer|org_1', 'role=org-auditor|org_1',
								   'role=org-auditor|', 'role=editor,org-auditor|org_1', 'role=nosuch|org_1',
								   'role=project-lead|org_1', 'user=bob|org_1', 'user=bob|', 'user=dave|org_1',
								   'user=carol|org_1', 'none|'] LOOP
		pr := string_to_array(setting, '|');
		PERFORM set_config('rbac.user_id', CASE WHEN pr[1] LIKE 'user=%' THEN substr(pr[1], 6) ELSE '' END, true);
		PERFORM set_config('rbac.role', CASE WHEN pr[1] LIKE 'role=%' THEN substr(pr[1], 6) ELSE '' END, true);
		PERFORM set_config('rbac.organization_id', coalesce(pr[2], ''), true);
		principal := setting;
		cases := 0;
		granted := 0;
		disagree := 0;
		FOR p IN SELECT perm FROM perms LOOP
			FOREACH o IN ARRAY ARRAY[NULL, 'org_1', 'org_2', ''] LOOP
				e := rbac.explain(p, o);
				cases := cases + 1;
				granted := granted + (e ->> 'reason' = 'granted')::integer;
				disagree := disagree + ((e ->> 'decision')::boolean IS DISTINCT FROM (e ->> 'reason' = 'granted'))::integer;
			END LOOP;
			FOR r IN SELECT * FROM res LOOP
				e := rbac.explain(p, NULL, r.t, r.x);
				cases := cases + 1;
				granted := granted + (e ->> 'reason' = 'granted')::integer;
				disagree := disagree + ((e ->> 'decision')::boolean IS DISTINCT FROM (e ->> 'reason' = 'granted'))::integer;
			END LOOP;
		END LOOP;
		RETURN NEXT;
	END LOOP;
END
$$;
BEGIN;
SELECT * FROM pg_temp.principal_cases();
COMMIT;

-- every reason, once (the whole object for two of them)
BEGIN;
SET LOCAL rbac.user_id = 'bob';
SET LOCAL rbac.organization_id = 'org_1';
-- (ids are random: the objects without them)
CREATE FUNCTION pg_temp.no_ids(j jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT regexp_replace(j::text, '"(authz_resource|om|role_assignment)_[0-9A-Z]{26}"', '"..."', 'g')::jsonb
$$;
SELECT jsonb_pretty(pg_temp.no_ids(rbac.explain('folder:read', NULL, 'folder', 'f2'))) AS bob_on_f2;
SELECT jsonb_pretty(pg_temp.no_ids(rbac.explain('documents:write'))) AS bob_write;
SELECT rbac.explain('documents:read', 'org_2') ->> 'reason' AS other_org,
	   rbac.explain('folder:read', NULL, 'folder', 'nope') ->> 'reason' AS unknown_resource,
	   rbac.explain('Bad Slug') ->> 'reason' AS bad_slug;
COMMIT;
BEGIN;
SET LOCAL rbac.role = 'nosuch';
SELECT rbac.explain('documents:read') ->> 'reason' AS unknown_role,
	   rbac.explain('documents:read', '') ->> 'reason' AS empty_org,
	   rbac.explain('folder:read', NULL, 'folder', 'f1') ->> 'reason' AS role_without_org_on_resource;
SET LOCAL rbac.role = 'admin';
SELECT rbac.explain('documents:delete') -> 'roles' -> 0 ->> 'match' AS wildcard,
	   rbac.explain('documents:delete') -> 'roles' -> 0 ->> 'grant' AS grant_slug;
COMMIT;
SELECT rbac.explain('documents:read') ->> 'reason' AS no_principal,
	   rbac.explain_user('nobody', 'org_1', 'documents:read') ->> 'reason' AS not_a_member,
	   rbac.explain_user('alice', 'org_1', 'documents:delete') ->> 'reason' AS no_covering_grant,
	   rbac.explain_user('alice', 'org_1', 'folder:read', 'folder', 'f1') ->> 'reason' AS typed_grant_missing,
	   rbac.explain_user('dave', 'org_1', 'folder:write', 'folder', 'f2') -> 'roles' -> 1 -> 'assigned_on' ->> 'external_id' AS inherited_from;
SELECT rbac.explain(NULL) IS NULL AS null_in, rbac.explain_user('alice', NULL, 'x') IS NULL AS null_org;
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
SELECT pg_temp.err($$SELECT rbac.explain_user('alice', 'org_1', 'documents:read', 'folder', NULL)$$) AS half_a_resource;
DROP EXTENSION rbac;
