//! Handing the instance to the customer (issue #59), through the guarded gate: a claim link
//! for their Supabase organization (Supabase's documented claim flow), a transfer request for
//! their Vercel team, the workflow exported, the repository transferred to their GitHub account
//! or organization, and the letter with every link, code and step. Each step proves the resource
//! this customer's (marker and the ledger's id, fence held) right before its call.
//!
//! The link and the code are the customer's keys to their instance: they are held in this
//! process's memory until the letter carries them, and never written to the ledger, a log or
//! an error (each is a `Secret`, registered with the redactor). A letter sent by a process that
//! no longer holds them (a resumed run) asks anew: a new claim replaces the earlier one, and an
//! earlier transfer request lapses after 24 hours.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use serde_json::{json, Value};

use super::lifecycle::{project_ref, workflow_id};
use super::{done, gone, Found, Owned, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::StepKey;
use crate::messages::{params, ErrorCode, Text};
use crate::providers::{ErrorKind, ProviderError};
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::handovers::HandoverRows;
use crate::provision::kinds::RunRequest;
use crate::provision::proof;
use crate::secrets::{Provider, Secret};

// A claim left open by a handover that did not happen would still hand the project to whoever
// holds its link: a rollback revokes it (the claim token the flow leaves on the project).
step!(CLAIM_TOKEN: SupabaseClaimToken, "Skapa en länk för att ta över Supabase-projektet", "Make a link to claim the Supabase project", needs [], Some(Provider::Supabase), claim_token;
    undo find_token, owns_token, revoke_token,
    by hand "Återkalla Supabase-projektets länk för överlämning ({id}) med Management API:s DELETE /v1/projects/{{ref}}/claim-token.",
    "Revoke the Supabase project's claim link ({id}) with the Management API's DELETE /v1/projects/{{ref}}/claim-token.");

step!(TRANSFER_REQUEST: VercelTransferRequest, "Begär flytt av Vercel-projektet", "Request the Vercel project's transfer", needs [], Some(Provider::Vercel), transfer_request);

step!(WORKFLOW_EXPORT: N8nHandoverExport, "Exportera n8n-flödet till överlämningen", "Export the n8n workflow for the handover", needs [], Some(Provider::N8n), workflow_export);

// The repository moves last of the three: once it has, the agency may no longer reach it.
step!(REPO_TRANSFER: GithubTransfer, "Flytta GitHub-repot till kunden", "Transfer the GitHub repository to the customer", needs [SupabaseClaimToken, VercelTransferRequest, N8nHandoverExport], Some(Provider::Github), repo_transfer);

step!(LETTER: EmailHandover, "Skicka överlämningsbrevet", "Send the handover letter", needs [GithubTransfer], Some(Provider::Resend), letter);

/// The codes made by this process, by run and step, until the letter takes them.
static HELD: LazyLock<Mutex<HashMap<(i64, StepKey), Secret>>> = LazyLock::new(Default::default);

fn hold(ctx: &RunCtx, step: StepKey, secret: Secret) {
    HELD.lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert((ctx.run_id, step), secret);
}

fn take(ctx: &RunCtx, step: StepKey) -> Option<Secret> {
    HELD.lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&(ctx.run_id, step))
}

/// The accounts the request names.
struct Targets {
    github: String,
    vercel_team: String,
    supabase_org: String,
    letter_to: Option<String>,
}

fn targets(ctx: &RunCtx) -> Result<Targets, StepError> {
    match &ctx.request {
        Some(RunRequest::Handover {
            to_github,
            to_vercel_team,
            to_supabase_org,
            letter_to,
            ..
        }) => Ok(Targets {
            github: to_github.trim().to_string(),
            vercel_team: to_vercel_team.trim().to_string(),
            supabase_org: to_supabase_org.trim().to_string(),
            letter_to: letter_to.clone(),
        }),
        _ => Err(StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::GithubTransfer, "field" => "to_github" },
        )),
    }
}

/// A provider's refusal of a part, in words: why, for whom, and what it said.
fn refused(e: ProviderError, target: &str) -> StepError {
    let (why, why_en) = match e.kind {
        ErrorKind::Forbidden => (
            "byråns konto får inte lämna något dit",
            "the agency's account may not hand anything there",
        ),
        ErrorKind::Conflict => (
            "mottagaren har redan något med samma namn",
            "the receiver already has something of the same name",
        ),
        ErrorKind::NotFound => (
            "koden eller mottagaren finns inte (använd, tillbakadragen eller för gammal)",
            "the code or the receiver does not exist (used, withdrawn or too old)",
        ),
        ErrorKind::Invalid => (
            "mottagaren finns inte eller har redan något med samma namn",
            "the receiver does not exist or already has something of the same name",
        ),
        _ => return e.into(),
    };
    StepError::permanent(
        ErrorCode::HandoverRefused,
        params! {
            "provider" => e.provider.display_name(), "target" => target,
            "why" => why, "why_en" => why_en, "detail" => e.message,
        },
    )
}

/// Where the letter goes: the address the owner typed at the gate, else the proven first
/// administrator's address in the instance's Auth (never the card's, which any operator edits).
async fn recipient(ctx: &RunCtx, t: &Targets, project_ref: &str) -> Result<String, StepError> {
    if let Some(typed) = &t.letter_to {
        return Ok(typed.clone());
    }
    let admin = ctx.out::<crate::provision::outputs::AdminUser>()?;
    let keys = ctx.api_keys().await?;
    let supabase = &ctx.clients.supabase;
    proof::first_admin_email(supabase, &keys, &ctx.customer, project_ref, &admin.user_id).await
}

/// Where the handover's files go: the letter and the workflow, beside each other.
fn folder(ctx: &RunCtx) -> PathBuf {
    folder_of(&ctx.customer.slug, ctx.run_id)
}

fn folder_of(slug: &str, run_id: i64) -> PathBuf {
    crate::paths::export_dir().join(format!("fabrik-overlamning-{slug}-{run_id}"))
}

/// Where the handover run `run_id` of `slug` saved its letter on this seat. Derived again here,
/// never read from the register (a path written there could name any file of the seat's user).
pub fn letter_path(slug: &str, run_id: i64) -> PathBuf {
    folder_of(slug, run_id).join(LETTER_FILE)
}

const LETTER_FILE: &str = "overlamning.html";

fn io(e: std::io::Error, path: &std::path::Path) -> StepError {
    StepError::permanent(
        ErrorCode::Io,
        params! { "detail" => format!("{}: {e}", path.display()) },
    )
}

/// The agency's OAuth app the claim flow goes through, or what to set.
fn claim_app(ctx: &RunCtx) -> Result<crate::providers::supabase::ClaimApp, StepError> {
    ctx.settings.supabase_claim_app.clone().ok_or_else(|| {
        let why = crate::messages::Say::HandoverNeedsClaimApp.text();
        StepError::permanent(
            ErrorCode::InvalidSetting,
            params! {
                "key" => "supabase.oauth_client_id, supabase.oauth_redirect_uri",
                "reason" => why.sv, "reason_en" => why.en,
            },
        )
    })
}

/// The claim flow's refusals in words: an app or redirect address Supabase does not know is the
/// settings' to mend; a 403 is the flow not open to the agency's account (Supabase opens it on
/// request) or a project it may not hand.
fn claim_refused(e: ProviderError, target: &str) -> StepError {
    match e.kind {
        ErrorKind::Invalid => {
            let why = crate::messages::Say::HandoverClaimAppRefused
                .with(params! { "detail" => e.message.clone() });
            StepError::permanent(
                ErrorCode::InvalidSetting,
                params! {
                    "key" => "supabase.oauth_client_id, supabase.oauth_redirect_uri",
                    "reason" => why.sv, "reason_en" => why.en,
                },
            )
        }
        ErrorKind::Forbidden => StepError::permanent(
            ErrorCode::HandoverRefused,
            params! {
                "provider" => e.provider.display_name(), "target" => target,
                "why" => "byråns konto får inte lämna över projektet genom Supabases flöde för överlämning (Supabase öppnar det på begäran), eller projektet är inte byråns",
                "why_en" => "the agency's account may not hand the project over through Supabase's claim flow (Supabase opens it on request), or the project is not the agency's",
                "detail" => e.message,
            },
        ),
        _ => refused(e, target),
    }
}

/// A claim link for the project `r`, proven the customer's (Supabase's claim flow, through
/// the agency's OAuth app), and the claim token it left (its alias and expiry), read back
/// because only it can be proven and revoked; a service that shows none leaves a link that
/// lapses by itself.
async fn new_claim_link(
    ctx: &RunCtx,
    r: &str,
) -> Result<(Secret, Option<crate::providers::supabase::ClaimToken>), StepError> {
    let t = targets(ctx)?;
    let app = claim_app(ctx)?;
    // Comes back to the app's redirect address with the customer: which handover it was.
    let state = format!("fabrik-handover-{}-{}", ctx.customer.uid, ctx.run_id);
    proof::fence(ctx).await?;
    let supabase = &ctx.clients.supabase;
    let link = supabase
        .claim_link(r, &app, &state)
        .await
        .map_err(|e| claim_refused(e, &t.supabase_org))?;
    let open = supabase.claim_token(r).await?;
    Ok((link, open))
}

/// The claim is named by its token's alias (the project is not what a rollback removes); the
/// project's ref, which the revocation needs, is in the output.
async fn claim_token(ctx: &RunCtx) -> Result<Done, StepError> {
    let r = project_ref(ctx).await?;
    // Before the call: a crash right after it leaves a claim for a rollback to find.
    ctx.record_intent(StepKey::SupabaseClaimToken, &r).await?;
    let (link, open) = new_claim_link(ctx, &r).await?;
    hold(ctx, StepKey::SupabaseClaimToken, link);
    let Some(open) = open else {
        let out = json!({ "project_ref": r, "expires_at": null });
        return done(StepOutcome::Done, None, out);
    };
    let out =
        json!({ "project_ref": r, "token_alias": open.token_alias, "expires_at": open.expires_at });
    ctx.record_resource(StepKey::SupabaseClaimToken, &open.token_alias, true, &out)
        .await?;
    done(StepOutcome::Created, Some(open.token_alias), out)
}

/// The project's open claim token, after a crash between its making and its record (`intent`:
/// the project's ref). While an earlier handover waits, an open token may be its: left alone.
async fn find_token(ctx: &RunCtx, intent: &str) -> Result<Found, StepError> {
    let (id, env) = (ctx.customer.id, ctx.environment);
    if ctx.db(move |s| s.handover(id, env)).await?.is_some() {
        return Ok(None);
    }
    let open = ctx.clients.supabase.claim_token(intent).await?;
    Ok(open.map(|t| (t.token_alias, json!({ "project_ref": intent }))))
}

/// Ours while the project is still the agency's to hand and its open token is the one this run
/// made; a token used (the project claimed), revoked or replaced by a later one is gone.
async fn owns_token(ctx: &RunCtx, alias: &str, out: &Value) -> Result<Owned, StepError> {
    let Some(r) = out["project_ref"].as_str() else {
        return Ok(Owned::Gone);
    };
    let supabase = &ctx.clients.supabase;
    if !proof::supabase_handable(supabase, &ctx.settings.supabase_org, &ctx.customer, r).await? {
        return Ok(Owned::Gone);
    }
    Ok(match supabase.claim_token(r).await? {
        Some(t) if t.token_alias == alias => {
            Owned::Ours(crate::provision::creation::Made::Unmarkable)
        }
        _ => Owned::Gone,
    })
}

async fn revoke_token(ctx: &RunCtx, _: &str, out: &Value) -> Result<(), StepError> {
    let r = out["project_ref"].as_str().unwrap_or_default();
    gone(ctx.clients.supabase.revoke_claim_token(r).await)
}

/// A transfer request for the proven project: (its code, the project's name).
async fn new_transfer_code(ctx: &RunCtx) -> Result<(Secret, String), StepError> {
    let t = targets(ctx)?;
    let p = proof::project(ctx).await?;
    let code = ctx
        .clients
        .vercel
        .request_transfer(&p.id)
        .await
        .map_err(|e| refused(e, &t.vercel_team))?;
    Ok((code, p.name))
}

async fn transfer_request(ctx: &RunCtx) -> Result<Done, StepError> {
    let (code, name) = new_transfer_code(ctx).await?;
    hold(ctx, StepKey::VercelTransferRequest, code);
    done(
        StepOutcome::Done,
        None,
        json!({ "project": name, "valid_hours": crate::providers::vercel::TRANSFER_CODE_HOURS }),
    )
}

const WORKFLOW_FILE: &str = "workflow.json";

async fn workflow_export(ctx: &RunCtx) -> Result<Done, StepError> {
    let id = workflow_id(ctx).await?;
    let Some(wf) = ctx.clients.n8n.export(&id).await? else {
        return Err(StepError::permanent(
            ErrorCode::ResourceGone,
            params! { "resource" => "n8n-flödet", "resource_en" => "The n8n workflow", "name" => id },
        ));
    };
    // Redacted by shape and by what this process knows, as a backup is.
    let bytes = crate::workflows::normalize(&wf)
        .map_err(|e| StepError::permanent(ErrorCode::Io, params! { "detail" => e.to_string() }))?;
    let dir = folder(ctx);
    let path = dir.join(WORKFLOW_FILE);
    let write = {
        let (dir, path) = (dir.clone(), path.clone());
        move || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            crate::paths::write_private(&path, &bytes)
        }
    };
    crate::blocking::run(write)
        .await
        .map_err(|e| io(e, &path))?;
    done(
        StepOutcome::Done,
        Some(id),
        json!({ "file": path.display().to_string() }),
    )
}

async fn repo_transfer(ctx: &RunCtx) -> Result<Done, StepError> {
    let t = targets(ctx)?;
    let r = proof::repo(ctx).await?;
    let moved = ctx
        .clients
        .github
        .transfer(&r.owner.login, &r.name, &t.github)
        .await
        .map_err(|e| refused(e, &t.github))?;
    done(
        StepOutcome::Done,
        Some(moved.id.to_string()),
        json!({ "from": r.full_name, "to": t.github, "name": r.name, "repo_id": r.id }),
    )
}

fn recorded(ctx: &RunCtx, step: StepKey, field: &str) -> String {
    ctx.outputs
        .lock()
        .ok()
        .and_then(|o| o.get(&step).and_then(|v| v.get(field)).cloned())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

async fn letter(ctx: &RunCtx) -> Result<Done, StepError> {
    let t = targets(ctx)?;
    let (link, expires, project_ref) = match take(ctx, StepKey::SupabaseClaimToken) {
        Some(link) => (
            link,
            recorded(ctx, StepKey::SupabaseClaimToken, "expires_at"),
            recorded(ctx, StepKey::SupabaseClaimToken, "project_ref"),
        ),
        None => {
            let r = project_ref(ctx).await?;
            let (link, open) = new_claim_link(ctx, &r).await?;
            (link, open.map(|t| t.expires_at).unwrap_or_default(), r)
        }
    };
    let (code, project) = match take(ctx, StepKey::VercelTransferRequest) {
        Some(code) => (
            code,
            recorded(ctx, StepKey::VercelTransferRequest, "project"),
        ),
        None => new_transfer_code(ctx).await?,
    };
    let repo_name = recorded(ctx, StepKey::GithubTransfer, "name");
    let settings = &ctx.settings;
    let mail = crate::provision::letter::letter(&crate::provision::letter::LetterFacts {
        customer_name: &ctx.customer.name,
        agency: &settings.agency,
        support_address: &settings.support_address,
        supabase_org: &t.supabase_org,
        project_ref: &project_ref,
        claim_link: link.expose(),
        claim_expires: &expires,
        vercel_team: &t.vercel_team,
        vercel_project: &project,
        transfer_code: code.expose(),
        github_target: &t.github,
        repo_name: &repo_name,
        workflow_file: WORKFLOW_FILE,
    });
    let dir = folder(ctx);
    let path = dir.join(LETTER_FILE);
    {
        let (dir, file, html) = (dir.clone(), path.clone(), mail.html.clone());
        crate::blocking::run(move || {
            std::fs::create_dir_all(&dir)
                .and_then(|_| crate::paths::write_private(&file, html.as_bytes()))
        })
        .await
        .map_err(|e| io(e, &path))?;
    }
    let to = recipient(ctx, &t, &project_ref).await?;
    let key = format!("fabrik-handover-{}-{}", ctx.customer.uid, ctx.run_id);
    let email = crate::providers::resend::Email {
        from: &settings.sender,
        to: &to,
        subject: &mail.subject,
        html: &mail.html,
        text: &mail.text,
    };
    let id = ctx.clients.resend.send(&email, &key).await?;
    let letter_path = path.display().to_string();
    let (customer_id, environment, run_id) = (ctx.customer.id, ctx.environment, ctx.run_id);
    let (github, team, org, contact, saved) = (
        t.github.clone(),
        t.vercel_team.clone(),
        t.supabase_org.clone(),
        to.clone(),
        letter_path.clone(),
    );
    ctx.db(move |s| {
        s.record_handover(&crate::provision::handovers::NewHandover {
            customer_id,
            environment,
            run_id,
            to_github: &github,
            to_vercel_team: &team,
            to_supabase_org: &org,
            contact: &contact,
            letter: Some(&saved),
        })
    })
    .await?;
    done(
        StepOutcome::Done,
        Some(id.clone()),
        json!({ "email_id": id, "to": to, "letter": letter_path }),
    )
}
