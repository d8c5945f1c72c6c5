-- The soak's resources (SPEC 7), included by setup.sql: types workspace ->
-- project -> folder (folders also in folders), permissions of those types
-- (a wildcard among them), roles of each type, in organizations 0..9 two
-- workspaces, four projects and eight folders each, and 30 users res_00 ..
-- res_29 of their own (user n in organization n % 10) whose role
-- assignments and membership roles res_writes.pgbench changes, while it
-- creates, moves and deletes the resources.  The oracle
-- (test/resources_oracle.sql) is the rule in plain SQL.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\i ../resources_oracle.sql

SELECT count(*) FROM (
	SELECT rbac.create_resource_type('workspace', 'Workspace'),
		   rbac.create_resource_type('project', 'Project', NULL, '{workspace}'),
		   rbac.create_resource_type('folder', 'Folder', NULL, '{project,folder}')) s;
SELECT count(*) FROM (
	SELECT rbac.create_permission('docs:read', 'Read documents', NULL, 'folder'),
		   rbac.create_permission('docs:write', 'Write documents', NULL, 'folder'),
		   rbac.create_permission('docs:*', 'All on documents', NULL, 'folder'),
		   rbac.create_permission('proj:read', 'Read a project', NULL, 'project'),
		   rbac.create_permission('ws:admin', 'Administer a workspace', NULL, 'workspace')) s;
SELECT count(*) FROM (
	SELECT rbac.create_role('res-reader', 'Reader of every folder'),
		   rbac.create_role('ws-admin', 'Workspace admin', NULL, 'workspace'),
		   rbac.create_role('ws-viewer', 'Workspace viewer', NULL, 'workspace'),
		   rbac.create_role('proj-editor', 'Project editor', NULL, 'project'),
		   rbac.create_role('proj-viewer', 'Project viewer', NULL, 'project'),
		   rbac.create_role('folder-owner', 'Folder owner', NULL, 'folder'),
		   rbac.create_role('folder-reader', 'Folder reader', NULL, 'folder')) s;
SELECT count(*) FROM (
	SELECT rbac.set_role_permissions('res-reader', '{docs:read,proj:read}'),
		   rbac.set_role_permissions('ws-admin', '{ws:admin,proj:read,docs:*}'),
		   rbac.set_role_permissions('ws-viewer', '{proj:read}'),
		   rbac.set_role_permissions('proj-editor', '{proj:read,docs:read,docs:write}'),
		   rbac.set_role_permissions('proj-viewer', '{proj:read}'),
		   rbac.set_role_permissions('folder-owner', '{docs:*}'),
		   rbac.set_role_permissions('folder-reader', '{docs:read}')) s;

-- what the resource checks are asked
CREATE TABLE soak.res_asked (slug text PRIMARY KEY);
INSERT INTO soak.res_asked VALUES ('docs:read'), ('docs:write'), ('docs:delete'), ('docs:*'),
	('proj:read'), ('ws:admin'), ('documents:read'), ('docs'), ('');
-- the resources the scripts name: w0, w1; p0 .. p5 (p_k under w(k % 2));
-- f0 .. f11 (f_k under p(k % 6), f8 .. f11 under f(k - 8))
CREATE FUNCTION soak.res_ext(kind text, k integer) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT left($1, 1) || $2 $$;
CREATE FUNCTION soak.res_user(n integer) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT format('res_%s', lpad($1::text, 2, '0')) $$;
SELECT count(*) FROM (
	SELECT rbac.create_resource(soak.org(o), 'workspace', 'w' || k, 'Workspace ' || k)
	FROM generate_series(0, 9) o, generate_series(0, 1) k ORDER BY o, k) s;
SELECT count(*) FROM (
	SELECT rbac.create_resource(soak.org(o), 'project', 'p' || k, 'Project ' || k, NULL, 'workspace', 'w' || (k % 2))
	FROM generate_series(0, 9) o, generate_series(0, 5) k ORDER BY o, k) s;
SELECT count(*) FROM (
	SELECT rbac.create_resource(soak.org(o), 'folder', 'f' || k, 'Folder ' || k, NULL,
		CASE WHEN k < 8 THEN 'project' ELSE 'folder' END,
		CASE WHEN k < 8 THEN 'p' || (k % 6) ELSE 'f' || (k - 8) END)
	FROM generate_series(0, 9) o, generate_series(0, 11) k ORDER BY o, k) s;
SELECT count(*) AS resource_memberships FROM (
	SELECT rbac.create_organization_membership(soak.res_user(n), soak.org(n % 10),
		CASE WHEN n % 3 = 0 THEN ARRAY[soak.role(n % 10), 'res-reader'] ELSE ARRAY[soak.role(n % 10)] END)
	FROM generate_series(0, 29) n ORDER BY n) s;
SELECT count(*) AS role_assignments FROM (
	SELECT rbac.assign_role(soak.res_user(n), soak.org(n % 10), a.role, a.type, a.ext)
	FROM generate_series(0, 29) n
	CROSS JOIN LATERAL (VALUES ('ws-viewer', 'workspace', 'w' || (n % 2)),
							   ('proj-editor', 'project', 'p' || (n % 6)),
							   ('folder-reader', 'folder', 'f' || (n % 12))) a(role, type, ext)
	ORDER BY n, a.role) s;

-- The checks on a resource to warm this backend's cache with, as the
-- readers call them (no comparison: writers are running): every res_ user
-- on every resource of its organization, three permissions.
CREATE FUNCTION soak.warm_resources() RETURNS bigint
LANGUAGE sql AS $$
	SELECT count(rbac.user_has_permission(m.user_id, m.organization_id, a.slug,
										  x.resource_type_slug, x.external_id))
	FROM rbac.membership m
	JOIN rbac.resource x ON x.organization_id = m.organization_id
	CROSS JOIN (VALUES ('docs:read'), ('proj:read'), ('docs:write')) a(slug)
	WHERE m.user_id LIKE 'res\_%'
$$;

-- The checks on a resource (cached, C) against the oracle: every
-- membership of organizations 0..9 and a user of no membership, x every
-- asked permission x every resource of the organization and an unknown
-- external id of each type; user_has_permission and has_permission as the
-- member.  Into soak.round_result and soak.mismatch like soak.compare().
CREATE FUNCTION soak.compare_resources(round_no integer)
RETURNS TABLE (kind text, pairs bigint, mismatches bigint)
LANGUAGE plpgsql SET client_min_messages = warning AS $$
DECLARE
	mem record;
BEGIN
	CREATE TEMP TABLE IF NOT EXISTS res_ref (user_id text, org text, perm text, type text, ext text,
											 reference boolean);
	CREATE TEMP TABLE IF NOT EXISTS res_result (kind text, subject text, org text, perm text,
												cached text, reference text);
	TRUNCATE res_ref, res_result;
	INSERT INTO res_ref
	WITH subject AS (
		SELECT m.user_id::text AS user_id, m.organization_id::text AS org FROM rbac.membership m
		WHERE m.organization_id::text IN (SELECT soak.org(o) FROM generate_series(0, 9) o)
		UNION ALL SELECT 'res_nobody', soak.org(0)
	), target AS (
		SELECT x.organization_id::text AS org, x.resource_type_slug::text AS type, x.external_id::text AS ext
		FROM rbac.resource x
		UNION ALL
		SELECT soak.org(o), t.type, t.ext FROM generate_series(0, 9) o,
			(VALUES ('workspace', 'w9'), ('project', 'p9'), ('folder', 'f99')) t(type, ext)
	)
	SELECT s.user_id, s.org, a.slug, t.type, t.ext,
		   rbac_oracle.user_has_permission(s.user_id, s.org, a.slug, t.type, t.ext)
	FROM subject s JOIN target t ON t.org = s.org CROSS JOIN soak.res_asked a;

	INSERT INTO res_result
	SELECT 'user_has_permission(user, org, perm, type, external_id)', r.user_id, r.org,
		   r.perm || ' on ' || r.type || ' ' || r.ext,
		   rbac.user_has_permission(r.user_id, r.org, r.perm, r.type, r.ext)::text, r.reference::text
	FROM res_ref r;
	FOR mem IN SELECT DISTINCT r.user_id, r.org FROM res_ref r LOOP
		PERFORM set_config('rbac.user_id', mem.user_id, true),
				set_config('rbac.organization_id', mem.org, true);
		INSERT INTO res_result
		SELECT 'has_permission(perm, type, external_id) as the member', r.user_id, r.org,
			   r.perm || ' on ' || r.type || ' ' || r.ext,
			   rbac.has_permission(r.perm, r.type, r.ext)::text, r.reference::text
		FROM res_ref r WHERE r.user_id = mem.user_id AND r.org = mem.org;
	END LOOP;
	-- the organization from the row: a member named by rbac.user_id alone,
	-- every organization's rows in one statement, organizations interleaved
	FOR mem IN SELECT DISTINCT r.user_id FROM res_ref r LOOP
		PERFORM set_config('rbac.user_id', mem.user_id, true),
				set_config('rbac.organization_id', '', true);
		INSERT INTO res_result
		SELECT 'has_permission(perm, org, type, external_id) as the member', x.user_id, x.org,
			   x.perm || ' on ' || x.type || ' ' || x.ext,
			   rbac.has_permission(x.perm, x.org, x.type, x.ext)::text, x.reference::text
		FROM (SELECT r.* FROM res_ref r WHERE r.user_id = mem.user_id
			  ORDER BY r.perm, r.type, r.ext, r.org OFFSET 0) x;
	END LOOP;
	PERFORM set_config('rbac.user_id', '', true), set_config('rbac.organization_id', '', true);
	-- what a member may do on each resource (C, through the cache): the
	-- permissions of the resource's type on which the oracle says yes
	INSERT INTO res_result
	SELECT 'effective_permissions(user, org, type, external_id)', g.user_id, g.org,
		   g.type || ' ' || g.ext,
		   array_to_string(ARRAY(SELECT x FROM rbac.effective_permissions(g.user_id, g.org, g.type, g.ext) x
								 ORDER BY x COLLATE "C"), ','),
		   array_to_string(ARRAY(SELECT p.slug::text FROM rbac.permission p
								 WHERE p.resource_type_slug::text = g.type
								   AND rbac_oracle.user_has_permission(g.user_id, g.org, p.slug::text, g.type, g.ext)
								 ORDER BY p.slug::text COLLATE "C"), ',')
	FROM (SELECT DISTINCT r.user_id, r.org, r.type, r.ext FROM res_ref r) g;
	-- discovery (C, its own walk down the tree) against the same reference:
	-- per member, permission and type, the resources the rule grants
	INSERT INTO res_result
	SELECT 'resources_with_permission(user, org, perm, type)', g.user_id, g.org,
		   g.perm || ' on ' || g.type || 's',
		   array_to_string(ARRAY(SELECT x FROM rbac.resources_with_permission(g.user_id, g.org, g.perm, g.type) x
								 ORDER BY x COLLATE "C"), ','),
		   array_to_string(ARRAY(SELECT r.ext FROM res_ref r
								 WHERE r.user_id = g.user_id AND r.org = g.org AND r.perm = g.perm
								   AND r.type = g.type AND r.reference
								   AND EXISTS (SELECT 1 FROM rbac.resource x
											   WHERE x.organization_id::text = r.org
												 AND x.resource_type_slug::text = r.type
												 AND x.external_id::text = r.ext)
								 ORDER BY r.ext COLLATE "C"), ',')
	FROM (SELECT DISTINCT r.user_id, r.org, r.perm, r.type FROM res_ref r) g;

	INSERT INTO soak.mismatch
	SELECT round_no, r.kind, r.subject, r.org, r.perm, r.cached, r.reference
	FROM res_result r WHERE r.cached IS DISTINCT FROM r.reference;
	RETURN QUERY
	INSERT INTO soak.round_result (round, kind, pairs, mismatches)
	SELECT round_no, r.kind, count(*), count(*) FILTER (WHERE r.cached IS DISTINCT FROM r.reference)
	FROM res_result r GROUP BY r.kind
	RETURNING round_result.kind, round_result.pairs, round_result.mismatches;
END
$$;
