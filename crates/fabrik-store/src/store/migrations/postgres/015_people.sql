-- A login per person, with rights the database enforces (issue #29). The same columns as
-- ../015_people.sql, here filled by the server from the login, so no client can claim another.
ALTER TABLE runs ADD COLUMN person TEXT DEFAULT session_user;
ALTER TABLE run_log ADD COLUMN person TEXT DEFAULT session_user;

-- The register's groups are named after the role that owns the schema (fabrik-rights.sql):
-- roles belong to the whole cluster, which may hold more than one register.
CREATE FUNCTION register_group(kind TEXT) RETURNS TEXT
    LANGUAGE sql STABLE SET search_path = fabrik AS $$
    SELECT r.rolname || '_' || kind
      FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
     WHERE n.nspname = 'fabrik'
$$;

-- Whether the current login holds a right: the schema's owner holds every one.
CREATE FUNCTION has_right(kind TEXT) RETURNS BOOLEAN
    LANGUAGE sql STABLE SET search_path = fabrik AS $$
    SELECT pg_has_role(current_user, n.nspowner, 'MEMBER')
           OR EXISTS (SELECT 1 FROM pg_roles g
                       WHERE g.rolname = register_group(kind)
                         AND pg_has_role(current_user, g.oid, 'MEMBER'))
      FROM pg_namespace n WHERE n.nspname = 'fabrik'
$$;

-- A teardown is the owners' (the policy), every other run an operator's (the grants below).
-- The schema's owner owns the table and so is not held by these policies: a register used by
-- the one role of before keeps working as it did.
ALTER TABLE runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY runs_read ON runs FOR SELECT USING (true);
CREATE POLICY runs_start ON runs FOR INSERT WITH CHECK (kind <> 'teardown' OR has_right('owner'));
CREATE POLICY runs_drive ON runs FOR UPDATE USING (true);

-- The register's settings are the owners'; an operator still writes what a seat's own work
-- leaves there: the answer of a token check (`credentials.…`) and the window's language.
CREATE FUNCTION seat_setting(key TEXT) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE AS $$ SELECT key LIKE 'credentials.%' OR key = 'ui.language' $$;
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY settings_read ON settings FOR SELECT USING (true);
CREATE POLICY settings_add ON settings FOR INSERT WITH CHECK (seat_setting(key) OR has_right('owner'));
CREATE POLICY settings_change ON settings FOR UPDATE USING (seat_setting(key) OR has_right('owner'));
CREATE POLICY settings_remove ON settings FOR DELETE USING (seat_setting(key) OR has_right('owner'));

-- The groups' rights. Idempotent; `force` = false returns at once once the viewer group can use
-- the schema, so Fabrik may call it on every connection of the schema's owner (groups made after
-- this migration get their rights then). A later migration that adds a table calls it with true.
CREATE FUNCTION grant_rights(force BOOLEAN) RETURNS VOID
    LANGUAGE plpgsql SET search_path = fabrik AS $$
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
    -- kept by triggers that run as the writer).
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON customers, instances, health_checks, listing,
                        adoptions, run_steps TO %I', operator);
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
END
$$;
SELECT grant_rights(true);
