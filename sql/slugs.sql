--
-- slugs: the slug validators and the domains (SPEC 1.1, 1.2)
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

--
-- Boolean validators: markings
--
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel, l.lanname
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'rbac'::regnamespace
  AND p.proname IN ('is_valid_permission_slug', 'is_valid_role_slug')
ORDER BY 1;

--
-- Boolean validators: a table of cases
--
SELECT n, label,
	   rbac.is_valid_permission_slug(v) AS permission,
	   rbac.is_valid_role_slug(v) AS role
FROM (VALUES
	(1, 'a', 'a'),
	(2, '0', '0'),
	(3, '-', '-'),
	(4, '_', '_'),
	(5, 'documents', 'documents'),
	(6, 'documents:read', 'documents:read'),
	(7, 'documents.read', 'documents.read'),
	(8, 'documents:read:own', 'documents:read:own'),
	(9, 'billing.invoices:read', 'billing.invoices:read'),
	(10, 'org-admin', 'org-admin'),
	(11, 'a_b-c_0-9', 'a_b-c_0-9'),
	(12, 'all role chars', 'abcdefghijklmnopqrstuvwxyz0123456789-_'),
	(13, 'all permission chars', 'abcdefghijklmnopqrstuvwxyz0123456789-_:.*'),
	(14, '*', '*'),
	(15, 'documents:*', 'documents:*'),
	(16, '*:*', '*:*'),
	(17, 'doc*', 'doc*'),
	(18, ':', ':'),
	(19, '.', '.'),
	(20, '128 x a', repeat('a', 128)),
	(21, '129 x a', repeat('a', 129)),
	(22, '127 x a + :', repeat('a', 127) || ':'),
	(23, '128 x a + :', repeat('a', 128) || ':'),
	(24, '1000000 x a', repeat('a', 1000000)),
	(25, 'empty', ''),
	(26, 'space', ' '),
	(27, 'leading space', ' a'),
	(28, 'trailing space', 'a '),
	(29, 'inner space', 'a b'),
	(30, 'A', 'A'),
	(31, 'Documents:Read', 'Documents:Read'),
	(32, 'documents:Read', 'documents:Read'),
	(33, 'ORG-ADMIN', 'ORG-ADMIN'),
	(34, 'café', 'café'),
	(35, 'emoji', 'docs' || U&'\+01F512'),
	(36, 'fullwidth a', U&'\FF41'),
	(37, 'e with combining accent', U&'e\0301'),
	(38, 'tab', E'a\tb'),
	(39, 'newline', E'a\nb'),
	(40, 'carriage return', E'a\rb'),
	(41, 'x01', E'\x01'),
	(42, 'DEL', E'a\x7fb'),
	(43, 'slash', 'a/b'),
	(44, 'at', 'a@b'),
	(45, 'comma', 'a,b'),
	(46, 'plus', 'a+b'),
	(47, 'quote', 'a''b'),
	(48, 'backslash', 'a\b')
) t(n, label, v)
ORDER BY n;

-- every printable ASCII character: which ones are allowed
SELECT string_agg(chr(c), '' ORDER BY c) AS permission_chars
FROM generate_series(1, 127) c
WHERE rbac.is_valid_permission_slug('a' || chr(c) || 'b');
SELECT string_agg(chr(c), '' ORDER BY c) AS role_chars
FROM generate_series(1, 127) c
WHERE rbac.is_valid_role_slug('a' || chr(c) || 'b');
-- ... and no character beyond ASCII (a sample of code points up to U+1FFFF)
SELECT count(*) FILTER (WHERE rbac.is_valid_permission_slug(chr(c))) AS permission_valid,
	   count(*) FILTER (WHERE rbac.is_valid_role_slug(chr(c))) AS role_valid,
	   count(*) AS tried
FROM generate_series(128, 131071, 7) c
WHERE c NOT BETWEEN 55296 AND 57343;

-- STRICT: NULL in, NULL out
SELECT rbac.is_valid_permission_slug(NULL) IS NULL AS permission_null,
	   rbac.is_valid_role_slug(NULL) IS NULL AS role_null;

--
-- Domains: casts of good values pass, bad ones fail with 22023
--
SELECT 'documents:read'::rbac.permission_slug AS permission_slug,
	   '*'::rbac.permission_slug AS wildcard,
	   'org-admin'::rbac.role_slug AS role_slug,
	   'organization'::rbac.resource_type_slug AS resource_type_slug,
	   'org_01HXYZ'::rbac.organization_id AS organization_id,
	   'Read documents'::rbac.display_name AS display_name,
	   ''::rbac.description AS empty_description;
SELECT length(repeat('a', 128)::rbac.permission_slug) AS permission_128,
	   length(repeat('a', 128)::rbac.role_slug) AS role_128,
	   length(repeat('a', 128)::rbac.resource_type_slug) AS resource_type_128,
	   length(repeat('o', 128)::rbac.organization_id) AS organization_id_128,
	   length(repeat('n', 512)::rbac.display_name) AS name_512,
	   length(repeat('é', 512)::rbac.display_name) AS name_512_multibyte,
	   length(repeat('d', 1024)::rbac.description) AS description_1024,
	   length(repeat('é', 1024)::rbac.description) AS description_1024_multibyte;

-- domains allow NULL (the table columns are NOT NULL)
SELECT NULL::rbac.permission_slug IS NULL AS permission_slug,
	   NULL::rbac.role_slug IS NULL AS role_slug,
	   NULL::rbac.resource_type_slug IS NULL AS resource_type_slug,
	   NULL::rbac.organization_id IS NULL AS organization_id,
	   NULL::rbac.display_name IS NULL AS display_name,
	   NULL::rbac.description IS NULL AS description;

SELECT n, pg_temp.err(q) AS result
FROM (VALUES
	(1, $q$SELECT 'Documents:Read'::rbac.permission_slug$q$),
	(2, $q$SELECT ''::rbac.permission_slug$q$),
	(3, $q$SELECT 'a b'::rbac.permission_slug$q$),
	(4, $q$SELECT 'café'::rbac.permission_slug$q$),
	(5, $q$SELECT E'a\tb'::rbac.permission_slug$q$),
	(6, $q$SELECT E'a\nb'::rbac.permission_slug$q$),
	(7, $q$SELECT repeat('a', 129)::rbac.permission_slug$q$),
	(8, $q$SELECT 'a/b'::rbac.permission_slug$q$),
	(9, $q$SELECT 'Admin'::rbac.role_slug$q$),
	(10, $q$SELECT ''::rbac.role_slug$q$),
	(11, $q$SELECT 'documents:read'::rbac.role_slug$q$),
	(12, $q$SELECT '*'::rbac.role_slug$q$),
	(13, $q$SELECT repeat('a', 129)::rbac.role_slug$q$),
	(14, $q$SELECT 'Organization'::rbac.resource_type_slug$q$),
	(15, $q$SELECT ''::rbac.resource_type_slug$q$),
	(16, $q$SELECT 'a:b'::rbac.resource_type_slug$q$),
	(17, $q$SELECT repeat('a', 129)::rbac.resource_type_slug$q$),
	(18, $q$SELECT ''::rbac.organization_id$q$),
	(19, $q$SELECT repeat('o', 129)::rbac.organization_id$q$),
	(20, $q$SELECT E'org\t1'::rbac.organization_id$q$),
	(21, $q$SELECT ''::rbac.display_name$q$),
	(22, $q$SELECT repeat('n', 513)::rbac.display_name$q$),
	(23, $q$SELECT repeat('d', 1025)::rbac.description$q$)
) t(n, q)
ORDER BY n;

-- the DETAIL lines say what is wrong and what is allowed
SELECT 'Documents:Read'::rbac.permission_slug;
SELECT 'docs/read'::rbac.permission_slug;
SELECT E'a\tb'::rbac.permission_slug;
SELECT 'café'::rbac.permission_slug;
SELECT ''::rbac.permission_slug;
SELECT repeat('a', 129)::rbac.permission_slug;
SELECT 'documents:read'::rbac.role_slug;
SELECT repeat('n', 513)::rbac.display_name;
SELECT repeat('d', 1025)::rbac.description;
-- and so does a function argument
SELECT rbac.create_permission('Documents:Read', 'Read documents');

--
-- A bad slug in direct DML fails with 22023 and stores nothing
--
SELECT pg_temp.err($q$INSERT INTO rbac.permission (slug, name) VALUES ('Documents:Read', 'Read')$q$);
-- one bad row fails the whole statement
SELECT pg_temp.err($q$INSERT INTO rbac.permission (slug, name) VALUES ('documents:read', 'Read'), ('documents write', 'Write')$q$);
SELECT pg_temp.err($q$INSERT INTO rbac.permission (slug, name, resource_type_slug) VALUES ('documents:read', 'Read', 'Team Space')$q$);
SELECT pg_temp.err($q$INSERT INTO rbac.permission (slug, name) VALUES ('documents:read', '')$q$);
SELECT pg_temp.err($q$INSERT INTO rbac.permission (slug, name, description) VALUES ('documents:read', 'Read', repeat('d', 1025))$q$);
-- the columns are NOT NULL
SELECT pg_temp.err($q$INSERT INTO rbac.permission (slug, name) VALUES (NULL, 'Read')$q$);
SELECT pg_temp.err($q$INSERT INTO rbac.role (slug, name) VALUES ('Admin', 'Admin')$q$);
-- organization role slugs begin with org-, environment role slugs do not
SELECT pg_temp.err($q$INSERT INTO rbac.role (slug, name, organization_id) VALUES ('admin', 'Admin', 'org_1')$q$);
SELECT pg_temp.err($q$INSERT INTO rbac.role (slug, name) VALUES ('org-admin', 'Admin')$q$);
SELECT pg_temp.err($q$INSERT INTO rbac.role (slug, name, organization_id) VALUES ('org-admin', 'Admin', '')$q$);
SELECT count(*) AS permissions FROM rbac.permission;
SELECT count(*) AS roles FROM rbac.role;

-- COPY: a bad row fails the whole COPY
COPY rbac.permission (slug, name) FROM stdin;
documents:read	Read documents
Documents:Write	Write documents
\.
COPY rbac.permission (slug, name) FROM stdin;
documents:read	Read documents
documents:write	
\.
SELECT count(*) AS permissions FROM rbac.permission;
-- a good COPY stores its rows
COPY rbac.permission (slug, name) FROM stdin;
documents:read	Read documents
documents:write	Write documents
\.
SELECT slug, name, id ~ '^perm_[0-9A-HJKMNP-TV-Z]{26}$' AS id_ok
FROM rbac.permission ORDER BY slug;

-- UPDATE to a bad value fails with 22023 and changes nothing
UPDATE rbac.permission SET slug = 'Documents:Read' WHERE slug = 'documents:read';
SELECT pg_temp.err($q$UPDATE rbac.permission SET resource_type_slug = 'Team Space'$q$);
SELECT pg_temp.err($q$UPDATE rbac.permission SET name = ''$q$);
SELECT pg_temp.err($q$UPDATE rbac.permission SET description = repeat('d', 1025)$q$);
SELECT slug, name, description, resource_type_slug FROM rbac.permission ORDER BY slug;

--
-- Slugs are immutable once created
--
UPDATE rbac.permission SET slug = 'documents:view' WHERE slug = 'documents:read';
SELECT pg_temp.err($q$UPDATE rbac.permission SET slug = slug || ':x'$q$);
SELECT slug FROM rbac.permission ORDER BY slug;

INSERT INTO rbac.role (slug, name) VALUES ('editor', 'Editor');
SELECT pg_temp.err($q$UPDATE rbac.role SET slug = 'writer' WHERE slug = 'editor'$q$);
SELECT pg_temp.err($q$UPDATE rbac.role SET slug = 'Writer' WHERE slug = 'editor'$q$);
SELECT slug FROM rbac.role ORDER BY slug;

-- a grant's permission slug is checked too
SELECT pg_temp.err($q$INSERT INTO rbac.role_permission (role_id, permission_slug) SELECT id, 'Documents:Read' FROM rbac.role$q$);
SELECT count(*) AS grants FROM rbac.role_permission;

-- clean up
DELETE FROM rbac.role;
DELETE FROM rbac.permission;
