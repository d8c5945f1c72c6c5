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
CREATE OR REPLACE FUNCTION rbac.membership_json(m rbac.membership) RETURNS jsonb
LANGUAGE sql VOLATILE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
	WITH roles AS (
		SELECT r.slug::text AS slug, p.priority
		FROM rbac.membership_role mr
		JOIN rbac.role r ON r.id = mr.role_id
		JOIN rbac.priority_list(m.organization_id::text) p ON p.role_id = r.id
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
'the membership as a WorkOS OrganizationMembership object: role = the highest-priority role, roles in priority order; VOLATILE, so that applied to what a mutator returns in the same statement (rbac.membership_json(rbac.create_organization_membership(...))) it shows the state after that mutator';

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
'this backend''s cache of the catalog since the backend started: entries read from the catalog (loads), entries evicted because their rows changed, full resets, invalidation messages processed, and the entries it holds now';

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
