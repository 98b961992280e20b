//! A roll-out's migration files into one instance: each file and its history row in one
//! transaction, then the schema verified. What a migration is lives in `crate::database`.
//!
//! Resuming after a crash reads the history again first: a file whose transaction committed
//! before the crash is in it and is not applied again; one that did not commit left nothing.

use serde_json::json;

use super::{done, StepDef};
use crate::database::history::{self, Verdict};
use crate::database::instance::{self, Applying};
use crate::database::migration::Migration;
use crate::ledger::events::StepOutcome;
use crate::ledger::{LogLevel, RunKind, StepKey};
use crate::messages::params;
use crate::messages::{ErrorCode, Say};
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::kinds::RunRequest;
use crate::provision::outputs;
use crate::provision::rollouts::RolloutRows;
use crate::provision::schema;
use crate::secrets::Provider;

const SUPABASE: Option<Provider> = Some(Provider::Supabase);

step!(MIGRATE: SupabaseMigrate, "Lägg in migreringar", "Apply migrations", needs [SupabaseBackup], SUPABASE, migrate);

// In a restore or recover run the migrations are not its steps: a need outside the run's table is not waited for.
step!(VERIFY: SupabaseVerify, "Kontrollera databasschemat", "Verify the database schema", needs [SupabaseMigrate, SupabaseRestoreBackup, SupabaseImport, SupabaseRecover], SUPABASE, verify);

/// The customer's project by the ref the ledger recorded, proven theirs (its name carries the
/// customer's id) and this run still its driver's, right before its database is changed.
pub(super) async fn proven_database(ctx: &RunCtx) -> Result<String, StepError> {
    let r = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    super::lifecycle::ours(
        super::supabase::owns_project(ctx, &r, &serde_json::Value::Null).await?,
        ("Supabase-projektet", "The Supabase project"),
        &r,
    )?;
    crate::provision::proof::fence(ctx).await?;
    Ok(r)
}

/// The files of the roll-out this run belongs to, as planned.
async fn planned_files(ctx: &RunCtx) -> Result<Vec<Migration>, StepError> {
    let missing = || {
        StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::SupabaseMigrate, "field" => "rollout" },
        )
    };
    let Some(RunRequest::Migrate { rollout }) = ctx.request else {
        return Err(missing());
    };
    let row = ctx
        .db(move |s| s.get_rollout(rollout))
        .await?
        .ok_or_else(missing)?;
    let files: Vec<Migration> = serde_json::from_str(&row.migrations).map_err(|_| missing())?;
    // What was planned (and shown) is what is applied: a file whose text no longer has the
    // hash it was planned with is refused before anything runs.
    if let Some(m) = files
        .iter()
        .find(|m| crate::database::migration::sha256_hex(m.sql.as_bytes()) != m.sha256)
    {
        return Err(StepError::permanent(
            ErrorCode::MigrationRefused,
            params! { "problem" => format!(
                "{v}_{n}.sql är inte filen som planerades (sha256 stämmer inte); planera en ny utrullning / {v}_{n}.sql is not the file that was planned (its sha256 differs); plan a new roll-out",
                v = m.version,
                n = m.name
            ) },
        ));
    }
    Ok(files)
}

async fn migrate(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = proven_database(ctx).await?;
    let files = planned_files(ctx).await?;
    let sb = &ctx.clients.supabase;
    let mut found = instance::read(sb, &project_ref).await?;
    if instance::ensure_history(sb, &project_ref, &found).await? {
        ctx.log(
            StepKey::SupabaseMigrate,
            LogLevel::Info,
            &Say::MigrateBaselineWritten.text(),
        )
        .await;
        found = instance::read(sb, &project_ref).await?;
    }
    let pending = match history::verdict(&found.history, &found.tables, &files) {
        Verdict::Current => Vec::new(),
        Verdict::Behind { pending } => pending,
        drift => {
            return Err(StepError::permanent(
                ErrorCode::SchemaDrift,
                params! { "problem" => drift_text(&drift) },
            ))
        }
    };
    let mut applied = Vec::new();
    for version in &pending {
        let Some(m) = files.iter().find(|m| &m.version == version) else {
            continue;
        };
        if let Some(problem) = history::refuse_file(m) {
            return Err(StepError::permanent(
                ErrorCode::MigrationRefused,
                params! { "problem" => problem },
            ));
        }
        crate::provision::proof::fence(ctx).await?;
        let outcome = instance::apply(sb, &project_ref, m).await?;
        let file = m.file_name();
        let line = match outcome {
            Applying::Applied => {
                applied.push(m.version.clone());
                Say::MigrationApplied.with(params! { "file" => &file })
            }
            Applying::AlreadyThere => Say::MigrationAlreadyThere.with(params! { "file" => &file }),
        };
        ctx.log(StepKey::SupabaseMigrate, LogLevel::Info, &line)
            .await;
    }
    // Only the history says the version: the tables are not read again here.
    let version = instance::version(sb, &project_ref).await?;
    let (customer_id, environment, v) = (ctx.customer.id, ctx.environment, version.clone());
    ctx.db(move |s| s.set_schema_version(customer_id, environment, v.as_deref()))
        .await?;
    done(
        StepOutcome::Done,
        None,
        json!({ "applied": applied, "version": version }),
    )
}

/// The drift in one line, for the run's error and the roll-out's report.
pub fn drift_text(v: &Verdict) -> String {
    match v {
        Verdict::UnknownHistory { versions } => format!(
            "historiken har versioner som filerna saknar / the history holds versions the files do not: {}",
            versions.join(", ")
        ),
        Verdict::SchemaHas { version, tables } => format!(
            "schemat har redan / the schema already has {} ({version})",
            tables.join(", ")
        ),
        Verdict::Current | Verdict::Behind { .. } => String::new(),
    }
}

/// After a migration: the tables the applied files create are there, and every table in
/// `public` has row-level security on (the template's rule). After a restore: the same rule
/// over what came back.
async fn verify(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let sb = &ctx.clients.supabase;
    let mut expected: Vec<String> = Vec::new();
    if ctx.kind == RunKind::Migrate {
        // The history only: the tables are checked by VERIFY_SQL below.
        let (_, history) = instance::read_history(sb, &project_ref).await?;
        let applied: std::collections::BTreeSet<&str> =
            history.iter().map(|a| a.version.as_str()).collect();
        let files = planned_files(ctx).await?;
        for m in &files {
            if !applied.contains(m.version.as_str()) {
                return Err(StepError::permanent(
                    ErrorCode::SchemaMismatch,
                    params! { "problem" => format!("{} saknas i historiken / is missing from the history", m.file_name()) },
                ));
            }
            for t in history::creates_tables(&m.sql) {
                if let Some(name) = t.strip_prefix("public.") {
                    expected.push(name.to_string());
                }
            }
        }
        // A table a file drops is not expected.
        let dropped: Vec<String> = files
            .iter()
            .flat_map(|m| history::drops_tables(&m.sql))
            .collect();
        expected.retain(|t| !dropped.contains(&format!("public.{t}")));
    }
    // What the instance is at now (a restore may have taken it back): the register shows it.
    let version = instance::read(sb, &project_ref).await?.version();
    let (customer_id, environment) = (ctx.customer.id, ctx.environment);
    ctx.db(move |s| s.set_schema_version(customer_id, environment, version.as_deref()))
        .await?;
    let rows = sb.run_query(&project_ref, schema::VERIFY_SQL).await?;
    match schema::verify(&rows, &expected) {
        Ok(n) => {
            ctx.log(
                StepKey::SupabaseVerify,
                LogLevel::Info,
                &crate::messages::Say::StepTablesExistAllRowLevel.with(params! { "n" => n }),
            )
            .await;
            done(StepOutcome::Done, None, json!({ "tables": n }))
        }
        Err(problem) => Err(StepError::permanent(
            ErrorCode::SchemaMismatch,
            params! { "problem" => problem },
        )),
    }
}
