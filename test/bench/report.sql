-- The benchmark's table: medians over the rounds, ratios against the
-- built-in policy of the same catalog, and the targets of the issue.
\set ON_ERROR_STOP 1
\pset footer off
CREATE TEMP TABLE result (round int, variant text, ms float8, catalog text);
\copy result (round, variant, ms) FROM 'results-small.txt' WITH (DELIMITER '|')
UPDATE result SET catalog = 'small' WHERE catalog IS NULL;
\copy result (round, variant, ms) FROM 'results-large.txt' WITH (DELIMITER '|')
UPDATE result SET catalog = 'large' WHERE catalog IS NULL;
DELETE FROM result WHERE round = 0;	-- warm-up pass

CREATE TEMP VIEW med AS
SELECT catalog, variant,
	   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) * 1e6 / :rows AS ns
FROM result GROUP BY 1, 2;

\echo
\echo 'ns per row, median of the rounds; ratio = ns / ns of the builtin policy of the same catalog'
SELECT m.catalog,
	   m.variant,
	   round(m.ns::numeric, 1) AS ns_per_row,
	   round((m.ns / b.ns)::numeric, 3) AS vs_builtin,
	   CASE m.variant
		   WHEN 'rbac_const' THEN '<= 0.5'
		   WHEN 'rbac_setting' THEN '<= 1.2'
		   WHEN 'rbac_org_row' THEN '<= 1.5'
		   WHEN 'rbac_user_org_row' THEN '<= 1.5'
		   WHEN 'rbac_has_permission_org_row' THEN '<= 1.5'
		   WHEN 'rbac_has_permission' THEN '<= 1.2'
	   END AS target
FROM med m JOIN med b ON b.catalog = m.catalog AND b.variant = 'builtin'
ORDER BY m.catalog DESC, array_position(ARRAY['none','true','builtin','sql_exists','sql_exists_definer','sql_exists_once','rbac_const','rbac_setting','rbac_org_row','rbac_has_permission','rbac_user_org_row','rbac_has_permission_org_row','rbac_orgs_once'], m.variant);

\echo 'target: sql_exists per row >= 200x rbac_setting'
SELECT round((e.ns / r.ns)::numeric, 1) AS sql_exists_vs_rbac_setting
FROM med e, med r
WHERE e.catalog = 'small' AND e.variant = 'sql_exists'
  AND r.catalog = 'small' AND r.variant = 'rbac_setting';

\echo 'target: every rbac line on the large catalog <= 1.2x the same line on the small one'
SELECT l.variant, round((l.ns / s.ns)::numeric, 3) AS large_vs_small
FROM med l JOIN med s ON s.variant = l.variant AND s.catalog = 'small'
WHERE l.catalog = 'large' AND l.variant LIKE 'rbac%'
ORDER BY 1;

CREATE TEMP TABLE other (what text, value float8);
\copy other FROM 'results-first-check.txt' WITH (DELIMITER '|')
\echo 'first check after another backend committed a change (large catalog), target <= 1000 us'
SELECT count(*) AS samples,
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY value)::numeric, 1) AS median_us,
	   round(max(value)::numeric, 1) AS max_us
FROM other WHERE what = 'first_check';
\echo 'memory of the rbac cache in that backend'
SELECT what, pg_size_pretty(value::bigint) AS size FROM other WHERE what LIKE 'cache_bytes%' ORDER BY what DESC;
