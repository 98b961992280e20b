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

-- A usage limit's alert (`usage_limit`) is raised and cleared by the login holding the usage
-- job (`usage_collect`), as the other alerts are by their jobs' (030): the guard learns the pair.
CREATE OR REPLACE FUNCTION alerts_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
DECLARE
    stamp  TEXT := pg_catalog.to_char(pg_catalog.clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"');
    by_job TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.raised_at := stamp;
        NEW.raised_by := (session_user)::text;
        NEW.cleared_at := NULL;
    ELSE
        IF NEW.raised_at IS DISTINCT FROM OLD.raised_at OR NEW.raised_by IS DISTINCT FROM OLD.raised_by THEN
            NEW.raised_at := stamp;
            NEW.raised_by := (session_user)::text;
        END IF;
        IF NEW.cleared_at IS NOT NULL AND NEW.cleared_at IS DISTINCT FROM OLD.cleared_at THEN
            NEW.cleared_at := stamp;
        END IF;
    END IF;
    IF fabrik.has_right('owner') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.kind IS DISTINCT FROM OLD.kind OR NEW.subject IS DISTINCT FROM OLD.subject) THEN
        RAISE EXCEPTION 'permission denied: an alert stays about what it named' USING ERRCODE = '42501';
    END IF;
    by_job := CASE NEW.kind WHEN 'backup_stale' THEN 'backup_alert' WHEN 'run_failed' THEN 'run_alert'
                            WHEN 'usage_limit' THEN 'usage_collect' END;
    IF NOT EXISTS (SELECT 1 FROM fabrik.scheduled_jobs j
                    WHERE j.job OPERATOR(pg_catalog.=) by_job
                      AND j.lease_person OPERATOR(pg_catalog.=) (session_user)::text
                      AND j.lease_until::timestamptz OPERATOR(pg_catalog.>) pg_catalog.clock_timestamp()) THEN
        RAISE EXCEPTION 'permission denied: an alert of % is raised or cleared by the login holding the job % (its lease)',
            NEW.kind, by_job USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
