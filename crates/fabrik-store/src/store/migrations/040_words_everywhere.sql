-- Every word list a table still held as a CHECK goes into a table of words (issue #69): 13
-- tables kept 25 lists (a plan, an environment, a status, the run's and step's states, a log
-- line's level, a backup's or a workflow backup's reason and target, a template's base and its
-- pull request's state, a roll-out's and its members' states, an adoption's state and who
-- allowed it). Each column now points at a table the register fills from the code's
-- declaration (`store::words`) when it opens, so a new plan or state is one line of Rust,
-- accepted by every table alike; the listing's environments are the table's, not a second
-- list. SQLite changes a constraint by rebuilding the table (rows, rowids, indexes kept); the
-- views and triggers are dropped first and made again last, as they were, since a rebuilt
-- table's name is missing for a moment. Foreign keys are off while migrations run and checked
-- after the words are filled. Written from the schema of version 39, not by hand.

DROP TRIGGER listing_customer_added;
DROP TRIGGER listing_customer_changed;
DROP TRIGGER listing_customer_removed;
DROP TRIGGER listing_instance_added;
DROP TRIGGER listing_instance_changed;
DROP TRIGGER listing_instance_removed;
DROP TRIGGER customers_find_listed;
DROP TRIGGER customers_find_relisted;
DROP TRIGGER customers_find_unlisted;
DROP TRIGGER customers_find_text_changed;
DROP TRIGGER customers_proof_guard;
DROP TRIGGER customers_uid_fixed;
DROP VIEW listing_environments;
DROP VIEW customers_find_rows;

CREATE TABLE adoption_approvers (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE adoption_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE backup_reasons (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE log_levels (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE rollout_member_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE rollout_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE run_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE statuses (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE step_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE template_base_hows (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE template_pr_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE workflow_backup_reasons (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE workflow_backup_targets (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;

CREATE TABLE customers_v40 (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    admin_email          TEXT NOT NULL,
    contact_name         TEXT,
    plan                 TEXT NOT NULL REFERENCES plans (name),
    modules              TEXT NOT NULL DEFAULT '[]',
    notes                TEXT NOT NULL DEFAULT '',
    is_example           INTEGER NOT NULL DEFAULT 0,
    search_text          TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
, archived_at TEXT, uid TEXT, is_proof INTEGER NOT NULL DEFAULT 0) STRICT;
INSERT INTO customers_v40 (id, slug, name, admin_email, contact_name, plan, modules, notes, is_example, search_text, created_at, updated_at, version, archived_at, uid, is_proof)
    SELECT id, slug, name, admin_email, contact_name, plan, modules, notes, is_example, search_text, created_at, updated_at, version, archived_at, uid, is_proof FROM customers;
DROP TABLE customers;
ALTER TABLE customers_v40 RENAME TO customers;
CREATE UNIQUE INDEX customers_uid ON customers (uid);
CREATE INDEX customers_live_name ON customers (name COLLATE NOCASE) WHERE archived_at IS NULL;
CREATE INDEX customers_live_created ON customers (created_at) WHERE archived_at IS NULL;
CREATE INDEX customers_examples ON customers (id) WHERE is_example AND archived_at IS NULL;
CREATE INDEX customers_sort ON customers (id, name COLLATE NOCASE, created_at);

CREATE TABLE instances_v40 (
    customer_id          INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment          TEXT NOT NULL REFERENCES environments (name),
    status               TEXT NOT NULL REFERENCES statuses (name),
    production_url       TEXT,
    github_repo_url      TEXT,
    supabase_project_ref TEXT,
    vercel_project_id    TEXT,
    n8n_workflow_id      TEXT,
    updated_at           TEXT NOT NULL, applied_plan TEXT REFERENCES plans (name), applied_modules TEXT, schema_version TEXT, template_base TEXT, template_base_how TEXT REFERENCES template_base_hows (name), template_base_at TEXT,
    PRIMARY KEY (customer_id, environment)
) STRICT;
INSERT INTO instances_v40 (rowid, customer_id, environment, status, production_url, github_repo_url, supabase_project_ref, vercel_project_id, n8n_workflow_id, updated_at, applied_plan, applied_modules, schema_version, template_base, template_base_how, template_base_at)
    SELECT rowid, customer_id, environment, status, production_url, github_repo_url, supabase_project_ref, vercel_project_id, n8n_workflow_id, updated_at, applied_plan, applied_modules, schema_version, template_base, template_base_how, template_base_at FROM instances;
DROP TABLE instances;
ALTER TABLE instances_v40 RENAME TO instances;
CREATE INDEX instances_status ON instances (environment, status);

CREATE TABLE listing_v40 (
    environment TEXT NOT NULL REFERENCES environments (name),
    status      TEXT NOT NULL REFERENCES statuses (name),
    name        TEXT NOT NULL COLLATE NOCASE,
    created_at  TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    PRIMARY KEY (environment, status, name, customer_id)
) STRICT, WITHOUT ROWID;
INSERT INTO listing_v40 (environment, status, name, created_at, customer_id)
    SELECT environment, status, name, created_at, customer_id FROM listing;
DROP TABLE listing;
ALTER TABLE listing_v40 RENAME TO listing;
CREATE INDEX listing_created ON listing (environment, status, created_at, customer_id);
CREATE INDEX listing_customer ON listing (customer_id);

CREATE TABLE health_checks_v40 (
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment  TEXT NOT NULL REFERENCES environments (name),
    checked_at   TEXT NOT NULL,
    healthy      INTEGER NOT NULL CHECK (healthy IN (0, 1)),
    -- How many findings, for the register's column without reading the JSON.
    findings_n   INTEGER NOT NULL,
    -- The whole check (findings, the site's answer), as the window and `fabrik status` show it.
    report       TEXT NOT NULL,
    PRIMARY KEY (customer_id, environment)
) STRICT;
INSERT INTO health_checks_v40 (rowid, customer_id, environment, checked_at, healthy, findings_n, report)
    SELECT rowid, customer_id, environment, checked_at, healthy, findings_n, report FROM health_checks;
DROP TABLE health_checks;
ALTER TABLE health_checks_v40 RENAME TO health_checks;

CREATE TABLE backups_v40 (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment   TEXT NOT NULL REFERENCES environments (name),
    project_ref   TEXT NOT NULL,
    run_id        INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    reason        TEXT NOT NULL REFERENCES backup_reasons (name),
    file          TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    schema_version TEXT,
    tables        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    seat          TEXT,
    removed_at    TEXT
, person TEXT) STRICT;
INSERT INTO backups_v40 (id, customer_id, environment, project_ref, run_id, reason, file, bytes, sha256, key_id, schema_version, tables, created_at, seat, removed_at, person)
    SELECT id, customer_id, environment, project_ref, run_id, reason, file, bytes, sha256, key_id, schema_version, tables, created_at, seat, removed_at, person FROM backups;
DROP TABLE backups;
ALTER TABLE backups_v40 RENAME TO backups;
CREATE INDEX backups_customer ON backups (customer_id, created_at);

CREATE TABLE rollout_members_v40 (
    rollout_id    INTEGER NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    wave          INTEGER NOT NULL,
    state         TEXT NOT NULL REFERENCES rollout_member_states (name),
    reason        TEXT,
    reason_en     TEXT,
    run_id        INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    version_before TEXT,
    version_after TEXT,
    PRIMARY KEY (rollout_id, customer_id)
) STRICT;
INSERT INTO rollout_members_v40 (rowid, rollout_id, customer_id, wave, state, reason, reason_en, run_id, version_before, version_after)
    SELECT rowid, rollout_id, customer_id, wave, state, reason, reason_en, run_id, version_before, version_after FROM rollout_members;
DROP TABLE rollout_members;
ALTER TABLE rollout_members_v40 RENAME TO rollout_members;

CREATE TABLE template_prs_v40 (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment   TEXT NOT NULL REFERENCES environments (name),
    rollout_id    INTEGER REFERENCES rollouts (id) ON DELETE SET NULL,
    run_id        INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    repo_id       INTEGER NOT NULL,
    base_sha      TEXT NOT NULL,
    target_sha    TEXT NOT NULL,
    branch        TEXT NOT NULL,
    commit_sha    TEXT NOT NULL,
    number        INTEGER NOT NULL,
    url           TEXT NOT NULL,
    files         TEXT NOT NULL,
    conflicts     INTEGER NOT NULL,
    state         TEXT NOT NULL REFERENCES template_pr_states (name),
    created_at    TEXT NOT NULL,
    checked_at    TEXT,
    UNIQUE (customer_id, environment, target_sha)
) STRICT;
INSERT INTO template_prs_v40 (id, customer_id, environment, rollout_id, run_id, repo_id, base_sha, target_sha, branch, commit_sha, number, url, files, conflicts, state, created_at, checked_at)
    SELECT id, customer_id, environment, rollout_id, run_id, repo_id, base_sha, target_sha, branch, commit_sha, number, url, files, conflicts, state, created_at, checked_at FROM template_prs;
DROP TABLE template_prs;
ALTER TABLE template_prs_v40 RENAME TO template_prs;

CREATE TABLE workflow_backups_v40 (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment  TEXT NOT NULL REFERENCES environments (name),
    run_id       INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    target       TEXT NOT NULL REFERENCES workflow_backup_targets (name),
    repository   TEXT NOT NULL,
    commit_sha   TEXT,
    files        TEXT NOT NULL,
    changed      INTEGER NOT NULL,
    reason       TEXT NOT NULL REFERENCES workflow_backup_reasons (name),
    taken_at     TEXT NOT NULL
) STRICT;
INSERT INTO workflow_backups_v40 (id, customer_id, environment, run_id, target, repository, commit_sha, files, changed, reason, taken_at)
    SELECT id, customer_id, environment, run_id, target, repository, commit_sha, files, changed, reason, taken_at FROM workflow_backups;
DROP TABLE workflow_backups;
ALTER TABLE workflow_backups_v40 RENAME TO workflow_backups;
CREATE INDEX workflow_backups_customer ON workflow_backups (customer_id, environment, id);
CREATE UNIQUE INDEX workflow_backups_run ON workflow_backups (run_id) WHERE run_id IS NOT NULL;

CREATE TABLE runs_v40 (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL REFERENCES run_kinds (name),
    state           TEXT NOT NULL REFERENCES run_states (name),
    environment     TEXT NOT NULL REFERENCES environments (name),
    error           TEXT,
    failed_step     TEXT REFERENCES step_keys (name),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    owner_pid       INTEGER,
    heartbeat_at    TEXT,
    cancel_rollback INTEGER,
    error_en        TEXT,
    driver          TEXT,
    input           TEXT,
    started_by TEXT, seat TEXT, person TEXT) STRICT;
INSERT INTO runs_v40 (id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, input, started_by, seat, person)
    SELECT id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, input, started_by, seat, person FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v40 RENAME TO runs;
CREATE UNIQUE INDEX runs_one_active_per_customer ON runs (customer_id)
    WHERE state IN ('running', 'cancelling', 'rolling_back');
CREATE INDEX runs_started_at ON runs (started_at);

CREATE TABLE run_steps_v40 (
    run_id         INTEGER NOT NULL REFERENCES "runs" (id) ON DELETE CASCADE,
    key            TEXT NOT NULL REFERENCES step_keys (name),
    state          TEXT NOT NULL REFERENCES step_states (name),
    attempts       INTEGER NOT NULL DEFAULT 0,
    intent         TEXT,
    external_id    TEXT,
    created        INTEGER NOT NULL DEFAULT 0,
    output         TEXT,
    error          TEXT,
    waiting_for    TEXT,
    started_at     TEXT,
    finished_at    TEXT,
    seq            INTEGER,
    error_en       TEXT,
    waiting_for_en TEXT,
    PRIMARY KEY (run_id, key)
) STRICT;
INSERT INTO run_steps_v40 (rowid, run_id, key, state, attempts, intent, external_id, created, output, error, waiting_for, started_at, finished_at, seq, error_en, waiting_for_en)
    SELECT rowid, run_id, key, state, attempts, intent, external_id, created, output, error, waiting_for, started_at, finished_at, seq, error_en, waiting_for_en FROM run_steps;
DROP TABLE run_steps;
ALTER TABLE run_steps_v40 RENAME TO run_steps;

CREATE TABLE run_log_v40 (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES "runs" (id) ON DELETE CASCADE,
    step        TEXT REFERENCES step_keys (name),
    at          TEXT NOT NULL,
    level       TEXT NOT NULL REFERENCES log_levels (name),
    message     TEXT NOT NULL,
    attempt     INTEGER,
    duration_ms INTEGER,
    request_id  TEXT,
    message_en  TEXT,
    person TEXT) STRICT;
INSERT INTO run_log_v40 (id, run_id, step, at, level, message, attempt, duration_ms, request_id, message_en, person)
    SELECT id, run_id, step, at, level, message, attempt, duration_ms, request_id, message_en, person FROM run_log;
DROP TABLE run_log;
ALTER TABLE run_log_v40 RENAME TO run_log;
CREATE INDEX run_log_run ON run_log (run_id, id);

CREATE TABLE adoptions_v40 (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    environment  TEXT NOT NULL REFERENCES environments (name),
    resource     TEXT NOT NULL,
    step         TEXT REFERENCES step_keys (name),
    state        TEXT NOT NULL REFERENCES adoption_states (name),
    refused_at   TEXT,
    refused_run  INTEGER REFERENCES "runs" (id),
    allowed_at   TEXT,
    allowed_by   TEXT REFERENCES adoption_approvers (name),
    adopted_at   TEXT,
    adopted_run  INTEGER REFERENCES "runs" (id),
    external_id  TEXT,
    UNIQUE (customer_id, environment, resource)
) STRICT;
INSERT INTO adoptions_v40 (id, customer_id, environment, resource, step, state, refused_at, refused_run, allowed_at, allowed_by, adopted_at, adopted_run, external_id)
    SELECT id, customer_id, environment, resource, step, state, refused_at, refused_run, allowed_at, allowed_by, adopted_at, adopted_run, external_id FROM adoptions;
DROP TABLE adoptions;
ALTER TABLE adoptions_v40 RENAME TO adoptions;

CREATE TABLE rollouts_v40 (
    id             INTEGER PRIMARY KEY,
    environment    TEXT NOT NULL REFERENCES environments (name),
    source         TEXT NOT NULL,
    migrations     TEXT NOT NULL,
    state          TEXT NOT NULL REFERENCES rollout_states (name),
    wave           INTEGER NOT NULL DEFAULT 0,
    halt_share     REAL NOT NULL,
    halt_reason    TEXT,
    halt_reason_en TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT,
    updated_at     TEXT NOT NULL,
    driver         TEXT,
    heartbeat_at   TEXT,
    owner_pid      INTEGER,
    seat           TEXT,
    kind           TEXT NOT NULL DEFAULT 'schema' REFERENCES rollout_kinds (name)
) STRICT;
INSERT INTO rollouts_v40 (id, environment, source, migrations, state, wave, halt_share, halt_reason, halt_reason_en, created_at, created_by, updated_at, driver, heartbeat_at, owner_pid, seat, kind)
    SELECT id, environment, source, migrations, state, wave, halt_share, halt_reason, halt_reason_en, created_at, created_by, updated_at, driver, heartbeat_at, owner_pid, seat, kind FROM rollouts;
DROP TABLE rollouts;
ALTER TABLE rollouts_v40 RENAME TO rollouts;

CREATE VIEW listing_environments (environment) AS SELECT name FROM environments;
CREATE VIEW customers_find_rows (id, text, pairs, sandbox, production) AS
SELECT c.id, c.search_text, fabrik_pairs(c.search_text),
       COALESCE((SELECT substr(status, 1, 3) FROM listing WHERE customer_id = c.id AND environment = 'sandbox'), ''),
       COALESCE((SELECT substr(status, 1, 3) FROM listing WHERE customer_id = c.id AND environment = 'production'), '')
FROM customers c
WHERE c.archived_at IS NULL AND EXISTS (SELECT 1 FROM listing WHERE customer_id = c.id);

CREATE TRIGGER listing_customer_added AFTER INSERT ON customers WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO listing (environment, status, name, created_at, customer_id)
    SELECT e.environment,
           COALESCE((SELECT status FROM instances WHERE customer_id = NEW.id AND environment = e.environment), 'pending'),
           NEW.name, NEW.created_at, NEW.id
    FROM listing_environments e;
END;
CREATE TRIGGER listing_customer_changed AFTER UPDATE OF name, created_at, archived_at ON customers
BEGIN
    DELETE FROM listing WHERE customer_id = OLD.id;
    INSERT INTO listing (environment, status, name, created_at, customer_id)
    SELECT e.environment,
           COALESCE((SELECT status FROM instances WHERE customer_id = NEW.id AND environment = e.environment), 'pending'),
           NEW.name, NEW.created_at, NEW.id
    FROM listing_environments e
    WHERE NEW.archived_at IS NULL;
END;
CREATE TRIGGER listing_customer_removed AFTER DELETE ON customers
BEGIN
    DELETE FROM listing WHERE customer_id = OLD.id;
END;
CREATE TRIGGER listing_instance_added AFTER INSERT ON instances
BEGIN
    UPDATE listing SET status = NEW.status
    WHERE customer_id = NEW.customer_id AND environment = NEW.environment;
END;
CREATE TRIGGER listing_instance_changed AFTER UPDATE OF status ON instances
BEGIN
    UPDATE listing SET status = NEW.status
    WHERE customer_id = NEW.customer_id AND environment = NEW.environment;
END;
CREATE TRIGGER listing_instance_removed AFTER DELETE ON instances
BEGIN
    UPDATE listing SET status = 'pending'
    WHERE customer_id = OLD.customer_id AND environment = OLD.environment;
END;
CREATE TRIGGER customers_find_listed AFTER INSERT ON listing
BEGIN
    DELETE FROM customers_find WHERE rowid = NEW.customer_id;
    INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
    SELECT * FROM customers_find_rows WHERE id = NEW.customer_id;
END;
CREATE TRIGGER customers_find_relisted AFTER UPDATE ON listing
BEGIN
    DELETE FROM customers_find WHERE rowid = NEW.customer_id;
    INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
    SELECT * FROM customers_find_rows WHERE id = NEW.customer_id;
END;
CREATE TRIGGER customers_find_unlisted AFTER DELETE ON listing
BEGIN
    DELETE FROM customers_find WHERE rowid = OLD.customer_id;
    INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
    SELECT * FROM customers_find_rows WHERE id = OLD.customer_id;
END;
CREATE TRIGGER customers_find_text_changed AFTER UPDATE OF search_text ON customers
BEGIN
    DELETE FROM customers_find WHERE rowid = NEW.id;
    INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
    SELECT * FROM customers_find_rows WHERE id = NEW.id;
END;
CREATE TRIGGER customers_proof_guard BEFORE UPDATE OF is_proof ON customers
    WHEN NEW.is_proof AND NOT OLD.is_proof
         AND EXISTS (SELECT 1 FROM runs WHERE customer_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a customer that has runs is not the setup proof''s test customer');
END;
CREATE TRIGGER customers_uid_fixed BEFORE UPDATE OF uid ON customers
    WHEN OLD.uid IS NOT NULL AND NEW.uid IS NOT OLD.uid
BEGIN
    SELECT RAISE(ABORT, 'a customer''s uid never changes');
END;
