-- A login for one person on the shared register, in one of its groups (fabrik-rights.sql):
--
--   FABRIK_PASSWORD='…' psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v register=fabrik_app \
--        -v person=anna -v right=operator -f scripts/postgres/fabrik-person.sql
--
-- Variables:  register  the register's role (fabrik-role.sql's `role`)
--             person    the new login role; Fabrik records it on the runs this person starts
--             right     viewer, operator or owner
--             password  read from the environment's FABRIK_PASSWORD (never a command line);
--                       the person keeps it in their own keyring (`fabrik register password`)
--
-- Run as the administrator who ran fabrik-role.sql. The person inherits the group's rights and
-- nothing else: no superuser, no CREATEDB, no CREATEROLE. To take a person away:
--   DROP ROLE anna;           (or REVOKE fabrik_app_operator FROM anna; to change the right)

\set ON_ERROR_STOP on
\getenv password FABRIK_PASSWORD
\if :{?password}
\else
DO $$ BEGIN RAISE EXCEPTION 'no password: set FABRIK_PASSWORD'; END $$;
\endif
\set group :register '_' :right

CREATE ROLE :"person" LOGIN PASSWORD :'password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT IN ROLE :"group";
ALTER ROLE :"person" SET search_path = fabrik;
