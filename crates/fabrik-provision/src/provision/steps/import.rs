//! Another instance's move archive put into this one (issue #59). What the archive is lives in
//! `crate::relocation`; this step opens it, holds it to the instance's schema version before
//! anything changes, replaces the customer's schemas and people in one transaction (the
//! backup's restore, with GoTrue's rows put back first), and checks every table and the users.

use serde_json::json;

use super::{done, StepDef};
use crate::database::backup::{self, BackupError};
use crate::database::instance;
use crate::ledger::events::StepOutcome;
use crate::ledger::StepKey;
use crate::messages::{params, ErrorCode};
use crate::providers::ErrorKind;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::kinds::RunRequest;
use crate::relocation::{self, auth};
use crate::secrets::Provider;

step!(IMPORT: SupabaseImport, "Flytta in databasen och användarna från arkivet", "Move the database and the users in from the archive", needs [SupabaseBackup], Some(Provider::Supabase), import);

/// An import's failure as a step's: a call worth repeating stays the provider's; an archive
/// that cannot be read says so; anything else left the instance as it was.
fn failed(slug: &str, file: &str) -> impl Fn(BackupError) -> StepError {
    let (slug, file) = (slug.to_string(), file.to_string());
    move |e| match e {
        BackupError::Query(p) if p.is_retryable() || p.kind != ErrorKind::Invalid => {
            StepError::Provider(p)
        }
        BackupError::Keyring(k) => StepError::Keyring(k),
        BackupError::Unreadable(_) | BackupError::KeyMissing(_) | BackupError::Io(_) => {
            StepError::permanent(
                ErrorCode::MoveArchiveUnreadable,
                params! { "file" => &file, "detail" => e },
            )
        }
        other => StepError::permanent(
            ErrorCode::MoveFailed,
            params! { "slug" => &slug, "detail" => other },
        ),
    }
}

async fn import(ctx: &RunCtx) -> Result<Done, StepError> {
    let Some(RunRequest::Import { archive, .. }) = &ctx.request else {
        return Err(StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::SupabaseImport, "field" => "archive" },
        ));
    };
    let slug = ctx.customer.slug.clone();
    let fail = failed(&slug, archive);
    let (secrets, path) = (ctx.secrets.clone(), std::path::PathBuf::from(archive));
    let opened = crate::blocking::run(move || relocation::open(&secrets, &path))
        .await
        .map_err(&fail)?;
    let sb = &ctx.clients.supabase;
    let project_ref = super::migrate::proven_database(ctx).await?;
    // The script carries the schema at the archive's version: onto another, refused unchanged.
    let at = instance::version(sb, &project_ref).await?;
    if let Some(problem) =
        relocation::version_refusal(opened.manifest.schema_version.as_deref(), at.as_deref())
    {
        let mut params = params! { "slug" => &slug };
        crate::messages::param_text(&mut params, "problem", &problem);
        return Err(StepError::permanent(ErrorCode::MoveVersion, params));
    }
    let mut people = Vec::with_capacity(auth::TABLES.len());
    for (table, rows) in auth::TABLES.iter().zip([&opened.users, &opened.identities]) {
        let columns = auth::writable_columns(sb, &project_ref, table)
            .await
            .map_err(&fail)?;
        people.push((*table, columns, rows.as_slice()));
    }
    // The people's statements first in the script's transaction: after the restore dropped
    // the customer's schemas (nothing of theirs points at a user any more) and before their
    // tables and foreign keys come back. The script follows from the file, a part at a time.
    let people = auth::replace_sql(&people);
    // Proven the customer's, and this run still its driver's, right before it is replaced.
    let project_ref = super::migrate::proven_database(ctx).await?;
    backup::restore_coming(sb, &project_ref, opened.body(people))
        .await
        .map_err(&fail)?;
    let now = backup::checksums(sb, &project_ref).await.map_err(&fail)?;
    let mut differs = super::backup::differences(&opened.manifest.tables, &now);
    let users = auth::count(sb, &project_ref, auth::TABLES[0])
        .await
        .map_err(&fail)?;
    if users != opened.manifest.users {
        differs.push(format!("auth.users ({} → {users})", opened.manifest.users));
    }
    if !differs.is_empty() {
        return Err(StepError::permanent(
            ErrorCode::MoveMismatch,
            params! { "slug" => &slug, "differs" => differs.join(", ") },
        ));
    }
    done(
        StepOutcome::Done,
        None,
        json!({
            "source": opened.manifest.slug,
            "version": opened.manifest.schema_version,
            "tables": now.len(),
            "users": users,
        }),
    )
}
