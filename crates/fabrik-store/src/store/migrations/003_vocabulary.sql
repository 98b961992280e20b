-- Every enumerated column of the ledger accepts only its vocabulary (src/provision/state.rs,
-- src/provision/step.rs, src/environment.rs); a test holds these lists against the Rust enums.
-- SQLite cannot add a CHECK to a table, so the three ledger tables are rebuilt. Foreign keys
-- stay on during migrations, so the new tables are made first and the old ones dropped
-- children-first: no DROP ever cascades into rows that are still wanted.

CREATE TABLE runs_v3 (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('provision', 'teardown')),
    state        TEXT NOT NULL CHECK (state IN ('running', 'cancelling', 'rolling_back', 'succeeded', 'failed',
                                                 'cancelled', 'rolled_back', 'rollback_failed')),
    environment  TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    error        TEXT,
    failed_step  TEXT CHECK (failed_step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize')),
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    owner_pid    INTEGER,
    heartbeat_at TEXT,
    cancel_rollback INTEGER
) STRICT;

CREATE TABLE run_steps_v3 (
    run_id       INTEGER NOT NULL REFERENCES runs_v3 (id) ON DELETE CASCADE,
    key          TEXT NOT NULL CHECK (key IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize')),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'running', 'waiting', 'retrying', 'succeeded',
        'failed', 'skipped', 'compensating', 'compensated', 'compensation_failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    intent       TEXT,
    external_id  TEXT,
    created      INTEGER NOT NULL DEFAULT 0,
    output       TEXT,
    error        TEXT,
    waiting_for  TEXT,
    started_at   TEXT,
    finished_at  TEXT,
    seq          INTEGER,
    PRIMARY KEY (run_id, key)
) STRICT;

CREATE TABLE run_log_v3 (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs_v3 (id) ON DELETE CASCADE,
    step        TEXT CHECK (step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize')),
    at          TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    message     TEXT NOT NULL,
    attempt     INTEGER,
    duration_ms INTEGER,
    request_id  TEXT
) STRICT;

INSERT INTO runs_v3 SELECT id, customer_id, kind, state, environment, error, failed_step, started_at,
    finished_at, owner_pid, heartbeat_at, cancel_rollback FROM runs;
INSERT INTO run_steps_v3 SELECT run_id, key, state, attempts, intent, external_id, created, output, error,
    waiting_for, started_at, finished_at, seq FROM run_steps;
INSERT INTO run_log_v3 SELECT id, run_id, step, at, level, message, attempt, duration_ms, request_id FROM run_log;

DROP TABLE run_log;
DROP TABLE run_steps;
DROP TABLE runs;

ALTER TABLE runs_v3 RENAME TO runs;
ALTER TABLE run_steps_v3 RENAME TO run_steps;
ALTER TABLE run_log_v3 RENAME TO run_log;

CREATE UNIQUE INDEX runs_one_active_per_customer ON runs (customer_id)
    WHERE state IN ('running', 'cancelling', 'rolling_back');
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX run_log_run ON run_log (run_id, id);
