//! Day two's lifecycle runs, on an instance a provisioning run delivered: pause and resume
//! (the Supabase project and the n8n workflow together), a new production deployment, and a
//! new one-time password for the first administrator with a new welcome email.
//!
//! Each step first proves the resource is this customer's (the marker provisioning left), and
//! records what it changed only once the change was made, so a rollback puts back exactly that.

use serde_json::{json, Value};

use super::modules::{new_production, nothing_to_find, owns_deploy, restore_deploy};
use super::{customer_secret, done, kept_secret, read_secret, Owned, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::StepKey;
use crate::messages::params;
use crate::messages::{ErrorCode, Text};
use crate::providers::ErrorKind;
use crate::provision::context::{Done, Poll, RunCtx, StepError};
use crate::provision::outputs;
use crate::secrets::{CustomerSecret, Provider};

const SUPABASE: Option<Provider> = Some(Provider::Supabase);
const N8N: Option<Provider> = Some(Provider::N8n);

const WAIT_PAUSED: (&str, &str) = (
    "Väntar på att Supabase-projektet har pausats",
    "Waiting for the Supabase project to be paused",
);
const WAIT_RESTORED: (&str, &str) = (
    "Väntar på att Supabase-projektet är igång igen",
    "Waiting for the Supabase project to be up again",
);

step!(N8N_DEACTIVATE: N8nDeactivate, "Stäng av n8n-flödet", "Turn off the n8n workflow", needs [], N8N, deactivate;
    restore nothing_to_find, owns_workflow, reactivate,
    by hand "Slå på n8n-flödet {id} igen i n8n (Workflows → flödet → Active).",
    "Turn the n8n workflow {id} on again in n8n (Workflows → the workflow → Active).");

step!(SUPABASE_PAUSE: SupabasePause, "Pausa Supabase-projektet", "Pause the Supabase project", needs [N8nDeactivate], SUPABASE, pause;
    restore nothing_to_find, owns_project, restore_project,
    by hand "Starta Supabase-projektet {id} igen i Supabase (projektet → Restore project).",
    "Start the Supabase project {id} again in Supabase (the project → Restore project).");

step!(SUPABASE_RESTORE: SupabaseRestore, "Starta Supabase-projektet igen", "Start the Supabase project again", needs [], SUPABASE, restore;
    restore nothing_to_find, owns_project, pause_again,
    by hand "Pausa Supabase-projektet {id} igen i Supabase (projektet → Settings → General → Pause project), eller låt det vara igång.",
    "Pause the Supabase project {id} again in Supabase (the project → Settings → General → Pause project), or leave it running.");

step!(N8N_ACTIVATE: N8nActivate, "Slå på n8n-flödet", "Turn on the n8n workflow", needs [SupabaseRestore], N8N, activate);

step!(REDEPLOY: VercelRedeploy, "Driftsätt produktion på nytt", "Deploy production again", needs [VercelEnv], Some(Provider::Vercel), redeploy;
    restore nothing_to_find, owns_deploy, restore_deploy,
    by hand "Gör den tidigare driftsättningen till produktion igen i Vercel (projektet → Deployments → … → Promote to Production); den nya är {id}.",
    "Make the earlier deployment production again in Vercel (the project → Deployments → … → Promote to Production); the new one is {id}.");

step!(ADMIN_PASSWORD: SupabaseAdminPassword, "Ge administratören ett nytt engångslösenord", "Give the administrator a new one-time password", needs [], SUPABASE, new_password;
    restore nothing_to_find, owns_admin, old_password,
    by hand "Administratören {id} har fått ett nytt lösenord som inte skickades. Skicka ett nytt med \"Nytt lösenord\" eller `fabrik admin reset-password`.",
    "The administrator {id} got a new password that was not sent. Send a new one with \"New password\" or `fabrik admin reset-password`.");

step!(NEW_PASSWORD_EMAIL: EmailNewPassword, "Skicka nytt välkomstmejl", "Send a new welcome email", needs [SupabaseAdminPassword], Some(Provider::Resend), new_password_email);

/// The instance card's value, or the refusal that says the instance lacks it.
fn card(value: &Option<String>, what: &str) -> Result<String, StepError> {
    value.clone().ok_or_else(|| {
        StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::Finalize, "field" => what },
        )
    })
}

/// A resource is changed only when it is this customer's and still there.
pub(super) fn ours(owned: Owned, (sv, en): (&str, &str), name: &str) -> Result<(), StepError> {
    match owned {
        Owned::Ours(_) => Ok(()),
        Owned::NotOurs(refusal) => Err(refusal),
        Owned::Gone => Err(StepError::permanent(
            ErrorCode::ResourceGone,
            params! { "resource" => sv, "resource_en" => en, "name" => name },
        )),
    }
}

pub(super) async fn owns_workflow(ctx: &RunCtx, id: &str, out: &Value) -> Result<Owned, StepError> {
    super::n8n::owns_workflow(ctx, id, out).await
}

async fn owns_project(ctx: &RunCtx, project_ref: &str, out: &Value) -> Result<Owned, StepError> {
    super::supabase::owns_project(ctx, project_ref, out).await
}

pub(super) async fn workflow_id(ctx: &RunCtx) -> Result<String, StepError> {
    let id = card(&ctx.customer.instance.n8n_workflow_id, "n8n_workflow_id")?;
    ours(
        owns_workflow(ctx, &id, &Value::Null).await?,
        ("n8n-flödet", "The n8n workflow"),
        &id,
    )?;
    Ok(id)
}

pub(super) async fn project_ref(ctx: &RunCtx) -> Result<String, StepError> {
    let r = card(
        &ctx.customer.instance.supabase_project_ref,
        "supabase_project_ref",
    )?;
    // `owns_project` counts a project on its way out as gone; a paused one is still ours.
    ours(
        owns_project(ctx, &r, &Value::Null).await?,
        ("Supabase-projektet", "The Supabase project"),
        &r,
    )?;
    Ok(r)
}

async fn deactivate(ctx: &RunCtx) -> Result<Done, StepError> {
    let id = workflow_id(ctx).await?;
    let Some(wf) = ctx.clients.n8n.get(&id).await? else {
        return Err(StepError::permanent(
            ErrorCode::ResourceGone,
            params! { "resource" => "n8n-flödet", "resource_en" => "The n8n workflow", "name" => id },
        ));
    };
    if !wf.active {
        // Already off: nothing this run changed, so nothing for a rollback to turn back on.
        return done(
            StepOutcome::Skipped,
            None,
            json!({ "id": id, "was_active": false }),
        );
    }
    ctx.clients.n8n.deactivate(&id).await?;
    let out = json!({ "id": id, "was_active": true });
    ctx.record_resource(StepKey::N8nDeactivate, &id, true, &out)
        .await?;
    done(StepOutcome::Done, Some(id), out)
}

async fn reactivate(ctx: &RunCtx, id: &str, _: &Value) -> Result<(), StepError> {
    ctx.clients.n8n.activate(id).await.map(|_| ())?;
    Ok(())
}

async fn activate(ctx: &RunCtx) -> Result<Done, StepError> {
    let id = workflow_id(ctx).await?;
    let active = ctx.clients.n8n.get(&id).await?.is_some_and(|w| w.active);
    if !active {
        ctx.clients.n8n.activate(&id).await?;
    }
    let outcome = if active {
        StepOutcome::Skipped
    } else {
        StepOutcome::Done
    };
    done(outcome, Some(id.clone()), json!({ "id": id }))
}

/// Waits until the project's status is `want`; a status from which it will not get there
/// fails the step with the status named.
async fn wait_status(
    ctx: &RunCtx,
    step: StepKey,
    what: (&'static str, &'static str),
    project_ref: &str,
    want: &str,
) -> Result<(), StepError> {
    ctx.wait_until(step, what.into(), ctx.timing.supabase_ready, || async {
        let p = ctx.clients.supabase.get_project(project_ref).await?;
        match p.status.as_str() {
            s if s == want => Ok(Poll::Ready(())),
            "INIT_FAILED" | "REMOVED" | "RESTORE_FAILED" | "PAUSE_FAILED" | "GOING_DOWN" => {
                Err(StepError::permanent(
                    ErrorCode::SupabaseInitFailed,
                    params! { "project" => project_ref, "status" => p.status },
                ))
            }
            other => Ok(Poll::Pending(Some(other.to_string()))),
        }
    })
    .await
}

async fn pause(ctx: &RunCtx) -> Result<Done, StepError> {
    let r = project_ref(ctx).await?;
    let status = ctx.clients.supabase.get_project(&r).await?.status;
    let outcome = if status == "INACTIVE" {
        StepOutcome::Skipped
    } else {
        if status != "PAUSING" {
            ctx.clients.supabase.pause_project(&r).await?;
        }
        // Paused now or soon: a rollback from here on restores it.
        ctx.record_resource(StepKey::SupabasePause, &r, true, &json!({ "ref": r }))
            .await?;
        StepOutcome::Done
    };
    wait_status(ctx, StepKey::SupabasePause, WAIT_PAUSED, &r, "INACTIVE").await?;
    done(outcome, Some(r.clone()), json!({ "ref": r }))
}

async fn restore_project(ctx: &RunCtx, r: &str, _: &Value) -> Result<(), StepError> {
    // A pause still under way cannot be restored until it has finished.
    wait_status(ctx, StepKey::SupabasePause, WAIT_PAUSED, r, "INACTIVE").await?;
    Ok(ctx.clients.supabase.restore_project(r).await?)
}

async fn restore(ctx: &RunCtx) -> Result<Done, StepError> {
    let r = project_ref(ctx).await?;
    let status = ctx.clients.supabase.get_project(&r).await?.status;
    let outcome = if status == "ACTIVE_HEALTHY" {
        StepOutcome::Skipped
    } else {
        if status == "PAUSING" {
            wait_status(ctx, StepKey::SupabaseRestore, WAIT_PAUSED, &r, "INACTIVE").await?;
        }
        if status != "RESTORING" && status != "COMING_UP" {
            ctx.clients.supabase.restore_project(&r).await?;
        }
        ctx.record_resource(StepKey::SupabaseRestore, &r, true, &json!({ "ref": r }))
            .await?;
        StepOutcome::Done
    };
    wait_status(
        ctx,
        StepKey::SupabaseRestore,
        WAIT_RESTORED,
        &r,
        "ACTIVE_HEALTHY",
    )
    .await?;
    done(outcome, Some(r.clone()), json!({ "ref": r }))
}

async fn pause_again(ctx: &RunCtx, r: &str, _: &Value) -> Result<(), StepError> {
    wait_status(
        ctx,
        StepKey::SupabaseRestore,
        WAIT_RESTORED,
        r,
        "ACTIVE_HEALTHY",
    )
    .await?;
    Ok(ctx.clients.supabase.pause_project(r).await?)
}

async fn redeploy(ctx: &RunCtx) -> Result<Done, StepError> {
    let (id, out) = new_production(ctx, StepKey::VercelRedeploy).await?;
    done(StepOutcome::Created, Some(id), out)
}

/// The first administrator provisioning created (or adopted).
/// The first administrator, read back from the instance's Auth and proven Fabrik's before a
/// password is set or mailed: the ledger's id (written once, while provisioning ran) and on the
/// user Fabrik's marker; an administrator made before the marker existed passes when the
/// ledger says Fabrik made it and no marker of anyone else's is on it. Its address is the one
/// Auth holds, never the card's (which an operator edits): a new password goes to the account.
async fn proven_admin(
    ctx: &RunCtx,
    project_ref: &str,
    keys: &crate::providers::supabase::ApiKeys,
) -> Result<crate::providers::supabase::AuthUser, StepError> {
    let admin = ctx.out::<outputs::AdminUser>()?;
    let name = ctx.customer.admin_email.clone();
    let found = ctx
        .clients
        .supabase
        .get_user(project_ref, keys, &admin.user_id)
        .await?;
    let Some(user) = found else {
        return Err(StepError::permanent(
            ErrorCode::ResourceGone,
            params! { "resource" => "Administratören", "resource_en" => "The administrator", "name" => name },
        ));
    };
    let marked = crate::provision::ownership::auth_marked(&user.app_metadata, &ctx.customer.uid);
    let before_markers = admin.created && user.app_metadata.get("fabrik").is_none();
    if !(marked || before_markers) || user.email.is_none() {
        let who = user.email.clone().unwrap_or(admin.user_id);
        return Err(StepError::permanent(
            ErrorCode::ResourceNotOurs,
            params! { "resource" => "Administratören", "resource_en" => "The administrator", "name" => who },
        ));
    }
    Ok(user)
}

/// Sets a new password for the admin provisioning made, kept in this seat's keyring as
/// `new_admin_password` before the call (a crash after it cannot lose the password that was
/// set); returns the project and the user.
async fn set_new_password(ctx: &RunCtx) -> Result<(String, String), StepError> {
    let r = project_ref(ctx).await?;
    let keys = ctx.api_keys().await?;
    let user = proven_admin(ctx, &r, &keys).await?.id;
    // Kept before it is used anywhere: a crash after the call cannot lose the password that
    // was set.
    let password = kept_secret(ctx, CustomerSecret::NewAdminPassword).await?;
    match ctx
        .clients
        .supabase
        .set_user_password(&r, &keys, &user, &password)
        .await
    {
        Ok(_) => {}
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Err(StepError::permanent(
                ErrorCode::ResourceGone,
                params! { "resource" => "Administratören", "resource_en" => "The administrator", "name" => ctx.customer.admin_email },
            ))
        }
        Err(e) => return Err(e.into()),
    }
    Ok((r, user))
}

async fn new_password(ctx: &RunCtx) -> Result<Done, StepError> {
    let (r, user) = set_new_password(ctx).await?;
    let out = outputs::json(&outputs::AdminPasswordChange {
        user_id: Some(user.clone()),
        project_ref: Some(r),
    });
    ctx.record_resource(StepKey::SupabaseAdminPassword, &user, true, &out)
        .await?;
    done(StepOutcome::Done, Some(user), out)
}

async fn owns_admin(ctx: &RunCtx, _: &str, out: &Value) -> Result<Owned, StepError> {
    let out: outputs::AdminPasswordChange = outputs::read(out);
    let Some(r) = out.project_ref else {
        return Ok(Owned::Gone);
    };
    owns_project(ctx, &r, &Value::Null).await
}

/// Puts the password the last welcome email carried back, so that email stays true; only
/// when this seat mailed it. Another seat may have replaced it since on purpose, and what
/// this seat's keyring holds is then an older one the admin was told to forget.
async fn old_password(ctx: &RunCtx, user: &str, out: &Value) -> Result<(), StepError> {
    let (customer_id, environment) = (ctx.customer.id, ctx.environment);
    let mailed_by = ctx
        .db(move |s| s.admin_password_mailed_by(customer_id, environment))
        .await?;
    if mailed_by.as_deref() != Some(ctx.store.seat()) {
        let seat = match mailed_by {
            Some(seat) => crate::messages::seat::shown(&seat, None),
            None => crate::messages::Say::NoKnownSeat.text(),
        };
        let mut p = params! { "name" => ctx.customer.admin_email };
        crate::messages::param_text(&mut p, "seat", &seat);
        return Err(StepError::permanent(ErrorCode::AdminPasswordReplaced, p));
    }
    let out: outputs::AdminPasswordChange = outputs::read(out);
    let (Some(r), Some(old)) = (
        out.project_ref.as_deref(),
        read_secret(ctx, CustomerSecret::AdminPassword).await?,
    ) else {
        return Err(StepError::permanent(
            ErrorCode::NotRestorable,
            params! { "resource" => "Administratörens lösenord", "resource_en" => "The administrator's password", "name" => user },
        ));
    };
    let keys = ctx.api_keys().await?;
    ctx.clients
        .supabase
        .set_user_password(r, &keys, user, &old)
        .await?;
    forget(ctx, CustomerSecret::NewAdminPassword).await
}

async fn forget(ctx: &RunCtx, which: CustomerSecret) -> Result<(), StepError> {
    let (secrets, key) = (ctx.secrets.clone(), customer_secret(ctx, which));
    crate::blocking::run(move || secrets.delete(&key)).await?;
    Ok(())
}

async fn new_password_email(ctx: &RunCtx) -> Result<Done, StepError> {
    // Until the email has gone out the new password waits under its own name; after, it is
    // the admin's (a resume after that point finds it there).
    let (password, replaced) = match read_secret(ctx, CustomerSecret::NewAdminPassword).await? {
        Some(p) => (p, false),
        // The password step ran on another seat, whose keyring this one cannot read (it died
        // and this seat took the run over); an older password in this seat's keyring would be
        // a wrong one. A new password is set through the API (kept first) and sent instead.
        None => {
            set_new_password(ctx).await?;
            let p = read_secret(ctx, CustomerSecret::NewAdminPassword)
                .await?
                .ok_or_else(|| {
                    StepError::permanent(
                        ErrorCode::NotRestorable,
                        params! { "resource" => "Det nya lösenordet", "resource_en" => "The new password", "name" => ctx.customer.admin_email },
                    )
                })?;
            (p, true)
        }
    };
    let url = ctx
        .customer
        .instance
        .production_url
        .clone()
        .unwrap_or_default();
    // To the account's own address as Auth holds it, proven Fabrik's again: the card's
    // address is an operator's to edit, and a password must not follow an edit there.
    let r = project_ref(ctx).await?;
    let keys = ctx.api_keys().await?;
    let to = proven_admin(ctx, &r, &keys)
        .await?
        .email
        .unwrap_or_default();
    // Per seat, and apart for a replaced password: Resend must not answer with an earlier send
    // that carried a password set since.
    let key = format!(
        "fabrik-new-password-{}-{}-{}{}",
        ctx.customer.uid,
        ctx.run_id,
        super::delivery::seat_tag(ctx.store.seat()),
        if replaced { "-r" } else { "" }
    );
    let id = super::delivery::send_welcome(ctx, &to, &url, Some(password.expose()), &key).await?;
    let (secrets, admin) = (
        ctx.secrets.clone(),
        customer_secret(ctx, CustomerSecret::AdminPassword),
    );
    crate::blocking::run(move || secrets.set(&admin, &password)).await?;
    forget(ctx, CustomerSecret::NewAdminPassword).await?;
    ctx.log(
        StepKey::EmailNewPassword,
        crate::provision::LogLevel::Info,
        &crate::messages::Say::StepNewWelcomeEmailWent
            .with(crate::messages::params! { "admin_email" => to }),
    )
    .await;
    done(
        StepOutcome::Done,
        Some(id.clone()),
        json!({ "email_id": id, "password": true, "mailed_by": ctx.store.seat() }),
    )
}
