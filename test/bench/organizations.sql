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

-- user_1 is a member, as org-reader, of the 5,000 even-numbered organizations
INSERT INTO rbac.membership (user_id, organization_id)
SELECT 'user_1', format('org_%s', lpad(i::text, 5, '0'))
FROM generate_series(2, 10000, 2) i
ON CONFLICT DO NOTHING;
INSERT INTO rbac.membership_role (membership_id, role_id)
SELECT m.id, r.id
FROM rbac.membership m
JOIN rbac.role r ON r.organization_id = m.organization_id AND r.slug = 'org-reader'
WHERE m.user_id = 'user_1'
ON CONFLICT DO NOTHING;
