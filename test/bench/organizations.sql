-- 10,000 organizations org_00001 .. org_10000, each with its own order and
-- an org-reader role granting documents:read (bulk DML: the same
-- validation as the functions, without 10,000 function calls).
INSERT INTO rbac.organization_order (organization_id)
SELECT format('org_%s', lpad(i::text, 5, '0')) FROM generate_series(1, 10000) i
ON CONFLICT DO NOTHING;
INSERT INTO rbac.role (slug, name, type, organization_id)
SELECT 'org-reader', 'Reader', 'OrganizationRole', format('org_%s', lpad(i::text, 5, '0'))
FROM generate_series(1, 10000) i
ON CONFLICT DO NOTHING;
INSERT INTO rbac.role_permission (role_id, permission_slug)
SELECT r.id, 'documents:read' FROM rbac.role r WHERE r.slug = 'org-reader'
ON CONFLICT DO NOTHING;
