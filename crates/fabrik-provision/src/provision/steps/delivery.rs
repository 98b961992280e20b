//! Handing the instance over: the welcome email, and the customer's record in the register.

use crate::customer::rows::InstanceRows;
use crate::provision::outputs;
use serde_json::json;

use super::{done, kept_secret, read_secret, StepDef};
use crate::customer::{Instance, Status};
use crate::ledger::events::StepOutcome;
use crate::ledger::StepKey;
use crate::providers::resend::Email;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::secrets::{CustomerSecret, Provider};

// The one email of a provisioning run goes last: it cannot be taken back, so it waits for every
// step that can fail (a run that fails before it is rolled back with nothing told the customer).
step!(WELCOME: EmailWelcome, "Skicka välkomstmejl", "Send welcome email", needs [Finalize], Some(Provider::Resend), welcome);

step!(WELCOME_AGAIN: EmailWelcomeAgain, "Skicka välkomstmejlet igen", "Send the welcome email again", needs [], Some(Provider::Resend), welcome_again);

step!(FINALIZE: Finalize, "Spara instansens uppgifter", "Save the instance details", needs [SupabaseAdminUser, VercelDeploy, N8nWorkflow, SupabaseAuthMail], None, finalize);

async fn welcome(ctx: &RunCtx) -> Result<Done, StepError> {
    // One welcome per customer, not per run: a later run of the same customer sends nothing.
    let (customer_id, run_id, env) = (ctx.customer.id, ctx.run_id, ctx.environment);
    let sent_before = ctx
        .db(move |s| s.step_done_before(customer_id, StepKey::EmailWelcome, run_id, env))
        .await
        .unwrap_or(false);
    if sent_before {
        return done(
            StepOutcome::Skipped,
            None,
            json!({ "skipped": "redan skickat" }),
        );
    }
    let url = ctx.out::<outputs::Deployment>()?.url;
    let password = match read_secret(ctx, CustomerSecret::AdminPassword).await? {
        Some(p) => Some(p),
        // Fabrik made the admin, on a seat whose keyring this one cannot read (it died and this
        // seat took the run over): a new password is set through Supabase's API and kept here,
        // so the email carries one that works and no seat needs another's keyring.
        None if ctx
            .recorded::<outputs::AdminUser>()
            .is_some_and(|a| a.created) =>
        {
            Some(replace_admin_password(ctx).await?)
        }
        None => None,
    };
    // The same key on a resumed run makes Resend answer with the first send instead of sending
    // again; per seat, because another seat's send carried a password this one replaced.
    let key = format!(
        "fabrik-welcome-{}-{}-{}",
        ctx.customer.uid,
        ctx.run_id,
        seat_tag(ctx.store.seat())
    );
    let to = &ctx.customer.admin_email;
    let id = send_welcome(ctx, to, &url, password.as_ref().map(|p| p.expose()), &key).await?;
    // Whose keyring holds the password this email carried: only that seat may put it back
    // (`lifecycle::old_password`).
    done(
        StepOutcome::Done,
        Some(id.clone()),
        json!({ "email_id": id, "password": password.is_some(), "mailed_by": ctx.store.seat() }),
    )
}

/// The welcome email again (a `resend_welcome` run), to the address on the card and with the
/// instance's address as it is now (a custom domain made production since), without a
/// password: the one-time password went once, and whoever lost it resets it. One email per run:
/// a resumed run's key makes Resend answer with the first send.
async fn welcome_again(ctx: &RunCtx) -> Result<Done, StepError> {
    let url = match ctx.customer.instance.production_url.clone() {
        Some(url) => url,
        None => ctx.out::<outputs::Deployment>()?.url,
    };
    let key = format!("fabrik-welcome-again-{}-{}", ctx.customer.uid, ctx.run_id);
    let id = send_welcome(ctx, &ctx.customer.admin_email, &url, None, &key).await?;
    done(
        StepOutcome::Done,
        Some(id.clone()),
        json!({ "email_id": id, "password": false }),
    )
}

/// A new password for the admin Fabrik made, kept in this seat's keyring before it is set.
async fn replace_admin_password(ctx: &RunCtx) -> Result<crate::secrets::Secret, StepError> {
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let user = ctx.out::<outputs::AdminUser>()?.user_id;
    let keys = ctx.api_keys().await?;
    let password = kept_secret(ctx, CustomerSecret::AdminPassword).await?;
    ctx.clients
        .supabase
        .set_user_password(&project_ref, &keys, &user, &password)
        .await?;
    Ok(password)
}

/// A short tag for a seat's name, the same in every build (FNV-1a): an idempotency key takes
/// no spaces or `@`.
pub(super) fn seat_tag(seat: &str) -> String {
    let mut h = crate::fnv::Fnv1a::new();
    h.write(seat.as_bytes());
    format!("{:016x}", h.finish())
}

/// The welcome email to the customer's admin at `to`, sent under the idempotency `key`: its id.
pub(super) async fn send_welcome(
    ctx: &RunCtx,
    to: &str,
    login_url: &str,
    password: Option<&str>,
    key: &str,
) -> Result<String, StepError> {
    let mail = crate::provision::email::welcome(&crate::provision::email::WelcomeFacts {
        customer_name: &ctx.customer.name,
        agency: &ctx.settings.agency,
        login_url,
        email: to,
        password,
        support_address: &ctx.settings.support_address,
    });
    let email = Email {
        from: &ctx.settings.sender,
        to,
        subject: &mail.subject,
        html: &mail.html,
        text: &mail.text,
    };
    Ok(ctx.clients.resend.send(&email, key).await?)
}

async fn finalize(ctx: &RunCtx) -> Result<Done, StepError> {
    let instance = Instance {
        production_url: ctx.recorded::<outputs::Deployment>().map(|d| d.url),
        github_repo_url: ctx
            .recorded::<outputs::GithubRepo>()
            .and_then(|r| r.html_url),
        supabase_project_ref: ctx
            .recorded::<outputs::SupabaseProject>()
            .map(|p| p.project_ref),
        vercel_project_id: ctx.recorded::<outputs::VercelProject>().map(|p| p.id),
        n8n_workflow_id: ctx.workflow_id(),
    };
    // The card of this run's environment only: a sandbox run never fills production's.
    let (id, env) = (ctx.customer.id, ctx.environment);
    let (plan, modules) = (ctx.customer.plan, ctx.customer.modules.clone());
    ctx.db(move |s| {
        s.set_instance(id, env, Status::Active, Some(&instance))?;
        // What `client-config.json` and the modules variable were written with.
        s.set_applied(id, env, plan, &modules)
    })
    .await?;
    done(StepOutcome::Done, None, json!({}))
}
