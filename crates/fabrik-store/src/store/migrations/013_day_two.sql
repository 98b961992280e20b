-- Day two (issue #13): repair, pause and resume, redeploy, a new admin password, and a custom
-- domain are runs in the ledger like provisioning, with steps of their own. A run can now carry
-- what it was asked to do (`input`: the steps to repair, the domain), as JSON. The CHECK lists
-- grow, so the ledger's tables are rebuilt as in 010 (see there for why this way).

CREATE TABLE runs_v13 (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('provision', 'teardown', 'update_modules', 'repair', 'pause', 'resume',
                                          'redeploy', 'reset_password', 'domain_add', 'domain_remove')),
    state           TEXT NOT NULL CHECK (state IN ('running', 'cancelling', 'rolling_back', 'succeeded', 'failed',
                                                    'cancelled', 'rolled_back', 'rollback_failed')),
    environment     TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    error           TEXT,
    failed_step     TEXT CHECK (failed_step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    owner_pid       INTEGER,
    heartbeat_at    TEXT,
    cancel_rollback INTEGER,
    error_en        TEXT,
    driver          TEXT,
    input           TEXT
) STRICT;

CREATE TABLE run_steps_v13 (
    run_id         INTEGER NOT NULL REFERENCES runs_v13 (id) ON DELETE CASCADE,
    key            TEXT NOT NULL CHECK (key IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove')),
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

CREATE TABLE run_log_v13 (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs_v13 (id) ON DELETE CASCADE,
    step        TEXT CHECK (step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove')),
    at          TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    message     TEXT NOT NULL,
    attempt     INTEGER,
    duration_ms INTEGER,
    request_id  TEXT,
    message_en  TEXT
) STRICT;

CREATE TABLE adoptions_v13 (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    environment  TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    resource     TEXT NOT NULL,
    step         TEXT CHECK (step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove')),
    state        TEXT NOT NULL CHECK (state IN ('refused', 'allowed', 'adopted')),
    refused_at   TEXT,
    refused_run  INTEGER REFERENCES runs_v13 (id),
    allowed_at   TEXT,
    allowed_by   TEXT CHECK (allowed_by IN ('window', 'cli')),
    adopted_at   TEXT,
    adopted_run  INTEGER REFERENCES runs_v13 (id),
    external_id  TEXT,
    UNIQUE (customer_id, environment, resource)
) STRICT;

INSERT INTO runs_v13 SELECT id, customer_id, kind, state, environment, error, failed_step, started_at,
    finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, NULL FROM runs;
INSERT INTO run_steps_v13 SELECT run_id, key, state, attempts, intent, external_id, created, output, error,
    waiting_for, started_at, finished_at, seq, error_en, waiting_for_en FROM run_steps;
INSERT INTO run_log_v13 SELECT id, run_id, step, at, level, message, attempt, duration_ms, request_id,
    message_en FROM run_log;
INSERT INTO adoptions_v13 SELECT id, customer_id, environment, resource, step, state, refused_at, refused_run,
    allowed_at, allowed_by, adopted_at, adopted_run, external_id FROM adoptions;

DROP TABLE adoptions;
DROP TABLE run_log;
DROP TABLE run_steps;
DROP TABLE runs;

ALTER TABLE runs_v13 RENAME TO runs;
ALTER TABLE run_steps_v13 RENAME TO run_steps;
ALTER TABLE run_log_v13 RENAME TO run_log;
ALTER TABLE adoptions_v13 RENAME TO adoptions;

CREATE UNIQUE INDEX runs_one_active_per_customer ON runs (customer_id)
    WHERE state IN ('running', 'cancelling', 'rolling_back');
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX run_log_run ON run_log (run_id, id);
