//! The rows of a backup, and the checksums that prove a restore. The database renders each
//! row as a `VALUES` tuple of literals (`quote_nullable` of every column's text form, which
//! its input function reads back exactly: bytea, jsonb, arrays, numeric, timestamps), in
//! pages bounded by bytes, so no answer comes near the HTTP layer's 16 MiB limit.

use super::catalog::{self, Table};
use super::{column, text, BackupError, TableSum};
use crate::providers::supabase::Supabase;

/// The bytes of row text one page asks for (small enough to arrive well within a call's
/// timeout) (the answer's JSON can be about twice that, with
/// escaping); a page always carries at least one row, however large.
const PAGE_BYTES: usize = 1024 * 1024;
/// At most this many rows per page, so the database's window over the page stays small.
const PAGE_ROWS: usize = 5_000;
/// Tables per checksum query.
const SUM_BATCH: usize = 40;

pub(super) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(super) fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The table's rows as `INSERT` statements, one per page.
pub(super) async fn rows(
    supabase: &Supabase,
    project_ref: &str,
    t: &Table,
) -> Result<String, BackupError> {
    let target = format!("{}.{}", ident(&t.schema), ident(&t.name));
    if t.columns.is_empty() {
        return no_columns(supabase, project_ref, &target).await;
    }
    let tuple = t
        .columns
        .iter()
        .map(|c| format!("quote_nullable(_r.{c}::text)"))
        .collect::<Vec<_>>()
        .join(", ");
    let head = format!(
        "INSERT INTO {target} ({}){} VALUES\n",
        t.columns.join(", "),
        if t.always_identity {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        }
    );
    let mut out = String::new();
    let mut offset = 0usize;
    loop {
        // Ordered by the row's own text, so pages do not overlap whatever the table's keys.
        let sql = format!(
            "SELECT v, n FROM (
                SELECT v, count(*) OVER () AS n,
                       sum(octet_length(v)) OVER (ORDER BY k ROWS UNBOUNDED PRECEDING) - octet_length(v) AS before
                  FROM (SELECT '(' || concat_ws(', ', {tuple}) || ')' AS v, ROW(_r.*)::text COLLATE \"C\" AS k
                          FROM {target} _r ORDER BY k OFFSET {offset} LIMIT {PAGE_ROWS}) p
             ) q WHERE before < {PAGE_BYTES} ORDER BY before"
        );
        let page = supabase.run_query(project_ref, &sql).await?;
        if page.is_empty() {
            break;
        }
        let in_window: usize = page
            .first()
            .and_then(|r| text(&r["n"]))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        out.push_str(&head);
        out.push_str(&column(&page, "v").join(",\n"));
        out.push_str(";\n");
        offset += page.len();
        if page.len() == in_window && in_window < PAGE_ROWS {
            break;
        }
    }
    if !out.is_empty() {
        out = format!("-- data {target}\n{out}\n");
    }
    Ok(out)
}

/// A table with no column that takes a value still has its rows.
async fn no_columns(
    supabase: &Supabase,
    project_ref: &str,
    target: &str,
) -> Result<String, BackupError> {
    let rows = supabase
        .run_query(
            project_ref,
            &format!("SELECT count(*)::text AS n FROM {target}"),
        )
        .await?;
    let n: usize = rows
        .first()
        .and_then(|r| text(&r["n"]))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Ok(format!("INSERT INTO {target} DEFAULT VALUES;\n").repeat(n))
}

/// Every customer table's row count and content checksum, as the database holds them now:
/// the sum of each row's md5 (two 60-bit halves), so the order rows are stored in does not
/// matter and no table's text is held whole in memory.
pub async fn checksums(
    supabase: &Supabase,
    project_ref: &str,
) -> Result<Vec<TableSum>, BackupError> {
    let tables = catalog::tables(supabase, project_ref).await?;
    checksums_of(supabase, project_ref, &tables).await
}

/// `checksums` of tables already read from the catalogs (a backup has just read them).
pub(super) async fn checksums_of(
    supabase: &Supabase,
    project_ref: &str,
    tables: &[Table],
) -> Result<Vec<TableSum>, BackupError> {
    let mut sums = Vec::with_capacity(tables.len());
    for batch in tables.chunks(SUM_BATCH) {
        let sql = batch
            .iter()
            .map(|t| {
                format!(
                    "SELECT {} AS s, {} AS rel, count(*)::text AS n,
                            coalesce(sum(('x' || substr(h, 1, 15))::bit(60)::bigint), 0)::text || '-' ||
                            coalesce(sum(('x' || substr(h, 16, 15))::bit(60)::bigint), 0)::text AS c
                       FROM (SELECT md5(ROW(_r.*)::text) AS h FROM {}.{} _r) x",
                    literal(&t.schema),
                    literal(&t.name),
                    ident(&t.schema),
                    ident(&t.name)
                )
            })
            .collect::<Vec<_>>()
            .join("\nUNION ALL\n");
        for r in supabase.run_query(project_ref, &sql).await? {
            sums.push(TableSum {
                schema: text(&r["s"]).unwrap_or_default(),
                table: text(&r["rel"]).unwrap_or_default(),
                rows: text(&r["n"]).and_then(|n| n.parse().ok()).unwrap_or(0),
                checksum: text(&r["c"]).unwrap_or_default(),
            });
        }
    }
    sums.sort_by(|a, b| (&a.schema, &a.table).cmp(&(&b.schema, &b.table)));
    Ok(sums)
}
