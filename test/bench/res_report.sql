-- The tables of the checks on a resource (res_variants.tsv): medians over
-- the rounds in ns per row scanned, each rbac line against its floor (the
-- do-nothing C function of the same argument shape), the best hand-written
-- SQL (closure table: EXISTS per row, or IN once per statement) and the
-- recursive CTE per row of the same principal, 10k vs 1M resources, and
-- discovery of 10,000 resources, with the targets of issue "Resources".
\set ON_ERROR_STOP 1
\pset footer off
CREATE TEMP TABLE rres (round int, variant text, ms float8, n bigint, scanned bigint, catalog text);
\copy rres (round, variant, ms, n, scanned) FROM 'results-res1m.txt' WITH (DELIMITER '|')
UPDATE rres SET catalog = '1M' WHERE catalog IS NULL;
\copy rres (round, variant, ms, n, scanned) FROM 'results-res10k.txt' WITH (DELIMITER '|')
UPDATE rres SET catalog = '10k' WHERE catalog IS NULL;
DELETE FROM rres WHERE round = 0;	-- warm-up pass
CREATE TEMP TABLE rvariant (ord int, name text, tbl text, using_expr text, settings text);
\copy rvariant FROM 'res_variants.tsv'

CREATE TEMP VIEW rmed AS
SELECT catalog, variant,
	   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms * 1e6 / scanned) AS ns,
	   min(ms * 1e6 / scanned) AS ns_min, max(ms * 1e6 / scanned) AS ns_max,
	   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms,
	   max(n) AS n, count(DISTINCT n) AS n_values
FROM rres GROUP BY 1, 2;

\echo
\echo 'Checks on a resource (1,000 organizations x 1,000 resources + org_big: 1,010,011 resources, 100,001 members,'
\echo '1,000,001 assignments; 10k: 10 organizations, 10,000 resources, 1,000 members, 10,000 assignments): ns per row scanned, median [min, max] of the rounds'
SELECT m.catalog, m.variant, v.tbl AS "table",
	   round(m.ns::numeric, 1) AS ns_per_row,
	   format('[%s, %s]', round(m.ns_min::numeric, 1), round(m.ns_max::numeric, 1)) AS spread,
	   m.n AS rows_passed
FROM rmed m JOIN rvariant v ON v.name = m.variant
WHERE v.tbl <> 'query'
ORDER BY m.catalog DESC, v.ord;

-- own cost: the median over the rounds of (line - floor) in each round
-- (the two run one after the other), which drift between rounds does not move
CREATE TEMP VIEW rpaired AS
SELECT l.catalog, substr(l.variant, 10) AS grant_at,
	   percentile_cont(0.5) WITHIN GROUP (ORDER BY (l.ms - f.ms) * 1e6 / l.scanned) AS own_ns,
	   min((l.ms - f.ms) * 1e6 / l.scanned) AS own_min, max((l.ms - f.ms) * 1e6 / l.scanned) AS own_max
FROM rres l
JOIN rres f ON f.catalog = l.catalog AND f.round = l.round AND f.variant = 'floor_' || l.variant
WHERE l.variant LIKE 'rbac_res_%'
GROUP BY 1, 2;

\echo 'has_permission(''document:read'', ''folder'', folder_id), folders at depth 3, per grant (ws: on the workspace 2 levels up;'
\echo 'folder: on the folder; org_role: the membership''s own role; mt: user_has_permission(current_setting(...), org_id, ...) over documents_mt,'
\echo 'ten organizations'' rows interleaved, the organization from the row, 1% pass; mt_principal: has_permission(''document:read'', org_id, ''folder'', folder_id)'
\echo 'over the same rows, the principal from rbac''s settings): own = median over the rounds of line - floor (target <= 35 ns);'
\echo 'x best SQL = the faster of peer_res_in / peer_res_exists of the principal over the line (target >= 1.5);'
\echo 'bound = best SQL over the floor: what any per-row C function of this shape reaches at most;'
\echo 'x CTE = the recursive CTE per row (peer_res_cte) over the line (target >= 50); same rows: the line, its floor and its peers pass the same rows'
WITH l AS (
	SELECT m.catalog, substr(m.variant, 10) AS grant_at, m.ns, m.n, v.ord
	FROM rmed m JOIN rvariant v ON v.name = m.variant
	WHERE m.variant IN ('rbac_res_ws', 'rbac_res_folder', 'rbac_res_org_role', 'rbac_res_mt', 'rbac_res_mt_principal'))
SELECT l.catalog, l.grant_at, round(l.ns::numeric, 1) AS ns_per_row, round(f.ns::numeric, 1) AS floor_ns,
	   round(p.own_ns::numeric, 1) AS own_ns,
	   format('[%s, %s]', round(p.own_min::numeric, 1), round(p.own_max::numeric, 1)) AS own_spread,
	   CASE WHEN p.own_ns <= 35 THEN '✓' ELSE '✗' END AS "≤ 35",
	   round(least(i.ns, e.ns)::numeric, 1) AS best_sql_ns,
	   round((least(i.ns, e.ns) / l.ns)::numeric, 2) AS x_best_sql,
	   CASE WHEN least(i.ns, e.ns) / l.ns >= 1.5 THEN '✓' WHEN i.ns IS NULL THEN '' ELSE '✗' END AS "≥ 1.5",
	   round((least(i.ns, e.ns) / f.ns)::numeric, 2) AS bound,
	   round(c.ns::numeric, 0) AS cte_ns,
	   round((c.ns / l.ns)::numeric, 1) AS x_cte,
	   CASE WHEN c.ns / l.ns >= 50 THEN '✓' WHEN c.ns IS NULL THEN '' ELSE '✗' END AS "≥ 50",
	   round(d.ns::numeric, 1) AS discovery_in_ns,
	   CASE WHEN i.n IS NULL THEN '' WHEN l.n = i.n AND l.n = e.n AND (d.n IS NULL OR l.n = d.n) AND l.n = f.n THEN '✓' ELSE '✗ differ' END AS same_rows
FROM l
LEFT JOIN rmed f ON f.catalog = l.catalog AND f.variant = 'floor_rbac_res_' || l.grant_at
LEFT JOIN rpaired p ON p.catalog = l.catalog AND p.grant_at = l.grant_at
LEFT JOIN rmed i ON i.catalog = l.catalog AND i.variant = 'peer_res_in_' || l.grant_at
LEFT JOIN rmed e ON e.catalog = l.catalog AND e.variant = 'peer_res_exists_' || l.grant_at
LEFT JOIN rmed c ON c.catalog = l.catalog AND c.variant = 'peer_res_cte_' || l.grant_at
LEFT JOIN rmed d ON d.catalog = l.catalog AND d.variant = 'rbac_res_discovery_in_' || l.grant_at
ORDER BY l.catalog DESC, l.ord;

\echo 'the ws line in a parallel plan (2 workers, each a fresh backend that reads the catalog under the leader''s snapshot), 1M resources:'
\echo 'wall time per row scanned, and own = median over the rounds of line - floor'
SELECT l.catalog, round(l.ns::numeric, 1) AS ns_per_row, round(f.ns::numeric, 1) AS floor_ns,
	   round(p.own_ns::numeric, 1) AS own_ns,
	   format('[%s, %s]', round(p.own_min::numeric, 1), round(p.own_max::numeric, 1)) AS own_spread
FROM rmed l
JOIN rmed f ON f.catalog = l.catalog AND f.variant = 'floor_rbac_res_ws_parallel'
JOIN rpaired p ON p.catalog = l.catalog AND p.grant_at = 'ws_parallel'
WHERE l.variant = 'rbac_res_ws_parallel'
ORDER BY l.catalog DESC;

\echo 'the same lines at 10k and 1M resources: x = 1M / 10k (target <= 1.1; floor: the same ratio of the floor, i.e. the noise)'
SELECT b.variant, round(s.ns::numeric, 1) AS ns_10k, round(b.ns::numeric, 1) AS ns_1m,
	   round((b.ns / s.ns)::numeric, 3) AS x,
	   CASE WHEN b.ns / s.ns <= 1.1 THEN '✓' ELSE '✗' END AS "≤ 1.1",
	   round((bf.ns / sf.ns)::numeric, 3) AS floor_x
FROM rmed b
JOIN rmed s ON s.variant = b.variant AND s.catalog = '10k'
JOIN rvariant v ON v.name = b.variant
LEFT JOIN rmed bf ON bf.catalog = '1M' AND bf.variant = 'floor_' || b.variant
LEFT JOIN rmed sf ON sf.catalog = '10k' AND sf.variant = 'floor_' || b.variant
WHERE b.catalog = '1M' AND b.variant LIKE 'rbac_res%' AND v.tbl <> 'query'
ORDER BY v.ord;

\echo 'discovery: SELECT count(*) FROM rbac.resources_with_permission(''u_big'', ''org_big'', ''document:read'', ''folder''), as bench_app (target <= 20 ms)'
SELECT catalog, n AS resources, round(ms::numeric, 2) AS median_ms,
	   format('[%s, %s]', round((ns_min / 1e6)::numeric, 2), round((ns_max / 1e6)::numeric, 2)) AS spread_ms,
	   CASE WHEN ms <= 20 THEN '✓' ELSE '✗' END AS "≤ 20 ms"
FROM rmed WHERE variant = 'rbac_res_discovery_10k' ORDER BY catalog DESC;

CREATE TEMP TABLE rsetup (db text, setup_s int, peers_s int);
\copy rsetup FROM 'results-res-setup.txt' WITH (DELIMITER '|')
\echo 'setup of the resource catalogs (res_setup.sql: set-based INSERTs through every trigger; res_peers.sql: the hand-written SQL''s tables), seconds'
SELECT db, setup_s, peers_s FROM rsetup ORDER BY db;

\echo 'legend: the policy (USING ...) of each line of the checks on a resource and its settings'
SELECT name AS variant, coalesce(using_expr, '(RLS off)') AS policy, settings
FROM rvariant WHERE name IN (SELECT variant FROM rmed) ORDER BY ord;
