-- Scheduled work (issue #43): `fabrik tick`, started by the system's own scheduler on any seat,
-- and the window's own round. Each piece of work (a job: the database backups, the health
-- sweep, the stale-backup alert …) has one row: who holds it now (a lease judged on the
-- register's clock, so one seat at a time does it and a seat that died hands over when its
-- lease ends) and what it did last.
CREATE TABLE scheduled_jobs (
    job             TEXT PRIMARY KEY,
    lease_holder    TEXT,
    lease_until     TEXT,
    last_started_at TEXT,
    last_finished_at TEXT,
    last_seat       TEXT,
    last_outcome    TEXT CHECK (last_outcome IN ('done', 'nothing', 'failed')),
    -- What it did (JSON: the instances, the alert's names, the failure).
    last_summary    TEXT
) STRICT;

-- Each tick: which seat, when, and what came of it (JSON, the same report `fabrik tick --json`
-- prints). A tick refused before it began (the keyring locked, another tick running) is kept
-- too, with its reason's code, so the window can say so the next time it opens.
CREATE TABLE ticks (
    id          INTEGER PRIMARY KEY,
    seat        TEXT NOT NULL,
    person      TEXT,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT CHECK (outcome IN ('ok', 'failed', 'refused')),
    reason      TEXT,
    report      TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX ticks_started ON ticks (started_at);

-- What an alert named, per episode: a row is raised once (an email) and stays until what it
-- named is well again (cleared); only the next time it turns bad is it named again, whichever
-- seat looks and however often the window restarts.
CREATE TABLE alerts (
    kind        TEXT NOT NULL CHECK (kind IN ('backup_stale', 'run_failed')),
    subject     TEXT NOT NULL,
    raised_at   TEXT NOT NULL,
    raised_by   TEXT NOT NULL,
    cleared_at  TEXT,
    PRIMARY KEY (kind, subject)
) STRICT;
