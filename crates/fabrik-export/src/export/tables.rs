//! The instance's `public` tables: each as CSV and JSON from one read of its rows, page after
//! page in key order (the backup's keyset: `database::backup::Pages`), every page bounded in
//! rows and bytes, written to the spools as it comes, so memory holds one page whatever the
//! table's size. Each table's columns with their types go beside it (`NAME.schema.json`) and
//! into the manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde_json::Value;

use super::archive::{Archive, Spool};
use super::manifest::{Column, TableAbout};
use super::{file_name, ExportError, Source};
use crate::database::backup::{self, ident, text, Pages, Table};
use crate::spreadsheet::defused;

/// Every column of every `public` table, with its type, in one call.
const COLUMNS: &str = "SELECT c.relname AS rel,
        json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull)
                 ORDER BY a.attnum)::text AS cols
   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE n.nspname = 'public' AND c.relkind = 'r'
  GROUP BY c.relname";

/// The `public` tables the catalog lists (the backup's list: the customer's own, no
/// extension's), each with its columns.
async fn list(from: &Source<'_>) -> Result<Vec<(Table, Vec<Column>)>, ExportError> {
    let tables = backup::tables(from.supabase, &from.project_ref).await?;
    let rows = from.supabase.run_query(&from.project_ref, COLUMNS).await?;
    let mut columns: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for r in rows {
        let list = text(&r["cols"]).unwrap_or_default();
        let list: Vec<(String, String, bool)> = serde_json::from_str(&list)
            .map_err(|e| ExportError::Unreadable(format!("the columns' answer: {e}")))?;
        let cols = list
            .into_iter()
            .map(|(name, ty, nullable)| Column { name, ty, nullable })
            .collect();
        columns.insert(text(&r["rel"]).unwrap_or_default(), cols);
    }
    Ok(tables
        .into_iter()
        .filter(|t| t.schema == "public")
        .map(|t| {
            let cols = columns.remove(&t.name).unwrap_or_default();
            (t, cols)
        })
        .collect())
}

/// Writes every `public` table into the archive; what each held.
pub(super) async fn write(
    mut archive: Archive,
    from: &Source<'_>,
) -> Result<(Archive, Vec<TableAbout>), ExportError> {
    let mut about = Vec::new();
    let mut used = BTreeSet::new();
    for (table, columns) in list(from).await? {
        let file = format!("tables/{}", file_name(&table.name, &mut used));
        let (a, rows) = one(archive, from, &table, &columns, &file).await?;
        archive = a;
        let t = TableAbout {
            name: table.name.clone(),
            file: file.clone(),
            rows,
            columns,
            primary_key: table.key.iter().map(|(c, _)| unquoted(c)).collect(),
        };
        let schema = serde_json::to_vec_pretty(&t).expect("a table's description serializes");
        archive = crate::blocking::run(move || {
            archive.add(&format!("{file}.schema.json"), &schema)?;
            Ok::<_, ExportError>(archive)
        })
        .await?;
        about.push(t);
    }
    Ok((archive, about))
}

/// A key column's name as the catalog quoted it (`"a""b"` → `a"b`).
fn unquoted(quoted: &str) -> String {
    match quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => quoted.to_string(),
    }
}

/// The table's two files being written.
struct Files {
    csv: csv::Writer<Spool>,
    json: Spool,
    rows: u64,
}

impl Files {
    /// One page: each row's cells to the CSV (a formula defused), its object to the JSON.
    fn page(&mut self, page: &[Value]) -> Result<(), ExportError> {
        for r in page {
            let cells: Vec<Option<String>> =
                serde_json::from_str(&text(&r["v"]).unwrap_or_default())
                    .map_err(|e| ExportError::Unreadable(format!("a row's cells: {e}")))?;
            self.csv
                .write_record(cells.into_iter().map(|c| defused(c.unwrap_or_default())))
                .map_err(csv_error)?;
            let sep: &[u8] = if self.rows == 0 { b"\n" } else { b",\n" };
            self.json.write_all(sep)?;
            self.json
                .write_all(text(&r["j"]).unwrap_or_default().as_bytes())?;
            self.rows += 1;
        }
        Ok(())
    }
}

pub(super) fn csv_error(e: csv::Error) -> ExportError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ExportError::Io(io.to_string()),
        other => ExportError::Io(format!("{other:?}")),
    }
}

/// One table's rows into `FILE.csv` and `FILE.json`; how many.
async fn one(
    archive: Archive,
    from: &Source<'_>,
    t: &Table,
    columns: &[Column],
    file: &str,
) -> Result<(Archive, u64), ExportError> {
    let header: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let cells = columns
        .iter()
        .map(|c| format!("_r.{}::text", ident(&c.name)))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = Rows {
        json: "row_to_json(_r)::text".to_string(),
        cells: format!("json_build_array({cells})::text"),
    };
    rows.write(archive, from, t, &header, file).await
}

/// What a page reads of each row: its JSON object, and its cells' text as a JSON array.
pub(super) struct Rows {
    pub json: String,
    pub cells: String,
}

impl Rows {
    /// The rows of `t` into `FILE.csv` (under `header`) and `FILE.json`; how many.
    pub(super) async fn write(
        &self,
        archive: Archive,
        from: &Source<'_>,
        t: &Table,
        header: &[String],
        file: &str,
    ) -> Result<(Archive, u64), ExportError> {
        let mut files = Files {
            csv: csv::Writer::from_writer(archive.spool(&format!("{file}.csv"))?),
            json: archive.spool(&format!("{file}.json"))?,
            rows: 0,
        };
        let header: Vec<String> = header.iter().map(|h| defused(h.clone())).collect();
        files.csv.write_record(&header).map_err(csv_error)?;
        files.json.write_all(b"[")?;
        // The JSON first: a page's bytes are counted by it.
        let select = [(self.json.clone(), "j"), (self.cells.clone(), "v")];
        let mut pages = Pages::of(t);
        while let Some(page) = pages
            .next(from.supabase, &from.project_ref, &select)
            .await?
        {
            files = crate::blocking::run(move || {
                files.page(&page)?;
                Ok::<_, ExportError>(files)
            })
            .await?;
        }
        crate::blocking::run(move || {
            let mut archive = archive;
            let Files {
                csv,
                mut json,
                rows,
            } = files;
            json.write_all(if rows == 0 { b"]\n" } else { b"\n]\n" })?;
            let csv = csv
                .into_inner()
                .map_err(|e| ExportError::Io(e.to_string()))?;
            archive.add_spool(csv)?;
            archive.add_spool(json)?;
            Ok((archive, rows))
        })
        .await
    }
}
