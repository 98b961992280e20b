//! The customer's database backed up (before a migration or a restore, on demand, on a
//! schedule) and put back from a backup. What a backup is lives in `crate::database::backup`;
//! these steps find the project, take or read the backup and record it in the register.

use serde_json::json;

use super::{done, StepDef};
use crate::database::backup::rows::BackupRows;
use crate::database::backup::rows::{Backup, BackupReason, NewBackup};
use crate::database::backup::{self, crypt, files, BackupError, TableSum};
use crate::ledger::events::StepOutcome;
use crate::ledger::{LogLevel, RunKind, StepKey};
use crate::messages::params;
use crate::messages::{ErrorCode, Say};
use crate::providers::ErrorKind;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::kinds::RunRequest;
use crate::provision::outputs;
use crate::secrets::Provider;

const SUPABASE: Option<Provider> = Some(Provider::Supabase);

step!(BACKUP: SupabaseBackup, "Säkerhetskopiera databasen", "Back up the database", needs [], SUPABASE, backup);

step!(RESTORE: SupabaseRestoreBackup, "Återställ databasen från säkerhetskopian", "Restore the database from the backup", needs [SupabaseBackup], SUPABASE, restore);

/// A backup's failure as a step's: a call worth repeating stays the provider's (the retry
/// policy knows it); anything else is permanent, with the database's own words.
fn failed(code: ErrorCode, backup: Option<i64>) -> impl Fn(BackupError) -> StepError {
    move |e| match e {
        BackupError::Query(p) if p.is_retryable() || p.kind != ErrorKind::Invalid => {
            StepError::Provider(p)
        }
        BackupError::Keyring(k) => StepError::Keyring(k),
        BackupError::Unreadable(_) | BackupError::KeyMissing(_) => StepError::permanent(
            ErrorCode::BackupUnreadable,
            params! { "backup" => backup.unwrap_or_default(), "detail" => e },
        ),
        other => StepError::permanent(
            code,
            params! { "backup" => backup.unwrap_or_default(), "detail" => other },
        ),
    }
}

/// Whose database this run backs up or restores into.
fn binding(ctx: &RunCtx, project_ref: &str) -> crypt::Binding {
    crypt::Binding {
        customer_uid: ctx.customer.uid.clone(),
        environment: ctx.environment,
        project_ref: project_ref.to_string(),
    }
}

fn output(b: &Backup) -> serde_json::Value {
    json!({ "backup": b.id, "bytes": b.bytes, "tables": b.tables.len() })
}

async fn backup(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let run_id = ctx.run_id;
    // A resumed run took its backup already: the state it protects is the one it found then.
    if let Some(b) = ctx.db(move |s| s.backup_of_run(run_id)).await? {
        return done(StepOutcome::Done, Some(b.id.to_string()), output(&b));
    }
    // A recovery Supabase would refuse (the plan, the window) is refused before anything is
    // taken: nothing is left behind by a run that cannot do what it was asked.
    if ctx.kind == RunKind::Recover {
        super::recover::check(ctx).await?;
    }
    let reason = match ctx.kind {
        RunKind::Migrate => BackupReason::BeforeMigration,
        RunKind::Restore | RunKind::Recover | RunKind::Import => BackupReason::BeforeRestore,
        _ if ctx.request.as_ref().is_some_and(RunRequest::scheduled) => BackupReason::Scheduled,
        _ => BackupReason::OnDemand,
    };
    let fail = failed(ErrorCode::BackupFailed, None);
    let secrets = ctx.secrets.clone();
    let key = crate::blocking::run(move || crypt::current_key(&secrets))
        .await
        .map_err(&fail)?;
    // Sealed and written a page at a time: the database is never held whole on the seat.
    let mut sealing =
        files::Sealing::begin(&ctx.customer.uid, reason, &key, &binding(ctx, &project_ref))
            .map_err(&fail)?;
    let dump = backup::dump_into(&ctx.clients.supabase, &project_ref, &mut sealing)
        .await
        .map_err(&fail)?;
    let written = crate::blocking::run(move || sealing.keep())
        .await
        .map_err(&fail)?;
    let key_id = key.id.clone();
    let new = NewBackup {
        customer_id: ctx.customer.id,
        environment: ctx.environment,
        project_ref,
        run_id: Some(run_id),
        reason,
        file: written.file,
        bytes: written.bytes,
        sha256: written.sha256,
        key_id,
        schema_version: dump.schema_version,
        tables: dump.tables,
    };
    let b = ctx.db(move |s| s.insert_backup(&new)).await?;
    let (customer, environment) = (ctx.customer.id, ctx.environment);
    // A restore's own backup never removes the backup it is about to put back.
    let spare = match &ctx.request {
        Some(RunRequest::Restore { backup, .. }) => Some(*backup),
        _ => None,
    };
    let kept = ctx
        .db(move |s| {
            let (keep, days) = files::retention_rule(s);
            files::apply_retention(s, customer, environment, keep, days, spare)
        })
        .await;
    // A backup taken is what this step promised; old ones are deleted again next time.
    if let Err(e) = kept {
        let text = Say::StepOldBackupsNotPruned
            .with(params! { "reason" => e.message(), "reason_en" => e.text().en });
        ctx.log(StepKey::SupabaseBackup, LogLevel::Warn, &text)
            .await;
    }
    done(StepOutcome::Done, Some(b.id.to_string()), output(&b))
}

async fn restore(ctx: &RunCtx) -> Result<Done, StepError> {
    let Some(RunRequest::Restore { backup: id, .. }) = ctx.request else {
        return Err(StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::SupabaseRestoreBackup, "field" => "backup" },
        ));
    };
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let (customer, environment) = (ctx.customer.id, ctx.environment);
    let b = ctx
        .db(move |s| s.backup(id))
        .await?
        .filter(|b| {
            b.customer_id == customer && b.environment == environment && b.removed_at.is_none()
        })
        .ok_or_else(|| {
            StepError::permanent(
                ErrorCode::BackupNotFound,
                params! { "backup" => id, "environment" => environment.as_str() },
            )
        })?;
    let fail = failed(ErrorCode::RestoreFailed, Some(id));
    // The file must hold this customer's database in this environment, of the project the
    // row names: a row re-pointed at another customer is refused before anything is touched.
    let expected = crypt::Binding {
        project_ref: b.project_ref.clone(),
        ..binding(ctx, &project_ref)
    };
    let (secrets, row) = (ctx.secrets.clone(), b.clone());
    let opened = crate::blocking::run(move || backup::open_to_restore(&row, &secrets, expected))
        .await
        .map_err(&fail)?;
    // Proven the customer's, and this run still its driver's, right before it is replaced.
    let project_ref = super::migrate::proven_database(ctx).await?;
    // Read again as it is staged, a part at a time: a backup of several GB is never held
    // whole. Nothing of the customer's changes before the whole file was proven authentic and
    // the one the register recorded.
    backup::restore_coming(&ctx.clients.supabase, &project_ref, opened.parts())
        .await
        .map_err(&fail)?;
    let now = backup::checksums(&ctx.clients.supabase, &project_ref)
        .await
        .map_err(&fail)?;
    let differ = differences(&b.tables, &now);
    if !differ.is_empty() {
        return Err(StepError::permanent(
            ErrorCode::RestoreMismatch,
            params! { "backup" => id, "tables" => differ.join(", ") },
        ));
    }
    done(
        StepOutcome::Done,
        Some(id.to_string()),
        json!({ "backup": id, "tables": now.len() }),
    )
}

/// The tables whose rows differ between what a backup recorded and what the database holds,
/// with both counts (a table only on one side counts as differing).
pub fn differences(recorded: &[TableSum], now: &[TableSum]) -> Vec<String> {
    let name = |t: &TableSum| format!("{}.{}", t.schema, t.table);
    let mut out = Vec::new();
    for r in recorded {
        match now
            .iter()
            .find(|n| n.schema == r.schema && n.table == r.table)
        {
            Some(n) if n == r => {}
            Some(n) => out.push(format!("{} ({} → {} rows)", name(r), r.rows, n.rows)),
            None => out.push(format!("{} (missing)", name(r))),
        }
    }
    for n in now {
        if !recorded
            .iter()
            .any(|r| r.schema == n.schema && r.table == n.table)
        {
            out.push(format!("{} (not in the backup)", name(n)));
        }
    }
    out
}
