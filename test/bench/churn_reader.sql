-- pgbench script of the churn benchmark's reader: one 100k-row RLS count
-- as the member "reader" (rbac.user_id, set as superuser, then the role
-- the policy applies to).
BEGIN;
SELECT set_config('rbac.user_id', 'reader', true);
SET LOCAL ROLE bench_app;
SELECT count(*) FROM churn_documents;
END;
