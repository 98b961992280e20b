//! The customer's Supabase project: created, waited for, its keys, its schema, its first admin.

use crate::provision::outputs;
use crate::provision::rollouts::RolloutRows;
use serde_json::{json, Value};

use super::{created_or_adopted, customer_secret, done, kept_secret, read_secret, Owned, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::LogLevel;
use crate::ledger::StepKey;
use crate::messages::params;
use crate::messages::{ErrorCode, Text};
use crate::providers::ErrorKind;
use crate::provision::context::{Done, Poll, RunCtx, StepError};
use crate::provision::schema;
use crate::provision::{creation, ownership};
use crate::secrets::{CustomerSecret, Provider};

const SUPABASE: Option<Provider> = Some(Provider::Supabase);

/// Statuses of a project that is gone or going: never adopted.
fn is_going(status: &str) -> bool {
    matches!(status, "REMOVED" | "GOING_DOWN")
}

/// What a step waits for, as the window shows it.
const WAIT_DELETABLE: (&str, &str) = (
    "Väntar på att Supabase-projektet kan tas bort",
    "Waiting until the Supabase project can be deleted",
);
/// What a step waits for, as the window shows it.
const WAIT_PROJECT_START: (&str, &str) = (
    "Väntar på att Supabase-projektet startar",
    "Waiting for the Supabase project to start",
);
/// What a step waits for, as the window shows it.
const WAIT_API_KEYS: (&str, &str) = (
    "Väntar på projektets API-nycklar",
    "Waiting for the project's API keys",
);

step!(PROJECT: SupabaseProject, "Skapa Supabase-projekt", "Create Supabase project", needs [], SUPABASE, project;
    undo find_project, owns_project, delete_project,
    by hand "Ta bort Supabase-projektet {id} under Project Settings → General i Supabase (https://supabase.com/dashboard/project/{id}/settings/general).",
    "Delete the Supabase project {id} under Project Settings → General in Supabase (https://supabase.com/dashboard/project/{id}/settings/general).");

step!(READY: SupabaseReady, "Vänta på att projektet startar", "Wait for the project to start", needs [SupabaseProject], SUPABASE, ready);

step!(KEYS: SupabaseKeys, "Hämta API-nycklar", "Fetch API keys", needs [SupabaseReady], SUPABASE, keys);

step!(SCHEMA: SupabaseSchema, "Lägg in databasschema", "Apply database schema", needs [SupabaseReady], SUPABASE, apply_schema);

// The admin's profile lives in the template's tables: it needs the schema as well as the keys.
step!(ADMIN_USER: SupabaseAdminUser, "Skapa första administratör", "Create first administrator", needs [SupabaseKeys, SupabaseSchema], SUPABASE, admin_user);

async fn project(ctx: &RunCtx) -> Result<Done, StepError> {
    let s = &ctx.settings;
    // The name carries the customer's id and the run's mark: the only field a Supabase project
    // reads back.
    let (slug, uid) = (&ctx.customer.slug, &ctx.customer.uid);
    let name = ownership::supabase_project_name_by_run(slug, uid, &ctx.mark);
    let base = ownership::supabase_project_name(slug, uid);
    let found = ctx
        .clients
        .supabase
        .find_projects(&s.supabase_org, &base, |n| {
            ownership::supabase_named(n, slug, uid)
        })
        .await?;
    let recorded = ctx
        .recorded::<outputs::SupabaseProject>()
        .map(|p| p.project_ref);
    // Prefer the project this run already recorded; never pick a deleted one.
    let existing = found
        .iter()
        .filter(|p| !is_going(&p.status))
        .find(|p| Some(&p.project_ref) == recorded.as_ref())
        .or_else(|| found.iter().find(|p| !is_going(&p.status)));
    if let Some(p) = existing {
        // This run's own only when its name carries this run's mark (`creation`): a create
        // whose answer was lost, or a crash in between. Any other is adopted.
        let created = creation::claims(made(ctx, &p.name));
        let out = json!({ "ref": p.project_ref, "name": p.name });
        ctx.record_resource(StepKey::SupabaseProject, &p.project_ref, created, &out)
            .await?;
        return done(
            created_or_adopted(created),
            Some(p.project_ref.clone()),
            out,
        );
    }
    let password = kept_secret(ctx, CustomerSecret::DatabasePassword).await?;
    ctx.record_intent(StepKey::SupabaseProject, &name).await?;
    let p = ctx
        .clients
        .supabase
        .create_project(&s.supabase_org, &name, &s.supabase_region, &password)
        .await?;
    let out = json!({ "ref": p.project_ref, "name": p.name });
    ctx.record_resource(StepKey::SupabaseProject, &p.project_ref, true, &out)
        .await?;
    done(StepOutcome::Created, Some(p.project_ref), out)
}

/// Whether the project's name carries this run's mark.
fn made(ctx: &RunCtx, name: &str) -> creation::Made {
    let mark = ownership::supabase_run_mark(name, &ctx.customer.slug, &ctx.customer.uid);
    creation::exactly(mark, &ctx.mark)
}

/// The project this run meant to create (`intent`: its name, this run's mark included).
async fn find_project(ctx: &RunCtx, intent: &str) -> Result<Option<(String, Value)>, StepError> {
    Ok(ctx
        .clients
        .supabase
        .find_projects(&ctx.settings.supabase_org, intent, |n| n == intent)
        .await?
        .into_iter()
        .next()
        .map(|p| (p.project_ref.clone(), json!({ "ref": p.project_ref }))))
}

/// Re-reads the project: only one named with this customer's id is ours.
pub(super) async fn owns_project(
    ctx: &RunCtx,
    project_ref: &str,
    _: &Value,
) -> Result<Owned, StepError> {
    match ctx.clients.supabase.get_project(project_ref).await {
        Ok(p) if is_going(&p.status) => Ok(Owned::Gone),
        Ok(p) if ownership::supabase_named(&p.name, &ctx.customer.slug, &ctx.customer.uid) => {
            Ok(Owned::Ours(made(ctx, &p.name)))
        }
        Ok(p) => Ok(Owned::NotOurs(ownership::not_ours(
            "Supabase-projektet",
            "The Supabase project",
            &format!("{} ({project_ref})", p.name),
        ))),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(Owned::Gone),
        Err(e) => Err(e.into()),
    }
}

async fn delete_project(ctx: &RunCtx, project_ref: &str, _: &Value) -> Result<(), StepError> {
    // A project that is still coming up refuses deletion (400 "not ready"); wait it out.
    ctx.wait_until(
        StepKey::SupabaseProject,
        WAIT_DELETABLE.into(),
        ctx.timing.supabase_ready,
        || async {
            match ctx.clients.supabase.delete_project(project_ref).await {
                Ok(()) => Ok(Poll::Ready(())),
                Err(e) if e.kind == ErrorKind::NotFound => Ok(Poll::Ready(())),
                Err(e)
                    if e.kind == ErrorKind::Invalid
                        && e.message.to_lowercase().contains("not ready") =>
                {
                    Ok(Poll::Pending(Some("inte redo".into())))
                }
                Err(e) => Err(e.into()),
            }
        },
    )
    .await?;
    // The project's passwords and keys are worthless now.
    let (secrets, uid, slug) = (
        ctx.secrets.clone(),
        ctx.customer.uid.clone(),
        ctx.customer.slug.clone(),
    );
    crate::blocking::run(move || secrets.forget_customer(&uid, &slug)).await;
    Ok(())
}

async fn ready(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let status = ctx
        .wait_until(
            StepKey::SupabaseReady,
            WAIT_PROJECT_START.into(),
            ctx.timing.supabase_ready,
            || async {
                let p = ctx.clients.supabase.get_project(&project_ref).await?;
                match p.status.as_str() {
                    "ACTIVE_HEALTHY" => Ok(Poll::Ready(p.status)),
                    "INIT_FAILED" | "REMOVED" | "RESTORE_FAILED" => Err(StepError::permanent(
                        ErrorCode::SupabaseInitFailed,
                        params! { "project" => project_ref, "status" => p.status },
                    )),
                    other => Ok(Poll::Pending(Some(other.to_string()))),
                }
            },
        )
        .await?;
    done(StepOutcome::Done, None, json!({ "status": status }))
}

async fn keys(ctx: &RunCtx) -> Result<Done, StepError> {
    // The keys endpoint answers 4xx for a while after ACTIVE_HEALTHY; that is part of waiting.
    let keys = ctx
        .wait_until(
            StepKey::SupabaseKeys,
            WAIT_API_KEYS.into(),
            ctx.timing.supabase_ready,
            || async {
                match ctx.api_keys().await {
                    Ok(k) => Ok(Poll::Ready(k)),
                    Err(StepError::Provider(e))
                        if matches!(
                            e.kind,
                            ErrorKind::Invalid
                                | ErrorKind::NotFound
                                | ErrorKind::Transient
                                | ErrorKind::Conflict
                        ) =>
                    {
                        Ok(Poll::Pending(e.status.map(|s| format!("HTTP {s}"))))
                    }
                    Err(e) => Err(e),
                }
            },
        )
        .await?;
    let (secrets, key) = (
        ctx.secrets.clone(),
        customer_secret(ctx, CustomerSecret::ServiceRoleKey),
    );
    let service_role = keys.service_role.clone();
    crate::blocking::run(move || secrets.set(&key, &service_role)).await?;
    done(StepOutcome::Done, None, json!({}))
}

async fn apply_schema(ctx: &RunCtx) -> Result<Done, StepError> {
    use crate::database::{history, instance, migration::Migration};
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let sb = &ctx.clients.supabase;
    // The same path a roll-out takes: each file with its history row, so the new instance's
    // history says it is current. A template without files is the baseline migration.
    let (files, expected) = match &ctx.settings.migrations {
        Some(files) => (files.clone(), ctx.settings.expected_tables.clone()),
        None => match template_migrations(ctx).await? {
            Some(files) => {
                let expected = expected_tables(&files);
                (files, expected)
            }
            None => (
                vec![Migration::baseline(&ctx.settings.schema_sql)],
                ctx.settings.expected_tables.clone(),
            ),
        },
    };
    let (has_history, history) = instance::read_history(sb, &project_ref).await?;
    let applied: std::collections::BTreeSet<&str> =
        history.iter().map(|a| a.version.as_str()).collect();
    // A new project has no history table: it is made in the first file's query.
    let mut ensure = !has_history;
    for m in files
        .iter()
        .filter(|m| !applied.contains(m.version.as_str()))
    {
        if let Some(problem) = history::refuse_file(m) {
            return Err(StepError::permanent(
                ErrorCode::MigrationRefused,
                params! { "problem" => problem },
            ));
        }
        instance::apply_ensuring(sb, &project_ref, m, std::mem::take(&mut ensure)).await?;
    }
    if ensure {
        sb.run_query(&project_ref, &history::ensure_sql()).await?;
    }
    let version = crate::database::migration::newest(files.iter().map(|m| &m.version));
    let (customer_id, environment, v) = (ctx.customer.id, ctx.environment, version.clone());
    ctx.db(move |s| s.set_schema_version(customer_id, environment, v.as_deref()))
        .await?;
    let rows = sb.run_query(&project_ref, schema::VERIFY_SQL).await?;
    match schema::verify(&rows, &expected) {
        Ok(n) => {
            ctx.log(
                StepKey::SupabaseSchema,
                LogLevel::Info,
                &crate::messages::Say::StepTablesExistAllRowLevel
                    .with(crate::messages::params! { "n" => n }),
            )
            .await;
            done(
                StepOutcome::Done,
                None,
                json!({ "tables": n, "version": version }),
            )
        }
        Err(problem) => Err(StepError::permanent(
            ErrorCode::SchemaMismatch,
            params! { "problem" => problem },
        )),
    }
}

/// The template repository's migration files on its default branch; `None` when it has no
/// `supabase/migrations` folder (the schema Fabrik carries is then the template's).
async fn template_migrations(
    ctx: &RunCtx,
) -> Result<Option<Vec<crate::database::migration::Migration>>, StepError> {
    use crate::database::migration::{self, MIGRATIONS_DIR};
    let s = &ctx.settings;
    let found = ctx
        .clients
        .github
        .folder_at(
            &s.template_owner,
            &s.template_repo,
            MIGRATIONS_DIR,
            None,
            1000,
        )
        .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let files = migration::from_files(found).map_err(|e| {
        StepError::permanent(
            ErrorCode::MigrationRefused,
            params! { "problem" => format!("{}/{}: {}", s.template_owner, s.template_repo, e) },
        )
    })?;
    Ok((!files.is_empty()).then_some(files))
}

/// The `public` tables a set of files leaves: created by one, not dropped by a later one.
fn expected_tables(files: &[crate::database::migration::Migration]) -> Vec<String> {
    use crate::database::history::{creates_tables, drops_tables};
    let mut tables: Vec<String> = Vec::new();
    for m in files {
        for t in drops_tables(&m.sql) {
            tables.retain(|x| *x != t);
        }
        for t in creates_tables(&m.sql) {
            if !tables.contains(&t) {
                tables.push(t);
            }
        }
    }
    tables
        .iter()
        .filter_map(|t| t.strip_prefix("public.").map(str::to_string))
        .collect()
}

async fn admin_user(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let keys = ctx.api_keys().await?;
    let email = &ctx.customer.admin_email;
    // A first attempt creates at once (an address that is taken answers email_exists, and
    // only then is the user looked up); a retried or resumed one looks first, since its
    // create may have landed.
    let intended = ctx.intended_by_this_run(StepKey::SupabaseAdminUser).await?;
    let found = match intended {
        true => {
            ctx.clients
                .supabase
                .find_user(&project_ref, &keys, email)
                .await?
        }
        false => None,
    };
    let (user_id, outcome) = match found {
        // This run made it (before a crash, a lost answer, or on a seat that then died).
        Some(u) => (u.id, StepOutcome::Created),
        None => {
            ctx.record_intent(StepKey::SupabaseAdminUser, email).await?;
            let kept_before = read_secret(ctx, CustomerSecret::AdminPassword)
                .await?
                .is_some();
            let password = kept_secret(ctx, CustomerSecret::AdminPassword).await?;
            match ctx
                .clients
                .supabase
                .create_user(
                    &project_ref,
                    &keys,
                    email,
                    &password,
                    &crate::provision::ownership::auth_marker(&ctx.customer.uid),
                )
                .await
            {
                Ok(u) => (u.id, StepOutcome::Created),
                // email_exists (or an Auth that words it otherwise): a user made before, by a
                // lost answer of this run's or found as it is; find it to get its id.
                Err(e) if matches!(e.kind, ErrorKind::Conflict | ErrorKind::Invalid) => {
                    let found = ctx
                        .clients
                        .supabase
                        .find_user(&project_ref, &keys, email)
                        .await?;
                    let u = found.ok_or(StepError::Provider(e))?;
                    if intended {
                        (u.id, StepOutcome::Created)
                    } else {
                        // Never this user's password: the welcome email must not carry it.
                        if !kept_before {
                            let (secrets, key) = (
                                ctx.secrets.clone(),
                                customer_secret(ctx, CustomerSecret::AdminPassword),
                            );
                            crate::blocking::run(move || secrets.delete(&key)).await?;
                        }
                        (u.id, StepOutcome::Adopted)
                    }
                }
                Err(e) => Err(e)?,
            }
        }
    };
    let org = first_login(ctx, &project_ref, &user_id).await?;
    // `created`: Fabrik chose this user's password, so Fabrik may choose it again (see
    // delivery::welcome); an adopted user's password is never touched.
    done(
        outcome,
        Some(user_id.clone()),
        json!({ "user_id": user_id, "organization_id": org, "created": outcome == StepOutcome::Created }),
    )
}

/// Writes the customer's organization and the admin's owner profile, so the admin sees their
/// organization at first login; returns the organization's id.
async fn first_login(ctx: &RunCtx, project_ref: &str, user_id: &str) -> Result<String, StepError> {
    let c = &ctx.customer;
    let supabase = &ctx.clients.supabase;
    let org = [
        json!(c.uid),
        json!(c.name),
        json!(c.slug),
        json!(schema::organization_plan(c.plan)),
    ];
    let rows = supabase
        .run_query_with(project_ref, schema::ORGANIZATION_SQL, &org)
        .await?;
    check_written(&rows, |r| r["organization_id"] == json!(c.uid))?;
    let profile = [
        json!(user_id),
        json!(c.uid),
        json!(c.admin_email),
        json!(c.contact_name.clone().unwrap_or_default()),
    ];
    let rows = supabase
        .run_query_with(project_ref, schema::ADMIN_PROFILE_SQL, &profile)
        .await?;
    check_written(&rows, |r| {
        r["role"] == "owner" && r["organization_id"] == json!(c.uid)
    })?;
    Ok(c.uid.clone())
}

/// The row a write returned says what was meant; anything else is a schema that differs.
fn check_written(rows: &[Value], meant: impl Fn(&Value) -> bool) -> Result<(), StepError> {
    if rows.first().is_some_and(meant) {
        return Ok(());
    }
    let answered = Value::Array(rows.to_vec());
    Err(StepError::permanent(
        ErrorCode::SchemaMismatch,
        params! { "problem" => format!("the organization or the admin's profile was not written (the database answered {answered})") },
    ))
}
