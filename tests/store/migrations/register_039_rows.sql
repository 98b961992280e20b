-- A register as version 39 left it: a row in each table whose words were still CHECK lists
-- (040 points them at tables of words), in SQL both dialects take (TRUE for a flag).
INSERT INTO customers (id, slug, name, admin_email, plan, search_text, created_at, updated_at, uid)
    VALUES (1, 'kund-ab', 'Kund AB', 'a@kund.se', 'starter', 'kund ab', '2026-11-01T10:00:00+00:00', '2026-11-01T10:00:00+00:00', 'u-1'),
           (2, 'berg-ab', 'Berg AB', 'b@berg.se', 'enterprise', 'berg ab', '2026-11-02T10:00:00+00:00', '2026-11-02T10:00:00+00:00', 'u-2');
INSERT INTO instances (customer_id, environment, status, updated_at, applied_plan, applied_modules, template_base, template_base_how)
    VALUES (1, 'sandbox', 'active', 'x', 'professional', '[]', 'abc', 'synced'),
           (1, 'production', 'failed', 'x', NULL, NULL, NULL, NULL),
           (2, 'sandbox', 'inactive', 'x', 'enterprise', '["crm"]', 'def', 'stated');
INSERT INTO health_checks (customer_id, environment, checked_at, healthy, findings_n, report)
    VALUES (1, 'sandbox', 'x', TRUE, 0, '{}'), (2, 'sandbox', 'x', FALSE, 2, '{"findings":[]}');
INSERT INTO runs (id, customer_id, kind, state, environment, started_at, finished_at)
    VALUES (7, 1, 'provision', 'succeeded', 'sandbox', 'x', 'y'),
           (8, 1, 'backup', 'rolled_back', 'production', 'x', 'y'),
           (9, 2, 'teardown', 'running', 'sandbox', 'x', NULL);
INSERT INTO run_steps (run_id, key, state, attempts, created, error_en)
    VALUES (7, 'github.repo', 'succeeded', 1, TRUE, NULL), (8, 'supabase.backup', 'compensated', 2, FALSE, 'e'),
           (9, 'n8n.workflow', 'waiting', 0, FALSE, NULL);
INSERT INTO run_log (id, run_id, at, level, message)
    VALUES (1, 7, 'x', 'info', 'a'), (2, 8, 'x', 'warn', 'b'), (3, 8, 'x', 'error', 'c');
INSERT INTO backups (id, customer_id, environment, project_ref, run_id, reason, file, bytes, sha256, key_id, tables, created_at)
    VALUES (4, 1, 'sandbox', 'abcdefghijklmnopqrst', 8, 'before_migration', 'f', 1, 's', 'k', '[]', 'x'),
           (5, 1, 'sandbox', 'abcdefghijklmnopqrst', NULL, 'scheduled', 'g', 2, 't', 'k', '[]', 'y');
INSERT INTO rollouts (id, environment, source, migrations, state, wave, halt_share, created_at, updated_at, kind)
    VALUES (3, 'sandbox', 'supabase/migrations', '[]', 'paused', 1, 0.5, 'x', 'x', 'schema'),
           (4, 'production', 't', '[]', 'aborted', 2, 0.25, 'x', 'x', 'template');
INSERT INTO rollout_members (rollout_id, customer_id, wave, state, run_id)
    VALUES (3, 1, 1, 'done', 7), (3, 2, 1, 'skipped', NULL), (4, 1, 1, 'failed', 8);
INSERT INTO template_prs (id, customer_id, environment, repo_id, base_sha, target_sha, branch, commit_sha, number, url, files, conflicts, state, created_at)
    VALUES (6, 1, 'sandbox', 11, 'a', 'b', 'fabrik/mall', 'c', 3, 'https://github.com/o/r/pull/3', '[]', 0, 'open', 'x'),
           (7, 2, 'production', 12, 'a', 'b', 'fabrik/mall', 'd', 4, 'https://github.com/o/s/pull/4', '[]', 1, 'pushed', 'x');
INSERT INTO workflow_backups (id, customer_id, environment, target, repository, files, changed, reason, taken_at)
    VALUES (8, 1, 'sandbox', 'gitea', 'r', '[]', 1, 'provisioned', 'x'), (9, 2, 'production', 'github', 's', '[]', 0, 'before_restore', 'y');
INSERT INTO adoptions (id, customer_id, environment, resource, step, state, refused_run, allowed_by)
    VALUES (1, 1, 'sandbox', 'kund-ab', 'github.repo', 'refused', 7, NULL),
           (2, 1, 'production', 'kund-ab', 'vercel.project', 'allowed', NULL, 'cli');
