-- Every word list a table still held as a CHECK goes into a table of words (issue #69), as
-- SQLite's 040 does: 25 lists in 13 tables. Each column now points at a table the register's
-- role fills from the code's declaration (`store::words`) when it opens, so a new plan or state
-- is one line of Rust, accepted by every table alike; the listing's environments are the
-- table's, not a second list. A foreign key is checked as it is added, before the register
-- fills the words: each new table starts with the words the rows already hold (which their
-- CHECK lists allowed), and the two that exist (plans, environments) get those the rows hold
-- beside the inbox's and the team's; no list is written here. Every group reads the new tables
-- (`store::rights::TABLES`); only the register's role writes them.

CREATE TABLE adoption_approvers (name TEXT PRIMARY KEY);
CREATE TABLE adoption_states (name TEXT PRIMARY KEY);
CREATE TABLE backup_reasons (name TEXT PRIMARY KEY);
CREATE TABLE log_levels (name TEXT PRIMARY KEY);
CREATE TABLE rollout_member_states (name TEXT PRIMARY KEY);
CREATE TABLE rollout_states (name TEXT PRIMARY KEY);
CREATE TABLE run_states (name TEXT PRIMARY KEY);
CREATE TABLE statuses (name TEXT PRIMARY KEY);
CREATE TABLE step_states (name TEXT PRIMARY KEY);
CREATE TABLE template_base_hows (name TEXT PRIMARY KEY);
CREATE TABLE template_pr_states (name TEXT PRIMARY KEY);
CREATE TABLE workflow_backup_reasons (name TEXT PRIMARY KEY);
CREATE TABLE workflow_backup_targets (name TEXT PRIMARY KEY);

INSERT INTO adoption_approvers (name)
    SELECT allowed_by FROM adoptions WHERE allowed_by IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO adoption_states (name)
    SELECT state FROM adoptions WHERE state IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO backup_reasons (name)
    SELECT reason FROM backups WHERE reason IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO environments (name)
    SELECT environment FROM instances WHERE environment IS NOT NULL UNION SELECT environment FROM listing WHERE environment IS NOT NULL UNION SELECT environment FROM health_checks WHERE environment IS NOT NULL UNION SELECT environment FROM backups WHERE environment IS NOT NULL UNION SELECT environment FROM template_prs WHERE environment IS NOT NULL UNION SELECT environment FROM workflow_backups WHERE environment IS NOT NULL UNION SELECT environment FROM runs WHERE environment IS NOT NULL UNION SELECT environment FROM adoptions WHERE environment IS NOT NULL UNION SELECT environment FROM rollouts WHERE environment IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO log_levels (name)
    SELECT level FROM run_log WHERE level IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO plans (name)
    SELECT plan FROM customers WHERE plan IS NOT NULL UNION SELECT applied_plan FROM instances WHERE applied_plan IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO rollout_member_states (name)
    SELECT state FROM rollout_members WHERE state IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO rollout_states (name)
    SELECT state FROM rollouts WHERE state IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO run_states (name)
    SELECT state FROM runs WHERE state IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO statuses (name)
    SELECT status FROM instances WHERE status IS NOT NULL UNION SELECT status FROM listing WHERE status IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO step_states (name)
    SELECT state FROM run_steps WHERE state IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO template_base_hows (name)
    SELECT template_base_how FROM instances WHERE template_base_how IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO template_pr_states (name)
    SELECT state FROM template_prs WHERE state IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO workflow_backup_reasons (name)
    SELECT reason FROM workflow_backups WHERE reason IS NOT NULL
    ON CONFLICT (name) DO NOTHING;
INSERT INTO workflow_backup_targets (name)
    SELECT target FROM workflow_backups WHERE target IS NOT NULL
    ON CONFLICT (name) DO NOTHING;

ALTER TABLE customers DROP CONSTRAINT customers_plan_check;
ALTER TABLE customers ADD CONSTRAINT customers_plan_fkey FOREIGN KEY (plan) REFERENCES plans (name);
ALTER TABLE instances DROP CONSTRAINT instances_environment_check;
ALTER TABLE instances ADD CONSTRAINT instances_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE instances DROP CONSTRAINT instances_status_check;
ALTER TABLE instances ADD CONSTRAINT instances_status_fkey FOREIGN KEY (status) REFERENCES statuses (name);
ALTER TABLE instances DROP CONSTRAINT instances_applied_plan_check;
ALTER TABLE instances ADD CONSTRAINT instances_applied_plan_fkey FOREIGN KEY (applied_plan) REFERENCES plans (name);
ALTER TABLE instances DROP CONSTRAINT instances_template_base_how_check;
ALTER TABLE instances ADD CONSTRAINT instances_template_base_how_fkey FOREIGN KEY (template_base_how) REFERENCES template_base_hows (name);
ALTER TABLE listing DROP CONSTRAINT listing_environment_check;
ALTER TABLE listing ADD CONSTRAINT listing_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE listing DROP CONSTRAINT listing_status_check;
ALTER TABLE listing ADD CONSTRAINT listing_status_fkey FOREIGN KEY (status) REFERENCES statuses (name);
ALTER TABLE health_checks DROP CONSTRAINT health_checks_environment_check;
ALTER TABLE health_checks ADD CONSTRAINT health_checks_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE backups DROP CONSTRAINT backups_environment_check;
ALTER TABLE backups ADD CONSTRAINT backups_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE backups DROP CONSTRAINT backups_reason_check;
ALTER TABLE backups ADD CONSTRAINT backups_reason_fkey FOREIGN KEY (reason) REFERENCES backup_reasons (name);
ALTER TABLE rollout_members DROP CONSTRAINT rollout_members_state_check;
ALTER TABLE rollout_members ADD CONSTRAINT rollout_members_state_fkey FOREIGN KEY (state) REFERENCES rollout_member_states (name);
ALTER TABLE template_prs DROP CONSTRAINT template_prs_environment_check;
ALTER TABLE template_prs ADD CONSTRAINT template_prs_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE template_prs DROP CONSTRAINT template_prs_state_check;
ALTER TABLE template_prs ADD CONSTRAINT template_prs_state_fkey FOREIGN KEY (state) REFERENCES template_pr_states (name);
ALTER TABLE workflow_backups DROP CONSTRAINT workflow_backups_environment_check;
ALTER TABLE workflow_backups ADD CONSTRAINT workflow_backups_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE workflow_backups DROP CONSTRAINT workflow_backups_target_check;
ALTER TABLE workflow_backups ADD CONSTRAINT workflow_backups_target_fkey FOREIGN KEY (target) REFERENCES workflow_backup_targets (name);
ALTER TABLE workflow_backups DROP CONSTRAINT workflow_backups_reason_check;
ALTER TABLE workflow_backups ADD CONSTRAINT workflow_backups_reason_fkey FOREIGN KEY (reason) REFERENCES workflow_backup_reasons (name);
ALTER TABLE runs DROP CONSTRAINT runs_state_check;
ALTER TABLE runs ADD CONSTRAINT runs_state_fkey FOREIGN KEY (state) REFERENCES run_states (name);
ALTER TABLE runs DROP CONSTRAINT runs_environment_check;
ALTER TABLE runs ADD CONSTRAINT runs_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE run_steps DROP CONSTRAINT run_steps_state_check;
ALTER TABLE run_steps ADD CONSTRAINT run_steps_state_fkey FOREIGN KEY (state) REFERENCES step_states (name);
ALTER TABLE run_log DROP CONSTRAINT run_log_level_check;
ALTER TABLE run_log ADD CONSTRAINT run_log_level_fkey FOREIGN KEY (level) REFERENCES log_levels (name);
ALTER TABLE adoptions DROP CONSTRAINT adoptions_environment_check;
ALTER TABLE adoptions ADD CONSTRAINT adoptions_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE adoptions DROP CONSTRAINT adoptions_state_check;
ALTER TABLE adoptions ADD CONSTRAINT adoptions_state_fkey FOREIGN KEY (state) REFERENCES adoption_states (name);
ALTER TABLE adoptions DROP CONSTRAINT adoptions_allowed_by_check;
ALTER TABLE adoptions ADD CONSTRAINT adoptions_allowed_by_fkey FOREIGN KEY (allowed_by) REFERENCES adoption_approvers (name);
ALTER TABLE rollouts DROP CONSTRAINT rollouts_environment_check;
ALTER TABLE rollouts ADD CONSTRAINT rollouts_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE rollouts DROP CONSTRAINT rollouts_state_check;
ALTER TABLE rollouts ADD CONSTRAINT rollouts_state_fkey FOREIGN KEY (state) REFERENCES rollout_states (name);

CREATE OR REPLACE VIEW listing_environments (environment) AS SELECT name FROM environments;
