//! The schema's second half in a backup, run after the rows are in: what would slow or reject
//! the load (constraints with their foreign keys, indexes, triggers), and who may see what
//! (row-level security, policies, grants), publications and comments.

use super::{not_extension, rel, API_ROLES, API_ROLE_NAMES, CUSTOMER_SCHEMA};

/// Keys first (a foreign key needs the key it references), then checks, then foreign keys.
pub(super) fn constraints() -> String {
    format!(
        "SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid)) AS s
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid, pg_namespace n
          WHERE k.contype IN ('p', 'u', 'x', 'c', 'f') AND k.conparentid = 0 AND {}
          ORDER BY CASE k.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'c' THEN 3 ELSE 4 END,
                   n.nspname, c.relname, k.conname",
        rel("c")
    )
}

pub(super) fn indexes() -> String {
    format!(
        "SELECT pg_get_indexdef(i.indexrelid) || ';' AS s
           FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid, pg_namespace n
          WHERE {} AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
          ORDER BY n.nspname, c.relname, i.indexrelid",
        rel("c")
    )
}

/// Triggers on the customer's tables, and those elsewhere (`auth.users`) that call the
/// customer's functions: dropping the function on restore drops them too.
pub(super) fn triggers() -> String {
    format!(
        "SELECT pg_get_triggerdef(g.oid) || ';' AS s
           FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_proc p ON p.oid = g.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
          WHERE NOT g.tgisinternal AND g.tgparentid = 0
            AND (({CUSTOMER_SCHEMA} AND {ext}) OR {fn_customer})
          ORDER BY n.nspname, c.relname, g.tgname",
        ext = not_extension("pg_class", "c.oid"),
        fn_customer = CUSTOMER_SCHEMA.replace("n.", "pn."),
    )
}

pub(super) fn rls() -> String {
    format!(
        "SELECT s FROM (
            SELECT n.nspname AS a, c.relname AS b, 0 AS o, format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY;', n.nspname, c.relname) AS s
              FROM pg_class c, pg_namespace n WHERE c.relrowsecurity AND {r}
            UNION ALL
            SELECT n.nspname, c.relname, 1, format('ALTER TABLE %I.%I FORCE ROW LEVEL SECURITY;', n.nspname, c.relname)
              FROM pg_class c, pg_namespace n WHERE c.relforcerowsecurity AND {r}
        ) x ORDER BY a, b, o",
        r = rel("c")
    )
}

/// Policies on the customer's tables, and those elsewhere (`storage.objects`) that depend on
/// the customer's tables or functions (a restore's drop takes them with it).
pub(super) fn policies() -> String {
    format!(
        "SELECT format('CREATE POLICY %I ON %I.%I AS %s FOR %s TO %s%s%s;', p.polname, n.nspname, c.relname,
                CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                CASE WHEN p.polroles = '{{0}}' THEN 'PUBLIC'
                     ELSE (SELECT string_agg(quote_ident(r.rolname), ', ' ORDER BY r.rolname) FROM pg_roles r WHERE r.oid = ANY (p.polroles)) END,
                ' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')',
                ' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')') AS s
           FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE ({CUSTOMER_SCHEMA} AND {ext})
             OR EXISTS (SELECT 1 FROM pg_depend d
                  LEFT JOIN pg_proc dp ON d.refclassid = 'pg_proc'::regclass AND dp.oid = d.refobjid
                  LEFT JOIN pg_class dc ON d.refclassid = 'pg_class'::regclass AND dc.oid = d.refobjid
                  JOIN pg_namespace n ON n.oid = coalesce(dp.pronamespace, dc.relnamespace)
                 WHERE d.classid = 'pg_policy'::regclass AND d.objid = p.oid AND {CUSTOMER_SCHEMA})
          ORDER BY n.nspname, c.relname, p.polname",
        ext = not_extension("pg_class", "c.oid"),
    )
}

/// What the API roles (and PUBLIC) may do with each table, view and sequence: revoked first,
/// so the restored grants are exactly the backed-up ones, whatever default privileges add.
pub(super) fn grants() -> String {
    format!(
        "SELECT s FROM (
            SELECT c.oid AS o, 0 AS k, format('REVOKE ALL ON %s %I.%I FROM PUBLIC, {API_ROLE_NAMES};',
                   CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname) AS s
              FROM pg_class c, pg_namespace n WHERE c.relkind IN ('r', 'v', 'm', 'S') AND c.relacl IS NOT NULL AND {r}
            UNION ALL
            SELECT c.oid, 1, format('GRANT %s ON %s %I.%I TO %s;', string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type),
                   CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname,
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(min(ro.rolname)) END)
              FROM pg_class c, pg_namespace n, aclexplode(c.relacl) a LEFT JOIN pg_roles ro ON ro.oid = a.grantee
             WHERE c.relkind IN ('r', 'v', 'm', 'S') AND {r} AND (a.grantee = 0 OR ro.rolname IN ({API_ROLES}))
             GROUP BY c.oid, c.relkind, n.nspname, c.relname, a.grantee
        ) x ORDER BY o, k, s",
        r = rel("c")
    )
}

/// A table in a publication (Supabase's `supabase_realtime`) joins it again, where the
/// publication exists (a plain PostgreSQL has none).
pub(super) fn publications() -> String {
    format!(
        "SELECT format('DO $fabrik$ BEGIN IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = %L) THEN ALTER PUBLICATION %I ADD TABLE %I.%I; END IF; END $fabrik$;',
                p.pubname, p.pubname, n.nspname, c.relname) AS s
           FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
           JOIN pg_class c ON c.oid = pr.prrelid, pg_namespace n
          WHERE {}
          ORDER BY p.pubname, n.nspname, c.relname",
        rel("c")
    )
}

/// Comments on the customer's schemas, tables, views, columns and functions (pg_graphql and
/// PostgREST read some of them as directives).
pub(super) fn comments() -> String {
    format!(
        "SELECT s FROM (
            SELECT 0 AS o, format('COMMENT ON SCHEMA %I IS %L;', n.nspname, d.description) AS s
              FROM pg_description d JOIN pg_namespace n ON d.classoid = 'pg_namespace'::regclass AND n.oid = d.objoid
             WHERE {CUSTOMER_SCHEMA}
            UNION ALL
            SELECT 1, CASE WHEN d.objsubid = 0
                   THEN format('COMMENT ON %s %I.%I IS %L;', CASE c.relkind WHEN 'v' THEN 'VIEW'
                        WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, n.nspname, c.relname, d.description)
                   ELSE format('COMMENT ON COLUMN %I.%I.%I IS %L;', n.nspname, c.relname, a.attname, d.description) END
              FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
              LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid, pg_namespace n
             WHERE c.relkind IN ('r', 'v', 'm') AND {r}
            UNION ALL
            SELECT 2, format('COMMENT ON %s %s IS %L;', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                   p.oid::regprocedure, d.description)
              FROM pg_description d JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND p.oid = d.objoid
              JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE p.prokind IN ('f', 'p') AND {CUSTOMER_SCHEMA} AND {ext}
        ) x ORDER BY o, s",
        r = rel("c"),
        ext = not_extension("pg_proc", "p.oid"),
    )
}
