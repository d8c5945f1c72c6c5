/* rbac--1.0.sql -- role-based access control inside PostgreSQL */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION rbac" to load this file. \quit

-- Anyone may call the checks; the catalog tables themselves stay private.
GRANT USAGE ON SCHEMA rbac TO PUBLIC;

------------------------------------------------------------------------------
-- Validators (C)
------------------------------------------------------------------------------

CREATE FUNCTION rbac.is_valid_permission_slug(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_is_valid_permission_slug'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.is_valid_permission_slug(text) IS
'true if the text is a valid permission slug: 1 to 128 characters from a-z, 0-9, -, _, :, . and *; never raises';

CREATE FUNCTION rbac.is_valid_role_slug(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_is_valid_role_slug'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.is_valid_role_slug(text) IS
'true if the text is a valid role slug: 1 to 128 characters from a-z, 0-9, - and _; never raises';

CREATE FUNCTION rbac.check_permission_slug(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_check_permission_slug'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.check_permission_slug(text) IS
'true for a valid permission slug, else raises 22023 naming the value and the rule (the check of domain rbac.permission_slug)';

CREATE FUNCTION rbac.check_role_slug(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_check_role_slug'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.check_role_slug(text) IS
'true for a valid role slug, else raises 22023 naming the value and the rule (the check of domain rbac.role_slug)';

CREATE FUNCTION rbac.check_resource_type_slug(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_check_resource_type_slug'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.check_resource_type_slug(text) IS
'true for a valid resource type slug, else raises 22023 (the check of domain rbac.resource_type_slug)';

CREATE FUNCTION rbac.check_name(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_check_name'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.check_name(text) IS
'true for a name of 1 to 512 characters, else raises 22023 (the check of domain rbac.display_name)';

CREATE FUNCTION rbac.check_description(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_check_description'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.check_description(text) IS
'true for a description of at most 1024 characters, else raises 22023 (the check of domain rbac.description)';

CREATE FUNCTION rbac.check_organization_id(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_check_organization_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.check_organization_id(text) IS
'true for an organization id of 1 to 128 characters without control characters, else raises 22023 (the check of domain rbac.organization_id)';

CREATE FUNCTION rbac.new_id(prefix text) RETURNS text
AS 'MODULE_PATHNAME', 'rbac_new_id'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.new_id(text) IS
'a new id: the prefix (a-z), "_" and a 26-character ULID, time-ordered and monotonic within the backend, e.g. rbac.new_id(''perm'') = perm_01J...';

------------------------------------------------------------------------------
-- Domains: a bad value fails with 22023 wherever it enters
------------------------------------------------------------------------------

CREATE DOMAIN rbac.permission_slug AS text COLLATE "C"
	CHECK (rbac.check_permission_slug(VALUE));
COMMENT ON DOMAIN rbac.permission_slug IS
'a permission slug: 1 to 128 characters from a-z, 0-9, -, _, :, . and *; segments separated by : or . and a segment * is a wildcard';

CREATE DOMAIN rbac.role_slug AS text COLLATE "C"
	CHECK (rbac.check_role_slug(VALUE));
COMMENT ON DOMAIN rbac.role_slug IS
'a role slug: 1 to 128 characters from a-z, 0-9, - and _; organization role slugs begin with org-';

CREATE DOMAIN rbac.resource_type_slug AS text COLLATE "C"
	CHECK (rbac.check_resource_type_slug(VALUE));
COMMENT ON DOMAIN rbac.resource_type_slug IS
'a resource type slug: 1 to 128 characters from a-z, 0-9, - and _';

CREATE DOMAIN rbac.organization_id AS text COLLATE "C"
	CHECK (rbac.check_organization_id(VALUE));
COMMENT ON DOMAIN rbac.organization_id IS
'an opaque organization id such as org_01H...: 1 to 128 characters';

CREATE DOMAIN rbac.display_name AS text
	CHECK (rbac.check_name(VALUE));
COMMENT ON DOMAIN rbac.display_name IS
'a human-readable name: 1 to 512 characters';

CREATE DOMAIN rbac.description AS text
	CHECK (rbac.check_description(VALUE));
COMMENT ON DOMAIN rbac.description IS
'a description: at most 1024 characters';

------------------------------------------------------------------------------
-- Catalog tables
------------------------------------------------------------------------------

-- Sort keys of roles: a new role takes the next value, so it lands at the
-- bottom of every priority list at once.
CREATE SEQUENCE rbac.role_sort_key_seq;
COMMENT ON SEQUENCE rbac.role_sort_key_seq IS
'sort keys of new roles: each new role goes to the bottom of every priority list';

CREATE TABLE rbac.permission (
	id text COLLATE "C" NOT NULL DEFAULT rbac.new_id('perm'),
	slug rbac.permission_slug NOT NULL,
	name rbac.display_name NOT NULL,
	description rbac.description,
	system boolean NOT NULL DEFAULT false,
	resource_type_slug rbac.resource_type_slug NOT NULL DEFAULT 'organization',
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	CONSTRAINT permission_pkey PRIMARY KEY (id),
	CONSTRAINT permission_slug_key UNIQUE (slug),
	CONSTRAINT permission_id_check CHECK (id ~ '^perm_[0-9A-HJKMNP-TV-Z]{26}$')
);
COMMENT ON TABLE rbac.permission IS
'permissions (WorkOS Permission objects); a role grants them through rbac.role_permission';

CREATE TABLE rbac.role (
	id text COLLATE "C" NOT NULL DEFAULT rbac.new_id('role'),
	slug rbac.role_slug NOT NULL,
	name rbac.display_name NOT NULL,
	description rbac.description,
	type text NOT NULL DEFAULT 'EnvironmentRole',
	organization_id rbac.organization_id,
	resource_type_slug rbac.resource_type_slug NOT NULL DEFAULT 'organization',
	sort_key numeric NOT NULL DEFAULT nextval('rbac.role_sort_key_seq'),
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	CONSTRAINT role_pkey PRIMARY KEY (id),
	CONSTRAINT role_id_check CHECK (id ~ '^role_[0-9A-HJKMNP-TV-Z]{26}$'),
	CONSTRAINT role_type_check CHECK (type IN ('EnvironmentRole', 'OrganizationRole')),
	CONSTRAINT role_organization_check
		CHECK ((type = 'OrganizationRole') = (organization_id IS NOT NULL))
);
CREATE UNIQUE INDEX role_environment_slug_key ON rbac.role (slug)
	WHERE organization_id IS NULL;
CREATE UNIQUE INDEX role_organization_slug_key ON rbac.role (organization_id, slug)
	WHERE organization_id IS NOT NULL;
COMMENT ON TABLE rbac.role IS
'roles (WorkOS Role objects): environment roles (organization_id NULL) and organization roles; sort_key is the default place in priority lists, see rbac.roles_by_priority';

CREATE TABLE rbac.role_permission (
	role_id text COLLATE "C" NOT NULL
		REFERENCES rbac.role (id) ON DELETE CASCADE,
	permission_slug rbac.permission_slug NOT NULL
		REFERENCES rbac.permission (slug) ON DELETE CASCADE ON UPDATE CASCADE,
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	CONSTRAINT role_permission_pkey PRIMARY KEY (role_id, permission_slug)
);
CREATE INDEX role_permission_permission_slug_idx
	ON rbac.role_permission (permission_slug);
COMMENT ON TABLE rbac.role_permission IS
'grants: which permissions each role holds (many-to-many)';

CREATE TABLE rbac.organization_order (
	organization_id rbac.organization_id NOT NULL,
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	CONSTRAINT organization_order_pkey PRIMARY KEY (organization_id)
);
COMMENT ON TABLE rbac.organization_order IS
'organizations with a priority order of their own (every organization that has had its own roles or its own reordering)';

CREATE TABLE rbac.role_order (
	organization_id rbac.organization_id,
	role_id text COLLATE "C" NOT NULL
		REFERENCES rbac.role (id) ON DELETE CASCADE,
	sort_key numeric NOT NULL,
	CONSTRAINT role_order_key UNIQUE NULLS NOT DISTINCT (organization_id, role_id)
);
CREATE INDEX role_order_role_id_idx ON rbac.role_order (role_id);
COMMENT ON TABLE rbac.role_order IS
'explicit places in priority lists (organization_id NULL: the environment list), overriding a role''s own sort_key; priorities are the dense ranks of the keys';

CREATE TABLE rbac.default_role (
	organization_id rbac.organization_id,
	role_id text COLLATE "C" NOT NULL REFERENCES rbac.role (id),
	CONSTRAINT default_role_organization_key UNIQUE NULLS NOT DISTINCT (organization_id)
);
CREATE INDEX default_role_role_id_idx ON rbac.default_role (role_id);
COMMENT ON TABLE rbac.default_role IS
'the default role of the environment (organization_id NULL) and of organizations that set their own';

SELECT pg_catalog.pg_extension_config_dump('rbac.permission', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.role', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.role_permission', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.organization_order', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.role_order', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.default_role', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.role_sort_key_seq', '');

------------------------------------------------------------------------------
-- Triggers: the same validation for direct DML as for the functions
------------------------------------------------------------------------------

CREATE FUNCTION rbac.invalidate_cache() RETURNS trigger
AS 'MODULE_PATHNAME', 'rbac_invalidate_cache'
LANGUAGE C;
COMMENT ON FUNCTION rbac.invalidate_cache() IS
'statement trigger on the catalog tables: invalidates every backend''s cache of the catalog (transactionally)';

CREATE FUNCTION rbac.may_manage_system_permissions() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (
		SELECT 1 FROM pg_catalog.pg_roles r
		WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER AND r.rolsuper)
	OR EXISTS (
		SELECT 1 FROM pg_catalog.pg_extension e
		WHERE e.extname OPERATOR(pg_catalog.=) 'rbac'
		AND pg_catalog.pg_has_role(CURRENT_USER, e.extowner, 'MEMBER'))
$$;
COMMENT ON FUNCTION rbac.may_manage_system_permissions() IS
'true if the current user is a superuser or a member of the owner of extension rbac, who alone may create or change system permissions';

CREATE FUNCTION rbac.permission_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		IF OLD.system THEN
			RAISE EXCEPTION 'permission "%" is a system permission', OLD.slug
				USING ERRCODE = 'insufficient_privilege',
					  DETAIL = 'System permissions cannot be deleted.';
		END IF;
		RETURN OLD;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		IF NEW.id IS DISTINCT FROM OLD.id THEN
			RAISE EXCEPTION 'cannot change the id of permission "%"', OLD.slug
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		IF NEW.slug IS DISTINCT FROM OLD.slug THEN
			RAISE EXCEPTION 'cannot change the slug of permission "%"', OLD.slug
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Slugs are immutable once created.';
		END IF;
		NEW.created_at := OLD.created_at;
		NEW.updated_at := clock_timestamp();
	END IF;
	IF (NEW.system OR (TG_OP = 'UPDATE' AND OLD.system))
	   AND NOT rbac.may_manage_system_permissions() THEN
		RAISE EXCEPTION 'permission "%" is a system permission', NEW.slug
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'Only a superuser or the owner of extension rbac may create or change a system permission.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.permission_guard() IS
'row trigger on rbac.permission: immutable id and slug, updated_at, system permissions protected';

CREATE TRIGGER permission_guard
	BEFORE INSERT OR UPDATE OR DELETE ON rbac.permission
	FOR EACH ROW EXECUTE FUNCTION rbac.permission_guard();

CREATE FUNCTION rbac.permission_truncate_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	slug text;
BEGIN
	SELECT p.slug INTO slug FROM rbac.permission p WHERE p.system ORDER BY p.slug LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'permission "%" is a system permission', slug
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'TRUNCATE would delete system permissions, which cannot be deleted.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION rbac.permission_truncate_guard() IS
'statement trigger on rbac.permission: TRUNCATE may not delete system permissions';

CREATE TRIGGER permission_truncate_guard
	BEFORE TRUNCATE ON rbac.permission
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.permission_truncate_guard();

CREATE FUNCTION rbac.role_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	org text;
BEGIN
	IF TG_OP = 'DELETE' THEN
		SELECT d.organization_id INTO org
		FROM rbac.default_role d WHERE d.role_id = OLD.id
		LIMIT 1;
		IF FOUND THEN
			IF org IS NULL THEN
				RAISE EXCEPTION 'role "%" is the default role', OLD.slug
					USING ERRCODE = 'object_not_in_prerequisite_state',
						  HINT = 'Set another default role with rbac.set_default_role() first.';
			ELSE
				RAISE EXCEPTION 'role "%" is the default role of organization "%"', OLD.slug, org
					USING ERRCODE = 'object_not_in_prerequisite_state',
						  HINT = 'Set another default role with rbac.set_default_role() first.';
			END IF;
		END IF;
		IF EXISTS (
			SELECT 1 FROM rbac.membership_role mr WHERE mr.role_id = OLD.id) THEN
			RAISE EXCEPTION 'role "%" has assignments', OLD.slug
				USING ERRCODE = 'dependent_objects_still_exist',
					  DETAIL = format('%s organization memberships hold it.',
									  (SELECT count(*) FROM rbac.membership_role mr WHERE mr.role_id = OLD.id)),
					  HINT = 'Give those memberships other roles first.';
		END IF;
		RETURN OLD;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		IF NEW.id IS DISTINCT FROM OLD.id THEN
			RAISE EXCEPTION 'cannot change the id of role "%"', OLD.slug
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		IF NEW.slug IS DISTINCT FROM OLD.slug THEN
			RAISE EXCEPTION 'cannot change the slug of role "%"', OLD.slug
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Slugs are immutable once created.';
		END IF;
		IF NEW.type IS DISTINCT FROM OLD.type
		   OR NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
			RAISE EXCEPTION 'cannot move role "%" to another organization or type', OLD.slug
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		NEW.created_at := OLD.created_at;
		NEW.updated_at := clock_timestamp();
		RETURN NEW;
	END IF;
	IF NEW.organization_id IS NOT NULL AND NEW.type = 'EnvironmentRole' THEN
		NEW.type := 'OrganizationRole';
	END IF;
	IF NEW.type = 'OrganizationRole' AND left(NEW.slug, 4) <> 'org-' THEN
		RAISE EXCEPTION 'invalid organization role slug "%"', NEW.slug
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'An organization role slug must begin with "org-".';
	END IF;
	IF NEW.type = 'EnvironmentRole' AND left(NEW.slug, 4) = 'org-' THEN
		RAISE EXCEPTION 'invalid environment role slug "%"', NEW.slug
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The prefix "org-" is reserved for organization roles.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.role_guard() IS
'row trigger on rbac.role: slug rules by type, immutable id, slug, type and organization, updated_at, the default role kept';

CREATE TRIGGER role_guard
	BEFORE INSERT OR UPDATE OR DELETE ON rbac.role
	FOR EACH ROW EXECUTE FUNCTION rbac.role_guard();

CREATE FUNCTION rbac.list_entry_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (
		SELECT 1 FROM rbac.role r
		WHERE r.id = NEW.role_id
		AND (r.organization_id IS NULL OR r.organization_id = NEW.organization_id))
	THEN
		RAISE EXCEPTION 'role "%" is not in the priority list of %', rbac.shorten(NEW.role_id),
			coalesce('organization "' || rbac.shorten(NEW.organization_id) || '"', 'the environment')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.list_entry_guard() IS
'row trigger on rbac.role_order and rbac.default_role: the role must belong to that list (an environment role, or a role of that organization)';

CREATE TRIGGER role_order_guard
	BEFORE INSERT OR UPDATE ON rbac.role_order
	FOR EACH ROW EXECUTE FUNCTION rbac.list_entry_guard();
CREATE TRIGGER default_role_guard
	BEFORE INSERT OR UPDATE ON rbac.default_role
	FOR EACH ROW EXECUTE FUNCTION rbac.list_entry_guard();

CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.permission
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();
CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.role
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();
CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.role_permission
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();
CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.organization_order
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();
CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.role_order
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();
CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.default_role
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();

------------------------------------------------------------------------------
-- Checks (C): called once per row by RLS policies
------------------------------------------------------------------------------

CREATE FUNCTION rbac.role_has_permission(role_slug text, permission_slug text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_role_has_permission'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.role_has_permission(text, text) IS
'true if the environment role grants the permission (wildcards in grants apply); unknown role or malformed slug: false';

CREATE FUNCTION rbac.role_has_permission(role_slug text, permission_slug text, organization_id text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_role_has_permission_org'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.role_has_permission(text, text, text) IS
'true if the role (that organization''s org- role, or an environment role) grants the permission; unknown role or malformed slug: false';

CREATE FUNCTION rbac.roles_have_permission(role_slugs text[], permission_slug text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_roles_have_permission'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.roles_have_permission(text[], text) IS
'true if any of the environment roles grants the permission (the union of several roles)';

CREATE FUNCTION rbac.roles_have_permission(role_slugs text[], permission_slug text, organization_id text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_roles_have_permission_org'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.roles_have_permission(text[], text, text) IS
'true if any of the roles, in that organization, grants the permission (the union of several roles)';

------------------------------------------------------------------------------
-- Priority lists
------------------------------------------------------------------------------

-- These two are inlined into the queries that use them (a SET clause would
-- prevent that), so nothing in them is looked up through search_path:
-- operators are qualified, and no IS DISTINCT FROM (which finds "=").
CREATE FUNCTION rbac.has_own_order(organization_id text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
	SELECT EXISTS (SELECT 1 FROM rbac.organization_order o
				   WHERE o.organization_id OPERATOR(pg_catalog.=) has_own_order.organization_id)
$$;
COMMENT ON FUNCTION rbac.has_own_order(text) IS
'true if the organization has a priority order of its own (rbac.create_organization_role and rbac.set_organization_role_priority give it one); otherwise its list follows the environment list';

CREATE FUNCTION rbac.priority_list(organization_id text DEFAULT NULL)
RETURNS TABLE (priority integer, role_id text, sort_key numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	-- the list of an organization without an order of its own follows the
	-- environment list: its environment roles take the environment's places
	WITH list AS (
		SELECT priority_list.organization_id AS org,
			   CASE WHEN priority_list.organization_id IS NOT NULL
					 AND rbac.has_own_order(priority_list.organization_id)
				THEN priority_list.organization_id END AS order_of
	)
	SELECT (pg_catalog.row_number() OVER (ORDER BY COALESCE(o.sort_key, r.sort_key), r.sort_key, r.id))::integer,
		   r.id,
		   COALESCE(o.sort_key, r.sort_key)
	FROM list
	JOIN rbac.role r
	  ON r.organization_id IS NULL OR r.organization_id OPERATOR(pg_catalog.=) list.org
	LEFT JOIN rbac.role_order o
	  ON o.role_id OPERATOR(pg_catalog.=) r.id
	 AND (o.organization_id OPERATOR(pg_catalog.=) list.order_of
		  OR (o.organization_id IS NULL AND list.order_of IS NULL))
	ORDER BY 1
$$;
COMMENT ON FUNCTION rbac.priority_list(text) IS
'the priority list of an organization (or of the environment, for NULL): role ids with their dense 1-based priority (1 = highest)';

CREATE VIEW rbac.roles_by_priority AS
SELECT l.organization_id,
	   p.priority,
	   r.id,
	   r.slug,
	   r.name,
	   r.description,
	   r.type,
	   r.resource_type_slug,
	   r.created_at,
	   r.updated_at,
	   ARRAY(SELECT rp.permission_slug::text FROM rbac.role_permission rp
			 WHERE rp.role_id = r.id ORDER BY 1) AS permissions
FROM (SELECT NULL::text AS organization_id
	  UNION
	  SELECT o.organization_id FROM rbac.organization_order o
	  UNION
	  SELECT r.organization_id FROM rbac.role r WHERE r.organization_id IS NOT NULL) l
CROSS JOIN LATERAL rbac.priority_list(l.organization_id) p
JOIN rbac.role r ON r.id = p.role_id
ORDER BY l.organization_id NULLS FIRST, p.priority;
COMMENT ON VIEW rbac.roles_by_priority IS
'one row per role per priority list: the environment list (organization_id NULL) and each organization with its own order; priority 1 = highest, dense; permissions sorted';

-- Serialize changes to one priority list (transaction-scoped).
CREATE FUNCTION rbac.lock_list(organization_id text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.pg_advisory_xact_lock(
		pg_catalog.hashtext('rbac.priority_list'),
		pg_catalog.hashtext(coalesce(lock_list.organization_id, '')))
$$;
COMMENT ON FUNCTION rbac.lock_list(text) IS
'takes the transaction lock that serializes changes to one priority list (NULL: the environment list)';

-- Give the organization an order of its own, starting from the environment's.
CREATE FUNCTION rbac.ensure_own_order(organization_id text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	inserted integer;
BEGIN
	INSERT INTO rbac.organization_order (organization_id)
	VALUES (ensure_own_order.organization_id)
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS inserted = ROW_COUNT;
	IF inserted > 0 THEN
		INSERT INTO rbac.role_order (organization_id, role_id, sort_key)
		SELECT ensure_own_order.organization_id, o.role_id, o.sort_key
		FROM rbac.role_order o
		WHERE o.organization_id IS NULL;
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.ensure_own_order(text) IS
'gives an organization a priority order of its own, a copy of the environment list as it is now (no effect if it has one)';

-- Move a role to a 1-based place in a list (organization_id NULL: environment).
CREATE FUNCTION rbac.move_in_list(organization_id text, role_id text, priority integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	keys numeric[];
	n integer;
	new_key numeric;
BEGIN
	PERFORM rbac.lock_list(move_in_list.organization_id);
	SELECT array_agg(p.sort_key ORDER BY p.priority) INTO keys
	FROM rbac.priority_list(move_in_list.organization_id) p
	WHERE p.role_id <> move_in_list.role_id;
	n := coalesce(array_length(keys, 1), 0) + 1;
	IF priority IS NULL OR priority < 1 OR priority > n THEN
		RAISE EXCEPTION 'invalid priority %', coalesce(priority::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The list has %s roles: a priority is between 1 and %s.', n, n);
	END IF;
	IF n = 1 THEN
		RETURN;
	ELSIF priority = 1 THEN
		new_key := keys[1] - 1;
	ELSIF priority = n THEN
		new_key := nextval('rbac.role_sort_key_seq');
	ELSE
		new_key := (keys[priority - 1] + keys[priority]) * 0.5;
	END IF;
	INSERT INTO rbac.role_order AS o (organization_id, role_id, sort_key)
	VALUES (move_in_list.organization_id, move_in_list.role_id, new_key)
	ON CONFLICT ON CONSTRAINT role_order_key DO UPDATE SET sort_key = excluded.sort_key;
END
$$;
COMMENT ON FUNCTION rbac.move_in_list(text, text, integer) IS
'moves a role to a 1-based place in a priority list (organization_id NULL: the environment list); 22023 if the place is out of range';

------------------------------------------------------------------------------
-- Permissions
------------------------------------------------------------------------------

CREATE FUNCTION rbac.require(value text, what text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF value IS NULL THEN
		RAISE EXCEPTION '% must not be null', what
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.require(text, text) IS
'raises 22023 "<what> must not be null" for a NULL value: the argument checks of the management functions';

CREATE FUNCTION rbac.shorten(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN length(value) > 64 THEN left(value, 64) || '...' ELSE value END
$$;
COMMENT ON FUNCTION rbac.shorten(text) IS
'a value cut to 64 characters (with "...") for an error message, as the C validators quote values';

CREATE FUNCTION rbac.get_permission(slug text) RETURNS rbac.permission
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p rbac.permission;
BEGIN
	PERFORM rbac.require(slug, 'permission slug');
	PERFORM slug::rbac.permission_slug;
	SELECT * INTO p FROM rbac.permission x WHERE x.slug = get_permission.slug::text;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permission "%" does not exist', slug
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN p;
END
$$;
COMMENT ON FUNCTION rbac.get_permission(text) IS
'the permission with this slug; 42704 if there is none';

CREATE FUNCTION rbac.create_permission(slug text, name text, description text DEFAULT NULL,
									   resource_type_slug text DEFAULT 'organization')
RETURNS rbac.permission
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p rbac.permission;
BEGIN
	PERFORM rbac.require(slug, 'permission slug');
	PERFORM rbac.require(name, 'name');
	PERFORM rbac.require(resource_type_slug, 'resource type slug');
	BEGIN
		INSERT INTO rbac.permission AS x (slug, name, description, resource_type_slug)
		VALUES (create_permission.slug, create_permission.name,
				create_permission.description, create_permission.resource_type_slug)
		RETURNING * INTO p;
	EXCEPTION WHEN unique_violation THEN
		RAISE EXCEPTION 'permission "%" already exists', slug
			USING ERRCODE = 'unique_violation';
	END;
	RETURN p;
END
$$;
COMMENT ON FUNCTION rbac.create_permission(text, text, text, text) IS
'creates a permission; 22023 for a bad slug, name or description, 23505 if the slug is taken';

CREATE FUNCTION rbac.list_permissions(lim integer DEFAULT 10, before text DEFAULT NULL,
									  after text DEFAULT NULL, sort_order text DEFAULT 'desc')
RETURNS SETOF rbac.permission
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ascending boolean;
BEGIN
	IF lim IS NULL OR lim < 1 OR lim > 100 THEN
		RAISE EXCEPTION 'invalid limit %', coalesce(lim::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'lim is between 1 and 100.';
	END IF;
	IF sort_order IS NULL OR sort_order NOT IN ('asc', 'desc', 'normal') THEN
		RAISE EXCEPTION 'invalid sort order "%"', coalesce(rbac.shorten(sort_order), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'sort_order is "asc", "desc" or "normal" (= "desc").';
	END IF;
	ascending := sort_order = 'asc';
	IF before IS NOT NULL AND after IS NULL THEN
		-- the page that ends just before the cursor, in the requested order
		RETURN QUERY
		SELECT * FROM (
			SELECT * FROM rbac.permission p
			WHERE CASE WHEN ascending THEN p.id < before ELSE p.id > before END
			ORDER BY CASE WHEN ascending THEN p.id END DESC,
					 CASE WHEN NOT ascending THEN p.id END ASC
			LIMIT lim) page
		ORDER BY CASE WHEN ascending THEN page.id END ASC,
				 CASE WHEN NOT ascending THEN page.id END DESC;
	ELSE
		RETURN QUERY
		SELECT * FROM rbac.permission p
		WHERE (after IS NULL OR CASE WHEN ascending THEN p.id > after ELSE p.id < after END)
		  AND (before IS NULL OR CASE WHEN ascending THEN p.id < before ELSE p.id > before END)
		ORDER BY CASE WHEN ascending THEN p.id END ASC,
				 CASE WHEN NOT ascending THEN p.id END DESC
		LIMIT lim;
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.list_permissions(integer, text, text, text) IS
'a page of permissions by id, as WorkOS paginates: lim 1 to 100, sort_order asc | desc | normal (= desc), after = the id the page starts after, before = the id the page ends before';

CREATE FUNCTION rbac.touch_roles_with_permission(permission_slug text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	UPDATE rbac.role r SET updated_at = clock_timestamp()
	WHERE r.id IN (SELECT rp.role_id FROM rbac.role_permission rp
				   WHERE rp.permission_slug = touch_roles_with_permission.permission_slug::text)
$$;
COMMENT ON FUNCTION rbac.touch_roles_with_permission(text) IS
'moves updated_at of every role that grants the permission (their permission set is about to change)';

CREATE FUNCTION rbac.update_permission(slug text, name text DEFAULT NULL, description text DEFAULT NULL)
RETURNS rbac.permission
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p rbac.permission;
BEGIN
	p := rbac.get_permission(slug);
	UPDATE rbac.permission x
	SET name = coalesce(update_permission.name, x.name),
		description = coalesce(update_permission.description, x.description)
	WHERE x.id = p.id
	RETURNING * INTO p;
	RETURN p;
END
$$;
COMMENT ON FUNCTION rbac.update_permission(text, text, text) IS
'changes a permission''s name and description; NULL leaves a field unchanged; 42704 if there is no such permission';

CREATE FUNCTION rbac.delete_permission(slug text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p rbac.permission;
BEGIN
	p := rbac.get_permission(slug);
	IF p.system THEN
		RAISE EXCEPTION 'permission "%" is a system permission', p.slug
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'System permissions cannot be deleted.';
	END IF;
	-- lock it first: a grant committed meanwhile is then seen and touched
	PERFORM 1 FROM rbac.permission x WHERE x.id = p.id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permission "%" does not exist', p.slug
			USING ERRCODE = 'undefined_object';
	END IF;
	PERFORM rbac.touch_roles_with_permission(p.slug);
	DELETE FROM rbac.permission x WHERE x.id = p.id;
END
$$;
COMMENT ON FUNCTION rbac.delete_permission(text) IS
'deletes a permission and removes it from every role; 42501 for a system permission, 42704 if there is none';

------------------------------------------------------------------------------
-- Roles
------------------------------------------------------------------------------

CREATE FUNCTION rbac.get_role(slug text) RETURNS rbac.role
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	PERFORM rbac.require(slug, 'role slug');
	PERFORM slug::rbac.role_slug;
	SELECT * INTO r FROM rbac.role x
	WHERE x.slug = get_role.slug::text AND x.organization_id IS NULL;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'role "%" does not exist', slug
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.get_role(text) IS
'the environment role with this slug; 42704 if there is none';

CREATE FUNCTION rbac.get_organization_role(organization_id text, slug text) RETURNS rbac.role
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	PERFORM rbac.require(organization_id, 'organization id');
	PERFORM rbac.require(slug, 'role slug');
	PERFORM organization_id::rbac.organization_id;
	PERFORM slug::rbac.role_slug;
	SELECT * INTO r FROM rbac.role x
	WHERE x.slug = get_organization_role.slug::text
	  AND (x.organization_id = get_organization_role.organization_id::text
		   OR x.organization_id IS NULL)
	ORDER BY x.organization_id NULLS LAST
	LIMIT 1;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'role "%" does not exist in organization "%"', slug, organization_id
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.get_organization_role(text, text) IS
'the role with this slug in the organization''s list: its own role, or an environment role; 42704 if there is none';

-- The organization's own role, for the functions that change one.
CREATE FUNCTION rbac.own_organization_role(organization_id text, slug text) RETURNS rbac.role
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	r := rbac.get_organization_role(organization_id, slug);
	IF r.organization_id IS NULL THEN
		RAISE EXCEPTION 'role "%" does not exist in organization "%"', slug, organization_id
			USING ERRCODE = 'undefined_object',
				  DETAIL = format('"%s" is an environment role.', slug),
				  HINT = 'Change environment roles with rbac.update_role() and the other environment role functions.';
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.own_organization_role(text, text) IS
'the organization''s own role with this slug (not an environment role); 42704 if there is none';

-- Lock a role row (a concurrent delete that committed meanwhile: 42704).
CREATE FUNCTION rbac.lock_role(r rbac.role, exclusive boolean) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF exclusive THEN
		PERFORM 1 FROM rbac.role x WHERE x.id = r.id FOR UPDATE;
	ELSE
		PERFORM 1 FROM rbac.role x WHERE x.id = r.id FOR KEY SHARE;
	END IF;
	IF NOT FOUND THEN
		IF r.organization_id IS NULL THEN
			RAISE EXCEPTION 'role "%" does not exist', r.slug
				USING ERRCODE = 'undefined_object';
		ELSE
			RAISE EXCEPTION 'role "%" does not exist in organization "%"', r.slug, r.organization_id
				USING ERRCODE = 'undefined_object';
		END IF;
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.lock_role(rbac.role, boolean) IS
'locks the role''s row (FOR UPDATE when exclusive, else FOR KEY SHARE) so that it cannot be deleted under the caller; 42704 if a concurrent transaction deleted it';

CREATE FUNCTION rbac.insert_role(organization_id text, slug text, name text, description text,
								 resource_type_slug text)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	PERFORM rbac.require(slug, 'role slug');
	PERFORM rbac.require(name, 'name');
	PERFORM rbac.require(resource_type_slug, 'resource type slug');
	BEGIN
		INSERT INTO rbac.role AS x (slug, name, description, type, organization_id, resource_type_slug)
		VALUES (insert_role.slug, insert_role.name, insert_role.description,
				CASE WHEN insert_role.organization_id IS NULL
					 THEN 'EnvironmentRole' ELSE 'OrganizationRole' END,
				insert_role.organization_id, insert_role.resource_type_slug)
		RETURNING * INTO r;
	EXCEPTION WHEN unique_violation THEN
		IF organization_id IS NULL THEN
			RAISE EXCEPTION 'role "%" already exists', slug
				USING ERRCODE = 'unique_violation';
		ELSE
			RAISE EXCEPTION 'role "%" already exists in organization "%"', slug, organization_id
				USING ERRCODE = 'unique_violation';
		END IF;
	END;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.insert_role(text, text, text, text, text) IS
'inserts a role (an organization role when organization_id is given) at the bottom of every list it is in; 23505 if the slug is taken';

CREATE FUNCTION rbac.create_role(slug text, name text, description text DEFAULT NULL,
								 resource_type_slug text DEFAULT 'organization')
RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.insert_role(NULL, slug, name, description, resource_type_slug)
$$;
COMMENT ON FUNCTION rbac.create_role(text, text, text, text) IS
'creates an environment role at the bottom of the environment list and of every organization''s list; 23505 if the slug is taken';

CREATE FUNCTION rbac.create_organization_role(organization_id text, slug text, name text,
											  description text DEFAULT NULL,
											  resource_type_slug text DEFAULT 'organization')
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(organization_id, 'organization id');
	PERFORM rbac.check_organization_id(organization_id);
	PERFORM rbac.lock_list(organization_id);
	PERFORM rbac.ensure_own_order(organization_id);
	RETURN rbac.insert_role(organization_id, slug, name, description, resource_type_slug);
END
$$;
COMMENT ON FUNCTION rbac.create_organization_role(text, text, text, text, text) IS
'creates an organization role (slug beginning with org-) at the bottom of that organization''s list; 23505 if the organization has that slug';

CREATE FUNCTION rbac.list_roles() RETURNS SETOF rbac.role
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.* FROM rbac.priority_list(NULL) p JOIN rbac.role r ON r.id = p.role_id
	ORDER BY p.priority
$$;
COMMENT ON FUNCTION rbac.list_roles() IS
'the environment roles in priority order (highest first)';

CREATE FUNCTION rbac.list_organization_roles(organization_id text) RETURNS SETOF rbac.role
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(organization_id, 'organization id');
	PERFORM rbac.check_organization_id(organization_id);
	RETURN QUERY
	SELECT r.* FROM rbac.priority_list(list_organization_roles.organization_id) p
	JOIN rbac.role r ON r.id = p.role_id
	ORDER BY p.priority;
END
$$;
COMMENT ON FUNCTION rbac.list_organization_roles(text) IS
'the organization''s list: environment roles and its own roles, in its priority order (highest first)';

CREATE FUNCTION rbac.change_role(r rbac.role, name text, description text) RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE rbac.role x
	SET name = coalesce(change_role.name, x.name),
		description = coalesce(change_role.description, x.description)
	WHERE x.id = r.id
	RETURNING * INTO r;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.change_role(rbac.role, text, text) IS
'changes a role''s name and description (NULL leaves a field unchanged) and returns it';

CREATE FUNCTION rbac.update_role(slug text, name text DEFAULT NULL, description text DEFAULT NULL)
RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.change_role(rbac.get_role(slug), name, description)
$$;
COMMENT ON FUNCTION rbac.update_role(text, text, text) IS
'changes an environment role''s name and description; NULL leaves a field unchanged';

CREATE FUNCTION rbac.update_organization_role(organization_id text, slug text,
											  name text DEFAULT NULL, description text DEFAULT NULL)
RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.change_role(rbac.own_organization_role(organization_id, slug), name, description)
$$;
COMMENT ON FUNCTION rbac.update_organization_role(text, text, text, text) IS
'changes an organization role''s name and description; NULL leaves a field unchanged';

CREATE FUNCTION rbac.remove_role(r rbac.role) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.lock_list(r.organization_id);
	DELETE FROM rbac.role x WHERE x.id = r.id;
END
$$;
COMMENT ON FUNCTION rbac.remove_role(rbac.role) IS
'deletes a role with its grants and places; 55000 if it is a default role';

CREATE FUNCTION rbac.delete_role(slug text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.remove_role(rbac.get_role(slug))
$$;
COMMENT ON FUNCTION rbac.delete_role(text) IS
'deletes an environment role and its grants; 55000 if it is a default role, 42704 if there is none';

CREATE FUNCTION rbac.delete_organization_role(organization_id text, slug text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.remove_role(rbac.own_organization_role(organization_id, slug))
$$;
COMMENT ON FUNCTION rbac.delete_organization_role(text, text) IS
'deletes an organization role and its grants; 55000 if it is the default role, 42704 if there is none';

-- Replace, add or remove grants of a role and return it.
CREATE FUNCTION rbac.change_grants(r rbac.role, permissions text[], mode text) RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	wanted text[];
	missing text;
	changed integer := 0;
	n integer;
BEGIN
	IF permissions IS NULL THEN
		RAISE EXCEPTION 'permissions must not be null'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Pass ''{}'' to remove every permission.';
	END IF;
	IF array_ndims(permissions) > 1 THEN
		RAISE EXCEPTION 'permissions must be a one-dimensional array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(permissions, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'permissions must not contain null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- validate every slug (22023) before looking anything up
	SELECT array_agg(DISTINCT s::rbac.permission_slug::text) INTO wanted
	FROM unnest(permissions) s;
	wanted := coalesce(wanted, '{}');
	SELECT w INTO missing FROM unnest(wanted) w
	WHERE NOT EXISTS (SELECT 1 FROM rbac.permission p WHERE p.slug = w)
	ORDER BY w LIMIT 1;
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION 'permission "%" does not exist', missing
			USING ERRCODE = 'undefined_object';
	END IF;
	-- lock the role row: concurrent changes to one role's grants serialize
	PERFORM rbac.lock_role(r, true);
	IF mode IN ('set', 'remove') THEN
		DELETE FROM rbac.role_permission rp
		WHERE rp.role_id = r.id
		  AND (CASE WHEN mode = 'set' THEN rp.permission_slug <> ALL (wanted)
					ELSE rp.permission_slug = ANY (wanted) END);
		GET DIAGNOSTICS n = ROW_COUNT;
		changed := changed + n;
	END IF;
	IF mode IN ('set', 'add') THEN
		INSERT INTO rbac.role_permission (role_id, permission_slug)
		SELECT r.id, w FROM unnest(wanted) w
		ON CONFLICT DO NOTHING;
		GET DIAGNOSTICS n = ROW_COUNT;
		changed := changed + n;
	END IF;
	IF changed > 0 THEN
		UPDATE rbac.role x SET updated_at = clock_timestamp() WHERE x.id = r.id
		RETURNING * INTO r;
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.change_grants(rbac.role, text[], text) IS
'replaces (set), adds or removes permissions of a role, all or nothing; 42704 names the first unknown permission';

CREATE FUNCTION rbac.set_role_permissions(slug text, permissions text[]) RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.change_grants(rbac.get_role(slug), permissions, 'set')
$$;
COMMENT ON FUNCTION rbac.set_role_permissions(text, text[]) IS
'replaces the whole permission set of an environment role (''{}'' removes all); an unknown permission fails the whole call';

CREATE FUNCTION rbac.add_role_permission(slug text, permission_slug text) RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(permission_slug, 'permission slug');
	RETURN rbac.change_grants(rbac.get_role(slug), ARRAY[permission_slug], 'add');
END
$$;
COMMENT ON FUNCTION rbac.add_role_permission(text, text) IS
'grants a permission to an environment role; no effect if it is already granted';

CREATE FUNCTION rbac.remove_role_permission(slug text, permission_slug text) RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(permission_slug, 'permission slug');
	RETURN rbac.change_grants(rbac.get_role(slug), ARRAY[permission_slug], 'remove');
END
$$;
COMMENT ON FUNCTION rbac.remove_role_permission(text, text) IS
'revokes a permission from an environment role; no effect if it is not granted';

CREATE FUNCTION rbac.set_organization_role_permissions(organization_id text, slug text,
													   permissions text[])
RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.change_grants(rbac.own_organization_role(organization_id, slug), permissions, 'set')
$$;
COMMENT ON FUNCTION rbac.set_organization_role_permissions(text, text, text[]) IS
'replaces the whole permission set of an organization role (''{}'' removes all); an unknown permission fails the whole call';

CREATE FUNCTION rbac.add_organization_role_permission(organization_id text, slug text,
													  permission_slug text)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(permission_slug, 'permission slug');
	RETURN rbac.change_grants(rbac.own_organization_role(organization_id, slug),
							  ARRAY[permission_slug], 'add');
END
$$;
COMMENT ON FUNCTION rbac.add_organization_role_permission(text, text, text) IS
'grants a permission to an organization role; no effect if it is already granted';

CREATE FUNCTION rbac.remove_organization_role_permission(organization_id text, slug text,
														 permission_slug text)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(permission_slug, 'permission slug');
	RETURN rbac.change_grants(rbac.own_organization_role(organization_id, slug),
							  ARRAY[permission_slug], 'remove');
END
$$;
COMMENT ON FUNCTION rbac.remove_organization_role_permission(text, text, text) IS
'revokes a permission from an organization role; no effect if it is not granted';

CREATE FUNCTION rbac.set_role_priority(slug text, priority integer) RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	-- take the list's lock first: the role is looked up after any
	-- concurrent change to the list has committed
	PERFORM rbac.lock_list(NULL);
	r := rbac.get_role(slug);
	PERFORM rbac.lock_role(r, false);
	PERFORM rbac.move_in_list(NULL, r.id, priority);
	UPDATE rbac.role x SET updated_at = clock_timestamp() WHERE x.id = r.id
	RETURNING * INTO r;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.set_role_priority(text, integer) IS
'moves an environment role to a 1-based place in the environment list (and in the lists of organizations without an order of their own)';

CREATE FUNCTION rbac.set_organization_role_priority(organization_id text, slug text,
													priority integer)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	PERFORM rbac.require(organization_id, 'organization id');
	PERFORM rbac.lock_list(organization_id);
	r := rbac.get_organization_role(organization_id, slug);
	PERFORM rbac.lock_role(r, false);
	PERFORM rbac.ensure_own_order(organization_id);
	PERFORM rbac.move_in_list(organization_id, r.id, priority);
	UPDATE rbac.role x SET updated_at = clock_timestamp() WHERE x.id = r.id
	RETURNING * INTO r;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.set_organization_role_priority(text, text, integer) IS
'moves a role (its own or an environment role) to a 1-based place in the organization''s list; the organization gets an order of its own and the environment list is unchanged';

------------------------------------------------------------------------------
-- Default role and priority use
------------------------------------------------------------------------------

CREATE FUNCTION rbac.set_default_role(slug text, organization_id text DEFAULT NULL)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	IF organization_id IS NOT NULL THEN
		PERFORM organization_id::rbac.organization_id;
	END IF;
	PERFORM rbac.lock_list(organization_id);
	IF organization_id IS NULL THEN
		r := rbac.get_role(slug);
	ELSE
		r := rbac.get_organization_role(organization_id, slug);
	END IF;
	PERFORM rbac.lock_role(r, false);
	UPDATE rbac.default_role d SET role_id = r.id
	WHERE d.organization_id IS NOT DISTINCT FROM set_default_role.organization_id;
	IF NOT FOUND THEN
		INSERT INTO rbac.default_role (organization_id, role_id)
		VALUES (set_default_role.organization_id, r.id);
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION rbac.set_default_role(text, text) IS
'makes the role the default role of the environment (organization_id NULL) or of the organization; a default role cannot be deleted';

CREATE FUNCTION rbac.get_default_role(organization_id text DEFAULT NULL) RETURNS rbac.role
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.* FROM rbac.default_role d JOIN rbac.role r ON r.id = d.role_id
	WHERE d.organization_id IS NOT DISTINCT FROM get_default_role.organization_id
	   OR d.organization_id IS NULL
	ORDER BY d.organization_id NULLS LAST
	LIMIT 1
$$;
COMMENT ON FUNCTION rbac.get_default_role(text) IS
'the default role that applies in the organization: its own, else the environment''s; NULL if none is set';

CREATE FUNCTION rbac.highest_priority_role(role_slugs text[], organization_id text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s text;
	best text;
	best_priority integer;
	p integer;
BEGIN
	IF role_slugs IS NULL THEN
		RETURN NULL;
	END IF;
	IF array_ndims(role_slugs) > 1 THEN
		RAISE EXCEPTION 'role slugs must be a one-dimensional array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(role_slugs, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'role slugs must not contain null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF organization_id IS NOT NULL THEN
		PERFORM organization_id::rbac.organization_id;
	END IF;
	FOREACH s IN ARRAY role_slugs LOOP
		SELECT l.priority INTO p
		FROM rbac.priority_list(highest_priority_role.organization_id) l
		JOIN rbac.role r ON r.id = l.role_id
		WHERE r.slug = s::rbac.role_slug::text;
		IF NOT FOUND THEN
			IF organization_id IS NULL THEN
				RAISE EXCEPTION 'role "%" does not exist', s
					USING ERRCODE = 'undefined_object';
			ELSE
				RAISE EXCEPTION 'role "%" does not exist in organization "%"', s, organization_id
					USING ERRCODE = 'undefined_object';
			END IF;
		END IF;
		IF best_priority IS NULL OR p < best_priority THEN
			best := s;
			best_priority := p;
		END IF;
	END LOOP;
	RETURN best;
END
$$;
COMMENT ON FUNCTION rbac.highest_priority_role(text[], text) IS
'of several roles, the one with the highest priority in the environment list or the organization''s list (what single-role mode keeps); NULL for an empty array, 42704 for an unknown role';

------------------------------------------------------------------------------
-- JSON: the WorkOS objects
------------------------------------------------------------------------------

CREATE FUNCTION rbac.json_timestamp(ts timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
COMMENT ON FUNCTION rbac.json_timestamp(timestamptz) IS
'a timestamp as WorkOS writes it: UTC with milliseconds, e.g. 2026-01-15T12:00:00.000Z';

CREATE FUNCTION rbac.permission_json(p rbac.permission) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'object', 'permission',
		'id', p.id,
		'slug', p.slug,
		'name', p.name,
		'description', p.description,
		'system', p.system,
		'resource_type_slug', p.resource_type_slug,
		'created_at', rbac.json_timestamp(p.created_at),
		'updated_at', rbac.json_timestamp(p.updated_at))
$$;
COMMENT ON FUNCTION rbac.permission_json(rbac.permission) IS
'the permission as a WorkOS Permission object';

CREATE FUNCTION rbac.role_json(r rbac.role) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'object', 'role',
		'id', r.id,
		'name', r.name,
		'slug', r.slug,
		'description', r.description,
		'permissions', to_jsonb(ARRAY(
			SELECT rp.permission_slug::text FROM rbac.role_permission rp
			WHERE rp.role_id = r.id ORDER BY 1)),
		'resource_type_slug', r.resource_type_slug,
		'type', r.type,
		'created_at', rbac.json_timestamp(r.created_at),
		'updated_at', rbac.json_timestamp(r.updated_at))
$$;
COMMENT ON FUNCTION rbac.role_json(rbac.role) IS
'the role as a WorkOS Role object, with its permission slugs';

CREATE FUNCTION rbac.list_roles_json(organization_id text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF organization_id IS NOT NULL THEN
		PERFORM rbac.check_organization_id(organization_id);
	END IF;
	RETURN jsonb_build_object(
		'object', 'list',
		'data', coalesce((
			SELECT jsonb_agg(rbac.role_json(r) ORDER BY p.priority)
			FROM rbac.priority_list(list_roles_json.organization_id) p
			JOIN rbac.role r ON r.id = p.role_id), '[]'::jsonb));
END
$$;
COMMENT ON FUNCTION rbac.list_roles_json(text) IS
'the environment''s (or the organization''s) roles as a WorkOS list, in priority order';

CREATE FUNCTION rbac.list_permissions_json(lim integer DEFAULT 10, before text DEFAULT NULL,
										   after text DEFAULT NULL, sort_order text DEFAULT 'desc')
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ids text[];
	data jsonb;
	first_id text;
	last_id text;
	ascending boolean := sort_order = 'asc';
	more_before boolean := false;
	more_after boolean := false;
BEGIN
	SELECT coalesce(jsonb_agg(rbac.permission_json(page.l) ORDER BY page.n), '[]'::jsonb),
		   array_agg((page.l).id ORDER BY page.n)
	INTO data, ids
	FROM (SELECT l, row_number() OVER () AS n
		  FROM rbac.list_permissions(lim, before, after, sort_order) l) page;
	IF ids IS NOT NULL THEN
		first_id := ids[1];
		last_id := ids[array_length(ids, 1)];
		SELECT EXISTS (SELECT 1 FROM rbac.permission p
					   WHERE CASE WHEN ascending THEN p.id < first_id ELSE p.id > first_id END)
		INTO more_before;
		SELECT EXISTS (SELECT 1 FROM rbac.permission p
					   WHERE CASE WHEN ascending THEN p.id > last_id ELSE p.id < last_id END)
		INTO more_after;
	END IF;
	RETURN jsonb_build_object(
		'object', 'list',
		'data', data,
		'list_metadata', jsonb_build_object(
			'before', CASE WHEN more_before THEN first_id END,
			'after', CASE WHEN more_after THEN last_id END));
END
$$;
COMMENT ON FUNCTION rbac.list_permissions_json(integer, text, text, text) IS
'a page of permissions as a WorkOS list with list_metadata: after = cursor of the next page (NULL on the last), before = cursor of the previous page (NULL on the first)';

------------------------------------------------------------------------------
-- Organization memberships (SPEC 4)
------------------------------------------------------------------------------

CREATE FUNCTION rbac.check_user_id(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_check_user_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.check_user_id(text) IS
'true for a user id of 1 to 128 characters without control characters, else raises 22023 (the check of domain rbac.user_id)';

CREATE DOMAIN rbac.user_id AS text COLLATE "C"
	CHECK (rbac.check_user_id(VALUE));
COMMENT ON DOMAIN rbac.user_id IS
'an opaque user id such as user_01H...: 1 to 128 characters';

CREATE TABLE rbac.setting (
	singleton boolean NOT NULL DEFAULT true,
	multiple_roles boolean NOT NULL DEFAULT false,
	CONSTRAINT setting_pkey PRIMARY KEY (singleton),
	CONSTRAINT setting_singleton_check CHECK (singleton)
);
COMMENT ON TABLE rbac.setting IS
'environment settings, at most one row (none: the defaults): multiple_roles allows a membership to hold several roles';

CREATE TABLE rbac.membership (
	id text COLLATE "C" NOT NULL DEFAULT rbac.new_id('om'),
	user_id rbac.user_id NOT NULL,
	organization_id rbac.organization_id NOT NULL,
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	CONSTRAINT membership_pkey PRIMARY KEY (id),
	CONSTRAINT membership_user_organization_key UNIQUE (user_id, organization_id),
	CONSTRAINT membership_id_check CHECK (id ~ '^om_[0-9A-HJKMNP-TV-Z]{26}$')
);
COMMENT ON TABLE rbac.membership IS
'organization memberships (WorkOS OrganizationMembership objects): one per user and organization';

CREATE TABLE rbac.membership_role (
	membership_id text COLLATE "C" NOT NULL
		REFERENCES rbac.membership (id) ON DELETE CASCADE,
	role_id text COLLATE "C" NOT NULL REFERENCES rbac.role (id),
	CONSTRAINT membership_role_pkey PRIMARY KEY (membership_id, role_id)
);
CREATE INDEX membership_role_role_id_idx ON rbac.membership_role (role_id);
COMMENT ON TABLE rbac.membership_role IS
'the roles each membership holds (at least one; several only with rbac.set_multiple_roles(true))';

SELECT pg_catalog.pg_extension_config_dump('rbac.setting', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.membership', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.membership_role', '');

CREATE FUNCTION rbac.membership_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.id IS DISTINCT FROM OLD.id OR NEW.user_id IS DISTINCT FROM OLD.user_id
	   OR NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
		RAISE EXCEPTION 'cannot change the id, user or organization of membership "%"', OLD.id
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Delete the membership and create another.';
	END IF;
	NEW.created_at := OLD.created_at;
	NEW.updated_at := clock_timestamp();
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.membership_guard() IS
'row trigger on rbac.membership: immutable id, user and organization, updated_at';

CREATE TRIGGER membership_guard
	BEFORE UPDATE ON rbac.membership
	FOR EACH ROW EXECUTE FUNCTION rbac.membership_guard();

CREATE FUNCTION rbac.membership_role_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (
		SELECT 1 FROM rbac.membership m JOIN rbac.role r ON r.id = NEW.role_id
		WHERE m.id = NEW.membership_id
		  AND (r.organization_id IS NULL OR r.organization_id = m.organization_id))
	THEN
		RAISE EXCEPTION 'role "%" is not in the priority list of the organization of membership "%"',
			rbac.shorten(NEW.role_id), rbac.shorten(NEW.membership_id)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.membership_role_guard() IS
'row trigger on rbac.membership_role: a membership holds environment roles or roles of its own organization';

CREATE TRIGGER membership_role_guard
	BEFORE INSERT OR UPDATE ON rbac.membership_role
	FOR EACH ROW EXECUTE FUNCTION rbac.membership_role_guard();

CREATE FUNCTION rbac.membership_keeps_a_role() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		IF EXISTS (SELECT 1 FROM rbac.membership) THEN
			RAISE EXCEPTION 'memberships would have no roles'
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Every membership holds at least one role.',
					  HINT = 'Truncate rbac.membership along with rbac.membership_role.';
		END IF;
		RETURN NULL;
	END IF;
	-- checked at commit: a membership deleted meanwhile is no concern
	IF EXISTS (SELECT 1 FROM rbac.membership m WHERE m.id = OLD.membership_id)
	   AND NOT EXISTS (SELECT 1 FROM rbac.membership_role mr
					   WHERE mr.membership_id = OLD.membership_id) THEN
		RAISE EXCEPTION 'membership "%" would have no roles', OLD.membership_id
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Every membership holds at least one role.',
				  HINT = 'Give it another role, or delete the membership.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION rbac.membership_keeps_a_role() IS
'deferred trigger on rbac.membership_role: the last role of a membership cannot be taken away (a membership inserted by direct DML gets its roles in later statements, as a restore loads them)';

CREATE CONSTRAINT TRIGGER membership_keeps_a_role
	AFTER DELETE OR UPDATE ON rbac.membership_role
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION rbac.membership_keeps_a_role();
CREATE TRIGGER membership_keeps_a_role_truncate
	AFTER TRUNCATE ON rbac.membership_role
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.membership_keeps_a_role();

CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.setting
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();
CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.membership
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();
CREATE TRIGGER invalidate_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.membership_role
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache();

CREATE FUNCTION rbac.set_multiple_roles(enabled boolean) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF enabled IS NULL THEN
		RAISE EXCEPTION 'enabled must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO rbac.setting AS s (multiple_roles) VALUES (enabled)
	ON CONFLICT ON CONSTRAINT setting_pkey DO UPDATE SET multiple_roles = excluded.multiple_roles;
	RETURN enabled;
END
$$;
COMMENT ON FUNCTION rbac.set_multiple_roles(boolean) IS
'allows (true) or refuses (false, the default) memberships with more than one role; existing memberships keep their roles';

CREATE FUNCTION rbac.multiple_roles_enabled() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce((SELECT s.multiple_roles FROM rbac.setting s), false)
$$;
COMMENT ON FUNCTION rbac.multiple_roles_enabled() IS
'true if memberships may hold more than one role (rbac.set_multiple_roles)';

-- The role ids a membership in the organization gets for these slugs.
CREATE FUNCTION rbac.membership_role_ids(organization_id text, role_slugs text[]) RETURNS text[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ids text[] := '{}';
	s text;
	r rbac.role;
BEGIN
	IF role_slugs IS NULL THEN
		r := rbac.get_default_role(organization_id);
		IF r.id IS NULL THEN
			RAISE EXCEPTION 'no default role is set for organization "%"', organization_id
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  HINT = 'Pass role slugs, or set a default role with rbac.set_default_role().';
		END IF;
		PERFORM rbac.lock_role(r, false);
		RETURN ARRAY[r.id];
	END IF;
	IF cardinality(role_slugs) = 0 THEN
		RAISE EXCEPTION 'a membership needs at least one role'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_ndims(role_slugs) > 1 THEN
		RAISE EXCEPTION 'role slugs must be a one-dimensional array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(role_slugs, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'role slugs must not contain null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOREACH s IN ARRAY role_slugs LOOP
		r := rbac.get_organization_role(organization_id, s);
		PERFORM rbac.lock_role(r, false);
		IF NOT r.id = ANY (ids) THEN
			ids := ids || r.id;
		END IF;
	END LOOP;
	IF cardinality(ids) > 1 AND NOT rbac.multiple_roles_enabled() THEN
		RAISE EXCEPTION 'multiple roles are not enabled'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('%s roles were given for one membership.', cardinality(ids)),
				  HINT = 'Enable them with rbac.set_multiple_roles(true).';
	END IF;
	RETURN ids;
END
$$;
COMMENT ON FUNCTION rbac.membership_role_ids(text, text[]) IS
'the role ids for a membership in the organization: the given slugs (42704 if one is unknown, 22023 for several unless multiple roles are enabled), or for NULL the default role';

CREATE FUNCTION rbac.get_organization_membership(user_id text, organization_id text)
RETURNS rbac.membership
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
BEGIN
	PERFORM rbac.require(user_id, 'user id');
	PERFORM rbac.require(organization_id, 'organization id');
	PERFORM user_id::rbac.user_id, organization_id::rbac.organization_id;
	SELECT * INTO m FROM rbac.membership x
	WHERE x.user_id = get_organization_membership.user_id::text
	  AND x.organization_id = get_organization_membership.organization_id::text;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'organization membership of user "%" in organization "%" does not exist',
			user_id, organization_id
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN m;
END
$$;
COMMENT ON FUNCTION rbac.get_organization_membership(text, text) IS
'the membership of the user in the organization; 42704 if there is none';

CREATE FUNCTION rbac.create_organization_membership(user_id text, organization_id text,
													role_slugs text[] DEFAULT NULL)
RETURNS rbac.membership
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
	ids text[];
BEGIN
	PERFORM rbac.require(user_id, 'user id');
	PERFORM rbac.require(organization_id, 'organization id');
	PERFORM user_id::rbac.user_id, organization_id::rbac.organization_id;
	ids := rbac.membership_role_ids(organization_id, role_slugs);
	BEGIN
		INSERT INTO rbac.membership AS x (user_id, organization_id)
		VALUES (create_organization_membership.user_id, create_organization_membership.organization_id)
		RETURNING * INTO m;
	EXCEPTION WHEN unique_violation THEN
		RAISE EXCEPTION 'organization membership of user "%" in organization "%" already exists',
			user_id, organization_id
			USING ERRCODE = 'unique_violation';
	END;
	INSERT INTO rbac.membership_role (membership_id, role_id)
	SELECT m.id, unnest(ids);
	RETURN m;
END
$$;
COMMENT ON FUNCTION rbac.create_organization_membership(text, text, text[]) IS
'makes the user a member of the organization with these roles (NULL: the organization''s default role, else the environment''s); 23505 if a membership exists';

CREATE FUNCTION rbac.update_organization_membership(user_id text, organization_id text,
													role_slugs text[])
RETURNS rbac.membership
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
	ids text[];
BEGIN
	m := rbac.get_organization_membership(user_id, organization_id);
	IF role_slugs IS NULL THEN
		RAISE EXCEPTION 'role slugs must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM 1 FROM rbac.membership x WHERE x.id = m.id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'organization membership of user "%" in organization "%" does not exist',
			user_id, organization_id
			USING ERRCODE = 'undefined_object';
	END IF;
	ids := rbac.membership_role_ids(organization_id, role_slugs);
	DELETE FROM rbac.membership_role mr WHERE mr.membership_id = m.id AND mr.role_id <> ALL (ids);
	INSERT INTO rbac.membership_role (membership_id, role_id)
	SELECT m.id, unnest(ids)
	ON CONFLICT DO NOTHING;
	UPDATE rbac.membership x SET updated_at = clock_timestamp() WHERE x.id = m.id
	RETURNING * INTO m;
	RETURN m;
END
$$;
COMMENT ON FUNCTION rbac.update_organization_membership(text, text, text[]) IS
'replaces the roles of a membership (at least one; several only with multiple roles enabled); 42704 for an unknown membership or role';

CREATE FUNCTION rbac.delete_organization_membership(user_id text, organization_id text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
BEGIN
	m := rbac.get_organization_membership(user_id, organization_id);
	DELETE FROM rbac.membership x WHERE x.id = m.id;
END
$$;
COMMENT ON FUNCTION rbac.delete_organization_membership(text, text) IS
'ends the membership of the user in the organization; 42704 if there is none';

CREATE FUNCTION rbac.user_roles(user_id text, organization_id text) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce(array_agg(r.slug::text ORDER BY p.priority), '{}')
	FROM rbac.membership m
	JOIN rbac.membership_role mr ON mr.membership_id = m.id
	JOIN rbac.role r ON r.id = mr.role_id
	JOIN rbac.priority_list(user_roles.organization_id) p ON p.role_id = r.id
	WHERE m.user_id = user_roles.user_id AND m.organization_id = user_roles.organization_id
$$;
COMMENT ON FUNCTION rbac.user_roles(text, text) IS
'the roles of the user''s membership in the organization, highest priority first; empty if not a member';

CREATE FUNCTION rbac.user_role(user_id text, organization_id text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (rbac.user_roles(user_id, organization_id))[1]
$$;
COMMENT ON FUNCTION rbac.user_role(text, text) IS
'the highest-priority role of the user in the organization: what a token''s role claim carries; NULL if not a member';

CREATE FUNCTION rbac.user_permissions(user_id text, organization_id text) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT DISTINCT rp.permission_slug::text
	FROM rbac.membership m
	JOIN rbac.membership_role mr ON mr.membership_id = m.id
	JOIN rbac.role_permission rp ON rp.role_id = mr.role_id
	WHERE m.user_id = user_permissions.user_id AND m.organization_id = user_permissions.organization_id
	ORDER BY 1
$$;
COMMENT ON FUNCTION rbac.user_permissions(text, text) IS
'the permission slugs the user''s roles in the organization grant (wildcard grants as written), sorted';

CREATE FUNCTION rbac.membership_json(m rbac.membership) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH roles AS (
		SELECT r.slug::text AS slug, p.priority
		FROM rbac.membership_role mr
		JOIN rbac.role r ON r.id = mr.role_id
		JOIN rbac.priority_list(m.organization_id) p ON p.role_id = r.id
		WHERE mr.membership_id = m.id
	)
	SELECT jsonb_build_object(
		'object', 'organization_membership',
		'id', m.id,
		'user_id', m.user_id,
		'organization_id', m.organization_id,
		'role', (SELECT jsonb_build_object('slug', slug) FROM roles ORDER BY priority LIMIT 1),
		'roles', coalesce((SELECT jsonb_agg(jsonb_build_object('slug', slug) ORDER BY priority) FROM roles), '[]'),
		'created_at', rbac.json_timestamp(m.created_at),
		'updated_at', rbac.json_timestamp(m.updated_at))
$$;
COMMENT ON FUNCTION rbac.membership_json(rbac.membership) IS
'the membership as a WorkOS OrganizationMembership object: role = the highest-priority role, roles in priority order';

------------------------------------------------------------------------------
-- Membership checks and the request's principal (C)
------------------------------------------------------------------------------

CREATE FUNCTION rbac.user_has_permission(user_id text, organization_id text, permission_slug text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_user_has_permission'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.user_has_permission(text, text, text) IS
'true if any role of the user''s membership in the organization grants the permission; not a member, unknown or malformed: false';

CREATE FUNCTION rbac.organizations_with_permission(user_id text, permission_slug text)
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'rbac_organizations_with_permission'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION rbac.organizations_with_permission(text, text) IS
'the organizations in which the user''s roles grant the permission, for the once-per-statement policy org_id IN (SELECT rbac.organizations_with_permission(...))';

CREATE FUNCTION rbac.has_permission(permission_slug text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_has_permission'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.has_permission(text) IS
'true if the current request''s principal has the permission: settings rbac.user_id (+ rbac.organization_id), else rbac.role (+ rbac.organization_id), else the role, roles and org_id claims of request.jwt.claims; no principal: false';

CREATE FUNCTION rbac.has_permission(permission_slug text, organization_id text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_has_permission_org'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.has_permission(text, text) IS
'true if the current request''s principal has the permission in the organization (see rbac.has_permission(text)); a principal bound to another organization: false';

------------------------------------------------------------------------------
-- The extension's owner manages the catalog and may delegate it (a trusted
-- install by a database owner leaves the objects to the bootstrap
-- superuser, so this is what lets that owner use what they installed).
------------------------------------------------------------------------------

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA rbac
	TO @extowner@ WITH GRANT OPTION;
GRANT USAGE, SELECT, UPDATE ON SEQUENCE rbac.role_sort_key_seq
	TO @extowner@ WITH GRANT OPTION;
