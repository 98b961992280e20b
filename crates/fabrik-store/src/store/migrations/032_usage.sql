-- What each customer uses, costs and pays (issue #57): one instance's reading a day, kept for
-- the customer's charts and the fleet view. A figure is a row of its own, and a figure a
-- provider did not report has no row: it is "not reported", never zero. The figures' words are
-- a table the register fills from the code's declaration (`usage::Figure`, `store::words`).
-- A second collection on the same day replaces the day's rows (`store::usage`). Nothing here is
-- a secret: the readings are counts and sizes, the subscription's id and price.

CREATE TABLE figures (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;

-- One row a customer, environment and day: what the day's reading says besides its figures.
CREATE TABLE usage_days (
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment  TEXT NOT NULL REFERENCES environments (name),
    -- YYYY-MM-DD, the day read (text sorts as the days do).
    day          TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    -- The Supabase compute add-on (`ci_micro`, …), NULL when it has none or did not say.
    compute      TEXT,
    -- The Stripe subscription (`usage::Revenue` as JSON), NULL when none is known.
    revenue      TEXT,
    last_active  TEXT,
    -- The instance's own `client_usage_metrics`, by metric (JSON object).
    app_metrics  TEXT NOT NULL DEFAULT '{}',
    -- What could not be read, by provider (JSON list).
    problems     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (customer_id, environment, day)
) STRICT, WITHOUT ROWID;
-- The environment's latest day, read backwards from the newest. The day leads, so no read of a
-- customer's days takes it over the key (an index led by the environment made SQLite's planner
-- walk a whole day's rows for each customer of the fleet).
CREATE INDEX usage_days_latest ON usage_days (day, environment);

-- One row a reported figure of a day.
CREATE TABLE usage_figures (
    customer_id  INTEGER NOT NULL,
    environment  TEXT NOT NULL,
    day          TEXT NOT NULL,
    figure       TEXT NOT NULL REFERENCES figures (name),
    value        REAL NOT NULL,
    PRIMARY KEY (customer_id, environment, day, figure),
    FOREIGN KEY (customer_id, environment, day)
        REFERENCES usage_days (customer_id, environment, day) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
-- One figure of each customer over a window (the database's size in the fleet's small charts,
-- the month's emails), sought customer by customer and read from the index alone.
CREATE INDEX usage_figures_by_figure ON usage_figures (environment, figure, customer_id, day, value);
