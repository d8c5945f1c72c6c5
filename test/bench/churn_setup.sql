-- The churn benchmark's database: 1,000 organizations with an org-reader
-- role, a reader who is a member (org-reader) of all of them, 100 other
-- users who are members of about half of them, and a 100k-row table over
-- the 1,000 organizations under the policy has_permission(perm, org_id).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rbac;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_app') THEN
		CREATE ROLE bench_app NOLOGIN;
	END IF;
END $$;
SELECT count(*) FROM rbac.create_permission('documents:read', 'Read documents');
INSERT INTO rbac.organization_order (organization_id)
SELECT format('org_%s', lpad(i::text, 5, '0')) FROM generate_series(1, 1000) i;
INSERT INTO rbac.role (slug, name, type, organization_id)
SELECT 'org-reader', 'Reader', 'OrganizationRole', format('org_%s', lpad(i::text, 5, '0'))
FROM generate_series(1, 1000) i;
INSERT INTO rbac.role_permission (role_id, permission_slug)
SELECT r.id, 'documents:read' FROM rbac.role r WHERE r.slug = 'org-reader';

INSERT INTO rbac.membership (user_id, organization_id)
SELECT 'reader', format('org_%s', lpad(i::text, 5, '0')) FROM generate_series(1, 1000) i
UNION ALL
SELECT 'churn_user_' || u, format('org_%s', lpad(i::text, 5, '0'))
FROM generate_series(1, 100) u, generate_series(1, 1000) i
WHERE (u + i) % 2 = 0;
INSERT INTO rbac.membership_role (membership_id, role_id)
SELECT m.id, r.id
FROM rbac.membership m
JOIN rbac.role r ON r.organization_id = m.organization_id AND r.slug = 'org-reader';

DROP TABLE IF EXISTS churn_documents;
CREATE TABLE churn_documents (
	id integer PRIMARY KEY,
	org_id text NOT NULL,
	title text NOT NULL
);
INSERT INTO churn_documents
SELECT i, format('org_%s', lpad((1 + i % 1000)::text, 5, '0')), 'document ' || i
FROM generate_series(1, 100000) i;
VACUUM (ANALYZE, FREEZE) churn_documents;
ANALYZE;
ALTER TABLE churn_documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY churn ON churn_documents FOR SELECT TO bench_app
	USING (rbac.has_permission('documents:read', org_id));
GRANT SELECT ON churn_documents TO bench_app;

-- The writer's transaction: user churn_user_<u> joins organization <o> as
-- org-reader, or leaves it if it is a member; never the reader.
CREATE OR REPLACE FUNCTION bench_churn_toggle(u int, o int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	uid text := 'churn_user_' || u;
	org text := format('org_%s', lpad(o::text, 5, '0'));
BEGIN
	IF EXISTS (SELECT 1 FROM rbac.membership WHERE user_id = uid AND organization_id = org) THEN
		PERFORM rbac.delete_organization_membership(uid, org);
	ELSE
		PERFORM rbac.create_organization_membership(uid, org, '{org-reader}');
	END IF;
END
$$;

-- the reader sees every row: all 1,000 organizations grant it documents:read
BEGIN;
SELECT set_config('rbac.user_id', 'reader', true);
SET LOCAL ROLE bench_app;
SELECT count(*) = 100000 AS reader_sees_all FROM churn_documents;
COMMIT;
