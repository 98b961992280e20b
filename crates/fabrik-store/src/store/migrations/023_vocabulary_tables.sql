-- A run kind, a step or a kind of roll-out is a word the code declares (`RunKind`, `StepKey`,
-- `RolloutKind`), not a CHECK list rebuilt for every new kind (issue #39). The words live in tables that the register fills
-- from the code each time it opens (`super::vocabulary`), and the ledger's columns point at
-- them. The words of version 22 are written here, so the rows already kept hold their keys;
-- the ledger's tables are rebuilt one last time (foreign keys are off while migrations run).

CREATE TABLE run_kinds (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE step_keys (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE rollout_kinds (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
INSERT INTO rollout_kinds (name) VALUES ('schema'), ('template');
INSERT INTO run_kinds (name) VALUES ('provision'), ('teardown'), ('update_modules'), ('repair'), ('pause'), ('resume'), ('redeploy'), ('reset_password'), ('domain_add'), ('domain_remove'), ('migrate'), ('backup'), ('restore'), ('template_sync'), ('workflow_backup'), ('workflow_restore'), ('promote'), ('recover');
INSERT INTO step_keys (name) VALUES ('supabase.project'), ('supabase.ready'), ('supabase.keys'), ('supabase.schema'), ('supabase.admin_user'), ('github.repo'),
    ('vercel.project'), ('vercel.env'), ('vercel.deploy'), ('n8n.workflow'), ('email.welcome'), ('finalize'),
    ('modules.config'), ('modules.env'), ('modules.deploy'), ('supabase.pause'), ('supabase.restore'), ('supabase.admin_password'),
    ('n8n.deactivate'), ('n8n.activate'), ('vercel.redeploy'), ('email.new_password'), ('vercel.domain_add'), ('vercel.domain_verify'),
    ('vercel.domain_production'), ('vercel.domain_remove'), ('supabase.backup'), ('supabase.migrate'), ('supabase.verify'), ('supabase.restore_backup'),
    ('github.template_pr'), ('n8n.backup'), ('n8n.restore'), ('vercel.promote'), ('supabase.recover');

CREATE TABLE runs_v23 (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL REFERENCES run_kinds (name),
    state           TEXT NOT NULL CHECK (state IN ('running', 'cancelling', 'rolling_back', 'succeeded', 'failed',
                                                    'cancelled', 'rolled_back', 'rollback_failed')),
    environment     TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
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

CREATE TABLE run_steps_v23 (
    run_id         INTEGER NOT NULL REFERENCES runs_v23 (id) ON DELETE CASCADE,
    key            TEXT NOT NULL REFERENCES step_keys (name),
    state          TEXT NOT NULL CHECK (state IN ('pending', 'running', 'waiting', 'retrying', 'succeeded',
        'failed', 'skipped', 'compensating', 'compensated', 'compensation_failed')),
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

CREATE TABLE run_log_v23 (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs_v23 (id) ON DELETE CASCADE,
    step        TEXT REFERENCES step_keys (name),
    at          TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    message     TEXT NOT NULL,
    attempt     INTEGER,
    duration_ms INTEGER,
    request_id  TEXT,
    message_en  TEXT,
    person TEXT) STRICT;

CREATE TABLE adoptions_v23 (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    environment  TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    resource     TEXT NOT NULL,
    step         TEXT REFERENCES step_keys (name),
    state        TEXT NOT NULL CHECK (state IN ('refused', 'allowed', 'adopted')),
    refused_at   TEXT,
    refused_run  INTEGER REFERENCES runs_v23 (id),
    allowed_at   TEXT,
    allowed_by   TEXT CHECK (allowed_by IN ('window', 'cli')),
    adopted_at   TEXT,
    adopted_run  INTEGER REFERENCES runs_v23 (id),
    external_id  TEXT,
    UNIQUE (customer_id, environment, resource)
) STRICT;

CREATE TABLE rollouts_v23 (
    id             INTEGER PRIMARY KEY,
    environment    TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    source         TEXT NOT NULL,
    migrations     TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('planned', 'running', 'paused', 'halted', 'aborted', 'done')),
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

INSERT INTO rollouts_v23 (id, environment, source, migrations, state, wave, halt_share, halt_reason, halt_reason_en, created_at, created_by, updated_at, driver, heartbeat_at, owner_pid, seat, kind) SELECT id, environment, source, migrations, state, wave, halt_share, halt_reason, halt_reason_en, created_at, created_by, updated_at, driver, heartbeat_at, owner_pid, seat, kind FROM rollouts;
INSERT INTO runs_v23 (id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, input, started_by, seat, person) SELECT id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, input, started_by, seat, person FROM runs;
INSERT INTO run_steps_v23 (run_id, key, state, attempts, intent, external_id, created, output, error, waiting_for, started_at, finished_at, seq, error_en, waiting_for_en) SELECT run_id, key, state, attempts, intent, external_id, created, output, error, waiting_for, started_at, finished_at, seq, error_en, waiting_for_en FROM run_steps;
INSERT INTO run_log_v23 (id, run_id, step, at, level, message, attempt, duration_ms, request_id, message_en, person) SELECT id, run_id, step, at, level, message, attempt, duration_ms, request_id, message_en, person FROM run_log;
INSERT INTO adoptions_v23 (id, customer_id, environment, resource, step, state, refused_at, refused_run, allowed_at, allowed_by, adopted_at, adopted_run, external_id) SELECT id, customer_id, environment, resource, step, state, refused_at, refused_run, allowed_at, allowed_by, adopted_at, adopted_run, external_id FROM adoptions;

DROP TABLE adoptions;
DROP TABLE run_log;
DROP TABLE run_steps;
DROP TABLE runs;
DROP TABLE rollouts;

ALTER TABLE runs_v23 RENAME TO runs;
ALTER TABLE run_steps_v23 RENAME TO run_steps;
ALTER TABLE run_log_v23 RENAME TO run_log;
ALTER TABLE adoptions_v23 RENAME TO adoptions;
ALTER TABLE rollouts_v23 RENAME TO rollouts;

CREATE UNIQUE INDEX runs_one_active_per_customer ON runs (customer_id)
    WHERE state IN ('running', 'cancelling', 'rolling_back');
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX run_log_run ON run_log (run_id, id);
