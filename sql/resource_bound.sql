--
-- resource_bound: a backend's cache keeps at most 65,536 resources (their
-- chains); past that the resources alone start over, and the memberships,
-- roles and permissions' types stay (a policy over a table of many folders
-- would otherwise throw them away, and read them again, every 65,536
-- folders).  70,000 folders checked once each through one call site (which
-- keeps 32,768 answers): every folder is read once, and nothing else is read
-- again.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rbac CASCADE;
CREATE EXTENSION rbac;
RESET client_min_messages;

SELECT rbac.set_events(false);
SELECT count(*) FROM (
	SELECT rbac.create_resource_type('folder', 'Folder'),
		   rbac.create_permission('folder:read', 'Read folders', NULL, 'folder'),
		   rbac.create_role('reader', 'Reader')) s;
SELECT count(*) FROM rbac.set_role_permissions('reader', '{folder:read}');
SELECT count(*) FROM rbac.create_organization_membership('alice', 'org_1', '{reader}');
INSERT INTO rbac.resource (external_id, name, resource_type_slug, organization_id)
SELECT 'f' || i, 'Folder ' || i, 'folder', 'org_1' FROM generate_series(1, 70000) i;

-- warm: alice's membership, reader, folder:read's type and f1
SELECT rbac.user_has_permission('alice', 'org_1', 'folder:read', 'folder', 'f1') AS f1;
CREATE TEMP TABLE base AS SELECT * FROM rbac.cache_statistics();
SELECT count(*) FILTER (WHERE rbac.user_has_permission('alice', 'org_1', 'folder:read', 'folder', 'f' || i)) AS granted,
	   count(*) FILTER (WHERE rbac.user_has_permission('alice', 'org_1', 'folder:read', 'folder', 'g' || i)) AS unknown
FROM generate_series(1, 70000) i;
-- f2 .. f70000 and g1 .. g70000 read once each (139,999), no membership,
-- role or type again; the resources started over twice
SELECT s.loads - b.loads AS loads, s.resets - b.resets AS resets, s.evictions - b.evictions AS evictions
FROM rbac.cache_statistics() s, base b;
-- the membership is still there: an organization check reads nothing
TRUNCATE base;
INSERT INTO base SELECT * FROM rbac.cache_statistics();
SELECT rbac.user_has_permission('alice', 'org_1', 'folder:read') AS org_check,
	   rbac.user_has_permission('alice', 'org_1', 'folder:read', 'folder', 'f70000') AS f70000;
SELECT s.loads - b.loads AS loads FROM rbac.cache_statistics() s, base b;

SELECT rbac.set_events(true);
DROP EXTENSION rbac CASCADE;
