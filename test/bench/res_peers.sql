-- The hand-written SQL for the rule of the checks on a resource, as a user
-- would build it without rbac: the tree as parent pointers (node, the
-- organization as its root node), a closure table (every ancestor of every
-- node, itself included) and the grants expanded per user (a role assigned
-- on a resource grants its permissions on that node; the membership's own
-- roles on the organization's root node).  Filled from rbac's catalog of
-- this database, so that they grant what rbac grants (no wildcards here).
-- The policies that read them are in res_variants.tsv (peer_res_*).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\timing on
CREATE SCHEMA IF NOT EXISTS bench_sql;
DROP TABLE IF EXISTS bench_sql.node, bench_sql.closure, bench_sql.user_grant;
CREATE TABLE bench_sql.node (
	id integer PRIMARY KEY,
	parent_id integer,
	org text NOT NULL,
	type text NOT NULL,
	ext text NOT NULL,
	rbac_id text
);
-- the organizations' root nodes, then the resources
INSERT INTO bench_sql.node (id, org, type, ext)
SELECT -row_number() OVER (ORDER BY o), o, 'organization', o
FROM (SELECT DISTINCT organization_id::text AS o FROM rbac.resource) s;
INSERT INTO bench_sql.node (id, org, type, ext, rbac_id)
SELECT row_number() OVER (ORDER BY id), organization_id, resource_type_slug, external_id, id
FROM rbac.resource;
CREATE UNIQUE INDEX ON bench_sql.node (rbac_id);
UPDATE bench_sql.node n SET parent_id = coalesce(p.id, r.id)
FROM rbac.resource x
LEFT JOIN bench_sql.node p ON p.rbac_id = x.parent_resource_id
JOIN bench_sql.node r ON r.type = 'organization' AND r.org = x.organization_id
WHERE n.rbac_id = x.id;
CREATE UNIQUE INDEX ON bench_sql.node (org, type, ext) INCLUDE (id, parent_id);

CREATE TABLE bench_sql.closure (
	ancestor_id integer NOT NULL,
	org text NOT NULL,
	type text NOT NULL,
	ext text NOT NULL
);
INSERT INTO bench_sql.closure
WITH RECURSIVE up(descendant, ancestor) AS (
	SELECT id, id FROM bench_sql.node
	UNION ALL
	SELECT up.descendant, n.parent_id FROM up JOIN bench_sql.node n ON n.id = up.ancestor
	WHERE n.parent_id IS NOT NULL
)
SELECT up.ancestor, d.org, d.type, d.ext FROM up JOIN bench_sql.node d ON d.id = up.descendant;
ALTER TABLE bench_sql.closure ADD PRIMARY KEY (org, type, ext, ancestor_id);
CREATE INDEX ON bench_sql.closure (ancestor_id, type) INCLUDE (ext);

CREATE TABLE bench_sql.user_grant (
	user_id text NOT NULL,
	org text NOT NULL,
	perm text NOT NULL,
	node_id integer NOT NULL,
	PRIMARY KEY (user_id, org, perm, node_id)
);
INSERT INTO bench_sql.user_grant
SELECT m.user_id, m.organization_id, rp.permission_slug, n.id
FROM rbac.role_assignment a
JOIN rbac.membership m ON m.id = a.membership_id
JOIN rbac.role_permission rp ON rp.role_id = a.role_id
JOIN bench_sql.node n ON n.rbac_id = a.resource_id
UNION
SELECT m.user_id, m.organization_id, rp.permission_slug, n.id
FROM rbac.membership m
JOIN rbac.membership_role mr ON mr.membership_id = m.id
JOIN rbac.role_permission rp ON rp.role_id = mr.role_id
JOIN bench_sql.node n ON n.type = 'organization' AND n.org = m.organization_id;
\timing off
VACUUM (ANALYZE) bench_sql.node, bench_sql.closure, bench_sql.user_grant;
GRANT USAGE ON SCHEMA bench_sql TO bench_app;
GRANT SELECT ON ALL TABLES IN SCHEMA bench_sql TO bench_app;
SELECT (SELECT count(*) FROM bench_sql.node) AS nodes, (SELECT count(*) FROM bench_sql.closure) AS closure_rows,
	   (SELECT count(*) FROM bench_sql.user_grant) AS user_grants;
