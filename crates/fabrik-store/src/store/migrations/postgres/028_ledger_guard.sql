-- The ledger cannot be steered (issue #55). The ledger is what every ownership proof and every
-- later step starts from: a run's state says whether what it made was delivered, and a step's
-- `external_id` and output say which resource a later step acts on. An operator's own login
-- could rewrite both: `UPDATE runs SET state = 'rolling_back'` on an owner's succeeded
-- provisioning run (the policy on `runs` lets every update through) was the rollback of a
-- delivered instance without a person's consent, and `UPDATE run_steps SET external_id = …`
-- re-pointed a delivered step at another resource (the next day-two step then acted on it).
-- Now, for everyone but owners:
--
-- * a run that ended as `succeeded` or `rolled_back` keeps its state (what a succeeded run
--   delivered goes only by a teardown, an owner's run), and no run is written new as finished
--   (a forged delivery for a later teardown to read its targets from);
-- * a run of a kind only owners may start (teardown, restore, recovery) is moved only by owners;
-- * a step's identity (`intent`, `external_id`, `created`, `output`) is written only while a
--   driver works on it (the step pending or under way, in an active run) and never after; a
--   step of a run that is not active keeps its state;
-- * an adoption is allowed by an owner only: a non-owner writes a refusal, and turns an allowed
--   row into an adopted one (the run that marks it), nothing else.

CREATE FUNCTION runs_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
BEGIN
    IF fabrik.has_right('owner') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.state IN ('succeeded', 'rolled_back') THEN
            RAISE EXCEPTION 'permission denied: a run is not recorded as % (a finished run is the ledger''s own record)', NEW.state
                USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.state IS NOT DISTINCT FROM OLD.state THEN
        RETURN NEW;
    END IF;
    IF OLD.state IN ('succeeded', 'rolled_back') THEN
        RAISE EXCEPTION 'permission denied: run % ended as %; only an owner changes a finished run (a delivered instance goes by a teardown)',
            OLD.id, OLD.state USING ERRCODE = '42501';
    END IF;
    IF (SELECT k.owners_only FROM fabrik.run_kinds k WHERE k.name OPERATOR(pg_catalog.=) OLD.kind) THEN
        RAISE EXCEPTION 'permission denied: run % is a % run, an owner''s', OLD.id, OLD.kind
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER runs_guard BEFORE INSERT OR UPDATE ON runs
    FOR EACH ROW EXECUTE FUNCTION runs_guard();

CREATE FUNCTION run_steps_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
DECLARE
    run_state TEXT;
    owners    BOOLEAN;
BEGIN
    IF fabrik.has_right('owner') THEN
        RETURN NEW;
    END IF;
    SELECT r.state, k.owners_only INTO run_state, owners
      FROM fabrik.runs r JOIN fabrik.run_kinds k ON k.name OPERATOR(pg_catalog.=) r.kind
     WHERE r.id OPERATOR(pg_catalog.=) NEW.run_id;
    IF owners THEN
        RAISE EXCEPTION 'permission denied: the steps of run % are an owner''s', NEW.run_id
            USING ERRCODE = '42501';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF run_state IS DISTINCT FROM 'running' OR NEW.state OPERATOR(pg_catalog.<>) 'pending'
           OR NEW.external_id IS NOT NULL OR NEW.intent IS NOT NULL OR NEW.output IS NOT NULL THEN
            RAISE EXCEPTION 'permission denied: a step is recorded pending, empty, in a running run'
                USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.run_id IS DISTINCT FROM OLD.run_id OR NEW.key IS DISTINCT FROM OLD.key THEN
        RAISE EXCEPTION 'permission denied: a step stays the step it was' USING ERRCODE = '42501';
    END IF;
    IF run_state NOT IN ('running', 'cancelling', 'rolling_back') AND
       (NEW.state IS DISTINCT FROM OLD.state OR NEW.attempts IS DISTINCT FROM OLD.attempts) THEN
        RAISE EXCEPTION 'permission denied: run % is %; its steps stay as they ended', NEW.run_id, run_state
            USING ERRCODE = '42501';
    END IF;
    IF (NEW.intent IS DISTINCT FROM OLD.intent OR NEW.external_id IS DISTINCT FROM OLD.external_id
        OR NEW.created IS DISTINCT FROM OLD.created OR NEW.output IS DISTINCT FROM OLD.output)
       AND (run_state NOT IN ('running', 'cancelling')
            OR OLD.state NOT IN ('pending', 'running', 'waiting', 'retrying')) THEN
        RAISE EXCEPTION 'permission denied: step % of run % names its resource once, while it runs',
            OLD.key, OLD.run_id USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER run_steps_guard BEFORE INSERT OR UPDATE ON run_steps
    FOR EACH ROW EXECUTE FUNCTION run_steps_guard();

CREATE FUNCTION adoptions_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
BEGIN
    IF fabrik.has_right('owner') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.state OPERATOR(pg_catalog.<>) 'refused' OR NEW.allowed_at IS NOT NULL
           OR NEW.allowed_by IS NOT NULL OR NEW.adopted_at IS NOT NULL THEN
            RAISE EXCEPTION 'permission denied: an adoption is allowed by an owner' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
    END IF;
    -- A refusal written again (the resource found again, perhaps replaced): back to refused.
    IF NEW.state OPERATOR(pg_catalog.=) 'refused' AND NEW.allowed_at IS NULL AND NEW.allowed_by IS NULL
       AND NEW.adopted_at IS NOT DISTINCT FROM OLD.adopted_at THEN
        RETURN NEW;
    END IF;
    -- The run that marks an allowed resource records it adopted, for the id that was allowed.
    IF OLD.state OPERATOR(pg_catalog.=) 'allowed' AND NEW.state OPERATOR(pg_catalog.=) 'adopted'
       AND NEW.external_id IS NOT DISTINCT FROM OLD.external_id
       AND NEW.allowed_at IS NOT DISTINCT FROM OLD.allowed_at
       AND NEW.allowed_by IS NOT DISTINCT FROM OLD.allowed_by THEN
        RETURN NEW;
    END IF;
    -- The same row written as it was (a refusal of an allowed resource under the same id).
    IF NEW.state IS NOT DISTINCT FROM OLD.state AND NEW.external_id IS NOT DISTINCT FROM OLD.external_id
       AND NEW.allowed_at IS NOT DISTINCT FROM OLD.allowed_at AND NEW.allowed_by IS NOT DISTINCT FROM OLD.allowed_by
       AND NEW.adopted_at IS NOT DISTINCT FROM OLD.adopted_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'permission denied: adopting % is an owner''s to allow', OLD.resource
        USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER adoptions_guard BEFORE INSERT OR UPDATE ON adoptions
    FOR EACH ROW EXECUTE FUNCTION adoptions_guard();

-- A custom domain removed from a delivered site goes through the guarded gate: an owner's, like
-- a teardown (`RunKind::right`). `store::words` writes `owners_only` with a word it adds; the
-- word was there before, so it is said here once.
UPDATE run_kinds SET owners_only = TRUE WHERE name = 'domain_remove';
