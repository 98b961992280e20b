-- The run ledger: a run per provisioning (or teardown) of a customer, one row per step with its
-- intent (written before the external call) and the external id (written after), and a log.

CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('provision', 'teardown')),
    state        TEXT NOT NULL CHECK (state IN ('running', 'cancelling', 'rolling_back', 'succeeded', 'failed',
                                                 'cancelled', 'rolled_back', 'rollback_failed')),
    environment  TEXT NOT NULL,
    error        TEXT,
    failed_step  TEXT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    -- Which process drives the run, and when it last said so: a run whose heartbeat is old was
    -- interrupted (crash, quit) and may be resumed by another process.
    owner_pid    INTEGER,
    heartbeat_at TEXT,
    -- With a cancel: 1 = roll back what the run created, 0 = keep it resumable.
    cancel_rollback INTEGER
) STRICT;

-- At most one active run per customer, enforced by the database itself.
CREATE UNIQUE INDEX runs_one_active_per_customer ON runs (customer_id)
    WHERE state IN ('running', 'cancelling', 'rolling_back');
CREATE INDEX runs_started_at ON runs (started_at);

CREATE TABLE run_steps (
    run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    -- The deterministic name of what the step is about to create, recorded before the call.
    intent       TEXT,
    external_id  TEXT,
    -- 1 when this run created the resource (and so may delete it); 0 when it adopted one.
    created      INTEGER NOT NULL DEFAULT 0,
    -- Non-secret outputs later steps need (JSON).
    output       TEXT,
    error        TEXT,
    waiting_for  TEXT,
    started_at   TEXT,
    finished_at  TEXT,
    seq          INTEGER,
    PRIMARY KEY (run_id, key)
) STRICT;

CREATE TABLE run_log (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step        TEXT,
    at          TEXT NOT NULL,
    level       TEXT NOT NULL,
    message     TEXT NOT NULL,
    attempt     INTEGER,
    duration_ms INTEGER,
    request_id  TEXT
) STRICT;
CREATE INDEX run_log_run ON run_log (run_id, id);
