-- Every word goes into a table, as 023 began (issue #56): the inbox's sources, states and plans,
-- the scheduled jobs' and ticks' outcomes, the alerts' kinds and the team's environments, roles
-- and invitation states came back as CHECK lists in 025–027, so a new word needed a migration
-- in each dialect. Now each is a table of words the register's role fills from the code's
-- declaration (`store::words`) when it opens, and the columns point at it. A foreign key is
-- checked as it is added, before the register fills the words: each table starts with the words
-- the rows already hold (which their CHECK lists allowed), no list written here.

CREATE TABLE intake_source_names (name TEXT PRIMARY KEY);
CREATE TABLE intake_states (name TEXT PRIMARY KEY);
CREATE TABLE plans (name TEXT PRIMARY KEY);
CREATE TABLE job_outcomes (name TEXT PRIMARY KEY);
CREATE TABLE tick_outcomes (name TEXT PRIMARY KEY);
CREATE TABLE alert_kinds (name TEXT PRIMARY KEY);
CREATE TABLE environments (name TEXT PRIMARY KEY);
CREATE TABLE team_roles (name TEXT PRIMARY KEY);
CREATE TABLE invite_states (name TEXT PRIMARY KEY);

INSERT INTO intake_source_names (name) SELECT source FROM intake UNION SELECT source FROM intake_sources;
INSERT INTO intake_states (name) SELECT DISTINCT state FROM intake;
INSERT INTO plans (name) SELECT DISTINCT plan FROM intake WHERE plan IS NOT NULL;
INSERT INTO job_outcomes (name) SELECT DISTINCT last_outcome FROM scheduled_jobs WHERE last_outcome IS NOT NULL;
INSERT INTO tick_outcomes (name) SELECT DISTINCT outcome FROM ticks WHERE outcome IS NOT NULL;
INSERT INTO alert_kinds (name) SELECT DISTINCT kind FROM alerts;
INSERT INTO environments (name) SELECT DISTINCT environment FROM team_invites;
INSERT INTO team_roles (name) SELECT DISTINCT role FROM team_invites;
INSERT INTO invite_states (name) SELECT DISTINCT state FROM team_invites;

ALTER TABLE intake DROP CONSTRAINT intake_source_check;
ALTER TABLE intake ADD CONSTRAINT intake_source_fkey FOREIGN KEY (source) REFERENCES intake_source_names (name);
ALTER TABLE intake DROP CONSTRAINT intake_plan_check;
ALTER TABLE intake ADD CONSTRAINT intake_plan_fkey FOREIGN KEY (plan) REFERENCES plans (name);
ALTER TABLE intake DROP CONSTRAINT intake_state_check;
ALTER TABLE intake ADD CONSTRAINT intake_state_fkey FOREIGN KEY (state) REFERENCES intake_states (name);
ALTER TABLE intake_sources DROP CONSTRAINT intake_sources_source_check;
ALTER TABLE intake_sources ADD CONSTRAINT intake_sources_source_fkey FOREIGN KEY (source) REFERENCES intake_source_names (name);
ALTER TABLE scheduled_jobs DROP CONSTRAINT scheduled_jobs_last_outcome_check;
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_last_outcome_fkey FOREIGN KEY (last_outcome) REFERENCES job_outcomes (name);
ALTER TABLE ticks DROP CONSTRAINT ticks_outcome_check;
ALTER TABLE ticks ADD CONSTRAINT ticks_outcome_fkey FOREIGN KEY (outcome) REFERENCES tick_outcomes (name);
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_fkey FOREIGN KEY (kind) REFERENCES alert_kinds (name);
ALTER TABLE team_invites DROP CONSTRAINT team_invites_environment_check;
ALTER TABLE team_invites ADD CONSTRAINT team_invites_environment_fkey FOREIGN KEY (environment) REFERENCES environments (name);
ALTER TABLE team_invites DROP CONSTRAINT team_invites_role_check;
ALTER TABLE team_invites ADD CONSTRAINT team_invites_role_fkey FOREIGN KEY (role) REFERENCES team_roles (name);
ALTER TABLE team_invites DROP CONSTRAINT team_invites_state_check;
ALTER TABLE team_invites ADD CONSTRAINT team_invites_state_fkey FOREIGN KEY (state) REFERENCES invite_states (name);
