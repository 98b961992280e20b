//! A customer's export (issue #59), one core behind the window's "Exportera data", `fabrik
//! export` and the tick's export at a subscription's end: the checks before anything is read (the customer, their delivered and
//! active instance, this login's right, the target), the project proven the customer's, the
//! archive written (`crate::export`), and the export recorded in the register. Not a run: it
//! changes nothing at the instance, and reads it beside whatever runs there.

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ts_rs::TS;

use super::{About, ExportError, ExportPart, Source};
use crate::customer::rows::CustomerRows;
use crate::error::{ApiResult, Error};
use crate::export::rows::ExportRows;
use crate::export::rows::{ExportReason, ExportRecord, NewExport};
use crate::ledger::{RunKind, StepKey};
use crate::messages::{params, ErrorCode, Right};
use crate::provision::outputs;
use crate::provision::Engine;
use crate::store::Store;
use crate::template::rows::TemplateRows;

/// A part the archive does not hold, and why.
#[derive(Debug, Clone, Serialize, TS)]
pub struct OmittedPart {
    pub part: ExportPart,
    pub why: String,
}

/// An export written: where, what the register recorded, and what the archive holds.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Exported {
    pub path: String,
    pub record: ExportRecord,
    #[ts(type = "number")]
    pub tables: u64,
    #[ts(type = "number")]
    pub rows: u64,
    pub omitted: Vec<OmittedPart>,
}

/// The customer's archive as a new `fabrik-export-SLUG-TIME.zip` in the seat's export folder
/// (the window's, the teardown's, the tick's at a subscription's end): the agency's, kept for
/// the owner's `export.keep_days` (`super::keeping`).
pub async fn to_export_folder(
    store: &Arc<Store>,
    engine: &Engine,
    slug: &str,
    reason: ExportReason,
) -> ApiResult<Exported> {
    let out = in_export_folder(slug)?;
    written(store, engine, slug, &out, reason, true).await
}

/// The export a teardown offers, taken right before it: the teardown's own gate is passed first
/// (its right, the slug typed), so no archive is written for a teardown that would be refused.
/// The archive goes into the export folder, the agency's to keep (`super::keeping`).
pub async fn before_teardown(
    store: &Arc<Store>,
    engine: &Engine,
    slug: &str,
    typed: &str,
) -> ApiResult<Exported> {
    let (gate, expected, typed) = (store.clone(), slug.to_string(), typed.to_string());
    crate::blocking::run(move || {
        crate::provision::gate::pass(&gate, RunKind::Teardown.right(), &expected, &typed)
    })
    .await?;
    to_export_folder(store, engine, slug, ExportReason::Teardown).await
}

/// The customer's archive written to `out`, a file a person named (never over a file, into a
/// folder that exists): theirs, never deleted by Fabrik.
pub async fn to_file(
    store: &Arc<Store>,
    engine: &Engine,
    slug: &str,
    out: &Path,
) -> ApiResult<Exported> {
    written(store, engine, slug, out, ExportReason::Asked, false).await
}

/// `fabrik-export-SLUG-TIME.zip` in the export folder (made if missing).
fn in_export_folder(slug: &str) -> ApiResult<PathBuf> {
    let dir = crate::paths::export_dir();
    std::fs::create_dir_all(&dir).map_err(Error::Io)?;
    let stamp = crate::store::now().format("%Y-%m-%d-%H%M%S");
    Ok(dir.join(format!("fabrik-export-{slug}-{stamp}.zip")))
}

async fn written(
    store: &Arc<Store>,
    engine: &Engine,
    slug: &str,
    out: &Path,
    reason: ExportReason,
    in_folder: bool,
) -> ApiResult<Exported> {
    let (slug, env, target) = (slug.to_string(), engine.environment(), out.to_path_buf());
    let (checked, reader) = (engine.clone(), store.clone());
    // Everything that can refuse is asked before the instance is read.
    let (customer, project, template, repo) = crate::blocking::run(move || {
        let customer = reader.get_customer_in(&slug, env)?;
        reader.require(Right::DayTwo)?;
        // An export reads what a backup reads, of an instance as a backup needs it.
        checked.ready_for(RunKind::Backup, &customer)?;
        super::check_target(&target).map_err(|e| refusal(&slug, e))?;
        let project = reader.last_step_output(customer.id, StepKey::SupabaseProject, env)?;
        let template = reader.template_base(customer.id, env)?.map(|b| b.sha);
        let repo = reader.last_step_output(customer.id, StepKey::GithubRepo, env)?;
        Ok::<_, Error>((customer, project, template, repo))
    })
    .await?;
    let project_ref = project
        .and_then(|v| serde_json::from_value::<outputs::SupabaseProject>(v).ok())
        .map(|p| p.project_ref)
        .ok_or_else(|| Error::NotProvisioned(customer.slug.clone()))?;
    let clients = engine.clients();
    crate::provision::proof::supabase_project(&clients.supabase, &customer, &project_ref).await?;
    let schema_version = crate::database::instance::version(&clients.supabase, &project_ref)
        .await
        .map_err(|e| Error::Provider(e.to_string()))?;
    let about = About {
        slug: customer.slug.clone(),
        name: customer.name.clone(),
        environment: env,
        schema_version: schema_version.clone(),
        template_version: template.clone(),
        taken_at: chrono::Utc::now(),
    };
    let source = Source {
        supabase: &clients.supabase,
        n8n: &clients.n8n,
        github: &clients.github,
        repo: repo.and_then(|v| serde_json::from_value(v).ok()),
        project_ref,
        workflow_id: customer.instance.n8n_workflow_id.clone(),
        customer_uid: customer.uid.clone(),
    };
    let written = super::write(out, about, &source)
        .await
        .map_err(|e| refusal(&customer.slug, e))?;
    let file = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (store, path) = (store.clone(), out.to_path_buf());
    let (id, sha256, bytes) = (customer.id, written.sha256.clone(), written.bytes);
    let recorded = crate::blocking::run(move || {
        store.record_export(&NewExport {
            customer_id: id,
            environment: env,
            file: &file,
            bytes,
            sha256: &sha256,
            schema_version: schema_version.as_deref(),
            template_version: template.as_deref(),
            reason,
            in_folder,
        })
    })
    .await;
    // An archive the register does not know of was not handed out: it goes.
    let record = recorded.inspect_err(|_| remove(&path))?;
    let m = &written.manifest;
    Ok(Exported {
        path: out.display().to_string(),
        record,
        tables: m.tables.len() as u64,
        rows: m.tables.iter().map(|t| t.rows).sum(),
        omitted: m
            .parts
            .iter()
            .filter_map(|p| {
                p.omitted.as_ref().map(|why| OmittedPart {
                    part: p.part,
                    why: why.clone(),
                })
            })
            .collect(),
    })
}

fn remove(path: &PathBuf) {
    let _ = std::fs::remove_file(path);
}

/// Why no archive was written, as the person is told.
fn refusal(slug: &str, e: ExportError) -> Error {
    let (code, params) = match e {
        ExportError::Exists(p) => (
            ErrorCode::ExportOutExists,
            params! { "path" => p.display() },
        ),
        ExportError::NoFolder(f) => (
            ErrorCode::ExportFolderMissing,
            params! { "folder" => f.display() },
        ),
        other => (
            ErrorCode::ExportFailed,
            params! { "slug" => slug, "detail" => other },
        ),
    };
    Error::Refused { code, params }
}
