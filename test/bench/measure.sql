-- Interleaved timing runs: every variant once per round, :rounds rounds.
-- Prints "round|variant|ms|rows" lines (rows: what the count returned,
-- so that the report can check that a floor passes the rows of its line).  Run as a superuser; each measurement runs
-- the count as bench_app, to whom the policy applies.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP FUNCTION IF EXISTS bench_measure(text, text);
CREATE FUNCTION bench_measure(using_expr text, settings text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	n bigint;
BEGIN
	EXECUTE 'DROP POLICY IF EXISTS bench ON documents';
	IF using_expr IS NULL THEN
		EXECUTE 'ALTER TABLE documents DISABLE ROW LEVEL SECURITY';
	ELSE
		EXECUTE 'ALTER TABLE documents ENABLE ROW LEVEL SECURITY';
		EXECUTE format('CREATE POLICY bench ON documents FOR SELECT TO bench_app USING (%s)', using_expr);
	END IF;
	-- settings: name=value pairs separated by ';'
	PERFORM set_config(split_part(kv, '=', 1), split_part(kv, '=', 2), true)
	FROM unnest(string_to_array(settings, ';')) kv;
	EXECUTE 'SET LOCAL ROLE bench_app';
	t0 := clock_timestamp();
	EXECUTE 'SELECT count(*) FROM documents' INTO n;
	RETURN (extract(epoch FROM clock_timestamp() - t0) * 1000) || '|' || n;
END
$$;

CREATE TEMP TABLE variant (ord int, name text, using_expr text, settings text);
\copy variant FROM 'variants.tsv'
DELETE FROM variant WHERE name !~ :'only';

-- one warm-up pass, then the rounds, variants interleaved
SELECT format('SELECT %s || ''|'' || %L || ''|'' || bench_measure(%L, %L)', r, name, using_expr, settings)
FROM variant, generate_series(0, :rounds) r
ORDER BY r, ord
\gexec
