-- A handover (issue #59): what of a delivered instance was handed to whom, and when the
-- customer took each part. One row a handover; at most one that is not withdrawn per customer
-- and environment. `handed_over_at` is set once all three parts are taken: from then on no run,
-- roll-out or scheduled job touches the instance. No code or token is kept here: they went to
-- the customer in the letter only.
CREATE TABLE handovers (
    id                  INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment         TEXT NOT NULL REFERENCES environments (name),
    run_id              INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    to_github           TEXT NOT NULL,
    to_vercel_team      TEXT NOT NULL,
    to_supabase_org     TEXT NOT NULL,
    contact             TEXT NOT NULL,
    -- Where the letter was saved on the seat that sent it.
    letter              TEXT,
    requested_at        TEXT NOT NULL,
    requested_by        TEXT,
    supabase_claimed_at TEXT,
    vercel_accepted_at  TEXT,
    github_accepted_at  TEXT,
    handed_over_at      TEXT,
    withdrawn_at        TEXT,
    withdrawn_by        TEXT,
    CHECK (handed_over_at IS NULL OR withdrawn_at IS NULL)
) STRICT;
CREATE UNIQUE INDEX handovers_open ON handovers (customer_id, environment) WHERE withdrawn_at IS NULL;
