-- Interleaved timing runs of res_variants.tsv (the checks on a resource):
-- every variant once per round, :rounds rounds after a warm-up pass.
-- Prints "round|variant|ms|rows passed|rows scanned".  A variant counts the
-- rows of its table (documents and documents_mt: 1M, documents_10k: its first 10,000 rows)
-- as bench_app under its policy; table "query": the time of
-- SELECT count(*) FROM (<the expression>) as bench_app, rows scanned 1.
-- Variants whose name does not match :only are left out.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP FUNCTION IF EXISTS bench_res_measure(text, text, text);
CREATE FUNCTION bench_res_measure(tbl text, using_expr text, settings text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	n bigint;
	q text;
BEGIN
	IF tbl = 'query' THEN
		q := format('SELECT count(*) FROM (%s) q', using_expr);
	ELSE
		EXECUTE format('DROP POLICY IF EXISTS bench ON %I', tbl);
		IF using_expr IS NULL THEN
			EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', tbl);
		ELSE
			EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tbl);
			EXECUTE format('CREATE POLICY bench ON %I FOR SELECT TO bench_app USING (%s)', tbl, using_expr);
		END IF;
		q := format('SELECT count(*) FROM %I', tbl);
	END IF;
	PERFORM set_config(split_part(kv, '=', 1), split_part(kv, '=', 2), true)
	FROM unnest(string_to_array(settings, ';')) kv;
	EXECUTE 'SET LOCAL ROLE bench_app';
	t0 := clock_timestamp();
	EXECUTE q INTO n;
	RETURN (extract(epoch FROM clock_timestamp() - t0) * 1000) || '|' || n || '|' ||
		CASE tbl WHEN 'documents' THEN 1000000 WHEN 'documents_mt' THEN 1000000 WHEN 'documents_10k' THEN 10000 ELSE 1 END;
END
$$;

CREATE TEMP TABLE variant (ord int, name text, tbl text, using_expr text, settings text);
\copy variant FROM 'res_variants.tsv'
DELETE FROM variant WHERE name !~ :'only';

SELECT format('SELECT %s || ''|'' || %L || ''|'' || bench_res_measure(%L, %L, %L)', r, name, tbl, using_expr, settings)
FROM variant, generate_series(0, :rounds) r
ORDER BY r, ord
\gexec
