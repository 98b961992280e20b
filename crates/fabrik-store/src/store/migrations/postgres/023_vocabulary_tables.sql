-- A run kind, a step or a kind of roll-out is a word the code declares (`RunKind`, `StepKey`,
-- `RolloutKind`), not a CHECK list swapped for every new kind (issue #39): the words live in tables that the register's role
-- fills from the code when it opens (`store::words`), and the ledger's columns point at them.
-- The words of version 22 are written here, so the rows already kept hold their keys.

CREATE TABLE run_kinds (name TEXT PRIMARY KEY);
CREATE TABLE step_keys (name TEXT PRIMARY KEY);
CREATE TABLE rollout_kinds (name TEXT PRIMARY KEY);
INSERT INTO rollout_kinds (name) VALUES ('schema'), ('template');
INSERT INTO run_kinds (name) VALUES ('provision'), ('teardown'), ('update_modules'), ('repair'), ('pause'), ('resume'), ('redeploy'), ('reset_password'), ('domain_add'), ('domain_remove'), ('migrate'), ('backup'), ('restore'), ('template_sync'), ('workflow_backup'), ('workflow_restore'), ('promote'), ('recover');
INSERT INTO step_keys (name) VALUES ('supabase.project'), ('supabase.ready'), ('supabase.keys'), ('supabase.schema'), ('supabase.admin_user'), ('github.repo'),
    ('vercel.project'), ('vercel.env'), ('vercel.deploy'), ('n8n.workflow'), ('email.welcome'), ('finalize'),
    ('modules.config'), ('modules.env'), ('modules.deploy'), ('supabase.pause'), ('supabase.restore'), ('supabase.admin_password'),
    ('n8n.deactivate'), ('n8n.activate'), ('vercel.redeploy'), ('email.new_password'), ('vercel.domain_add'), ('vercel.domain_verify'),
    ('vercel.domain_production'), ('vercel.domain_remove'), ('supabase.backup'), ('supabase.migrate'), ('supabase.verify'), ('supabase.restore_backup'),
    ('github.template_pr'), ('n8n.backup'), ('n8n.restore'), ('vercel.promote'), ('supabase.recover');

ALTER TABLE runs DROP CONSTRAINT runs_kind_check;
ALTER TABLE runs ADD CONSTRAINT runs_kind_fkey FOREIGN KEY (kind) REFERENCES run_kinds (name);
ALTER TABLE runs DROP CONSTRAINT runs_failed_step_check;
ALTER TABLE runs ADD CONSTRAINT runs_failed_step_fkey FOREIGN KEY (failed_step) REFERENCES step_keys (name);
ALTER TABLE run_steps DROP CONSTRAINT run_steps_key_check;
ALTER TABLE run_steps ADD CONSTRAINT run_steps_key_fkey FOREIGN KEY (key) REFERENCES step_keys (name);
ALTER TABLE run_log DROP CONSTRAINT run_log_step_check;
ALTER TABLE run_log ADD CONSTRAINT run_log_step_fkey FOREIGN KEY (step) REFERENCES step_keys (name);
ALTER TABLE adoptions DROP CONSTRAINT adoptions_step_check;
ALTER TABLE adoptions ADD CONSTRAINT adoptions_step_fkey FOREIGN KEY (step) REFERENCES step_keys (name);
ALTER TABLE rollouts DROP CONSTRAINT rollouts_kind_check;
ALTER TABLE rollouts ADD CONSTRAINT rollouts_kind_fkey FOREIGN KEY (kind) REFERENCES rollout_kinds (name);
