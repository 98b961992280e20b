-- Rights that a temporary table cannot forge (issue #45). A function's `SET search_path =
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

-- Every other function of the schema (the triggers', grant_rights, seat_setting) keeps its
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
