--
-- Configuration as code (SPEC 8): rbac.export() and rbac.apply(config,
-- prune, dry_run) -- round trips, idempotence, prune, dry runs, WorkOS's
-- list JSON, and invalid documents that fail whole with the JSON path.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;

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

-- every check answer: role x permission x organization (NULL: the
-- environment form), with wildcard and undefined permissions asked too
CREATE FUNCTION pg_temp.answers() RETURNS TABLE (role text, permission text, org text, granted boolean)
LANGUAGE sql AS $$
	WITH roles AS (SELECT DISTINCT slug::text AS s FROM rbac.role),
		 perms AS (SELECT slug::text AS s FROM rbac.permission
				   UNION SELECT unnest('{documents:other,documents:*,billing:read:own,x}'::text[])),
		 orgs AS (SELECT DISTINCT organization_id::text AS o FROM rbac.role WHERE organization_id IS NOT NULL
				  UNION SELECT 'org_none')
	SELECT r.s, p.s, NULL, rbac.role_has_permission(r.s, p.s) FROM roles r, perms p
	UNION ALL
	SELECT r.s, p.s, o.o, rbac.role_has_permission(r.s, p.s, o.o) FROM roles r, perms p, orgs o
$$;

-- a catalog with a bit of everything
SELECT count(*) FROM (
	SELECT rbac.create_resource_type('project', 'Project'),
		   rbac.create_resource_type('folder', 'Folder', 'Folders nest', '{folder,project}')) s;
SELECT count(*) FROM (
	SELECT rbac.create_permission('documents:read', 'Read documents'),
		   rbac.create_permission('documents:write', 'Write documents', 'Create and change'),
		   rbac.create_permission('billing:*', 'Everything billing'),
		   rbac.create_permission('doc:read', 'Read a document', NULL, 'folder')) s;
INSERT INTO rbac.permission (slug, name, system) VALUES ('admin:all', 'Administration', true);
SELECT count(*) FROM (
	SELECT rbac.create_role('admin', 'Admin', 'Everything'),
		   rbac.create_role('editor', 'Editor'),
		   rbac.create_role('viewer', 'Viewer'),
		   rbac.create_role('folder-reader', 'Folder reader', NULL, 'folder')) s;
SELECT count(*) FROM (
	SELECT rbac.set_role_permissions('admin', '{documents:read,documents:write,billing:*,admin:all}'),
		   rbac.set_role_permissions('editor', '{documents:read,documents:write}'),
		   rbac.set_role_permissions('viewer', '{documents:read}'),
		   rbac.set_role_permissions('folder-reader', '{doc:read}'),
		   rbac.set_role_priority('viewer', 1)) s;
SELECT count(*) FROM (
	SELECT rbac.create_organization_role('org_acme', 'org-billing', 'Billing', 'Pays'),
		   rbac.create_organization_role('org_acme', 'org-auditor', 'Auditor'),
		   rbac.create_organization_role('org_globex', 'org-ops', 'Ops')) s;
SELECT count(*) FROM (
	SELECT rbac.set_organization_role_permissions('org_acme', 'org-billing', '{billing:*}'),
		   rbac.set_organization_role_permissions('org_acme', 'org-auditor', '{documents:read}'),
		   rbac.set_organization_role_priority('org_acme', 'org-billing', 1),
		   rbac.set_organization_role_priority('org_initech', 'editor', 1),
		   rbac.set_default_role('viewer'),
		   rbac.set_default_role('org-auditor', 'org_acme'),
		   rbac.set_default_role('editor', 'org_initech'),
		   rbac.set_multiple_roles(true)) s;

SELECT jsonb_pretty(rbac.export());
-- deterministic
SELECT rbac.export() = rbac.export() AS same_twice;

CREATE TEMP TABLE export0 AS SELECT rbac.export() AS doc;
CREATE TEMP TABLE answers0 AS SELECT * FROM pg_temp.answers();
SELECT count(*) AS answers, count(*) FILTER (WHERE granted) AS granted FROM answers0;

-- round trip on the same database: nothing changes, no rows
CREATE TEMP TABLE stamps AS
	SELECT 'role' AS kind, id, updated_at FROM rbac.role
	UNION ALL SELECT 'permission', id, updated_at FROM rbac.permission;
SELECT * FROM rbac.apply((SELECT doc FROM export0));
SELECT * FROM rbac.apply((SELECT doc FROM export0), prune => true);
SELECT count(*) AS touched FROM stamps s
WHERE s.updated_at <> coalesce((SELECT r.updated_at FROM rbac.role r WHERE r.id = s.id),
							   (SELECT p.updated_at FROM rbac.permission p WHERE p.id = s.id));
SELECT rbac.export() = (SELECT doc FROM export0) AS export_unchanged;

-- dry run of emptying the catalog: the rows of the real run, nothing changed
CREATE TEMP TABLE empty_doc AS SELECT
	'{"resource_types": [], "permissions": [], "roles": [], "organization_roles": [],
	  "default_roles": {}, "settings": {"multiple_roles": false}}'::jsonb AS doc;
CREATE TEMP TABLE dry AS
	SELECT c.* FROM rbac.apply((SELECT doc FROM empty_doc), prune => true, dry_run => true)
	WITH ORDINALITY c(action, object, key, detail, n);
SELECT n, action, object, key, detail FROM dry ORDER BY n;
SELECT rbac.export() = (SELECT doc FROM export0) AS dry_run_changed_nothing;
SELECT count(*) AS answers_changed FROM (
	SELECT * FROM answers0 EXCEPT SELECT * FROM pg_temp.answers()) d;

-- now for real: the same rows; everything but the system permission goes
CREATE TEMP TABLE wet AS
	SELECT c.* FROM rbac.apply((SELECT doc FROM empty_doc), prune => true)
	WITH ORDINALITY c(action, object, key, detail, n);
SELECT (SELECT array_agg(ROW(action, object, key, detail)::rbac.change ORDER BY n) FROM dry) =
	   (SELECT array_agg(ROW(action, object, key, detail)::rbac.change ORDER BY n) FROM wet)
	   AS dry_run_rows_are_the_real_rows;
SELECT jsonb_pretty(rbac.export());
-- idempotent
SELECT * FROM rbac.apply((SELECT doc FROM empty_doc), prune => true);

-- on the emptied catalog the export reproduces the catalog
SELECT action, object, key FROM rbac.apply((SELECT doc FROM export0));
SELECT rbac.export() = (SELECT doc FROM export0) AS export_reproduced;
SELECT count(*) AS answers_differ FROM (
	(SELECT * FROM answers0 EXCEPT ALL SELECT * FROM pg_temp.answers())
	UNION ALL
	(SELECT * FROM pg_temp.answers() EXCEPT ALL SELECT * FROM answers0)) d;
SELECT * FROM rbac.apply((SELECT doc FROM export0));

-- changes without prune: updates, creates, and nothing removed
SELECT * FROM rbac.apply($json$
{
  "permissions": [
    {"slug": "documents:write", "name": "Write documents", "description": null},
    {"slug": "reports:read", "name": "Read reports"}
  ],
  "roles": [
    {"slug": "editor", "name": "Editor", "description": "Edits", "permissions": ["documents:read", "documents:write", "reports:read"]},
    {"slug": "admin", "name": "Admin", "description": "Everything", "permissions": ["admin:all", "billing:*", "documents:read", "documents:write"]},
    {"slug": "analyst", "name": "Analyst", "permissions": ["reports:read"]}
  ],
  "organization_roles": [
    {"organization_id": "org_acme",
     "roles": [{"slug": "org-billing", "name": "Billing team", "description": "Pays", "permissions": ["billing:*"]}]}
  ],
  "default_roles": {"organizations": {"org_globex": "org-ops"}},
  "settings": {"multiple_roles": false}
}
$json$);
-- viewer, which the document does not name, stays on top (it follows no
-- named role), folder-reader stays right after editor
SELECT organization_id, priority, slug, permissions FROM rbac.roles_by_priority
WHERE organization_id IS NULL OR organization_id = 'org_acme' ORDER BY 1 NULLS FIRST, 2;
SELECT slug, description FROM rbac.permission ORDER BY 1;

-- prune removes what the document omits, only under the keys given
SELECT * FROM rbac.apply($json$
{
  "permissions": [
    {"slug": "documents:read", "name": "Read documents"},
    {"slug": "documents:write", "name": "Write documents"},
    {"slug": "billing:*", "name": "Everything billing"},
    {"slug": "doc:read", "name": "Read a document", "resource_type_slug": "folder"}
  ],
  "organization_roles": [
    {"organization_id": "org_acme",
     "roles": [{"slug": "org-billing", "name": "Billing team", "description": "Pays", "permissions": ["billing:*"]},
               {"slug": "org-auditor", "name": "Auditor", "permissions": ["documents:read"]}]}
  ],
  "default_roles": {"environment": "viewer", "organizations": {"org_acme": "org-auditor"}}
}
$json$, prune => true);
SELECT slug, system FROM rbac.permission ORDER BY 1;
SELECT organization_id, slug FROM rbac.role ORDER BY 1 NULLS FIRST, 2;
SELECT organization_id, (SELECT slug FROM rbac.role r WHERE r.id = d.role_id) FROM rbac.default_role d ORDER BY 1 NULLS FIRST;

-- a role held by a membership is not pruned: the whole apply fails (2BP01)
SELECT count(*) FROM rbac.create_organization_membership('user_1', 'org_acme', '{analyst}');
CREATE TEMP TABLE before_fail AS SELECT rbac.export() AS doc;
SELECT pg_temp.err($$SELECT * FROM rbac.apply('{"roles": [], "permissions": []}', prune => true)$$);
-- the default role cannot be pruned (55000)
SELECT pg_temp.err($$SELECT * FROM rbac.apply((SELECT jsonb_build_object('roles',
	(SELECT jsonb_agg(r) FROM jsonb_array_elements(doc -> 'roles') r WHERE r ->> 'slug' <> 'viewer'))
	FROM before_fail), prune => true)$$);
SELECT rbac.export() = (SELECT doc FROM before_fail) AS unchanged_after_failures;
SELECT rbac.delete_organization_membership('user_1', 'org_acme');

-- a dry run leaves the cache as it was: the check answers what the catalog says
CREATE TEMP TABLE no_grants AS SELECT '{"roles": [{"slug": "editor", "name": "Editor", "description": "Edits"}]}'::jsonb AS doc;
SELECT rbac.role_has_permission('editor', 'documents:write') AS editor_writes;
SELECT action, object, key, detail FROM rbac.apply((SELECT doc FROM no_grants), dry_run => true);
SELECT rbac.role_has_permission('editor', 'documents:write') AS editor_still_writes;
BEGIN;
SELECT rbac.role_has_permission('editor', 'documents:write') AS editor_writes_in_transaction;
SELECT action, object, key FROM rbac.apply((SELECT doc FROM no_grants), dry_run => true);
SELECT rbac.role_has_permission('editor', 'documents:write') AS editor_writes_after_dry_run;
SELECT action, object, key FROM rbac.apply((SELECT doc FROM no_grants));
SELECT rbac.role_has_permission('editor', 'documents:write') AS editor_writes_after_apply;
ROLLBACK;
SELECT rbac.role_has_permission('editor', 'documents:write') AS editor_writes_after_rollback;

-- WorkOS's list JSON: an export from WorkOS imports (here rbac's own lists,
-- which are WorkOS's objects), and applying it again changes nothing
CREATE TEMP TABLE workos AS SELECT rbac.list_permissions_json(100) AS perms, rbac.list_roles_json() AS roles,
	rbac.list_roles_json('org_acme') AS acme_roles;
SELECT count(*) > 0 AS emptied
FROM rbac.apply('{"permissions": [], "roles": [], "organization_roles": [], "default_roles": {}}', prune => true);
SELECT rbac.export();
SELECT action, object, key, detail FROM rbac.apply((SELECT perms FROM workos));
SELECT * FROM rbac.apply((SELECT perms FROM workos));
SELECT action, object, key, detail FROM rbac.apply((SELECT roles FROM workos));
SELECT * FROM rbac.apply((SELECT roles FROM workos));
SELECT slug, name, permissions FROM rbac.roles_by_priority WHERE organization_id IS NULL ORDER BY priority;
-- a hand-written WorkOS list: a permission and an organization role
SELECT action, object, key FROM rbac.apply($json$
{"object": "list", "data": [
  {"object": "permission", "id": "perm_01HXYZ", "slug": "posts:read", "name": "Read posts",
   "description": null, "system": false, "resource_type_slug": "organization",
   "created_at": "2026-01-15T12:00:00.000Z", "updated_at": "2026-01-15T12:00:00.000Z"},
  {"object": "role", "id": "role_01HXYZ", "slug": "org-writer", "name": "Writer", "description": "Writes posts",
   "type": "OrganizationRole", "organization_id": "org_wayne", "permissions": ["posts:read"],
   "resource_type_slug": "organization",
   "created_at": "2026-01-15T12:00:00.000Z", "updated_at": "2026-01-15T12:00:00.000Z"}],
 "list_metadata": {"before": null, "after": null}}
$json$);
SELECT rbac.role_has_permission('org-writer', 'posts:read', 'org_wayne') AS writer_reads;

-- invalid documents fail whole with 22023 and the JSON path; nothing changes
CREATE TEMP TABLE before_invalid AS SELECT rbac.export() AS doc;
CREATE TEMP TABLE invalid (n serial, doc text);
INSERT INTO invalid (doc) VALUES
	('[]'),
	('"roles"'),
	('{"rolez": []}'),
	('{"roles": {}}'),
	('{"roles": [{"slug": "ok", "name": "OK"}, {"slug": "Bad Slug", "name": "Bad"}]}'),
	('{"roles": [{"slug": "ok", "name": "OK"}, {"name": "Nameless"}]}'),
	('{"roles": [{"slug": "ok", "name": null}]}'),
	('{"roles": [{"slug": "ok", "name": 42}]}'),
	('{"roles": [{"slug": "ok", "name": ""}]}'),
	('{"roles": [{"slug": "ok", "name": "OK", "colour": "red"}]}'),
	('{"roles": [{"slug": "org-ok", "name": "OK"}]}'),
	('{"roles": [{"slug": "ok", "name": "OK"}, {"slug": "ok", "name": "Again"}]}'),
	('{"roles": [{"slug": "ok", "name": "OK", "permissions": ["no:such"]}]}'),
	('{"roles": [{"slug": "ok", "name": "OK", "permissions": "documents:read"}]}'),
	('{"roles": [{"slug": "ok", "name": "OK", "permissions": ["posts:read", "posts:read"]}]}'),
	('{"roles": [{"slug": "ok", "name": "OK", "type": "OrganizationRole"}]}'),
	('{"roles": [{"slug": "ok", "name": "OK", "resource_type_slug": "nowhere"}]}'),
	('{"roles": [{"slug": "viewer", "name": "Viewer", "resource_type_slug": "folder"}]}'),
	('{"permissions": [{"slug": "Posts:Read", "name": "X"}]}'),
	('{"permissions": [{"slug": "posts:read", "name": "X", "system": "yes"}]}'),
	('{"permissions": [{"slug": "posts:read", "name": "X", "description": "' || repeat('d', 1025) || '"}]}'),
	('{"permissions": [{"slug": "posts:read", "name": "X", "object": "role"}]}'),
	('{"resource_types": [{"slug": "organization", "name": "Org"}]}'),
	('{"resource_types": [{"slug": "task", "name": "Task", "parent_type_slugs": ["board"]}, {"slug": "board", "name": "Board"}]}'),
	('{"resource_types": [{"slug": "task", "name": "Task", "parent_type_slugs": ["nowhere"]}]}'),
	('{"resource_types": [{"slug": "task", "name": "Task", "parent_type_slugs": ["task"]}]}'),
	('{"organization_roles": [{"organization_id": "org_wayne", "roles": [{"slug": "writer", "name": "W"}]}]}'),
	('{"organization_roles": [{"roles": []}]}'),
	('{"organization_roles": [{"organization_id": "org_x"}, {"organization_id": "org_x"}]}'),
	('{"organization_roles": [{"organization_id": "org_wayne", "priority_order": ["org-writer", "viewer"]}]}'),
	('{"organization_roles": [{"organization_id": "org_wayne", "priority_order": ["org-writer", "nobody"]}]}'),
	('{"organization_roles": [{"organization_id": "org_wayne", "roles": [{"slug": "org-w", "name": "W", "organization_id": "org_bruce"}]}]}'),
	('{"default_roles": {"environment": "nobody"}}'),
	('{"default_roles": {"organizations": {"org_wayne": "org-nobody"}}}'),
	('{"default_roles": {"organizations": ["org_wayne"]}}'),
	('{"settings": {"multiple_roles": "on"}}'),
	('{"settings": {"events": true}}'),
	('{"object": "list", "data": [{"object": "user", "id": "u"}]}'),
	('{"object": "list", "data": [{"object": "role", "slug": "org-x", "name": "X", "type": "OrganizationRole"}]}'),
	('{"object": "lists", "data": []}'),
	('{"object": "list", "data": {}}');
SELECT n, pg_temp.err(format('SELECT * FROM rbac.apply(%L::jsonb)', doc)) FROM invalid ORDER BY n;
SELECT pg_temp.err($$SELECT * FROM rbac.apply(NULL::jsonb)$$) AS null_document;
SELECT pg_temp.err($$SELECT * FROM rbac.apply('{}', NULL::boolean)$$) AS null_prune;
SELECT pg_temp.err($$SELECT * FROM rbac.apply('{}', false, NULL::boolean)$$) AS null_dry_run;
-- a document valid in its first part but not later changes nothing
SELECT pg_temp.err($$SELECT * FROM rbac.apply('{"permissions": [{"slug": "new:one", "name": "New"}],
	"roles": [{"slug": "fresh", "name": "Fresh", "permissions": ["new:one", "no:such"]}]}')$$) AS late_problem;
SELECT rbac.export() = (SELECT doc FROM before_invalid) AS unchanged_after_invalid;
SELECT * FROM rbac.apply('{}');

-- system permissions: only a superuser or the extension's owner creates or
-- changes them; prune leaves them (nobody can delete one)
CREATE ROLE rbac_test_config_admin;
GRANT SELECT ON export0 TO rbac_test_config_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA rbac TO rbac_test_config_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA rbac TO rbac_test_config_admin;
SET ROLE rbac_test_config_admin;
SELECT action, object, key FROM rbac.apply('{"permissions": [{"slug": "posts:write", "name": "Write posts"}]}');
SELECT pg_temp.err($$SELECT * FROM rbac.apply('{"permissions": [{"slug": "sys:new", "name": "S", "system": true}]}')$$) AS not_owner;
SELECT action, object, key FROM rbac.apply((SELECT jsonb_build_object('permissions', doc -> 'permissions') FROM export0), prune => true);
RESET ROLE;
SELECT slug, system FROM rbac.permission ORDER BY 1;
DROP OWNED BY rbac_test_config_admin;
DROP ROLE rbac_test_config_admin;

-- every new function is documented, and runs as the caller
SELECT p.oid::regprocedure AS function, p.prosecdef AS security_definer
FROM pg_proc p WHERE p.pronamespace = 'rbac'::regnamespace
  AND (p.proname IN ('export', 'apply') OR p.proname LIKE 'config\_%')
ORDER BY p.oid::regprocedure::text;
SELECT obj_description('rbac.change'::regtype, 'pg_type') IS NOT NULL AS type_documented;

DROP EXTENSION rbac;
