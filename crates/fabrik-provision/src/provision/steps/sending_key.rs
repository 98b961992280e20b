//! The instance's own sending key at Resend (issue #55). Its Auth sends through Resend's SMTP
//! relay, whose password is a Resend API key; with the agency's one key there, every end user of
//! every instance spent the agency's quota and reputation, a project handed over exposed it, and
//! it could not be revoked for one customer. Each instance gets a key of its own instead: it may
//! only send (`sending_access`), only from the agency's verified sender domain, named with the
//! customer's marker (`fabrik:<uid>`: a key has nothing but a name), made here, given to the
//! instance by `supabase.auth_mail`, and deleted by id, its name proven, by rollback and teardown.
//!
//! Resend shows a key's token once, in the answer that makes it. It goes from that answer to
//! the instance and nowhere else: not the ledger (which keeps the key's id), not the keyring,
//! not a log. Between this step and `supabase.auth_mail` it is held in this process only. A
//! process that did not make the key (a restart, another seat taking the run over) cannot give
//! it to anyone: `supabase.auth_mail` then makes a key of its own and this one goes.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{done, gone, Owned, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::StepKey;
use crate::messages::{params, ErrorCode, Text};
use crate::providers::{ErrorKind, ProviderError};
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::kept::Kept;
use crate::provision::{creation, outputs, ownership};
use crate::secrets::{Provider, Secret};

// After the project is up (a failed project makes no key), not after the deployment: runs
// started together then spend Resend's two requests a second while GitHub and Vercel pace them,
// not all at their end with the welcome email (#71).
step!(SENDING_KEY: ResendSendingKey, "Skapa instansens egen sändningsnyckel hos Resend", "Make the instance's own sending key at Resend", needs [SupabaseReady], Some(Provider::Resend), sending_key;
    undo find_key, owns_key, delete_key,
    by hand "Ta bort API-nyckeln {id} i Resend (API Keys → ⋯ → Remove API Key).",
    "Remove the API key {id} in Resend (API Keys → ⋯ → Remove API Key).");

/// `resend.sending_key`: the key (never its token) and the domain it may send from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendingKey {
    pub id: String,
    pub name: String,
    pub domain_id: String,
    pub domain: String,
}

impl outputs::StepOutput for SendingKey {
    const STEP: StepKey = StepKey::ResendSendingKey;
}

/// The name of the customer's sending key: their marker, which proves a key theirs.
pub fn key_name(uid: &str) -> String {
    ownership::marker(uid)
}

/// The name a run gives the key it makes: the customer's marker and the run's mark
/// (`creation`), all a key can carry. Resend takes at most 50 characters and the marker has 43,
/// so the key carries the mark's first six hex digits: enough to tell this customer's runs
/// apart, and what was delivered is kept by the register's word besides.
fn key_name_by_run(uid: &str, mark: &str) -> String {
    format!("{} {}", key_name(uid), key_mark(mark))
}

fn key_mark(mark: &str) -> &str {
    mark.get(1..7).unwrap_or(mark)
}

/// Whether the key was made by this run: its name ends in this run's mark.
fn made(name: &str, ctx: &RunCtx) -> creation::Made {
    let suffix = name.strip_prefix(&key_name(&ctx.customer.uid));
    creation::exactly(suffix.map(str::trim_start), key_mark(&ctx.mark))
}

/// Whether a key's name is the customer's: their marker alone (keys made before runs were
/// marked) or followed by a run's mark.
fn carries(name: &str, uid: &str) -> bool {
    let marker = key_name(uid);
    name == marker
        || name
            .strip_prefix(&marker)
            .is_some_and(|r| r.starts_with(' '))
}

/// Tokens of the keys this process made, by key id, until the instance has been given one.
static HELD: LazyLock<Mutex<HashMap<String, Secret>>> = LazyLock::new(Default::default);

fn held_map() -> std::sync::MutexGuard<'static, HashMap<String, Secret>> {
    HELD.lock().unwrap_or_else(|p| p.into_inner())
}

/// The token of the key `id`, when this process made it and still holds it.
pub(super) fn held(id: &str) -> Option<Secret> {
    held_map().get(id).cloned()
}

/// The token of the key `id` is no longer needed here (the instance has it, or the key went).
pub(super) fn let_go(id: &str) {
    held_map().remove(id);
}

/// Forgets the token of the key `id`: what a process that did not make it sees (a test of a
/// run taken over by another seat).
#[doc(hidden)]
pub fn forget_held_token(id: &str) {
    let_go(id);
}

async fn sending_key(ctx: &RunCtx) -> Result<Done, StepError> {
    let key = StepKey::ResendSendingKey;
    let name = key_name_by_run(&ctx.customer.uid, &ctx.mark);
    // What this run made before (a retry, or a resume after a crash).
    let run_id = ctx.run_id;
    let mine = ctx
        .db(move |s| s.run_steps(run_id))
        .await?
        .into_iter()
        .find(|r| r.key == key);
    if let Some((id, out)) = mine
        .as_ref()
        .and_then(|r| Some((r.external_id.clone()?, r.output.clone()?)))
    {
        if held(&id).is_some() {
            return done(StepOutcome::Created, Some(id), out);
        }
    }
    // An instance delivered before has its key: provisioning it again adopts the key, and
    // `supabase.auth_mail` gives it a new one only when the instance's mail must change (issue
    // #67: each second provisioning left one more live key). The `auth_mail` run is asked to
    // give the instance a new key, and does.
    if ctx.kind == crate::ledger::RunKind::Provision
        && mine.as_ref().is_none_or(|r| r.intent.is_none())
    {
        if let Some(adopted) = delivered_key(ctx).await? {
            let out = json!(adopted);
            ctx.record_resource(key, &adopted.id, false, &out).await?;
            return done(StepOutcome::Adopted, Some(adopted.id), out);
        }
    }
    // A key this run made whose token this process does not hold is of use to nobody (Resend
    // shows a token once): it goes before another is made. Only this run's keys (named with
    // its mark) are looked at; the instance's key from earlier runs stays, and
    // `supabase.auth_mail` retires it.
    if mine.as_ref().is_some_and(|r| r.intent.is_some()) {
        let earlier: Vec<String> = instance_key(ctx).await?.into_iter().collect();
        for k in ctx.clients.resend.api_keys().await? {
            if k.name == name && !earlier.contains(&k.id) && held(&k.id).is_none() {
                gone(ctx.clients.resend.delete_api_key(&k.id).await)?;
            }
        }
    }
    let (made, out, _) = make(ctx, key).await?;
    done(StepOutcome::Created, Some(made.id), out)
}

/// The key a succeeded run gave the instance, when it is still there, the customer's: what a
/// provisioning run again adopts instead of making another.
async fn delivered_key(ctx: &RunCtx) -> Result<Option<SendingKey>, StepError> {
    let Some(id) = instance_key(ctx).await? else {
        return Ok(None);
    };
    let Some(k) = ctx
        .clients
        .resend
        .api_keys()
        .await?
        .into_iter()
        .find(|k| k.id == id && carries(&k.name, &ctx.customer.uid))
    else {
        return Ok(None);
    };
    let (customer, env) = (ctx.customer.id, ctx.environment);
    let before: Option<SendingKey> = ctx
        .db(move |s| s.last_step_output(customer, StepKey::ResendSendingKey, env))
        .await?
        .and_then(|v| serde_json::from_value(v).ok());
    let domain = ctx.settings.sender_domain().to_string();
    Ok(Some(SendingKey {
        id: k.id,
        name: k.name,
        domain_id: before.map(|b| b.domain_id).unwrap_or_default(),
        domain,
    }))
}

/// The key the instance was given by an earlier run (`supabase.auth_mail`'s record), if any:
/// the run's own reading of the delivery, or the register's for a run that does not read it
/// (a provisioning run again).
pub(super) async fn instance_key(ctx: &RunCtx) -> Result<Option<String>, StepError> {
    let read = |v: Value| v["key_id"].as_str().map(str::to_string);
    if let Some(id) = read(ctx.output(StepKey::SupabaseAuthMail)) {
        return Ok(Some(id));
    }
    let (customer, env) = (ctx.customer.id, ctx.environment);
    Ok(ctx
        .db(move |s| s.last_step_output(customer, StepKey::SupabaseAuthMail, env))
        .await?
        .and_then(read))
}

/// A new sending key for the customer, restricted to the sender's domain, recorded as `step`'s
/// resource (its intent first, so a crash in between leaves its name); its token held here
/// and answered.
pub(super) async fn make(
    ctx: &RunCtx,
    step: StepKey,
) -> Result<(SendingKey, Value, Secret), StepError> {
    let name = key_name_by_run(&ctx.customer.uid, &ctx.mark);
    let (mut domain_id, mut domain, kept) = kept_or_asked(ctx).await?;
    ctx.record_intent(step, &name).await?;
    let resend = &ctx.clients.resend;
    let new = match resend.create_sending_key(&name, &domain_id).await {
        // The kept domain is no longer the account's (removed and added again, another
        // account's token): asked anew, and checked verified, as on a seat's first run.
        Err(e) if kept && e.kind == ErrorKind::NotFound => {
            kept_domain().remove(&kept_key(ctx));
            (domain_id, domain) = sending_domain(ctx).await?;
            resend.create_sending_key(&name, &domain_id).await
        }
        made => made,
    }
    .map_err(sends_only)?;
    held_map().insert(new.id.clone(), new.token.clone());
    let key = SendingKey {
        id: new.id,
        name,
        domain_id,
        domain,
    };
    let out = json!(key);
    ctx.record_resource(step, &key.id, true, &out).await?;
    Ok((key, out, new.token))
}

/// The sender's domain as a seat saw it verified: the same for every customer, so it is asked
/// once a day per seat instead of before every key (issue #60). A key restricted to a domain
/// that went unverified since sends nothing; the welcome email's own refusal says so.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeptDomain {
    pub id: String,
    pub name: String,
    /// When it was seen verified (Unix seconds).
    pub seen: i64,
}

/// How long a domain seen verified is taken as verified without asking.
const DOMAIN_KEPT_FOR: i64 = 24 * 3600;

/// The seat's record of its sender domain, by environment and domain name.
pub fn kept_domain() -> &'static Kept<KeptDomain> {
    static KEPT: LazyLock<Kept<KeptDomain>> = LazyLock::new(Kept::default);
    &KEPT
}

fn kept_key(ctx: &RunCtx) -> String {
    format!(
        "{}/{}",
        ctx.environment,
        ctx.settings.sender_domain().to_ascii_lowercase()
    )
}

fn kept(ctx: &RunCtx) -> Option<KeptDomain> {
    let now = chrono::Utc::now().timestamp();
    kept_domain()
        .get(&kept_key(ctx))
        .filter(|d| (0..DOMAIN_KEPT_FOR).contains(&(now - d.seen)))
}

/// The sender's domain as kept (`true`), or asked for and kept now. One run at a time asks:
/// the runs of a bulk provisioning start together, and each asking would spend one of Resend's
/// two requests a second per team (issue #71).
async fn kept_or_asked(ctx: &RunCtx) -> Result<(String, String, bool), StepError> {
    static ASKING: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(|| tokio::sync::Mutex::new(()));
    if let Some(d) = kept(ctx) {
        return Ok((d.id, d.name, true));
    }
    let _one = ASKING.lock().await;
    if let Some(d) = kept(ctx) {
        return Ok((d.id, d.name, true));
    }
    let (id, name) = sending_domain(ctx).await?;
    Ok((id, name, false))
}

/// The sender's domain in the agency's Resend account, verified: its id and name, kept for
/// the seat's next runs.
async fn sending_domain(ctx: &RunCtx) -> Result<(String, String), StepError> {
    let wanted = ctx.settings.sender_domain().to_string();
    let domains = ctx.clients.resend.domains().await.map_err(sends_only)?;
    match domains
        .into_iter()
        .find(|d| d.name.eq_ignore_ascii_case(&wanted))
    {
        Some(d) if d.status == "verified" => {
            let seen = chrono::Utc::now().timestamp();
            let (id, name) = (d.id.clone(), d.name.clone());
            kept_domain().put(kept_key(ctx), KeptDomain { id, name, seen });
            Ok((d.id, d.name))
        }
        found => Err(StepError::permanent(
            ErrorCode::SendingDomainUnusable,
            params! {
                "domain" => wanted,
                "status" => found.map(|d| d.status).unwrap_or_else(|| "—".into()),
            },
        )),
    }
}

/// Resend's refusal of a key that may only send, said as what to do.
fn sends_only(e: ProviderError) -> StepError {
    if e.code.as_deref() == Some("restricted_api_key") {
        StepError::permanent(ErrorCode::ResendKeySendsOnly, params! {})
    } else {
        e.into()
    }
}

/// Removes the customer's key `id`, proven theirs by its name first; gone already is done.
pub(super) async fn remove(ctx: &RunCtx, id: &str) -> Result<(), StepError> {
    match owns_key(ctx, id, &Value::Null).await? {
        Owned::Ours(_) => delete_key(ctx, id, &Value::Null).await,
        Owned::Gone => Ok(()),
        Owned::NotOurs(refusal) => Err(refusal),
    }
}

/// A key a crash left between its making and its id in the ledger: the newest of the
/// customer's name that is not the one the instance was given before.
pub(super) async fn find_key(
    ctx: &RunCtx,
    intent: &str,
) -> Result<Option<(String, Value)>, StepError> {
    let instance = instance_key(ctx).await?;
    let mut ours: Vec<_> = ctx
        .clients
        .resend
        .api_keys()
        .await?
        .into_iter()
        .filter(|k| k.name == intent && Some(&k.id) != instance.as_ref())
        .collect();
    ours.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    Ok(ours.pop().map(|k| (k.id, json!({}))))
}

/// Reads the key back by its id: only one named with this customer's marker is theirs.
pub(super) async fn owns_key(ctx: &RunCtx, id: &str, _: &Value) -> Result<Owned, StepError> {
    let keys = ctx.clients.resend.api_keys().await?;
    Ok(match keys.into_iter().find(|k| k.id == id) {
        None => Owned::Gone,
        Some(k) if carries(&k.name, &ctx.customer.uid) => Owned::Ours(made(&k.name, ctx)),
        Some(k) => Owned::NotOurs(ownership::not_ours(
            "Resend-nyckeln",
            "The Resend key",
            &format!("{} ({id})", k.name),
        )),
    })
}

/// Deletes the key: from now on it sends nothing, through the API or the relay.
pub(super) async fn delete_key(ctx: &RunCtx, id: &str, _: &Value) -> Result<(), StepError> {
    let deleted = ctx.clients.resend.delete_api_key(id).await;
    if deleted
        .as_ref()
        .map_or_else(|e| e.kind == ErrorKind::NotFound, |()| true)
    {
        let_go(id);
    }
    gone(deleted)
}
