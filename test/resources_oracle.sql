--
-- test/resources_oracle.sql -- the rule of the checks on resources (SPEC 7),
-- written a second time in plain SQL, for tests to compare rbac against.
--
-- A grant g covers a check of permission p on resource r when g matches p
-- (SPEC 3 wildcards), the permission row of g has the type of r, and g is
-- held through a role assigned on r or on an ancestor of r; the
-- membership's own roles count as assigned on the organization root, so
-- they reach every resource of the organization.  A resource the catalog
-- does not know, a user who is not a member: false.
--
-- Nothing here calls rbac's functions: the wildcard matcher is a regular
-- expression built from the grant, the hierarchy a recursive query over the
-- tables.  It lives in schema rbac_oracle, never in the extension:
--     \i test/resources_oracle.sql
-- then rbac_oracle.user_has_permission(user_id, organization_id,
-- permission_slug, resource_type_slug, external_id), and
-- rbac_oracle.held_directly(...) for members_with_permission's 'direct'.
--
CREATE SCHEMA IF NOT EXISTS rbac_oracle;

-- Does the granted slug g cover the requested slug p?  Segments are split
-- on ":" and "."; a segment "*" is any one non-empty segment, a last
-- segment "*" also any further ones, "*" alone everything; other
-- characters are literal (escaped unless alphanumeric).  A requested slug that is not a valid permission
-- slug is covered by nothing.
CREATE OR REPLACE FUNCTION rbac_oracle.matches(g text, p text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
	segs text[];
	seps text[];
	re text := '';
	n integer;
BEGIN
	IF p !~ '^[a-z0-9_:.*-]{1,128}$' THEN
		RETURN false;
	END IF;
	IF g = '*' THEN
		RETURN true;
	END IF;
	segs := regexp_split_to_array(g, '[:.]');
	seps := ARRAY(SELECT m[1] FROM regexp_matches(g, '([:.])', 'g') m);
	n := array_length(segs, 1);
	FOR i IN 1..n LOOP
		IF i > 1 THEN
			re := re || '\' || seps[i - 1];
		END IF;
		IF segs[i] = '*' THEN
			re := re || '[^:.]+';
		ELSE
			re := re || regexp_replace(segs[i], '([^a-zA-Z0-9_])', '\\\1', 'g');
		END IF;
	END LOOP;
	IF segs[n] = '*' THEN
		re := re || '([:.][^:.]+)*';
	END IF;
	RETURN p ~ ('^' || re || '$');
END
$$;

-- The rule, as one query.
CREATE OR REPLACE FUNCTION rbac_oracle.user_has_permission(user_id text, organization_id text,
	permission_slug text, resource_type_slug text, external_id text) RETURNS boolean
LANGUAGE sql STABLE STRICT AS $$
	WITH RECURSIVE
	target AS (
		SELECT r.id, r.parent_resource_id FROM rbac.resource r
		WHERE r.organization_id = $2 AND r.resource_type_slug = $4 AND r.external_id = $5
	),
	ancestors(id, parent) AS (
		SELECT id, parent_resource_id FROM target
		UNION ALL
		SELECT r.id, r.parent_resource_id FROM rbac.resource r JOIN ancestors a ON r.id = a.parent
	),
	member AS (
		SELECT m.id FROM rbac.membership m WHERE m.user_id = $1 AND m.organization_id = $2
	),
	held_roles AS (
		-- assigned on the resource or an ancestor
		SELECT ra.role_id FROM rbac.role_assignment ra
		WHERE ra.membership_id IN (SELECT id FROM member)
		  AND ra.resource_id IN (SELECT id FROM ancestors)
		UNION
		-- the membership's own roles: assigned on the organization root
		SELECT mr.role_id FROM rbac.membership_role mr
		WHERE mr.membership_id IN (SELECT id FROM member)
		  AND EXISTS (SELECT 1 FROM target)
	)
	SELECT EXISTS (
		SELECT 1 FROM rbac.role_permission rp
		JOIN rbac.permission g ON g.slug = rp.permission_slug
		WHERE rp.role_id IN (SELECT role_id FROM held_roles)
		  AND g.resource_type_slug = $4
		  AND rbac_oracle.matches(g.slug, $3))
$$;

-- The same, through roles assigned on the resource itself only.
CREATE OR REPLACE FUNCTION rbac_oracle.held_directly(user_id text, organization_id text,
	permission_slug text, resource_type_slug text, external_id text) RETURNS boolean
LANGUAGE sql STABLE STRICT AS $$
	SELECT EXISTS (
		SELECT 1
		FROM rbac.resource r
		JOIN rbac.role_assignment ra ON ra.resource_id = r.id
		JOIN rbac.membership m ON m.id = ra.membership_id
		JOIN rbac.role_permission rp ON rp.role_id = ra.role_id
		JOIN rbac.permission g ON g.slug = rp.permission_slug
		WHERE r.organization_id = $2 AND r.resource_type_slug = $4 AND r.external_id = $5
		  AND m.user_id = $1 AND m.organization_id = $2
		  AND g.resource_type_slug = $4
		  AND rbac_oracle.matches(g.slug, $3))
$$;
