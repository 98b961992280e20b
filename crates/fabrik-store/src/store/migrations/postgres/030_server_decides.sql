-- What the server decides, not the login that writes (issue #55, the lower findings). Leases,
-- alerts, a backup's removal and the listing were written as the seat said; an operator's own
-- SQL could steer scheduled work and hide what it should have shown. Now, for everyone but
-- owners (`has_right('owner')`), as the ledger guard of 028 does:
--
-- * a job's lease ends at most 120 seconds after the register's clock (the tick's lease,
--   `store::schedule::JOB_LEASE`, the longest the code takes): nobody holds a job until 2999
--   and keeps every other seat's tick from doing it. A job's last turn is not dated ahead (the
--   sweep would never be due again), and a live lease stays its login's until it ends. The
--   login holding a lease (`lease_person`) is the server's to write;
-- * an alert's episode is raised and cleared only by the login that holds the alert's job (its
--   live lease): an alert is named once per episode, so a row inserted ahead of time meant
--   "the email went" and the real one was never sent. The tick raises the episode under that
--   lease after it sent the email; who and when are stamped by the server for everyone. (A
--   login holding the lease can still raise an episode it did not mail: the server cannot see
--   an email go. It then holds the job, which every seat sees, stamped with its login, for at
--   most two minutes at a time.)
-- * a backup is marked removed once, by the login that took it (its file is on that login's
--   seat, and only that seat's retention deletes it), at the server's clock;
-- * the listing is written by its triggers alone, as the register's role: no login writes it
--   directly (an operator's DELETE made a customer leave every seat's list; src/store/rights.rs
--   grants nobody a write on it any more).
--
-- And the setup proof's test customer is marked in the register (`customers.is_proof`), set
-- only on a customer that never ran: the proof's "Prova igen" tears down the customer its
-- seat's `setup.proof` names, and a real customer's slug written there now proves nothing.

ALTER TABLE scheduled_jobs ADD COLUMN lease_person TEXT;

CREATE FUNCTION scheduled_jobs_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
DECLARE
    server_now TIMESTAMPTZ := pg_catalog.clock_timestamp();
    leased     BOOLEAN;
BEGIN
    IF TG_OP = 'INSERT' THEN
        leased := NEW.lease_holder IS NOT NULL OR NEW.lease_until IS NOT NULL;
    ELSE
        leased := NEW.lease_holder IS DISTINCT FROM OLD.lease_holder
                  OR NEW.lease_until IS DISTINCT FROM OLD.lease_until;
    END IF;
    IF leased THEN
        NEW.lease_person := CASE WHEN NEW.lease_holder IS NULL THEN NULL ELSE (session_user)::text END;
    ELSIF TG_OP = 'UPDATE' THEN
        NEW.lease_person := OLD.lease_person;
    ELSE
        NEW.lease_person := NULL;
    END IF;
    IF fabrik.has_right('owner') THEN
        RETURN NEW;
    END IF;
    IF leased AND NEW.lease_until IS NOT NULL
       AND NEW.lease_until::timestamptz OPERATOR(pg_catalog.>) (server_now OPERATOR(pg_catalog.+) interval '120 seconds') THEN
        RAISE EXCEPTION 'permission denied: a lease of job % ends within 120 seconds of the register''s clock, not at %',
            NEW.job, NEW.lease_until USING ERRCODE = '42501';
    END IF;
    IF TG_OP = 'UPDATE' AND leased AND OLD.lease_person IS NOT NULL
       AND OLD.lease_person OPERATOR(pg_catalog.<>) (session_user)::text
       AND OLD.lease_until::timestamptz OPERATOR(pg_catalog.>) server_now THEN
        RAISE EXCEPTION 'permission denied: job % is held by % until %', OLD.job, OLD.lease_person, OLD.lease_until
            USING ERRCODE = '42501';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.last_started_at IS NOT DISTINCT FROM OLD.last_started_at
           AND NEW.last_finished_at IS NOT DISTINCT FROM OLD.last_finished_at THEN
            RETURN NEW;
        END IF;
    END IF;
    IF NEW.last_started_at::timestamptz OPERATOR(pg_catalog.>) server_now
       OR NEW.last_finished_at::timestamptz OPERATOR(pg_catalog.>) server_now THEN
        RAISE EXCEPTION 'permission denied: job %''s last turn is not dated after the register''s clock', NEW.job
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER scheduled_jobs_guard BEFORE INSERT OR UPDATE ON scheduled_jobs
    FOR EACH ROW EXECUTE FUNCTION scheduled_jobs_guard();

CREATE FUNCTION alerts_guard() RETURNS trigger
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
    by_job := CASE NEW.kind WHEN 'backup_stale' THEN 'backup_alert' WHEN 'run_failed' THEN 'run_alert' END;
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
CREATE TRIGGER alerts_guard BEFORE INSERT OR UPDATE ON alerts
    FOR EACH ROW EXECUTE FUNCTION alerts_guard();

CREATE FUNCTION backups_removed_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
BEGIN
    IF NEW.removed_at IS NOT DISTINCT FROM OLD.removed_at THEN
        RETURN NEW;
    END IF;
    IF NOT fabrik.has_right('owner') THEN
        IF OLD.person IS DISTINCT FROM (session_user)::text THEN
            RAISE EXCEPTION 'permission denied: backup % was taken by %; only that login''s retention marks it removed',
                OLD.id, OLD.person USING ERRCODE = '42501';
        END IF;
        IF OLD.removed_at IS NOT NULL OR NEW.removed_at IS NULL THEN
            RAISE EXCEPTION 'permission denied: backup % is marked removed once, and stays so', OLD.id
                USING ERRCODE = '42501';
        END IF;
    END IF;
    IF NEW.removed_at IS NOT NULL THEN
        NEW.removed_at := pg_catalog.to_char(pg_catalog.clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER backups_removed_guard BEFORE UPDATE ON backups
    FOR EACH ROW EXECUTE FUNCTION backups_removed_guard();

-- The listing's triggers (013) write it as the register's role; their search path is
-- `fabrik, pg_temp` since 020, so nothing of the writer's session steers them.
ALTER FUNCTION listing_customer_added() SECURITY DEFINER;
ALTER FUNCTION listing_customer_changed() SECURITY DEFINER;
ALTER FUNCTION listing_customer_removed() SECURITY DEFINER;
ALTER FUNCTION listing_instance_status() SECURITY DEFINER;
ALTER FUNCTION listing_instance_removed() SECURITY DEFINER;

ALTER TABLE customers ADD COLUMN is_proof BOOLEAN NOT NULL DEFAULT false;

CREATE FUNCTION customers_proof_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
BEGIN
    IF NEW.is_proof AND NOT OLD.is_proof
       AND EXISTS (SELECT 1 FROM fabrik.runs r WHERE r.customer_id OPERATOR(pg_catalog.=) OLD.id) THEN
        RAISE EXCEPTION 'permission denied: customer % has runs; the setup proof''s test customer is one it has just made',
            OLD.slug USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER customers_proof_guard BEFORE UPDATE OF is_proof ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_proof_guard();
