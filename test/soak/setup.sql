-- The soak's catalog (test/soak/run.sh): 20 permissions (wildcards among
-- them), 10 environment roles, 60 organizations (50 with roles of their
-- own, 10 following the environment list), 200 memberships, multiple roles
-- on; plus schema soak with the names the pgbench scripts use and a table
-- of 10,000 rows for the readers.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION rbac;
SELECT setseed(0.5);

CREATE SCHEMA soak;

-- permissions 1..20 exist from the start; 21..23 (temp:0..2) come and go
CREATE TABLE soak.perm (n integer PRIMARY KEY, slug text NOT NULL);
INSERT INTO soak.perm VALUES
	(1, 'documents:read'), (2, 'documents:write'), (3, 'documents:delete'),
	(4, 'documents:read:own'), (5, 'documents:*'), (6, 'billing:read'),
	(7, 'billing:write'), (8, 'billing:*'), (9, 'users:read'), (10, 'users:write'),
	(11, 'users:invite'), (12, 'users:*'), (13, 'reports.view'), (14, 'reports.export'),
	(15, 'reports.*'), (16, 'projects:read'), (17, 'projects:write'),
	(18, 'projects:*:own'), (19, 'admin'), (20, '*'),
	(21, 'temp:0'), (22, 'temp:1'), (23, 'temp:2');

-- what the checks are asked: every permission slug and slugs no permission
-- has (only a wildcard can grant them), wildcards asked literally, other
-- separators, empty segments, malformed slugs
CREATE TABLE soak.asked (slug text PRIMARY KEY);
INSERT INTO soak.asked SELECT slug FROM soak.perm;
INSERT INTO soak.asked VALUES
	('documents'), ('documents:read:all'), ('documents:*:own'), ('documents.read'),
	('billing:invoices:read'), ('users.read'), ('users:invite:bulk'),
	('reports.view.daily'), ('reports:view'), ('reports.*.daily'),
	('projects:alpha:own'), ('projects:alpha:all'), ('projects::own'),
	('projects:*:*'), ('admin:extra'), ('unknown:thing'), ('temp:9'), ('doc*:read'),
	('Documents:Read'), ('documents read'), ('');

CREATE TABLE soak.org (n integer PRIMARY KEY, id text NOT NULL UNIQUE);
INSERT INTO soak.org SELECT n, format('org_%s', lpad(n::text, 2, '0')) FROM generate_series(0, 59) n;
-- an organization nobody uses, asked about too
INSERT INTO soak.org VALUES (99, 'org_99');

CREATE FUNCTION soak.perm(n integer) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT slug FROM soak.perm WHERE perm.n = $1 $$;
CREATE FUNCTION soak.org(n integer) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT format('org_%s', lpad($1::text, 2, '0')) $$;
-- role names: 0..9 environment, 10..13 temporary environment, 14..15 each
-- organization's own, 16..19 temporary organization roles
CREATE FUNCTION soak.role(r integer) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN $1 < 10 THEN 'role-' || $1
				  WHEN $1 < 14 THEN 'tmp-' || ($1 - 10)
				  WHEN $1 = 14 THEN 'org-admin'
				  WHEN $1 = 15 THEN 'org-member'
				  ELSE 'org-tmp-' || ($1 - 16) END $$;
-- a role for a membership: r < 20 as soak.role, else an environment role
-- (even r) or the organization's own role (odd r)
CREATE FUNCTION soak.member_role(r integer) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN $1 < 20 THEN soak.role($1) WHEN $1 % 2 = 0 THEN soak.role($1 % 10)
				  ELSE soak.role(14 + $1 / 2 % 2) END $$;
CREATE FUNCTION soak.usr(u integer) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT format('user_%s', lpad($1::text, 3, '0')) $$;
CREATE FUNCTION soak.usr_org(u integer) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT soak.org($1 % 60) $$;
CREATE FUNCTION soak.guest(g integer) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT format('guest_%s', lpad($1::text, 2, '0')) $$;
CREATE FUNCTION soak.list_size(org text) RETURNS integer LANGUAGE sql STABLE
AS $$ SELECT count(*)::integer FROM rbac.role r
	  WHERE r.organization_id IS NULL OR r.organization_id = $1 $$;

-- Outcomes of the admin writes: every call, and the errors races may cause
CREATE UNLOGGED TABLE soak.outcome (op text, state text, message text);

-- Runs one management call; records "ok" or an error that concurrent
-- writers can cause (a slug taken or gone, a role still held or default, a
-- place out of range in a list that changed).  Anything else, and deadlocks
-- and serialization failures (pgbench retries those), is not caught.
CREATE FUNCTION soak.try(op text, sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	state text := 'ok';
	msg text := '';
BEGIN
	BEGIN
		EXECUTE sql;
	EXCEPTION
		WHEN unique_violation OR foreign_key_violation OR undefined_object
		  OR dependent_objects_still_exist OR object_not_in_prerequisite_state
		  OR invalid_parameter_value THEN
			GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	INSERT INTO soak.outcome VALUES (op, state,
		regexp_replace(regexp_replace(msg, '(role|perm|om)_[0-9A-HJKMNP-TV-Z]{26}', '<\1 id>', 'g'),
					   '[0-9]+', 'N', 'g'));
	RETURN state;
END
$$;

-- Permissions, environment roles with random grants, the default role
SELECT count(*) AS permissions FROM (
	SELECT rbac.create_permission(slug, initcap(replace(slug, ':', ' '))) FROM soak.perm WHERE n <= 20 ORDER BY n) s;
SELECT count(*) AS environment_roles FROM (
	SELECT rbac.create_role(soak.role(r), 'Role ' || r) FROM generate_series(0, 9) r ORDER BY r) s;
SELECT count(*) FROM (
	SELECT rbac.set_role_permissions(soak.role(r),
		ARRAY(SELECT soak.perm(1 + (random() * 18)::integer) FROM generate_series(1, 2 + r % 4)))
	FROM generate_series(0, 9) r) s;
SELECT (rbac.set_default_role('role-0')).slug AS default_role;

-- Organizations 0..49 with two roles of their own, some with a custom
-- order; 50..59 without (their lists follow the environment's)
SELECT count(*) AS organization_roles FROM (
	SELECT rbac.create_organization_role(soak.org(o), soak.role(14 + k), 'Org role ' || k)
	FROM generate_series(0, 49) o, generate_series(0, 1) k ORDER BY o, k) s;
SELECT count(*) FROM (
	SELECT rbac.set_organization_role_permissions(soak.org(o), soak.role(14 + k),
		ARRAY(SELECT soak.perm(1 + (random() * 18)::integer) FROM generate_series(1, 4 - 2 * k)))
	FROM generate_series(0, 49) o, generate_series(0, 1) k) s;
SELECT count(*) FROM (
	SELECT rbac.set_organization_role_priority(soak.org(o), 'org-admin', 1)
	FROM generate_series(0, 49, 3) o) s;

-- 200 memberships, user i in organization i % 60, one or two roles
SELECT rbac.set_multiple_roles(true);
SELECT count(*) AS memberships FROM (
	SELECT rbac.create_organization_membership(soak.usr(u), soak.usr_org(u),
		CASE WHEN u % 5 = 0 THEN NULL
			 WHEN u % 60 >= 50 THEN ARRAY[soak.role(u % 10)]
			 WHEN u % 3 = 0 THEN ARRAY[soak.role(u % 10), soak.role(14 + u % 2)]
			 ELSE ARRAY[soak.role(14 + u % 2)] END)
	FROM generate_series(0, 199) u) s;

-- The readers' table: 10 buckets of 1,000 rows
CREATE TABLE soak.doc AS
SELECT i, i % 10 AS bucket,
	   soak.role((random() * 13)::integer) AS role_slug,
	   soak.role((random() * 19)::integer) AS org_role_slug,
	   soak.org((random() * 59)::integer) AS org,
	   soak.usr((random() * 199)::integer) AS user_id,
	   (SELECT slug FROM soak.asked ORDER BY random() + i * 0 LIMIT 1) AS perm
FROM generate_series(1, 10000) i;
-- half the rows ask about the user's own organization
UPDATE soak.doc SET org = soak.usr_org(substr(user_id, 6)::integer) WHERE i % 2 = 0;
CREATE INDEX ON soak.doc (bucket);
ANALYZE soak.doc;
\i resources.sql
