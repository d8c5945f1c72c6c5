--
-- A call-site memo shared by queries of several snapshots: a PL/pgSQL
-- simple expression keeps its FmgrInfo (and rbac's memo in fn_extra) for
-- the transaction, so a cursor opened before a change and a statement after
-- it call the same memo.  Each must get its own snapshot's answer (found in
-- review: the cursor got the later statement's).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rbac;
SELECT count(*) FROM (SELECT rbac.create_permission('documents:read', 'R'), rbac.create_permission('documents:write', 'W'),
  rbac.create_role('editor', 'Editor'), rbac.create_role('viewer', 'Viewer')) s;
SELECT count(*) FROM (SELECT rbac.set_role_permissions('editor', ARRAY['documents:read','documents:write']),
  rbac.set_role_permissions('viewer', ARRAY['documents:read'])) s;
SELECT count(*) FROM rbac.create_organization_membership('alice', 'org_1', ARRAY['viewer']);
CREATE FUNCTION pg_temp.can_write(u text) RETURNS boolean LANGUAGE plpgsql STABLE
  AS $$ BEGIN RETURN rbac.user_has_permission(u, 'org_1', 'documents:write'); END $$;
BEGIN;
DECLARE c CURSOR FOR SELECT pg_temp.can_write('alice') AS cursor_sees, rbac.user_has_permission('alice','org_1','documents:write') AS direct,
   (SELECT count(*) FROM rbac.membership_role mr JOIN rbac.role r ON r.id = mr.role_id WHERE r.slug = 'editor') AS editor_rows
   FROM generate_series(1, 2);
SELECT count(*) FROM rbac.update_organization_membership('alice', 'org_1', ARRAY['editor']);
SELECT pg_temp.can_write('alice') AS now_sees;
FETCH 2 FROM c;
COMMIT;
DROP EXTENSION rbac;
