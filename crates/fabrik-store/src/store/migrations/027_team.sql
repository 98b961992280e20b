-- The customer's team (issue #44): each person Fabrik invited into a customer's instance. The
-- instance holds the person (their Auth user and their profile row, with the role); this row is
-- Fabrik's record of having invited them, which a resend or a revoke proves before it touches
-- anyone (the Auth user's id, and the marker in its app_metadata). A row is written `sending`
-- before the instance is asked, so an invitation a crash interrupted is found by its address
-- and never sent twice.
CREATE TABLE team_invites (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    -- Lower case: one person per address and instance.
    email         TEXT NOT NULL,
    full_name     TEXT,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    state         TEXT NOT NULL CHECK (state IN ('sending', 'invited', 'failed', 'revoked')),
    auth_user_id  TEXT,
    sends         INTEGER NOT NULL DEFAULT 0,
    last_sent_at  TEXT,
    revoked_at    TEXT,
    -- What the instance answered when it failed (no secret: a provider's message).
    problem       TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT,
    UNIQUE (customer_id, environment, email)
) STRICT;
CREATE INDEX team_invites_sent ON team_invites (customer_id, environment, last_sent_at);
