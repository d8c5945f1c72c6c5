-- Resources (SPEC 7) for the checks on a resource: in each of the 10,000
-- organizations a workspace w1 and ten projects p0 .. p9 under it (110,000
-- resources, bulk DML).  projects:read is a permission of type project:
-- user_1 has it on every project of its even-numbered organizations
-- through its membership's role org-reader (the organization root), user_2
-- through ws-reader assigned on the workspace w1 (one level up), as a
-- member (viewer) of the same organizations.
SELECT count(*) FROM (
	SELECT rbac.create_resource_type('workspace', 'Workspace'),
		   rbac.create_resource_type('project', 'Project', NULL, '{workspace}'),
		   rbac.create_permission('projects:read', 'Read projects', NULL, 'project'),
		   rbac.create_role('ws-reader', 'Workspace reader', NULL, 'workspace')) s;
SELECT count(*) FROM rbac.add_role_permission('ws-reader', 'projects:read');
INSERT INTO rbac.role_permission (role_id, permission_slug)
SELECT r.id, 'projects:read' FROM rbac.role r WHERE r.slug = 'org-reader'
ON CONFLICT DO NOTHING;

INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id)
SELECT 'w1', 'Workspace 1', 'workspace', format('org_%s', lpad(i::text, 5, '0'))
FROM generate_series(1, 10000) i;
INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id, parent_resource_id)
SELECT 'p' || k, 'Project ' || k, 'project', w.organization_id, w.id
FROM rbac.resource w, generate_series(0, 9) k
WHERE w.resource_type_slug = 'workspace';

INSERT INTO rbac.membership (user_id, organization_id)
SELECT 'user_2', format('org_%s', lpad(i::text, 5, '0'))
FROM generate_series(2, 10000, 2) i
ON CONFLICT DO NOTHING;
INSERT INTO rbac.membership_role (membership_id, role_id)
SELECT m.id, r.id
FROM rbac.membership m, rbac.role r
WHERE m.user_id = 'user_2' AND r.slug = 'viewer' AND r.organization_id IS NULL
ON CONFLICT DO NOTHING;
INSERT INTO rbac.role_assignment (membership_id, role_id, resource_id)
SELECT m.id, r.id, w.id
FROM rbac.membership m
JOIN rbac.resource w ON w.organization_id = m.organization_id AND w.resource_type_slug = 'workspace'
CROSS JOIN rbac.role r
WHERE m.user_id = 'user_2' AND r.slug = 'ws-reader';
