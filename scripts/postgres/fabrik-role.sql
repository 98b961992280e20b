-- The least-privilege role Fabrik connects as, and the schema its register lives in.
--
--   FABRIK_PASSWORD='…' psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v role=fabrik_app \
--        -f scripts/postgres/fabrik-role.sql
--
-- Variables:  role      the login role to create (e.g. fabrik_app)
--             password  its password (quoted as a literal here, so any characters are fine);
--                       read from the environment's FABRIK_PASSWORD when not given with -v, so
--                       it need not stand on a command line
--
-- Run it once per database, as a user that may create roles: a real superuser, or Supabase's
-- `postgres` (CREATEROLE, owner of the database, not a superuser). Nothing here needs more. It
-- makes:
--   * a LOGIN role with NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT: it can create nothing
--     outside its own schema (PostgreSQL 15 gives PUBLIC no CREATE on `public`), and inherits
--     nothing from any role it might later be granted;
--   * the schema `fabrik`, owned by that role, so Fabrik's migrations create their tables in it;
--   * the role's default search_path = fabrik, so unqualified names mean Fabrik's tables;
--   * CONNECT on the current database;
--   * the register's three groups (fabrik-rights.sql): <role>_viewer, <role>_operator and
--     <role>_owner. Each person then logs in as a role of their own in one group
--     (fabrik-person.sql); Fabrik's migrations give the groups their rights.
-- It revokes nothing and changes no object it does not create. Fabrik then runs
-- crates/fabrik-store/src/store/migrations/postgres/*.sql as this role.
--
-- Supabase: connect on port 5432 (the direct connection or the session pooler), not through the
-- transaction pooler on 6543: Fabrik LISTENs for `fabrik_changes`, which needs a session.

\set ON_ERROR_STOP on
\if :{?password}
\else
\getenv password FABRIK_PASSWORD
\endif
\if :{?password}
\else
DO $$ BEGIN RAISE EXCEPTION 'no password: set FABRIK_PASSWORD'; END $$;
\endif

CREATE ROLE :"role" LOGIN PASSWORD :'password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;

-- CREATE SCHEMA ... AUTHORIZATION needs the creating user to be a member of the new owner. A
-- superuser is; a CREATEROLE user (Supabase's `postgres`) is not, so it takes the membership for
-- this one statement and gives it back.
GRANT :"role" TO CURRENT_USER;
CREATE SCHEMA fabrik AUTHORIZATION :"role";
REVOKE :"role" FROM CURRENT_USER;

ALTER ROLE :"role" SET search_path = fabrik;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"role";

\ir fabrik-rights.sql

-- Optional: the import of customers from the agency's portal reads `public.organizations`.
-- Uncomment when the portal's table is in this database. Row-level security (on by default for
-- Supabase tables made in the dashboard) hides every row from a role no policy names, and this
-- role cannot bypass RLS, so a read-only policy for it comes with the grant. Run as the table's
-- owner (Supabase: `postgres`).
--
-- GRANT USAGE ON SCHEMA public TO :"role";
-- GRANT SELECT ON public.organizations TO :"role";
-- CREATE POLICY fabrik_import_read ON public.organizations FOR SELECT TO :"role" USING (true);
