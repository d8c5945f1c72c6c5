-- The floor functions (test/bench/floor/rbac_bench_floor.c), one per
-- argument shape of rbac's checks, marked like the checks.  A floor line
-- calls one with the same argument expressions as its rbac line and
-- passes the same rows.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS bench_floor;
CREATE OR REPLACE FUNCTION bench_floor.f1(text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text1' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION bench_floor.f2(text, text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text2' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION bench_floor.f3(text, text, text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text3' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION bench_floor.f_arr2(text[], text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_textarr_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- the floors of the member lines: pass only the even-numbered organizations
CREATE OR REPLACE FUNCTION bench_floor.f2_even(text, text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text2_even' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION bench_floor.f3_even(text, text, text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text3_even' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- the checks on a resource (user, organization, permission, type, external id)
CREATE OR REPLACE FUNCTION bench_floor.f5(text, text, text, text, text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text5' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- has_permission(perm, type, external_id) for a principal who may use the
-- resources whose external id sorts below the second argument (in the place of the type)
CREATE OR REPLACE FUNCTION bench_floor.f3_below(text, text, text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text3_below' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- user_has_permission(user, org_id, perm, type, folder_id) with the organization from the
-- row: passes where the organization is the third argument and the folder sorts below the fourth
CREATE OR REPLACE FUNCTION bench_floor.f5_org_below(text, text, text, text, text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text5_org_below' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- has_permission(perm, org_id, type, folder_id): passes where the organization is the first
-- argument and the folder sorts below the third
CREATE OR REPLACE FUNCTION bench_floor.f4_org_below(text, text, text, text) RETURNS boolean
AS '$libdir/rbac_bench_floor', 'floor_text4_org_below' LANGUAGE C STABLE STRICT PARALLEL SAFE;
GRANT USAGE ON SCHEMA bench_floor TO bench_app;
