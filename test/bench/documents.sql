-- The protected table: 1M rows over 10,000 organizations, each in one of
-- the ten projects p0 .. p9 of its organization (resources.sql).
DROP TABLE IF EXISTS documents;
CREATE TABLE documents (
	id integer PRIMARY KEY,
	org_id text NOT NULL,
	project_id text NOT NULL,
	title text NOT NULL
);
INSERT INTO documents
SELECT i, format('org_%s', lpad((1 + i % 10000)::text, 5, '0')), 'p' || (i / 10000) % 10,
	   'document ' || i
FROM generate_series(1, 1000000) i;
VACUUM (ANALYZE, FREEZE) documents;
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_app') THEN
		CREATE ROLE bench_app NOLOGIN;
	END IF;
END $$;
GRANT SELECT ON documents TO bench_app;
GRANT USAGE ON SCHEMA public TO bench_app;

-- The SQL-level alternative: a STABLE SQL function doing EXISTS over the
-- catalog joins, as applications write it.
CREATE OR REPLACE FUNCTION public.sql_authorize(role_slug text, permission_slug text)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (
		SELECT 1
		FROM rbac.role_permission rp
		JOIN rbac.role r ON r.id = rp.role_id
		JOIN rbac.permission p ON p.slug = rp.permission_slug
		WHERE r.slug = role_slug AND r.organization_id IS NULL
		  AND p.slug = permission_slug)
$$;
GRANT SELECT ON rbac.role, rbac.role_permission, rbac.permission TO bench_app;

-- The hardened variant: PL/pgSQL, SECURITY DEFINER with a pinned search_path.
CREATE OR REPLACE FUNCTION public.sql_authorize_definer(role_slug text, permission_slug text)
RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN EXISTS (
		SELECT 1
		FROM rbac.role_permission rp
		JOIN rbac.role r ON r.id = rp.role_id
		JOIN rbac.permission p ON p.slug = rp.permission_slug
		WHERE r.slug = sql_authorize_definer.role_slug AND r.organization_id IS NULL
		  AND p.slug = sql_authorize_definer.permission_slug);
END
$$;
