--
-- ids: rbac.new_id(prefix) -- prefix, "_", a 26-character ULID (SPEC 1.2)
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- SQLSTATE and message of a statement's error, or 'ok'
CREATE FUNCTION pg_temp.err(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- milliseconds since the Unix epoch encoded in the first 10 characters of a ULID
CREATE FUNCTION pg_temp.ulid_ms(ulid text) RETURNS numeric LANGUAGE sql AS $$
	SELECT sum((strpos('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(ulid, i, 1)) - 1)::numeric
			   * 32::numeric ^ (10 - i))
	FROM generate_series(1, 10) i
$$;

-- markings: VOLATILE (a new value each call), STRICT, written in C
SELECT p.provolatile, p.proisstrict, l.lanname
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.oid = 'rbac.new_id(text)'::regprocedure;

--
-- Format: prefix, "_", 26 characters of Crockford base32 (no I, L, O, U);
-- the first character carries 3 bits only (0-7)
--
SELECT prefix,
	   id ~ ('^' || prefix || '_[0-7][0-9A-HJKMNP-TV-Z]{25}$') AS format_ok,
	   length(id) - length(prefix) - 1 AS ulid_length
FROM (SELECT prefix, rbac.new_id(prefix) AS id
	  FROM unnest(ARRAY['perm', 'role', 'om']) prefix) t;

-- a prefix of 32 letters is the longest
SELECT rbac.new_id(repeat('x', 32)) ~ ('^' || repeat('x', 32) || '_[0-7][0-9A-HJKMNP-TV-Z]{25}$') AS prefix_32_ok;

-- the time part is the current time in milliseconds since the Unix epoch
SELECT abs(pg_temp.ulid_ms(substr(rbac.new_id('perm'), 6))
		   - floor(extract(epoch FROM clock_timestamp()) * 1000)) < 5000 AS time_part_is_now;

-- ids in a later millisecond sort after earlier ones
SELECT rbac.new_id('perm') AS first_id \gset
SELECT pg_sleep(0.01);
SELECT rbac.new_id('perm') AS second_id \gset
SELECT :'first_id' COLLATE "C" < :'second_id' COLLATE "C" AS later_is_greater,
	   pg_temp.ulid_ms(substr(:'second_id', 6)) - pg_temp.ulid_ms(substr(:'first_id', 6)) >= 10
	   AS time_part_moved;

--
-- Monotonic within a backend: 1000 ids in one statement (mostly within the
-- same millisecond) are distinct and strictly increasing in generation order
--
WITH g AS MATERIALIZED (
	SELECT n, rbac.new_id('perm') AS id FROM generate_series(1, 1000) n
), s AS (
	SELECT n, id, lag(id) OVER (ORDER BY n) AS prev FROM g
)
SELECT count(*) AS ids,
	   count(DISTINCT id) AS distinct_ids,
	   count(*) FILTER (WHERE prev IS NOT NULL
						AND NOT (id COLLATE "C" > prev COLLATE "C")) AS not_increasing,
	   bool_and(id ~ '^perm_[0-7][0-9A-HJKMNP-TV-Z]{25}$') AS all_well_formed
FROM s;

-- monotonic within the backend whatever the prefix, and across statements
WITH g AS MATERIALIZED (
	SELECT n, rbac.new_id(CASE n % 3 WHEN 0 THEN 'perm' WHEN 1 THEN 'role' ELSE 'om' END) AS id
	FROM generate_series(1, 300) n
), u AS (
	SELECT n, split_part(id, '_', 2) AS ulid FROM g
)
SELECT count(*) AS ulids,
	   count(DISTINCT ulid) AS distinct_ulids,
	   count(*) FILTER (WHERE prev IS NOT NULL
						AND NOT (ulid COLLATE "C" > prev COLLATE "C")) AS not_increasing
FROM (SELECT ulid, lag(ulid) OVER (ORDER BY n) AS prev FROM u) s;
SELECT split_part(rbac.new_id('role'), '_', 2) AS u1 \gset
SELECT split_part(rbac.new_id('perm'), '_', 2) AS u2 \gset
SELECT :'u1' COLLATE "C" < :'u2' COLLATE "C" AS next_statement_greater;

-- ids that rows get by default are ordered by insertion
CREATE TEMP TABLE inserted AS
SELECT n, (rbac.create_permission('p' || n, 'P' || n)).id
FROM generate_series(1, 50) n;
SELECT count(*) AS permissions,
	   bool_and(i.id = p.id) AS same_ids,
	   bool_and(p.id ~ '^perm_[0-7][0-9A-HJKMNP-TV-Z]{25}$') AS well_formed,
	   (SELECT array_agg(n ORDER BY id COLLATE "C") FROM inserted)
	   = (SELECT array_agg(n ORDER BY n) FROM inserted) AS id_order_is_insertion_order
FROM inserted i JOIN rbac.permission p ON p.slug = 'p' || i.n;
DELETE FROM rbac.permission;

--
-- Bad prefixes: 22023; NULL: NULL (STRICT)
--
SELECT label, pg_temp.err(format('SELECT rbac.new_id(%L)', prefix)) AS result
FROM (VALUES
	('empty', ''),
	('upper case', 'Perm'),
	('underscore', 'a_b'),
	('space', 'pe rm'),
	('33 letters', repeat('x', 33))
) t(label, prefix);

SELECT rbac.new_id(NULL) IS NULL AS null_gives_null;

-- with the DETAIL
SELECT rbac.new_id('Perm');
