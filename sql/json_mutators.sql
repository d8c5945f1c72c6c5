--
-- json_mutators: a JSON function applied to what a mutator returns, in the
-- same statement, shows the state after that mutator (SPEC 2, 1.1)
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;

-- the parts of an object that a mutator changes (ids and timestamps vary)
CREATE FUNCTION pg_temp.shape(j jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT j - 'id' - 'created_at' - 'updated_at'
$$;

-- permissions
SELECT pg_temp.shape(rbac.permission_json(rbac.create_permission('documents:read', 'Read', 'Open documents')));
SELECT pg_temp.shape(rbac.permission_json(rbac.create_permission('documents:write', 'Write')));
SELECT pg_temp.shape(rbac.permission_json(rbac.create_permission('billing:read', 'Billing')));
SELECT pg_temp.shape(rbac.permission_json(rbac.update_permission('documents:read', 'Read documents')));

-- environment roles: every mutator that returns a role
SELECT pg_temp.shape(rbac.role_json(rbac.create_role('admin', 'Admin')));
SELECT pg_temp.shape(rbac.role_json(rbac.create_role('viewer', 'Viewer')));
SELECT pg_temp.shape(rbac.role_json(rbac.set_role_permissions('admin', '{documents:read,documents:write}')));
SELECT pg_temp.shape(rbac.role_json(rbac.add_role_permission('admin', 'billing:read')));
SELECT pg_temp.shape(rbac.role_json(rbac.remove_role_permission('admin', 'documents:write')));
SELECT pg_temp.shape(rbac.role_json(rbac.set_role_permissions('admin', '{}')));
SELECT pg_temp.shape(rbac.role_json(rbac.add_role_permission('viewer', 'documents:read')));
SELECT pg_temp.shape(rbac.role_json(rbac.update_role('viewer', 'Reader', 'Reads')));
SELECT pg_temp.shape(rbac.role_json(rbac.set_role_priority('viewer', 1)));
SELECT pg_temp.shape(rbac.role_json(rbac.set_default_role('viewer')));

-- organization roles
SELECT pg_temp.shape(rbac.role_json(rbac.create_organization_role('org_1', 'org-auditor', 'Auditor')));
SELECT pg_temp.shape(rbac.role_json(rbac.set_organization_role_permissions('org_1', 'org-auditor', '{billing:read}')));
SELECT pg_temp.shape(rbac.role_json(rbac.add_organization_role_permission('org_1', 'org-auditor', 'documents:read')));
SELECT pg_temp.shape(rbac.role_json(rbac.remove_organization_role_permission('org_1', 'org-auditor', 'billing:read')));
SELECT pg_temp.shape(rbac.role_json(rbac.update_organization_role('org_1', 'org-auditor', 'Auditors')));
SELECT pg_temp.shape(rbac.role_json(rbac.set_organization_role_priority('org_1', 'org-auditor', 1)));
SELECT pg_temp.shape(rbac.role_json(rbac.set_default_role('org-auditor', 'org_1')));

-- memberships: role and roles of what was just created or updated
SELECT rbac.set_multiple_roles(true);
SELECT pg_temp.shape(rbac.membership_json(rbac.create_organization_membership('user_1', 'org_1', '{admin}')));
SELECT pg_temp.shape(rbac.membership_json(rbac.create_organization_membership('user_2', 'org_1')));
SELECT pg_temp.shape(rbac.membership_json(rbac.create_organization_membership('user_3', 'org_2')));
SELECT pg_temp.shape(rbac.membership_json(rbac.update_organization_membership('user_1', 'org_1', '{viewer,org-auditor}')));
SELECT pg_temp.shape(rbac.membership_json(rbac.update_organization_membership('user_1', 'org_1', '{admin}')));

-- and the next statement agrees with what the same statement showed
SELECT pg_temp.shape(rbac.role_json(r)) FROM rbac.get_role('admin') r;
SELECT pg_temp.shape(rbac.membership_json(m)) FROM rbac.get_organization_membership('user_1', 'org_1') m;

-- the JSON functions read tables at the moment they run: VOLATILE, and so
-- never run in a parallel worker
SELECT p.oid::regprocedure AS function, provolatile, proparallel
FROM pg_proc p WHERE p.oid IN ('rbac.role_json(rbac.role)'::regprocedure,
							   'rbac.membership_json(rbac.membership)'::regprocedure,
							   'rbac.permission_json(rbac.permission)'::regprocedure)
ORDER BY 1;

DROP EXTENSION rbac;
