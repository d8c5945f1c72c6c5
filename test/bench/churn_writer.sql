-- pgbench script of the churn benchmark's writer: one transaction that
-- creates or deletes a membership of another user (never the reader).
\set u random(1, 100)
\set o random(1, 1000)
SELECT bench_churn_toggle(:u, :o);
