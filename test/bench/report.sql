-- The benchmark's tables: medians over the rounds (and their spread),
-- each rbac line against its floor (the do-nothing C function of the same
-- argument shapes, test/bench/floor) and against the best hand-written SQL
-- of the same catalog, the large/small ratios, the first check after a
-- commit and the reader under write churn, with the targets of the issue.
\set ON_ERROR_STOP 1
\pset footer off
CREATE TEMP TABLE result (round int, variant text, ms float8, n bigint, catalog text);
\copy result (round, variant, ms, n) FROM 'results-small.txt' WITH (DELIMITER '|')
UPDATE result SET catalog = 'small' WHERE catalog IS NULL;
\copy result (round, variant, ms, n) FROM 'results-large.txt' WITH (DELIMITER '|')
UPDATE result SET catalog = 'large' WHERE catalog IS NULL;
DELETE FROM result WHERE round = 0;	-- warm-up pass

CREATE TEMP TABLE variant (ord int, name text, using_expr text, settings text);
\copy variant FROM 'variants.tsv'

CREATE TEMP VIEW med AS
SELECT catalog, variant,
	   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) * 1e6 / :rows AS ns,
	   min(ms) * 1e6 / :rows AS ns_min,
	   max(ms) * 1e6 / :rows AS ns_max,
	   max(n) AS n, count(DISTINCT n) AS n_values
FROM result GROUP BY 1, 2;

-- the targets on rbac's own cost (line - floor), in ns per row
CREATE TEMP TABLE own_target (variant text, ns float8);
INSERT INTO own_target VALUES
	('rbac_const', 10), ('rbac_has_permission', 10), ('rbac_roles_const', 10),
	('rbac_has_permission_jwt', 10),
	('rbac_org_row', 25), ('rbac_user_org_row', 25), ('rbac_user_const_org_row', 25),
	('rbac_has_permission_org_row', 25), ('rbac_has_permission_org_role', 25),
	('rbac_query_const', 10), ('rbac_query_org_row', 25);
-- (the checks on a resource: res_report.sql)

-- per catalog, the best (fastest) hand-written SQL line over membership tables
CREATE TEMP VIEW best_sql AS
SELECT DISTINCT ON (catalog) catalog, variant, ns
FROM med WHERE variant LIKE 'peer_sql_%' ORDER BY catalog, ns;

CREATE TEMP VIEW line AS
SELECT m.catalog, m.variant, v.ord, v.using_expr, v.settings, m.ns,
	   f.ns AS floor_ns, m.ns - f.ns AS own_ns, t.ns AS own_target,
	   m.ns / s.ns AS vs_best_sql,
	   m.n AS rows_passed, m.n_values = 1 AND f.n_values = 1 AND m.n = f.n AS floor_rows_match
FROM med m
JOIN variant v ON v.name = m.variant
JOIN best_sql s ON s.catalog = m.catalog
LEFT JOIN med f ON f.catalog = m.catalog AND f.variant = 'floor_' || m.variant
LEFT JOIN own_target t ON t.variant = m.variant
WHERE m.variant LIKE 'rbac%';

\echo
\echo 'Every line (policies and settings: the legend at the end): ns per row, median of the rounds,'
\echo '[min, max] over the rounds; x builtin = ns / ns of the builtin policy of the same catalog'
SELECT m.catalog, m.variant,
	   round(m.ns::numeric, 1) AS ns_per_row,
	   format('[%s, %s]', round(m.ns_min::numeric, 1), round(m.ns_max::numeric, 1)) AS spread,
	   round((m.ns / b.ns)::numeric, 3) AS x_builtin,
	   m.n AS rows_passed
FROM med m
JOIN med b ON b.catalog = m.catalog AND b.variant = 'builtin'
JOIN variant v ON v.name = m.variant
ORDER BY m.catalog DESC, v.ord;

\echo 'rbac lines: own = line - floor (target <= 10 ns with constant arguments, <= 25 ns with the organization of the row);'
\echo 'floor same rows: the floor line passed the rows its rbac line passed (what count(*) returned);'
\echo 'x best SQL = line / the fastest hand-written SQL line (peer_sql_exists, peer_sql_in) of the same catalog'
SELECT catalog, variant,
	   round(ns::numeric, 1) AS ns_per_row,
	   round(floor_ns::numeric, 1) AS floor_ns,
	   round(own_ns::numeric, 1) AS own_ns,
	   CASE WHEN own_target IS NULL THEN ''
		    ELSE format('<= %s %s', own_target, CASE WHEN own_ns <= own_target THEN '✓' ELSE '✗' END)
	   END AS own_target,
	   round(vs_best_sql::numeric, 3) AS x_best_sql,
	   rows_passed,
	   CASE floor_rows_match WHEN true THEN '✓' WHEN false THEN '✗ differs' ELSE '' END AS floor_same_rows
FROM line
ORDER BY catalog DESC, ord;

\echo 'best hand-written SQL line per catalog'
SELECT catalog, variant, round(ns::numeric, 1) AS ns_per_row FROM best_sql ORDER BY catalog DESC;

\echo 'target: has_permission(perm, org) >= 1.5x faster than the best hand-written SQL, >= 20x faster than JWT claims per row'
SELECT l.catalog, l.variant,
	   round((s.ns / l.ns)::numeric, 2) AS best_sql_over_line,
	   CASE WHEN s.ns / l.ns >= 1.5 THEN '✓' ELSE '✗' END AS "≥ 1.5",
	   round((j.ns / l.ns)::numeric, 1) AS jwt_per_row_over_line,
	   CASE WHEN j.ns / l.ns >= 20 THEN '✓' ELSE '✗' END AS "≥ 20"
FROM med l
JOIN best_sql s ON s.catalog = l.catalog
JOIN med j ON j.catalog = l.catalog AND j.variant = 'peer_jwt_per_row'
WHERE l.variant IN ('rbac_has_permission_org_row', 'rbac_has_permission_org_role')
ORDER BY l.catalog DESC, l.variant;

\echo 'target: a constant permission query of 3 slugs <= 2x the single-permission check of the same form (SPEC 9)'
SELECT q.catalog, q.variant, round(q.ns::numeric, 1) AS query_ns, o.variant AS single, round(o.ns::numeric, 1) AS single_ns,
	   round((q.ns / o.ns)::numeric, 2) AS ratio, CASE WHEN q.ns <= 2 * o.ns THEN '✓' ELSE '✗' END AS "≤ 2"
FROM line q
JOIN line o ON o.catalog = q.catalog
	AND o.variant = CASE q.variant WHEN 'rbac_query_const' THEN 'rbac_const'
								   WHEN 'rbac_query_org_row' THEN 'rbac_has_permission_org_row' END
WHERE q.variant IN ('rbac_query_const', 'rbac_query_org_row')
ORDER BY q.catalog DESC, q.variant;

\echo 'target: every rbac line on the large catalog <= 1.05x the same line on the small one (floor: the same ratio of its floor, i.e. the noise)'
SELECT l.variant,
	   round((l.ns / s.ns)::numeric, 3) AS large_vs_small,
	   CASE WHEN l.ns / s.ns <= 1.05 THEN '✓' ELSE '✗' END AS "≤ 1.05",
	   round((lf.ns / sf.ns)::numeric, 3) AS floor_large_vs_small
FROM med l
JOIN med s ON s.variant = l.variant AND s.catalog = 'small'
JOIN variant v ON v.name = l.variant
LEFT JOIN med lf ON lf.catalog = 'large' AND lf.variant = 'floor_' || l.variant
LEFT JOIN med sf ON sf.catalog = 'small' AND sf.variant = 'floor_' || l.variant
WHERE l.catalog = 'large' AND l.variant LIKE 'rbac%'
ORDER BY v.ord;

\echo 'for the record: sql_exists per row / rbac_setting (small catalog)'
SELECT round((e.ns / r.ns)::numeric, 1) AS sql_exists_vs_rbac_setting
FROM med e, med r
WHERE e.catalog = 'small' AND e.variant = 'sql_exists'
  AND r.catalog = 'small' AND r.variant = 'rbac_setting';

CREATE TEMP TABLE other (what text, value float8);
\copy other FROM 'results-first-check.txt' WITH (DELIMITER '|')
\echo 'first check after another backend committed a change (large catalog), target <= 1000 us'
SELECT count(*) AS samples,
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY value)::numeric, 1) AS median_us,
	   round(max(value)::numeric, 1) AS max_us,
	   CASE WHEN max(value) <= 1000 THEN '✓' ELSE '✗' END AS "≤ 1 ms"
FROM other WHERE what = 'first_check';
\echo 'memory of the rbac cache in that backend'
SELECT what, pg_size_pretty(value::bigint) AS size FROM other WHERE what LIKE 'cache_bytes%' ORDER BY what DESC;

CREATE TEMP TABLE churn (who text, phase text, value float8);
\copy churn FROM 'results-churn.txt' WITH (DELIMITER '|')
\echo 'churn: a member of 1,000 organizations counts 100k rows under has_permission(''documents:read'', org_id),'
\echo 'alone and while another session creates and deletes memberships of other users;'
\echo 'x alone = median / median alone (target: <= 1.1 at 20 writes/s, <= 1.5 unthrottled)'
WITH r AS (
	SELECT phase, count(*) AS queries,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS ms,
		   percentile_cont(0.9) WITHIN GROUP (ORDER BY value) AS p90
	FROM churn WHERE who = 'reader' GROUP BY phase)
SELECT r.phase, r.queries,
	   round(r.ms::numeric, 2) AS median_ms,
	   round(r.p90::numeric, 2) AS p90_ms,
	   round((r.ms / a.ms)::numeric, 2) AS x_alone,
	   CASE r.phase
		   WHEN 'writer_20_per_s' THEN format('<= 1.1 %s', CASE WHEN r.ms / a.ms <= 1.1 THEN '✓' ELSE '✗' END)
		   WHEN 'writer_unthrottled' THEN format('<= 1.5 %s', CASE WHEN r.ms / a.ms <= 1.5 THEN '✓' ELSE '✗' END)
		   ELSE ''
	   END AS target,
	   round(w.value::numeric, 1) AS writer_tps
FROM r
JOIN r a ON a.phase = 'alone'
LEFT JOIN churn w ON w.who = 'writer' AND w.phase = r.phase
ORDER BY array_position(ARRAY['alone', 'writer_20_per_s', 'writer_unthrottled'], r.phase);

\echo 'legend: the policy (USING ...) and the settings of each line'
SELECT name AS variant, coalesce(using_expr, '(RLS off)') AS policy, settings
FROM variant WHERE name IN (SELECT variant FROM med) ORDER BY ord;
