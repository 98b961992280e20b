//! Reading customers from a file: an exported register (CSV or JSON), the portal's
//! `organizations` table saved as CSV, or a spreadsheet. Every row is checked by the same rules
//! as the form; the preview says what would be added and what would be skipped and why, and
//! the import adds exactly the rows the preview called good, in one transaction.
//!
//! An import only adds: a slug the register already holds is skipped, never overwritten, and
//! no uid is taken from a file, so nothing an imported row names becomes the customer's to
//! change or delete (ownership is proven by Fabrik's own runs, not by a file).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use super::{Column, MODULE_SEPARATOR};
use crate::customer::rows::CustomerRows;
use crate::customer::validate::{validate_new, ValidFields};
use crate::customer::{CustomerDraft, FieldError, Instance, Module, ModuleManifest, Plan, Status};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::messages::{ErrorCode, Text};
use crate::spreadsheet::undefused;
use crate::store::Store;

/// The largest file an import reads (a register of 100,000 customers exports to about 20 MB).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// How many of the rows to add the preview lists by name (the count is always whole).
const SAMPLE: usize = 100;

/// One row of the file and what the import does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportRow {
    /// The row's line in the file (the header is line 1), or its place in a JSON list.
    pub line: u32,
    pub name: String,
    pub slug: String,
    pub admin_email: String,
    /// Empty: the row is added. Otherwise why it is skipped, field by field.
    pub problems: Vec<FieldError>,
}

/// What an import of the file would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportPreview {
    /// Where the rows' status and instance card are written.
    pub environment: Environment,
    pub to_add: u32,
    /// The first rows to add, in file order.
    pub sample: Vec<ImportRow>,
    /// Every row that is skipped, with its reasons.
    pub skipped: Vec<ImportRow>,
    /// Columns of the file that no field is read from.
    pub ignored_columns: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportReport {
    pub environment: Environment,
    pub added: u32,
    pub skipped: Vec<ImportRow>,
}

/// A row as read: its line and the cells of the columns the file has.
struct RawRow {
    line: u32,
    cells: HashMap<Column, String>,
}

struct Parsed {
    rows: Vec<RawRow>,
    ignored_columns: Vec<String>,
}

fn file_error(reason: Text) -> Error {
    Error::ImportFile(reason)
}

/// "är 40 MB; högst 32 MB kan importeras åt gången" when `len` bytes are more than an import
/// reads (a file, or the rows read from the portal).
pub(super) fn too_large(len: usize) -> Option<Text> {
    (len > MAX_IMPORT_BYTES).then(|| {
        let (mb, max) = (len / 1_048_576, MAX_IMPORT_BYTES / 1_048_576);
        crate::messages::Say::ImportMBMostMBCanImported
            .with(crate::messages::params! { "mb" => mb, "max" => max })
    })
}

/// "är större än de 32 MB som kan importeras åt gången": a source read only up to the limit,
/// whose whole size is therefore not known (the portal).
pub(super) fn larger_than_limit() -> Text {
    crate::messages::Say::ImportLargerThanCanImported
        .with(crate::messages::params! { "max" => MAX_IMPORT_BYTES / 1_048_576 })
}

/// The file's text; a spreadsheet's "CSV" in another encoding is named as such.
fn text_of(bytes: &[u8]) -> Result<&str> {
    if let Some(size) = too_large(bytes.len()) {
        return Err(file_error(
            size.within(|s| format!("filen {s}"), |s| format!("the file {s}")),
        ));
    }
    let not_utf8 = |at: usize| {
        file_error(
            crate::messages::Say::ImportFileNotUTF8Byte
                .with(crate::messages::params! { "at" => at }),
        )
    };
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(e.valid_up_to()))?;
    // The window reads a file as text, and a browser puts U+FFFD where a byte was not UTF-8:
    // a name with "\u{FFFD}" in it is a spreadsheet saved in another encoding, not a name.
    if let Some(at) = text.find('\u{FFFD}') {
        return Err(not_utf8(at));
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(file_error(crate::messages::Say::ImportFileEmpty.text()));
    }
    Ok(text)
}

fn parse(bytes: &[u8]) -> Result<Parsed> {
    let text = text_of(bytes)?;
    if text.trim_start().starts_with(['{', '[']) {
        parse_json(text)
    } else {
        parse_csv(text)
    }
}

/// The separator of the header line: a Swedish spreadsheet writes `;`, others `,` or a tab.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&s| header.bytes().filter(|&b| b == s).count())
        .unwrap_or(b',')
}

fn columns(headers: &[String]) -> Result<(Vec<Option<Column>>, Vec<String>)> {
    let mut seen = HashSet::new();
    let mut ignored = Vec::new();
    let mut map = Vec::new();
    for h in headers {
        let column = Column::from_header(h).filter(|c| !c.kept_by_register());
        if let Some(c) = column {
            if !seen.insert(c) {
                return Err(file_error(
                    crate::messages::Say::ImportColumnAppearsTwiceHeaderRow
                        .with(crate::messages::params! { "as_str" => c.as_str() }),
                ));
            }
        } else if !h.trim().is_empty() && Column::from_header(h).is_none() {
            ignored.push(h.trim().to_string());
        }
        map.push(column);
    }
    let missing: Vec<&str> = [Column::Name, Column::AdminEmail]
        .into_iter()
        .filter(|c| !seen.contains(c))
        .map(|c| c.as_str())
        .collect();
    if !missing.is_empty() {
        let mut p = crate::messages::params! { "headers" => headers.join(", ") };
        crate::messages::param_text(
            &mut p,
            "missing",
            &Text::new(missing.join(" och "), missing.join(" or ")),
        );
        return Err(file_error(
            crate::messages::Say::ImportHeaderRowMissing.with(p),
        ));
    }
    Ok((map, ignored))
}

fn parse_csv(text: &str) -> Result<Parsed> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_file_error(&e))?
        .iter()
        .map(str::to_string)
        .collect();
    let (map, ignored_columns) = columns(&headers)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_file_error(&e))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line()) as u32;
        let cells = map
            .iter()
            .zip(record.iter())
            .filter_map(|(c, v)| c.map(|c| (c, undefused(v))))
            .collect();
        rows.push(RawRow { line, cells });
    }
    Ok(Parsed {
        rows,
        ignored_columns,
    })
}

fn csv_file_error(e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    file_error(
        crate::messages::Say::ImportCSVFileCannotReadLine
            .with(crate::messages::params! { "line" => line, "e" => e }),
    )
}

/// An export's JSON (`{"customers": [...]}`) or a plain list of objects.
fn parse_json(text: &str) -> Result<Parsed> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        file_error(
            crate::messages::Say::ImportJSONFileCannotReadLine
                .with(crate::messages::params! { "line" => e.line(), "e" => e }),
        )
    })?;
    let list = match &value {
        serde_json::Value::Array(list) => list,
        serde_json::Value::Object(o) => match o.get("customers") {
            Some(serde_json::Value::Array(list)) => list,
            _ => {
                return Err(file_error(
                    crate::messages::Say::ImportJSONFileHasNoCustomers.text(),
                ))
            }
        },
        _ => {
            return Err(file_error(
                crate::messages::Say::ImportJSONFileNeitherListNor.text(),
            ))
        }
    };
    let mut headers: Vec<String> = Vec::new();
    for item in list {
        if let serde_json::Value::Object(o) = item {
            for k in o.keys() {
                if !headers.contains(k) {
                    headers.push(k.clone());
                }
            }
        }
    }
    let (map, ignored_columns) = columns(&headers)?;
    let by_name: HashMap<&str, Column> = headers
        .iter()
        .zip(&map)
        .filter_map(|(h, c)| c.map(|c| (h.as_str(), c)))
        .collect();
    let mut rows = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let mut cells = HashMap::new();
        if let serde_json::Value::Object(o) = item {
            for (k, v) in o {
                if let Some(&c) = by_name.get(k.as_str()) {
                    cells.insert(c, json_cell(v));
                }
            }
        }
        rows.push(RawRow {
            line: i as u32 + 1,
            cells,
        });
    }
    Ok(Parsed {
        rows,
        ignored_columns,
    })
}

fn json_cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(json_cell)
            .collect::<Vec<_>>()
            .join(MODULE_SEPARATOR),
        other => other.to_string(),
    }
}

fn unknown_value(field: &str, label: (&str, &str), value: &str, valid: &[&str]) -> FieldError {
    FieldError::new(
        field,
        ErrorCode::ImportValueUnknown,
        crate::messages::params! {
            "label" => label.0, "label_en" => label.1, "value" => value, "valid" => valid.join(", "),
        },
    )
}

/// The row as a new customer, checked by the form's rules, or every problem it has.
fn fields_of(
    row: &RawRow,
    manifest: &ModuleManifest,
) -> std::result::Result<ValidFields, Vec<FieldError>> {
    let get = |c: Column| {
        row.cells
            .get(&c)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut errors = Vec::new();
    let plan = get(Column::Plan).and_then(|p| {
        Plan::parse(&p.to_lowercase()).or_else(|| {
            let valid: Vec<&str> = Plan::ALL.iter().map(|p| p.as_str()).collect();
            errors.push(unknown_value("plan", ("Planen", "The plan"), &p, &valid));
            None
        })
    });
    let modules = get(Column::Modules).map(|cell| {
        cell.split([';', ',', '|', ' '])
            .filter(|m| !m.is_empty())
            .filter_map(|m| {
                Module::parse(&m.to_lowercase()).or_else(|| {
                    let valid: Vec<&str> = Module::ALL.iter().map(|m| m.as_str()).collect();
                    errors.push(unknown_value(
                        "modules",
                        ("Modulen", "The module"),
                        m,
                        &valid,
                    ));
                    None
                })
            })
            .collect::<Vec<_>>()
    });
    let status = get(Column::Status).and_then(|s| match Status::parse(&s.to_lowercase()) {
        Some(Status::Provisioning) => {
            errors.push(FieldError::new(
                "status",
                ErrorCode::ImportStatus,
                crate::messages::params! { "value" => s },
            ));
            None
        }
        Some(status) => Some(status),
        None => {
            let valid: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            errors.push(unknown_value(
                "status",
                ("Statusen", "The status"),
                &s,
                &valid,
            ));
            None
        }
    });
    let draft = CustomerDraft {
        name: get(Column::Name).unwrap_or_default(),
        slug: get(Column::Slug),
        admin_email: get(Column::AdminEmail).unwrap_or_default(),
        contact_name: get(Column::ContactName),
        plan,
        modules,
        status,
        notes: get(Column::Notes),
    };
    let instance = Instance {
        production_url: get(Column::ProductionUrl),
        github_repo_url: get(Column::GithubRepoUrl),
        supabase_project_ref: get(Column::SupabaseProjectRef),
        vercel_project_id: get(Column::VercelProjectId),
        n8n_workflow_id: get(Column::N8nWorkflowId),
    };
    match validate_new(draft, instance, manifest) {
        Ok(f) if errors.is_empty() => Ok(f),
        Ok(_) => Err(errors),
        Err(mut more) => {
            errors.append(&mut more);
            Err(errors)
        }
    }
}

/// Each row checked against the rules, the register and the rows above it.
struct ImportPlan {
    add: Vec<(ImportRow, ValidFields)>,
    skipped: Vec<ImportRow>,
    ignored_columns: Vec<String>,
}

fn plan(store: &Store, bytes: &[u8], manifest: &ModuleManifest) -> Result<ImportPlan> {
    let parsed = parse(bytes)?;
    let taken = store.taken_slugs()?;
    let mut first_line: BTreeMap<String, u32> = BTreeMap::new();
    let mut add = Vec::new();
    let mut skipped = Vec::new();
    for raw in &parsed.rows {
        let cell = |c: Column| {
            raw.cells
                .get(&c)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let mut row = ImportRow {
            line: raw.line,
            name: cell(Column::Name),
            slug: cell(Column::Slug),
            admin_email: cell(Column::AdminEmail),
            problems: Vec::new(),
        };
        match fields_of(raw, manifest) {
            Err(problems) => row.problems = problems,
            Ok(f) => {
                row.slug = f.slug.clone();
                if taken.contains(&f.slug) {
                    row.problems.push(FieldError::new(
                        "slug",
                        ErrorCode::ImportExists,
                        crate::messages::params! { "slug" => f.slug },
                    ));
                } else if let Some(line) = first_line.get(&f.slug) {
                    row.problems.push(FieldError::new(
                        "slug",
                        ErrorCode::ImportDuplicate,
                        crate::messages::params! { "slug" => f.slug, "line" => line },
                    ));
                } else {
                    first_line.insert(f.slug.clone(), raw.line);
                    add.push((row, f));
                    continue;
                }
            }
        }
        skipped.push(row);
    }
    Ok(ImportPlan {
        add,
        skipped,
        ignored_columns: parsed.ignored_columns,
    })
}

/// What importing the file would do; nothing is written.
pub fn preview_import(
    store: &Store,
    bytes: &[u8],
    manifest: &ModuleManifest,
) -> Result<ImportPreview> {
    let plan = plan(store, bytes, manifest)?;
    Ok(ImportPreview {
        environment: store.environment(),
        to_add: plan.add.len() as u32,
        sample: plan
            .add
            .iter()
            .take(SAMPLE)
            .map(|(r, _)| r.clone())
            .collect(),
        skipped: plan.skipped,
        ignored_columns: plan.ignored_columns,
    })
}

/// Adds the rows the preview calls good, all in one transaction; a slug someone took in the
/// meantime is skipped and reported like the others.
pub fn apply_import(
    store: &Store,
    bytes: &[u8],
    manifest: &ModuleManifest,
) -> Result<ImportReport> {
    let plan = plan(store, bytes, manifest)?;
    let fields: Vec<ValidFields> = plan.add.iter().map(|(_, f)| f.clone()).collect();
    let taken_now: HashSet<String> = store.import_customers(&fields)?.into_iter().collect();
    let mut skipped = plan.skipped;
    let mut added = 0;
    for (mut row, f) in plan.add {
        if taken_now.contains(&f.slug) {
            row.problems.push(FieldError::new(
                "slug",
                ErrorCode::ImportExists,
                crate::messages::params! { "slug" => f.slug },
            ));
            skipped.push(row);
        } else {
            added += 1;
        }
    }
    skipped.sort_by_key(|r| r.line);
    Ok(ImportReport {
        environment: store.environment(),
        added,
        skipped,
    })
}
