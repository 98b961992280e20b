-- Every word goes into a table, as 023 began (issue #56): the inbox's sources, states and plans,
-- the scheduled jobs' and ticks' outcomes, the alerts' kinds and the team's environments, roles
-- and invitation states came back as CHECK lists in 025–027, so a new word needed a migration
-- in each dialect. Now each is a table of words the register fills from the code's declaration
-- (`store::words`) whenever it opens, and the columns point at it. Nothing is written here: the
-- words are filled right after the migrations, before the foreign keys are checked (they are
-- off while migrations run), so every row kept finds its word. The six tables are rebuilt, as
-- SQLite changes a constraint, with their rows, indexes and the columns 029 and 030 added.

CREATE TABLE intake_source_names (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE intake_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE plans (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE job_outcomes (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE tick_outcomes (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE alert_kinds (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE environments (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE team_roles (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE invite_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;

CREATE TABLE intake_v31 (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL REFERENCES intake_source_names (name),
    external_id     TEXT NOT NULL,
    name            TEXT NOT NULL,
    admin_email     TEXT NOT NULL,
    plan            TEXT REFERENCES plans (name),
    detail          TEXT NOT NULL DEFAULT '{}',
    state           TEXT NOT NULL REFERENCES intake_states (name),
    reason          TEXT,
    customer_id     INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    run_id          INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    cancelled_at    TEXT,
    received_at     TEXT NOT NULL,
    decided_at      TEXT,
    decided_by      TEXT,
    portal_written  TEXT,
    portal_error    TEXT,
    organization_id TEXT,
    automatic       INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
    UNIQUE (source, external_id)
) STRICT;
INSERT INTO intake_v31 (id, source, external_id, name, admin_email, plan, detail, state, reason, customer_id, run_id, cancelled_at, received_at, decided_at, decided_by, portal_written, portal_error, organization_id, automatic)
    SELECT id, source, external_id, name, admin_email, plan, detail, state, reason, customer_id, run_id, cancelled_at, received_at, decided_at, decided_by, portal_written, portal_error, organization_id, automatic FROM intake;
DROP TABLE intake;
ALTER TABLE intake_v31 RENAME TO intake;
CREATE INDEX intake_customer ON intake (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX intake_automatic ON intake (source, decided_at) WHERE automatic = 1;

CREATE TABLE intake_sources_v31 (
    source      TEXT PRIMARY KEY REFERENCES intake_source_names (name),
    cursor      INTEGER,
    polled_at   TEXT,
    polled_by   TEXT,
    problem     TEXT,
    auto        INTEGER NOT NULL DEFAULT 0 CHECK (auto IN (0, 1)),
    plans       TEXT NOT NULL DEFAULT '{}',
    trials      TEXT NOT NULL DEFAULT '[]',
    daily_limit INTEGER NOT NULL DEFAULT 3 CHECK (daily_limit >= 0)
) STRICT;
INSERT INTO intake_sources_v31 (source, cursor, polled_at, polled_by, problem, auto, plans, trials, daily_limit)
    SELECT source, cursor, polled_at, polled_by, problem, auto, plans, trials, daily_limit FROM intake_sources;
DROP TABLE intake_sources;
ALTER TABLE intake_sources_v31 RENAME TO intake_sources;

CREATE TABLE scheduled_jobs_v31 (
    job              TEXT PRIMARY KEY,
    lease_holder     TEXT,
    lease_until      TEXT,
    last_started_at  TEXT,
    last_finished_at TEXT,
    last_seat        TEXT,
    last_outcome     TEXT REFERENCES job_outcomes (name),
    last_summary     TEXT,
    lease_person     TEXT
) STRICT;
INSERT INTO scheduled_jobs_v31 (job, lease_holder, lease_until, last_started_at, last_finished_at, last_seat, last_outcome, last_summary, lease_person)
    SELECT job, lease_holder, lease_until, last_started_at, last_finished_at, last_seat, last_outcome, last_summary, lease_person FROM scheduled_jobs;
DROP TABLE scheduled_jobs;
ALTER TABLE scheduled_jobs_v31 RENAME TO scheduled_jobs;

CREATE TABLE ticks_v31 (
    id          INTEGER PRIMARY KEY,
    seat        TEXT NOT NULL,
    person      TEXT,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT REFERENCES tick_outcomes (name),
    reason      TEXT,
    report      TEXT NOT NULL DEFAULT '{}'
) STRICT;
INSERT INTO ticks_v31 (id, seat, person, started_at, finished_at, outcome, reason, report)
    SELECT id, seat, person, started_at, finished_at, outcome, reason, report FROM ticks;
DROP TABLE ticks;
ALTER TABLE ticks_v31 RENAME TO ticks;
CREATE INDEX ticks_started ON ticks (started_at);

CREATE TABLE alerts_v31 (
    kind        TEXT NOT NULL REFERENCES alert_kinds (name),
    subject     TEXT NOT NULL,
    raised_at   TEXT NOT NULL,
    raised_by   TEXT NOT NULL,
    cleared_at  TEXT,
    PRIMARY KEY (kind, subject)
) STRICT;
INSERT INTO alerts_v31 (kind, subject, raised_at, raised_by, cleared_at)
    SELECT kind, subject, raised_at, raised_by, cleared_at FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_v31 RENAME TO alerts;

CREATE TABLE team_invites_v31 (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    environment   TEXT NOT NULL REFERENCES environments (name),
    email         TEXT NOT NULL,
    full_name     TEXT,
    role          TEXT NOT NULL REFERENCES team_roles (name),
    state         TEXT NOT NULL REFERENCES invite_states (name),
    auth_user_id  TEXT,
    sends         INTEGER NOT NULL DEFAULT 0,
    last_sent_at  TEXT,
    revoked_at    TEXT,
    problem       TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT,
    UNIQUE (customer_id, environment, email)
) STRICT;
INSERT INTO team_invites_v31 (id, customer_id, environment, email, full_name, role, state, auth_user_id, sends, last_sent_at, revoked_at, problem, created_at, created_by)
    SELECT id, customer_id, environment, email, full_name, role, state, auth_user_id, sends, last_sent_at, revoked_at, problem, created_at, created_by FROM team_invites;
DROP TABLE team_invites;
ALTER TABLE team_invites_v31 RENAME TO team_invites;
CREATE INDEX team_invites_sent ON team_invites (customer_id, environment, last_sent_at);
