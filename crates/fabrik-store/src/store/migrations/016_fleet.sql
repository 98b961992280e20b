-- Fleet changes (issue #30): a schema roll-out is a set of per-instance runs of the new kind
-- `migrate` (backup, apply, verify); a backup on demand and a restore are runs too. Their kinds
-- and steps join the CHECK lists, so the ledger's tables are rebuilt as in 010 and 013. The
-- backups a run took, the roll-outs and their members get tables of their own, and every
-- instance remembers the newest schema version it was seen at.

CREATE TABLE runs_v16 (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('provision', 'teardown', 'update_modules', 'repair', 'pause', 'resume',
                                          'redeploy', 'reset_password', 'domain_add', 'domain_remove', 'migrate', 'backup', 'restore')),
    state           TEXT NOT NULL CHECK (state IN ('running', 'cancelling', 'rolling_back', 'succeeded', 'failed',
                                                    'cancelled', 'rolled_back', 'rollback_failed')),
    environment     TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    error           TEXT,
    failed_step     TEXT CHECK (failed_step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove',
        'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    owner_pid       INTEGER,
    heartbeat_at    TEXT,
    cancel_rollback INTEGER,
    error_en        TEXT,
    driver          TEXT,
    input           TEXT,
    started_by TEXT, seat TEXT, person TEXT) STRICT;

CREATE TABLE run_steps_v16 (
    run_id         INTEGER NOT NULL REFERENCES runs_v16 (id) ON DELETE CASCADE,
    key            TEXT NOT NULL CHECK (key IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove',
        'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup')),
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

CREATE TABLE run_log_v16 (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs_v16 (id) ON DELETE CASCADE,
    step        TEXT CHECK (step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove',
        'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup')),
    at          TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    message     TEXT NOT NULL,
    attempt     INTEGER,
    duration_ms INTEGER,
    request_id  TEXT,
    message_en  TEXT,
    person TEXT) STRICT;

CREATE TABLE adoptions_v16 (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    environment  TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    resource     TEXT NOT NULL,
    step         TEXT CHECK (step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove',
        'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup')),
    state        TEXT NOT NULL CHECK (state IN ('refused', 'allowed', 'adopted')),
    refused_at   TEXT,
    refused_run  INTEGER REFERENCES runs_v16 (id),
    allowed_at   TEXT,
    allowed_by   TEXT CHECK (allowed_by IN ('window', 'cli')),
    adopted_at   TEXT,
    adopted_run  INTEGER REFERENCES runs_v16 (id),
    external_id  TEXT,
    UNIQUE (customer_id, environment, resource)
) STRICT;

INSERT INTO runs_v16 (id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, input, started_by, seat, person) SELECT id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, input, started_by, seat, person FROM runs;
INSERT INTO run_steps_v16 (run_id, key, state, attempts, intent, external_id, created, output, error, waiting_for, started_at, finished_at, seq, error_en, waiting_for_en) SELECT run_id, key, state, attempts, intent, external_id, created, output, error, waiting_for, started_at, finished_at, seq, error_en, waiting_for_en FROM run_steps;
INSERT INTO run_log_v16 (id, run_id, step, at, level, message, attempt, duration_ms, request_id, message_en, person) SELECT id, run_id, step, at, level, message, attempt, duration_ms, request_id, message_en, person FROM run_log;
INSERT INTO adoptions_v16 (id, customer_id, environment, resource, step, state, refused_at, refused_run, allowed_at, allowed_by, adopted_at, adopted_run, external_id) SELECT id, customer_id, environment, resource, step, state, refused_at, refused_run, allowed_at, allowed_by, adopted_at, adopted_run, external_id FROM adoptions;

DROP TABLE adoptions;
DROP TABLE run_log;
DROP TABLE run_steps;
DROP TABLE runs;

ALTER TABLE runs_v16 RENAME TO runs;
ALTER TABLE run_steps_v16 RENAME TO run_steps;
ALTER TABLE run_log_v16 RENAME TO run_log;
ALTER TABLE adoptions_v16 RENAME TO adoptions;

CREATE UNIQUE INDEX runs_one_active_per_customer ON runs (customer_id)
    WHERE state IN ('running', 'cancelling', 'rolling_back');
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX run_log_run ON run_log (run_id, id);

-- The newest version in the instance's own history (`supabase_migrations.schema_migrations`),
-- as last read or written by a run; the register's "who is behind" reads it.
ALTER TABLE instances ADD COLUMN schema_version TEXT;

-- A logical backup of one customer's database: the encrypted file lives in the backups folder of
-- the seat that took it (`seat`); the register keeps what it holds, to list, check and restore it.
CREATE TABLE backups (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    project_ref   TEXT NOT NULL,
    run_id        INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('before_migration', 'before_restore', 'on_demand', 'scheduled')),
    file          TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    schema_version TEXT,
    tables        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    seat          TEXT,
    removed_at    TEXT
) STRICT;
CREATE INDEX backups_customer ON backups (customer_id, created_at);

-- A schema roll-out: the migration files it carries (fixed when planned, so a restart applies
-- exactly what was planned), its waves and halt rule, and where it stands.
CREATE TABLE rollouts (
    id            INTEGER PRIMARY KEY,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    source        TEXT NOT NULL,
    migrations    TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('planned', 'running', 'paused', 'halted', 'aborted', 'done')),
    wave          INTEGER NOT NULL DEFAULT 0,
    halt_share    REAL NOT NULL,
    halt_reason   TEXT,
    halt_reason_en TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT,
    updated_at    TEXT NOT NULL,
    driver        TEXT,
    heartbeat_at  TEXT,
    owner_pid     INTEGER,
    seat          TEXT
) STRICT;

-- One instance of a roll-out: its wave, its run, and how it ended (the database's own error, or
-- why it was skipped: drift, paused).
CREATE TABLE rollout_members (
    rollout_id    INTEGER NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    wave          INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
    reason        TEXT,
    reason_en     TEXT,
    run_id        INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    version_before TEXT,
    version_after TEXT,
    PRIMARY KEY (rollout_id, customer_id)
) STRICT;
