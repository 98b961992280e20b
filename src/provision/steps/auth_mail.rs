//! The instance's own mail: its Supabase Auth sends invitations, password resets and
//! confirmations through the agency's Resend (the SMTP relay, the agency's verified sender),
//! not through Supabase's built-in mailer, which sends a few emails an hour from Supabase's
//! own address. Set during provisioning, and by the `auth_mail` run for instances delivered
//! before. The relay's password (the agency's Resend key) goes only to the instance: the
//! step's output and the ledger carry the sender and the limit, never the key.

use serde_json::json;

use super::lifecycle::ours;
use super::supabase::owns_project;
use super::{done, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::StepKey;
use crate::messages::{params, ErrorCode};
use crate::providers::resend::{SMTP_HOST, SMTP_PORT, SMTP_USER};
use crate::providers::supabase::AuthMail;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::outputs;
use crate::secrets::Provider;

step!(AUTH_MAIL: SupabaseAuthMail, "Låt instansen skicka e-post som byrån", "Make the instance send email as the agency", needs [SupabaseReady, VercelDeploy], Some(Provider::Supabase), auth_mail);

/// Seconds before Auth mails the same address again (Supabase's own default): an invitation
/// resent at once is refused by the instance, and by Fabrik before it asks.
pub const MAX_FREQUENCY_SECONDS: u32 = 60;

/// The mail settings an instance gets from these settings and the agency's Resend key.
pub fn wanted<'a>(ctx: &'a RunCtx, site_url: Option<&'a str>) -> AuthMail<'a> {
    AuthMail {
        smtp_host: SMTP_HOST,
        smtp_port: SMTP_PORT,
        smtp_user: SMTP_USER,
        smtp_pass: ctx.clients.resend.smtp_password(),
        admin_email: ctx.settings.sender_address(),
        sender_name: &ctx.settings.agency,
        per_hour: ctx.settings.emails_per_hour,
        max_frequency: MAX_FREQUENCY_SECONDS,
        site_url,
    }
}

async fn auth_mail(ctx: &RunCtx) -> Result<Done, StepError> {
    // The ledger's project (provisioning's own record), proven the customer's right before
    // the change.
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    ours(
        owns_project(ctx, &project_ref, &serde_json::Value::Null).await?,
        ("Supabase-projektet", "The Supabase project"),
        &project_ref,
    )?;
    // Links in the emails lead to the instance's own address.
    let site_url = ctx
        .recorded::<outputs::Deployment>()
        .map(|d| d.url)
        .or_else(|| ctx.customer.instance.production_url.clone());
    let want = wanted(ctx, site_url.as_deref());
    // Always written, also when it reads as set: the key is not readable back, and the
    // agency may have given Resend a new one since.
    let now = ctx
        .clients
        .supabase
        .set_auth_mail(&project_ref, &want)
        .await?;
    if !now.sends_as(&want) {
        return Err(StepError::permanent(
            ErrorCode::AuthMailNotTaken,
            params! {
                "project" => project_ref,
                "detail" => serde_json::to_string(&now).unwrap_or_default(),
            },
        ));
    }
    done(
        StepOutcome::Done,
        Some(project_ref.clone()),
        json!({
            "ref": project_ref,
            "sender": ctx.settings.sender,
            "per_hour": want.per_hour,
            "site_url": site_url,
        }),
    )
}
