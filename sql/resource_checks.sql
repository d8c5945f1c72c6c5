--
-- resource_checks: the per-row checks on a resource (SPEC 7), in C through
-- the cache -- rbac.user_has_permission(user, organization, permission,
-- type, external id) and rbac.has_permission(permission, type, external
-- id) -- compared with the rule written a second time in SQL
-- (test/resources_oracle.sql), on a catalog of its own: every member x
-- permission asked (wildcards and undefined slugs included) x resource,
-- after every kind of change; NULLs, hostile input, the principals.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
DROP SCHEMA IF EXISTS rbac_oracle CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;
\i test/resources_oracle.sql

-- the catalog: workspace > project > folder (> folder ...), two organizations
SELECT count(*) AS types FROM (
	SELECT rbac.create_resource_type('workspace', 'Workspace')
	UNION ALL SELECT rbac.create_resource_type('project', 'Project', NULL, '{workspace}')
	UNION ALL SELECT rbac.create_resource_type('folder', 'Folder', NULL, '{project,folder}')
) x;
SELECT count(*) AS permissions FROM (
	SELECT rbac.create_permission('org:manage', 'Manage the organization')
	UNION ALL SELECT rbac.create_permission('ws:read', 'Read workspaces', NULL, 'workspace')
	UNION ALL SELECT rbac.create_permission('proj:read', 'Read projects', NULL, 'project')
	UNION ALL SELECT rbac.create_permission('proj:*', 'Everything on projects', NULL, 'project')
	UNION ALL SELECT rbac.create_permission('doc:read', 'Read documents', NULL, 'folder')
	UNION ALL SELECT rbac.create_permission('doc:write', 'Write documents', NULL, 'folder')
	UNION ALL SELECT rbac.create_permission('doc:*', 'Everything on documents', NULL, 'folder')
	UNION ALL SELECT rbac.create_permission('*', 'Everything, on workspaces', NULL, 'workspace')
) x;
SELECT count(*) AS roles FROM (
	SELECT rbac.create_role('member', 'Member')
	UNION ALL SELECT rbac.create_role('staff', 'Staff')
	UNION ALL SELECT rbac.create_role('ws-admin', 'Workspace admin', NULL, 'workspace')
	UNION ALL SELECT rbac.create_role('ws-owner', 'Workspace owner', NULL, 'workspace')
	UNION ALL SELECT rbac.create_role('proj-lead', 'Project lead', NULL, 'project')
	UNION ALL SELECT rbac.create_role('reader', 'Reader', NULL, 'folder')
	UNION ALL SELECT rbac.create_organization_role('org_a', 'org-folder-admin', 'Folder admin', NULL, 'folder')
) x;
SELECT count(*) AS granted FROM (
	SELECT rbac.set_role_permissions('member', '{org:manage}')
	UNION ALL SELECT rbac.set_role_permissions('staff', '{proj:read}')
	UNION ALL SELECT rbac.set_role_permissions('ws-admin', '{ws:read,proj:*,doc:*}')
	UNION ALL SELECT rbac.set_role_permissions('ws-owner', '{*}')
	UNION ALL SELECT rbac.set_role_permissions('proj-lead', '{proj:read,doc:write}')
	UNION ALL SELECT rbac.set_role_permissions('reader', '{doc:read}')
	UNION ALL SELECT rbac.set_organization_role_permissions('org_a', 'org-folder-admin', '{doc:*}')
) x;
SELECT count(*) AS members FROM (
	SELECT rbac.create_organization_membership('alice', 'org_a', '{member}')
	UNION ALL SELECT rbac.create_organization_membership('bob', 'org_a', '{member}')
	UNION ALL SELECT rbac.create_organization_membership('carol', 'org_a', '{member}')
	UNION ALL SELECT rbac.create_organization_membership('dave', 'org_a', '{staff}')
	UNION ALL SELECT rbac.create_organization_membership('alice', 'org_b', '{member}')
	UNION ALL SELECT rbac.create_organization_membership('erin', 'org_b', '{staff}')
) x;
SELECT count(*) AS resources FROM (
	SELECT rbac.create_resource('org_a', 'workspace', 'ws1', 'Workspace 1')
	UNION ALL SELECT rbac.create_resource('org_a', 'workspace', 'ws2', 'Workspace 2')
	UNION ALL SELECT rbac.create_resource('org_b', 'workspace', 'ws1', 'Workspace 1 of org_b')
) x;
SELECT count(*) AS resources FROM (
	SELECT rbac.create_resource('org_a', 'project', 'p1', 'Project 1', NULL, 'workspace', 'ws1')
	UNION ALL SELECT rbac.create_resource('org_a', 'project', 'p2', 'Project 2', NULL, 'workspace', 'ws1')
	UNION ALL SELECT rbac.create_resource('org_a', 'project', 'p3', 'Project 3', NULL, 'workspace', 'ws2')
	UNION ALL SELECT rbac.create_resource('org_b', 'project', 'p1', 'Project 1 of org_b', NULL, 'workspace', 'ws1')
) x;
SELECT count(*) AS resources FROM (
	SELECT rbac.create_resource('org_a', 'folder', 'f1', 'Folder 1', NULL, 'project', 'p1')
	UNION ALL SELECT rbac.create_resource('org_a', 'folder', 'f3', 'Folder 3', NULL, 'project', 'p3')
	UNION ALL SELECT rbac.create_resource('org_b', 'folder', 'f1', 'Folder 1 of org_b', NULL, 'project', 'p1')
) x;
SELECT count(*) AS resources FROM (
	SELECT rbac.create_resource('org_a', 'folder', 'f2', 'Folder 2', NULL, 'folder', 'f1')
) x;
SELECT count(*) AS assigned FROM (
	SELECT rbac.assign_role('bob', 'org_a', 'ws-admin', 'workspace', 'ws1')
	UNION ALL SELECT rbac.assign_role('carol', 'org_a', 'proj-lead', 'project', 'p1')
	UNION ALL SELECT rbac.assign_role('carol', 'org_a', 'reader', 'folder', 'f3')
	UNION ALL SELECT rbac.assign_role('dave', 'org_a', 'org-folder-admin', 'folder', 'f2')
	UNION ALL SELECT rbac.assign_role('alice', 'org_b', 'ws-owner', 'workspace', 'ws1')
) x;

-- the cases: every user x slug asked x resource (and resources no one registered)
CREATE TEMP TABLE users AS SELECT unnest(ARRAY['alice', 'bob', 'carol', 'dave', 'erin', 'nobody']) AS user_id;
CREATE TEMP TABLE asked AS
SELECT slug::text AS slug FROM rbac.permission
UNION SELECT unnest(ARRAY['doc:read:own', 'doc', 'ws:write', 'proj:*:x', 'nope', 'Doc:Read', 'doc:re*']);
CREATE TEMP TABLE places AS
SELECT organization_id::text AS org, resource_type_slug::text AS type, external_id::text AS ext FROM rbac.resource
UNION ALL VALUES ('org_a', 'folder', 'f9'), ('org_a', 'project', 'f1'), ('org_c', 'workspace', 'ws1');
CREATE TEMP TABLE cases AS
SELECT u.user_id, a.slug, p.org, p.type, p.ext FROM users u, asked a, places p;

-- the comparison, as a function so that it runs again after each change:
-- the C check per row (all arguments from the row), with constants but the
-- external id (the call site's answers per external id), with the user from
-- the row and the organization changing from row to row (answers per
-- organization and external id: f1 is in org_a and in org_b), and the oracle
CREATE FUNCTION pg_temp.mismatches(OUT cases bigint, OUT granted bigint, OUT per_row bigint,
								   OUT per_external_id bigint, OUT per_organization bigint)
LANGUAGE sql AS $$
	WITH t AS (
		SELECT c.*, rbac_oracle.user_has_permission(c.user_id, c.org, c.slug, c.type, c.ext) AS truth,
			   rbac.user_has_permission(c.user_id, c.org, c.slug, c.type, c.ext) AS c_check
		FROM cases c
	)
	SELECT count(*), count(*) FILTER (WHERE truth),
		   count(*) FILTER (WHERE c_check IS DISTINCT FROM truth),
		   (SELECT count(*) FROM places p
			WHERE rbac.user_has_permission('carol', 'org_a', 'doc:write', 'folder', p.ext)
				  IS DISTINCT FROM rbac_oracle.user_has_permission('carol', 'org_a', 'doc:write', 'folder', p.ext)),
		   (SELECT count(*)
			FROM (SELECT u.user_id, k.slug, o.org, e.ext
				  FROM users u, unnest(ARRAY['doc:read', 'doc:write']) k(slug), generate_series(1, 3) r,
					   unnest(ARRAY['org_a', 'org_b', 'org_c']) o(org),
					   unnest(ARRAY['f1', 'f2', 'f3', 'f9', 'p1']) e(ext)
				  ORDER BY u.user_id, k.slug, r, e.ext, o.org OFFSET 0) x	-- checked in this order
			WHERE rbac.user_has_permission(x.user_id, x.org, x.slug, 'folder', x.ext)
				  IS DISTINCT FROM rbac_oracle.user_has_permission(x.user_id, x.org, x.slug, 'folder', x.ext))
	FROM t
$$;
SELECT * FROM pg_temp.mismatches();

-- readable: who may do what where
SELECT c.org, c.type, c.ext, c.user_id,
	   string_agg(c.slug, ' ' ORDER BY c.slug COLLATE "C") AS permissions
FROM cases c
WHERE rbac.user_has_permission(c.user_id, c.org, c.slug, c.type, c.ext)
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;

-- the same rows over and over (the memo keeps answers per external id)
SELECT count(*) AS rows, count(*) FILTER (WHERE rbac.user_has_permission('carol', 'org_a', 'doc:write', 'folder', e)) AS granted
FROM (SELECT unnest(ARRAY['f1', 'f2', 'f3', 'f9']) AS e FROM generate_series(1, 250)) x;

-- NULL in any position: NULL
SELECT rbac.user_has_permission(NULL, 'org_a', 'doc:read', 'folder', 'f1') AS n1,
	   rbac.user_has_permission('carol', NULL, 'doc:read', 'folder', 'f1') AS n2,
	   rbac.user_has_permission('carol', 'org_a', NULL, 'folder', 'f1') AS n3,
	   rbac.user_has_permission('carol', 'org_a', 'doc:read', NULL, 'f1') AS n4,
	   rbac.user_has_permission('carol', 'org_a', 'doc:read', 'folder', NULL) AS n5,
	   rbac.has_permission(NULL, 'folder', 'f1') AS n6,
	   rbac.has_permission('doc:read', NULL, 'f1') AS n7,
	   rbac.has_permission('doc:read', 'folder', NULL) AS n8;

-- hostile input: false, never an error
SELECT n, rbac.user_has_permission(u, o, p, t, e) AS granted FROM (VALUES
	(0, 'carol', 'org_a', 'doc:write', 'folder', 'f2'),	-- the control: true
	(1, '', 'org_a', 'doc:write', 'folder', 'f2'),
	(2, 'carol', '', 'doc:write', 'folder', 'f2'),
	(3, 'carol', 'org_a', '', 'folder', 'f2'),
	(4, 'carol', 'org_a', 'doc:write', '', 'f2'),
	(5, 'carol', 'org_a', 'doc:write', 'folder', ''),
	(6, repeat('u', 100000), 'org_a', 'doc:write', 'folder', 'f2'),
	(7, 'carol', repeat('o', 100000), 'doc:write', 'folder', 'f2'),
	(8, 'carol', 'org_a', repeat('p', 100000), 'folder', 'f2'),
	(9, 'carol', 'org_a', 'doc:write', repeat('t', 100000), 'f2'),
	(10, 'carol', 'org_a', 'doc:write', 'folder', repeat('e', 65)),
	(11, 'carol', 'org_a', 'doc:write', 'folder', repeat('e', 100000)),
	(12, 'carol', 'org_a', 'doc:write', 'Folder', 'f2'),
	(13, 'carol', 'org_a', 'Doc:Write', 'folder', 'f2'),
	(14, 'carol', 'org_a', 'doc:write', 'folder', E'f2\n'),
	(15, 'carol', 'org_a', 'doc:write', 'folder', 'fé'),
	(16, 'carol', 'org_a', 'doc:write', 'folder:x', 'f2'),
	(17, 'carol', 'org_a', 'doc:write', 'organization', 'f2'),
	(18, 'carol', 'org_b', 'doc:write', 'folder', 'f1'),
	(19, 'carol', 'org_a', 'doc:write', 'folder', 'f2 '),
	(20, 'carol', 'org_a', 'doc:write', 'folder', 'F2'),
	(21, 'carol', 'org_a', 'doc:*', 'folder', 'f2'),
	(22, 'carol', 'org_a', '*', 'folder', 'f2'),
	(23, 'carol', 'org_a', 'doc:write', 'project', 'p1')
) v(n, u, o, p, t, e) ORDER BY n;
SELECT rbac.has_permission(repeat('p', 100000), 'folder', 'f1') AS long_perm,
	   rbac.has_permission('doc:read', repeat('t', 100000), 'f1') AS long_type,
	   rbac.has_permission('doc:read', 'folder', repeat('e', 100000)) AS long_ext;

-- has_permission for a member principal: the same rule, in the principal's
-- organization; without one, false
CREATE TEMP TABLE by_principal (user_id text, org text, slug text, type text, ext text, granted boolean);
DO $$
DECLARE
	u text;
	o text;
BEGIN
	FOR u, o IN SELECT DISTINCT c.user_id, c.org FROM cases c ORDER BY 1, 2 LOOP
		PERFORM set_config('rbac.user_id', u, false);
		PERFORM set_config('rbac.organization_id', o, false);
		INSERT INTO by_principal
		SELECT c.user_id, c.org, c.slug, c.type, c.ext, rbac.has_permission(c.slug, c.type, c.ext)
		FROM cases c WHERE c.user_id = u AND c.org = o;
	END LOOP;
END
$$;
RESET rbac.user_id;
RESET rbac.organization_id;
SELECT count(*) AS cases, count(*) FILTER (WHERE granted) AS granted,
	   count(*) FILTER (WHERE granted IS DISTINCT FROM
						rbac_oracle.user_has_permission(user_id, org, slug, type, ext)) AS mismatches
FROM by_principal;
SET rbac.user_id = 'carol';
SELECT rbac.has_permission('doc:write', 'folder', 'f2') AS no_organization;
SET rbac.organization_id = 'org_a';
SELECT rbac.has_permission('doc:write', 'folder', 'f2') AS carol_in_org_a,
	   rbac.has_permission('doc:write', 'folder', 'f3') AS carol_f3,
	   rbac.has_permission('doc:read', 'folder', 'f3') AS carol_reads_f3;
SET rbac.organization_id = 'org_b';
SELECT rbac.has_permission('doc:write', 'folder', 'f1') AS carol_in_org_b;
SET rbac.organization_id = '';
SELECT rbac.has_permission('doc:write', 'folder', 'f2') AS empty_organization;
RESET rbac.user_id;
RESET rbac.organization_id;

-- has_permission for roles: bound to an organization, they count as
-- assigned on its root; the slugs name roles as in every check (org- =
-- the organization's role); without an organization: false
SET rbac.role = 'ws-admin';
SELECT rbac.has_permission('doc:write', 'folder', 'f1') AS no_organization;
SET rbac.organization_id = 'org_a';
SELECT rbac.has_permission('doc:write', 'folder', 'f1') AS ws_admin_f1,
	   rbac.has_permission('doc:write', 'folder', 'f3') AS ws_admin_f3,
	   rbac.has_permission('proj:read', 'project', 'p3') AS ws_admin_p3,
	   rbac.has_permission('ws:read', 'workspace', 'ws2') AS ws_admin_ws2,
	   rbac.has_permission('doc:write', 'folder', 'f9') AS unknown_folder,
	   rbac.has_permission('doc:write', 'project', 'p1') AS doc_perm_on_project;
SET rbac.role = 'reader, org-folder-admin';
SELECT rbac.has_permission('doc:write', 'folder', 'f3') AS folder_admin_f3,
	   rbac.has_permission('doc:read', 'folder', 'f1') AS reader_f1,
	   rbac.has_permission('proj:read', 'project', 'p1') AS no_project_grant;
SET rbac.organization_id = 'org_b';
SELECT rbac.has_permission('doc:write', 'folder', 'f1') AS folder_admin_of_org_a_in_org_b,
	   rbac.has_permission('doc:read', 'folder', 'f1') AS reader_in_org_b;
SET rbac.role = 'ws-owner';
SELECT rbac.has_permission('ws:read', 'workspace', 'ws1') AS star_on_workspace,
	   rbac.has_permission('anything:at:all', 'workspace', 'ws1') AS star_undefined,
	   rbac.has_permission('proj:read', 'project', 'p1') AS star_not_on_project;
SET rbac.role = 'nothing,Bad Slug,';
SELECT rbac.has_permission('doc:read', 'folder', 'f1') AS unknown_roles;
RESET rbac.role;
RESET rbac.organization_id;
SELECT rbac.has_permission('doc:read', 'folder', 'f1') AS no_principal;
-- has_permission(permission, organization_id, type, external_id): the
-- organization from the row, for a table shared by organizations.  A
-- member named by rbac.user_id alone: its membership in each organization
-- asked about, every case against the oracle, the rows of one user in the
-- order the organizations interleave; a member bound to an organization:
-- that one only (another, or an empty id: false); roles: as assigned on
-- the root of the organization asked about
CREATE TEMP TABLE by_org (user_id text, org text, slug text, type text, ext text, granted boolean);
DO $$
DECLARE
	u text;
BEGIN
	FOR u IN SELECT DISTINCT c.user_id FROM cases c ORDER BY 1 LOOP
		PERFORM set_config('rbac.user_id', u, false);
		INSERT INTO by_org
		SELECT x.user_id, x.org, x.slug, x.type, x.ext, rbac.has_permission(x.slug, x.org, x.type, x.ext)
		FROM (SELECT c.* FROM cases c WHERE c.user_id = u
			  ORDER BY c.slug, c.type, c.ext, c.org OFFSET 0) x;
	END LOOP;
END
$$;
RESET rbac.user_id;
SELECT count(*) AS cases, count(*) FILTER (WHERE granted) AS granted,
	   count(*) FILTER (WHERE granted IS DISTINCT FROM
						rbac_oracle.user_has_permission(user_id, org, slug, type, ext)) AS mismatches
FROM by_org;
SET rbac.user_id = 'alice';
SELECT rbac.has_permission('ws:read', 'org_b', 'workspace', 'ws1') AS alice_org_b,
	   rbac.has_permission('ws:read', 'org_a', 'workspace', 'ws1') AS alice_org_a;
SET rbac.organization_id = 'org_a';
SELECT rbac.has_permission('ws:read', 'org_b', 'workspace', 'ws1') AS bound_to_org_a,
	   rbac.has_permission('ws:read', '', 'workspace', 'ws1') AS empty_organization,
	   rbac.has_permission('ws:read', NULL, 'workspace', 'ws1') AS null_organization,
	   rbac.has_permission('ws:read', repeat('o', 100000), 'workspace', 'ws1') AS long_organization,
	   rbac.has_permission('ws:read', 'org_a', 'workspace', repeat('e', 100000)) AS long_ext;
RESET rbac.user_id;
SET rbac.role = 'ws-admin';
SELECT rbac.has_permission('doc:write', 'org_a', 'folder', 'f1') AS role_bound_org_a_f1,
	   rbac.has_permission('doc:write', 'org_b', 'folder', 'f1') AS role_bound_org_a_in_org_b;
RESET rbac.organization_id;
SELECT rbac.has_permission('doc:write', 'org_a', 'folder', 'f1') AS role_in_org_a_f1,
	   rbac.has_permission('doc:write', 'org_b', 'folder', 'f1') AS role_in_org_b_f1,
	   rbac.has_permission('doc:write', 'org_c', 'folder', 'f1') AS role_unknown_org;
RESET rbac.role;
SELECT rbac.has_permission('doc:read', 'org_a', 'folder', 'f1') AS no_principal_org_form;
-- trusted JWT claims: a member by the user claim, in the claimed organization;
-- roles by the role claims, bound to it; without an organization claim: false
SET rbac.jwt_claims = 'trusted';
SET rbac.jwt_user_claim = 'sub';
SET request.jwt.claims = '{"sub": "carol", "org_id": "org_a"}';
SELECT rbac.has_permission('doc:write', 'folder', 'f2') AS jwt_member_f2,
	   rbac.has_permission('doc:write', 'folder', 'f3') AS jwt_member_f3;
SET request.jwt.claims = '{"sub": "carol"}';
SELECT rbac.has_permission('doc:write', 'folder', 'f2') AS jwt_member_no_org;
RESET rbac.jwt_user_claim;
SET request.jwt.claims = '{"role": "ws-admin", "org_id": "org_a"}';
SELECT rbac.has_permission('doc:write', 'folder', 'f3') AS jwt_role_f3;
SET request.jwt.claims = '{"role": "ws-admin"}';
SELECT rbac.has_permission('doc:write', 'folder', 'f3') AS jwt_role_no_org;
RESET request.jwt.claims;
RESET rbac.jwt_claims;

-- every kind of change, seen at once by the session that makes it and
-- compared again with the oracle
-- a move: f2 from f1 (under p1, carol's) to f3 (under p3)
SELECT external_id FROM rbac.update_resource('org_a', 'folder', 'f2', parent_type_slug => 'folder', parent_external_id => 'f3');
SELECT rbac.user_has_permission('carol', 'org_a', 'doc:write', 'folder', 'f2') AS carol_writes_moved_f2,
	   rbac.user_has_permission('carol', 'org_a', 'doc:read', 'folder', 'f2') AS carol_reads_moved_f2;
SELECT * FROM pg_temp.mismatches();
-- a move of an ancestor: p3 (holding f3 > f2) to ws1, bob's
SELECT rbac.user_has_permission('bob', 'org_a', 'doc:read', 'folder', 'f2') AS bob_before;
SELECT external_id FROM rbac.update_resource('org_a', 'project', 'p3', parent_type_slug => 'workspace', parent_external_id => 'ws1');
SELECT rbac.user_has_permission('bob', 'org_a', 'doc:read', 'folder', 'f2') AS bob_after;
SELECT * FROM pg_temp.mismatches();
-- an assignment and its removal
SELECT (rbac.assign_role('dave', 'org_a', 'reader', 'folder', 'f1')).id IS NOT NULL AS assigned;
SELECT rbac.user_has_permission('dave', 'org_a', 'doc:read', 'folder', 'f1') AS dave_reads_f1;
SELECT * FROM pg_temp.mismatches();
SELECT rbac.remove_role_assignment('dave', 'org_a', 'reader', 'folder', 'f1');
SELECT rbac.user_has_permission('dave', 'org_a', 'doc:read', 'folder', 'f1') AS dave_reads_f1;
-- a grant to an assigned role
SELECT slug FROM rbac.add_role_permission('reader', 'doc:write');
SELECT rbac.user_has_permission('carol', 'org_a', 'doc:write', 'folder', 'f3') AS carol_writes_f3;
SELECT * FROM pg_temp.mismatches();
-- a membership's own roles
SELECT user_id FROM rbac.update_organization_membership('dave', 'org_a', '{ws-owner}');
SELECT rbac.user_has_permission('dave', 'org_a', 'ws:read', 'workspace', 'ws2') AS dave_ws2;
SELECT * FROM pg_temp.mismatches();
-- a resource created after a check that did not find it, and deleted
SELECT rbac.user_has_permission('bob', 'org_a', 'doc:read', 'folder', 'f9') AS before_f9;
SELECT external_id FROM rbac.create_resource('org_a', 'folder', 'f9', 'Folder 9', NULL, 'project', 'p2');
SELECT rbac.user_has_permission('bob', 'org_a', 'doc:read', 'folder', 'f9') AS after_f9;
SELECT * FROM pg_temp.mismatches();
SELECT rbac.delete_resource('org_a', 'folder', 'f9');
SELECT rbac.user_has_permission('bob', 'org_a', 'doc:read', 'folder', 'f9') AS deleted_f9;
-- a permission deleted: its grants go (the wildcard one's type is read again)
SELECT rbac.user_has_permission('bob', 'org_a', 'doc:read', 'folder', 'f1') AS bob_doc_star;
SELECT rbac.delete_permission('doc:*');
SELECT rbac.user_has_permission('bob', 'org_a', 'doc:read', 'folder', 'f1') AS bob_without_doc_star;
SELECT * FROM pg_temp.mismatches();
-- a rolled-back change: as before
BEGIN;
SELECT (rbac.assign_role('erin', 'org_b', 'reader', 'folder', 'f1')).id IS NOT NULL AS assigned;
SELECT rbac.user_has_permission('erin', 'org_b', 'doc:read', 'folder', 'f1') AS erin_inside;
ROLLBACK;
SELECT rbac.user_has_permission('erin', 'org_b', 'doc:read', 'folder', 'f1') AS erin_after_rollback;
-- direct DML: the same
UPDATE rbac.resource SET parent_resource_id = (SELECT id FROM rbac.resource WHERE organization_id = 'org_a' AND external_id = 'p1')
WHERE organization_id = 'org_a' AND external_id = 'f3';
SELECT * FROM pg_temp.mismatches();
-- TRUNCATE empties the caches
BEGIN;
TRUNCATE rbac.role_assignment;
SELECT * FROM pg_temp.mismatches();
ROLLBACK;
SELECT * FROM pg_temp.mismatches();

-- a chain longer than 64 resources counts as unknown: false (depth: the
-- resources of the chain, d<n> > ... > d1 > p1 > ws1, the folder's own included)
DO $$
BEGIN
	PERFORM rbac.create_resource('org_a', 'folder', 'd1', 'Deep 1', NULL, 'project', 'p1');
	FOR i IN 2..70 LOOP
		PERFORM rbac.create_resource('org_a', 'folder', 'd' || i, 'Deep ' || i, NULL, 'folder', 'd' || (i - 1));
	END LOOP;
END
$$;
SELECT d AS depth, rbac.user_has_permission('carol', 'org_a', 'doc:write', 'folder', 'd' || (d - 2)) AS c_check,
	   rbac_oracle.user_has_permission('carol', 'org_a', 'doc:write', 'folder', 'd' || (d - 2)) AS oracle
FROM unnest(ARRAY[10, 63, 64, 65, 72]) d ORDER BY d;

-- markings, comments, privileges
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proisstrict AS strict,
	   p.proparallel AS parallel, p.prosecdef AS security_definer,
	   (SELECT l.lanname FROM pg_language l WHERE l.oid = p.prolang) AS language,
	   obj_description(p.oid, 'pg_proc') IS NOT NULL AS documented,
	   has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p
WHERE p.oid IN ('rbac.user_has_permission(text,text,text,text,text)'::regprocedure,
				'rbac.has_permission(text,text,text)'::regprocedure,
				'rbac.has_permission(text,text,text,text)'::regprocedure)
ORDER BY 1::text;

SET client_min_messages = warning;
DROP SCHEMA rbac_oracle CASCADE;
RESET client_min_messages;
