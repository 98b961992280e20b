-- The register's three groups, for a login per person (issue #29):
--
--   <role>_viewer    reads the register
--   <role>_operator  also adds and edits customers, provisions and runs day two
--   <role>_owner     also tears down and changes the register's settings
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v role=fabrik_app -f scripts/postgres/fabrik-rights.sql
--
-- fabrik-role.sql runs it for a new register. For a register made before the groups existed, run
-- it once as the same administrator; the next time Fabrik connects as <role> it grants the groups
-- their rights (the function fabrik.grant_rights(), migration 015).
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
