/* rbac--1.0--1.1.sql -- rbac 1.1: hardening (see README "Security model") */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION rbac UPDATE TO '1.1'" to load this file. \quit

------------------------------------------------------------------------------
-- The schema (SPEC 5.1).  rbac is trusted, so a role that is not a superuser
-- may install it; CREATE EXTENSION then uses an existing schema "rbac",
-- whoever made it, and makes a new one owned by the installer, who could
-- add functions to it or rename it and put a look-alike in its place.
-- rbac.check_schema() (src/guard.c) refuses a fresh install into a schema
-- someone else controls (42P06); then the schema goes to the role running
-- this script (the bootstrap superuser, for a trusted install) and CREATE
-- on it to no one else.  The installer keeps what 1.0 gave: the tables WITH
-- GRANT OPTION and every function.
------------------------------------------------------------------------------

CREATE FUNCTION rbac.check_schema() RETURNS void
AS 'MODULE_PATHNAME', 'rbac_check_schema'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION rbac.check_schema() IS
'run by the extension''s scripts only: refuses (42P06) to install rbac into a schema "rbac" that existed before and that a role other than a superuser owns, that holds other objects or that others may create objects in';
REVOKE ALL ON FUNCTION rbac.check_schema() FROM PUBLIC;

SELECT rbac.check_schema();

ALTER SCHEMA rbac OWNER TO CURRENT_USER;

DO $$
DECLARE
	grantee oid;
BEGIN
	FOR grantee IN
		SELECT a.grantee
		FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
		WHERE n.nspname OPERATOR(pg_catalog.=) 'rbac'
		  AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
		  AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
	LOOP
		-- (regrole's text is already quoted as an identifier)
		EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA rbac FROM %s CASCADE',
			CASE WHEN grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
				 ELSE grantee::pg_catalog.regrole::pg_catalog.text END);
	END LOOP;
END
$$;

------------------------------------------------------------------------------
-- Type-exact internal calls (SPEC 5.1)
--
-- Every SQL and PL/pgSQL function of 1.0 again, with the same signature,
-- markings and comment, and a body that differs only in casts: each argument
-- of a call to an rbac function now has exactly the parameter's type.  A
-- string literal (type unknown), a NULL, a domain-typed column or field
-- (permission.slug, role.organization_id, NEW.organization_id ...) left the
-- callee to overload resolution, where an overload created later in schema
-- rbac on varchar, on the domain itself or on a polymorphic type could be a
-- better match than rbac's own text function; an exact match always wins.
-- SET search_path = pg_catalog, pg_temp is no help there: such an overload
-- would live in schema rbac, which the calls name.  rbac.has_own_order and
-- rbac.priority_list have no SET clause (they are inlined) and qualify every
-- function and operator, as in 1.0.
--
-- Besides the casts, rbac.role_json and rbac.membership_json become VOLATILE
-- (SPEC 2, 1.1: a JSON function applied to what a mutator returns shows the
-- state after it); the new rbac.role_object keeps 1.0's STABLE Role object
-- for rbac.list_roles_json, which still answers from one snapshot.
------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION rbac.may_manage_system_permissions() RETURNS boolean
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

CREATE OR REPLACE FUNCTION rbac.permission_guard() RETURNS trigger
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

CREATE OR REPLACE FUNCTION rbac.permission_truncate_guard() RETURNS trigger
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

CREATE OR REPLACE FUNCTION rbac.role_guard() RETURNS trigger
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

CREATE OR REPLACE FUNCTION rbac.list_entry_guard() RETURNS trigger
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
			coalesce('organization "' || rbac.shorten(NEW.organization_id::text) || '"', 'the environment')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION rbac.has_own_order(organization_id text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
	SELECT EXISTS (SELECT 1 FROM rbac.organization_order o
				   WHERE o.organization_id OPERATOR(pg_catalog.=) has_own_order.organization_id)
$$;

CREATE OR REPLACE FUNCTION rbac.priority_list(organization_id text DEFAULT NULL)
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

CREATE OR REPLACE FUNCTION rbac.lock_list(organization_id text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.pg_advisory_xact_lock(
		pg_catalog.hashtext('rbac.priority_list'),
		pg_catalog.hashtext(coalesce(lock_list.organization_id, '')))
$$;

CREATE OR REPLACE FUNCTION rbac.ensure_own_order(organization_id text) RETURNS void
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

CREATE OR REPLACE FUNCTION rbac.move_in_list(organization_id text, role_id text, priority integer)
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

CREATE OR REPLACE FUNCTION rbac.require(value text, what text) RETURNS void
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

CREATE OR REPLACE FUNCTION rbac.shorten(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN length(value) > 64 THEN left(value, 64) || '...' ELSE value END
$$;

CREATE OR REPLACE FUNCTION rbac.get_permission(slug text) RETURNS rbac.permission
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p rbac.permission;
BEGIN
	PERFORM rbac.require(slug, 'permission slug'::text);
	PERFORM slug::rbac.permission_slug;
	SELECT * INTO p FROM rbac.permission x WHERE x.slug = get_permission.slug::text;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'permission "%" does not exist', slug
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN p;
END
$$;

CREATE OR REPLACE FUNCTION rbac.create_permission(slug text, name text, description text DEFAULT NULL,
									   resource_type_slug text DEFAULT 'organization')
RETURNS rbac.permission
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p rbac.permission;
BEGIN
	PERFORM rbac.require(slug, 'permission slug'::text);
	PERFORM rbac.require(name, 'name'::text);
	PERFORM rbac.require(resource_type_slug, 'resource type slug'::text);
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

CREATE OR REPLACE FUNCTION rbac.list_permissions(lim integer DEFAULT 10, before text DEFAULT NULL,
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

CREATE OR REPLACE FUNCTION rbac.touch_roles_with_permission(permission_slug text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	UPDATE rbac.role r SET updated_at = clock_timestamp()
	WHERE r.id IN (SELECT rp.role_id FROM rbac.role_permission rp
				   WHERE rp.permission_slug = touch_roles_with_permission.permission_slug::text)
$$;

CREATE OR REPLACE FUNCTION rbac.update_permission(slug text, name text DEFAULT NULL, description text DEFAULT NULL)
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

CREATE OR REPLACE FUNCTION rbac.delete_permission(slug text) RETURNS void
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
	PERFORM rbac.touch_roles_with_permission(p.slug::text);
	DELETE FROM rbac.permission x WHERE x.id = p.id;
END
$$;

CREATE OR REPLACE FUNCTION rbac.get_role(slug text) RETURNS rbac.role
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	PERFORM rbac.require(slug, 'role slug'::text);
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

CREATE OR REPLACE FUNCTION rbac.get_organization_role(organization_id text, slug text) RETURNS rbac.role
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	PERFORM rbac.require(organization_id, 'organization id'::text);
	PERFORM rbac.require(slug, 'role slug'::text);
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

CREATE OR REPLACE FUNCTION rbac.own_organization_role(organization_id text, slug text) RETURNS rbac.role
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

CREATE OR REPLACE FUNCTION rbac.lock_role(r rbac.role, exclusive boolean) RETURNS void
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

CREATE OR REPLACE FUNCTION rbac.insert_role(organization_id text, slug text, name text, description text,
								 resource_type_slug text)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	PERFORM rbac.require(slug, 'role slug'::text);
	PERFORM rbac.require(name, 'name'::text);
	PERFORM rbac.require(resource_type_slug, 'resource type slug'::text);
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

CREATE OR REPLACE FUNCTION rbac.create_role(slug text, name text, description text DEFAULT NULL,
								 resource_type_slug text DEFAULT 'organization')
RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.insert_role(NULL::text, slug, name, description, resource_type_slug)
$$;

CREATE OR REPLACE FUNCTION rbac.create_organization_role(organization_id text, slug text, name text,
											  description text DEFAULT NULL,
											  resource_type_slug text DEFAULT 'organization')
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(organization_id, 'organization id'::text);
	PERFORM rbac.check_organization_id(organization_id);
	PERFORM rbac.lock_list(organization_id);
	PERFORM rbac.ensure_own_order(organization_id);
	RETURN rbac.insert_role(organization_id, slug, name, description, resource_type_slug);
END
$$;

CREATE OR REPLACE FUNCTION rbac.list_roles() RETURNS SETOF rbac.role
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.* FROM rbac.priority_list(NULL::text) p JOIN rbac.role r ON r.id = p.role_id
	ORDER BY p.priority
$$;

CREATE OR REPLACE FUNCTION rbac.list_organization_roles(organization_id text) RETURNS SETOF rbac.role
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(organization_id, 'organization id'::text);
	PERFORM rbac.check_organization_id(organization_id);
	RETURN QUERY
	SELECT r.* FROM rbac.priority_list(list_organization_roles.organization_id) p
	JOIN rbac.role r ON r.id = p.role_id
	ORDER BY p.priority;
END
$$;

CREATE OR REPLACE FUNCTION rbac.change_role(r rbac.role, name text, description text) RETURNS rbac.role
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

CREATE OR REPLACE FUNCTION rbac.update_role(slug text, name text DEFAULT NULL, description text DEFAULT NULL)
RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.change_role(rbac.get_role(slug), name, description)
$$;

CREATE OR REPLACE FUNCTION rbac.update_organization_role(organization_id text, slug text,
											  name text DEFAULT NULL, description text DEFAULT NULL)
RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.change_role(rbac.own_organization_role(organization_id, slug), name, description)
$$;

CREATE OR REPLACE FUNCTION rbac.remove_role(r rbac.role) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.lock_list(r.organization_id::text);
	DELETE FROM rbac.role x WHERE x.id = r.id;
END
$$;

CREATE OR REPLACE FUNCTION rbac.delete_role(slug text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.remove_role(rbac.get_role(slug))
$$;

CREATE OR REPLACE FUNCTION rbac.delete_organization_role(organization_id text, slug text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.remove_role(rbac.own_organization_role(organization_id, slug))
$$;

CREATE OR REPLACE FUNCTION rbac.change_grants(r rbac.role, permissions text[], mode text) RETURNS rbac.role
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

CREATE OR REPLACE FUNCTION rbac.set_role_permissions(slug text, permissions text[]) RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.change_grants(rbac.get_role(slug), permissions, 'set'::text)
$$;

CREATE OR REPLACE FUNCTION rbac.add_role_permission(slug text, permission_slug text) RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(permission_slug, 'permission slug'::text);
	RETURN rbac.change_grants(rbac.get_role(slug), ARRAY[permission_slug], 'add'::text);
END
$$;

CREATE OR REPLACE FUNCTION rbac.remove_role_permission(slug text, permission_slug text) RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(permission_slug, 'permission slug'::text);
	RETURN rbac.change_grants(rbac.get_role(slug), ARRAY[permission_slug], 'remove'::text);
END
$$;

CREATE OR REPLACE FUNCTION rbac.set_organization_role_permissions(organization_id text, slug text,
													   permissions text[])
RETURNS rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.change_grants(rbac.own_organization_role(organization_id, slug), permissions, 'set'::text)
$$;

CREATE OR REPLACE FUNCTION rbac.add_organization_role_permission(organization_id text, slug text,
													  permission_slug text)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(permission_slug, 'permission slug'::text);
	RETURN rbac.change_grants(rbac.own_organization_role(organization_id, slug),
							  ARRAY[permission_slug], 'add'::text);
END
$$;

CREATE OR REPLACE FUNCTION rbac.remove_organization_role_permission(organization_id text, slug text,
														 permission_slug text)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.require(permission_slug, 'permission slug'::text);
	RETURN rbac.change_grants(rbac.own_organization_role(organization_id, slug),
							  ARRAY[permission_slug], 'remove'::text);
END
$$;

CREATE OR REPLACE FUNCTION rbac.set_role_priority(slug text, priority integer) RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	-- take the list's lock first: the role is looked up after any
	-- concurrent change to the list has committed
	PERFORM rbac.lock_list(NULL::text);
	r := rbac.get_role(slug);
	PERFORM rbac.lock_role(r, false);
	PERFORM rbac.move_in_list(NULL::text, r.id, priority);
	UPDATE rbac.role x SET updated_at = clock_timestamp() WHERE x.id = r.id
	RETURNING * INTO r;
	RETURN r;
END
$$;

CREATE OR REPLACE FUNCTION rbac.set_organization_role_priority(organization_id text, slug text,
													priority integer)
RETURNS rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	PERFORM rbac.require(organization_id, 'organization id'::text);
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

CREATE OR REPLACE FUNCTION rbac.set_default_role(slug text, organization_id text DEFAULT NULL)
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

CREATE OR REPLACE FUNCTION rbac.get_default_role(organization_id text DEFAULT NULL) RETURNS rbac.role
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.* FROM rbac.default_role d JOIN rbac.role r ON r.id = d.role_id
	WHERE d.organization_id IS NOT DISTINCT FROM get_default_role.organization_id
	   OR d.organization_id IS NULL
	ORDER BY d.organization_id NULLS LAST
	LIMIT 1
$$;

CREATE OR REPLACE FUNCTION rbac.highest_priority_role(role_slugs text[], organization_id text DEFAULT NULL)
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

CREATE OR REPLACE FUNCTION rbac.json_timestamp(ts timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE OR REPLACE FUNCTION rbac.permission_json(p rbac.permission) RETURNS jsonb
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

-- The Role object as the calling query's snapshot sees it: what
-- rbac.role_json was in 1.0, now also what rbac.list_roles_json lists.
CREATE FUNCTION rbac.role_object(r rbac.role) RETURNS jsonb
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
COMMENT ON FUNCTION rbac.role_object(rbac.role) IS
'the role as a WorkOS Role object, with its permission slugs, as the calling query''s snapshot sees them (rbac.list_roles_json; rbac.role_json sees the latest changes)';

-- VOLATILE (1.0: STABLE): a STABLE function sees the calling query's
-- snapshot, so rbac.role_json(rbac.set_role_permissions(...)) showed the
-- grants from before the change.  A VOLATILE SQL function takes a fresh
-- snapshot with a new command id, which parallel workers cannot: PARALLEL
-- RESTRICTED.
CREATE OR REPLACE FUNCTION rbac.role_json(r rbac.role) RETURNS jsonb
LANGUAGE sql VOLATILE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.role_object(r)
$$;
COMMENT ON FUNCTION rbac.role_json(rbac.role) IS
'the role as a WorkOS Role object, with its permission slugs; VOLATILE, so that applied to what a mutator returns in the same statement (rbac.role_json(rbac.set_role_permissions(...))) it shows the state after that mutator';

-- rbac.role_object, not the VOLATILE rbac.role_json, which would take a new
-- snapshot for each role: the list answers from one snapshot, the calling
-- query's, as in 1.0.
CREATE OR REPLACE FUNCTION rbac.list_roles_json(organization_id text DEFAULT NULL) RETURNS jsonb
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
			SELECT jsonb_agg(rbac.role_object(r) ORDER BY p.priority)
			FROM rbac.priority_list(list_roles_json.organization_id) p
			JOIN rbac.role r ON r.id = p.role_id), '[]'::jsonb));
END
$$;

CREATE OR REPLACE FUNCTION rbac.list_permissions_json(lim integer DEFAULT 10, before text DEFAULT NULL,
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

CREATE OR REPLACE FUNCTION rbac.membership_role_guard() RETURNS trigger
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

CREATE OR REPLACE FUNCTION rbac.set_multiple_roles(enabled boolean) RETURNS boolean
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

CREATE OR REPLACE FUNCTION rbac.multiple_roles_enabled() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce((SELECT s.multiple_roles FROM rbac.setting s), false)
$$;

CREATE OR REPLACE FUNCTION rbac.membership_role_ids(organization_id text, role_slugs text[]) RETURNS text[]
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

CREATE OR REPLACE FUNCTION rbac.get_organization_membership(user_id text, organization_id text)
RETURNS rbac.membership
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
BEGIN
	PERFORM rbac.require(user_id, 'user id'::text);
	PERFORM rbac.require(organization_id, 'organization id'::text);
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

CREATE OR REPLACE FUNCTION rbac.create_organization_membership(user_id text, organization_id text,
													role_slugs text[] DEFAULT NULL)
RETURNS rbac.membership
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
	ids text[];
BEGIN
	PERFORM rbac.require(user_id, 'user id'::text);
	PERFORM rbac.require(organization_id, 'organization id'::text);
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

CREATE OR REPLACE FUNCTION rbac.update_organization_membership(user_id text, organization_id text,
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

CREATE OR REPLACE FUNCTION rbac.delete_organization_membership(user_id text, organization_id text)
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

CREATE OR REPLACE FUNCTION rbac.user_roles(user_id text, organization_id text) RETURNS text[]
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

CREATE OR REPLACE FUNCTION rbac.user_role(user_id text, organization_id text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (rbac.user_roles(user_id, organization_id))[1]
$$;

CREATE OR REPLACE FUNCTION rbac.user_permissions(user_id text, organization_id text) RETURNS SETOF text
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

-- VOLATILE and PARALLEL RESTRICTED as rbac.role_json, so that
-- rbac.membership_json(rbac.create_organization_membership(...)) has the
-- roles the mutator just inserted.
-- PL/pgSQL, not SQL: a SQL function that cannot be inlined is planned
-- again by every statement that calls it (a millisecond for this one, the
-- cost of an event of a membership); PL/pgSQL keeps its plans.  One role
-- (always, unless multiple roles are on) needs no priority list.
CREATE OR REPLACE FUNCTION rbac.membership_json(m rbac.membership) RETURNS jsonb
LANGUAGE plpgsql VOLATILE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
	slug text;
	roles jsonb;
BEGIN
	-- plain aggregates, no sort: the common case is one role
	SELECT count(*), min(r.slug::text) INTO n, slug
	FROM rbac.membership_role mr JOIN rbac.role r ON r.id = mr.role_id
	WHERE mr.membership_id = m.id;
	IF n = 1 THEN
		roles := jsonb_build_array(jsonb_build_object('slug', slug));
	ELSIF n > 1 THEN
		SELECT jsonb_agg(jsonb_build_object('slug', r.slug::text) ORDER BY p.priority) INTO roles
		FROM rbac.priority_list(m.organization_id::text) p
		JOIN rbac.membership_role mr ON mr.role_id = p.role_id AND mr.membership_id = m.id
		JOIN rbac.role r ON r.id = p.role_id;
	END IF;
	RETURN jsonb_build_object(
		'object', 'organization_membership',
		'id', m.id,
		'user_id', m.user_id,
		'organization_id', m.organization_id,
		'role', roles->0,
		'roles', coalesce(roles, '[]'::jsonb),
		'status', 'active',
		'directory_managed', false,
		'custom_attributes', '{}'::jsonb,
		-- rbac.json_timestamp, written out
		'created_at', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
		'updated_at', to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
END
$$;
COMMENT ON FUNCTION rbac.membership_json(rbac.membership) IS
'the membership as a WorkOS OrganizationMembership object: role = the highest-priority role, roles in priority order, status active, directory_managed false and custom_attributes {} (rbac has neither invitations nor directory sync), no organization_name (rbac does not know it); VOLATILE, so that applied to what a mutator returns in the same statement (rbac.membership_json(rbac.create_organization_membership(...))) it shows the state after that mutator';

------------------------------------------------------------------------------
-- Membership rules under direct DML and concurrency (SPEC 5.3)
------------------------------------------------------------------------------
-- A membership always holds at least one role, and more than one only while
-- multiple roles are enabled, at every isolation level.
--
-- In 1.0 the deferred check only read rbac.membership_role under its own
-- snapshot: two REPEATABLE READ transactions that each took away one of a
-- membership's two roles each still saw the other role, and both committed.
-- Now every check on a membership first updates the membership's row, so two
-- transactions that change one membership's roles are serialized on it: the
-- second waits for the first and then reads the committed roles (READ
-- COMMITTED), or fails with 40001 (REPEATABLE READ, SERIALIZABLE) as for any
-- concurrent update of one row.  A row lock alone (FOR UPDATE) would not do:
-- REPEATABLE READ raises no serialization failure for a row whose previous
-- locker committed without changing it.
--
-- In 1.0 nothing but the management functions kept a membership to one
-- role while multiple roles are off: a direct INSERT INTO
-- rbac.membership_role gave it two.  A second deferred trigger now checks
-- every membership that gained a role (INSERT, UPDATE; not DELETE: memberships
-- that got several roles while they were enabled keep them).  It reads the
-- setting FOR SHARE, so a concurrent rbac.set_multiple_roles(false) either
-- waits for the checking transaction or, having committed first, is seen
-- (READ COMMITTED) or makes the check fail with 40001.
--
-- The row update changes nothing (rbac.membership_guard() now leaves
-- updated_at alone for an update that changes nothing), so a membership
-- returned by a management function is what is stored.
--
-- A restore is not refused: pg_dump's scripts load rbac.membership_role
-- before rbac.setting, and a membership may rightly hold several roles that
-- it got while multiple roles were enabled.  Like PostgreSQL, which skips
-- the checks of function bodies while restoring (they may refer forward),
-- the multiple-roles check is skipped while check_function_bodies is off, as
-- pg_dump's output and pg_restore set it.

CREATE OR REPLACE FUNCTION rbac.membership_guard() RETURNS trigger
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
	-- updated_at moves on every change; an update that changes nothing (the
	-- membership rules' checks make one, to serialize on the row) leaves it
	IF NEW IS DISTINCT FROM OLD THEN
		NEW.updated_at := clock_timestamp();
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.membership_guard() IS
'row trigger on rbac.membership: immutable id, user and organization, updated_at (left alone by an update that changes nothing)';

CREATE OR REPLACE FUNCTION rbac.membership_keeps_a_role() RETURNS trigger
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
	-- Checked at commit.  Updating the membership's row serializes this check
	-- with every other transaction that changes the membership's roles (see
	-- above); a membership deleted meanwhile is no concern.
	UPDATE rbac.membership m SET updated_at = m.updated_at
	WHERE m.id = OLD.membership_id;
	IF FOUND AND NOT EXISTS (SELECT 1 FROM rbac.membership_role mr
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
'deferred trigger on rbac.membership_role: the last role of a membership cannot be taken away, also by concurrent transactions (the check updates the membership''s row, so they serialize on it); a membership inserted by direct DML gets its roles in later statements, as a restore loads them';

CREATE FUNCTION rbac.membership_role_limit() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	roles bigint;
	enabled boolean;
BEGIN
	-- a restore (see above)
	IF NOT current_setting('check_function_bodies')::boolean THEN
		RETURN NULL;
	END IF;
	-- Checked at commit, serialized on the membership's row as in
	-- rbac.membership_keeps_a_role(); a membership deleted meanwhile is no
	-- concern.
	UPDATE rbac.membership m SET updated_at = m.updated_at
	WHERE m.id = NEW.membership_id;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT count(*) INTO roles FROM rbac.membership_role mr
	WHERE mr.membership_id = NEW.membership_id;
	IF roles <= 1 THEN
		RETURN NULL;
	END IF;
	-- FOR SHARE: a concurrent change of the setting waits for this
	-- transaction, or, committed first, is read here (READ COMMITTED) or
	-- makes this fail with 40001 (REPEATABLE READ, SERIALIZABLE).  No row:
	-- the default, off.
	SELECT s.multiple_roles INTO enabled FROM rbac.setting s FOR SHARE;
	IF enabled IS NOT TRUE THEN
		RAISE EXCEPTION 'multiple roles are not enabled'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Membership "%s" would hold %s roles.', NEW.membership_id, roles),
				  HINT = 'Enable them with rbac.set_multiple_roles(true).';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION rbac.membership_role_limit() IS
'deferred trigger on rbac.membership_role: a membership that gains a role holds more than one only while multiple roles are enabled, also against a concurrent rbac.set_multiple_roles(false) (the check updates the membership''s row and reads rbac.setting FOR SHARE); skipped while check_function_bodies is off, as in a restore';

CREATE CONSTRAINT TRIGGER membership_role_limit
	AFTER INSERT OR UPDATE ON rbac.membership_role
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION rbac.membership_role_limit();

------------------------------------------------------------------------------
-- Invalidation by what changed, for every way data arrives (SPEC 5.1).  The
-- C cache reads four tables: role, role_permission, membership and
-- membership_role.  On those, 1.0's statement trigger (every backend's
-- whole cache emptied by any write) becomes a row trigger that sends the
-- keys a row changes (a role's slug and organization, a role's id, a
-- membership's user and organization, a membership's id; src/cache.c), so
-- that a write evicts what depends on it and nothing else; TRUNCATE keeps a
-- statement trigger that empties the caches.  Both fire in every
-- session_replication_role, so logical replication's apply workers fire
-- them too.  The other five tables feed no cache: their triggers go.
-- role_order and default_role have no primary key, so that a publication
-- of them can replicate updates and deletes they get REPLICA IDENTITY FULL.
------------------------------------------------------------------------------

COMMENT ON FUNCTION rbac.invalidate_cache() IS
'trigger on the catalog tables the checks'' cache reads (row-level, and statement-level for TRUNCATE, in every replication role): evicts, in every backend, the cached entries the changed rows affect (transactionally); TRUNCATE and large transactions empty the caches';

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['role', 'role_permission', 'membership', 'membership_role']
	LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER invalidate_cache ON rbac.%I', t);
		EXECUTE pg_catalog.format('CREATE TRIGGER invalidate_cache '
								  'AFTER INSERT OR UPDATE OR DELETE ON rbac.%I '
								  'FOR EACH ROW EXECUTE FUNCTION rbac.invalidate_cache()', t);
		EXECUTE pg_catalog.format('ALTER TABLE rbac.%I ENABLE ALWAYS TRIGGER invalidate_cache', t);
		EXECUTE pg_catalog.format('CREATE TRIGGER invalidate_cache_truncate '
								  'AFTER TRUNCATE ON rbac.%I '
								  'FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache()', t);
		EXECUTE pg_catalog.format('ALTER TABLE rbac.%I ENABLE ALWAYS TRIGGER invalidate_cache_truncate', t);
	END LOOP;
	FOREACH t IN ARRAY ARRAY['permission', 'organization_order', 'role_order', 'default_role',
							 'setting']
	LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER invalidate_cache ON rbac.%I', t);
	END LOOP;
END
$$;

CREATE FUNCTION rbac.cache_statistics(OUT loads bigint, OUT evictions bigint,
									  OUT resets bigint, OUT invalidations bigint,
									  OUT entries integer)
RETURNS record
AS 'MODULE_PATHNAME', 'rbac_cache_statistics'
LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION rbac.cache_statistics() IS
'this backend''s cache of the catalog since the backend started: entries read from the catalog (loads), entries evicted because their rows changed, resets (the whole cache, or its resources alone past 65,536 of them), invalidation messages processed, and the entries it holds now';

ALTER TABLE rbac.role_order REPLICA IDENTITY FULL;
ALTER TABLE rbac.default_role REPLICA IDENTITY FULL;

------------------------------------------------------------------------------
-- Who may name the principal (SPEC 5.2).  rbac.user_id, rbac.organization_id
-- and rbac.role are now superuser-only settings (src/principal.c); these two
-- functions set them for the current transaction only, for whoever is
-- granted EXECUTE.
------------------------------------------------------------------------------

CREATE FUNCTION rbac.set_principal(user_id text, organization_id text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'rbac_set_principal'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION rbac.set_principal(text, text) IS
'makes the user (a member, bound to the organization if one is given) the principal of rbac.has_permission() for the current transaction only; EXECUTE is not granted to PUBLIC: grant it to the role that authenticates requests';

CREATE FUNCTION rbac.set_principal_roles(role_slugs text[], organization_id text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'rbac_set_principal_roles'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION rbac.set_principal_roles(text[], text) IS
'makes these roles (bound to the organization if one is given) the principal of rbac.has_permission() for the current transaction only; EXECUTE is not granted to PUBLIC';

REVOKE ALL ON FUNCTION rbac.set_principal(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION rbac.set_principal_roles(text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rbac.set_principal(text, text) TO @extowner@ WITH GRANT OPTION;
GRANT EXECUTE ON FUNCTION rbac.set_principal_roles(text[], text) TO @extowner@ WITH GRANT OPTION;

COMMENT ON FUNCTION rbac.has_permission(text) IS
'true if the current request''s principal has the permission: settings rbac.user_id (+ rbac.organization_id), else rbac.role (+ rbac.organization_id), else, only with rbac.jwt_claims = trusted, the claims of request.jwt.claims (a member by rbac.jwt_user_claim, else roles); no principal: false';
COMMENT ON FUNCTION rbac.has_permission(text, text) IS
'true if the current request''s principal has the permission in the organization (see rbac.has_permission(text)); a principal bound to another organization, or an empty organization id: false';

------------------------------------------------------------------------------
-- Resources (SPEC 7): resource types in a hierarchy under the built-in
-- type organization, resources in one tree per organization, roles assigned
-- to a membership on a resource.  The per-row checks on a resource
-- (rbac.user_has_permission(..., resource_type_slug, external_id),
-- rbac.has_permission(permission_slug, resource_type_slug, external_id))
-- are C and answer through the cache (declared after the invalidation
-- triggers, below); this section is also the catalog, its rules, the
-- management functions, discovery and JSON.
--
-- The type organization is a row of rbac.resource_type, put there by this
-- script: the other tables can then refer to it with ordinary foreign keys
-- (a resource's type, a type's parents), "every parent must exist" is one
-- rule for all parents, and rbac.list_resource_types() shows the whole
-- hierarchy.  The row cannot be changed or deleted (22023), and
-- pg_extension_config_dump leaves it out of dumps (the script that a
-- restore runs creates it).  It is the root: it has no parents, and no
-- resource has it as its type -- a resource whose parent_resource_id is
-- NULL hangs directly under its organization.
--
-- Rules, each kept by a trigger so that direct DML keeps them (SPEC 5.3):
--   * types form a DAG: a type may list itself (folders in folders), no
--     other cycle (22023); every parent exists (42704); the type
--     organization is every chain's root;
--   * a resource's parent is a resource of the same organization whose type
--     is one of the resource's type's parents, or NULL (the organization,
--     when organization is one of those parents); no cycles (22023); its
--     id, external id, type and organization never change;
--   * a role of a registered type may hold permissions of its own type or
--     of any registered type below it (22023);  a role or permission whose
--     resource_type_slug names no registered type (1.0 stored any valid
--     slug, and 1.0 callers still may) is outside the hierarchy and not
--     checked -- it can be assigned on no resource and reaches nothing
--     through the resource rule.  The resource type of a role or a
--     permission is fixed once created, as its slug (22023);
--   * a role is assigned only on a resource of its own type, of the
--     membership's organization, and only if the role is in that
--     organization's list (22023);
--   * a membership, role or resource with assignments is not deleted
--     (2BP01); the management functions take a cascade argument.
--
-- Concurrency: every rule that reads a chain (of types, of resources) locks
-- each row of the chain FOR SHARE as it walks it, and every change of a
-- chain updates the row whose parents change.  Of two transactions that
-- move resources into each other's subtree, or that give two types each
-- other as parents, the second one's walk waits for the first one's row:
-- at READ COMMITTED it then reads the committed parents and finds the
-- cycle; at REPEATABLE READ and SERIALIZABLE the lock of a row updated by
-- a transaction committed after its snapshot fails with 40001; or the two
-- deadlock and one fails with 40P01.  No cycle is ever committed.
------------------------------------------------------------------------------

CREATE FUNCTION rbac.is_valid_external_id(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_is_valid_external_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.is_valid_external_id(text) IS
'true if the text is a valid resource external id: 1 to 64 printable ASCII characters (space to ~); never raises';

CREATE FUNCTION rbac.check_external_id(text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_check_external_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.check_external_id(text) IS
'true for a valid resource external id, else raises 22023 naming the value and the rule (the check of domain rbac.external_id)';

CREATE FUNCTION rbac.permission_matches(granted text, requested text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_permission_matches_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.permission_matches(text, text) IS
'true if the granted permission slug covers the requested one (SPEC 3 wildcards: a segment * matches one segment, a last segment * any further ones, * alone every slug); a malformed requested slug: false; never raises';

CREATE DOMAIN rbac.external_id AS text COLLATE "C"
	CHECK (rbac.check_external_id(VALUE));
COMMENT ON DOMAIN rbac.external_id IS
'the application''s id of a resource: 1 to 64 printable ASCII characters, unique within its organization and resource type';

CREATE TABLE rbac.resource_type (
	slug rbac.resource_type_slug NOT NULL,
	name rbac.display_name NOT NULL,
	description rbac.description,
	parent_type_slugs text[] COLLATE "C" NOT NULL DEFAULT '{organization}',
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	CONSTRAINT resource_type_pkey PRIMARY KEY (slug)
);
COMMENT ON TABLE rbac.resource_type IS
'resource types (SPEC 7): organization (built in, the root) and the application''s types; parent_type_slugs are the types a resource of this type may hang under (organization = directly under its organization; the type itself = nesting); rbac.resource_type_parent mirrors them';

-- fixed timestamps: the row is the same in every database, also after a
-- restore (which makes it anew)
INSERT INTO rbac.resource_type (slug, name, description, parent_type_slugs, created_at, updated_at)
VALUES ('organization', 'Organization',
		'The organization itself: the root of every organization''s resources (built in)', '{}',
		'2000-01-01 00:00:00+00', '2000-01-01 00:00:00+00');

CREATE TABLE rbac.resource_type_parent (
	type_slug rbac.resource_type_slug NOT NULL
		REFERENCES rbac.resource_type (slug) ON DELETE CASCADE,
	parent_slug rbac.resource_type_slug NOT NULL
		REFERENCES rbac.resource_type (slug),
	CONSTRAINT resource_type_parent_pkey PRIMARY KEY (type_slug, parent_slug)
);
CREATE INDEX resource_type_parent_parent_slug_idx ON rbac.resource_type_parent (parent_slug);
COMMENT ON TABLE rbac.resource_type_parent IS
'the edges of the resource type hierarchy, one row per (type, parent type): maintained from rbac.resource_type.parent_type_slugs by its trigger (direct changes are refused), so that a parent is a foreign key; not dumped (a restore rebuilds it)';

CREATE TABLE rbac.resource (
	id text COLLATE "C" NOT NULL
		DEFAULT 'authz_'::text OPERATOR(pg_catalog.||) rbac.new_id('resource'::text),
	external_id rbac.external_id NOT NULL,
	name rbac.display_name NOT NULL,
	description rbac.description,
	resource_type_slug rbac.resource_type_slug NOT NULL
		REFERENCES rbac.resource_type (slug),
	organization_id rbac.organization_id NOT NULL,
	parent_resource_id text COLLATE "C"
		REFERENCES rbac.resource (id),
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	CONSTRAINT resource_pkey PRIMARY KEY (id),
	CONSTRAINT resource_external_id_key UNIQUE (organization_id, resource_type_slug, external_id),
	CONSTRAINT resource_id_check CHECK (id ~ '^authz_resource_[0-9A-HJKMNP-TV-Z]{26}$')
);
CREATE INDEX resource_parent_resource_id_idx ON rbac.resource (parent_resource_id);
CREATE INDEX resource_resource_type_slug_idx ON rbac.resource (resource_type_slug);
-- the permissions of a type: rbac.effective_permissions, deleting a type
CREATE INDEX permission_resource_type_slug_idx ON rbac.permission (resource_type_slug);
COMMENT ON TABLE rbac.resource IS
'resources (WorkOS authorization resources): instances of a resource type inside one organization, in one tree per organization (parent_resource_id NULL = directly under the organization)';

CREATE TABLE rbac.role_assignment (
	id text COLLATE "C" NOT NULL
		DEFAULT 'role_'::text OPERATOR(pg_catalog.||) rbac.new_id('assignment'::text),
	-- no foreign key: rbac.role_assignment_check() keeps it (see there), so
	-- that TRUNCATE rbac.membership, rbac.membership_role works as in 1.0
	membership_id text COLLATE "C" NOT NULL,
	role_id text COLLATE "C" NOT NULL REFERENCES rbac.role (id),
	resource_id text COLLATE "C" NOT NULL REFERENCES rbac.resource (id),
	created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	CONSTRAINT role_assignment_pkey PRIMARY KEY (id),
	CONSTRAINT role_assignment_key UNIQUE (membership_id, resource_id, role_id),
	CONSTRAINT role_assignment_id_check CHECK (id ~ '^role_assignment_[0-9A-HJKMNP-TV-Z]{26}$')
);
CREATE INDEX role_assignment_role_id_idx ON rbac.role_assignment (role_id);
CREATE INDEX role_assignment_resource_id_idx ON rbac.role_assignment (resource_id);
COMMENT ON TABLE rbac.role_assignment IS
'role assignments (WorkOS): a role held by a membership on a resource and, through it, on the resource''s descendants';

SELECT pg_catalog.pg_extension_config_dump('rbac.resource_type', 'WHERE slug <> ''organization''');
SELECT pg_catalog.pg_extension_config_dump('rbac.resource', '');
SELECT pg_catalog.pg_extension_config_dump('rbac.role_assignment', '');

------------------------------------------------------------------------------
-- Rules of resource types
------------------------------------------------------------------------------

-- Is lower the type upper or below it?  Reads the edges as the caller sees
-- them (the triggers lock what they walk themselves).
CREATE FUNCTION rbac.resource_type_is_below(upper text, lower text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE up(slug) AS (
		SELECT resource_type_is_below.lower COLLATE "C"
		UNION
		SELECT e.parent_slug::text FROM rbac.resource_type_parent e JOIN up ON e.type_slug::text = up.slug
	)
	SELECT EXISTS (SELECT 1 FROM up WHERE up.slug = resource_type_is_below.upper)
$$;
COMMENT ON FUNCTION rbac.resource_type_is_below(text, text) IS
'true if the resource type lower is upper or lies below it (upper is reachable through parent types); every registered type but organization lies below organization';

-- The first grant that breaks "a role may hold permissions of its own type
-- or of a type below it", among registered types (of one role or of one
-- permission, or anywhere with NULLs), or no row.
CREATE FUNCTION rbac.first_bad_grant(for_role_id text, for_permission_slug text)
RETURNS TABLE (bad_role text, bad_role_type text, bad_permission text, bad_permission_type text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.slug::text, r.resource_type_slug::text, p.slug::text, p.resource_type_slug::text
	FROM rbac.role_permission rp
	JOIN rbac.role r ON r.id = rp.role_id
	JOIN rbac.permission p ON p.slug::text = rp.permission_slug::text
	WHERE (for_role_id IS NULL OR rp.role_id = for_role_id)
	  AND (for_permission_slug IS NULL OR rp.permission_slug::text = for_permission_slug)
	  AND r.resource_type_slug::text <> p.resource_type_slug::text
	  AND EXISTS (SELECT 1 FROM rbac.resource_type t WHERE t.slug::text = r.resource_type_slug::text)
	  AND EXISTS (SELECT 1 FROM rbac.resource_type t WHERE t.slug::text = p.resource_type_slug::text)
	  AND NOT rbac.resource_type_is_below(r.resource_type_slug::text, p.resource_type_slug::text)
	ORDER BY r.slug, p.slug
	LIMIT 1
$$;
COMMENT ON FUNCTION rbac.first_bad_grant(text, text) IS
'internal: the first grant (of the role, of the permission, or any with NULLs) whose permission''s resource type is neither the role''s type nor below it, among registered types; no row if none';

CREATE FUNCTION rbac.resource_type_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
	what text;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		RAISE EXCEPTION 'resource type "organization" is built in'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'TRUNCATE would delete it.',
				  HINT = 'Delete the other resource types instead.';
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.slug::text = 'organization' THEN
		RAISE EXCEPTION 'resource type "organization" is built in'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'It cannot be changed or deleted.';
	END IF;
	IF TG_OP = 'DELETE' THEN
		SELECT count(*) INTO n FROM rbac.resource x WHERE x.resource_type_slug::text = OLD.slug::text;
		what := CASE WHEN n > 0 THEN format('%s resources', n) END;
		IF what IS NULL THEN
			SELECT count(*) INTO n FROM rbac.role x WHERE x.resource_type_slug::text = OLD.slug::text;
			what := CASE WHEN n > 0 THEN format('%s roles', n) END;
		END IF;
		IF what IS NULL THEN
			SELECT count(*) INTO n FROM rbac.permission x WHERE x.resource_type_slug::text = OLD.slug::text;
			what := CASE WHEN n > 0 THEN format('%s permissions', n) END;
		END IF;
		IF what IS NULL THEN
			SELECT count(*) INTO n FROM rbac.resource_type_parent e
			WHERE e.parent_slug::text = OLD.slug::text AND e.type_slug::text <> OLD.slug::text;
			what := CASE WHEN n > 0 THEN format('%s other resource types (as a parent type)', n) END;
		END IF;
		IF what IS NOT NULL THEN
			RAISE EXCEPTION 'resource type "%" is in use', OLD.slug
				USING ERRCODE = 'dependent_objects_still_exist',
					  DETAIL = format('%s use it.', what),
					  HINT = 'Delete what uses it first.';
		END IF;
		RETURN OLD;
	END IF;
	IF TG_OP = 'INSERT' AND NEW.slug::text = 'organization' THEN
		RAISE EXCEPTION 'resource type "organization" is built in'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'It exists in every database with rbac and cannot be created.';
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.slug IS DISTINCT FROM OLD.slug THEN
		RAISE EXCEPTION 'cannot change the slug of resource type "%"', OLD.slug
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Slugs are immutable once created.';
	END IF;
	IF NEW.parent_type_slugs IS NULL OR cardinality(NEW.parent_type_slugs) = 0 THEN
		RAISE EXCEPTION 'resource type "%" needs at least one parent type', NEW.slug
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use {organization} for a type whose resources hang directly under their organization.';
	END IF;
	IF array_ndims(NEW.parent_type_slugs) > 1 THEN
		RAISE EXCEPTION 'parent type slugs must be a one-dimensional array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(NEW.parent_type_slugs, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'parent type slugs must not contain null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- validate (22023), then store sorted and without duplicates
	SELECT array_agg(DISTINCT s::rbac.resource_type_slug::text ORDER BY s::rbac.resource_type_slug::text)
	INTO NEW.parent_type_slugs
	FROM unnest(NEW.parent_type_slugs) s;
	-- a parent besides itself: every type lies below organization
	IF NEW.parent_type_slugs OPERATOR(pg_catalog.<@) ARRAY[NEW.slug::text] THEN
		RAISE EXCEPTION 'resource type "%" needs a parent type other than itself', NEW.slug
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Every resource type lies below organization.';
	END IF;
	IF TG_OP = 'UPDATE' THEN
		NEW.created_at := OLD.created_at;
		IF NEW IS DISTINCT FROM OLD THEN
			NEW.updated_at := clock_timestamp();
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.resource_type_guard() IS
'row trigger on rbac.resource_type: the built-in type organization is neither created, changed nor deleted (22023); immutable slug; parent types valid, at least one, stored sorted; a type in use by resources, roles, permissions or other types is not deleted (2BP01); updated_at';

CREATE TRIGGER resource_type_guard
	BEFORE INSERT OR UPDATE OR DELETE ON rbac.resource_type
	FOR EACH ROW EXECUTE FUNCTION rbac.resource_type_guard();
CREATE TRIGGER resource_type_truncate_guard
	BEFORE TRUNCATE ON rbac.resource_type
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.resource_type_guard();

-- After a type's row is stored (so that every row of one COPY is there, as
-- a restore loads them): its parents exist and make no cycle, the edge
-- table follows, removed parents leave no resource misplaced and no grant
-- breaks the type rule.
CREATE FUNCTION rbac.resource_type_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p text;
	seen text[] := ARRAY[NEW.slug::text];
	frontier text[];
	next_frontier text[];
	parents text[];
	removed text[] := '{}';
	bad record;
	misplaced text;
BEGIN
	IF NEW.slug::text = 'organization' THEN
		RETURN NULL;
	END IF;
	frontier := ARRAY(SELECT s FROM unnest(NEW.parent_type_slugs) s WHERE s <> NEW.slug::text);
	-- every parent exists
	FOREACH p IN ARRAY frontier LOOP
		PERFORM 1 FROM rbac.resource_type t WHERE t.slug::text = p FOR SHARE;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'resource type "%" does not exist', p
				USING ERRCODE = 'undefined_object',
					  DETAIL = format('It is named as a parent type of "%s".', NEW.slug);
		END IF;
	END LOOP;
	-- no cycle: walk up from the parents, locking each type on the way
	-- (its latest parents, see above), and never meet this type
	WHILE cardinality(frontier) > 0 LOOP
		next_frontier := '{}';
		FOREACH p IN ARRAY frontier LOOP
			IF p = ANY (seen) AND p <> NEW.slug::text THEN
				CONTINUE;
			END IF;
			IF p = NEW.slug::text THEN
				RAISE EXCEPTION 'parent types % of resource type "%" would make a cycle', NEW.parent_type_slugs, NEW.slug
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = format('"%s" would lie below itself; the only cycle allowed is a type listing itself.', NEW.slug);
			END IF;
			seen := seen || p;
			SELECT t.parent_type_slugs INTO parents FROM rbac.resource_type t
			WHERE t.slug::text = p FOR SHARE;
			next_frontier := next_frontier || ARRAY(SELECT s FROM unnest(parents) s WHERE s <> p);
		END LOOP;
		frontier := next_frontier;
	END LOOP;
	-- the edges follow
	IF TG_OP = 'UPDATE' THEN
		removed := ARRAY(SELECT s FROM unnest(OLD.parent_type_slugs) s
						 WHERE s <> ALL (NEW.parent_type_slugs));
		-- The checks below read resources and grants that a concurrent
		-- transaction may add: it locks this type's row FOR SHARE, which
		-- this update waits for, but a REPEATABLE READ snapshot would still
		-- not show what it committed (and no error says so).  READ COMMITTED
		-- reads it after the wait; SERIALIZABLE detects the conflict.
		IF cardinality(removed) > 0
		   AND current_setting('transaction_isolation') = 'repeatable read' THEN
			RAISE EXCEPTION 'cannot remove parent types of resource type "%" at REPEATABLE READ', NEW.slug
				USING ERRCODE = 'feature_not_supported',
					  DETAIL = 'A resource or grant committed concurrently would not be seen.',
					  HINT = 'Remove parent types at READ COMMITTED or SERIALIZABLE.';
		END IF;
		DELETE FROM rbac.resource_type_parent e
		WHERE e.type_slug::text = NEW.slug::text AND e.parent_slug::text = ANY (removed);
	END IF;
	INSERT INTO rbac.resource_type_parent (type_slug, parent_slug)
	SELECT NEW.slug, s FROM unnest(NEW.parent_type_slugs) s
	ON CONFLICT DO NOTHING;
	-- resources that the removed parents leave without a place
	IF cardinality(removed) > 0 THEN
		SELECT x.external_id::text INTO misplaced
		FROM rbac.resource x
		LEFT JOIN rbac.resource px ON px.id = x.parent_resource_id
		WHERE x.resource_type_slug::text = NEW.slug::text
		  AND coalesce(px.resource_type_slug::text, 'organization') = ANY (removed)
		ORDER BY x.id LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'resource type "%" still has resources under the parent types it would lose', NEW.slug
				USING ERRCODE = 'dependent_objects_still_exist',
					  DETAIL = format('Resource "%s" is under a resource of type %s (or its organization).',
									  misplaced, array_to_string(removed, ', ')),
					  HINT = 'Move or delete those resources first.';
		END IF;
	END IF;
	-- grants among registered types keep the type rule
	SELECT * INTO bad FROM rbac.first_bad_grant(NULL::text, NULL::text);
	IF FOUND THEN
		RAISE EXCEPTION 'role "%" of resource type "%" cannot hold permission "%" of resource type "%"',
			bad.bad_role, bad.bad_role_type, bad.bad_permission, bad.bad_permission_type
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A role may hold permissions of its own resource type or of a type below it.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION rbac.resource_type_check() IS
'row trigger on rbac.resource_type, after the change: parents exist (42704), no cycle other than a type listing itself (22023, walking the chain with row locks), rbac.resource_type_parent follows, no resource loses its place (2BP01), no grant breaks the type rule (22023)';

CREATE TRIGGER resource_type_check
	AFTER INSERT OR UPDATE OF parent_type_slugs ON rbac.resource_type
	FOR EACH ROW EXECUTE FUNCTION rbac.resource_type_check();

CREATE FUNCTION rbac.resource_type_parent_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- an edge is stored only while its type lists the parent, and removed
	-- only once it no longer does (or the type is gone): what
	-- rbac.resource_type_check() and a type's deletion do, nothing else
	IF TG_OP = 'INSERT' AND EXISTS (
			SELECT 1 FROM rbac.resource_type t
			WHERE t.slug::text = NEW.type_slug::text AND NEW.parent_slug::text = ANY (t.parent_type_slugs)) THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'DELETE' AND NOT EXISTS (
			SELECT 1 FROM rbac.resource_type t
			WHERE t.slug::text = OLD.type_slug::text AND OLD.parent_slug::text = ANY (t.parent_type_slugs)) THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'rbac.resource_type_parent is maintained from rbac.resource_type.parent_type_slugs'
		USING ERRCODE = 'invalid_parameter_value',
			  HINT = 'Update parent_type_slugs, or call rbac.update_resource_type().';
END
$$;
COMMENT ON FUNCTION rbac.resource_type_parent_guard() IS
'trigger on rbac.resource_type_parent: the table mirrors rbac.resource_type.parent_type_slugs; any other change (and TRUNCATE) is refused (22023)';

CREATE TRIGGER resource_type_parent_guard
	BEFORE INSERT OR UPDATE OR DELETE ON rbac.resource_type_parent
	FOR EACH ROW EXECUTE FUNCTION rbac.resource_type_parent_guard();
CREATE TRIGGER resource_type_parent_truncate_guard
	BEFORE TRUNCATE ON rbac.resource_type_parent
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.resource_type_parent_guard();

------------------------------------------------------------------------------
-- Rules of resources
------------------------------------------------------------------------------

CREATE FUNCTION rbac.resource_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
BEGIN
	IF TG_OP = 'DELETE' THEN
		SELECT count(*) INTO n FROM rbac.role_assignment a WHERE a.resource_id = OLD.id;
		IF n > 0 THEN
			RAISE EXCEPTION 'resource "%" of type "%" has role assignments', OLD.external_id, OLD.resource_type_slug
				USING ERRCODE = 'dependent_objects_still_exist',
					  DETAIL = format('%s role assignments are on it.', n),
					  HINT = 'Remove them first, or call rbac.delete_resource(..., cascade => true).';
		END IF;
		RETURN OLD;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		IF NEW.id IS DISTINCT FROM OLD.id OR NEW.external_id IS DISTINCT FROM OLD.external_id
		   OR NEW.resource_type_slug IS DISTINCT FROM OLD.resource_type_slug
		   OR NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
			RAISE EXCEPTION 'cannot change the id, external id, type or organization of resource "%"', OLD.external_id
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'Create another resource.';
		END IF;
		NEW.created_at := OLD.created_at;
		IF NEW IS DISTINCT FROM OLD THEN
			NEW.updated_at := clock_timestamp();
		END IF;
		RETURN NEW;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.resource_guard() IS
'row trigger on rbac.resource: immutable id, external id, type and organization; updated_at; a resource with role assignments is not deleted (2BP01) (inserts: rbac.resource_insert_check())';

CREATE TRIGGER resource_guard
	BEFORE UPDATE OR DELETE ON rbac.resource
	FOR EACH ROW EXECUTE FUNCTION rbac.resource_guard();

-- After a move (an UPDATE of parent_resource_id): the parent is of the
-- same organization and of a parent type, and the tree has no cycle.  The
-- walk up from the new parent locks each resource on the way (see above);
-- the type's row is locked FOR SHARE against a concurrent change of its
-- parents.  Inserts are checked a statement at a time, below.
CREATE FUNCTION rbac.resource_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	parents text[];
	parent rbac.resource;
	cur text;
	seen text[] := '{}';
BEGIN
	SELECT t.parent_type_slugs INTO parents FROM rbac.resource_type t
	WHERE t.slug::text = NEW.resource_type_slug::text FOR SHARE;
	IF NEW.parent_resource_id IS NULL THEN
		IF NOT 'organization' = ANY (parents) THEN
			RAISE EXCEPTION 'resource "%" of type "%" must have a parent resource', NEW.external_id, NEW.resource_type_slug
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = format('Resources of type "%s" hang under a resource of type %s.',
									  NEW.resource_type_slug, array_to_string(parents, ', '));
		END IF;
		RETURN NULL;
	END IF;
	IF NEW.parent_resource_id = NEW.id THEN
		RAISE EXCEPTION 'resource "%" cannot be its own parent', NEW.external_id
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The resources of an organization form a tree.';
	END IF;
	SELECT * INTO parent FROM rbac.resource x WHERE x.id = NEW.parent_resource_id;
	IF NOT FOUND THEN
		-- the foreign key reports it
		RETURN NULL;
	END IF;
	IF parent.organization_id::text <> NEW.organization_id::text THEN
		RAISE EXCEPTION 'resource "%" cannot be under resource "%" of another organization', NEW.external_id, parent.external_id
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('"%s" is in organization "%s", "%s" in "%s".', NEW.external_id,
								  NEW.organization_id, parent.external_id, parent.organization_id);
	END IF;
	IF NOT parent.resource_type_slug::text = ANY (parents) THEN
		RAISE EXCEPTION 'resource "%" of type "%" cannot be under resource "%" of type "%"',
			NEW.external_id, NEW.resource_type_slug, parent.external_id, parent.resource_type_slug
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The parent types of "%s" are %s.', NEW.resource_type_slug, array_to_string(parents, ', '));
	END IF;
	cur := NEW.parent_resource_id;
	WHILE cur IS NOT NULL LOOP
		IF cur = NEW.id THEN
			RAISE EXCEPTION 'resource "%" cannot be under its own descendant "%"', NEW.external_id, parent.external_id
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'The resources of an organization form a tree.';
		END IF;
		IF cur = ANY (seen) THEN
			EXIT;
		END IF;
		seen := seen || cur;
		SELECT x.parent_resource_id INTO cur FROM rbac.resource x WHERE x.id = cur FOR SHARE;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION rbac.resource_check() IS
'row trigger on rbac.resource, after a move: the parent is a resource of the same organization and of one of the type''s parent types, or none if organization is one of them (22023); no cycle (22023; the walk locks the chain it reads)';

CREATE TRIGGER resource_check
	AFTER UPDATE OF parent_resource_id ON rbac.resource
	FOR EACH ROW EXECUTE FUNCTION rbac.resource_check();

-- The same rules for the rows one INSERT or COPY adds, as set-based
-- queries over the statement's new rows (once per statement, not per row:
-- a bulk load or a restore pays a few joins).  A new row cannot close a
-- cycle with rows that existed before (none of them can have it as its
-- parent), so only cycles among the new rows are looked for.
CREATE FUNCTION rbac.resource_insert_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	bad record;
	n bigint;
BEGIN
	IF EXISTS (SELECT 1 FROM new_resources x WHERE x.resource_type_slug::text = 'organization') THEN
		RAISE EXCEPTION 'invalid resource type "organization"'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The organization itself is the root of its resources; a resource with no parent hangs under it.';
	END IF;
	PERFORM 1 FROM rbac.resource_type t
	WHERE t.slug::text IN (SELECT DISTINCT x.resource_type_slug::text FROM new_resources x)
	ORDER BY t.slug FOR SHARE OF t;
	SELECT x.external_id::text AS ext, x.resource_type_slug::text AS type, x.organization_id::text AS org,
		   t.parent_type_slugs AS parents, x.parent_resource_id IS NULL AS top, x.parent_resource_id = x.id AS own,
		   p.external_id::text AS p_ext, p.resource_type_slug::text AS p_type, p.organization_id::text AS p_org
	INTO bad
	FROM new_resources x
	JOIN rbac.resource_type t ON t.slug::text = x.resource_type_slug::text
	LEFT JOIN rbac.resource p ON p.id = x.parent_resource_id
	WHERE (x.parent_resource_id IS NULL AND NOT 'organization' = ANY (t.parent_type_slugs))
	   OR x.parent_resource_id = x.id
	   OR p.organization_id::text <> x.organization_id::text
	   OR NOT p.resource_type_slug::text = ANY (t.parent_type_slugs)
	ORDER BY x.id
	LIMIT 1;
	IF FOUND THEN
		IF bad.top THEN
			RAISE EXCEPTION 'resource "%" of type "%" must have a parent resource', bad.ext, bad.type
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = format('Resources of type "%s" hang under a resource of type %s.',
									  bad.type, array_to_string(bad.parents, ', '));
		ELSIF bad.own THEN
			RAISE EXCEPTION 'resource "%" cannot be its own parent', bad.ext
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'The resources of an organization form a tree.';
		ELSIF bad.p_org <> bad.org THEN
			RAISE EXCEPTION 'resource "%" cannot be under resource "%" of another organization', bad.ext, bad.p_ext
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = format('"%s" is in organization "%s", "%s" in "%s".', bad.ext, bad.org, bad.p_ext, bad.p_org);
		ELSE
			RAISE EXCEPTION 'resource "%" of type "%" cannot be under resource "%" of type "%"',
				bad.ext, bad.type, bad.p_ext, bad.p_type
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = format('The parent types of "%s" are %s.', bad.type, array_to_string(bad.parents, ', '));
		END IF;
	END IF;
	-- cycles among the new rows: follow parents within them, from each new
	-- row that is the parent of another new row, at most as many steps as
	-- there are new rows
	SELECT count(*) INTO n FROM new_resources;
	WITH RECURSIVE
	inner_rows AS (
		SELECT x.id, x.parent_resource_id AS parent, x.external_id::text AS ext FROM new_resources x
		WHERE x.parent_resource_id IN (SELECT y.id FROM new_resources y)
	),
	walk(start, ext, cur, steps) AS (
		SELECT i.id, i.ext, i.parent, 1 FROM inner_rows i
		UNION ALL
		SELECT w.start, w.ext, i.parent, w.steps + 1 FROM walk w JOIN inner_rows i ON i.id = w.cur
		WHERE w.cur <> w.start AND w.steps < n
	)
	SELECT w.ext INTO bad FROM walk w WHERE w.cur = w.start ORDER BY w.start LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'resource "%" cannot be under its own descendant', bad.ext
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The resources of an organization form a tree.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION rbac.resource_insert_check() IS
'statement trigger on rbac.resource, after an INSERT or COPY: no resource of type organization; every new resource''s parent is of the same organization and of one of the type''s parent types, or none if organization is one of them; no cycle among the new rows (22023)';

CREATE TRIGGER resource_insert_check
	AFTER INSERT ON rbac.resource
	REFERENCING NEW TABLE AS new_resources
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.resource_insert_check();

------------------------------------------------------------------------------
-- Rules of role assignments, and of the resource types of roles and
-- permissions
------------------------------------------------------------------------------

CREATE FUNCTION rbac.role_assignment_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.id IS DISTINCT FROM OLD.id OR NEW.membership_id IS DISTINCT FROM OLD.membership_id
	   OR NEW.role_id IS DISTINCT FROM OLD.role_id OR NEW.resource_id IS DISTINCT FROM OLD.resource_id THEN
		RAISE EXCEPTION 'cannot change the id, membership, role or resource of role assignment "%"', OLD.id
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Remove the assignment and assign again.';
	END IF;
	NEW.created_at := OLD.created_at;
	IF NEW IS DISTINCT FROM OLD THEN
		NEW.updated_at := clock_timestamp();
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.role_assignment_guard() IS
'row trigger on rbac.role_assignment: immutable id, membership, role and resource; updated_at';

CREATE TRIGGER role_assignment_guard
	BEFORE UPDATE ON rbac.role_assignment
	FOR EACH ROW EXECUTE FUNCTION rbac.role_assignment_guard();

-- The rows one INSERT or COPY adds, checked as a set.  The role's type and
-- organization, the resource's type and organization and the membership's
-- organization never change, so nothing needs locking beyond the foreign
-- keys' own locks.
CREATE FUNCTION rbac.role_assignment_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	bad record;
	missing text;
BEGIN
	-- The memberships exist.  rbac.role_assignment.membership_id is no
	-- foreign key (a 1.0 TRUNCATE of the memberships would need this table
	-- in the same command): each membership's row is updated (an update
	-- that changes nothing), so that a concurrent delete of it waits for
	-- this transaction and then sees the assignment (READ COMMITTED) or
	-- fails with 40001, as for any concurrent update.  A restore (which sets
	-- check_function_bodies off, and may load this table before
	-- rbac.membership) is not checked.
	IF current_setting('check_function_bodies')::boolean THEN
		WITH touched AS (
			UPDATE rbac.membership m SET updated_at = m.updated_at
			WHERE m.id IN (SELECT DISTINCT x.membership_id FROM new_assignments x)
			RETURNING m.id
		)
		SELECT x.membership_id INTO missing FROM new_assignments x
		WHERE x.membership_id NOT IN (SELECT t.id FROM touched t)
		ORDER BY x.membership_id LIMIT 1;
		IF missing IS NOT NULL THEN
			RAISE EXCEPTION 'organization membership "%" does not exist', rbac.shorten(missing)
				USING ERRCODE = 'foreign_key_violation',
					  DETAIL = 'A role assignment belongs to an organization membership.';
		END IF;
	END IF;
	SELECT r.slug::text AS role, r.resource_type_slug::text AS role_type, r.organization_id::text AS role_org,
		   x.external_id::text AS ext, x.resource_type_slug::text AS type, x.organization_id::text AS org,
		   m.organization_id::text AS member_org
	INTO bad
	FROM new_assignments a
	JOIN rbac.role r ON r.id = a.role_id
	JOIN rbac.resource x ON x.id = a.resource_id
	JOIN rbac.membership m ON m.id = a.membership_id
	WHERE r.resource_type_slug::text <> x.resource_type_slug::text
	   OR x.organization_id::text <> m.organization_id::text
	   OR r.organization_id::text <> m.organization_id::text
	ORDER BY a.id
	LIMIT 1;
	IF NOT FOUND THEN
		RETURN NULL;
	ELSIF bad.role_type <> bad.type THEN
		RAISE EXCEPTION 'role "%" of resource type "%" cannot be assigned on resource "%" of type "%"',
			bad.role, bad.role_type, bad.ext, bad.type
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A role is assigned only on resources of its own type.';
	ELSIF bad.org <> bad.member_org THEN
		RAISE EXCEPTION 'resource "%" is not in organization "%" of the membership', bad.ext, bad.member_org
			USING ERRCODE = 'invalid_parameter_value';
	ELSE
		RAISE EXCEPTION 'role "%" is not in the priority list of organization "%"', bad.role, bad.member_org
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.role_assignment_check() IS
'statement trigger on rbac.role_assignment, after an INSERT or COPY: each membership exists (23503; its row is updated against a concurrent delete; not checked in a restore), each role has its resource''s type, each resource and organization role belongs to the membership''s organization (22023)';

CREATE TRIGGER role_assignment_check
	AFTER INSERT ON rbac.role_assignment
	REFERENCING NEW TABLE AS new_assignments
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.role_assignment_check();

CREATE FUNCTION rbac.assignment_dependents_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
BEGIN
	IF TG_TABLE_NAME = 'role' THEN
		SELECT count(*) INTO n FROM rbac.role_assignment a WHERE a.role_id = OLD.id;
		IF n > 0 THEN
			RAISE EXCEPTION 'role "%" has assignments', OLD.slug
				USING ERRCODE = 'dependent_objects_still_exist',
					  DETAIL = format('It is assigned on resources %s times.', n),
					  HINT = 'Remove those role assignments first, or pass cascade => true.';
		END IF;
	ELSE
		SELECT count(*) INTO n FROM rbac.role_assignment a WHERE a.membership_id = OLD.id;
		IF n > 0 THEN
			RAISE EXCEPTION 'organization membership of user "%" in organization "%" has role assignments',
				OLD.user_id, OLD.organization_id
				USING ERRCODE = 'dependent_objects_still_exist',
					  DETAIL = format('%s role assignments on resources.', n),
					  HINT = 'Remove them first, or pass cascade => true.';
		END IF;
	END IF;
	RETURN OLD;
END
$$;
COMMENT ON FUNCTION rbac.assignment_dependents_guard() IS
'row trigger on rbac.role and rbac.membership: a role or membership with role assignments on resources is not deleted (2BP01)';

CREATE TRIGGER role_assignment_dependents
	BEFORE DELETE ON rbac.role
	FOR EACH ROW EXECUTE FUNCTION rbac.assignment_dependents_guard();
CREATE TRIGGER role_assignment_dependents
	BEFORE DELETE ON rbac.membership
	FOR EACH ROW EXECUTE FUNCTION rbac.assignment_dependents_guard();

-- After a TRUNCATE of the memberships (after every table of the command is
-- truncated, so TRUNCATE rbac.role_assignment, rbac.membership, ... works)
CREATE FUNCTION rbac.membership_truncate_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM rbac.role_assignment) THEN
		RAISE EXCEPTION 'organization memberships have role assignments'
			USING ERRCODE = 'dependent_objects_still_exist',
				  HINT = 'Truncate rbac.role_assignment along with rbac.membership.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION rbac.membership_truncate_guard() IS
'statement trigger on rbac.membership, after TRUNCATE: refused (2BP01) while role assignments remain';

CREATE TRIGGER membership_truncate_guard
	AFTER TRUNCATE ON rbac.membership
	FOR EACH STATEMENT EXECUTE FUNCTION rbac.membership_truncate_guard();

CREATE FUNCTION rbac.resource_type_fixed() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.resource_type_slug IS DISTINCT FROM OLD.resource_type_slug THEN
		RAISE EXCEPTION 'cannot change the resource type of % "%"', TG_TABLE_NAME, OLD.slug
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The resource type of a role or permission is fixed once created.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION rbac.resource_type_fixed() IS
'row trigger on rbac.role and rbac.permission: resource_type_slug is fixed once created (22023), so that grants and assignments keep the type rules';

CREATE TRIGGER resource_type_fixed
	BEFORE UPDATE OF resource_type_slug ON rbac.role
	FOR EACH ROW EXECUTE FUNCTION rbac.resource_type_fixed();
CREATE TRIGGER resource_type_fixed
	BEFORE UPDATE OF resource_type_slug ON rbac.permission
	FOR EACH ROW EXECUTE FUNCTION rbac.resource_type_fixed();

-- A grant keeps the type rule.  The chain of types from the permission's
-- type up is walked with row locks, against a concurrent change of parents.
CREATE FUNCTION rbac.role_permission_type_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rt text;
	pt text;
	rslug text;
	frontier text[];
	next_frontier text[];
	seen text[] := '{}';
	p text;
	parents text[];
BEGIN
	SELECT r.resource_type_slug::text, r.slug::text INTO rt, rslug FROM rbac.role r WHERE r.id = NEW.role_id;
	SELECT x.resource_type_slug::text INTO pt FROM rbac.permission x
	WHERE x.slug::text = NEW.permission_slug::text;
	IF rt IS NULL OR pt IS NULL OR rt = pt THEN
		RETURN NULL;
	END IF;
	PERFORM 1 FROM rbac.resource_type t WHERE t.slug::text = rt FOR SHARE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	PERFORM 1 FROM rbac.resource_type t WHERE t.slug::text = pt;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	frontier := ARRAY[pt];
	WHILE cardinality(frontier) > 0 LOOP
		next_frontier := '{}';
		FOREACH p IN ARRAY frontier LOOP
			IF p = rt THEN
				RETURN NULL;
			END IF;
			IF p = ANY (seen) THEN
				CONTINUE;
			END IF;
			seen := seen || p;
			SELECT t.parent_type_slugs INTO parents FROM rbac.resource_type t
			WHERE t.slug::text = p FOR SHARE;
			next_frontier := next_frontier || coalesce(parents, '{}');
		END LOOP;
		frontier := next_frontier;
	END LOOP;
	RAISE EXCEPTION 'role "%" of resource type "%" cannot hold permission "%" of resource type "%"',
		rslug, rt, NEW.permission_slug, pt
		USING ERRCODE = 'invalid_parameter_value',
			  DETAIL = 'A role may hold permissions of its own resource type or of a type below it.';
END
$$;
COMMENT ON FUNCTION rbac.role_permission_type_check() IS
'row trigger on rbac.role_permission, after the change: among registered resource types, a role holds permissions of its own type or of a type below it (22023)';

CREATE TRIGGER role_permission_type_check
	AFTER INSERT OR UPDATE ON rbac.role_permission
	FOR EACH ROW EXECUTE FUNCTION rbac.role_permission_type_check();

------------------------------------------------------------------------------
-- Invalidation: the tables the checks on resources read (src/cache.c) get
-- the cache's triggers as role, membership and their links have them: a
-- row trigger that sends the keys a row changes (a resource's key and id,
-- a role assignment's membership, a permission's slug: the permission's
-- resource type is read again, which 1.1 had no reader of until now) and a
-- statement trigger for TRUNCATE, enabled ALWAYS.  The type hierarchy
-- feeds no entry: a change to it empties the caches (a statement trigger,
-- and a row trigger for replication's apply workers, which fire no
-- statement triggers).
------------------------------------------------------------------------------

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['permission', 'resource', 'role_assignment']
	LOOP
		EXECUTE pg_catalog.format('CREATE TRIGGER invalidate_cache '
								  'AFTER INSERT OR UPDATE OR DELETE ON rbac.%I '
								  'FOR EACH ROW EXECUTE FUNCTION rbac.invalidate_cache()', t);
		EXECUTE pg_catalog.format('ALTER TABLE rbac.%I ENABLE ALWAYS TRIGGER invalidate_cache', t);
		EXECUTE pg_catalog.format('CREATE TRIGGER invalidate_cache_truncate '
								  'AFTER TRUNCATE ON rbac.%I '
								  'FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache()', t);
		EXECUTE pg_catalog.format('ALTER TABLE rbac.%I ENABLE ALWAYS TRIGGER invalidate_cache_truncate', t);
	END LOOP;
	FOREACH t IN ARRAY ARRAY['resource_type', 'resource_type_parent']
	LOOP
		EXECUTE pg_catalog.format('CREATE TRIGGER invalidate_cache '
								  'AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rbac.%I '
								  'FOR EACH STATEMENT EXECUTE FUNCTION rbac.invalidate_cache()', t);
		EXECUTE pg_catalog.format('ALTER TABLE rbac.%I ENABLE ALWAYS TRIGGER invalidate_cache', t);
		EXECUTE pg_catalog.format('CREATE TRIGGER invalidate_cache_replica '
								  'AFTER INSERT OR UPDATE OR DELETE ON rbac.%I '
								  'FOR EACH ROW EXECUTE FUNCTION rbac.invalidate_cache()', t);
		EXECUTE pg_catalog.format('ALTER TABLE rbac.%I ENABLE REPLICA TRIGGER invalidate_cache_replica', t);
	END LOOP;
END
$$;

------------------------------------------------------------------------------
-- The checks on a resource (C, src/check.c and src/principal.c, through the
-- cache): SPEC 7's rule, the same markings and failure rules as SPEC 3.
------------------------------------------------------------------------------

CREATE FUNCTION rbac.user_has_permission(user_id text, organization_id text, permission_slug text,
										 resource_type_slug text, external_id text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_user_has_permission_resource'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.user_has_permission(text, text, text, text, text) IS
'true if the user''s membership in the organization has the permission on the resource (type and external id): a grant that covers it, of a permission of the resource''s type, held through a role assigned on the resource or an ancestor, or through the membership''s own roles; unknown or malformed anything: false';

CREATE FUNCTION rbac.has_permission(permission_slug text, resource_type_slug text, external_id text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_has_permission_resource'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.has_permission(text, text, text) IS
'true if the current request''s principal has the permission on the resource of its organization (type and external id): a member by the rule of rbac.user_has_permission on a resource, roles bound to an organization as assigned on its root; a principal without an organization: false';

CREATE FUNCTION rbac.has_permission(permission_slug text, organization_id text, resource_type_slug text,
									external_id text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_has_permission_org_resource'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.has_permission(text, text, text, text) IS
'true if the current request''s principal has the permission on the resource of the organization (type and external id), for a table shared by organizations that takes the organization from the row: a member by its membership there, roles as assigned on its root; a principal bound to another organization, or an empty organization id: false (as rbac.has_permission(permission_slug, organization_id))';

-- as the 1.0 tables (rbac.resource_type_parent's guard refuses changes
-- that do not come from rbac.resource_type)
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE
	ON rbac.resource_type, rbac.resource_type_parent, rbac.resource, rbac.role_assignment
	TO @extowner@ WITH GRANT OPTION;

------------------------------------------------------------------------------
-- Resource types: management (SPEC 7)
------------------------------------------------------------------------------

CREATE FUNCTION rbac.get_resource_type(slug text) RETURNS rbac.resource_type
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t rbac.resource_type;
BEGIN
	PERFORM rbac.require(slug, 'resource type slug'::text);
	PERFORM slug::rbac.resource_type_slug;
	SELECT * INTO t FROM rbac.resource_type x WHERE x.slug::text = get_resource_type.slug;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'resource type "%" does not exist', slug
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN t;
END
$$;
COMMENT ON FUNCTION rbac.get_resource_type(text) IS
'the resource type with this slug (organization is built in); unknown: 42704';

-- Parent type slugs as given to a function: validated, unknown ones
-- (other than the type itself) 42704.
CREATE FUNCTION rbac.check_parent_type_slugs(slug text, parent_type_slugs text[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p text;
BEGIN
	IF parent_type_slugs IS NULL THEN
		RAISE EXCEPTION 'parent type slugs must not be null'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use {organization} for a type whose resources hang directly under their organization.';
	END IF;
	IF array_ndims(parent_type_slugs) > 1 THEN
		RAISE EXCEPTION 'parent type slugs must be a one-dimensional array'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(parent_type_slugs, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'parent type slugs must not contain null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF cardinality(parent_type_slugs) = 0 THEN
		RAISE EXCEPTION 'resource type "%" needs at least one parent type', slug
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use {organization} for a type whose resources hang directly under their organization.';
	END IF;
	FOREACH p IN ARRAY parent_type_slugs LOOP
		PERFORM p::rbac.resource_type_slug;
	END LOOP;
	IF parent_type_slugs OPERATOR(pg_catalog.<@) ARRAY[slug] THEN
		RAISE EXCEPTION 'resource type "%" needs a parent type other than itself', slug
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Every resource type lies below organization.';
	END IF;
	FOREACH p IN ARRAY parent_type_slugs LOOP
		IF p <> slug AND NOT EXISTS (SELECT 1 FROM rbac.resource_type t WHERE t.slug::text = p) THEN
			RAISE EXCEPTION 'resource type "%" does not exist', p
				USING ERRCODE = 'undefined_object',
					  DETAIL = format('It is named as a parent type of "%s".', slug);
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION rbac.check_parent_type_slugs(text, text[]) IS
'internal: raises 22023 for a null, empty, multi-dimensional or invalid list of parent types, 42704 for an unknown parent type (the type itself may be one)';

CREATE FUNCTION rbac.create_resource_type(slug text, name text, description text DEFAULT NULL,
										  parent_type_slugs text[] DEFAULT '{organization}')
RETURNS rbac.resource_type
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t rbac.resource_type;
BEGIN
	PERFORM rbac.require(slug, 'resource type slug'::text);
	PERFORM rbac.require(name, 'name'::text);
	PERFORM slug::rbac.resource_type_slug;
	IF slug = 'organization' THEN
		RAISE EXCEPTION 'resource type "organization" is built in'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'It exists in every database with rbac and cannot be created.';
	END IF;
	PERFORM rbac.check_parent_type_slugs(slug, parent_type_slugs);
	BEGIN
		INSERT INTO rbac.resource_type AS x (slug, name, description, parent_type_slugs)
		VALUES (create_resource_type.slug, create_resource_type.name,
				create_resource_type.description, create_resource_type.parent_type_slugs)
		RETURNING * INTO t;
	EXCEPTION WHEN unique_violation THEN
		RAISE EXCEPTION 'resource type "%" already exists', slug
			USING ERRCODE = 'unique_violation';
	END;
	RETURN t;
END
$$;
COMMENT ON FUNCTION rbac.create_resource_type(text, text, text, text[]) IS
'creates a resource type whose resources hang under resources of the parent types (organization: directly under their organization; the type itself: nesting); unknown parent 42704, a cycle 22023, duplicate 23505';

CREATE FUNCTION rbac.list_resource_types() RETURNS SETOF rbac.resource_type
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM rbac.resource_type t
	ORDER BY t.slug::text OPERATOR(pg_catalog.<>) 'organization', t.slug
$$;
COMMENT ON FUNCTION rbac.list_resource_types() IS
'every resource type: organization first, then by slug';

CREATE FUNCTION rbac.update_resource_type(slug text, name text DEFAULT NULL, description text DEFAULT NULL,
										  parent_type_slugs text[] DEFAULT NULL)
RETURNS rbac.resource_type
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t rbac.resource_type;
BEGIN
	t := rbac.get_resource_type(slug);
	IF t.slug::text = 'organization' THEN
		RAISE EXCEPTION 'resource type "organization" is built in'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'It cannot be changed or deleted.';
	END IF;
	IF parent_type_slugs IS NOT NULL THEN
		PERFORM rbac.check_parent_type_slugs(slug, parent_type_slugs);
	END IF;
	UPDATE rbac.resource_type x
	SET name = coalesce(update_resource_type.name, x.name),
		description = coalesce(update_resource_type.description, x.description),
		parent_type_slugs = coalesce(update_resource_type.parent_type_slugs, x.parent_type_slugs)
	WHERE x.slug::text = t.slug::text
	RETURNING * INTO t;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'resource type "%" does not exist', slug
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN t;
END
$$;
COMMENT ON FUNCTION rbac.update_resource_type(text, text, text, text[]) IS
'changes a resource type''s name, description or parent types (NULL leaves a field unchanged); parents re-checked (42704, 22023), a removed parent that resources still use 2BP01';

CREATE FUNCTION rbac.delete_resource_type(slug text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t rbac.resource_type;
BEGIN
	t := rbac.get_resource_type(slug);
	-- lock it first: a resource, role or permission committed meanwhile is
	-- then seen (READ COMMITTED) or its foreign key fails
	PERFORM 1 FROM rbac.resource_type x WHERE x.slug::text = t.slug::text FOR UPDATE;
	DELETE FROM rbac.resource_type x WHERE x.slug::text = t.slug::text;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'resource type "%" does not exist', slug
			USING ERRCODE = 'undefined_object';
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.delete_resource_type(text) IS
'deletes a resource type; refused (2BP01) while resources, roles, permissions or other types use it; organization: 22023';

------------------------------------------------------------------------------
-- Resources: management (SPEC 7)
------------------------------------------------------------------------------

-- The resource, or 42704 naming it.
CREATE FUNCTION rbac.find_resource(organization_id text, resource_type_slug text, external_id text)
RETURNS rbac.resource
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	x rbac.resource;
BEGIN
	PERFORM rbac.require(organization_id, 'organization id'::text);
	PERFORM rbac.require(resource_type_slug, 'resource type slug'::text);
	PERFORM rbac.require(external_id, 'external id'::text);
	PERFORM organization_id::rbac.organization_id, resource_type_slug::rbac.resource_type_slug,
			external_id::rbac.external_id;
	SELECT * INTO x FROM rbac.resource r
	WHERE r.organization_id::text = find_resource.organization_id
	  AND r.resource_type_slug::text = find_resource.resource_type_slug
	  AND r.external_id::text = find_resource.external_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'resource "%" of type "%" does not exist in organization "%"',
			external_id, resource_type_slug, organization_id
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN x;
END
$$;
COMMENT ON FUNCTION rbac.find_resource(text, text, text) IS
'internal: the resource of the organization with this type and external id, else 42704';

-- The id of the parent a caller names: NULL for the organization (no
-- parent given, or parent type organization without an external id).
CREATE FUNCTION rbac.parent_resource_id(organization_id text, parent_type_slug text, parent_external_id text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF parent_external_id IS NULL AND (parent_type_slug IS NULL OR parent_type_slug = 'organization') THEN
		RETURN NULL;
	END IF;
	IF parent_type_slug IS NULL OR parent_external_id IS NULL THEN
		RAISE EXCEPTION 'a parent resource is named by its type and its external id'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Pass both parent_type_slug and parent_external_id, or parent_type_slug => ''organization'' alone for the organization itself.';
	END IF;
	RETURN (rbac.find_resource(organization_id, parent_type_slug, parent_external_id)).id;
END
$$;
COMMENT ON FUNCTION rbac.parent_resource_id(text, text, text) IS
'internal: the id of the parent resource named by type and external id (42704 if unknown), NULL for the organization itself (no parent, or type organization alone); one of the two alone: 22023';

CREATE FUNCTION rbac.create_resource(organization_id text, resource_type_slug text, external_id text,
									 name text, description text DEFAULT NULL,
									 parent_type_slug text DEFAULT NULL, parent_external_id text DEFAULT NULL)
RETURNS rbac.resource
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	x rbac.resource;
	parent_id text;
BEGIN
	PERFORM rbac.require(organization_id, 'organization id'::text);
	PERFORM rbac.require(resource_type_slug, 'resource type slug'::text);
	PERFORM rbac.require(external_id, 'external id'::text);
	PERFORM rbac.require(name, 'name'::text);
	PERFORM organization_id::rbac.organization_id, external_id::rbac.external_id;
	PERFORM rbac.get_resource_type(resource_type_slug);
	parent_id := rbac.parent_resource_id(organization_id, parent_type_slug, parent_external_id);
	BEGIN
		INSERT INTO rbac.resource AS r (external_id, name, description, resource_type_slug,
										organization_id, parent_resource_id)
		VALUES (create_resource.external_id, create_resource.name, create_resource.description,
				create_resource.resource_type_slug, create_resource.organization_id, parent_id)
		RETURNING * INTO x;
	EXCEPTION WHEN unique_violation THEN
		RAISE EXCEPTION 'resource "%" of type "%" already exists in organization "%"',
			external_id, resource_type_slug, organization_id
			USING ERRCODE = 'unique_violation';
	END;
	RETURN x;
END
$$;
COMMENT ON FUNCTION rbac.create_resource(text, text, text, text, text, text, text) IS
'creates a resource of the organization, under the resource named by parent_type_slug and parent_external_id or, without them, directly under the organization; unknown type or parent 42704, a parent of a type the resource''s type does not list 22023, duplicate external id 23505';

CREATE FUNCTION rbac.get_resource(organization_id text, resource_type_slug text, external_id text)
RETURNS rbac.resource
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT rbac.find_resource(organization_id, resource_type_slug, external_id)
$$;
COMMENT ON FUNCTION rbac.get_resource(text, text, text) IS
'the resource of the organization with this type and external id; unknown: 42704';

CREATE FUNCTION rbac.get_resource_by_id(id text) RETURNS rbac.resource
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	x rbac.resource;
BEGIN
	PERFORM rbac.require(id, 'resource id'::text);
	SELECT * INTO x FROM rbac.resource r WHERE r.id = get_resource_by_id.id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'resource "%" does not exist', rbac.shorten(id)
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN x;
END
$$;
COMMENT ON FUNCTION rbac.get_resource_by_id(text) IS
'the resource with this id (authz_resource_...); unknown: 42704';

CREATE FUNCTION rbac.update_resource(organization_id text, resource_type_slug text, external_id text,
									 name text DEFAULT NULL, description text DEFAULT NULL,
									 parent_type_slug text DEFAULT NULL, parent_external_id text DEFAULT NULL)
RETURNS rbac.resource
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	x rbac.resource;
	parent_id text;
	move boolean := parent_type_slug IS NOT NULL OR parent_external_id IS NOT NULL;
BEGIN
	x := rbac.find_resource(organization_id, resource_type_slug, external_id);
	IF move THEN
		parent_id := rbac.parent_resource_id(organization_id, parent_type_slug, parent_external_id);
	END IF;
	UPDATE rbac.resource r
	SET name = coalesce(update_resource.name, r.name),
		description = coalesce(update_resource.description, r.description),
		parent_resource_id = CASE WHEN move THEN parent_id ELSE r.parent_resource_id END
	WHERE r.id = x.id
	RETURNING * INTO x;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'resource "%" of type "%" does not exist in organization "%"',
			external_id, resource_type_slug, organization_id
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN x;
END
$$;
COMMENT ON FUNCTION rbac.update_resource(text, text, text, text, text, text, text) IS
'changes a resource''s name or description (NULL leaves it) and, given parent_type_slug and parent_external_id, moves it under that resource (parent_type_slug => ''organization'' alone: directly under the organization); the move is re-checked: type, organization, no cycle (22023)';

CREATE FUNCTION rbac.delete_resource(organization_id text, resource_type_slug text, external_id text,
									 cascade boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	x rbac.resource;
	subtree text[];
	n bigint;
BEGIN
	IF cascade IS NULL THEN
		RAISE EXCEPTION 'cascade must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	x := rbac.find_resource(organization_id, resource_type_slug, external_id);
	PERFORM 1 FROM rbac.resource r WHERE r.id = x.id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'resource "%" of type "%" does not exist in organization "%"',
			external_id, resource_type_slug, organization_id
			USING ERRCODE = 'undefined_object';
	END IF;
	IF NOT cascade THEN
		SELECT count(*) INTO n FROM rbac.resource r WHERE r.parent_resource_id = x.id;
		IF n > 0 THEN
			RAISE EXCEPTION 'resource "%" of type "%" has child resources', external_id, resource_type_slug
				USING ERRCODE = 'dependent_objects_still_exist',
					  DETAIL = format('%s resources are directly under it.', n),
					  HINT = 'Delete or move them first, or pass cascade => true.';
		END IF;
		-- assignments: the row trigger raises 2BP01
		DELETE FROM rbac.resource r WHERE r.id = x.id;
		RETURN;
	END IF;
	-- the subtree, locked, then read again: a child added meanwhile is seen
	-- (READ COMMITTED), or its foreign key fails the delete
	FOR i IN 1..2 LOOP
		WITH RECURSIVE t(id) AS (
			SELECT x.id
			UNION ALL
			SELECT r.id FROM rbac.resource r JOIN t ON r.parent_resource_id = t.id
		)
		SELECT array_agg(t.id) INTO subtree FROM t;
		PERFORM 1 FROM rbac.resource r WHERE r.id = ANY (subtree) FOR UPDATE;
	END LOOP;
	DELETE FROM rbac.role_assignment a WHERE a.resource_id = ANY (subtree);
	DELETE FROM rbac.resource r WHERE r.id = ANY (subtree);
END
$$;
COMMENT ON FUNCTION rbac.delete_resource(text, text, text, boolean) IS
'deletes a resource; without cascade refused (2BP01) while it has child resources or role assignments; with cascade also its descendants and every role assignment on them';

-- Filters of rbac.list_resources: the parent's id, or whether to filter.
CREATE FUNCTION rbac.list_resources(organization_id text, resource_type_slug text DEFAULT NULL,
									parent_type_slug text DEFAULT NULL, parent_external_id text DEFAULT NULL,
									lim integer DEFAULT 10, before text DEFAULT NULL,
									after text DEFAULT NULL, sort_order text DEFAULT 'desc')
RETURNS SETOF rbac.resource
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ascending boolean;
	by_parent boolean := parent_type_slug IS NOT NULL OR parent_external_id IS NOT NULL;
	parent_id text;
BEGIN
	PERFORM rbac.require(organization_id, 'organization id'::text);
	PERFORM organization_id::rbac.organization_id;
	IF resource_type_slug IS NOT NULL THEN
		PERFORM rbac.get_resource_type(resource_type_slug);
	END IF;
	IF by_parent THEN
		parent_id := rbac.parent_resource_id(organization_id, parent_type_slug, parent_external_id);
	END IF;
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
			SELECT * FROM rbac.resource r
			WHERE r.organization_id::text = list_resources.organization_id
			  AND (list_resources.resource_type_slug IS NULL
				   OR r.resource_type_slug::text = list_resources.resource_type_slug)
			  AND (NOT by_parent OR r.parent_resource_id IS NOT DISTINCT FROM parent_id)
			  AND CASE WHEN ascending THEN r.id < before ELSE r.id > before END
			ORDER BY CASE WHEN ascending THEN r.id END DESC,
					 CASE WHEN NOT ascending THEN r.id END ASC
			LIMIT lim) page
		ORDER BY CASE WHEN ascending THEN page.id END ASC,
				 CASE WHEN NOT ascending THEN page.id END DESC;
	ELSE
		RETURN QUERY
		SELECT * FROM rbac.resource r
		WHERE r.organization_id::text = list_resources.organization_id
		  AND (list_resources.resource_type_slug IS NULL
			   OR r.resource_type_slug::text = list_resources.resource_type_slug)
		  AND (NOT by_parent OR r.parent_resource_id IS NOT DISTINCT FROM parent_id)
		  AND (after IS NULL OR CASE WHEN ascending THEN r.id > after ELSE r.id < after END)
		  AND (before IS NULL OR CASE WHEN ascending THEN r.id < before ELSE r.id > before END)
		ORDER BY CASE WHEN ascending THEN r.id END ASC,
				 CASE WHEN NOT ascending THEN r.id END DESC
		LIMIT lim;
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.list_resources(text, text, text, text, integer, text, text, text) IS
'a page of the organization''s resources, of one type and directly under one parent if given (parent_type_slug => ''organization'' alone: the top level), by id with WorkOS cursors as rbac.list_permissions';

------------------------------------------------------------------------------
-- Role assignments (SPEC 7)
------------------------------------------------------------------------------

CREATE FUNCTION rbac.assign_role(user_id text, organization_id text, role_slug text,
								 resource_type_slug text, external_id text)
RETURNS rbac.role_assignment
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
	r rbac.role;
	x rbac.resource;
	a rbac.role_assignment;
BEGIN
	m := rbac.get_organization_membership(user_id, organization_id);
	r := rbac.get_organization_role(organization_id, role_slug);
	x := rbac.find_resource(organization_id, resource_type_slug, external_id);
	IF r.resource_type_slug::text <> x.resource_type_slug::text THEN
		RAISE EXCEPTION 'role "%" of resource type "%" cannot be assigned on resource "%" of type "%"',
			r.slug, r.resource_type_slug, x.external_id, x.resource_type_slug
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A role is assigned only on resources of its own type.';
	END IF;
	PERFORM rbac.lock_role(r, false);
	INSERT INTO rbac.role_assignment AS y (membership_id, role_id, resource_id)
	VALUES (m.id, r.id, x.id)
	ON CONFLICT ON CONSTRAINT role_assignment_key DO NOTHING
	RETURNING * INTO a;
	IF a.id IS NULL THEN
		SELECT * INTO a FROM rbac.role_assignment y
		WHERE y.membership_id = m.id AND y.role_id = r.id AND y.resource_id = x.id;
	END IF;
	RETURN a;
END
$$;
COMMENT ON FUNCTION rbac.assign_role(text, text, text, text, text) IS
'assigns the role to the user''s membership on the resource (and so on its descendants); no effect if it is already assigned; unknown membership, role or resource 42704, a role of another type 22023';

CREATE FUNCTION rbac.remove_role_assignment(user_id text, organization_id text, role_slug text,
											resource_type_slug text, external_id text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
	r rbac.role;
	x rbac.resource;
BEGIN
	m := rbac.get_organization_membership(user_id, organization_id);
	r := rbac.get_organization_role(organization_id, role_slug);
	x := rbac.find_resource(organization_id, resource_type_slug, external_id);
	DELETE FROM rbac.role_assignment y
	WHERE y.membership_id = m.id AND y.role_id = r.id AND y.resource_id = x.id;
END
$$;
COMMENT ON FUNCTION rbac.remove_role_assignment(text, text, text, text, text) IS
'removes the role''s assignment to the user''s membership on the resource; no effect if there is none; unknown membership, role or resource 42704';

CREATE FUNCTION rbac.list_role_assignments(user_id text, organization_id text)
RETURNS SETOF rbac.role_assignment
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
BEGIN
	m := rbac.get_organization_membership(user_id, organization_id);
	RETURN QUERY SELECT * FROM rbac.role_assignment a WHERE a.membership_id = m.id ORDER BY a.id;
END
$$;
COMMENT ON FUNCTION rbac.list_role_assignments(text, text) IS
'the role assignments of the user''s membership in the organization, oldest first; unknown membership 42704';

CREATE FUNCTION rbac.list_resource_role_assignments(organization_id text, resource_type_slug text,
													external_id text)
RETURNS SETOF rbac.role_assignment
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	x rbac.resource;
BEGIN
	x := rbac.find_resource(organization_id, resource_type_slug, external_id);
	RETURN QUERY SELECT * FROM rbac.role_assignment a WHERE a.resource_id = x.id ORDER BY a.id;
END
$$;
COMMENT ON FUNCTION rbac.list_resource_role_assignments(text, text, text) IS
'the role assignments on the resource itself (not those inherited from its ancestors), oldest first; unknown resource 42704';

------------------------------------------------------------------------------
-- Deletes with cascade.  rbac.delete_role(slug), rbac.delete_organization_role
-- (organization_id, slug) and rbac.delete_organization_membership(user_id,
-- organization_id) keep their 1.0 signatures, OIDs and grants and behave as
-- cascade => false (2BP01 while assignments remain).  The cascade forms are
-- overloads with one more, required, argument: with a DEFAULT the short
-- call would match both and be ambiguous (42725), and replacing the 1.0
-- function by one with a defaulted argument would drop it (and what was
-- granted or revoked on it) in every upgraded database.
------------------------------------------------------------------------------

CREATE FUNCTION rbac.delete_role(slug text, cascade boolean) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	IF cascade IS NULL THEN
		RAISE EXCEPTION 'cascade must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	r := rbac.get_role(slug);
	IF cascade THEN
		PERFORM rbac.lock_role(r, true);
		DELETE FROM rbac.role_assignment a WHERE a.role_id = r.id;
	END IF;
	PERFORM rbac.remove_role(r);
END
$$;
COMMENT ON FUNCTION rbac.delete_role(text, boolean) IS
'deletes an environment role; with cascade also its role assignments on resources, without (as rbac.delete_role(slug)) refused while it has any (2BP01)';

CREATE FUNCTION rbac.delete_organization_role(organization_id text, slug text, cascade boolean) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r rbac.role;
BEGIN
	IF cascade IS NULL THEN
		RAISE EXCEPTION 'cascade must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	r := rbac.own_organization_role(organization_id, slug);
	IF cascade THEN
		PERFORM rbac.lock_role(r, true);
		DELETE FROM rbac.role_assignment a WHERE a.role_id = r.id;
	END IF;
	PERFORM rbac.remove_role(r);
END
$$;
COMMENT ON FUNCTION rbac.delete_organization_role(text, text, boolean) IS
'deletes an organization role; with cascade also its role assignments on resources, without (as rbac.delete_organization_role(organization_id, slug)) refused while it has any (2BP01)';

CREATE FUNCTION rbac.delete_organization_membership(user_id text, organization_id text, cascade boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m rbac.membership;
BEGIN
	IF cascade IS NULL THEN
		RAISE EXCEPTION 'cascade must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	m := rbac.get_organization_membership(user_id, organization_id);
	IF cascade THEN
		PERFORM 1 FROM rbac.membership x WHERE x.id = m.id FOR UPDATE;
		DELETE FROM rbac.role_assignment a WHERE a.membership_id = m.id;
	END IF;
	DELETE FROM rbac.membership x WHERE x.id = m.id;
END
$$;
COMMENT ON FUNCTION rbac.delete_organization_membership(text, text, boolean) IS
'deletes an organization membership; with cascade also its role assignments on resources, without (as rbac.delete_organization_membership(user_id, organization_id)) refused while it has any (2BP01)';

------------------------------------------------------------------------------
-- Discovery (SPEC 7), by the rule of the checks: a grant g covers
-- permission p on resource r when g matches p (SPEC 3 wildcards), the
-- permission row of g has r's type, and g is held through a role assigned
-- on r or on an ancestor of r; the membership's own roles count as
-- assigned on the organization, the root of every resource.
--
-- resources_with_permission and effective_permissions are C and read
-- through the checks' cache, without the caller's privileges, as the checks
-- do: they tell what a check on each resource or permission would.
-- members_with_permission lists members' user ids, which nothing else
-- tells a role without SELECT on rbac.membership, so it is SQL, SECURITY
-- INVOKER like every rbac function (rbac is trusted: a SECURITY DEFINER
-- function would run as the bootstrap superuser), and its caller needs
-- SELECT on the tables it reads.  STABLE: one snapshot per statement.
------------------------------------------------------------------------------

CREATE FUNCTION rbac.resources_with_permission(user_id text, organization_id text, permission_slug text,
											   resource_type_slug text)
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'rbac_resources_with_permission'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION rbac.resources_with_permission(text, text, text, text) IS
'the external ids of every resource of the type in the organization on which the user has the permission (by the rule of rbac.user_has_permission on a resource), sorted, for resource_id IN (SELECT ...); C, through the checks'' cache: needs no privilege on rbac''s tables';

CREATE FUNCTION rbac.members_with_permission(organization_id text, permission_slug text,
											 resource_type_slug text, external_id text,
											 assignment text DEFAULT 'indirect')
RETURNS SETOF text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
ROWS 100
AS $$
BEGIN
	IF assignment NOT IN ('direct', 'indirect') THEN
		RAISE EXCEPTION 'invalid assignment "%"', rbac.shorten(assignment)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'assignment is "direct" (assigned on the resource itself) or "indirect" (also through its ancestors and the organization).';
	END IF;
	RETURN QUERY
	WITH RECURSIVE
	target AS (
		SELECT r.id, r.parent_resource_id FROM rbac.resource r
		WHERE r.organization_id::text = members_with_permission.organization_id
		  AND r.resource_type_slug::text = members_with_permission.resource_type_slug
		  AND r.external_id::text = members_with_permission.external_id
	),
	up(id, parent, depth) AS (
		SELECT t.id, t.parent_resource_id, 0 FROM target t
		UNION ALL
		SELECT r.id, r.parent_resource_id, up.depth + 1 FROM rbac.resource r JOIN up ON r.id = up.parent
		WHERE members_with_permission.assignment = 'indirect'
	),
	granting AS (
		SELECT rp.role_id FROM rbac.role_permission rp
		JOIN rbac.permission p ON p.slug::text = rp.permission_slug::text
		WHERE p.resource_type_slug::text = members_with_permission.resource_type_slug
		  AND rbac.permission_matches(p.slug::text, members_with_permission.permission_slug)
	),
	holders AS (
		SELECT a.membership_id FROM rbac.role_assignment a
		WHERE a.resource_id IN (SELECT up.id FROM up)
		  AND a.role_id IN (SELECT g.role_id FROM granting g)
		UNION
		SELECT mr.membership_id FROM rbac.membership_role mr
		WHERE members_with_permission.assignment = 'indirect'
		  AND EXISTS (SELECT 1 FROM target)
		  AND mr.role_id IN (SELECT g.role_id FROM granting g)
	)
	SELECT m.user_id::text FROM rbac.membership m
	WHERE m.id IN (SELECT h.membership_id FROM holders h)
	  AND m.organization_id::text = members_with_permission.organization_id
	ORDER BY 1;
END
$$;
COMMENT ON FUNCTION rbac.members_with_permission(text, text, text, text, text) IS
'the user ids of the organization''s members who have the permission on the resource: assignment ''indirect'' (default) by the rule of the checks (roles assigned on it or an ancestor, and the membership''s own roles), ''direct'' only through roles assigned on the resource itself; other values 22023; sorted; needs SELECT on rbac''s tables';

CREATE FUNCTION rbac.effective_permissions(user_id text, organization_id text, resource_type_slug text,
										   external_id text)
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'rbac_effective_permissions'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION rbac.effective_permissions(text, text, text, text) IS
'the slugs of the permissions of the resource''s type that the user has on the resource (a check on each would be true; wildcard grants count for every permission they cover), sorted; unknown user or resource, or malformed anything: none; C, through the checks'' cache: needs no privilege on rbac''s tables';

------------------------------------------------------------------------------
-- JSON (SPEC 7): WorkOS's objects
------------------------------------------------------------------------------

CREATE FUNCTION rbac.resource_type_json(t rbac.resource_type) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'object', 'resource_type',
		'slug', t.slug,
		'name', t.name,
		'description', t.description,
		'parent_type_slugs', to_jsonb(t.parent_type_slugs),
		'created_at', rbac.json_timestamp(t.created_at),
		'updated_at', rbac.json_timestamp(t.updated_at))
$$;
COMMENT ON FUNCTION rbac.resource_type_json(rbac.resource_type) IS
'the resource type as a JSON object: object "resource_type", slug, name, description, parent_type_slugs, created_at, updated_at';

CREATE FUNCTION rbac.resource_json(r rbac.resource) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'object', 'authorization_resource',
		'id', r.id,
		'external_id', r.external_id,
		'name', r.name,
		'description', r.description,
		'resource_type_slug', r.resource_type_slug,
		'organization_id', r.organization_id,
		'parent_resource_id', r.parent_resource_id,
		'created_at', rbac.json_timestamp(r.created_at),
		'updated_at', rbac.json_timestamp(r.updated_at))
$$;
COMMENT ON FUNCTION rbac.resource_json(rbac.resource) IS
'the resource as a WorkOS authorization resource object (object "authorization_resource"; parent_resource_id null directly under the organization)';

-- VOLATILE and PARALLEL RESTRICTED as rbac.membership_json: it reads the
-- role and the resource, and applied to what rbac.assign_role returns it
-- shows the state after it.
CREATE FUNCTION rbac.role_assignment_json(a rbac.role_assignment) RETURNS jsonb
LANGUAGE sql VOLATILE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'object', 'role_assignment',
		'id', a.id,
		'organization_membership_id', a.membership_id,
		'role', (SELECT jsonb_build_object('slug', r.slug) FROM rbac.role r WHERE r.id = a.role_id),
		'resource', (SELECT jsonb_build_object('id', x.id, 'external_id', x.external_id,
											   'resource_type_slug', x.resource_type_slug)
					 FROM rbac.resource x WHERE x.id = a.resource_id),
		'created_at', rbac.json_timestamp(a.created_at),
		'updated_at', rbac.json_timestamp(a.updated_at))
$$;
COMMENT ON FUNCTION rbac.role_assignment_json(rbac.role_assignment) IS
'the role assignment as a WorkOS role assignment object: object "role_assignment", id, organization_membership_id, role {slug}, resource {id, external_id, resource_type_slug}, created_at, updated_at';

CREATE FUNCTION rbac.list_resources_json(organization_id text, resource_type_slug text DEFAULT NULL,
										 parent_type_slug text DEFAULT NULL, parent_external_id text DEFAULT NULL,
										 lim integer DEFAULT 10, before text DEFAULT NULL,
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
	more_before boolean := false;
	more_after boolean := false;
BEGIN
	SELECT coalesce(jsonb_agg(rbac.resource_json(page.l) ORDER BY page.n), '[]'::jsonb),
		   array_agg((page.l).id ORDER BY page.n)
	INTO data, ids
	FROM (SELECT l, row_number() OVER () AS n
		  FROM rbac.list_resources(organization_id, resource_type_slug, parent_type_slug,
								   parent_external_id, lim, before, after, sort_order) l) page;
	IF ids IS NOT NULL THEN
		first_id := ids[1];
		last_id := ids[array_length(ids, 1)];
		SELECT EXISTS (SELECT 1 FROM rbac.list_resources(organization_id, resource_type_slug,
							parent_type_slug, parent_external_id, 1, first_id, NULL::text, sort_order))
		INTO more_before;
		SELECT EXISTS (SELECT 1 FROM rbac.list_resources(organization_id, resource_type_slug,
							parent_type_slug, parent_external_id, 1, NULL::text, last_id, sort_order))
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
COMMENT ON FUNCTION rbac.list_resources_json(text, text, text, text, integer, text, text, text) IS
'rbac.list_resources as a WorkOS list: {"object": "list", "data": [...], "list_metadata": {"before", "after"}} (after: the cursor of the next page, null on the last; before: of the previous page, null on the first)';
-- Permission queries (SPEC 9): Unkey's syntax, permission slugs joined by
-- AND / OR with parentheses, parsed in C (src/query.c) once per call site
-- into a small program whose slugs are each checked with SPEC 3's rules
-- through the same cache; the answer is remembered per organization like
-- the single-slug checks'.  A malformed query raises 42601 naming the
-- character; a malformed slug inside a well-formed query is false.
------------------------------------------------------------------------------

CREATE FUNCTION rbac.has_permissions(query text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_has_permissions'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.has_permissions(text) IS
'true if the current request''s principal satisfies the permission query (slugs joined by AND / OR, parentheses; AND binds tighter), each slug checked as rbac.has_permission(text) does; a malformed query raises 42601';

CREATE FUNCTION rbac.has_permissions(query text, organization_id text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_has_permissions_org'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.has_permissions(text, text) IS
'true if the current request''s principal satisfies the permission query in the organization, each slug checked as rbac.has_permission(text, text) does; a malformed query raises 42601';

CREATE FUNCTION rbac.role_has_permissions(role_slug text, query text) RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_role_has_permissions'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.role_has_permissions(text, text) IS
'true if the environment role satisfies the permission query, each slug checked as rbac.role_has_permission(text, text) does; a malformed query raises 42601';

CREATE FUNCTION rbac.role_has_permissions(role_slug text, query text, organization_id text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_role_has_permissions_org'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.role_has_permissions(text, text, text) IS
'true if the role named in the organization satisfies the permission query, each slug checked as rbac.role_has_permission(text, text, text) does; a malformed query raises 42601';

CREATE FUNCTION rbac.user_has_permissions(user_id text, organization_id text, query text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rbac_user_has_permissions'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.user_has_permissions(text, text, text) IS
'true if the user''s membership in the organization satisfies the permission query, each slug checked as rbac.user_has_permission(text, text, text) does; a malformed query raises 42601';

------------------------------------------------------------------------------
-- Explanations (SPEC 9): why a check said what it said.  The principal is
-- resolved by the C code the checks use (rbac.current_principal()), the
-- decision is the check's own answer, and the reasons are read from the
-- catalog by the rule of SPEC 3 and 7: each role considered (held through
-- the membership, assigned on a resource of the path, or named by the
-- principal), its list and priority, the grant that covers the permission
-- (exact, or which wildcard) and where it is held.  SECURITY INVOKER: the
-- caller needs SELECT on rbac's tables (an administrator, in psql).
------------------------------------------------------------------------------

CREATE FUNCTION rbac.current_principal() RETURNS jsonb
AS 'MODULE_PATHNAME', 'rbac_current_principal'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION rbac.current_principal() IS
'the principal rbac.has_permission() would use now, resolved by the same code: source (rbac.user_id, rbac.role, request.jwt.claims or none), member and user_id, roles, the organization it is bound to, whether it can be granted anything (usable), rbac.jwt_claims and whether claims are set';

CREATE FUNCTION rbac.explain_check(principal jsonb, member_user_id text, organization_id text,
								   permission_slug text, resource_type_slug text, external_id text,
								   decision boolean)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	org text := explain_check.organization_id;
	perm text := explain_check.permission_slug;
	rtype text := explain_check.resource_type_slug;
	ext text := explain_check.external_id;
	is_resource boolean := explain_check.resource_type_slug IS NOT NULL;
	bound text := principal ->> 'organization_id';
	res rbac.resource;
	chain jsonb := '[]';
	mem rbac.membership;
	roles jsonb := '[]';
	reason text;
	granted boolean := false;
	n_found integer := 0;
	n_roles integer := 0;
	rec record;
	g record;
	slug text;
	entry jsonb;
BEGIN
	IF (explain_check.resource_type_slug IS NULL) <> (explain_check.external_id IS NULL) THEN
		RAISE EXCEPTION 'resource_type_slug and external_id go together'
			USING ERRCODE = '22023';
	END IF;
	IF NOT rbac.is_valid_permission_slug(perm) THEN
		reason := 'invalid permission slug';
	ELSIF principal IS NOT NULL AND NOT (principal ->> 'usable')::boolean THEN
		reason := 'no principal';
	ELSIF principal IS NOT NULL AND bound IS NOT NULL AND org IS NOT NULL AND org <> bound THEN
		reason := 'bound to another organization';
	ELSIF principal IS NOT NULL AND is_resource AND bound IS NULL THEN
		-- a check on a resource asks within the principal's own organization
		reason := 'no organization';
	END IF;
	IF principal IS NOT NULL AND org IS NULL THEN
		org := bound;
	END IF;
	IF reason IS NULL AND org = '' THEN
		reason := 'empty organization id';
	ELSIF reason IS NULL AND org IS NULL AND (member_user_id IS NOT NULL OR is_resource) THEN
		reason := 'no organization';
	END IF;

	-- the resource and its path to the organization (at most 64 links)
	IF reason IS NULL AND is_resource THEN
		SELECT * INTO res FROM rbac.resource r
		WHERE r.organization_id = org AND r.resource_type_slug = rtype AND r.external_id = ext;
		IF NOT FOUND THEN
			reason := 'unknown resource';
		ELSE
			WITH RECURSIVE path(id, parent, resource_type_slug, external_id, depth) AS (
				SELECT res.id, res.parent_resource_id, res.resource_type_slug::text, res.external_id::text, 0
				UNION ALL
				SELECT r.id, r.parent_resource_id, r.resource_type_slug::text, r.external_id::text, p.depth + 1
				FROM rbac.resource r JOIN path p ON r.id = p.parent
				WHERE p.depth < 64)
			SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'resource_type_slug', p.resource_type_slug,
														 'external_id', p.external_id, 'depth', p.depth)
									  ORDER BY p.depth), '[]')
			INTO chain FROM path p;
		END IF;
	END IF;

	-- the roles considered, each with the grant that covers the permission
	IF reason IS NULL THEN
		IF member_user_id IS NOT NULL THEN
			SELECT * INTO mem FROM rbac.membership m
			WHERE m.user_id = member_user_id AND m.organization_id = org;
			IF NOT FOUND THEN
				reason := 'not a member';
			END IF;
		END IF;
	END IF;
	IF reason IS NULL THEN
		FOR rec IN
			-- a member: its membership's roles (the organization root), and on a
			-- resource the roles assigned on it or an ancestor
			SELECT r.id AS role_id, r.slug::text AS slug, r.organization_id::text AS role_org,
				   'membership' AS held, NULL::jsonb AS assigned_on, 0 AS ord
			FROM rbac.membership_role mr JOIN rbac.role r ON r.id = mr.role_id
			WHERE member_user_id IS NOT NULL AND mr.membership_id = mem.id
			UNION ALL
			SELECT r.id, r.slug::text, r.organization_id::text, 'assigned',
				   c.value, (c.value ->> 'depth')::integer + 1
			FROM rbac.role_assignment ra
			JOIN rbac.role r ON r.id = ra.role_id
			JOIN jsonb_array_elements(chain) c ON c.value ->> 'id' = ra.resource_id
			WHERE member_user_id IS NOT NULL AND is_resource AND ra.membership_id = mem.id
			UNION ALL
			-- a principal's roles: the one each slug names (SPEC 3), else none
			SELECT r.id, s.slug, r.organization_id::text, 'principal', NULL::jsonb, 0
			FROM jsonb_array_elements_text(CASE WHEN member_user_id IS NULL
												THEN principal -> 'roles' ELSE '[]' END)
				 WITH ORDINALITY s(slug, n)
			LEFT JOIN rbac.role r
			  ON r.slug = s.slug
			 AND CASE WHEN org IS NOT NULL AND s.slug LIKE 'org-%'
					  THEN r.organization_id = org ELSE r.organization_id IS NULL END
			ORDER BY ord, slug
		LOOP
			n_roles := n_roles + 1;
			entry := jsonb_build_object('slug', rec.slug, 'organization_id', rec.role_org,
										'found', rec.role_id IS NOT NULL, 'held', rec.held,
										'assigned_on', rec.assigned_on);
			IF rec.role_id IS NOT NULL THEN
				n_found := n_found + 1;
				entry := entry || jsonb_build_object(
					'list', CASE WHEN rec.role_org IS NULL THEN 'environment' ELSE 'organization' END,
					'priority', (SELECT p.priority FROM rbac.priority_list(org) p
								 WHERE p.role_id = rec.role_id));
				SELECT rp.permission_slug::text AS grant_slug, p.resource_type_slug::text AS grant_type
				INTO g
				FROM rbac.role_permission rp
				JOIN rbac.permission p ON p.slug = rp.permission_slug
				WHERE rp.role_id = rec.role_id
				  AND rbac.permission_matches(rp.permission_slug::text, perm)
				  AND (NOT is_resource OR p.resource_type_slug = rtype)
				ORDER BY rp.permission_slug = perm DESC, rp.permission_slug
				LIMIT 1;
				IF FOUND THEN
					granted := true;
					entry := entry || jsonb_build_object(
						'grant', g.grant_slug,
						'match', CASE WHEN g.grant_slug = perm THEN 'exact' ELSE 'wildcard' END);
				ELSE
					entry := entry || jsonb_build_object('grant', NULL::text);
				END IF;
			END IF;
			roles := roles || jsonb_build_array(entry);
		END LOOP;
		reason := CASE WHEN granted THEN 'granted'
					   WHEN n_roles = 0 THEN 'no roles'
					   WHEN n_found = 0 THEN 'unknown role'
					   ELSE 'no covering grant' END;
	END IF;

	RETURN jsonb_build_object(
		'decision', decision,
		'reason', reason,
		'permission', perm,
		'organization_id', org,
		'resource', CASE WHEN is_resource THEN jsonb_build_object(
						'resource_type_slug', rtype, 'external_id', ext,
						'id', res.id, 'path', chain) END,
		'principal', principal,
		'membership', CASE WHEN mem.id IS NOT NULL THEN jsonb_build_object(
						  'id', mem.id, 'user_id', mem.user_id, 'organization_id', mem.organization_id,
						  'roles', to_jsonb(rbac.user_roles(mem.user_id::text, mem.organization_id::text))) END,
		'roles', roles);
END
$$;
COMMENT ON FUNCTION rbac.explain_check(jsonb, text, text, text, text, text, boolean) IS
'the reasons of rbac.explain() and rbac.explain_user(): called by them with the check''s decision';
REVOKE ALL ON FUNCTION rbac.explain_check(jsonb, text, text, text, text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rbac.explain_check(jsonb, text, text, text, text, text, boolean)
	TO @extowner@ WITH GRANT OPTION;

CREATE FUNCTION rbac.explain(permission_slug text, organization_id text DEFAULT NULL,
							 resource_type_slug text DEFAULT NULL, external_id text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	principal jsonb := rbac.current_principal();
	decision boolean;
BEGIN
	IF permission_slug IS NULL THEN
		RETURN NULL;
	END IF;
	IF explain.resource_type_slug IS NOT NULL AND explain.external_id IS NOT NULL THEN
		decision := rbac.has_permission(permission_slug, explain.resource_type_slug, explain.external_id);
		-- a check on a resource asks within the principal's organization
		IF explain.organization_id IS NOT NULL
		   AND explain.organization_id IS DISTINCT FROM principal ->> 'organization_id' THEN
			decision := false;
		END IF;
	ELSIF explain.organization_id IS NOT NULL THEN
		decision := rbac.has_permission(permission_slug, explain.organization_id);
	ELSE
		decision := rbac.has_permission(permission_slug);
	END IF;
	RETURN rbac.explain_check(principal,
							  CASE WHEN (principal ->> 'member')::boolean THEN principal ->> 'user_id' END,
							  explain.organization_id, permission_slug,
							  explain.resource_type_slug, explain.external_id, decision);
END
$$;
COMMENT ON FUNCTION rbac.explain(text, text, text, text) IS
'why rbac.has_permission() with these arguments answers what it answers for the current request''s principal: jsonb with decision (the check''s answer), reason (granted, no principal, bound to another organization, empty organization id, no organization, not a member, unknown resource, unknown role, no roles, no covering grant, invalid permission slug), the principal as resolved, the membership, each role considered with its list, priority, where it is held and the grant that matched (exact or which wildcard), and the resource''s path; needs SELECT on rbac''s tables';

CREATE FUNCTION rbac.explain_user(user_id text, organization_id text, permission_slug text,
								  resource_type_slug text DEFAULT NULL, external_id text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	decision boolean;
BEGIN
	IF explain_user.user_id IS NULL OR explain_user.organization_id IS NULL OR permission_slug IS NULL THEN
		RETURN NULL;
	END IF;
	IF explain_user.resource_type_slug IS NOT NULL AND explain_user.external_id IS NOT NULL THEN
		decision := rbac.user_has_permission(explain_user.user_id, explain_user.organization_id,
											 permission_slug, explain_user.resource_type_slug,
											 explain_user.external_id);
	ELSE
		decision := rbac.user_has_permission(explain_user.user_id, explain_user.organization_id,
											 permission_slug);
	END IF;
	RETURN rbac.explain_check(NULL::jsonb, explain_user.user_id, explain_user.organization_id,
							  permission_slug, explain_user.resource_type_slug,
							  explain_user.external_id, decision);
END
$$;
COMMENT ON FUNCTION rbac.explain_user(text, text, text, text, text) IS
'why rbac.user_has_permission() with these arguments answers what it answers: jsonb as rbac.explain() gives it, for the user''s membership in the organization; needs SELECT on rbac''s tables';

------------------------------------------------------------------------------
-- Whole priority lists at once (SPEC 2, WorkOS PUT .../roles/priority): the
-- array names every role of the list exactly once, else 22023 and nothing
-- changes.  Under the list's lock, each role is moved to its place in turn
-- (rbac.move_in_list, as rbac.set_role_priority does); roles whose place
-- changed get a new updated_at.  Returns the list in its new order.
------------------------------------------------------------------------------

CREATE FUNCTION rbac.set_list_order(organization_id text, role_slugs text[])
RETURNS SETOF rbac.role
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	current text[];
	ids text[];
	dup text;
	missing text;
	unknown text;
	before_ids text[];
BEGIN
	IF role_slugs IS NULL OR array_ndims(role_slugs) > 1 OR array_position(role_slugs, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'role_slugs must be a one-dimensional array without nulls'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT s INTO dup FROM unnest(role_slugs) s GROUP BY s HAVING count(*) > 1 ORDER BY s LIMIT 1;
	IF dup IS NOT NULL THEN
		RAISE EXCEPTION 'role "%" is named more than once', rbac.shorten(dup)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF set_list_order.organization_id IS NOT NULL THEN
		-- the domain's check: 22023 naming a malformed id
		PERFORM set_list_order.organization_id::rbac.organization_id;
	END IF;
	PERFORM rbac.lock_list(set_list_order.organization_id);
	SELECT array_agg(r.slug::text ORDER BY p.priority), array_agg(r.id ORDER BY p.priority)
	INTO current, before_ids
	FROM rbac.priority_list(set_list_order.organization_id) p JOIN rbac.role r ON r.id = p.role_id;
	current := coalesce(current, '{}');
	SELECT c INTO missing FROM unnest(current) c WHERE c <> ALL (role_slugs) ORDER BY c LIMIT 1;
	SELECT s INTO unknown FROM unnest(role_slugs) s WHERE s <> ALL (current) ORDER BY s LIMIT 1;
	IF missing IS NOT NULL OR unknown IS NOT NULL THEN
		RAISE EXCEPTION 'role_slugs must name every role of the list exactly once'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = CASE WHEN unknown IS NOT NULL
						   THEN format('"%s" is not in the list.', rbac.shorten(unknown))
						   ELSE format('"%s" is missing.', rbac.shorten(missing)) END;
	END IF;
	IF set_list_order.organization_id IS NOT NULL THEN
		PERFORM rbac.ensure_own_order(set_list_order.organization_id);
	END IF;
	SELECT array_agg(r.id ORDER BY s.n) INTO ids
	FROM unnest(role_slugs) WITH ORDINALITY s(slug, n)
	JOIN rbac.priority_list(set_list_order.organization_id) p ON true
	JOIN rbac.role r ON r.id = p.role_id AND r.slug = s.slug;
	FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
		PERFORM rbac.lock_role(x, false) FROM rbac.role x WHERE x.id = ids[i];
		PERFORM rbac.move_in_list(set_list_order.organization_id, ids[i], i);
	END LOOP;
	UPDATE rbac.role x SET updated_at = clock_timestamp()
	WHERE x.id = ANY (ids) AND array_position(ids, x.id) IS DISTINCT FROM array_position(before_ids, x.id);
	RETURN QUERY
		SELECT r.* FROM rbac.priority_list(set_list_order.organization_id) p
		JOIN rbac.role r ON r.id = p.role_id ORDER BY p.priority;
END
$$;
COMMENT ON FUNCTION rbac.set_list_order(text, text[]) IS
'the body of rbac.set_role_priority_order and rbac.set_organization_role_priority_order (organization NULL: the environment list)';

CREATE FUNCTION rbac.set_role_priority_order(role_slugs text[]) RETURNS SETOF rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM rbac.set_list_order(NULL::text, role_slugs)
$$;
COMMENT ON FUNCTION rbac.set_role_priority_order(text[]) IS
'sets the whole environment priority list (WorkOS PUT /authorization/roles/priority): the array names every environment role exactly once, highest first (else 22023, nothing changed); returns the list';

CREATE FUNCTION rbac.set_organization_role_priority_order(organization_id text, role_slugs text[])
RETURNS SETOF rbac.role
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM rbac.set_list_order(organization_id, role_slugs)
$$;
COMMENT ON FUNCTION rbac.set_organization_role_priority_order(text, text[]) IS
'sets the whole priority list of the organization (its environment and organization roles; WorkOS PUT /authorization/organizations/{id}/roles/priority): the array names every role of that list exactly once, highest first (else 22023, nothing changed); the environment list is untouched; returns the list';

------------------------------------------------------------------------------
-- Events (SPEC 8): rbac.event, one row per object a transaction changed.
-- Row triggers note what changed (src/event.c) and the events are written
-- just before the transaction commits, in it: functions, direct DML, COPY
-- and TRUNCATE are all recorded, a rolled-back change never.  Ids are
-- handed out in commit order.
------------------------------------------------------------------------------

ALTER TABLE rbac.setting ADD COLUMN events boolean NOT NULL DEFAULT true;
COMMENT ON TABLE rbac.setting IS
'environment settings, at most one row (none: the defaults): multiple_roles allows a membership to hold several roles; events (default true) records changes in rbac.event';

CREATE TABLE rbac.event (
	id text COLLATE "C" NOT NULL,
	event text COLLATE "C" NOT NULL,
	data jsonb NOT NULL,
	created_at timestamptz NOT NULL,
	session_user_name text NOT NULL,
	current_user_name text NOT NULL,
	user_id text,
	-- no CHECK constraints: the flush makes the ids and names, and its guard
	-- lets no one else but a superuser or the owner write (a CHECK with a
	-- regular expression was a sixth of the cost of writing an event)
	CONSTRAINT event_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE rbac.event IS
'change events (WorkOS events): one row per object a committed transaction changed, in commit order of id; data is the object''s JSON after the change (before it, for deleted); session_user_name, current_user_name and user_id (the principal, if a member) say who';
SELECT pg_catalog.pg_extension_config_dump('rbac.event', '');

-- the flush writes events as the table's owner (src/event.c); the guard
-- lets no other INSERT through but a superuser's or the owner's (pg_restore),
-- also if the owner grants INSERT to others
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON rbac.event TO @extowner@ WITH GRANT OPTION;

CREATE FUNCTION rbac.event_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'rbac_event_guard'
LANGUAGE C;
COMMENT ON FUNCTION rbac.event_guard() IS
'trigger on rbac.event: rows come from rbac''s flush at commit, or from a superuser or the extension''s owner (a restore); anyone else: 42501';
CREATE TRIGGER event_guard
	BEFORE INSERT OR UPDATE ON rbac.event
	FOR EACH ROW EXECUTE FUNCTION rbac.event_guard();

CREATE FUNCTION rbac.record_event() RETURNS trigger
AS 'MODULE_PATHNAME', 'rbac_record_event'
LANGUAGE C;
COMMENT ON FUNCTION rbac.record_event() IS
'trigger: notes the object a changed row belongs to (arguments: kind, key column, ''own'' on the object''s own table), for the event written at commit';

CREATE FUNCTION rbac.capture_event() RETURNS trigger
AS 'MODULE_PATHNAME', 'rbac_capture_event'
LANGUAGE C;
COMMENT ON FUNCTION rbac.capture_event() IS
'trigger: keeps an object''s JSON before its row is deleted or truncated, for the deleted event';

DO $$
DECLARE
	-- table, kind, key column, own table of the kind?
	w text[];
BEGIN
	FOREACH w SLICE 1 IN ARRAY ARRAY[
		['permission', 'permission', 'id', 'own'],
		['role', 'role', 'id', 'own'],
		['role_permission', 'role', 'role_id', ''],
		['membership', 'membership', 'id', 'own'],
		['membership_role', 'membership', 'membership_id', ''],
		['resource_type', 'resource_type', 'slug', 'own'],
		['resource', 'resource', 'id', 'own'],
		['role_assignment', 'role_assignment', 'id', 'own']]
	LOOP
		EXECUTE pg_catalog.format('CREATE TRIGGER record_event '
								  'AFTER INSERT OR UPDATE OR DELETE ON rbac.%I '
								  'FOR EACH ROW EXECUTE FUNCTION rbac.record_event(%L, %L, %L)',
								  w[1], w[2], w[3], w[4]);
		IF w[4] = 'own' THEN
			EXECUTE pg_catalog.format('CREATE TRIGGER capture_event '
									  'BEFORE DELETE ON rbac.%I '
									  'FOR EACH ROW EXECUTE FUNCTION rbac.capture_event(%L)',
									  w[1], w[2]);
			EXECUTE pg_catalog.format('CREATE TRIGGER capture_event_truncate '
									  'BEFORE TRUNCATE ON rbac.%I '
									  'FOR EACH STATEMENT EXECUTE FUNCTION rbac.capture_event(%L)',
									  w[1], w[2]);
		ELSE
			EXECUTE pg_catalog.format('CREATE TRIGGER record_event_truncate '
									  'BEFORE TRUNCATE ON rbac.%I '
									  'FOR EACH STATEMENT EXECUTE FUNCTION rbac.record_event(%L, %L)',
									  w[1], w[2], w[3]);
		END IF;
	END LOOP;
END
$$;

CREATE FUNCTION rbac.event_id_at(at timestamptz) RETURNS text
AS 'MODULE_PATHNAME', 'rbac_event_id_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rbac.event_id_at(timestamptz) IS
'the smallest event id of that millisecond: events are numbered by time, so id < rbac.event_id_at(t) means recorded before t';

CREATE FUNCTION rbac.event_json(e rbac.event) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'object', 'event',
		'id', e.id,
		'event', e.event,
		'data', e.data,
		'created_at', rbac.json_timestamp(e.created_at),
		'context', jsonb_build_object('session_user', e.session_user_name,
									  'current_user', e.current_user_name,
									  'user_id', e.user_id))
$$;
COMMENT ON FUNCTION rbac.event_json(rbac.event) IS
'the event as a WorkOS event object: object "event", id, event, data, created_at, and context {session_user, current_user, user_id}';

CREATE FUNCTION rbac.list_events(events text[] DEFAULT NULL, after text DEFAULT NULL,
								 lim integer DEFAULT 10) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	names CONSTANT text[] := ARRAY[
		'permission', 'role', 'organization_role', 'organization_membership',
		'resource_type', 'authorization_resource', 'role_assignment'];
	e text;
	page jsonb;
	last text;
BEGIN
	IF lim IS NULL OR lim < 1 OR lim > 100 THEN
		RAISE EXCEPTION 'invalid lim %', coalesce(lim::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'lim must be between 1 and 100.';
	END IF;
	IF after IS NOT NULL AND after !~ '^event_[0-9A-HJKMNP-TV-Z]{26}$' THEN
		RAISE EXCEPTION 'invalid event id "%"', rbac.shorten(after)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'An event id is "event_" and a ULID.';
	END IF;
	IF events IS NOT NULL THEN
		FOREACH e IN ARRAY events LOOP
			IF e IS NULL OR split_part(e, '.', 3) <> ''
			   OR NOT (split_part(e, '.', 1) = ANY (names))
			   OR NOT (split_part(e, '.', 2) = ANY (ARRAY['created', 'updated', 'deleted'])) THEN
				RAISE EXCEPTION 'invalid event name "%"', rbac.shorten(coalesce(e, 'NULL'))
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'An event name is an object (' || array_to_string(names, ', ')
								   || ') and created, updated or deleted, as "role.created".';
			END IF;
		END LOOP;
	END IF;
	SELECT coalesce(jsonb_agg(rbac.event_json(x.v) ORDER BY (x.v).id), '[]'::jsonb), max((x.v).id)
	INTO page, last
	FROM (SELECT v FROM rbac.event v
		  WHERE (list_events.after IS NULL OR v.id > list_events.after)
			AND (list_events.events IS NULL OR v.event = ANY (list_events.events))
		  ORDER BY v.id
		  LIMIT lim) x;
	RETURN jsonb_build_object('object', 'list', 'data', page,
							  'list_metadata', jsonb_build_object('after', coalesce(last, after)));
END
$$;
COMMENT ON FUNCTION rbac.list_events(text[], text, integer) IS
'WorkOS list of events (oldest first) after the cursor, optionally only these event names; list_metadata.after is the cursor to pass next time (the last id returned, or the one given when there is nothing new): ids are in commit order, so nothing is ever missed behind it';

CREATE FUNCTION rbac.prune_events(older_than interval) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
BEGIN
	IF older_than IS NULL OR older_than < interval '0' THEN
		RAISE EXCEPTION 'invalid interval %', coalesce(older_than::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'older_than must be zero or more.';
	END IF;
	DELETE FROM rbac.event e WHERE e.id < rbac.event_id_at(clock_timestamp() - older_than);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION rbac.prune_events(interval) IS
'deletes the events recorded more than older_than ago; returns how many';

CREATE FUNCTION rbac.set_events(enabled boolean) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF enabled IS NULL THEN
		RAISE EXCEPTION 'enabled must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO rbac.setting AS s (events) VALUES (enabled)
	ON CONFLICT ON CONSTRAINT setting_pkey DO UPDATE SET events = excluded.events;
	RETURN enabled;
END
$$;
COMMENT ON FUNCTION rbac.set_events(boolean) IS
'records changes in rbac.event (true, the default) or not (false); the setting at commit decides for a transaction';

------------------------------------------------------------------------------
-- Configuration as code (SPEC 8): rbac.export() writes the configuration
-- (resource types, permissions, roles with their grants and priority order,
-- organization roles and orders, default roles, settings) as one jsonb
-- document; rbac.apply() makes the catalog match such a document, or
-- WorkOS's own list JSON, through the management functions, so that every
-- rule and trigger applies, and returns one rbac.change row per change.
--
-- apply() first reads the whole document into a normalized form
-- (rbac.config_document: shapes, JSON types, slugs, names, duplicates; the
-- JSON path of the first problem in a 22023), then, under table locks that
-- serialize applies but let checks and memberships go on, checks it against
-- the catalog (rbac.config_check: what it grants, names or orders exists),
-- then changes only what differs (rbac.config_apply), so that applying the
-- same document again changes nothing and returns no rows.  A top-level key
-- left out says nothing about its objects; prune deletes the objects of the
-- keys present that the document does not name.  dry_run does all of it in
-- a subtransaction that it rolls back, and returns the same rows.
-- Memberships, resources and role assignments are data, not configuration:
-- neither exported nor applied.
------------------------------------------------------------------------------

CREATE TYPE rbac.change AS (action text, object text, key text, detail jsonb);
COMMENT ON TYPE rbac.change IS
'one change rbac.apply() made (or would make): action create, update or delete; object resource_type, permission, role, organization_role, priority_order, default_role or setting; key the slug (organization id/slug for an organization role, the organization id or NULL for the environment for a priority order or default role, the setting''s name); detail the object before and after (only the changed fields for an update)';

-- The path of a key below a JSON path, in JSONPath's notation.
CREATE FUNCTION rbac.config_path(path text, key text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT path || CASE WHEN key ~ '^[A-Za-z_][A-Za-z0-9_]*$' THEN '.' || key
						ELSE '.' || to_jsonb(key)::text END
$$;
COMMENT ON FUNCTION rbac.config_path(text, text) IS
'internal (rbac.apply): the JSONPath of a key below a path: $.roles, $.organizations."org 1"';

CREATE FUNCTION rbac.config_error(path text, message text, detail text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF detail IS NULL THEN
		RAISE EXCEPTION 'invalid configuration at %: %', path, message
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RAISE EXCEPTION 'invalid configuration at %: %', path, message
		USING ERRCODE = 'invalid_parameter_value', DETAIL = detail;
END
$$;
COMMENT ON FUNCTION rbac.config_error(text, text, text) IS
'internal (rbac.apply): raises 22023 "invalid configuration at <JSON path>: <message>"';

-- What a JSON value is, for messages: a number (42), a string ("x"), null.
CREATE FUNCTION rbac.config_describe(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN value IS NULL THEN 'nothing'
				WHEN jsonb_typeof(value) = 'null' THEN 'null'
				ELSE CASE jsonb_typeof(value) WHEN 'object' THEN 'an object' WHEN 'array' THEN 'an array'
											  ELSE 'a ' || jsonb_typeof(value) END
					 || ' (' || rbac.shorten(value::text) || ')' END
$$;
COMMENT ON FUNCTION rbac.config_describe(jsonb) IS
'internal (rbac.apply): a JSON value as a message names it: a number (42), a string ("x"), null';

-- An object with no other keys than these, or 22023.
CREATE FUNCTION rbac.config_keys(value jsonb, path text, what text, allowed text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	bad text;
BEGIN
	IF value IS NULL OR jsonb_typeof(value) <> 'object' THEN
		PERFORM rbac.config_error(path,
			format('expected %s (an object), got %s', what, rbac.config_describe(value)), NULL::text);
	END IF;
	SELECT k INTO bad FROM jsonb_object_keys(value) k WHERE k <> ALL (allowed) ORDER BY k LIMIT 1;
	IF bad IS NOT NULL THEN
		PERFORM rbac.config_error(rbac.config_path(path, bad), format('unknown key in %s', what),
			format('The keys of %s are %s.', what, array_to_string(allowed, ', ')));
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.config_keys(jsonb, text, text, text[]) IS
'internal (rbac.apply): raises 22023 at the path unless the value is an object whose keys are all allowed';

-- A JSON string checked as a kind of value (22023 at the path naming the
-- value and the rule, from rbac's own validators).
CREATE FUNCTION rbac.config_scalar(value jsonb, path text, kind text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s text;
	msg text;
	det text;
BEGIN
	IF kind = 'boolean' THEN
		IF value IS NULL OR jsonb_typeof(value) <> 'boolean' THEN
			PERFORM rbac.config_error(path, format('expected a boolean, got %s', rbac.config_describe(value)),
									  NULL::text);
		END IF;
		RETURN value #>> '{}';
	END IF;
	IF value IS NULL OR jsonb_typeof(value) <> 'string' THEN
		PERFORM rbac.config_error(path, format('expected a string, got %s', rbac.config_describe(value)),
								  NULL::text);
	END IF;
	s := value #>> '{}';
	BEGIN
		CASE kind
		WHEN 'permission slug' THEN
			PERFORM rbac.check_permission_slug(s);
		WHEN 'role slug', 'organization role slug', 'any role slug' THEN
			PERFORM rbac.check_role_slug(s);
		WHEN 'resource type slug' THEN
			PERFORM rbac.check_resource_type_slug(s);
		WHEN 'name' THEN
			PERFORM rbac.check_name(s);
		WHEN 'description' THEN
			PERFORM rbac.check_description(s);
		WHEN 'organization id' THEN
			PERFORM rbac.check_organization_id(s);
		ELSE
			NULL;	-- any string (ids and timestamps, which apply ignores)
		END CASE;
	EXCEPTION WHEN invalid_parameter_value THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
		PERFORM rbac.config_error(path, msg, nullif(det, ''));
	END;
	IF kind = 'role slug' AND left(s, 4) = 'org-' THEN
		PERFORM rbac.config_error(path, format('environment role slug "%s" begins with "org-"', rbac.shorten(s)),
								  'The prefix "org-" is reserved for organization roles.'::text);
	ELSIF kind = 'organization role slug' AND left(s, 4) <> 'org-' THEN
		PERFORM rbac.config_error(path, format('organization role slug "%s" does not begin with "org-"', rbac.shorten(s)),
								  'An organization role slug must begin with "org-".'::text);
	END IF;
	RETURN s;
END
$$;
COMMENT ON FUNCTION rbac.config_scalar(jsonb, text, text) IS
'internal (rbac.apply): the text of a JSON string valid as a permission slug, role slug, organization role slug, resource type slug, name, description or organization id (or a JSON boolean), else 22023 at the path';

-- A key of an object: NULL when absent or null unless required.
CREATE FUNCTION rbac.config_field(value jsonb, key text, path text, kind text, required boolean) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v jsonb := value -> key;
BEGIN
	IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
		IF required THEN
			PERFORM rbac.config_error(rbac.config_path(path, key),
				CASE WHEN v IS NULL THEN format('"%s" is required', key)
					 ELSE format('"%s" must not be null', key) END, NULL::text);
		END IF;
		RETURN NULL;
	END IF;
	RETURN rbac.config_scalar(v, rbac.config_path(path, key), kind);
END
$$;
COMMENT ON FUNCTION rbac.config_field(jsonb, text, text, text, boolean) IS
'internal (rbac.apply): a key of a JSON object checked by rbac.config_scalar; absent or null gives NULL, or 22023 if required';

-- An array of slugs, each valid, none twice; NULL when absent or null.
CREATE FUNCTION rbac.config_slugs(value jsonb, key text, path text, kind text) RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v jsonb := value -> key;
	p text := rbac.config_path(path, key);
	result text[] := '{}';
	e jsonb;
	i bigint;
	s text;
BEGIN
	IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
		RETURN NULL;
	END IF;
	IF jsonb_typeof(v) <> 'array' THEN
		PERFORM rbac.config_error(p, format('expected an array of strings, got %s', rbac.config_describe(v)),
								  NULL::text);
	END IF;
	FOR e, i IN SELECT x.e, x.n - 1 FROM jsonb_array_elements(v) WITH ORDINALITY x(e, n) LOOP
		s := rbac.config_scalar(e, p || '[' || i || ']', kind);
		IF s = ANY (result) THEN
			PERFORM rbac.config_error(p || '[' || i || ']', format('"%s" is listed more than once', rbac.shorten(s)),
									  NULL::text);
		END IF;
		result := result || s;
	END LOOP;
	RETURN result;
END
$$;
COMMENT ON FUNCTION rbac.config_slugs(jsonb, text, text, text) IS
'internal (rbac.apply): a key of a JSON object holding an array of slugs of one kind, each valid and none twice (22023 at the element''s path); absent or null gives NULL';

-- The read-only fields of WorkOS's objects that a document may carry (an
-- export from WorkOS, rbac's own JSON): checked for their JSON type,
-- otherwise ignored.
CREATE FUNCTION rbac.config_readonly(value jsonb, path text, object text) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	o text;
BEGIN
	o := rbac.config_field(value, 'object'::text, path, 'text'::text, false);
	IF o IS NOT NULL AND o <> object THEN
		PERFORM rbac.config_error(rbac.config_path(path, 'object'::text),
			format('expected "%s", got %s', object, rbac.config_describe(value -> 'object')), NULL::text);
	END IF;
	PERFORM rbac.config_field(value, 'id'::text, path, 'text'::text, false);
	PERFORM rbac.config_field(value, 'created_at'::text, path, 'text'::text, false);
	PERFORM rbac.config_field(value, 'updated_at'::text, path, 'text'::text, false);
END
$$;
COMMENT ON FUNCTION rbac.config_readonly(jsonb, text, text) IS
'internal (rbac.apply): the read-only keys of a WorkOS object (object, id, created_at, updated_at) have the right JSON type (22023); apply ignores them';

CREATE FUNCTION rbac.config_resource_type(value jsonb, path text) RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	slug text;
	parents text[];
BEGIN
	PERFORM rbac.config_keys(value, path, 'a resource type'::text,
		'{slug,name,description,parent_type_slugs,object,created_at,updated_at}'::text[]);
	PERFORM rbac.config_readonly(value, path, 'resource_type'::text);
	slug := rbac.config_field(value, 'slug'::text, path, 'resource type slug'::text, true);
	IF slug = 'organization' THEN
		PERFORM rbac.config_error(rbac.config_path(path, 'slug'::text), 'resource type "organization" is built in'::text,
								  'It exists in every database with rbac and is not part of a configuration.'::text);
	END IF;
	parents := coalesce(rbac.config_slugs(value, 'parent_type_slugs'::text, path, 'resource type slug'::text),
						'{organization}');
	IF cardinality(parents) = 0 OR parents <@ ARRAY[slug] THEN
		PERFORM rbac.config_error(rbac.config_path(path, 'parent_type_slugs'::text),
			format('resource type "%s" needs a parent type other than itself', slug),
			'Use ["organization"] for a type whose resources hang directly under their organization.'::text);
	END IF;
	RETURN jsonb_build_object(
		'slug', slug,
		'name', rbac.config_field(value, 'name'::text, path, 'name'::text, true),
		'description', rbac.config_field(value, 'description'::text, path, 'description'::text, false),
		'parent_type_slugs', to_jsonb(parents),
		'path', path);
END
$$;
COMMENT ON FUNCTION rbac.config_resource_type(jsonb, text) IS
'internal (rbac.apply): a resource type of a configuration document, checked (22023 at its JSON path) and normalized';

CREATE FUNCTION rbac.config_permission(value jsonb, path text) RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM rbac.config_keys(value, path, 'a permission'::text,
		'{slug,name,description,resource_type_slug,system,object,id,created_at,updated_at}'::text[]);
	PERFORM rbac.config_readonly(value, path, 'permission'::text);
	RETURN jsonb_build_object(
		'slug', rbac.config_field(value, 'slug'::text, path, 'permission slug'::text, true),
		'name', rbac.config_field(value, 'name'::text, path, 'name'::text, true),
		'description', rbac.config_field(value, 'description'::text, path, 'description'::text, false),
		'resource_type_slug', coalesce(rbac.config_field(value, 'resource_type_slug'::text, path,
														 'resource type slug'::text, false), 'organization'),
		'system', coalesce(rbac.config_field(value, 'system'::text, path, 'boolean'::text, false)::boolean, false),
		'path', path);
END
$$;
COMMENT ON FUNCTION rbac.config_permission(jsonb, text) IS
'internal (rbac.apply): a permission of a configuration document, checked (22023 at its JSON path) and normalized';

-- A role; organization_id NULL for an environment role.
CREATE FUNCTION rbac.config_role(value jsonb, path text, organization_id text) RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t text;
	o text;
BEGIN
	PERFORM rbac.config_keys(value, path, 'a role'::text,
		'{slug,name,description,resource_type_slug,permissions,type,organization_id,object,id,created_at,updated_at}'::text[]);
	PERFORM rbac.config_readonly(value, path, 'role'::text);
	t := rbac.config_field(value, 'type'::text, path, 'text'::text, false);
	IF t IS NOT NULL AND t <> (CASE WHEN organization_id IS NULL THEN 'EnvironmentRole' ELSE 'OrganizationRole' END) THEN
		PERFORM rbac.config_error(rbac.config_path(path, 'type'::text),
			format('expected "%s", got %s',
				   CASE WHEN organization_id IS NULL THEN 'EnvironmentRole' ELSE 'OrganizationRole' END,
				   rbac.config_describe(value -> 'type')), NULL::text);
	END IF;
	o := rbac.config_field(value, 'organization_id'::text, path, 'organization id'::text, false);
	IF o IS NOT NULL AND o IS DISTINCT FROM organization_id THEN
		PERFORM rbac.config_error(rbac.config_path(path, 'organization_id'::text),
			CASE WHEN organization_id IS NULL THEN 'an environment role has no organization'
				 ELSE format('the role is listed under organization "%s"', rbac.shorten(organization_id)) END,
			NULL::text);
	END IF;
	RETURN jsonb_build_object(
		'slug', rbac.config_field(value, 'slug'::text, path,
								  CASE WHEN organization_id IS NULL THEN 'role slug' ELSE 'organization role slug' END,
								  true),
		'name', rbac.config_field(value, 'name'::text, path, 'name'::text, true),
		'description', rbac.config_field(value, 'description'::text, path, 'description'::text, false),
		'resource_type_slug', coalesce(rbac.config_field(value, 'resource_type_slug'::text, path,
														 'resource type slug'::text, false), 'organization'),
		'permissions', to_jsonb(coalesce(rbac.config_slugs(value, 'permissions'::text, path,
														   'permission slug'::text), '{}')),
		'path', path);
END
$$;
COMMENT ON FUNCTION rbac.config_role(jsonb, text, text) IS
'internal (rbac.apply): an environment role (organization NULL) or an organization role of a configuration document, checked (22023 at its JSON path) and normalized';

-- The first object of a list whose slug an earlier one has, or 22023.
CREATE FUNCTION rbac.config_unique(objects jsonb, what text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	dup record;
BEGIN
	SELECT b.e ->> 'slug' AS slug, b.e ->> 'path' AS path, a.e ->> 'path' AS first INTO dup
	FROM jsonb_array_elements(objects) WITH ORDINALITY a(e, n)
	JOIN jsonb_array_elements(objects) WITH ORDINALITY b(e, n)
	  ON b.e ->> 'slug' = a.e ->> 'slug' AND b.n > a.n
	ORDER BY b.n, a.n
	LIMIT 1;
	IF FOUND THEN
		PERFORM rbac.config_error(rbac.config_path(dup.path, 'slug'::text),
			format('%s "%s" is defined more than once', what, rbac.shorten(dup.slug)),
			format('It is defined first at %s.', dup.first));
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.config_unique(jsonb, text) IS
'internal (rbac.apply): 22023 at the path of the first normalized object whose slug an earlier one of the list has';

-- A configuration document or a WorkOS list, checked for everything that
-- needs no catalog and normalized: only the top-level keys given; every
-- object with all its fields (defaults filled in) and "path", where it was.
CREATE FUNCTION rbac.config_document(config jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	doc jsonb := '{}';
	e jsonb;
	i bigint;
	j bigint;
	p text;
	q text;
	org text;
	obj text;
	t text;
	types jsonb := '[]';
	perms jsonb := '[]';
	roles jsonb := '[]';
	orgs jsonb := '[]';
	org_roles jsonb := '{}';	-- WorkOS list: organization id -> roles
	entry jsonb;
	order_slugs text[];
	defaults jsonb;
	k text;
	v jsonb;
BEGIN
	IF config IS NULL OR jsonb_typeof(config) <> 'object' THEN
		PERFORM rbac.config_error('$'::text,
			format('expected a configuration document (an object), got %s', rbac.config_describe(config)),
			NULL::text);
	END IF;

	IF config ? 'object' THEN
		-- WorkOS's list JSON: {"object": "list", "data": [...], "list_metadata": {...}}
		PERFORM rbac.config_keys(config, '$'::text, 'a list'::text, '{object,data,list_metadata}'::text[]);
		IF config -> 'object' IS DISTINCT FROM '"list"'::jsonb THEN
			PERFORM rbac.config_error('$.object'::text,
				format('expected "list", got %s', rbac.config_describe(config -> 'object')),
				'A document with "object" is a WorkOS list; a configuration document has no "object" key.'::text);
		END IF;
		IF jsonb_typeof(config -> 'data') IS DISTINCT FROM 'array' THEN
			PERFORM rbac.config_error('$.data'::text,
				format('expected an array, got %s', rbac.config_describe(config -> 'data')), NULL::text);
		END IF;
		FOR e, i IN SELECT x.e, x.n - 1 FROM jsonb_array_elements(config -> 'data') WITH ORDINALITY x(e, n) LOOP
			p := '$.data[' || i || ']';
			IF jsonb_typeof(e) IS DISTINCT FROM 'object' THEN
				PERFORM rbac.config_error(p, format('expected an object, got %s', rbac.config_describe(e)), NULL::text);
			END IF;
			obj := rbac.config_field(e, 'object'::text, p, 'text'::text, true);
			IF obj = 'permission' THEN
				perms := perms || jsonb_build_array(rbac.config_permission(e, p));
			ELSIF obj = 'resource_type' THEN
				types := types || jsonb_build_array(rbac.config_resource_type(e, p));
			ELSIF obj = 'role' THEN
				t := rbac.config_field(e, 'type'::text, p, 'text'::text, false);
				org := rbac.config_field(e, 'organization_id'::text, p, 'organization id'::text, false);
				IF t = 'OrganizationRole' AND org IS NULL THEN
					PERFORM rbac.config_error(rbac.config_path(p, 'organization_id'::text),
						'"organization_id" is required for an organization role'::text, NULL::text);
				ELSIF t IS NOT NULL AND t NOT IN ('EnvironmentRole', 'OrganizationRole') THEN
					PERFORM rbac.config_error(rbac.config_path(p, 'type'::text),
						format('expected "EnvironmentRole" or "OrganizationRole", got %s', rbac.config_describe(e -> 'type')),
						NULL::text);
				END IF;
				IF org IS NULL THEN
					roles := roles || jsonb_build_array(rbac.config_role(e, p, NULL::text));
				ELSE
					org_roles := jsonb_set(org_roles, ARRAY[org],
						coalesce(org_roles -> org, '[]') || jsonb_build_array(rbac.config_role(e, p, org)));
				END IF;
			ELSE
				PERFORM rbac.config_error(rbac.config_path(p, 'object'::text),
					format('expected "permission", "role" or "resource_type", got %s', rbac.config_describe(e -> 'object')),
					NULL::text);
			END IF;
		END LOOP;
		IF jsonb_array_length(types) > 0 THEN
			doc := doc || jsonb_build_object('resource_types', types);
		END IF;
		IF jsonb_array_length(perms) > 0 THEN
			doc := doc || jsonb_build_object('permissions', perms);
		END IF;
		IF jsonb_array_length(roles) > 0 THEN
			doc := doc || jsonb_build_object('roles', roles);
		END IF;
		IF org_roles <> '{}' THEN
			SELECT jsonb_agg(jsonb_build_object('organization_id', o.key, 'roles', o.value,
												'path', '$.data') ORDER BY o.key COLLATE "C")
			INTO orgs FROM jsonb_each(org_roles) o;
			doc := doc || jsonb_build_object('organization_roles', orgs);
		END IF;
	ELSE
		PERFORM rbac.config_keys(config, '$'::text, 'a configuration document'::text,
			'{resource_types,permissions,roles,organization_roles,default_roles,settings}'::text[]);
		FOREACH k IN ARRAY ARRAY['resource_types', 'permissions', 'roles', 'organization_roles'] LOOP
			IF config ? k AND jsonb_typeof(config -> k) <> 'array' THEN
				PERFORM rbac.config_error('$.' || k,
					format('expected an array, got %s', rbac.config_describe(config -> k)), NULL::text);
			END IF;
		END LOOP;
		IF config ? 'resource_types' THEN
			FOR e, i IN SELECT x.e, x.n - 1 FROM jsonb_array_elements(config -> 'resource_types') WITH ORDINALITY x(e, n) LOOP
				types := types || jsonb_build_array(rbac.config_resource_type(e, '$.resource_types[' || i || ']'));
			END LOOP;
			doc := doc || jsonb_build_object('resource_types', types);
		END IF;
		IF config ? 'permissions' THEN
			FOR e, i IN SELECT x.e, x.n - 1 FROM jsonb_array_elements(config -> 'permissions') WITH ORDINALITY x(e, n) LOOP
				perms := perms || jsonb_build_array(rbac.config_permission(e, '$.permissions[' || i || ']'));
			END LOOP;
			doc := doc || jsonb_build_object('permissions', perms);
		END IF;
		IF config ? 'roles' THEN
			FOR e, i IN SELECT x.e, x.n - 1 FROM jsonb_array_elements(config -> 'roles') WITH ORDINALITY x(e, n) LOOP
				roles := roles || jsonb_build_array(rbac.config_role(e, '$.roles[' || i || ']', NULL::text));
			END LOOP;
			doc := doc || jsonb_build_object('roles', roles);
		END IF;
		IF config ? 'organization_roles' THEN
			FOR e, i IN SELECT x.e, x.n - 1 FROM jsonb_array_elements(config -> 'organization_roles') WITH ORDINALITY x(e, n) LOOP
				p := '$.organization_roles[' || i || ']';
				PERFORM rbac.config_keys(e, p, 'an organization''s roles'::text,
					'{organization_id,roles,priority_order}'::text[]);
				org := rbac.config_field(e, 'organization_id'::text, p, 'organization id'::text, true);
				IF EXISTS (SELECT 1 FROM jsonb_array_elements(orgs) x WHERE x ->> 'organization_id' = org) THEN
					PERFORM rbac.config_error(rbac.config_path(p, 'organization_id'::text),
						format('organization "%s" is listed more than once', rbac.shorten(org)),
						format('It is listed first at %s.',
							   (SELECT x ->> 'path' FROM jsonb_array_elements(orgs) x
								WHERE x ->> 'organization_id' = org)));
				END IF;
				IF e ? 'roles' AND jsonb_typeof(e -> 'roles') <> 'array' THEN
					PERFORM rbac.config_error(rbac.config_path(p, 'roles'::text),
						format('expected an array, got %s', rbac.config_describe(e -> 'roles')), NULL::text);
				END IF;
				roles := '[]';
				FOR v, j IN SELECT x.e, x.n - 1 FROM jsonb_array_elements(coalesce(e -> 'roles', '[]')) WITH ORDINALITY x(e, n) LOOP
					roles := roles || jsonb_build_array(rbac.config_role(v, p || '.roles[' || j || ']', org));
				END LOOP;
				entry := jsonb_build_object('organization_id', org, 'roles', roles, 'path', p);
				IF jsonb_typeof(e -> 'priority_order') IS DISTINCT FROM 'null' AND e ? 'priority_order' THEN
					order_slugs := rbac.config_slugs(e, 'priority_order'::text, p, 'any role slug'::text);
					entry := entry || jsonb_build_object('priority_order', to_jsonb(order_slugs));
				END IF;
				orgs := orgs || jsonb_build_array(entry);
			END LOOP;
			doc := doc || jsonb_build_object('organization_roles', orgs);
		END IF;
		IF config ? 'default_roles' THEN
			p := '$.default_roles';
			e := config -> 'default_roles';
			PERFORM rbac.config_keys(e, p, 'the default roles'::text, '{environment,organizations}'::text[]);
			defaults := jsonb_build_object('environment',
				rbac.config_field(e, 'environment'::text, p, 'role slug'::text, false), 'organizations', '{}'::jsonb);
			IF jsonb_typeof(e -> 'organizations') IS DISTINCT FROM 'null' AND e ? 'organizations' THEN
				q := rbac.config_path(p, 'organizations'::text);
				IF jsonb_typeof(e -> 'organizations') <> 'object' THEN
					PERFORM rbac.config_error(q,
						format('expected an object (organization id: role slug), got %s',
							   rbac.config_describe(e -> 'organizations')), NULL::text);
				END IF;
				FOR k, v IN SELECT x.key, x.value FROM jsonb_each(e -> 'organizations') x ORDER BY x.key COLLATE "C" LOOP
					PERFORM rbac.config_scalar(to_jsonb(k), rbac.config_path(q, k), 'organization id'::text);
					defaults := jsonb_set(defaults, ARRAY['organizations', k],
						to_jsonb(rbac.config_scalar(v, rbac.config_path(q, k), 'any role slug'::text)));
				END LOOP;
			END IF;
			doc := doc || jsonb_build_object('default_roles', defaults);
		END IF;
		IF config ? 'settings' THEN
			e := config -> 'settings';
			PERFORM rbac.config_keys(e, '$.settings'::text, 'the settings'::text, '{multiple_roles}'::text[]);
			defaults := '{}';
			IF jsonb_typeof(e -> 'multiple_roles') IS DISTINCT FROM 'null' AND e ? 'multiple_roles' THEN
				defaults := jsonb_build_object('multiple_roles',
					rbac.config_field(e, 'multiple_roles'::text, '$.settings'::text, 'boolean'::text, true)::boolean);
			END IF;
			doc := doc || jsonb_build_object('settings', defaults);
		END IF;
	END IF;

	-- no slug twice
	PERFORM rbac.config_unique(types, 'resource type'::text);
	PERFORM rbac.config_unique(perms, 'permission'::text);
	PERFORM rbac.config_unique(coalesce(doc -> 'roles', '[]'), 'role'::text);
	FOR e IN SELECT x FROM jsonb_array_elements(coalesce(doc -> 'organization_roles', '[]')) x LOOP
		PERFORM rbac.config_unique(e -> 'roles', 'organization role'::text);
	END LOOP;
	RETURN doc;
END
$$;
COMMENT ON FUNCTION rbac.config_document(jsonb) IS
'internal (rbac.apply): a configuration document or a WorkOS list of permissions, roles and resource types, checked for shape, JSON types, slugs, names and duplicates (22023 with the JSON path of the first problem) and normalized';

-- The configuration's form of a catalog object: what rbac.export() writes
-- and what rbac.apply() reports as the object before a delete.
CREATE FUNCTION rbac.config_resource_type_object(t rbac.resource_type) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'slug', t.slug::text,
		'name', t.name::text,
		'description', t.description::text,
		'parent_type_slugs', to_jsonb(ARRAY(SELECT s FROM unnest(t.parent_type_slugs) s ORDER BY s COLLATE "C")))
$$;
COMMENT ON FUNCTION rbac.config_resource_type_object(rbac.resource_type) IS
'internal (rbac.export): a resource type as a configuration document holds it (slug, name, description, parent_type_slugs)';

CREATE FUNCTION rbac.config_permission_object(p rbac.permission) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'slug', p.slug::text,
		'name', p.name::text,
		'description', p.description::text,
		'resource_type_slug', p.resource_type_slug::text,
		'system', p.system)
$$;
COMMENT ON FUNCTION rbac.config_permission_object(rbac.permission) IS
'internal (rbac.export): a permission as a configuration document holds it (the WorkOS fields slug, name, description, resource_type_slug, system)';

CREATE FUNCTION rbac.config_role_object(r rbac.role) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'slug', r.slug::text,
		'name', r.name::text,
		'description', r.description::text,
		'resource_type_slug', r.resource_type_slug::text,
		'permissions', to_jsonb(ARRAY(
			SELECT rp.permission_slug::text FROM rbac.role_permission rp
			WHERE rp.role_id = r.id ORDER BY rp.permission_slug::text COLLATE "C")))
$$;
COMMENT ON FUNCTION rbac.config_role_object(rbac.role) IS
'internal (rbac.export): a role as a configuration document holds it (the WorkOS fields slug, name, description, resource_type_slug and its permission slugs, sorted)';

CREATE FUNCTION rbac.export() RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE depth(slug, d) AS (
		-- parents first: a type after every type above it
		SELECT 'organization'::text COLLATE "C", 0
		UNION
		SELECT e.type_slug::text COLLATE "C", depth.d + 1
		FROM rbac.resource_type_parent e JOIN depth ON e.parent_slug::text = depth.slug
		WHERE e.type_slug::text <> e.parent_slug::text
	),
	orgs(organization_id) AS (
		SELECT y.organization_id::text FROM rbac.role y WHERE y.organization_id IS NOT NULL
		UNION
		SELECT o.organization_id::text FROM rbac.organization_order o
	)
	SELECT jsonb_build_object(
		'resource_types', coalesce((
			SELECT jsonb_agg(rbac.config_resource_type_object(t) ORDER BY m.d, t.slug::text COLLATE "C")
			FROM rbac.resource_type t
			JOIN (SELECT depth.slug, max(depth.d) AS d FROM depth GROUP BY depth.slug) m ON m.slug = t.slug::text
			WHERE t.slug::text <> 'organization'), '[]'::jsonb),
		'permissions', coalesce((
			SELECT jsonb_agg(rbac.config_permission_object(p) ORDER BY p.slug::text COLLATE "C")
			FROM rbac.permission p), '[]'::jsonb),
		'roles', coalesce((
			SELECT jsonb_agg(rbac.config_role_object(y) ORDER BY l.priority)
			FROM rbac.priority_list(NULL::text) l JOIN rbac.role y ON y.id = l.role_id), '[]'::jsonb),
		'organization_roles', coalesce((
			SELECT jsonb_agg(
				jsonb_build_object('organization_id', o.organization_id,
					'roles', coalesce((
						SELECT jsonb_agg(rbac.config_role_object(y) ORDER BY l.priority)
						FROM rbac.priority_list(o.organization_id) l JOIN rbac.role y ON y.id = l.role_id
						WHERE y.organization_id IS NOT NULL), '[]'::jsonb))
				|| CASE WHEN rbac.has_own_order(o.organization_id)
						THEN jsonb_build_object('priority_order', coalesce((
							SELECT jsonb_agg(y.slug::text ORDER BY l.priority)
							FROM rbac.priority_list(o.organization_id) l JOIN rbac.role y ON y.id = l.role_id),
							'[]'::jsonb))
						ELSE '{}'::jsonb END
				ORDER BY o.organization_id COLLATE "C")
			FROM orgs o), '[]'::jsonb),
		'default_roles', jsonb_build_object(
			'environment', (SELECT y.slug::text FROM rbac.default_role d JOIN rbac.role y ON y.id = d.role_id
							WHERE d.organization_id IS NULL),
			'organizations', coalesce((
				SELECT jsonb_object_agg(d.organization_id::text, y.slug::text)
				FROM rbac.default_role d JOIN rbac.role y ON y.id = d.role_id
				WHERE d.organization_id IS NOT NULL), '{}'::jsonb)),
		'settings', jsonb_build_object('multiple_roles', rbac.multiple_roles_enabled()))
$$;
COMMENT ON FUNCTION rbac.export() IS
'the configuration as one jsonb document that rbac.apply() reads back: resource_types (parents first), permissions (by slug, system ones flagged), roles (environment roles in priority order, with their permissions), organization_roles (per organization: its roles and, where it has one, its own priority_order), default_roles and settings; deterministic; memberships, resources and role assignments are data and are not exported';

-- A priority list that puts the named roles in this order and keeps every
-- other role of the list (kept without prune) right after the named role
-- it follows now (at the top if none).  The current list when the named
-- roles are in this order already.
CREATE FUNCTION rbac.config_merge_order(current text[], wanted text[]) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	after_role jsonb := '{}';	-- named role ('' for the top) -> the others after it
	anchor text := '';
	s text;
	result text[];
BEGIN
	FOREACH s IN ARRAY current LOOP
		IF s = ANY (wanted) THEN
			anchor := s;
		ELSE
			after_role := jsonb_set(after_role, ARRAY[anchor], coalesce(after_role -> anchor, '[]') || to_jsonb(s));
		END IF;
	END LOOP;
	result := ARRAY(SELECT jsonb_array_elements_text(coalesce(after_role -> '', '[]')));
	FOREACH s IN ARRAY wanted LOOP
		result := result || s || ARRAY(SELECT jsonb_array_elements_text(coalesce(after_role -> s, '[]')));
	END LOOP;
	RETURN result;
END
$$;
COMMENT ON FUNCTION rbac.config_merge_order(text[], text[]) IS
'internal (rbac.apply): the priority list with the named roles in the given order, every other role right after the named role it follows now';

-- Checks against the catalog, under rbac.config_apply's locks: what the
-- document grants, names as parent, orders or makes default exists once it
-- is applied; resource types of existing objects stay.  22023 at the path.
CREATE FUNCTION rbac.config_check_roles(roles jsonb, organization_id text, types_final text[],
										perms_final text[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r jsonb;
	s text;
	j integer;
	cur_type text;
BEGIN
	FOR r IN SELECT x FROM jsonb_array_elements(roles) x LOOP
		cur_type := NULL;
		SELECT y.resource_type_slug::text INTO cur_type FROM rbac.role y
		WHERE y.slug::text = r ->> 'slug'
		  AND y.organization_id::text IS NOT DISTINCT FROM config_check_roles.organization_id;
		IF cur_type IS NOT NULL AND cur_type <> r ->> 'resource_type_slug' THEN
			PERFORM rbac.config_error(rbac.config_path(r ->> 'path', 'resource_type_slug'::text),
				format('role "%s" has resource type "%s"', rbac.shorten(r ->> 'slug'), rbac.shorten(cur_type)),
				'The resource type of a role is fixed once it is created.'::text);
		ELSIF cur_type IS NULL AND (r ->> 'resource_type_slug') <> ALL (types_final) THEN
			PERFORM rbac.config_error(rbac.config_path(r ->> 'path', 'resource_type_slug'::text),
				format('resource type "%s" does not exist', rbac.shorten(r ->> 'resource_type_slug')), NULL::text);
		END IF;
		j := 0;
		FOR s IN SELECT jsonb_array_elements_text(r -> 'permissions') LOOP
			IF s <> ALL (perms_final) THEN
				PERFORM rbac.config_error(rbac.config_path(r ->> 'path', 'permissions'::text) || '[' || j || ']',
					format('permission "%s" does not exist', rbac.shorten(s)),
					'A role grants permissions of the document or, unless pruned, of the catalog.'::text);
			END IF;
			j := j + 1;
		END LOOP;
	END LOOP;
END
$$;
COMMENT ON FUNCTION rbac.config_check_roles(jsonb, text, text[], text[]) IS
'internal (rbac.apply): the normalized roles of a document grant permissions that exist once it is applied and keep the resource type of an existing role (22023 at the path)';

CREATE FUNCTION rbac.config_check(doc jsonb, prune boolean) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	doc_types text[] := ARRAY(SELECT z ->> 'slug' FROM jsonb_array_elements(coalesce(doc -> 'resource_types', '[]')) z);
	doc_perms text[] := ARRAY(SELECT z ->> 'slug' FROM jsonb_array_elements(coalesce(doc -> 'permissions', '[]')) z);
	doc_env text[] := ARRAY(SELECT z ->> 'slug' FROM jsonb_array_elements(coalesce(doc -> 'roles', '[]')) z);
	kept_types text[];
	types_final text[];
	perms_final text[];
	env_final text[];
	named_env text[];
	org_doc text[];
	org_final text[];
	order_slugs text[];
	e jsonb;
	i integer;
	j integer;
	s text;
	org text;
	cur_type text;
BEGIN
	-- what exists once the document is applied
	kept_types := ARRAY(SELECT t.slug::text FROM rbac.resource_type t
						WHERE t.slug::text <> 'organization' AND t.slug::text <> ALL (doc_types)
						  AND NOT (prune AND doc ? 'resource_types'));
	types_final := doc_types || kept_types || 'organization'::text;
	-- (prune never deletes a system permission: nobody can)
	perms_final := doc_perms || ARRAY(SELECT p.slug::text FROM rbac.permission p
									  WHERE p.slug::text <> ALL (doc_perms)
										AND (p.system OR NOT (prune AND doc ? 'permissions')));
	env_final := doc_env || ARRAY(SELECT y.slug::text FROM rbac.role y
								  WHERE y.organization_id IS NULL AND y.slug::text <> ALL (doc_env)
									AND NOT (prune AND doc ? 'roles'));
	named_env := CASE WHEN doc ? 'roles' THEN doc_env
					  ELSE ARRAY(SELECT y.slug::text FROM rbac.priority_list(NULL::text) l
								 JOIN rbac.role y ON y.id = l.role_id ORDER BY l.priority) END;

	-- resource types: every parent is organization, the type itself, a type
	-- listed before it or one the catalog keeps
	i := 0;
	FOR e IN SELECT x FROM jsonb_array_elements(coalesce(doc -> 'resource_types', '[]')) x LOOP
		j := 0;
		FOR s IN SELECT jsonb_array_elements_text(e -> 'parent_type_slugs') LOOP
			IF s <> 'organization' AND s <> (e ->> 'slug') AND s <> ALL (doc_types[1:i]) AND s <> ALL (kept_types) THEN
				IF s = ANY (doc_types) THEN
					PERFORM rbac.config_error(rbac.config_path(e ->> 'path', 'parent_type_slugs'::text) || '[' || j || ']',
						format('parent type "%s" is listed after resource type "%s"', rbac.shorten(s), rbac.shorten(e ->> 'slug')),
						'List resource types parents first, as rbac.export() does.'::text);
				END IF;
				PERFORM rbac.config_error(rbac.config_path(e ->> 'path', 'parent_type_slugs'::text) || '[' || j || ']',
					format('resource type "%s" does not exist', rbac.shorten(s)), NULL::text);
			END IF;
			j := j + 1;
		END LOOP;
		i := i + 1;
	END LOOP;

	-- permissions: a registered type; an existing one keeps its type
	FOR e IN SELECT x FROM jsonb_array_elements(coalesce(doc -> 'permissions', '[]')) x LOOP
		cur_type := NULL;
		SELECT p.resource_type_slug::text INTO cur_type FROM rbac.permission p WHERE p.slug::text = e ->> 'slug';
		IF cur_type IS NOT NULL AND cur_type <> e ->> 'resource_type_slug' THEN
			PERFORM rbac.config_error(rbac.config_path(e ->> 'path', 'resource_type_slug'::text),
				format('permission "%s" has resource type "%s"', rbac.shorten(e ->> 'slug'), rbac.shorten(cur_type)),
				'The resource type of a permission is fixed once it is created.'::text);
		ELSIF cur_type IS NULL AND (e ->> 'resource_type_slug') <> ALL (types_final) THEN
			PERFORM rbac.config_error(rbac.config_path(e ->> 'path', 'resource_type_slug'::text),
				format('resource type "%s" does not exist', rbac.shorten(e ->> 'resource_type_slug')), NULL::text);
		END IF;
	END LOOP;

	-- roles
	PERFORM rbac.config_check_roles(coalesce(doc -> 'roles', '[]'), NULL::text, types_final, perms_final);
	FOR e IN SELECT x FROM jsonb_array_elements(coalesce(doc -> 'organization_roles', '[]')) x LOOP
		org := e ->> 'organization_id';
		PERFORM rbac.config_check_roles(e -> 'roles', org, types_final, perms_final);
		IF e ? 'priority_order' THEN
			org_doc := ARRAY(SELECT r ->> 'slug' FROM jsonb_array_elements(e -> 'roles') r);
			org_final := org_doc || ARRAY(SELECT y.slug::text FROM rbac.role y
										  WHERE y.organization_id::text = org AND y.slug::text <> ALL (org_doc)
											AND NOT prune);
			order_slugs := ARRAY(SELECT jsonb_array_elements_text(e -> 'priority_order'));
			j := 0;
			FOREACH s IN ARRAY order_slugs LOOP
				IF s <> ALL (env_final || org_final) THEN
					PERFORM rbac.config_error(rbac.config_path(e ->> 'path', 'priority_order'::text) || '[' || j || ']',
						format('role "%s" is not in the list of organization "%s"', rbac.shorten(s), rbac.shorten(org)),
						'A priority order names every role of the organization''s list exactly once, highest first: the environment roles and the organization''s own.'::text);
				END IF;
				j := j + 1;
			END LOOP;
			SELECT x INTO s FROM unnest(named_env || org_doc) WITH ORDINALITY u(x, n)
			WHERE x <> ALL (order_slugs) ORDER BY n LIMIT 1;
			IF FOUND THEN
				PERFORM rbac.config_error(rbac.config_path(e ->> 'path', 'priority_order'::text),
					format('role "%s" is missing from the priority order of organization "%s"', rbac.shorten(s), rbac.shorten(org)),
					'A priority order names every role of the organization''s list exactly once, highest first: the environment roles and the organization''s own.'::text);
			END IF;
		END IF;
	END LOOP;

	-- default roles
	IF doc ? 'default_roles' THEN
		s := doc #>> '{default_roles,environment}';
		IF s IS NOT NULL AND s <> ALL (env_final) THEN
			PERFORM rbac.config_error('$.default_roles.environment'::text,
				format('role "%s" does not exist', rbac.shorten(s)), NULL::text);
		END IF;
		FOR org, s IN SELECT x.key, x.value FROM jsonb_each_text(doc #> '{default_roles,organizations}') x
					  ORDER BY x.key COLLATE "C" LOOP
			org_doc := ARRAY(SELECT r ->> 'slug'
							 FROM jsonb_array_elements(coalesce(doc -> 'organization_roles', '[]')) o,
								  jsonb_array_elements(o -> 'roles') r
							 WHERE o ->> 'organization_id' = org);
			org_final := org_doc || ARRAY(SELECT y.slug::text FROM rbac.role y
										  WHERE y.organization_id::text = org AND y.slug::text <> ALL (org_doc)
											AND NOT (prune AND doc ? 'organization_roles'));
			IF s <> ALL (env_final || org_final) THEN
				PERFORM rbac.config_error(rbac.config_path('$.default_roles.organizations'::text, org),
					format('role "%s" does not exist in organization "%s"', rbac.shorten(s), rbac.shorten(org)),
					NULL::text);
			END IF;
		END LOOP;
	END IF;
END
$$;
COMMENT ON FUNCTION rbac.config_check(jsonb, boolean) IS
'internal (rbac.apply): a normalized document checked against the catalog (parent types, resource types, granted permissions, priority orders, default roles exist once it is applied with or without prune; resource types of existing objects unchanged): 22023 at the JSON path of the first problem';

-- Creates or changes one role of a normalized document (organization NULL:
-- an environment role); the change, or NULL if it was as the document says.
CREATE FUNCTION rbac.config_apply_role(r jsonb, organization_id text) RETURNS rbac.change
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rslug text := r ->> 'slug';
	rkey text := coalesce(organization_id || '/', '') || (r ->> 'slug');
	kind text := CASE WHEN organization_id IS NULL THEN 'role' ELSE 'organization_role' END;
	x rbac.role;
	wanted text[] := ARRAY(SELECT s FROM jsonb_array_elements_text(r -> 'permissions') s ORDER BY s COLLATE "C");
	granted text[];
	before jsonb := '{}';
	after jsonb := '{}';
BEGIN
	SELECT * INTO x FROM rbac.role y
	WHERE y.slug::text = rslug
	  AND y.organization_id::text IS NOT DISTINCT FROM config_apply_role.organization_id;
	IF NOT FOUND THEN
		IF organization_id IS NULL THEN
			PERFORM rbac.create_role(rslug, r ->> 'name', r ->> 'description', r ->> 'resource_type_slug');
			IF cardinality(wanted) > 0 THEN
				PERFORM rbac.set_role_permissions(rslug, wanted);
			END IF;
		ELSE
			PERFORM rbac.create_organization_role(organization_id, rslug, r ->> 'name', r ->> 'description',
												  r ->> 'resource_type_slug');
			IF cardinality(wanted) > 0 THEN
				PERFORM rbac.set_organization_role_permissions(organization_id, rslug, wanted);
			END IF;
		END IF;
		RETURN ROW('create', kind, rkey, jsonb_build_object('after', r - 'path'))::rbac.change;
	END IF;
	granted := ARRAY(SELECT rp.permission_slug::text FROM rbac.role_permission rp
					 WHERE rp.role_id = x.id ORDER BY rp.permission_slug::text COLLATE "C");
	IF x.name::text IS DISTINCT FROM r ->> 'name' THEN
		before := before || jsonb_build_object('name', x.name::text);
		after := after || jsonb_build_object('name', r -> 'name');
	END IF;
	IF x.description::text IS DISTINCT FROM r ->> 'description' THEN
		before := before || jsonb_build_object('description', x.description::text);
		after := after || jsonb_build_object('description', r -> 'description');
	END IF;
	IF granted IS DISTINCT FROM wanted THEN
		before := before || jsonb_build_object('permissions', to_jsonb(granted));
		after := after || jsonb_build_object('permissions', to_jsonb(wanted));
	END IF;
	IF after = '{}' THEN
		RETURN NULL;
	END IF;
	IF after ? 'name' OR (after ? 'description' AND r ->> 'description' IS NOT NULL) THEN
		IF organization_id IS NULL THEN
			PERFORM rbac.update_role(rslug, r ->> 'name', r ->> 'description');
		ELSE
			PERFORM rbac.update_organization_role(organization_id, rslug, r ->> 'name', r ->> 'description');
		END IF;
	END IF;
	IF after ? 'description' AND r ->> 'description' IS NULL THEN
		-- the functions leave a field unchanged for NULL: clear it directly
		UPDATE rbac.role y SET description = NULL WHERE y.id = x.id;
	END IF;
	IF after ? 'permissions' THEN
		IF organization_id IS NULL THEN
			PERFORM rbac.set_role_permissions(rslug, wanted);
		ELSE
			PERFORM rbac.set_organization_role_permissions(organization_id, rslug, wanted);
		END IF;
	END IF;
	RETURN ROW('update', kind, rkey, jsonb_build_object('before', before, 'after', after))::rbac.change;
END
$$;
COMMENT ON FUNCTION rbac.config_apply_role(jsonb, text) IS
'internal (rbac.apply): creates or changes one role of a normalized document (organization NULL: an environment role) with the management functions; the change, or NULL if the role was as the document says';

-- The body of rbac.apply: the changes made, in the order made.
CREATE FUNCTION rbac.config_apply(doc jsonb, prune boolean) RETURNS rbac.change[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	changes rbac.change[] := '{}';
	c rbac.change;
	e jsonb;
	r jsonb;
	s text;
	k text;
	org text;
	flag boolean;
	own boolean;
	before jsonb;
	after jsonb;
	parents text[];
	t rbac.resource_type;
	p rbac.permission;
	x rbac.role;
	cur text[];
	wanted text[];
BEGIN
	-- One apply at a time: SHARE ROW EXCLUSIVE conflicts with itself and
	-- with every write to these tables (which wait), not with reads (the
	-- checks), FOR KEY SHARE or writes elsewhere (memberships go on).  Then
	-- every statement below reads the catalog as the last apply left it.
	LOCK TABLE rbac.setting, rbac.resource_type, rbac.permission, rbac.role, rbac.role_permission,
		rbac.role_order, rbac.organization_order, rbac.default_role IN SHARE ROW EXCLUSIVE MODE;
	PERFORM rbac.config_check(doc, prune);

	-- settings
	IF jsonb_typeof(doc #> '{settings,multiple_roles}') = 'boolean' THEN
		flag := (doc #>> '{settings,multiple_roles}')::boolean;
		IF flag IS DISTINCT FROM rbac.multiple_roles_enabled() THEN
			PERFORM rbac.set_multiple_roles(flag);
			changes := array_append(changes, ROW('update', 'setting', 'multiple_roles',
				jsonb_build_object('before', jsonb_build_object('multiple_roles', NOT flag),
								   'after', jsonb_build_object('multiple_roles', flag)))::rbac.change);
		END IF;
	END IF;

	-- resource types, parents first
	FOR e IN SELECT y FROM jsonb_array_elements(coalesce(doc -> 'resource_types', '[]')) y LOOP
		s := e ->> 'slug';
		parents := ARRAY(SELECT v FROM jsonb_array_elements_text(e -> 'parent_type_slugs') v ORDER BY v COLLATE "C");
		SELECT * INTO t FROM rbac.resource_type y WHERE y.slug::text = s;
		IF NOT FOUND THEN
			PERFORM rbac.create_resource_type(s, e ->> 'name', e ->> 'description', parents);
			changes := array_append(changes, ROW('create', 'resource_type', s,
				jsonb_build_object('after', (e - 'path') || jsonb_build_object('parent_type_slugs', to_jsonb(parents))))::rbac.change);
			CONTINUE;
		END IF;
		before := '{}';
		after := '{}';
		IF t.name::text IS DISTINCT FROM e ->> 'name' THEN
			before := before || jsonb_build_object('name', t.name::text);
			after := after || jsonb_build_object('name', e -> 'name');
		END IF;
		IF t.description::text IS DISTINCT FROM e ->> 'description' THEN
			before := before || jsonb_build_object('description', t.description::text);
			after := after || jsonb_build_object('description', e -> 'description');
		END IF;
		IF NOT (t.parent_type_slugs::text[] @> parents AND parents @> t.parent_type_slugs::text[]) THEN
			before := before || jsonb_build_object('parent_type_slugs',
				to_jsonb(ARRAY(SELECT v FROM unnest(t.parent_type_slugs) v ORDER BY v COLLATE "C")));
			after := after || jsonb_build_object('parent_type_slugs', to_jsonb(parents));
		END IF;
		IF after <> '{}' THEN
			PERFORM rbac.update_resource_type(s, e ->> 'name', e ->> 'description',
											  CASE WHEN after ? 'parent_type_slugs' THEN parents END);
			IF after ? 'description' AND e ->> 'description' IS NULL THEN
				UPDATE rbac.resource_type y SET description = NULL WHERE y.slug::text = s;
			END IF;
			changes := array_append(changes, ROW('update', 'resource_type', s,
				jsonb_build_object('before', before, 'after', after))::rbac.change);
		END IF;
	END LOOP;

	-- permissions
	FOR e IN SELECT y FROM jsonb_array_elements(coalesce(doc -> 'permissions', '[]')) y LOOP
		s := e ->> 'slug';
		flag := (e ->> 'system')::boolean;
		SELECT * INTO p FROM rbac.permission y WHERE y.slug::text = s;
		IF NOT FOUND THEN
			PERFORM rbac.create_permission(s, e ->> 'name', e ->> 'description', e ->> 'resource_type_slug');
			IF flag THEN
				-- 42501 unless a superuser or the extension's owner applies it
				UPDATE rbac.permission y SET system = true WHERE y.slug::text = s;
			END IF;
			changes := array_append(changes, ROW('create', 'permission', s,
				jsonb_build_object('after', e - 'path'))::rbac.change);
			CONTINUE;
		END IF;
		before := '{}';
		after := '{}';
		IF p.name::text IS DISTINCT FROM e ->> 'name' THEN
			before := before || jsonb_build_object('name', p.name::text);
			after := after || jsonb_build_object('name', e -> 'name');
		END IF;
		IF p.description::text IS DISTINCT FROM e ->> 'description' THEN
			before := before || jsonb_build_object('description', p.description::text);
			after := after || jsonb_build_object('description', e -> 'description');
		END IF;
		IF p.system IS DISTINCT FROM flag THEN
			before := before || jsonb_build_object('system', p.system);
			after := after || jsonb_build_object('system', flag);
		END IF;
		IF after = '{}' THEN
			CONTINUE;
		END IF;
		IF after ? 'name' OR (after ? 'description' AND e ->> 'description' IS NOT NULL) THEN
			PERFORM rbac.update_permission(s, e ->> 'name', e ->> 'description');
		END IF;
		IF after ? 'description' AND e ->> 'description' IS NULL THEN
			UPDATE rbac.permission y SET description = NULL WHERE y.slug::text = s;
		END IF;
		IF after ? 'system' THEN
			UPDATE rbac.permission y SET system = flag WHERE y.slug::text = s;
		END IF;
		changes := array_append(changes, ROW('update', 'permission', s,
			jsonb_build_object('before', before, 'after', after))::rbac.change);
	END LOOP;

	-- environment roles, then organization roles (new ones at the bottom of
	-- their lists, in the document's order)
	FOR r IN SELECT y FROM jsonb_array_elements(coalesce(doc -> 'roles', '[]')) y LOOP
		c := rbac.config_apply_role(r, NULL::text);
		IF c IS NOT NULL THEN
			changes := array_append(changes, c);
		END IF;
	END LOOP;
	FOR e IN SELECT y FROM jsonb_array_elements(coalesce(doc -> 'organization_roles', '[]')) y LOOP
		FOR r IN SELECT y FROM jsonb_array_elements(e -> 'roles') y LOOP
			c := rbac.config_apply_role(r, e ->> 'organization_id');
			IF c IS NOT NULL THEN
				changes := array_append(changes, c);
			END IF;
		END LOOP;
	END LOOP;

	-- default roles
	IF doc ? 'default_roles' THEN
		FOR org, s IN
			SELECT u.org, u.slug
			FROM (SELECT NULL::text AS org, doc #>> '{default_roles,environment}' AS slug
				  UNION ALL
				  SELECT y.key, y.value FROM jsonb_each_text(doc #> '{default_roles,organizations}') y) u
			ORDER BY u.org COLLATE "C" NULLS FIRST
		LOOP
			CONTINUE WHEN s IS NULL;
			k := (SELECT y.slug::text FROM rbac.default_role d JOIN rbac.role y ON y.id = d.role_id
				  WHERE d.organization_id::text IS NOT DISTINCT FROM org);
			CONTINUE WHEN k IS NOT DISTINCT FROM s;
			PERFORM rbac.set_default_role(s, org);
			changes := array_append(changes, ROW(CASE WHEN k IS NULL THEN 'create' ELSE 'update' END,
				'default_role', org,
				CASE WHEN k IS NULL THEN jsonb_build_object('after', jsonb_build_object('role', s))
					 ELSE jsonb_build_object('before', jsonb_build_object('role', k),
											 'after', jsonb_build_object('role', s)) END)::rbac.change);
		END LOOP;
	END IF;

	-- prune: what the document's keys do not name, dependents first
	IF prune THEN
		IF doc ? 'default_roles' THEN
			FOR org, k IN
				SELECT d.organization_id::text, y.slug::text
				FROM rbac.default_role d JOIN rbac.role y ON y.id = d.role_id
				WHERE CASE WHEN d.organization_id IS NULL THEN doc #>> '{default_roles,environment}' IS NULL
						   ELSE NOT (doc #> '{default_roles,organizations}') ? d.organization_id::text END
				ORDER BY d.organization_id::text COLLATE "C" NULLS FIRST
			LOOP
				PERFORM rbac.lock_list(org);
				DELETE FROM rbac.default_role d WHERE d.organization_id::text IS NOT DISTINCT FROM org;
				changes := array_append(changes, ROW('delete', 'default_role', org,
					jsonb_build_object('before', jsonb_build_object('role', k)))::rbac.change);
			END LOOP;
		END IF;
		IF doc ? 'organization_roles' THEN
			FOR x IN
				SELECT * FROM rbac.role y
				WHERE y.organization_id IS NOT NULL
				  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(doc -> 'organization_roles') o,
										   jsonb_array_elements(o -> 'roles') z
								  WHERE o ->> 'organization_id' = y.organization_id::text
									AND z ->> 'slug' = y.slug::text)
				ORDER BY y.organization_id::text COLLATE "C", y.slug::text COLLATE "C"
			LOOP
				before := rbac.config_role_object(x);
				PERFORM rbac.delete_organization_role(x.organization_id::text, x.slug::text);
				changes := array_append(changes, ROW('delete', 'organization_role',
					x.organization_id::text || '/' || x.slug::text,
					jsonb_build_object('before', before))::rbac.change);
			END LOOP;
			-- an organization the document leaves out, left without roles of
			-- its own, follows the environment list again
			FOR org IN
				SELECT o.organization_id::text FROM rbac.organization_order o
				WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(doc -> 'organization_roles') z
								  WHERE z ->> 'organization_id' = o.organization_id::text)
				  AND NOT EXISTS (SELECT 1 FROM rbac.role y WHERE y.organization_id::text = o.organization_id::text)
				ORDER BY o.organization_id::text COLLATE "C"
			LOOP
				PERFORM rbac.lock_list(org);
				cur := ARRAY(SELECT y.slug::text FROM rbac.priority_list(org) l JOIN rbac.role y ON y.id = l.role_id
							 ORDER BY l.priority);
				DELETE FROM rbac.role_order y WHERE y.organization_id::text = org;
				DELETE FROM rbac.organization_order y WHERE y.organization_id::text = org;
				changes := array_append(changes, ROW('delete', 'priority_order', org,
					jsonb_build_object('before', jsonb_build_object('priority_order', to_jsonb(cur))))::rbac.change);
			END LOOP;
		END IF;
		IF doc ? 'roles' THEN
			FOR x IN
				SELECT * FROM rbac.role y
				WHERE y.organization_id IS NULL
				  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(doc -> 'roles') z WHERE z ->> 'slug' = y.slug::text)
				ORDER BY y.slug::text COLLATE "C"
			LOOP
				before := rbac.config_role_object(x);
				PERFORM rbac.delete_role(x.slug::text);
				changes := array_append(changes, ROW('delete', 'role', x.slug::text,
					jsonb_build_object('before', before))::rbac.change);
			END LOOP;
		END IF;
		IF doc ? 'permissions' THEN
			-- (system permissions stay: nobody can delete them)
			FOR p IN
				SELECT * FROM rbac.permission y
				WHERE NOT y.system
				  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(doc -> 'permissions') z
								  WHERE z ->> 'slug' = y.slug::text)
				ORDER BY y.slug::text COLLATE "C"
			LOOP
				-- delete_permission takes it from the roles that still grant it
				before := rbac.config_permission_object(p) || jsonb_build_object('granted_by', to_jsonb(ARRAY(
					SELECT coalesce(y.organization_id::text || '/', '') || y.slug::text
					FROM rbac.role_permission rp JOIN rbac.role y ON y.id = rp.role_id
					WHERE rp.permission_slug::text = p.slug::text
					ORDER BY coalesce(y.organization_id::text || '/', '') || y.slug::text COLLATE "C")));
				PERFORM rbac.delete_permission(p.slug::text);
				changes := array_append(changes, ROW('delete', 'permission', p.slug::text,
					jsonb_build_object('before', before))::rbac.change);
			END LOOP;
		END IF;
		IF doc ? 'resource_types' THEN
			FOR t IN
				WITH RECURSIVE depth(slug, d) AS (
					SELECT 'organization'::text COLLATE "C", 0
					UNION
					SELECT y.type_slug::text COLLATE "C", depth.d + 1
					FROM rbac.resource_type_parent y JOIN depth ON y.parent_slug::text = depth.slug
					WHERE y.type_slug::text <> y.parent_slug::text
				)
				SELECT y.* FROM rbac.resource_type y
				JOIN (SELECT depth.slug, max(depth.d) AS d FROM depth GROUP BY depth.slug) m ON m.slug = y.slug::text
				WHERE y.slug::text <> 'organization'
				  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(doc -> 'resource_types') z
								  WHERE z ->> 'slug' = y.slug::text)
				ORDER BY m.d DESC, y.slug::text COLLATE "C"
			LOOP
				before := rbac.config_resource_type_object(t);
				PERFORM rbac.delete_resource_type(t.slug::text);
				changes := array_append(changes, ROW('delete', 'resource_type', t.slug::text,
					jsonb_build_object('before', before))::rbac.change);
			END LOOP;
		END IF;
	END IF;

	-- priority orders, once every role is there (and no other)
	IF doc ? 'roles' THEN
		cur := ARRAY(SELECT y.slug::text FROM rbac.priority_list(NULL::text) l JOIN rbac.role y ON y.id = l.role_id
					 ORDER BY l.priority);
		wanted := rbac.config_merge_order(cur,
			ARRAY(SELECT z ->> 'slug' FROM jsonb_array_elements(doc -> 'roles') z));
		IF wanted IS DISTINCT FROM cur THEN
			PERFORM rbac.set_role_priority_order(wanted);
			changes := array_append(changes, ROW('update', 'priority_order', NULL,
				jsonb_build_object('before', jsonb_build_object('priority_order', to_jsonb(cur)),
								   'after', jsonb_build_object('priority_order', to_jsonb(wanted))))::rbac.change);
		END IF;
	END IF;
	FOR e IN SELECT y FROM jsonb_array_elements(coalesce(doc -> 'organization_roles', '[]')) y
			 WHERE y ? 'priority_order' LOOP
		org := e ->> 'organization_id';
		own := rbac.has_own_order(org);
		cur := ARRAY(SELECT y.slug::text FROM rbac.priority_list(org) l JOIN rbac.role y ON y.id = l.role_id
					 ORDER BY l.priority);
		wanted := rbac.config_merge_order(cur, ARRAY(SELECT jsonb_array_elements_text(e -> 'priority_order')));
		IF wanted IS DISTINCT FROM cur OR NOT own THEN
			PERFORM rbac.set_organization_role_priority_order(org, wanted);
			changes := array_append(changes, ROW(CASE WHEN own THEN 'update' ELSE 'create' END,
				'priority_order', org,
				jsonb_build_object('before', jsonb_build_object('priority_order', to_jsonb(cur)),
								   'after', jsonb_build_object('priority_order', to_jsonb(wanted))))::rbac.change);
		END IF;
	END LOOP;
	RETURN changes;
END
$$;
COMMENT ON FUNCTION rbac.config_apply(jsonb, boolean) IS
'internal (rbac.apply): under table locks that serialize applies, checks a normalized document against the catalog and makes the catalog match it with the management functions; the changes, in the order made';

CREATE FUNCTION rbac.apply(config jsonb, prune boolean DEFAULT false, dry_run boolean DEFAULT false)
RETURNS SETOF rbac.change
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	doc jsonb;
	changes rbac.change[];
BEGIN
	IF prune IS NULL THEN
		RAISE EXCEPTION 'prune must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF dry_run IS NULL THEN
		RAISE EXCEPTION 'dry_run must not be null'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the whole document first: nothing changes when any of it is invalid
	doc := rbac.config_document(config);
	IF NOT dry_run THEN
		changes := rbac.config_apply(doc, prune);
	ELSE
		-- for real, then rolled back: the same checks, errors and rows
		BEGIN
			changes := rbac.config_apply(doc, prune);
			RAISE EXCEPTION 'rbac.apply dry run' USING ERRCODE = 'RBDRY';
		EXCEPTION WHEN SQLSTATE 'RBDRY' THEN
			NULL;	-- changes keeps its value; everything else is undone
		END;
	END IF;
	RETURN QUERY SELECT * FROM unnest(changes);
END
$$;
COMMENT ON FUNCTION rbac.apply(jsonb, boolean, boolean) IS
'makes the catalog match a configuration document (rbac.export()''s form, or WorkOS''s list JSON of permissions and roles) through the management functions and returns one row per change; idempotent (the same document again: no rows); a top-level key left out says nothing; prune deletes the objects of the given keys that the document does not name; dry_run reports and changes nothing; an invalid document fails whole (22023 with its JSON path)';
