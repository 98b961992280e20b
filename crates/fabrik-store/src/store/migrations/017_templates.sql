-- Template updates (issue #31): a template roll-out is a set of per-repository runs of the new
-- kind `template_sync` (one step, `github.template_pr`: a three-way merged commit and its pull
-- request). The kind and step join the CHECK lists, so the ledger's tables are rebuilt as in 016.
-- A roll-out now says what it rolls out (`kind`); each instance remembers its template base; each
-- pull request Fabrik opened is kept with what it carries and how it ended.

CREATE TABLE runs_v17 (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('provision', 'teardown', 'update_modules', 'repair', 'pause', 'resume',
                                          'redeploy', 'reset_password', 'domain_add', 'domain_remove', 'migrate', 'backup', 'restore', 'template_sync')),
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
        'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup',
        'github.template_pr')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    owner_pid       INTEGER,
    heartbeat_at    TEXT,
    cancel_rollback INTEGER,
    error_en        TEXT,
    driver          TEXT,
    input           TEXT,
    started_by TEXT, seat TEXT, person TEXT) STRICT;

CREATE TABLE run_steps_v17 (
    run_id         INTEGER NOT NULL REFERENCES runs_v17 (id) ON DELETE CASCADE,
    key            TEXT NOT NULL CHECK (key IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove',
        'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup',
        'github.template_pr')),
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

CREATE TABLE run_log_v17 (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs_v17 (id) ON DELETE CASCADE,
    step        TEXT CHECK (step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env',
        'modules.deploy', 'supabase.pause', 'supabase.restore',
        'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password',
        'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove',
        'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup',
        'github.template_pr')),
    at          TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    message     TEXT NOT NULL,
    attempt     INTEGER,
    duration_ms INTEGER,
    request_id  TEXT,
    message_en  TEXT,
    person TEXT) STRICT;

CREATE TABLE adoptions_v17 (
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
        'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup',
        'github.template_pr')),
    state        TEXT NOT NULL CHECK (state IN ('refused', 'allowed', 'adopted')),
    refused_at   TEXT,
    refused_run  INTEGER REFERENCES runs_v17 (id),
    allowed_at   TEXT,
    allowed_by   TEXT CHECK (allowed_by IN ('window', 'cli')),
    adopted_at   TEXT,
    adopted_run  INTEGER REFERENCES runs_v17 (id),
    external_id  TEXT,
    UNIQUE (customer_id, environment, resource)
) STRICT;

INSERT INTO runs_v17 (id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, input, started_by, seat, person) SELECT id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at, owner_pid, heartbeat_at, cancel_rollback, error_en, driver, input, started_by, seat, person FROM runs;
INSERT INTO run_steps_v17 (run_id, key, state, attempts, intent, external_id, created, output, error, waiting_for, started_at, finished_at, seq, error_en, waiting_for_en) SELECT run_id, key, state, attempts, intent, external_id, created, output, error, waiting_for, started_at, finished_at, seq, error_en, waiting_for_en FROM run_steps;
INSERT INTO run_log_v17 (id, run_id, step, at, level, message, attempt, duration_ms, request_id, message_en, person) SELECT id, run_id, step, at, level, message, attempt, duration_ms, request_id, message_en, person FROM run_log;
INSERT INTO adoptions_v17 (id, customer_id, environment, resource, step, state, refused_at, refused_run, allowed_at, allowed_by, adopted_at, adopted_run, external_id) SELECT id, customer_id, environment, resource, step, state, refused_at, refused_run, allowed_at, allowed_by, adopted_at, adopted_run, external_id FROM adoptions;

DROP TABLE adoptions;
DROP TABLE run_log;
DROP TABLE run_steps;
DROP TABLE runs;

ALTER TABLE runs_v17 RENAME TO runs;
ALTER TABLE run_steps_v17 RENAME TO run_steps;
ALTER TABLE run_log_v17 RENAME TO run_log;
ALTER TABLE adoptions_v17 RENAME TO adoptions;

CREATE UNIQUE INDEX runs_one_active_per_customer ON runs (customer_id)
    WHERE state IN ('running', 'cancelling', 'rolling_back');
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX run_log_run ON run_log (run_id, id);

-- What a roll-out carries: migration files to every database ('schema'), or a template commit
-- into every repository ('template'). One of each kind may be open at a time.
ALTER TABLE rollouts ADD COLUMN kind TEXT NOT NULL DEFAULT 'schema' CHECK (kind IN ('schema', 'template'));

-- The template commit the customer's repository was generated from or last synced to, and how
-- Fabrik knows it: 'generated' (recorded when it made the repository), 'synced' (a merged pull
-- request), 'found' (the template's history matched the repository's first commit), 'stated'
-- (the owner said so).
ALTER TABLE instances ADD COLUMN template_base TEXT;
ALTER TABLE instances ADD COLUMN template_base_how TEXT CHECK (template_base_how IN ('generated', 'synced', 'found', 'stated'));
ALTER TABLE instances ADD COLUMN template_base_at TEXT;

-- A pull request Fabrik opened in a customer's repository: from which base to which template
-- commit, the branch and the commit Fabrik wrote (a branch whose head is another commit was
-- pushed to by a person and is left alone), the files and conflicts it carries, how it ended.
CREATE TABLE template_prs (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
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
    state         TEXT NOT NULL CHECK (state IN ('open', 'merged', 'closed', 'pushed')),
    created_at    TEXT NOT NULL,
    checked_at    TEXT,
    UNIQUE (customer_id, environment, target_sha)
) STRICT;
