//! An instance's own history of migrations, as the Supabase CLI keeps it
//! (`supabase_migrations.schema_migrations`: `version` primary key, `statements`, `name`), and
//! what a set of files means for it: what is pending, and what drifted.
//!
//! The history is always read from the instance, never assumed. A file and its history row are
//! written in one transaction, behind an advisory lock, the row first: a second apply of the
//! same version (a killed driver's request still in flight, or a retry after a call that timed
//! out while the database went on) waits for the first, then fails whole on the row's primary
//! key before any of the file runs again. The history table is made behind the same lock, so
//! two first applies cannot race on `create schema if not exists` either.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::migration::{Migration, BASELINE_NAME, BASELINE_VERSION};

/// The Supabase CLI's table, made if missing (its own statements, `pkg/migration/history.go`).
/// Run behind the lock only: `if not exists` is no guard against a concurrent create (23505
/// on `pg_namespace`).
const ENSURE: &str = "create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text";

/// The history table made if missing, in a transaction of its own behind the lock.
pub fn ensure_sql() -> String {
    format!("begin;\nselect pg_advisory_xact_lock({LOCK_KEY});\n{ENSURE};\ncommit;")
}

/// The history, oldest first. Fails with "does not exist" (42P01) when the table is missing.
pub const READ_SQL: &str =
    "select version, name from supabase_migrations.schema_migrations order by version";

/// Every table outside the system's and Supabase's own schemas: what a migration might create
/// again.
pub const TABLES_SQL: &str = "select schemaname, tablename from pg_tables
where schemaname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions',
  'graphql', 'graphql_public', 'realtime', 'supabase_functions', 'supabase_migrations', 'vault',
  'pgsodium', 'pgsodium_masks', 'net', 'cron', '_realtime', 'pgbouncer', '_analytics')
order by schemaname, tablename";

/// Held for the transaction: one migrator per database at a time.
const LOCK_KEY: i64 = 0x6661_6272_696b; // "fabrik"

/// One row of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Applied {
    pub version: String,
    pub name: String,
}

/// The history from the rows of `READ_SQL`.
pub fn from_rows(rows: &[serde_json::Value]) -> Vec<Applied> {
    rows.iter()
        .filter_map(|r| {
            Some(Applied {
                version: text(&r["version"])?,
                name: text(&r["name"]).unwrap_or_default(),
            })
        })
        .collect()
}

fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether a query error says the history table is not there (a project no migration reached).
pub fn is_missing_table(message: &str) -> bool {
    message.contains("42P01") || message.contains("does not exist")
}

/// Whether a query error is the history's primary key refusing a version already there.
pub fn is_already_applied(message: &str) -> bool {
    (message.contains("23505") || message.contains("duplicate key"))
        && message.contains("schema_migrations")
}

/// `schema.table` pairs from the rows of `TABLES_SQL`.
pub fn tables_from_rows(rows: &[serde_json::Value]) -> BTreeSet<String> {
    rows.iter()
        .filter_map(|r| {
            let s = r["schemaname"].as_str()?;
            let t = r["tablename"].as_str()?;
            Some(format!("{s}.{t}"))
        })
        .collect()
}

/// The tables a script drops, as `schema.table`.
pub fn drops_tables(sql: &str) -> Vec<String> {
    let lower = strip_comments(sql).to_lowercase();
    let mut out = Vec::new();
    for part in lower.split("drop table").skip(1) {
        let mut words = part.split_whitespace();
        let mut name = words.next().unwrap_or("");
        if name == "if" {
            let _ = words.next(); // exists
            name = words.next().unwrap_or("");
        }
        let name = name.trim_end_matches([';', ',']);
        out.push(match name.split_once('.') {
            Some((s, t)) => format!("{}.{}", s.trim_matches('"'), t.trim_matches('"')),
            None => format!("public.{}", name.trim_matches('"')),
        });
    }
    out
}

/// The tables a script creates, as `schema.table` (unqualified names are `public`'s), from its
/// `CREATE TABLE` statements, in order, each once.
pub fn creates_tables(sql: &str) -> Vec<String> {
    let lower = strip_comments(sql).to_lowercase();
    let mut tables: Vec<String> = Vec::new();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("create table") {
        let before = &lower[..lower.len() - rest.len() + i];
        rest = &rest[i + "create table".len()..];
        // "create table" inside a word ("xcreate table") is not a statement.
        if before
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let mut words = rest.split_whitespace();
        let mut name = words.next().unwrap_or("");
        if name == "if" {
            let _ = words.next(); // not
            let _ = words.next(); // exists
            name = words.next().unwrap_or("");
        }
        let name = name.split('(').next().unwrap_or("").trim_end_matches(';');
        let (schema, table) = match name.split_once('.') {
            Some((s, t)) => (s.trim_matches('"'), t.trim_matches('"')),
            None => ("public", name.trim_matches('"')),
        };
        if table.is_empty() {
            continue;
        }
        let q = format!("{schema}.{table}");
        if !tables.contains(&q) {
            tables.push(q);
        }
    }
    tables
}

fn strip_comments(sql: &str) -> String {
    sql.lines()
        .map(|l| match l.find("--") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a file cannot be applied as one transaction with its history row: a top-level
/// `BEGIN`/`COMMIT`/`ROLLBACK` of its own (function bodies and strings are not looked into).
pub fn refuse_file(m: &Migration) -> Option<String> {
    let controls = [
        "begin",
        "commit",
        "rollback",
        "start transaction",
        "end",
        "abort",
    ];
    outside_quotes(&strip_comments(&m.sql))
        .split(';')
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
        .find(|s| {
            controls.contains(&s.as_str())
                || s.starts_with("begin transaction")
                || s.starts_with("begin work")
                || s.starts_with("commit ")
        })
        .map(|s| {
            format!(
                "{}: `{s}` — the file must not manage its own transaction (Fabrik applies each file and its history row as one)",
                m.file_name()
            )
        })
}

/// The SQL with its string literals and dollar-quoted bodies blanked out.
fn outside_quotes(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(i) = rest.find(['\'', '$']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with('\'') {
            // '' inside a literal is an escaped quote: skip to the closing quote.
            let mut end = 1;
            let bytes = tail.as_bytes();
            while end < bytes.len() {
                if bytes[end] == b'\'' {
                    if bytes.get(end + 1) == Some(&b'\'') {
                        end += 2;
                        continue;
                    }
                    break;
                }
                end += 1;
            }
            out.push(' ');
            rest = tail.get(end + 1..).unwrap_or("");
            continue;
        }
        // A dollar tag: $$ or $name$ (letters, digits, underscores).
        let tag_end = tail[1..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map(|j| j + 1);
        match tag_end {
            Some(j) if tail[j..].starts_with('$') => {
                let tag = &tail[..=j];
                let body = &tail[tag.len()..];
                let close = body.find(tag).map(|k| tag.len() + k + tag.len());
                out.push(' ');
                rest = close.and_then(|c| tail.get(c..)).unwrap_or("");
            }
            _ => {
                out.push('$');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The one query that applies a file and writes its history row, or neither; with `ensure`,
/// the history table is made first in the same transaction (a new project's first file).
pub fn apply_sql(m: &Migration, ensure: bool) -> String {
    let tag = dollar_tag(&m.sql);
    let ensure = match ensure {
        true => format!("{ENSURE};\n"),
        false => String::new(),
    };
    // The row before the file: a second apply stops at the primary key, not in the file.
    format!(
        "begin;\nselect pg_advisory_xact_lock({LOCK_KEY});\n{ensure}\
         insert into supabase_migrations.schema_migrations (version, name, statements) \
         values ('{version}', '{name}', array[{tag}{sql}{tag}]);\n{sql}\n;\ncommit;",
        sql = m.sql,
        version = m.version,
        name = m.name.replace('\'', "''"),
    )
}

/// The history row alone, for an instance delivered before Fabrik kept history: it was given
/// the schema Fabrik carried then.
pub fn baseline_sql() -> String {
    format!(
        "begin;\nselect pg_advisory_xact_lock({LOCK_KEY});\n\
         insert into supabase_migrations.schema_migrations (version, name, statements) \
         values ('{BASELINE_VERSION}', '{BASELINE_NAME}', array[]::text[]);\ncommit;"
    )
}

/// A dollar-quote tag the text does not contain.
fn dollar_tag(text: &str) -> String {
    let mut n = 0u32;
    loop {
        let tag = format!("$fabrik{n}$");
        if !text.contains(&tag) {
            return tag;
        }
        n += 1;
    }
}

/// What one instance should do with a set of files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Every file is in the history.
    Current,
    /// These versions are to be applied, in this order.
    Behind { pending: Vec<String> },
    /// The history holds versions the files do not (the Supabase CLI's "Remote migration
    /// versions not found").
    UnknownHistory { versions: Vec<String> },
    /// The schema already has tables a pending migration creates.
    SchemaHas {
        version: String,
        tables: Vec<String>,
    },
}

impl Verdict {
    pub fn is_drift(&self) -> bool {
        matches!(
            self,
            Verdict::UnknownHistory { .. } | Verdict::SchemaHas { .. }
        )
    }

    pub fn pending(&self) -> &[String] {
        match self {
            Verdict::Behind { pending } => pending,
            _ => &[],
        }
    }
}

/// What a set of files means for an instance with this history and these tables. The baseline
/// row Fabrik writes counts as known even when the files do not carry it.
pub fn verdict(history: &[Applied], tables: &BTreeSet<String>, files: &[Migration]) -> Verdict {
    let known: BTreeSet<&str> = files.iter().map(|m| m.version.as_str()).collect();
    let unknown: Vec<String> = history
        .iter()
        .map(|a| a.version.as_str())
        .filter(|v| !known.contains(v) && *v != BASELINE_VERSION)
        .map(str::to_string)
        .collect();
    if !unknown.is_empty() {
        return Verdict::UnknownHistory { versions: unknown };
    }
    let applied: BTreeSet<&str> = history.iter().map(|a| a.version.as_str()).collect();
    let pending: Vec<&Migration> = files
        .iter()
        .filter(|m| !applied.contains(m.version.as_str()))
        .collect();
    // Only the first pending file can be checked against today's schema: later ones may
    // create what an earlier one dropped.
    if let Some(first) = pending.first() {
        let there: Vec<String> = creates_tables(&first.sql)
            .into_iter()
            .filter(|t| tables.contains(t))
            .collect();
        if !there.is_empty() {
            return Verdict::SchemaHas {
                version: first.version.clone(),
                tables: there,
            };
        }
    }
    if pending.is_empty() {
        Verdict::Current
    } else {
        Verdict::Behind {
            pending: pending.iter().map(|m| m.version.clone()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(v: &str) -> Applied {
        Applied {
            version: v.into(),
            name: String::new(),
        }
    }

    fn tables(t: &[&str]) -> BTreeSet<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tables_a_script_creates_are_found_with_their_schema() {
        let sql = "-- create table commented(x int);\ncreate table if not exists public.a (id int);\nCREATE TABLE \"B\"(x int); create table private.c (x int);\nselect 'recreate table'";
        assert_eq!(creates_tables(sql), ["public.a", "public.b", "private.c"]);
        assert_eq!(
            drops_tables("drop table if exists a; DROP TABLE private.\"b\";"),
            ["public.a", "private.b"]
        );
    }

    #[test]
    fn the_verdict_names_what_is_pending_and_what_drifted() {
        let files = vec![
            Migration::new("1", "a", "create table a (id int);"),
            Migration::new("2", "b", "create table b (id int);"),
        ];
        let none = tables(&[]);
        assert_eq!(
            verdict(&[applied(BASELINE_VERSION)], &none, &files),
            Verdict::Behind {
                pending: vec!["1".into(), "2".into()]
            }
        );
        assert_eq!(
            verdict(&[applied("1"), applied("2")], &none, &files),
            Verdict::Current
        );
        assert_eq!(
            verdict(&[applied("1"), applied("7")], &none, &files),
            Verdict::UnknownHistory {
                versions: vec!["7".into()]
            }
        );
        assert_eq!(
            verdict(&[], &tables(&["public.a"]), &files),
            Verdict::SchemaHas {
                version: "1".into(),
                tables: vec!["public.a".into()]
            }
        );
        // b is created by the second file; only the first pending one is held to today's schema.
        assert_eq!(
            verdict(&[applied("1")], &tables(&["public.a"]), &files).pending(),
            ["2".to_string()]
        );
    }

    #[test]
    fn a_file_is_applied_with_its_row_in_one_transaction_and_quoted_safely() {
        let m = Migration::new("3", "it's", "create table x (s text default '$fabrik0$');");
        let sql = apply_sql(&m, false);
        assert!(sql.starts_with("begin;"));
        assert!(sql.trim_end().ends_with("commit;"));
        assert!(sql.contains("'it''s'"));
        assert!(sql.contains("array[$fabrik1$create table"));
        assert!(refuse_file(&m).is_none());
        let own = Migration::new("4", "tx", "BEGIN;\ncreate table y (id int);\nCOMMIT;");
        assert!(refuse_file(&own).unwrap().contains("4_tx.sql"));
        let function = Migration::new(
            "5",
            "fn",
            "create function f() returns int language plpgsql as $$ begin return 1; end; $$;\ncreate function g() returns void language plpgsql as $body$\nbegin\n  perform 1;\nend;\n$body$;\nselect 'commit;';",
        );
        assert_eq!(refuse_file(&function), None);
    }

    #[test]
    fn query_errors_are_told_apart() {
        assert!(is_missing_table(
            "ERROR: 42P01: relation \"supabase_migrations.schema_migrations\" does not exist"
        ));
        assert!(is_already_applied("ERROR: 23505: duplicate key value violates unique constraint \"schema_migrations_pkey\""));
        assert!(!is_already_applied(
            "ERROR: 23505: duplicate key value violates unique constraint \"users_pkey\""
        ));
    }
}
