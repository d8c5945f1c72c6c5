-- The hand-written SQL a user would write instead of rbac: plain
-- membership tables with the best indexes, filled from the catalog of
-- this database so that they grant exactly what rbac grants (user_1 reads
-- documents in the organizations where it is a member as org-reader).
-- The policies that read them are in variants.tsv (peer_sql_*).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS bench_sql;
DROP TABLE IF EXISTS bench_sql.members, bench_sql.org_role_perms;
-- who holds which role in which organization
CREATE TABLE bench_sql.members (
	user_id text NOT NULL,
	org_id text NOT NULL,
	role text NOT NULL,
	PRIMARY KEY (user_id, org_id, role)
);
-- which role grants which permission in which organization
CREATE TABLE bench_sql.org_role_perms (
	org_id text NOT NULL,
	role text NOT NULL,
	perm text NOT NULL,
	PRIMARY KEY (org_id, role, perm)
);
INSERT INTO bench_sql.members
SELECT m.user_id, m.organization_id, r.slug
FROM rbac.membership m
JOIN rbac.membership_role mr ON mr.membership_id = m.id
JOIN rbac.role r ON r.id = mr.role_id;
INSERT INTO bench_sql.org_role_perms
SELECT r.organization_id, r.slug, rp.permission_slug
FROM rbac.role r JOIN rbac.role_permission rp ON rp.role_id = r.id
WHERE r.organization_id IS NOT NULL;
CREATE INDEX ON bench_sql.org_role_perms (perm, org_id, role);
VACUUM (ANALYZE) bench_sql.members, bench_sql.org_role_perms;
GRANT USAGE ON SCHEMA bench_sql TO bench_app;
GRANT SELECT ON ALL TABLES IN SCHEMA bench_sql TO bench_app;
