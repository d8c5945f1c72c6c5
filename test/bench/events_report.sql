-- The cost of recording events (test/bench/events.sh): the median time of
-- each workload with events on, off (set_events(false): the triggers still
-- note what changed) and without the event triggers, and the ratios.
\set ON_ERROR_STOP 1
CREATE TEMP TABLE ev (tag text, workload text, mode text, round int, value bigint);
\copy ev FROM 'results-events.txt' WITH (FORMAT text, DELIMITER '|')
\echo
\echo 'Recording events (medians of the rounds; 10,000 create_organization_membership calls, one transaction each, with and without waiting for the disk at commit; one COPY of 100,000 rows into rbac.role_permission):'
WITH m AS (
	SELECT workload, mode, percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS ms, count(*) AS rounds
	FROM ev WHERE workload <> 'count' GROUP BY workload, mode)
SELECT w.workload,
	   round(on_.ms::numeric) AS on_ms, round(off.ms::numeric) AS off_ms, round(none.ms::numeric) AS no_triggers_ms,
	   round((on_.ms / off.ms)::numeric, 2) AS on_over_off,
	   round((on_.ms / none.ms)::numeric, 2) AS on_over_no_triggers,
	   on_.rounds
FROM (SELECT DISTINCT workload FROM m) w
JOIN m on_ ON on_.workload = w.workload AND on_.mode = 'on'
JOIN m off ON off.workload = w.workload AND off.mode = 'off'
JOIN m none ON none.workload = w.workload AND none.mode = 'none'
ORDER BY 1 DESC;
SELECT mode, min(value) AS events_per_round FROM ev WHERE workload = 'count' GROUP BY mode ORDER BY mode DESC;
