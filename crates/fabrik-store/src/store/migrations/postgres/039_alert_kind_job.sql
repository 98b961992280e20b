-- An alert's kind names the job whose lease holder raises and clears it (issue #69): a column
-- of `alert_kinds`, filled by the register's role from the code with the word
-- (`store::words`, `AlertKind::raised_by`), read by the guard below. A new kind of alert is a
-- row, no longer a rewrite of the guard (030, 032 and 033 each rewrote it for one kind).
-- Billing has a job of its own now (`billing`); it raised its alerts under the inbox's job.
-- Every group reads `alert_kinds` (the grants of 015–020 are on every table); only the
-- register's role writes it. The kinds a register already holds get their job here, once.
ALTER TABLE alert_kinds ADD COLUMN job TEXT;
UPDATE alert_kinds SET job = CASE name
    WHEN 'backup_stale' THEN 'backup_alert'
    WHEN 'run_failed' THEN 'run_alert'
    WHEN 'usage_limit' THEN 'usage_collect'
    WHEN 'billing' THEN 'billing' END;

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
    -- The kind's row says which job raises it (filled from the code with the word).
    by_job := (SELECT k.job FROM fabrik.alert_kinds k WHERE k.name OPERATOR(pg_catalog.=) NEW.kind);
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
