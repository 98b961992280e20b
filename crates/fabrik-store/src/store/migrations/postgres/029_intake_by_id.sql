-- Outside input stays outside (issue #55). The portal is written by ids: a request keeps the
-- portal organization it is linked to by id (the portal request's own `organization_id`, a
-- Stripe checkout's `metadata.organization_id`, which only the agency sets), never one found by
-- a name someone typed. An approval a source made on its own is marked, so that the register
-- counts them against the source's limit a day (24 hours of the server's clock; 3 until the
-- owner says otherwise); `trials` are the prices whose free checkouts (a trial, a 100 % coupon)
-- the owner lets provision on their own.
ALTER TABLE intake ADD COLUMN organization_id TEXT;
ALTER TABLE intake ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1));
CREATE INDEX intake_automatic ON intake (source, decided_at) WHERE automatic = 1;

ALTER TABLE intake_sources ADD COLUMN trials TEXT NOT NULL DEFAULT '[]';
ALTER TABLE intake_sources ADD COLUMN daily_limit INTEGER NOT NULL DEFAULT 3 CHECK (daily_limit >= 0);

-- Who decided about a request, and when, are the server's: the login that made the decision
-- and its clock, whatever the statement says (an operator could write another person's name
-- into `decided_by`, and a decision's time into the past). A change that leaves the state as it
-- is keeps them; a request back to pending, or cancelled before anyone decided, has none. What a
-- request is (where it came from, its name, email, plan, detail and link to an organization)
-- changes only while it is pending: a later event of its source says more of it (operators
-- poll, so they may write these columns), a decided one is as it was decided.
CREATE FUNCTION intake_stamp() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.source := OLD.source;
        NEW.external_id := OLD.external_id;
        IF OLD.state <> 'pending' THEN
            NEW.name := OLD.name;
            NEW.admin_email := OLD.admin_email;
            NEW.plan := OLD.plan;
            NEW.detail := OLD.detail;
            NEW.organization_id := OLD.organization_id;
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.state IS NOT DISTINCT FROM OLD.state THEN
        NEW.decided_by := OLD.decided_by;
        NEW.decided_at := OLD.decided_at;
        NEW.automatic := OLD.automatic;
    ELSIF NEW.state IN ('approved', 'rejected') THEN
        NEW.decided_by := session_user;
        NEW.decided_at := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"');
    ELSE
        NEW.decided_by := NULL;
        NEW.decided_at := NULL;
        NEW.automatic := 0;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER intake_stamp BEFORE INSERT OR UPDATE ON intake
    FOR EACH ROW EXECUTE FUNCTION intake_stamp();
