//! Writing the register as CSV or JSON, one customer at a time: the file grows with the
//! register, the memory does not.

use std::io::Write;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Column, MODULE_SEPARATOR};
use crate::customer::rows::CustomerRows;
use crate::customer::Customer;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::spreadsheet::defused;
use crate::store::Store;

/// The two forms of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// One row per customer, with a header; opens in a spreadsheet.
    Csv,
    /// `{"format": "fabrik-register", "version": 1, …, "customers": [...]}`.
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

/// The name of an export file's JSON format, and its version.
pub(super) const JSON_FORMAT: &str = "fabrik-register";
const JSON_VERSION: u32 = 1;

/// One cell of the customer's row, as the export writes it (modules joined).
fn cell(c: &Customer, column: Column) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    match column {
        Column::Slug => c.slug.clone(),
        Column::Name => c.name.clone(),
        Column::AdminEmail => c.admin_email.clone(),
        Column::ContactName => opt(&c.contact_name),
        Column::Plan => c.plan.to_string(),
        Column::Modules => c
            .modules
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(MODULE_SEPARATOR),
        Column::Status => c.status.to_string(),
        Column::Notes => c.notes.clone(),
        Column::ProductionUrl => opt(&c.instance.production_url),
        Column::GithubRepoUrl => opt(&c.instance.github_repo_url),
        Column::SupabaseProjectRef => opt(&c.instance.supabase_project_ref),
        Column::VercelProjectId => opt(&c.instance.vercel_project_id),
        Column::N8nWorkflowId => opt(&c.instance.n8n_workflow_id),
        Column::Uid => c.uid.clone(),
        Column::CreatedAt => c.created_at.to_rfc3339(),
        Column::UpdatedAt => c.updated_at.to_rfc3339(),
    }
}

/// One customer in the JSON export: the same columns, modules as a list.
fn json_record(c: &Customer) -> serde_json::Value {
    let mut record = serde_json::Map::new();
    for &column in Column::ALL {
        let value = match column {
            Column::Modules => serde_json::json!(c.modules),
            Column::ContactName => serde_json::json!(c.contact_name),
            Column::ProductionUrl => serde_json::json!(c.instance.production_url),
            Column::GithubRepoUrl => serde_json::json!(c.instance.github_repo_url),
            Column::SupabaseProjectRef => serde_json::json!(c.instance.supabase_project_ref),
            Column::VercelProjectId => serde_json::json!(c.instance.vercel_project_id),
            Column::N8nWorkflowId => serde_json::json!(c.instance.n8n_workflow_id),
            other => serde_json::Value::String(cell(c, other)),
        };
        record.insert(column.as_str().to_string(), value);
    }
    serde_json::Value::Object(record)
}

/// Writes every live customer (examples left out) with its status and card in `env`; returns
/// how many were written. Nothing of a secret is in a customer, so nothing secret can be here.
pub fn export(
    store: &Store,
    env: Environment,
    format: ExportFormat,
    out: impl Write,
) -> Result<usize> {
    let mut out = std::io::BufWriter::new(out);
    let n = match format {
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            csv.write_record(Column::ALL.iter().map(|c| c.as_str()))
                .map_err(csv_error)?;
            let n = store.each_customer(env, |c| {
                csv.write_record(Column::ALL.iter().map(|&col| defused(cell(&c, col))))
                    .map_err(csv_error)
            })?;
            csv.flush()?;
            n
        }
        ExportFormat::Json => {
            let head = serde_json::json!({
                "format": JSON_FORMAT,
                "version": JSON_VERSION,
                "exported_at": crate::store::now().to_rfc3339(),
                "environment": env,
            });
            // The head's fields, then the customers streamed into the same object.
            let head = serde_json::to_string(&head).map_err(|e| Error::Internal(e.to_string()))?;
            write!(out, "{},\"customers\":[", head.trim_end_matches('}'))?;
            let mut first = true;
            let n = store.each_customer(env, |c| {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                out.write_all(b"\n  ")?;
                serde_json::to_writer(&mut out, &json_record(&c))
                    .map_err(|e| Error::Internal(e.to_string()))
            })?;
            out.write_all(b"\n]}\n")?;
            n
        }
    };
    out.flush()?;
    Ok(n)
}

/// Writes the export to a new file at `path` (an existing file is never written over: the
/// error is `AlreadyExists`); a failed export leaves no half-written file behind to be
/// mistaken for a whole one.
pub fn export_file(
    store: &Store,
    env: Environment,
    format: ExportFormat,
    path: &std::path::Path,
) -> Result<usize> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let written = export(store, env, format, file);
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io(io),
        other => Error::Internal(format!("{other:?}")),
    }
}
