--
-- events: rbac.event (SPEC 8): one event per changed object, with its WorkOS
-- JSON, for the functions and for direct DML, COPY and TRUNCATE; nothing for a
-- rolled-back change; list_events, prune_events, set_events
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
DROP ROLE IF EXISTS rbac_events_app;
CREATE EXTENSION rbac;
RESET client_min_messages;

-- the events since the last call, oldest first: name, key, and whether
-- data is the object's JSON now (created/updated) or what it was (deleted)
CREATE TEMP TABLE seen (last text);
INSERT INTO seen VALUES ('event_00000000000000000000000000');
CREATE FUNCTION pg_temp.news() RETURNS TABLE (event text, key text, data_is_current boolean)
LANGUAGE plpgsql AS $$
DECLARE
	after text := (SELECT last FROM seen);
BEGIN
	UPDATE seen SET last = coalesce((SELECT max(e.id) FROM rbac.event e), last);
	RETURN QUERY
	SELECT e.event,
		   coalesce(e.data->>'slug', e.data->>'external_id',
					e.data->>'user_id' || '@' || (e.data->>'organization_id'),
					(e.data->'role'->>'slug') || '@' || (e.data->'resource'->>'external_id')),
		   CASE split_part(e.event, '.', 1)
			   WHEN 'permission' THEN (SELECT rbac.permission_json(p) FROM rbac.permission p WHERE p.id = e.data->>'id') = e.data
			   WHEN 'role' THEN (SELECT rbac.role_json(r) FROM rbac.role r WHERE r.id = e.data->>'id') = e.data
			   WHEN 'organization_role' THEN (SELECT rbac.role_json(r) FROM rbac.role r WHERE r.id = e.data->>'id') = e.data
			   WHEN 'organization_membership' THEN (SELECT rbac.membership_json(m) FROM rbac.membership m WHERE m.id = e.data->>'id') = e.data
			   WHEN 'resource_type' THEN (SELECT rbac.resource_type_json(t) FROM rbac.resource_type t WHERE t.slug = e.data->>'slug') = e.data
			   WHEN 'authorization_resource' THEN (SELECT rbac.resource_json(x) FROM rbac.resource x WHERE x.id = e.data->>'id') = e.data
			   WHEN 'role_assignment' THEN (SELECT rbac.role_assignment_json(a) FROM rbac.role_assignment a WHERE a.id = e.data->>'id') = e.data
		   END
	FROM rbac.event e WHERE e.id > after ORDER BY e.id;
END
$$;

-- permissions
SELECT (rbac.create_permission('documents:read', 'Read')).slug;
SELECT (rbac.create_permission('documents:write', 'Write')).slug;
SELECT (rbac.create_permission('billing:read', 'Billing')).slug;
SELECT * FROM pg_temp.news();
SELECT (rbac.update_permission('documents:read', 'Read documents')).slug;
SELECT * FROM pg_temp.news();

-- environment roles: one event per call, however many rows it writes
SELECT (rbac.create_role('admin', 'Admin')).slug;
SELECT * FROM pg_temp.news();
SELECT (rbac.set_role_permissions('admin', '{documents:read,documents:write,billing:read}')).slug;
SELECT * FROM pg_temp.news();
SELECT e.data->'permissions' FROM rbac.event e ORDER BY e.id DESC LIMIT 1;
SELECT (rbac.add_role_permission('admin', 'documents:read')).slug;  -- already there: no change
SELECT * FROM pg_temp.news();
SELECT (rbac.remove_role_permission('admin', 'billing:read')).slug;
SELECT (rbac.update_role('admin', 'Administrator')).slug;
SELECT (rbac.create_role('viewer', 'Viewer')).slug;
SELECT (rbac.add_role_permission('viewer', 'documents:read')).slug;
SELECT * FROM pg_temp.news();

-- organization roles are organization_role.*
SELECT (rbac.create_organization_role('org_1', 'org-auditor', 'Auditor')).slug;
SELECT (rbac.set_organization_role_permissions('org_1', 'org-auditor', '{billing:read}')).slug;
SELECT (rbac.update_organization_role('org_1', 'org-auditor', 'Auditors')).slug;
SELECT * FROM pg_temp.news();

SELECT (rbac.create_organization_role('org_1', 'org-temp', 'Temporary')).slug;
SELECT (rbac.add_organization_role_permission('org_1', 'org-temp', 'documents:read')).slug;
SELECT (rbac.remove_organization_role_permission('org_1', 'org-temp', 'documents:read')).slug;
SELECT rbac.delete_organization_role('org_1', 'org-temp');
SELECT * FROM pg_temp.news();
SELECT e.data->>'type', e.data->'permissions' FROM rbac.event e WHERE e.event = 'organization_role.deleted';

-- priority orders, default roles and settings have no events of their own;
-- a role moved in a list is updated (its updated_at), so role.updated
SELECT (rbac.set_role_priority('viewer', 1)).slug;
SELECT count(*) FROM rbac.set_role_priority_order('{viewer,admin}');
SELECT (rbac.set_organization_role_priority('org_1', 'org-auditor', 1)).slug;
SELECT (rbac.set_default_role('viewer')).slug;
SELECT rbac.set_multiple_roles(false);
SELECT * FROM pg_temp.news();

-- deleting a permission changes the roles that held it
SELECT rbac.delete_permission('billing:read');
SELECT * FROM pg_temp.news();
SELECT e.data->>'slug', e.data->>'name' FROM rbac.event e WHERE e.event = 'permission.deleted';

-- memberships: created with its roles, in one event
SELECT (rbac.create_organization_membership('user_1', 'org_1', '{viewer}')).user_id;
SELECT * FROM pg_temp.news();
SELECT e.data - 'id' - 'created_at' - 'updated_at' FROM rbac.event e ORDER BY e.id DESC LIMIT 1;
SELECT (rbac.update_organization_membership('user_1', 'org_1', '{admin}')).user_id;
SELECT * FROM pg_temp.news();
SELECT e.data->'role', e.data->'roles' FROM rbac.event e ORDER BY e.id DESC LIMIT 1;
SELECT (rbac.create_organization_membership('user_2', 'org_1', '{viewer}')).user_id;
SELECT rbac.delete_organization_membership('user_2', 'org_1');
SELECT * FROM pg_temp.news();
SELECT e.data->'roles' FROM rbac.event e WHERE e.event = 'organization_membership.deleted';

-- resources: types, resources, assignments, moves and cascades
SELECT (rbac.create_resource_type('workspace', 'Workspace')).slug;
SELECT (rbac.create_resource_type('project', 'Project', NULL, '{workspace}')).slug;
SELECT (rbac.update_resource_type('project', 'Projects')).slug;
SELECT * FROM pg_temp.news();
SELECT (rbac.create_role('ws-editor', 'Workspace editor', NULL, 'workspace')).slug;
SELECT (rbac.create_resource('org_1', 'workspace', 'w1', 'W1')).external_id;
SELECT (rbac.create_resource('org_1', 'workspace', 'w2', 'W2')).external_id;
SELECT (rbac.create_resource('org_1', 'project', 'p1', 'P1', NULL, 'workspace', 'w1')).external_id;
SELECT * FROM pg_temp.news();
SELECT (rbac.update_resource('org_1', 'project', 'p1', NULL, NULL, 'workspace', 'w2')).external_id;
SELECT * FROM pg_temp.news();
SELECT (rbac.assign_role('user_1', 'org_1', 'ws-editor', 'workspace', 'w2')).id IS NOT NULL;
SELECT * FROM pg_temp.news();
SELECT rbac.remove_role_assignment('user_1', 'org_1', 'ws-editor', 'workspace', 'w2');
SELECT * FROM pg_temp.news();
SELECT (rbac.assign_role('user_1', 'org_1', 'ws-editor', 'workspace', 'w2')).id IS NOT NULL;
SELECT rbac.delete_resource('org_1', 'workspace', 'w2', true);
SELECT * FROM pg_temp.news();
SELECT rbac.delete_resource_type('project');
SELECT * FROM pg_temp.news();

-- rbac.apply() goes through the mutators: the same events
SELECT count(*) FROM rbac.apply('{"permissions": [{"slug": "applied:read", "name": "Applied"}],
  "roles": [{"slug": "applied", "name": "Applied", "permissions": ["applied:read"]}]}'::jsonb);
SELECT * FROM pg_temp.news();
SELECT count(*) FROM rbac.apply('{"permissions": [{"slug": "applied:read", "name": "Applied"}],
  "roles": [{"slug": "applied", "name": "Applied", "permissions": ["applied:read"]}]}'::jsonb);
SELECT * FROM pg_temp.news();  -- nothing changed, nothing recorded
SELECT count(*) FROM rbac.apply('{"roles": [{"slug": "applied", "name": "Applied", "permissions": []}]}'::jsonb, dry_run => true);
SELECT * FROM pg_temp.news();  -- a dry run records nothing

-- a rolled-back change records nothing; nor does a rolled-back savepoint
BEGIN;
SELECT (rbac.create_role('temp', 'Temp')).slug;
ROLLBACK;
BEGIN;
SELECT (rbac.create_role('kept', 'Kept')).slug;
SAVEPOINT s;
SELECT (rbac.update_role('kept', 'Changed')).slug;
SELECT (rbac.create_role('gone', 'Gone')).slug;
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT * FROM pg_temp.news();
SELECT e.data->>'name' FROM rbac.event e ORDER BY e.id DESC LIMIT 1;
-- made and removed in one transaction: nothing happened
BEGIN;
SELECT (rbac.create_role('brief', 'Brief')).slug;
SELECT rbac.delete_role('brief');
COMMIT;
SELECT * FROM pg_temp.news();
-- an error in a plpgsql block undoes its part only
DO $$
BEGIN
	PERFORM rbac.update_role('kept', 'Kept again');
	BEGIN
		PERFORM rbac.update_role('viewer', 'Never');
		PERFORM rbac.create_role('Bad Slug', 'x');
	EXCEPTION WHEN invalid_parameter_value THEN
		NULL;
	END;
END
$$;
SELECT * FROM pg_temp.news();
-- changes made by deferred triggers at commit are in the events too
CREATE FUNCTION pg_temp.rename_viewer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE rbac.role SET name = 'Viewer (deferred)' WHERE slug = 'viewer';
	RETURN NULL;
END
$$;
CREATE TEMP TABLE poke (x int);
CREATE CONSTRAINT TRIGGER rename_viewer AFTER INSERT ON poke
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pg_temp.rename_viewer();
BEGIN;
INSERT INTO poke VALUES (1);
SELECT (rbac.update_role('kept', 'Kept 3')).slug;
COMMIT;
SELECT * FROM pg_temp.news();
SELECT e.data->>'name' FROM rbac.event e ORDER BY e.id DESC LIMIT 1;

-- direct DML records the same events
INSERT INTO rbac.permission (slug, name) VALUES ('reports:read', 'Reports');
INSERT INTO rbac.role_permission (role_id, permission_slug)
	SELECT r.id, 'reports:read' FROM rbac.role r WHERE r.slug IN ('admin', 'viewer');
SELECT * FROM pg_temp.news();
UPDATE rbac.role SET description = 'Sees things' WHERE slug = 'viewer';
SELECT * FROM pg_temp.news();
DELETE FROM rbac.role_permission WHERE permission_slug = 'reports:read';
DELETE FROM rbac.permission WHERE slug = 'reports:read';
SELECT * FROM pg_temp.news();
-- COPY
COPY rbac.permission (slug, name) FROM stdin;
copy:one	One
copy:two	Two
\.
SELECT * FROM pg_temp.news();
-- TRUNCATE: the objects whose rows go, deleted; the objects they were part of, updated
TRUNCATE rbac.role_permission;
SELECT * FROM pg_temp.news();
TRUNCATE rbac.role_assignment, rbac.resource;
SELECT * FROM pg_temp.news();
TRUNCATE rbac.membership_role, rbac.membership;
SELECT * FROM pg_temp.news();
SELECT e.data->'roles' FROM rbac.event e ORDER BY e.id DESC LIMIT 1;

-- who: session_user, current_user and the principal's user id
CREATE ROLE rbac_events_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA rbac TO rbac_events_app;
REVOKE ALL ON rbac.event FROM rbac_events_app;  -- a writer needs no privilege on rbac.event
GRANT USAGE ON SEQUENCE rbac.role_sort_key_seq TO rbac_events_app;
BEGIN;
SET LOCAL rbac.user_id = 'user_1';
SET LOCAL ROLE rbac_events_app;
SELECT (rbac.create_role('by-app', 'By the app')).slug;
COMMIT;
SELECT e.event, e.session_user_name = session_user AS session_user, e.current_user_name, e.user_id
FROM rbac.event e ORDER BY e.id DESC LIMIT 1;
SELECT * FROM pg_temp.news();
-- nobody writes events by hand but the extension's owner or a superuser,
-- also when the owner grants INSERT
GRANT INSERT ON rbac.event TO rbac_events_app;
SET ROLE rbac_events_app;
INSERT INTO rbac.event (id, event, data, created_at, session_user_name, current_user_name)
VALUES ('event_01J00000000000000000000000', 'role.created', '{}', now(), 'x', 'y');
UPDATE rbac.event SET data = '{}';
DELETE FROM rbac.event;
RESET ROLE;
-- the extension's owner (here a superuser) may: a restore writes them
INSERT INTO rbac.event (id, event, data, created_at, session_user_name, current_user_name)
VALUES ('event_01J00000000000000000000000', 'role.created', '{"slug": "restored"}', '2024-06-01', 'x', 'y');

-- a restore (check_function_bodies off, as pg_dump's scripts set it) by a
-- superuser or the extension's owner records nothing: the dump brings the
-- events back; anyone else's change is recorded all the same
SET check_function_bodies = off;
SELECT (rbac.create_role('restored-role', 'Restored')).slug;
SET ROLE rbac_events_app;
SELECT (rbac.update_role('restored-role', 'Changed by the app')).slug;
RESET ROLE;
RESET check_function_bodies;
SELECT * FROM pg_temp.news();

-- set_events(false) records nothing, true records again
SELECT rbac.set_events(false);
SELECT (rbac.create_role('quiet', 'Quiet')).slug;
SELECT * FROM pg_temp.news();
SELECT rbac.set_events(true);
SELECT (rbac.update_role('quiet', 'Loud')).slug;
SELECT * FROM pg_temp.news();
SELECT rbac.set_events(NULL);

-- ids: events, time-ordered, in order of commit
SELECT bool_and(e.id ~ '^event_[0-9A-HJKMNP-TV-Z]{26}$') AS ids,
	   bool_and(e.created_at <= clock_timestamp()) AS times,
	   count(*) = count(DISTINCT e.id) AS distinct_ids
FROM rbac.event e;
SELECT count(*) AS out_of_order FROM (
	SELECT e.id, lag(e.created_at) OVER (ORDER BY e.id) AS prev, e.created_at FROM rbac.event e) x
WHERE x.prev > x.created_at;

-- list_events: the WorkOS list, oldest first, the cursor in list_metadata
SELECT jsonb_object_keys(rbac.list_events());
SELECT jsonb_array_length(rbac.list_events()->'data') AS first_page;
SELECT jsonb_object_keys(rbac.list_events()->'data'->0) ORDER BY 1;
SELECT x->>'event' FROM jsonb_array_elements(rbac.list_events(lim => 3)->'data') x;
-- paging through with the cursor yields every event once, in order
DO $$
DECLARE
	cursor_id text;
	page jsonb;
	got text[] := '{}';
BEGIN
	LOOP
		page := rbac.list_events(NULL, cursor_id, 7);
		EXIT WHEN jsonb_array_length(page->'data') = 0;
		got := got || ARRAY(SELECT x->>'id' FROM jsonb_array_elements(page->'data') x);
		cursor_id := page->'list_metadata'->>'after';
	END LOOP;
	IF got IS DISTINCT FROM ARRAY(SELECT e.id FROM rbac.event e ORDER BY e.id) THEN
		RAISE EXCEPTION 'paging missed or repeated events';
	END IF;
	-- past the end the cursor stays where it is
	IF rbac.list_events(NULL, cursor_id)->'list_metadata'->>'after' IS DISTINCT FROM cursor_id THEN
		RAISE EXCEPTION 'the cursor moved';
	END IF;
	RAISE NOTICE 'paged % events', cardinality(got);
END
$$;
SELECT x->>'event', x->'data'->>'slug' FROM jsonb_array_elements(
	rbac.list_events('{organization_role.created,organization_role.updated}', NULL, 100)->'data') x;
SELECT rbac.list_events(lim => 0);
SELECT rbac.list_events(lim => 101);
SELECT rbac.list_events(after => 'perm_01J00000000000000000000000');
SELECT rbac.list_events('{role.renamed}');
SELECT rbac.list_events('{widget.created}');

-- prune_events
SELECT rbac.prune_events(interval '1 day');
SELECT rbac.prune_events(interval '-1 second');
SELECT rbac.prune_events(NULL);
SELECT rbac.prune_events(interval '0') > 0 AS pruned;
SELECT count(*) FROM rbac.event;
SELECT rbac.event_id_at('2026-01-01 00:00:00+00') < rbac.event_id_at('2026-01-01 00:00:00.001+00');
SELECT rbac.event_id_at('infinity');

DROP OWNED BY rbac_events_app;
DROP ROLE rbac_events_app;

-- changes, then DROP EXTENSION in the same transaction: the commit goes
-- through (there is no rbac.event left to record into)
BEGIN;
SELECT (rbac.create_role('dropped-with-it', 'Dropped')).slug;
SET client_min_messages = warning;
DROP EXTENSION rbac CASCADE;
COMMIT;
RESET client_min_messages;
SELECT count(*) AS rbac_extensions FROM pg_extension WHERE extname = 'rbac';
CREATE EXTENSION rbac;
