-- The subscription's life beside the instance's (issue #58). Three words' tables the register
-- fills from the code (`store::billing`: a transition, a step of the owner's policy, a
-- decision's state), the newest snapshot of each Stripe subscription, the owner's policy per
-- plan and transition, and what the tick decided. Nothing here is a secret.

CREATE TABLE billing_transitions (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE billing_steps (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE billing_decision_states (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;

-- One row a subscription and environment (the Stripe account is the environment's): the
-- newest state read, from an event's object or a read of the subscription. `as_of` is the
-- Stripe `created` of the newest event it reflects, or the read's time (unix seconds): an older
-- snapshot never replaces a newer one. `failed_since` is when the register first saw the
-- current run of failed payments (the register's clock: a grace is judged on it), NULL once paid.
CREATE TABLE subscriptions (
    environment          TEXT NOT NULL REFERENCES environments (name),
    subscription         TEXT NOT NULL,
    stripe_customer      TEXT NOT NULL,
    status               TEXT NOT NULL,
    status_since         INTEGER NOT NULL,
    current_period_end   INTEGER,
    next_payment_attempt INTEGER,
    attempt_count        INTEGER NOT NULL DEFAULT 0,
    last_failure         TEXT,
    last_failure_at      INTEGER,
    failed_since         TEXT,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0 CHECK (cancel_at_period_end IN (0, 1)),
    price                TEXT,
    as_of                INTEGER NOT NULL,
    -- The event it came from (`evt_…`), NULL for a read of the subscription.
    event_id             TEXT,
    updated_at           TEXT NOT NULL,
    PRIMARY KEY (environment, subscription)
) STRICT, WITHOUT ROWID;
CREATE INDEX subscriptions_by_customer ON subscriptions (environment, stripe_customer);

-- The owner's choice for one plan and transition; a pair without a row follows the code's
-- default (`billing::policy`). A teardown is a person's act: never `do`.
CREATE TABLE billing_policy (
    plan        TEXT NOT NULL REFERENCES plans (name),
    transition  TEXT NOT NULL REFERENCES billing_transitions (name),
    step        TEXT NOT NULL REFERENCES billing_steps (name),
    grace_days  INTEGER CHECK (grace_days >= 0),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT,
    PRIMARY KEY (plan, transition),
    CHECK (transition <> 'period_ended' OR step <> 'do')
) STRICT, WITHOUT ROWID;

-- What the tick did or offers: one row a customer, environment, transition and episode (the
-- moment its state began), so two seats or a second read decide once.
CREATE TABLE billing_decisions (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment  TEXT NOT NULL REFERENCES environments (name),
    subscription TEXT NOT NULL,
    transition   TEXT NOT NULL REFERENCES billing_transitions (name),
    step         TEXT NOT NULL REFERENCES billing_steps (name),
    episode      TEXT NOT NULL,
    event_id     TEXT,
    run_id       INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    state        TEXT NOT NULL REFERENCES billing_decision_states (name),
    note         TEXT,
    created_at   TEXT NOT NULL,
    decided_at   TEXT,
    decided_by   TEXT,
    UNIQUE (customer_id, environment, transition, episode),
    CHECK (transition <> 'period_ended' OR step <> 'do')
) STRICT;
CREATE INDEX billing_decisions_waiting ON billing_decisions (environment, state);
