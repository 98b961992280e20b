-- Rights that hold at the database (issue #45): a temporary table forges none, and the record of
-- a delivered instance is the owners' alone to remove.
--
-- 1. Search paths. A function's `SET search_path =
-- fabrik` still searches the caller's temporary schema first, before pg_catalog: an operator who
-- made `temp table pg_namespace` with a row naming themselves as the schema's owner got
-- `has_right('owner') = t`, and with it teardown runs and owner-only settings. Every function
-- of the register now searches `fabrik, pg_temp` (the temporary schema last, so nothing there
-- shadows a table or a catalog), and the two that decide rights name the catalogs in full.

CREATE OR REPLACE FUNCTION register_group(kind TEXT) RETURNS TEXT
    LANGUAGE sql STABLE SET search_path = fabrik, pg_temp AS $$
    SELECT r.rolname OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) kind
      FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
     WHERE n.nspname OPERATOR(pg_catalog.=) 'fabrik'
$$;

CREATE OR REPLACE FUNCTION has_right(kind TEXT) RETURNS BOOLEAN
    LANGUAGE sql STABLE SET search_path = fabrik, pg_temp AS $$
    SELECT pg_catalog.pg_has_role(current_user, n.nspowner, 'MEMBER')
           OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles g
                       WHERE g.rolname OPERATOR(pg_catalog.=) fabrik.register_group(kind)
                         AND pg_catalog.pg_has_role(current_user, g.oid, 'MEMBER'))
      FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) 'fabrik'
$$;

-- 2. The ledger is the root of every ownership proof: once a delivered instance's customer,
-- instance record, adoptions or steps are erased, no teardown can find or prove its resources.
-- Operators deleted them directly before (DELETE was granted on customers, instances, adoptions
-- and run_steps). Now the instance record and the steps are never deleted by an operator (the
-- app never does; a customer's removal cascades as the tables' owner), and a customer with runs,
-- or its adoptions, is deleted or given another slug or marker only by an owner. A customer
-- without runs is still an operator's to remove, with the adoptions allowed ahead of a run.
CREATE FUNCTION ledger_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
DECLARE
    -- The customer's id: `id` of customers, `customer_id` of adoptions (the trigger's argument).
    customer BIGINT := (pg_catalog.to_jsonb(OLD) OPERATOR(pg_catalog.->>) TG_ARGV[0])::BIGINT;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.slug IS NOT DISTINCT FROM OLD.slug AND NEW.uid IS NOT DISTINCT FROM OLD.uid THEN
            RETURN NEW;
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM fabrik.runs r WHERE r.customer_id = customer)
       AND NOT fabrik.has_right('owner') THEN
        RAISE EXCEPTION 'permission denied: % of % % keeps the record of what Fabrik made (an owner''s right)',
            pg_catalog.lower(TG_OP), TG_TABLE_NAME, customer USING ERRCODE = '42501';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER customers_ledger_guard BEFORE DELETE OR UPDATE OF slug, uid ON customers
    FOR EACH ROW EXECUTE FUNCTION ledger_guard('id');
CREATE TRIGGER adoptions_ledger_guard BEFORE DELETE ON adoptions
    FOR EACH ROW EXECUTE FUNCTION ledger_guard('customer_id');

CREATE OR REPLACE FUNCTION grant_rights(force BOOLEAN) RETURNS VOID
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
DECLARE
    viewer   TEXT := register_group('viewer');
    operator TEXT := register_group('operator');
    owner    TEXT := register_group('owner');
BEGIN
    IF to_regrole(viewer) IS NULL OR to_regrole(operator) IS NULL OR to_regrole(owner) IS NULL THEN
        RETURN;
    END IF;
    IF NOT force AND has_schema_privilege(viewer, 'fabrik', 'USAGE') THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA fabrik TO %I', viewer);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA fabrik TO %I', viewer);
    EXECUTE format('GRANT EXECUTE ON FUNCTION register_group(TEXT), has_right(TEXT), seat_setting(TEXT) TO %I',
                   viewer);
    -- Customers and their instances, and the steps a run writes as it goes (the listing is
    -- kept by triggers that run as the writer). Deleting the record of what Fabrik made is the
    -- owners' (ledger_guard above, and no DELETE on instances or run_steps).
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON customers, health_checks, listing, adoptions TO %I', operator);
    EXECUTE format('GRANT INSERT, UPDATE ON instances, run_steps TO %I', operator);
    EXECUTE format('REVOKE DELETE ON instances, run_steps FROM %I', operator);
    EXECUTE format('GRANT DELETE ON instances, run_steps TO %I', owner);
    -- A run and a log line are written with every column but `person`, which the server fills
    -- from the login: nobody writes a run or a line in another's name. The log is only added to.
    EXECUTE format('GRANT INSERT (customer_id, kind, state, environment, started_at, owner_pid,
                        heartbeat_at, driver, input, started_by, seat) ON runs TO %I', operator);
    EXECUTE format('GRANT INSERT (run_id, step, at, level, message, attempt, duration_ms,
                        request_id, message_en) ON run_log TO %I', operator);
    -- Not `kind`: an operator could otherwise turn a run into a teardown after the policy let
    -- it in; nor who started it.
    EXECUTE format('GRANT UPDATE (state, error, error_en, failed_step, finished_at, owner_pid,
                        heartbeat_at, cancel_rollback, driver, seat) ON runs TO %I', operator);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA fabrik TO %I', operator);
    -- The settings' policies above say which keys.
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON settings TO %I', operator);
    -- Backups, roll-outs and their members are written by the runs an operator starts.
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON backups, rollouts, rollout_members, template_prs,
                        workflow_backups TO %I', operator);
END
$$;
SELECT grant_rights(true);

-- 3. Every other function of the schema (the triggers', grant_rights, seat_setting) keeps its
-- body and gets the same path.
DO $$
DECLARE
    f REGPROCEDURE;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
               JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = 'fabrik' AND p.proowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = fabrik, pg_temp', f);
    END LOOP;
END
$$;
