-- The register no login can steer, the rest of the class (issue #67). 028 and 030 closed the
-- ledger, leases, alerts and backups; what a review found still writable by an operator's own
-- SQL is closed here the same way (a guard the database runs, owners excepted where an owner
-- has the right anyway), with who and when stamped by the server:
--
-- * a handover's parts are marked taken once each, at the register's clock, while it is open:
--   never cleared (runs reopened on what the customer now owns), never set ahead of the parts
--   (every run refused for a customer still the agency's);
-- * who settled a billing decision, and when, is the login that did and the register's time,
--   for everyone; a non-owner settles only a waiting one, and never writes one as settled by
--   someone else (`decided_by = 'owner'` on an insert);
-- * a customer's uid is its identity on every resource (markers, run marks) and never changes;
--   no customer is written new as the setup proof's (the proof marks the one it has just made,
--   030's `customers_proof_guard`);
-- * a request's organization, once known, stays: the portal's answer (URLs, state) goes back to
--   the organization that asked.

CREATE FUNCTION handovers_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
DECLARE
    stamp TEXT := pg_catalog.to_char(pg_catalog.clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
BEGIN
    IF fabrik.has_right('owner') THEN
        RETURN NEW;
    END IF;
    IF (OLD.supabase_claimed_at IS NOT NULL AND NEW.supabase_claimed_at IS DISTINCT FROM OLD.supabase_claimed_at)
       OR (OLD.vercel_accepted_at IS NOT NULL AND NEW.vercel_accepted_at IS DISTINCT FROM OLD.vercel_accepted_at)
       OR (OLD.github_accepted_at IS NOT NULL AND NEW.github_accepted_at IS DISTINCT FROM OLD.github_accepted_at)
       OR (OLD.handed_over_at IS NOT NULL AND NEW.handed_over_at IS DISTINCT FROM OLD.handed_over_at) THEN
        RAISE EXCEPTION 'permission denied: handover % is marked taken once, part by part, and stays so', OLD.id
            USING ERRCODE = '42501';
    END IF;
    IF OLD.withdrawn_at IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied: handover % was withdrawn', OLD.id USING ERRCODE = '42501';
    END IF;
    IF OLD.supabase_claimed_at IS NULL AND NEW.supabase_claimed_at IS NOT NULL THEN
        NEW.supabase_claimed_at := stamp;
    END IF;
    IF OLD.vercel_accepted_at IS NULL AND NEW.vercel_accepted_at IS NOT NULL THEN
        NEW.vercel_accepted_at := stamp;
    END IF;
    IF OLD.github_accepted_at IS NULL AND NEW.github_accepted_at IS NOT NULL THEN
        NEW.github_accepted_at := stamp;
    END IF;
    IF OLD.handed_over_at IS NULL AND NEW.handed_over_at IS NOT NULL THEN
        IF NEW.supabase_claimed_at IS NULL OR NEW.vercel_accepted_at IS NULL OR NEW.github_accepted_at IS NULL THEN
            RAISE EXCEPTION 'permission denied: handover % is done when the customer has taken all three parts', OLD.id
                USING ERRCODE = '42501';
        END IF;
        NEW.handed_over_at := stamp;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER handovers_guard BEFORE UPDATE ON handovers
    FOR EACH ROW EXECUTE FUNCTION handovers_guard();

CREATE FUNCTION billing_decisions_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
DECLARE
    stamp TEXT := pg_catalog.to_char(pg_catalog.clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state OPERATOR(pg_catalog.=) 'waiting' THEN
            NEW.decided_at := NULL;
            NEW.decided_by := NULL;
        ELSE
            NEW.decided_at := stamp;
            NEW.decided_by := (session_user)::text;
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.state IS NOT DISTINCT FROM OLD.state THEN
        NEW.decided_at := OLD.decided_at;
        NEW.decided_by := OLD.decided_by;
        RETURN NEW;
    END IF;
    IF OLD.state OPERATOR(pg_catalog.<>) 'waiting' AND NOT fabrik.has_right('owner') THEN
        RAISE EXCEPTION 'permission denied: billing decision % was settled (%); it stays so', OLD.id, OLD.state
            USING ERRCODE = '42501';
    END IF;
    NEW.decided_at := stamp;
    NEW.decided_by := (session_user)::text;
    RETURN NEW;
END
$$;
CREATE TRIGGER billing_decisions_guard BEFORE INSERT OR UPDATE ON billing_decisions
    FOR EACH ROW EXECUTE FUNCTION billing_decisions_guard();

CREATE FUNCTION customers_identity_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.is_proof THEN
            RAISE EXCEPTION 'permission denied: customer % is not written new as the setup proof''s; the proof marks the customer it has just made',
                NEW.slug USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.uid IS NOT NULL AND NEW.uid IS DISTINCT FROM OLD.uid THEN
        RAISE EXCEPTION 'permission denied: customer %''s uid names it on every resource and never changes', OLD.slug
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER customers_identity_guard BEFORE INSERT OR UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_identity_guard();

CREATE FUNCTION intake_organization_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
BEGIN
    IF OLD.organization_id IS NOT NULL AND NEW.organization_id IS DISTINCT FROM OLD.organization_id
       AND NOT fabrik.has_right('owner') THEN
        RAISE EXCEPTION 'permission denied: request % came from organization %; the portal''s answer goes back there',
            OLD.id, OLD.organization_id USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER intake_organization_guard BEFORE UPDATE OF organization_id ON intake
    FOR EACH ROW EXECUTE FUNCTION intake_organization_guard();
