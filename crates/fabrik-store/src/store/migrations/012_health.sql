-- Day two (issue #13): the last health check of each instance, per environment. Only the
-- newest is kept (a check is cheap to repeat; the runs keep the history of what changed).
CREATE TABLE health_checks (
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment  TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    checked_at   TEXT NOT NULL,
    healthy      INTEGER NOT NULL CHECK (healthy IN (0, 1)),
    -- How many findings, for the register's column without reading the JSON.
    findings_n   INTEGER NOT NULL,
    -- The whole check (findings, the site's answer), as the window and `fabrik status` show it.
    report       TEXT NOT NULL,
    PRIMARY KEY (customer_id, environment)
) STRICT;
