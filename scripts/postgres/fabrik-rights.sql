-- The register's three groups, for a login per person (issue #29):
--
--   <role>_viewer    reads the register
--   <role>_operator  also adds and edits customers, provisions and runs day two
--   <role>_owner     also tears down, changes the register's settings and adds and removes people
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v role=fabrik_app -f scripts/postgres/fabrik-rights.sql
--
-- fabrik-role.sql runs it for a new register. For a register made before the groups existed, run
-- it once as the same administrator; the next time Fabrik connects as <role> it grants the groups
-- their rights (declared in crates/fabrik-store/src/store/rights.rs).
--
-- The groups are NOLOGIN: nobody connects as a group. Each includes the one below it, so an
-- owner is also an operator and a viewer. Their names carry the register's role, since roles
-- belong to the whole cluster and one cluster may hold more than one register.

\set ON_ERROR_STOP on
\set viewer :role '_viewer'
\set operator :role '_operator'
\set owner :role '_owner'

CREATE ROLE :"viewer" NOLOGIN;
CREATE ROLE :"operator" NOLOGIN IN ROLE :"viewer";
CREATE ROLE :"owner" NOLOGIN IN ROLE :"operator";
GRANT CONNECT ON DATABASE :"DBNAME" TO :"viewer";

-- People from the window (Inställningar → Personer): an owner adds and removes logins through
-- two functions that run as <role>_people, a NOLOGIN role that may create roles. Nobody logs in
-- as it, and only the owners' group (and the register's role) may call the functions, whose
-- bodies allow nothing but a login in one of the three groups, and the removal of such a login.
-- The password arrives as its SCRAM verifier, never in clear (nor in a server's log). Both
-- search `pg_catalog, pg_temp` and name the catalogs in full: a caller's temporary table named
-- like a catalog must not decide which role is created or dropped (issue #45).
\set people :role '_people'
CREATE ROLE :"people" NOLOGIN CREATEROLE;
GRANT :"viewer", :"operator", :"owner" TO :"people" WITH ADMIN OPTION;

-- Making functions owned by <role>_people in the register's schema: as in fabrik-role.sql, the
-- administrator takes the memberships for these statements only.
GRANT :"role" TO CURRENT_USER;
GRANT :"people" TO CURRENT_USER;
GRANT USAGE, CREATE ON SCHEMA fabrik TO :"people";
SET ROLE :"people";

CREATE FUNCTION fabrik.add_person(person TEXT, right_name TEXT, verifier TEXT) RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    register TEXT := (SELECT r.rolname FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
                       WHERE n.nspname = 'fabrik');
BEGIN
    IF right_name NOT IN ('viewer', 'operator', 'owner') THEN
        RAISE EXCEPTION 'unknown right %', right_name USING ERRCODE = '22023';
    END IF;
    IF person !~ '^[a-z][a-z0-9_.-]{0,39}$' OR person LIKE register || '%' THEN
        RAISE EXCEPTION 'not a name for a person: %', person USING ERRCODE = '22023';
    END IF;
    IF verifier !~ '^SCRAM-SHA-256\$' THEN
        RAISE EXCEPTION 'the password must arrive as a SCRAM verifier' USING ERRCODE = '22023';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT IN ROLE %I',
                   person, verifier, register || '_' || right_name);
    EXECUTE format('ALTER ROLE %I SET search_path = fabrik', person);
END
$$;

CREATE FUNCTION fabrik.remove_person(person TEXT) RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    register TEXT := (SELECT r.rolname FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
                       WHERE n.nspname = 'fabrik');
BEGIN
    -- Only a login in one of this register's groups, and never the caller's own: an owner
    -- cannot lock the last owner out by a slip.
    IF person = session_user OR NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_auth_members a
          JOIN pg_catalog.pg_roles m ON m.oid = a.member JOIN pg_catalog.pg_roles g ON g.oid = a.roleid
         WHERE m.rolname = person AND m.rolcanlogin
           AND g.rolname IN (register || '_viewer', register || '_operator', register || '_owner'))
    THEN
        RAISE EXCEPTION 'not a person of this register: %', person USING ERRCODE = '22023';
    END IF;
    EXECUTE format('DROP ROLE %I', person);
END
$$;

REVOKE EXECUTE ON FUNCTION fabrik.add_person(TEXT, TEXT, TEXT), fabrik.remove_person(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fabrik.add_person(TEXT, TEXT, TEXT), fabrik.remove_person(TEXT)
    TO :"owner", :"role";
RESET ROLE;
REVOKE CREATE ON SCHEMA fabrik FROM :"people";
REVOKE :"people" FROM CURRENT_USER;
REVOKE :"role" FROM CURRENT_USER;
