//! The rows of a backup, and the checksums that prove a restore. The database renders each
//! row as a `VALUES` tuple of literals (`quote_nullable` of every column's text form, which
//! its input function reads back exactly: bytea, jsonb, arrays, numeric, timestamps), in
//! pages bounded by bytes, so no answer comes near the HTTP layer's 16 MiB limit.

use serde_json::Value;

use super::catalog::{self, Table};
use super::{column, text, BackupError, Script, TableSum};
use crate::providers::supabase::Supabase;

/// The bytes of row text one page asks for (small enough to arrive well within a call's
/// timeout) (the answer's JSON can be about twice that, with
/// escaping); a page always carries at least one row, however large.
const PAGE_BYTES: usize = 1024 * 1024;
/// At most this many rows per page, so the database's window over the page stays small.
const PAGE_ROWS: usize = 5_000;
/// Tables per checksum query.
const SUM_BATCH: usize = 40;

pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(super) fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The table's rows, page after page in key order (`Pages`), as `INSERT` statements put to
/// `out` a page at a time; the count and checksum of exactly those rows (not of the table a
/// moment later).
pub(super) async fn rows<S: Script + Send>(
    supabase: &Supabase,
    project_ref: &str,
    t: &Table,
    out: &mut S,
) -> Result<(u64, String), BackupError> {
    let target = format!("{}.{}", ident(&t.schema), ident(&t.name));
    if t.columns.is_empty() {
        return no_columns(supabase, project_ref, &target, out).await;
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
    let select = [
        (format!("'(' || concat_ws(', ', {tuple}) || ')'"), "v"),
        ("md5(ROW(_r.*)::text)".to_string(), "h"),
    ];
    let (mut count, mut sum) = (0u64, Checksum::default());
    let mut pages = Pages::of(t);
    while let Some(page) = pages.next(supabase, project_ref, &select).await? {
        if count == 0 {
            out.put(&format!("-- data {target}\n"))?;
        }
        out.put(&head)?;
        for (i, v) in column(&page, "v").iter().enumerate() {
            if i > 0 {
                out.put(",\n")?;
            }
            out.put(v)?;
        }
        out.put(";\n")?;
        for h in column(&page, "h") {
            sum.add(&h)?;
        }
        count += page.len() as u64;
    }
    if count > 0 {
        out.put("\n")?;
    }
    Ok((count, sum.text()))
}

/// A table's rows, page after page in key order: each page starts after the last row of the
/// one before (a keyset), so a row written meanwhile is read once or not at all, never twice
/// or instead of another (an `OFFSET` shifted by an insert did both). The key is the primary
/// key, whose value an update keeps; a table without one is read in the order of its rows'
/// text and their place (`ctid`). A page holds at most `PAGE_ROWS` rows and, counted by the
/// first expression asked for, about `PAGE_BYTES` (one row at least, however large).
pub struct Pages {
    target: String,
    order: Order,
    after: Option<Vec<String>>,
    done: bool,
}

impl Pages {
    pub fn of(t: &Table) -> Pages {
        Pages {
            target: format!("{}.{}", ident(&t.schema), ident(&t.name)),
            order: Order::of(t),
            after: None,
            done: false,
        }
    }

    /// The next page of `select` (expressions over the row `_r`, each with its column name;
    /// the first is what a page's bytes are counted by), `None` after the last.
    pub async fn next(
        &mut self,
        supabase: &Supabase,
        project_ref: &str,
        select: &[(String, &str)],
    ) -> Result<Option<Vec<Value>>, BackupError> {
        if self.done {
            return Ok(None);
        }
        let exprs = &self.order.exprs;
        let keys = exprs
            .iter()
            .enumerate()
            .map(|(i, e)| format!("{e} AS o{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let by = (0..exprs.len())
            .map(|i| format!("o{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let cursor = exprs
            .iter()
            .map(|e| format!("({e})::text"))
            .collect::<Vec<_>>()
            .join(", ");
        let names = select
            .iter()
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        let values = select
            .iter()
            .map(|(e, n)| format!("{e} AS {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let measured = select.first().map(|(_, n)| *n).unwrap_or("c");
        let from = match &self.after {
            None => String::new(),
            Some(last) => format!("WHERE {}", self.order.after(last)),
        };
        let target = &self.target;
        let sql = format!(
            "SELECT {names}, c, n FROM (
                SELECT {names}, c, count(*) OVER () AS n,
                       sum(octet_length({measured})) OVER (ORDER BY {by} ROWS UNBOUNDED PRECEDING) - octet_length({measured}) AS before
                  FROM (SELECT {values}, json_build_array({cursor})::text AS c, {keys}
                          FROM {target} _r {from} ORDER BY {by} LIMIT {PAGE_ROWS}) p
             ) q WHERE before < {PAGE_BYTES} ORDER BY before"
        );
        let page = supabase.run_query(project_ref, &sql).await?;
        if page.is_empty() {
            self.done = true;
            return Ok(None);
        }
        let in_window: usize = page
            .first()
            .and_then(|r| text(&r["n"]))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let last = page.last().and_then(|r| text(&r["c"])).unwrap_or_default();
        self.after = Some(serde_json::from_str(&last).map_err(|_| {
            BackupError::Unreadable(format!("{target}: the page's last key is not readable"))
        })?);
        self.done = page.len() == in_window && in_window < PAGE_ROWS;
        Ok(Some(page))
    }
}

/// The order a table's rows are read in, and the condition "after this row" in it.
struct Order {
    exprs: Vec<String>,
    /// The type each key value is read back as (`None`: text, collated "C").
    types: Vec<Option<String>>,
}

impl Order {
    fn of(t: &Table) -> Order {
        if t.key.is_empty() {
            return Order {
                exprs: vec!["ROW(_r.*)::text COLLATE \"C\"".into(), "_r.ctid".into()],
                types: vec![None, Some("tid".into())],
            };
        }
        Order {
            exprs: t.key.iter().map(|(c, _)| format!("_r.{c}")).collect(),
            types: t.key.iter().map(|(_, ty)| Some(ty.clone())).collect(),
        }
    }

    /// `(key…) > (last…)`, the last row's values as typed literals.
    fn after(&self, last: &[String]) -> String {
        let values = last
            .iter()
            .zip(&self.types)
            .map(|(v, ty)| match ty {
                Some(ty) => format!("{}::{ty}", literal(v)),
                None => format!("{} COLLATE \"C\"", literal(v)),
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!("({}) > ({values})", self.exprs.join(", "))
    }
}

/// `checksums_of`'s sum, of rows' md5 as the pages bring them.
#[derive(Default)]
struct Checksum(u128, u128);

impl Checksum {
    fn add(&mut self, md5: &str) -> Result<(), BackupError> {
        let half = |r: std::ops::Range<usize>| {
            md5.get(r)
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .ok_or_else(|| BackupError::Unreadable(format!("not an md5: {md5}")))
        };
        self.0 += half(0..15)? as u128;
        self.1 += half(15..30)? as u128;
        Ok(())
    }

    fn text(&self) -> String {
        format!("{}-{}", self.0, self.1)
    }
}

/// A table with no column that takes a value still has its rows.
async fn no_columns<S: Script + Send>(
    supabase: &Supabase,
    project_ref: &str,
    target: &str,
    out: &mut S,
) -> Result<(u64, String), BackupError> {
    let rows = supabase
        .run_query(
            project_ref,
            &format!("SELECT count(*)::text AS n, (SELECT md5(ROW()::text)) AS h FROM {target}"),
        )
        .await?;
    let n: u64 = rows
        .first()
        .and_then(|r| text(&r["n"]))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let mut sum = Checksum::default();
    if let Some(h) = rows.first().and_then(|r| text(&r["h"])) {
        for _ in 0..n {
            sum.add(&h)?;
        }
    }
    let insert = format!("INSERT INTO {target} DEFAULT VALUES;\n");
    for _ in 0..n {
        out.put(&insert)?;
    }
    Ok((n, sum.text()))
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
