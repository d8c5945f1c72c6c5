-- The soak's invariants (test/soak/run.sh), loaded once after setup.sql:
--   soak.ref_match(grant, asked)  SPEC 3's wildcard rule, written here in
--                                 plain SQL/PL/pgSQL, independent of the C code
--   soak.structure()              catalog invariants, one row each (0 = holds)
--   soak.compare(round)           every cached check against a fresh SQL
--                                 answer built on soak.ref_match
--   soak.warm()                   calls the checks (fills the cache)
-- check.sql runs them at the end in the backend that ran soak.warm() and
-- soak.compare() all through the run.
\set ON_ERROR_STOP 1

-- Does a granted permission slug cover the slug asked about?  A slug is
-- segments separated by ":" or "."; a granted segment "*" matches any one
-- non-empty segment, separators must match literally, a last granted
-- segment "*" also matches any number of further segments, the grant "*"
-- alone covers every slug, "*" inside a longer segment is literal, and a
-- malformed slug asked about is covered by nothing.
CREATE FUNCTION soak.ref_match(granted text, asked text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
	gseg text[];
	aseg text[];
	gsep text[];
	asep text[];
	n integer;
BEGIN
	IF asked !~ '^[a-z0-9_:.*-]{1,128}$' THEN
		RETURN false;
	END IF;
	IF granted = '*' OR granted = asked THEN
		RETURN true;
	END IF;
	gseg := regexp_split_to_array(granted, '[:.]');
	aseg := regexp_split_to_array(asked, '[:.]');
	gsep := ARRAY(SELECT m[1] FROM regexp_matches(granted, '([:.])', 'g') m);
	asep := ARRAY(SELECT m[1] FROM regexp_matches(asked, '([:.])', 'g') m);
	n := cardinality(gseg);
	IF gseg[n] = '*' THEN
		IF cardinality(aseg) < n THEN
			RETURN false;
		END IF;
	ELSIF cardinality(aseg) <> n THEN
		RETURN false;
	END IF;
	FOR i IN 1 .. n LOOP
		IF gseg[i] = '*' THEN
			IF aseg[i] = '' THEN
				RETURN false;
			END IF;
		ELSIF gseg[i] <> aseg[i] THEN
			RETURN false;
		END IF;
		IF i < n AND gsep[i] <> asep[i] THEN
			RETURN false;
		END IF;
	END LOOP;
	RETURN true;
END
$$;

-- The reference matcher's own test: examples straight from SPEC 3
DO $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT * FROM (VALUES
		('documents:read', 'documents:read', true), ('documents:read', 'documents:write', false),
		('documents:*', 'documents:read', true), ('documents:*', 'documents:read:own', true),
		('documents:*', 'documents', false), ('*', 'anything:at.all', true),
		('doc*', 'docs', false), ('doc*', 'doc*', true), ('documents:read', 'documents:*', false),
		('documents:*', 'documents:*', true), ('projects:*:own', 'projects:x:own', true),
		('projects:*:own', 'projects:x:all', false), ('projects:*:own', 'projects::own', false),
		('projects:*:own', 'projects:x:own:more', false), ('reports.*', 'reports:view', false),
		('reports.*', 'reports.view.daily', true), ('a:b', 'a.b', false),
		('*', 'Documents:Read', false), ('*', '', false)) v(g, a, want)
	LOOP
		IF soak.ref_match(c.g, c.a) IS DISTINCT FROM c.want THEN
			RAISE EXCEPTION 'reference matcher: % covers % should be %', c.g, c.a, c.want;
		END IF;
	END LOOP;
END
$$;

CREATE TABLE soak.mismatch (round integer, kind text, subject text, org text, perm text,
							cached text, reference text);
CREATE TABLE soak.round_result (round integer, kind text, pairs bigint, mismatches bigint,
								at timestamptz DEFAULT clock_timestamp());

-- Catalog invariants (SPEC 1, 4, 5): each row's violations must be 0
CREATE FUNCTION soak.structure() RETURNS TABLE (invariant text, violations bigint)
LANGUAGE sql AS $$
	WITH lists AS (
		SELECT l.organization_id AS org, l.priority, l.id
		FROM rbac.roles_by_priority l
		UNION ALL
		-- every organization asked about, with or without a list of its own
		SELECT o.id, p.priority, p.role_id
		FROM soak.org o CROSS JOIN LATERAL rbac.priority_list(o.id) p
	), per_list AS (
		SELECT org, count(*) AS n, min(priority) AS lo, max(priority) AS hi,
			   count(DISTINCT priority) AS distinct_priorities, count(DISTINCT id) AS roles
		FROM (SELECT DISTINCT org, priority, id FROM lists) l
		GROUP BY org
	)
	SELECT 'duplicate permission slugs', count(*)
	FROM (SELECT slug FROM rbac.permission GROUP BY slug HAVING count(*) > 1) d
	UNION ALL
	SELECT 'duplicate environment role slugs', count(*)
	FROM (SELECT slug FROM rbac.role WHERE organization_id IS NULL GROUP BY slug HAVING count(*) > 1) d
	UNION ALL
	SELECT 'duplicate role slugs within an organization', count(*)
	FROM (SELECT organization_id, slug FROM rbac.role WHERE organization_id IS NOT NULL
		  GROUP BY 1, 2 HAVING count(*) > 1) d
	UNION ALL
	SELECT 'role slugs against the org- rule', count(*)
	FROM rbac.role r WHERE (r.organization_id IS NULL) = (left(r.slug, 4) = 'org-')
	UNION ALL
	SELECT 'priority lists not dense 1..n (missing or duplicate priorities)', count(*)
	FROM per_list WHERE lo <> 1 OR hi <> n OR distinct_priorities <> n
	UNION ALL
	SELECT 'priority lists without exactly the environment and own roles', count(*)
	FROM per_list p
	WHERE p.roles <> p.n
	   OR p.n <> (SELECT count(*) FROM rbac.role r
				  WHERE r.organization_id IS NULL OR r.organization_id = p.org)
	UNION ALL
	SELECT 'grants of a missing role', count(*)
	FROM rbac.role_permission g WHERE NOT EXISTS (SELECT 1 FROM rbac.role r WHERE r.id = g.role_id)
	UNION ALL
	SELECT 'grants of a missing permission', count(*)
	FROM rbac.role_permission g
	WHERE NOT EXISTS (SELECT 1 FROM rbac.permission p WHERE p.slug = g.permission_slug)
	UNION ALL
	SELECT 'places (role_order) outside their list', count(*)
	FROM rbac.role_order o LEFT JOIN rbac.role r ON r.id = o.role_id
	WHERE r.id IS NULL OR (r.organization_id IS NOT NULL AND r.organization_id IS DISTINCT FROM o.organization_id)
	UNION ALL
	SELECT 'default roles outside their list', count(*)
	FROM rbac.default_role d LEFT JOIN rbac.role r ON r.id = d.role_id
	WHERE r.id IS NULL OR (r.organization_id IS NOT NULL AND r.organization_id IS DISTINCT FROM d.organization_id)
	UNION ALL
	SELECT 'memberships with no role', count(*)
	FROM rbac.membership m
	WHERE NOT EXISTS (SELECT 1 FROM rbac.membership_role mr WHERE mr.membership_id = m.id)
	UNION ALL
	SELECT 'membership roles missing or outside the organization''s list', count(*)
	FROM rbac.membership_role mr
	LEFT JOIN rbac.membership m ON m.id = mr.membership_id
	LEFT JOIN rbac.role r ON r.id = mr.role_id
	WHERE m.id IS NULL OR r.id IS NULL
	   OR (r.organization_id IS NOT NULL AND r.organization_id <> m.organization_id)
	UNION ALL
	SELECT 'duplicate memberships of a user in an organization', count(*)
	FROM (SELECT user_id, organization_id FROM rbac.membership GROUP BY 1, 2 HAVING count(*) > 1) d
$$;

-- Every cached check against the reference, over every subject and every
-- slug in soak.asked.  Mismatches go to soak.mismatch, counts to
-- soak.round_result and the result.
CREATE FUNCTION soak.compare(round_no integer)
RETURNS TABLE (kind text, pairs bigint, mismatches bigint)
LANGUAGE plpgsql SET client_min_messages = warning AS $$
DECLARE
	mem record;
BEGIN
	CREATE TEMP TABLE IF NOT EXISTS ref_match (g text, a text, PRIMARY KEY (g, a));
	CREATE TEMP TABLE IF NOT EXISTS ref_role (role_id text, a text, PRIMARY KEY (role_id, a));
	CREATE TEMP TABLE IF NOT EXISTS ref_member (user_id text, org text, a text, PRIMARY KEY (user_id, org, a));
	CREATE TEMP TABLE IF NOT EXISTS result (kind text, subject text, org text, perm text,
											cached text, reference text);
	TRUNCATE ref_match, ref_role, ref_member, result;

	-- the reference: which asked slugs each granted slug covers, each role
	-- grants, each membership grants
	INSERT INTO ref_match
	SELECT g.slug, a.slug
	FROM (SELECT DISTINCT permission_slug::text AS slug FROM rbac.role_permission) g
	CROSS JOIN soak.asked a
	WHERE soak.ref_match(g.slug, a.slug);
	INSERT INTO ref_role
	SELECT DISTINCT rp.role_id, x.a
	FROM rbac.role_permission rp JOIN ref_match x ON x.g = rp.permission_slug::text;
	INSERT INTO ref_member
	SELECT DISTINCT m.user_id, m.organization_id, x.a
	FROM rbac.membership m
	JOIN rbac.membership_role mr ON mr.membership_id = m.id
	JOIN ref_role x ON x.role_id = mr.role_id;

	-- role_has_permission(role, perm): every role slug in the catalog or
	-- in the scripts, as an environment role
	INSERT INTO result
	WITH subject AS (
		SELECT DISTINCT slug::text AS slug FROM rbac.role
		UNION SELECT soak.role(r) FROM generate_series(0, 19) r
		UNION SELECT 'nobody'
	)
	SELECT 'role_has_permission(role, perm)', s.slug, NULL, a.slug,
		   rbac.role_has_permission(s.slug, a.slug)::text,
		   (x.role_id IS NOT NULL)::text
	FROM subject s
	CROSS JOIN soak.asked a
	LEFT JOIN rbac.role r ON r.organization_id IS NULL AND r.slug::text = s.slug
	LEFT JOIN ref_role x ON x.role_id = r.id AND x.a = a.slug;

	-- role_has_permission(role, perm, org): with an organization, org-...
	-- names that organization's role, anything else an environment role
	INSERT INTO result
	WITH subject AS (
		SELECT DISTINCT slug::text AS slug FROM rbac.role
		UNION SELECT soak.role(r) FROM generate_series(0, 19) r
		UNION SELECT 'nobody'
	), resolved AS (
		SELECT o.id AS org, s.slug, r.id AS role_id
		FROM soak.org o CROSS JOIN subject s
		LEFT JOIN rbac.role r
		  ON r.slug::text = s.slug
		 AND CASE WHEN left(s.slug, 4) = 'org-' THEN r.organization_id = o.id
				  ELSE r.organization_id IS NULL END
	)
	SELECT 'role_has_permission(role, perm, org)', v.slug, v.org, a.slug,
		   rbac.role_has_permission(v.slug, a.slug, v.org)::text,
		   (x.role_id IS NOT NULL)::text
	FROM resolved v
	CROSS JOIN soak.asked a
	LEFT JOIN ref_role x ON x.role_id = v.role_id AND x.a = a.slug;

	-- user_has_permission and roles_have_permission: every membership, and
	-- every user asked about in an organization they are not a member of
	INSERT INTO result
	WITH subject AS (
		SELECT m.user_id::text AS user_id, m.organization_id::text AS org,
			   ARRAY(SELECT r.slug::text FROM rbac.membership_role mr JOIN rbac.role r ON r.id = mr.role_id
					 WHERE mr.membership_id = m.id ORDER BY 1) AS roles
		FROM rbac.membership m
		UNION ALL
		SELECT soak.usr(u), soak.org((u + 7) % 60), NULL FROM generate_series(0, 199, 7) u
	)
	SELECT k.kind, s.user_id, s.org, a.slug,
		   CASE WHEN k.kind LIKE 'user%' THEN rbac.user_has_permission(s.user_id, s.org, a.slug)
				ELSE rbac.roles_have_permission(s.roles, a.slug, s.org) END::text,
		   (x.a IS NOT NULL)::text
	FROM subject s
	CROSS JOIN (VALUES ('user_has_permission(user, org, perm)'),
					   ('roles_have_permission(membership roles, perm, org)')) k(kind)
	CROSS JOIN soak.asked a
	LEFT JOIN ref_member x ON x.user_id = s.user_id AND x.org = s.org AND x.a = a.slug
	WHERE k.kind LIKE 'user%' OR s.roles IS NOT NULL;

	-- organizations_with_permission(user, perm): the sorted list
	INSERT INTO result
	SELECT 'organizations_with_permission(user, perm)', u.user_id, NULL, a.slug,
		   ARRAY(SELECT o FROM rbac.organizations_with_permission(u.user_id, a.slug) o ORDER BY 1)::text,
		   ARRAY(SELECT x.org FROM ref_member x WHERE x.user_id = u.user_id AND x.a = a.slug ORDER BY 1)::text
	FROM (SELECT DISTINCT user_id::text AS user_id FROM rbac.membership
		  UNION SELECT 'user_nobody') u
	CROSS JOIN soak.asked a;

	-- has_permission(perm) and has_permission(perm, org) for each member as
	-- the request's principal (rbac.user_id + rbac.organization_id)
	FOR mem IN SELECT user_id::text AS user_id, organization_id::text AS org FROM rbac.membership LOOP
		PERFORM set_config('rbac.user_id', mem.user_id, true),
				set_config('rbac.organization_id', mem.org, true);
		INSERT INTO result
		SELECT 'has_permission(perm) as the member', mem.user_id, mem.org, a.slug,
			   rbac.has_permission(a.slug)::text, (x.a IS NOT NULL)::text
		FROM soak.asked a
		LEFT JOIN ref_member x ON x.user_id = mem.user_id AND x.org = mem.org AND x.a = a.slug;
		INSERT INTO result
		SELECT 'has_permission(perm, org) as the member', mem.user_id, mem.org, a.slug,
			   rbac.has_permission(a.slug, mem.org)::text, (x.a IS NOT NULL)::text
		FROM soak.asked a
		LEFT JOIN ref_member x ON x.user_id = mem.user_id AND x.org = mem.org AND x.a = a.slug;
	END LOOP;
	PERFORM set_config('rbac.user_id', '', true), set_config('rbac.organization_id', '', true);

	INSERT INTO soak.mismatch
	SELECT round_no, r.kind, r.subject, r.org, r.perm, r.cached, r.reference
	FROM result r WHERE r.cached IS DISTINCT FROM r.reference;
	RETURN QUERY
	INSERT INTO soak.round_result (round, kind, pairs, mismatches)
	SELECT round_no, r.kind, count(*), count(*) FILTER (WHERE r.cached IS DISTINCT FROM r.reference)
	FROM result r GROUP BY r.kind
	RETURNING round_result.kind, round_result.pairs, round_result.mismatches;
END
$$;

-- Calls the checks the way the readers do, filling this backend's cache
-- with what the catalog holds at this moment (no comparison: writers are
-- running).  Returns the number of calls.
CREATE FUNCTION soak.warm() RETURNS bigint
LANGUAGE sql AS $$
	SELECT (SELECT count(rbac.role_has_permission(soak.role(r), a.slug))
				 + count(rbac.role_has_permission(soak.role(r), a.slug, o.id))
			FROM generate_series(0, 19) r CROSS JOIN soak.asked a
			CROSS JOIN (SELECT id FROM soak.org WHERE n % 6 = 0) o)
		 + (SELECT count(rbac.user_has_permission(soak.usr(u), soak.usr_org(u), a.slug))
			FROM generate_series(0, 199) u CROSS JOIN soak.asked a)
$$;
