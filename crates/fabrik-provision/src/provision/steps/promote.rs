//! Deployment rollback (issue #32): an earlier READY production deployment of the customer's
//! own Vercel project made production again, without building anything. The deployment is
//! judged by what Vercel says of it, by id, against the project id the ledger recorded: it
//! must be that project's, built for production, and READY; anything else is refused and
//! named, before anything changes. What production served before is recorded before the
//! change: the rollback of a failed run (the site did not answer) promotes it back, and so does
//! "Ångra" (a new `promote` run to it).

use serde_json::Value;

use super::modules::{nothing_to_find, owns_deploy};
use super::vercel::{production_deployment, public_site, ready_deployment};
use super::{done, Owned, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::{LogLevel, StepKey};
use crate::messages::params;
use crate::messages::{ErrorCode, Params, Say, Text};
use crate::providers::vercel::{Deployment, Vercel};
use crate::providers::{ErrorKind, ProviderError};
use crate::provision::context::{Done, Poll, RunCtx, StepError};
use crate::provision::kinds::RunRequest;
use crate::provision::outputs::{self, NewProduction};
use crate::provision::proof;
use crate::provision::refusal::Refusal;
use crate::secrets::Provider;

const WAIT_PROMOTION: (&str, &str) = (
    "Väntar på att produktionsdomänerna pekar på den valda driftsättningen",
    "Waiting for the production domains to point at the chosen deployment",
);

step!(PROMOTE: VercelPromote, "Gör en tidigare driftsättning till produktion", "Make an earlier deployment production", needs [], Some(Provider::Vercel), promote;
    restore nothing_to_find, owns_promotion, promote_back,
    by hand "Gör den driftsättning som var produktion före körningen till produktion igen i Vercel (projektet → Deployments → … → Promote to Production); den valda är {id}.",
    "Make the deployment that was production before the run production again in Vercel (the project → Deployments → … → Promote to Production); the chosen one is {id}.");

/// Whether `deployment` may become production for the customer `slug`, whose project the
/// ledger records as `project_id`: read by its id from Vercel (`getDeployment`), it must be
/// that project's, built for production, and READY. Only reads. `Ok(Err(_))` is a refusal;
/// `Err(_)` is Vercel not answering (retried by the caller's policy).
pub async fn judge(
    vercel: &Vercel,
    slug: &str,
    project_id: &str,
    deployment: &str,
) -> Result<Result<Deployment, Refusal>, ProviderError> {
    let id = deployment.trim();
    // An id is one path segment: anything else is no deployment Fabrik will look for.
    let plausible = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let refuse = |code, more| Ok(Err(Refusal::of_deployment(code, slug, id, more)));
    if !plausible {
        return refuse(ErrorCode::DeploymentUnknown, Params::new());
    }
    let d = match vercel.deployment(id).await {
        Ok(d) => d,
        Err(e) if e.kind == ErrorKind::NotFound => {
            return refuse(ErrorCode::DeploymentUnknown, Params::new())
        }
        Err(e) => return Err(e),
    };
    if d.project_id.as_deref() != Some(project_id) {
        let other = d.project_id.clone().unwrap_or_else(|| "?".into());
        return refuse(
            ErrorCode::DeploymentForeign,
            params! { "project" => other, "own" => project_id },
        );
    }
    if d.target.as_deref() != Some("production") {
        let target = d.target.clone().unwrap_or_else(|| "preview".into());
        return refuse(
            ErrorCode::DeploymentNotProduction,
            params! { "target" => target },
        );
    }
    if d.ready_state != "READY" {
        return refuse(
            ErrorCode::DeploymentNotReady,
            params! { "state" => d.ready_state },
        );
    }
    Ok(Ok(d))
}

/// The deployment this run makes production (its input), as typed.
fn chosen(ctx: &RunCtx) -> Result<String, StepError> {
    match &ctx.request {
        Some(RunRequest::Promote { deployment }) => Ok(deployment.clone()),
        _ => Err(StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::VercelPromote, "field" => "deployment" },
        )),
    }
}

async fn promote(ctx: &RunCtx) -> Result<Done, StepError> {
    let step = StepKey::VercelPromote;
    let asked = chosen(ctx)?;
    // The project by the id the ledger recorded, carrying the customer's marker, fence held.
    let project = proof::project(ctx).await?;
    let project_id = project.id.clone();
    let d = judge(&ctx.clients.vercel, &ctx.customer.slug, &project_id, &asked)
        .await?
        .map_err(|r| r.to_step_error())?;
    let id = d.id.clone();
    let serving = project.production_deployment().map(str::to_string);
    let mut out = match ctx.recorded_as::<NewProduction>(step) {
        // Resumed: what production served before this run was recorded the first time.
        Some(out) if out.id.as_deref() == Some(id.as_str()) => out,
        _ if serving.as_deref() == Some(id.as_str()) => {
            // Production already: nothing changes, so nothing for a rollback to give back.
            ctx.log(
                step,
                LogLevel::Info,
                &Say::StepAlreadyProduction.with(params! { "deployment" => id }),
            )
            .await;
            let (_, domain) = ready_deployment(ctx, step, &id).await?;
            public_site(ctx, step, &domain).await?;
            let out = NewProduction {
                id: Some(id.clone()),
                project_id: Some(project_id),
                previous: serving,
                url: Some(format!("https://{domain}")),
            };
            return done(StepOutcome::Skipped, Some(id), outputs::json(&out));
        }
        _ => {
            // Recorded before the change, with the id: a crash right after the call still
            // lets a rollback give production back.
            let out = NewProduction {
                id: Some(id.clone()),
                project_id: Some(project_id.clone()),
                previous: serving.clone(),
                url: None,
            };
            ctx.record_resource(step, &id, true, &outputs::json(&out))
                .await?;
            out
        }
    };
    if production_deployment(ctx, &project_id).await?.as_deref() != Some(id.as_str()) {
        // Proven again right before the change (a rename is followed, a stranger refused).
        proof::project(ctx).await?;
        ctx.clients.vercel.promote(&project_id, &id).await?;
        wait_for_production(ctx, step, &project_id, &id).await?;
    }
    // The production domain as the deployment now carries it (a custom domain moves with
    // production), then a visitor's visit.
    let (_, domain) = ready_deployment(ctx, step, &id).await?;
    public_site(ctx, step, &domain).await?;
    // Still the chosen one after the visit: the site that answered is the one asked for.
    if production_deployment(ctx, &project_id).await?.as_deref() != Some(id.as_str()) {
        return Err(StepError::permanent(
            ErrorCode::ChangedElsewhere,
            params! {
                "resource" => "Produktionen i Vercel-projektet",
                "resource_en" => "Production in the Vercel project",
                "name" => project.name,
            },
        ));
    }
    let url = format!("https://{domain}");
    let previous = match &out.previous {
        Some(p) => Text::new(p.clone(), p.clone()),
        None => Say::NoEarlierProduction.text(),
    };
    let mut p = params! { "deployment" => id, "url" => url };
    crate::messages::param_text(&mut p, "previous", &previous);
    ctx.log(step, LogLevel::Info, &Say::StepPromoted.with(p))
        .await;
    out.url = Some(url);
    let out = outputs::json(&out);
    ctx.record_resource(step, &id, true, &out).await?;
    done(StepOutcome::Done, Some(id), out)
}

/// Waits until the project's production domains point at `id`.
async fn wait_for_production(
    ctx: &RunCtx,
    step: StepKey,
    project_id: &str,
    id: &str,
) -> Result<(), StepError> {
    ctx.wait_until(
        step,
        WAIT_PROMOTION.into(),
        ctx.timing.deployment,
        || async {
            Ok(
                match production_deployment(ctx, project_id).await?.as_deref() {
                    Some(p) if p == id => Poll::Ready(()),
                    other => Poll::Pending(other.map(str::to_string)),
                },
            )
        },
    )
    .await
}

/// Production is this run's to give back while it still serves the chosen deployment.
async fn owns_promotion(ctx: &RunCtx, id: &str, out: &Value) -> Result<Owned, StepError> {
    owns_deploy(ctx, id, out).await
}

/// Gives production back to the deployment that served before the run, proven and fenced
/// right before the call, and waits until it does.
async fn promote_back(ctx: &RunCtx, id: &str, out: &Value) -> Result<(), StepError> {
    let out: NewProduction = outputs::read(out);
    let Some(previous) = out.previous.as_deref() else {
        return Err(StepError::permanent(
            ErrorCode::NotRestorable,
            params! { "resource" => "Produktionen för", "resource_en" => "Production for", "name" => id },
        ));
    };
    let project_id = proof::project(ctx).await?.id;
    ctx.clients.vercel.promote(&project_id, previous).await?;
    wait_for_production(ctx, StepKey::VercelPromote, &project_id, previous).await
}
