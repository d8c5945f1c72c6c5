-- The first check in a backend after another backend committed a change,
-- on the large catalog: the change commits through dblink (another
-- backend), then a new transaction here times one check.  Prints
-- "first_check|us" lines, then "cache_bytes|n" for this backend's cache.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;

CREATE OR REPLACE FUNCTION bench_one_check() RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	ok boolean;
BEGIN
	t0 := clock_timestamp();
	ok := rbac.role_has_permission('editor', 'documents:read');
	IF NOT ok THEN
		RAISE EXCEPTION 'editor lost documents:read';
	END IF;
	RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6;
END
$$;

-- warm this backend's cache with the roles a policy would use
SELECT count(*) FILTER (WHERE rbac.role_has_permission('env-role-' || i, 'posts:read')) >= 0
FROM generate_series(1, 1000) i;
SELECT bench_one_check() IS NOT NULL AS warm;

SELECT format('SELECT ok FROM dblink(%L, %L) AS t(ok boolean)', :'conn',
			  format('SELECT rbac.%s(%L, %L) IS NOT NULL',
					 CASE WHEN r % 2 = 0 THEN 'add_role_permission' ELSE 'remove_role_permission' END,
					 'env-role-' || (100 + r), 'posts:read')),
	   $q$SELECT 'first_check|' || bench_one_check()$q$
FROM generate_series(1, 9) r
\gexec

SELECT 'cache_bytes_after_first_check|' || sum(total_bytes)
FROM pg_backend_memory_contexts WHERE name = 'rbac cache';
SELECT count(*) FILTER (WHERE rbac.role_has_permission('org-reader', 'documents:read', org_id)) >= 0
FROM documents;
SELECT 'cache_bytes_after_10000_organizations|' || sum(total_bytes)
FROM pg_backend_memory_contexts WHERE name = 'rbac cache';
