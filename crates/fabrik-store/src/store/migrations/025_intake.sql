-- The inbox (issue #42): customers who asked for an instance in the portal
-- (`agency_onboarding_requests`) or paid for one in Stripe, before they are customers. One row
-- per request or subscription (UNIQUE source + its id there), so two seats reading the same
-- request or event make one row, and approving it is one `pending` → `approved` change that
-- only one seat can make. What happened after the approval is the run's (`run_id`); what the
-- portal was last told is kept so it is told again only what changed.
CREATE TABLE intake (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL CHECK (source IN ('portal', 'stripe')),
    external_id     TEXT NOT NULL,
    name            TEXT NOT NULL,
    admin_email     TEXT NOT NULL,
    plan            TEXT CHECK (plan IN ('starter', 'professional', 'enterprise')),
    -- What else the source said (JSON, no secret): the price, the Stripe customer, the request's time.
    detail          TEXT NOT NULL DEFAULT '{}',
    state           TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'cancelled')),
    reason          TEXT,
    customer_id     INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    run_id          INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    -- Stripe said the subscription ended (after approval: the customer is offered pause or teardown).
    cancelled_at    TEXT,
    received_at     TEXT NOT NULL,
    decided_at      TEXT,
    decided_by      TEXT,
    portal_written  TEXT,
    portal_error    TEXT,
    UNIQUE (source, external_id)
) STRICT;

-- The customer page and the register's list say whether a customer's subscription ended.
CREATE INDEX intake_customer ON intake (customer_id) WHERE customer_id IS NOT NULL;

-- Each Stripe event handled, by its id: a poll reads back over its overlap and an event comes
-- twice; it is handled once. Kept for Stripe's 30 days (then it cannot be listed again).
CREATE TABLE intake_events (
    event_id    TEXT PRIMARY KEY,
    created     INTEGER NOT NULL,
    seen_at     TEXT NOT NULL
) STRICT;

-- Each source's state: Stripe's cursor (the newest event's `created`, Stripe's clock) and when
-- it was polled (the register's clock), what the last poll said, and the owner's choices:
-- automatic provisioning and the price → plan mapping.
CREATE TABLE intake_sources (
    source      TEXT PRIMARY KEY CHECK (source IN ('portal', 'stripe')),
    cursor      INTEGER,
    polled_at   TEXT,
    polled_by   TEXT,
    problem     TEXT,
    auto        INTEGER NOT NULL DEFAULT 0 CHECK (auto IN (0, 1)),
    plans       TEXT NOT NULL DEFAULT '{}'
) STRICT;
INSERT INTO intake_sources (source) VALUES ('portal'), ('stripe');
