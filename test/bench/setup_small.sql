-- Small catalog: a few environment roles, and 10,000 organizations that
-- each have their own reader role.  Plus the 1M-row table under RLS.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rbac;

SELECT count(*) FROM (
	SELECT rbac.create_permission('documents:read', 'Read documents'),
		   rbac.create_permission('documents:write', 'Write documents'),
		   rbac.create_permission('posts:read', 'Read posts'),
		   rbac.create_permission('documents:*', 'All documents'),
		   rbac.create_role('admin', 'Admin'),
		   rbac.create_role('editor', 'Editor'),
		   rbac.create_role('viewer', 'Viewer')) s;
SELECT count(*) FROM (
	SELECT rbac.set_role_permissions('admin', '{documents:*,posts:read}'),
		   rbac.set_role_permissions('editor', '{documents:read,documents:write}'),
		   rbac.set_role_permissions('viewer', '{posts:read}')) s;

\i organizations.sql
\i documents.sql
