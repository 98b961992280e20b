//! The schema half of a backup: the database writes its own DDL from the catalogs (`format`,
//! `pg_get_*def`), section by section, in an order that lets the script run top to bottom:
//! what rows need before the data (schemas, types, sequences, bare tables, functions,
//! defaults, views), and what would slow or reject the load after it (constraints with their
//! foreign keys, indexes, triggers, row-level security, policies, grants).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::after_data::{
    comments, constraints, grants, indexes, policies, publications, rls, triggers,
};
use super::{
    column, not_extension, rel, text, BackupError, API_ROLES, API_ROLE_NAMES, CUSTOMER_SCHEMA,
};
use crate::providers::supabase::Supabase;

/// A table whose rows a backup copies.
#[derive(Debug, Clone)]
pub struct Table {
    pub schema: String,
    pub name: String,
    /// The columns that take values (not generated ones), quoted, in the table's order.
    pub columns: Vec<String>,
    /// An identity column `GENERATED ALWAYS`: the insert must say `OVERRIDING SYSTEM VALUE`.
    pub always_identity: bool,
    /// The primary key's columns (quoted) and their types, in the key's order; empty when the
    /// table has none. A backup reads the rows in this order, page after page.
    pub key: Vec<(String, String)>,
}

/// The schema as two halves of the script, and the tables whose rows go between them.
pub(super) struct Schema {
    pub before_data: String,
    pub after_data: String,
    pub tables: Vec<Table>,
    /// The newest version in the migration history.
    pub version: Option<String>,
}

/// The newest version in the instance's migration history, as a section (`s`): NULL when
/// there is no history table (read through `query_to_xml`, so a missing table is no error).
pub(super) const VERSION: &str = "SELECT CASE WHEN to_regclass('supabase_migrations.schema_migrations') IS NOT NULL
    THEN (xpath('/row/v/text()', query_to_xml('SELECT max(version)::text AS v FROM supabase_migrations.schema_migrations', true, true, '')))[1]::text END AS s";

/// Runs every section's query in one request (each section's rows as a JSON array) and
/// returns them by name: one call instead of twenty, under the Management API's rate limit.
async fn sections(
    supabase: &Supabase,
    project_ref: &str,
    queries: &[(&str, String)],
) -> Result<BTreeMap<String, Vec<Value>>, BackupError> {
    let sql = queries
        .iter()
        .enumerate()
        .map(|(i, (k, q))| {
            format!("SELECT {i} AS i, '{k}' AS k, (SELECT coalesce(json_agg(x), '[]')::text FROM (\n{q}\n) x) AS list")
        })
        .collect::<Vec<_>>()
        .join("\nUNION ALL\n");
    let rows = supabase
        .run_query(
            project_ref,
            &format!("SELECT k, list FROM (\n{sql}\n) q ORDER BY i"),
        )
        .await?;
    let mut out = BTreeMap::new();
    for r in rows {
        let list = text(&r["list"]).unwrap_or_default();
        let list: Vec<Value> = serde_json::from_str(&list)
            .map_err(|e| BackupError::Unreadable(format!("the catalog's answer: {e}")))?;
        out.insert(text(&r["k"]).unwrap_or_default(), list);
    }
    Ok(out)
}

/// Reads the schema of the customer's schemas; refuses what it cannot carry faithfully.
pub(super) async fn read(supabase: &Supabase, project_ref: &str) -> Result<Schema, BackupError> {
    let queries = [
        ("unsupported", unsupported()),
        (
            "search_path",
            "SELECT current_setting('search_path') AS s".to_string(),
        ),
        ("version", VERSION.to_string()),
        ("schemas", SCHEMAS.replace("{C}", CUSTOMER_SCHEMA)),
        ("extensions", extensions()),
        ("types", types()),
        ("sequences", sequences()),
        ("tables", tables_ddl()),
        ("functions", functions()),
        ("defaults", defaults()),
        ("sequence owners", sequence_owners()),
        ("views", views()),
        ("matviews", matview_oids()),
        ("table list", table_list()),
        ("sequence values", sequence_values()),
        ("materialized views", matviews()),
        ("constraints", constraints()),
        ("indexes", indexes()),
        ("triggers", triggers()),
        ("row-level security", rls()),
        ("policies", policies()),
        ("grants", grants()),
        ("publications", publications()),
        ("comments", comments()),
    ];
    let got = sections(supabase, project_ref, &queries).await?;
    let rows = |k: &str| got.get(k).cloned().unwrap_or_default();
    let found = column(&rows("unsupported"), "s");
    if !found.is_empty() {
        return Err(BackupError::Unsupported(format!(
            "partitioned, inherited or foreign tables are not backed up: {}",
            found.join(", ")
        )));
    }
    let path = column(&rows("search_path"), "s").concat();
    let mut before = String::new();
    // Names in the catalogs' own DDL are qualified only where this search path does not find
    // them: the script resolves them under the same one. Function bodies are checked when
    // called, not when created (they may name tables made later in the script).
    before.push_str(&format!(
        "SET LOCAL search_path = {path};\nSET LOCAL check_function_bodies = false;\nSET LOCAL client_min_messages = warning;\n\n"
    ));
    let mut after = String::new();
    let add = |into: &mut String, title: &str, stmts: Vec<String>| {
        if !stmts.is_empty() {
            into.push_str(&format!("-- {title}\n{}\n\n", stmts.join("\n")));
        }
    };
    for k in [
        "schemas",
        "extensions",
        "types",
        "sequences",
        "tables",
        "functions",
        "defaults",
        "sequence owners",
    ] {
        add(&mut before, k, column(&rows(k), "s"));
    }
    let matviews: BTreeSet<String> = column(&rows("matviews"), "s").into_iter().collect();
    add(
        &mut before,
        "views",
        ordered_views(&rows("views"), &matviews)?,
    );
    for k in [
        "sequence values",
        "materialized views",
        "constraints",
        "indexes",
        "triggers",
        "row-level security",
        "policies",
        "grants",
        "publications",
        "comments",
    ] {
        add(&mut after, k, column(&rows(k), "s"));
    }
    Ok(Schema {
        before_data: before,
        after_data: after,
        tables: rows("table list").iter().map(table).collect(),
        version: rows("version").first().and_then(|r| text(&r["s"])),
    })
}

/// Partitioned, inherited and foreign tables would come back wrong from this kind of
/// backup: the owner is told which, and nothing is written.
fn unsupported() -> String {
    format!(
        "SELECT format('%I.%I', n.nspname, c.relname) AS s FROM pg_class c, pg_namespace n
          WHERE {} AND (c.relkind IN ('p', 'f') OR c.relispartition
             OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid OR i.inhparent = c.oid))
          ORDER BY 1",
        rel("c")
    )
}

const SCHEMAS: &str = "SELECT s FROM (
    SELECT n.nspname AS k, 0 AS o, format('CREATE SCHEMA IF NOT EXISTS %I;', n.nspname) AS s
      FROM pg_namespace n WHERE {C}
    UNION ALL
    SELECT n.nspname, 1, format('GRANT %s ON SCHEMA %I TO %s;', a.privilege_type, n.nspname,
           CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END)
      FROM pg_namespace n, aclexplode(n.nspacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
     WHERE {C} AND (a.grantee = 0 OR r.rolname IN ('anon', 'authenticated', 'service_role'))
) x ORDER BY k, o, s";

/// Extensions living in the customer's schemas or in `extensions`, so a fresh database
/// gets the types and functions the tables use (`IF NOT EXISTS`: Supabase has most).
fn extensions() -> String {
    format!(
        "SELECT format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I;', x.extname, n.nspname) AS s
           FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
          WHERE x.extname <> 'plpgsql' AND (n.nspname = 'extensions' OR {CUSTOMER_SCHEMA})
          ORDER BY x.extname"
    )
}

/// Enums, domains and composite types, in creation order.
fn types() -> String {
    format!(
        "SELECT CASE t.typtype
            WHEN 'e' THEN format('CREATE TYPE %I.%I AS ENUM (%s);', n.nspname, t.typname,
                (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                   FROM pg_enum e WHERE e.enumtypid = t.oid))
            WHEN 'd' THEN format('CREATE DOMAIN %I.%I AS %s%s%s%s;', n.nspname, t.typname,
                format_type(t.typbasetype, t.typtypmod),
                CASE WHEN t.typdefault IS NOT NULL THEN ' DEFAULT ' || t.typdefault ELSE '' END,
                CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END,
                coalesce((SELECT string_agg(format(' CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)), '' ORDER BY c.conname)
                   FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'), ''))
            ELSE format('CREATE TYPE %I.%I AS (%s);', n.nspname, t.typname,
                (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))
          END AS s
          FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE {CUSTOMER_SCHEMA} AND {}
           AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
         ORDER BY t.oid",
        not_extension("pg_type", "t.oid")
    )
}

/// Sequences that are not an identity column's (those come with their column).
fn sequences() -> String {
    format!(
        "SELECT format('CREATE SEQUENCE %I.%I AS %s INCREMENT %s MINVALUE %s MAXVALUE %s START %s CACHE %s%s;',
                n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax,
                s.seqstart, s.seqcache, CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END) AS s
           FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid, pg_namespace n
          WHERE {} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                AND d.objid = c.oid AND d.deptype = 'i')
          ORDER BY n.nspname, c.relname",
        rel("c")
    )
}

/// Tables with their columns' types, collations, NOT NULL, identity and generated
/// expressions; defaults come later (they may call functions not made yet).
fn tables_ddl() -> String {
    format!(
        "SELECT format('CREATE %sTABLE %I.%I (%s);', CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END,
            n.nspname, c.relname,
            coalesce((SELECT string_agg(format('%I %s%s%s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
                    (SELECT format(' COLLATE %I.%I', cn.nspname, co.collname) FROM pg_collation co
                       JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) ELSE '' END,
                CASE WHEN a.attgenerated = 's' THEN format(' GENERATED ALWAYS AS (%s) STORED', pg_get_expr(ad.adbin, ad.adrelid)) ELSE '' END,
                CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY' WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END),
                ', ' ORDER BY a.attnum)
              FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
              LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')) AS s
          FROM pg_class c, pg_namespace n
         WHERE c.relkind = 'r' AND {}
         ORDER BY n.nspname, c.relname",
        rel("c")
    )
}

/// Functions and procedures, as the database defines them.
fn functions() -> String {
    format!(
        "SELECT s FROM (
            SELECT p.oid AS o, 0 AS k, pg_get_functiondef(p.oid) || ';' AS s
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE p.prokind IN ('f', 'p') AND {CUSTOMER_SCHEMA} AND {ext}
            UNION ALL
            SELECT p.oid, 1, format('REVOKE ALL ON %s %s FROM PUBLIC, {API_ROLE_NAMES};',
                   CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure)
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE p.prokind IN ('f', 'p') AND p.proacl IS NOT NULL AND {CUSTOMER_SCHEMA} AND {ext}
            UNION ALL
            SELECT p.oid, 2, format('GRANT EXECUTE ON %s %s TO %s;',
                   CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure,
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END)
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a
              LEFT JOIN pg_roles r ON r.oid = a.grantee
             WHERE p.prokind IN ('f', 'p') AND {CUSTOMER_SCHEMA} AND {ext}
               AND (a.grantee = 0 OR r.rolname IN ({API_ROLES}))
        ) x ORDER BY o, k, s",
        ext = not_extension("pg_proc", "p.oid")
    )
}

fn defaults() -> String {
    format!(
        "SELECT format('ALTER TABLE %I.%I ALTER COLUMN %I SET DEFAULT %s;', n.nspname, c.relname, a.attname,
                pg_get_expr(ad.adbin, ad.adrelid)) AS s
           FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
           JOIN pg_class c ON c.oid = ad.adrelid, pg_namespace n
          WHERE c.relkind = 'r' AND a.attgenerated = '' AND {}
          ORDER BY n.nspname, c.relname, a.attnum",
        rel("c")
    )
}

fn sequence_owners() -> String {
    format!(
        "SELECT format('ALTER SEQUENCE %I.%I OWNED BY %I.%I.%I;', n.nspname, c.relname, tn.nspname, t.relname, a.attname) AS s
           FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' AND d.refobjsubid > 0
           JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid, pg_namespace n
          WHERE c.relkind = 'S' AND {}
          ORDER BY n.nspname, c.relname",
        rel("c")
    )
}

/// Plain and materialized views with the relations their rewrite rule reads (`d`).
fn views() -> String {
    format!(
        "SELECT c.oid::text AS o,
                format('CREATE VIEW %I.%I%s AS %s', n.nspname, c.relname,
                    CASE WHEN c.reloptions IS NOT NULL THEN ' WITH (' || array_to_string(c.reloptions, ', ') || ')' ELSE '' END,
                    rtrim(pg_get_viewdef(c.oid), '; ' || chr(10))) || ';' AS s,
                coalesce((SELECT string_agg(DISTINCT d.refobjid::text, ',') FROM pg_rewrite w
                   JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid
                  WHERE w.ev_class = c.oid), '') AS d
           FROM pg_class c, pg_namespace n
          WHERE c.relkind IN ('v', 'm') AND {}
          ORDER BY c.oid",
        rel("c")
    )
}

/// The plain views' statements, each after the views it reads.
fn ordered_views(rows: &[Value], matviews: &BTreeSet<String>) -> Result<Vec<String>, BackupError> {
    let views: BTreeMap<String, (String, BTreeSet<String>)> = rows
        .iter()
        .map(|r| {
            let deps = text(&r["d"]).unwrap_or_default();
            let deps = deps
                .split(',')
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect();
            (
                text(&r["o"]).unwrap_or_default(),
                (text(&r["s"]).unwrap_or_default(), deps),
            )
        })
        .collect();
    // Materialized views are made after the data (`matviews`); a plain view reading one
    // would come before it, which this backup refuses rather than reorder the whole script.
    let mut out = Vec::new();
    let mut done: BTreeSet<String> = matviews.clone();
    while done.len() < views.len() {
        let before = done.len();
        for (oid, (stmt, deps)) in &views {
            if done.contains(oid) {
                continue;
            }
            if let Some(m) = deps.iter().find(|d| matviews.contains(*d)) {
                return Err(BackupError::Unsupported(format!(
                    "a view that reads a materialized view ({m}) is not backed up"
                )));
            }
            if deps
                .iter()
                .all(|d| done.contains(d) || !views.contains_key(d))
            {
                out.push(stmt.clone());
                done.insert(oid.clone());
            }
        }
        if done.len() == before {
            return Err(BackupError::Unsupported(
                "views that depend on each other in a cycle".into(),
            ));
        }
    }
    Ok(out)
}

fn matview_oids() -> String {
    format!(
        "SELECT c.oid::text AS s FROM pg_class c, pg_namespace n WHERE c.relkind = 'm' AND {}",
        rel("c")
    )
}

fn matviews() -> String {
    format!(
        "SELECT format('CREATE MATERIALIZED VIEW %I.%I AS %s WITH %sDATA;', n.nspname, c.relname,
                rtrim(pg_get_viewdef(c.oid), '; ' || chr(10)), CASE WHEN c.relispopulated THEN '' ELSE 'NO ' END) AS s
           FROM pg_class c, pg_namespace n WHERE c.relkind = 'm' AND {} ORDER BY c.oid",
        rel("c")
    )
}

/// The tables whose rows are copied, with the columns that take values.
fn table_list() -> String {
    format!(
        "SELECT n.nspname AS n, c.relname AS rel,
                coalesce((SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), '') AS c,
                EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attidentity = 'a')::text AS i,
                (SELECT json_agg(json_build_array(quote_ident(a.attname), format_type(a.atttypid, a.atttypmod))
                                 ORDER BY array_position(x.indkey::int2[], a.attnum))
                   FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY (x.indkey)
                  WHERE x.indrelid = c.oid AND x.indisprimary)::text AS k
           FROM pg_class c, pg_namespace n
          WHERE c.relkind = 'r' AND {}
          ORDER BY n.nspname, c.relname",
        rel("c")
    )
}

fn table(r: &Value) -> Table {
    Table {
        schema: text(&r["n"]).unwrap_or_default(),
        name: text(&r["rel"]).unwrap_or_default(),
        columns: text(&r["c"])
            .filter(|c| !c.is_empty())
            .map(|c| c.split(", ").map(str::to_string).collect())
            .unwrap_or_default(),
        always_identity: text(&r["i"]).as_deref() == Some("true"),
        key: text(&r["k"])
            .and_then(|k| serde_json::from_str::<Vec<(String, String)>>(&k).ok())
            .unwrap_or_default(),
    }
}

/// The customer's tables, in one call.
pub async fn tables(supabase: &Supabase, project_ref: &str) -> Result<Vec<Table>, BackupError> {
    let rows = supabase.run_query(project_ref, &table_list()).await?;
    Ok(rows.iter().map(table).collect())
}

/// Sequences where they were: plain ones by name, identity ones through their column.
fn sequence_values() -> String {
    format!(
        "SELECT CASE WHEN t.relname IS NULL
                  THEN format('SELECT pg_catalog.setval(%L, %s, true);', format('%I.%I', n.nspname, c.relname), s.last_value)
                  ELSE format('SELECT pg_catalog.setval(pg_get_serial_sequence(%L, %L), %s, true);',
                       format('%I.%I', tn.nspname, t.relname), a.attname, s.last_value) END AS s
           FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename
           JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
           LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i'
           LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
           LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
          WHERE s.last_value IS NOT NULL AND {CUSTOMER_SCHEMA} AND {}
          ORDER BY 1",
        not_extension("pg_class", "c.oid")
    )
}
