-- What each customer uses, costs and pays (issue #57): the same tables as SQLite's 032 (see its
-- comments). The figures' words are filled by the register's role when it opens
-- (`store::words`); no row points at them yet.

CREATE TABLE figures (name TEXT PRIMARY KEY);

CREATE TABLE usage_days (
    customer_id  BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment  TEXT NOT NULL REFERENCES environments (name),
    day          TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    compute      TEXT,
    revenue      TEXT,
    last_active  TEXT,
    app_metrics  TEXT NOT NULL DEFAULT '{}',
    problems     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (customer_id, environment, day)
);
CREATE INDEX usage_days_latest ON usage_days (day, environment);

CREATE TABLE usage_figures (
    customer_id  BIGINT NOT NULL,
    environment  TEXT NOT NULL,
    day          TEXT NOT NULL,
    figure       TEXT NOT NULL REFERENCES figures (name),
    value        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (customer_id, environment, day, figure),
    FOREIGN KEY (customer_id, environment, day)
        REFERENCES usage_days (customer_id, environment, day) ON DELETE CASCADE
);
CREATE INDEX usage_figures_by_figure ON usage_figures (environment, figure, customer_id, day) INCLUDE (value);
