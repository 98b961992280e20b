//! The customer's n8n workflow backed up to the agency's backup repository, and a backed-up
//! version written back.
//!
//! A backup reads the workflow by the id on the instance card (proved the customer's by its
//! marker), normalizes it (`crate::workflows`), compares the file's git blob SHA with what the
//! repository's folder shows, and makes one commit only when something differs. A run that is
//! continued finds its own row; a commit whose answer was lost shows up as a file that already
//! holds the bytes, and the file's last commit is taken as this backup's.
//!
//! A restore first backs the current workflow up (`n8n.backup`, in the same run), then writes
//! the chosen version back by id, keeping the workflow's run state (`staticData`) and its
//! activation as they were. If anything fails after the write, the step puts the current one
//! back before it reports the failure; the engine's rollback does the same from the backup.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::lifecycle::{owns_workflow, workflow_id};
use super::{done, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::{RunKind, StepKey};
use crate::messages::params;
use crate::messages::{ErrorCode, Say, Text};
use crate::providers::error::ErrorKind;
use crate::providers::gitea::Identity;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::kinds::RunRequest;
use crate::provision::ownership;
use crate::secrets::Provider;
use crate::workflows::backups::WorkflowBackupRows;
use crate::workflows::backups::{
    NewWorkflowBackup, WorkflowBackup, WorkflowBackupReason, WorkflowFile,
};
use crate::workflows::{self, Target, TargetKind};

step!(BACKUP: N8nBackup, "Säkerhetskopiera n8n-flödet", "Back up the n8n workflow", needs [], Some(Provider::Gitea), backup);

step!(RESTORE: N8nRestore, "Skriv tillbaka flödets version", "Write the workflow's version back", needs [N8nBackup], Some(Provider::N8n), restore;
    restore nothing_to_find, owns_workflow, put_back,
    by hand "Skriv tillbaka n8n-flödet {id} från säkerhetskopian som körningen tog först (fabrik restore workflow), eller i n8n (Workflows → flödet → Import).",
    "Write the n8n workflow {id} back from the backup the run took first (fabrik restore workflow), or in n8n (Workflows → the workflow → Import).");

/// A stale view (someone else's commit between the read and the write) is read again, a few
/// times: two seats backing up one customer at once settle on one commit.
const ATTEMPTS: usize = 3;

/// Where this seat's backups go (`backup.target`): its Gitea (which must be set), or GitHub
/// with the token provisioning uses.
fn target(ctx: &RunCtx) -> Result<Target<'_>, StepError> {
    match ctx.settings.backup_target {
        TargetKind::Github => Ok(Target::Github(&ctx.clients.github)),
        TargetKind::Gitea => ctx.clients.gitea.as_ref().map(Target::Gitea).ok_or_else(|| {
            StepError::permanent(
                ErrorCode::GiteaNotSet,
                params! { "missing" => "Gitea-adressen eller token", "missing_en" => "the Gitea address or token" },
            )
        }),
    }
}

fn failed(repository: &str, detail: impl std::fmt::Display) -> StepError {
    StepError::permanent(
        ErrorCode::WorkflowBackupFailed,
        params! { "repository" => repository, "detail" => detail },
    )
}

/// `commit`: the commit that holds this version; `changed`: files this backup committed (0: it
/// found the repository holding them already).
fn output(b: &WorkflowBackup) -> Value {
    json!({ "backup": b.id, "commit": b.commit_sha, "changed": b.changed, "repository": b.repository })
}

fn reason(ctx: &RunCtx) -> WorkflowBackupReason {
    match (&ctx.kind, &ctx.request) {
        (RunKind::WorkflowRestore, _) => WorkflowBackupReason::BeforeRestore,
        (_, Some(r)) if r.scheduled() => WorkflowBackupReason::Scheduled,
        (
            _,
            Some(RunRequest::WorkflowBackup {
                provisioned: Some(true),
                ..
            }),
        ) => WorkflowBackupReason::Provisioned,
        _ => WorkflowBackupReason::OnDemand,
    }
}

async fn backup(ctx: &RunCtx) -> Result<Done, StepError> {
    let run_id = ctx.run_id;
    if let Some(b) = ctx.db(move |s| s.workflow_backup_of_run(run_id)).await? {
        return done(StepOutcome::Done, b.commit_sha.clone(), output(&b));
    }
    let target = target(ctx)?;
    let repository = ctx.settings.backup_repository.clone();
    let slug = ctx.customer.slug.clone();
    let id = workflow_id(ctx).await?;
    let Some(exported) = ctx.clients.n8n.export(&id).await? else {
        return Err(gone(&id));
    };
    let bytes = workflows::normalize(&exported).map_err(|e| failed(&repository, e))?;
    let path = workflows::path_of(&slug, &id);
    let files: BTreeMap<String, Vec<u8>> = [(path.clone(), bytes)].into();
    let message = format!(
        "Säkerhetskopia av {slug}s n8n-flöde\n\nFabrik-Run: {run_id}\nFabrik-Customer: {}\n",
        ctx.customer.uid
    );
    let author = Identity {
        name: ctx.settings.agency.clone(),
        email: ctx.settings.support_address.clone(),
    };

    let mut commit = None;
    let mut planned = None;
    for attempt in 1..=ATTEMPTS {
        let listing = target
            .listing(&repository, &workflows::folder_of(&slug))
            .await
            .map_err(|e| missing_repository(e, &repository))?;
        let plan = workflows::changes(&files, &listing.blobs);
        if plan.changes.is_empty() {
            // Nothing to write: the commit that holds the file holds this version (one this run
            // or a killed one made, its answer lost, or an earlier backup's).
            commit = listing.holds.get(&path).cloned();
            planned = Some((plan, 0));
            break;
        }
        ctx.record_intent(StepKey::N8nBackup, &path).await?;
        let changed = plan.changes.len() as i64;
        match target
            .commit(&repository, &message, &author, &plan.changes)
            .await
        {
            Ok(sha) => {
                commit = Some(sha);
                planned = Some((plan, changed));
                break;
            }
            // Changed meanwhile (Gitea answers a stale `sha` with 422, a create of a file that
            // exists too), or removed meanwhile (404): read the folder again.
            Err(e)
                if attempt < ATTEMPTS
                    && (e.kind == ErrorKind::Conflict
                        || e.kind == ErrorKind::NotFound
                        || e.status == Some(422)) =>
            {
                continue
            }
            Err(e) if e.kind == ErrorKind::NotFound => {
                return Err(missing_repository(e, &repository))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let Some((plan, changed)) = planned else {
        return Err(failed(&repository, "the folder kept changing"));
    };
    let file = WorkflowFile {
        workflow: id.clone(),
        name: exported["name"].as_str().unwrap_or_default().to_string(),
        path: path.clone(),
        blob: plan.blobs.get(&path).cloned().unwrap_or_default(),
        active: exported["active"].as_bool().unwrap_or(false),
    };
    let (customer_id, environment, why) = (ctx.customer.id, ctx.environment, reason(ctx));
    let (commit_sha, kind) = (commit.clone(), target.kind());
    let row = ctx
        .db(move |s| {
            s.insert_workflow_backup(&NewWorkflowBackup {
                customer_id,
                environment,
                run_id: Some(run_id),
                target: kind.as_str(),
                repository: &repository,
                commit_sha: commit_sha.as_deref(),
                files: &[file],
                changed,
                reason: why,
            })
        })
        .await?;
    let say = if changed == 0 {
        Say::WorkflowBackupUnchanged
    } else {
        Say::WorkflowBackupCommitted
    };
    ctx.log(
        StepKey::N8nBackup,
        crate::ledger::LogLevel::Info,
        &say.with(params! { "repository" => row.repository, "commit" => short(commit.as_deref()) }),
    )
    .await;
    done(StepOutcome::Done, commit, output(&row))
}

fn short(sha: Option<&str>) -> String {
    sha.map(|s| s.chars().take(10).collect())
        .unwrap_or_default()
}

fn gone(id: &str) -> StepError {
    StepError::permanent(
        ErrorCode::ResourceGone,
        params! { "resource" => "n8n-flödet", "resource_en" => "The n8n workflow", "name" => id },
    )
}

/// A repository Gitea does not show is a setting to fix, not something to retry.
fn missing_repository(e: crate::providers::ProviderError, repository: &str) -> StepError {
    if e.kind == ErrorKind::NotFound {
        failed(
            repository,
            "the repository does not exist or the token cannot see it (Settings → Gitea)",
        )
    } else {
        e.into()
    }
}

/// The version asked for: this customer's row, and the commit that holds it (a backup that
/// found nothing changed holds what the newest earlier commit holds).
async fn version(ctx: &RunCtx, version: i64) -> Result<(WorkflowBackup, String), StepError> {
    let (customer_id, environment) = (ctx.customer.id, ctx.environment);
    let rows = ctx
        .db(move |s| s.workflow_backups(customer_id, environment))
        .await?;
    let not_found = || {
        StepError::permanent(
            ErrorCode::WorkflowVersionNotFound,
            params! { "version" => version, "workflow" => "", "slug" => ctx.customer.slug },
        )
    };
    let at = rows
        .iter()
        .position(|b| b.id == version)
        .ok_or_else(not_found)?;
    let commit = rows[at..]
        .iter()
        .find_map(|b| b.commit_sha.clone())
        .ok_or_else(not_found)?;
    Ok((rows[at].clone(), commit))
}

async fn restore(ctx: &RunCtx) -> Result<Done, StepError> {
    let Some(RunRequest::WorkflowRestore { version: asked }) = ctx.request else {
        return Err(StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::N8nRestore, "field" => "version" },
        ));
    };
    let target = target(ctx)?;
    let id = workflow_id(ctx).await?;
    let (row, commit) = version(ctx, asked).await?;
    let path = workflows::path_of(&ctx.customer.slug, &id);
    let not_ours = |why: (&str, &str)| {
        StepError::permanent(
            ErrorCode::WorkflowVersionNotOurs,
            params! { "version" => asked, "repository" => row.repository, "workflow" => id, "why" => why.0, "why_en" => why.1 },
        )
    };
    let Some(bytes) = target.file_at(&row.repository, &path, &commit).await? else {
        return Err(StepError::permanent(
            ErrorCode::WorkflowVersionNotFound,
            params! { "version" => asked, "workflow" => id, "slug" => ctx.customer.slug },
        ));
    };
    let chosen: Value = serde_json::from_slice(&bytes)
        .map_err(|_| not_ours(("filen är inte JSON", "the file is not JSON")))?;
    if chosen["id"].as_str() != Some(id.as_str()) {
        return Err(not_ours(("ett annat flödes id", "another workflow's id")));
    }
    let nodes = chosen["nodes"].as_array().cloned().unwrap_or_default();
    if !ownership::n8n_carries(&nodes, &ctx.customer.uid) {
        return Err(not_ours((
            "utan kundens märkning",
            "without the customer's marker",
        )));
    }
    let Some(current) = ctx.clients.n8n.export(&id).await? else {
        return Err(gone(&id));
    };
    let was_active = current["active"].as_bool().unwrap_or(false);
    // What makes it run stays the workflow's own: its static data and its activation.
    let mut body = chosen.clone();
    body["staticData"] = current["staticData"].clone();
    // What the backup could only keep as `<redacted>` stays what the workflow has now.
    workflows::unredact(&mut body, &current);
    let out = json!({ "id": id, "version": asked, "commit": commit, "was_active": was_active });
    // Recorded before the write: a rollback from here on puts the backed-up current one back.
    ctx.record_resource(StepKey::N8nRestore, &id, true, &out)
        .await?;
    let written = async {
        ctx.clients.n8n.replace(&id, &body).await?;
        keep_activation(ctx, &id, was_active).await
    }
    .await;
    if let Err(e) = written {
        // The current one back at once, from memory: the failure is then all that happened.
        let _ = ctx.clients.n8n.replace(&id, &current).await;
        let _ = keep_activation(ctx, &id, was_active).await;
        return Err(e);
    }
    done(StepOutcome::Done, Some(id), out)
}

/// Activation as it was before the write.
async fn keep_activation(ctx: &RunCtx, id: &str, was_active: bool) -> Result<(), StepError> {
    let now = ctx.clients.n8n.get(id).await?.is_some_and(|w| w.active);
    match (was_active, now) {
        (true, false) => ctx.clients.n8n.activate(id).await.map(|_| ())?,
        (false, true) => ctx.clients.n8n.deactivate(id).await.map(|_| ())?,
        _ => {}
    }
    Ok(())
}

async fn nothing_to_find(_: &RunCtx, _: &str) -> Result<Option<(String, Value)>, StepError> {
    Ok(None)
}

/// The engine's rollback of a restore: the current one as this run's backup holds it.
async fn put_back(ctx: &RunCtx, id: &str, out: &Value) -> Result<(), StepError> {
    let target = target(ctx)?;
    let backed_up = ctx.out::<crate::provision::outputs::WorkflowBackupDone>()?;
    let run_id = ctx.run_id;
    let row = ctx
        .db(move |s| s.workflow_backup_of_run(run_id))
        .await?
        .ok_or_else(|| gone(id))?;
    let commit = match backed_up.commit.or(row.commit_sha) {
        Some(c) => c,
        // The backup found the repository current: the newest commit holds it.
        None => version(ctx, row.id).await?.1,
    };
    let path = workflows::path_of(&ctx.customer.slug, id);
    let bytes = target
        .file_at(&row.repository, &path, &commit)
        .await?
        .ok_or_else(|| gone(id))?;
    let mut before: Value =
        serde_json::from_slice(&bytes).map_err(|e| failed(&row.repository, e))?;
    if let Some(current) = ctx.clients.n8n.export(id).await? {
        before["staticData"] = current["staticData"].clone();
        workflows::unredact(&mut before, &current);
    }
    ctx.clients.n8n.replace(id, &before).await?;
    keep_activation(ctx, id, out["was_active"].as_bool().unwrap_or(false)).await
}
