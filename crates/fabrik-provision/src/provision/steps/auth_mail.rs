//! The instance's own mail: its Supabase Auth sends invitations, password resets and
//! confirmations through the agency's Resend (the SMTP relay, the agency's verified sender),
//! not through Supabase's built-in mailer, which sends a few emails an hour from Supabase's
//! own address. Set during provisioning, and by the `auth_mail` run for instances delivered
//! before. The relay's password is the instance's own sending key (`resend.sending_key`, issue
//! #55), which goes only to the instance: the step's output and the ledger carry the key's id,
//! the sender and the limit, never its token. Once the instance holds it, the key it was given
//! by an earlier run goes. A process that did not make the key (a restart, another seat) has no
//! token for it: it makes a key of its own, recorded here, and removes the unusable one.

use serde_json::json;

use super::lifecycle::ours;
use super::sending_key::{self, delete_key, find_key, owns_key, SendingKey};
use super::supabase::owns_project;
use super::{done, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::LogLevel;
use crate::ledger::StepKey;
use crate::messages::{params, ErrorCode, Say, Text};
use crate::providers::resend::{SMTP_HOST, SMTP_PORT, SMTP_USER};
use crate::providers::supabase::AuthMail;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::outputs;
use crate::secrets::{Provider, Secret};

// Its undo removes the key it made itself (when the one `resend.sending_key` made had no token
// here); the instance's mail settings are not put back (the key before is not readable).
step!(AUTH_MAIL: SupabaseAuthMail, "Låt instansen skicka e-post som byrån", "Make the instance send email as the agency", needs [SupabaseReady, VercelDeploy, ResendSendingKey], Some(Provider::Supabase), auth_mail;
    undo find_key, owns_key, delete_key,
    by hand "Ta bort API-nyckeln {id} i Resend (API Keys → ⋯ → Remove API Key).",
    "Remove the API key {id} in Resend (API Keys → ⋯ → Remove API Key).");

/// Seconds before Auth mails the same address again (Supabase's own default): an invitation
/// resent at once is refused by the instance, and by Fabrik before it asks.
pub const MAX_FREQUENCY_SECONDS: u32 = 60;

/// The mail settings an instance gets from these settings and its own sending key.
pub fn wanted<'a>(ctx: &'a RunCtx, key: &'a Secret, site_url: Option<&'a str>) -> AuthMail<'a> {
    AuthMail {
        smtp_host: SMTP_HOST,
        smtp_port: SMTP_PORT,
        smtp_user: SMTP_USER,
        smtp_pass: key,
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
    // The key the instance had from an earlier run (read before this run records its own).
    let before = sending_key::instance_key(ctx).await?;
    let key = ctx.out::<SendingKey>()?;
    // The instance's own key, adopted by `resend.sending_key` (a provisioning run again): when
    // the instance already sends as it should, nothing changes and no key is made.
    if sending_key::held(&key.id).is_none() && before.as_deref() == Some(key.id.as_str()) {
        let unread = Secret::new(String::new());
        let want = wanted(ctx, &unread, site_url.as_deref());
        if ctx
            .clients
            .supabase
            .auth_config(&project_ref)
            .await?
            .sends_as(&want)
        {
            let out = json!({
                "ref": project_ref,
                "sender": ctx.settings.sender,
                "per_hour": want.per_hour,
                "site_url": site_url,
                "key_id": key.id,
            });
            return done(StepOutcome::Done, Some(project_ref), out);
        }
    }
    let (key_id, token, made) = match sending_key::held(&key.id) {
        Some(token) => (key.id.clone(), token, false),
        None => {
            let (new, _, token) = sending_key::make(ctx, StepKey::SupabaseAuthMail).await?;
            sending_key::remove(ctx, &key.id).await?;
            (new.id, token, true)
        }
    };
    let want = wanted(ctx, &token, site_url.as_deref());
    // Always written, also when it reads as set: the key is not readable back.
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
    // The instance's key before this one sends no more. Not a reason to fail: the instance
    // sends as it should, and what is left is said with the way to remove it by hand.
    for old in before.iter().filter(|b| **b != key_id && **b != key.id) {
        if let Err(e) = sending_key::remove(ctx, old).await {
            let manual = (AUTH_MAIL.undo.as_ref().map(|u| u.manual))
                .map(|m| m(old))
                .unwrap_or_else(|| Text::new(String::new(), String::new()));
            let mut p = params! { "id" => old };
            crate::messages::param_text(&mut p, "reason", &e.text());
            crate::messages::param_text(&mut p, "manual", &manual);
            ctx.log(
                StepKey::SupabaseAuthMail,
                LogLevel::Warn,
                &Say::CouldNotDelete.with(p),
            )
            .await;
        }
    }
    let out = json!({
        "ref": project_ref,
        "sender": ctx.settings.sender,
        "per_hour": want.per_hour,
        "site_url": site_url,
        "key_id": key_id,
    });
    sending_key::let_go(&key_id);
    if !made {
        return done(StepOutcome::Done, Some(project_ref), out);
    }
    // A key of this step's own, which its undo removes: recorded with the whole output (the
    // record made with the key is not written again by the engine).
    ctx.record_resource(StepKey::SupabaseAuthMail, &key_id, true, &out)
        .await?;
    done(StepOutcome::Created, Some(key_id), out)
}
