//! The customer's Vercel project: linked to its repository, given its env vars, deployed.

use crate::provision::outputs;
use serde_json::{json, Value};

use super::{created_or_adopted, done, gone, Owned, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::LogLevel;
use crate::ledger::StepKey;
use crate::messages::params;
use crate::messages::{ErrorCode, Text};
use crate::providers::vercel::{EnvValue, EnvVar, Project};
use crate::providers::{ErrorKind, ProviderError};
use crate::provision::context::{Done, Poll, RunCtx, StepError};
use crate::provision::proof;
use crate::provision::{creation, ownership};
use crate::secrets::Provider;

const VERCEL: Option<Provider> = Some(Provider::Vercel);

/// What a step waits for, as the window shows it.
const WAIT_DEPLOYMENT: (&str, &str) = (
    "Väntar på att Vercel bygger och driftsätter",
    "Waiting for Vercel to build and deploy",
);

const WAIT_SITE: (&str, &str) = (
    "Väntar på att produktionsadressen svarar en besökare",
    "Waiting for the production address to answer a visitor",
);

step!(PROJECT: VercelProject, "Skapa Vercel-projekt", "Create Vercel project", needs [GithubRepo], VERCEL, project;
    undo find_project, owns_project, delete_project,
    by hand "Ta bort Vercel-projektet {id} under Settings → Advanced i Vercel.",
    "Delete the Vercel project {id} under Settings → Advanced in Vercel.");

step!(ENV: VercelEnv, "Sätt miljövariabler", "Set environment variables", needs [VercelProject, SupabaseKeys], VERCEL, env);

step!(DEPLOY: VercelDeploy, "Driftsätt till produktion", "Deploy to production", needs [VercelEnv, SupabaseSchema], VERCEL, deploy);

async fn project(ctx: &RunCtx) -> Result<Done, StepError> {
    let name = ctx.customer.slug.clone();
    let repo = ctx.out::<outputs::GithubRepo>()?.full_name();
    let uid = ctx.customer.uid.clone();
    let vercel = &ctx.clients.vercel;
    let framework = &ctx.settings.vercel_framework;
    let marks = [
        ownership::vercel_env(&uid),
        ownership::vercel_run_env(&ctx.mark),
    ];
    let found = super::create_first(
        ctx,
        StepKey::VercelProject,
        &name,
        || vercel.project(&name),
        || vercel.create_project(&name, &repo, framework, &marks),
        |p| made(ctx, p),
    )
    .await?;
    let (p, created) = match found {
        super::Made::Created(p) => (p, true),
        super::Made::Existing { it, ours } => existing(ctx, it, &repo, ours).await?,
    };
    let out = json!({ "id": p.id, "name": p.name });
    ctx.record_resource(StepKey::VercelProject, &p.id, created, &out)
        .await?;
    done(created_or_adopted(created), Some(p.id), out)
}

/// Whether the project names this run as its maker (`creation`).
fn made(ctx: &RunCtx, p: &Project) -> creation::Made {
    creation::exactly(p.plain_env(ownership::VERCEL_RUN_KEY), &ctx.mark)
}

/// A project that is there already, and whether this run made it: linked to another
/// repository it is refused; carrying the customer's marker it is theirs (this run's own when
/// it carries this run's mark: `ours`); else adopted after the owner's confirmation.
async fn existing(
    ctx: &RunCtx,
    p: Project,
    repo: &str,
    ours: bool,
) -> Result<(Project, bool), StepError> {
    let (name, uid) = (ctx.customer.slug.clone(), ctx.customer.uid.clone());
    let linked = p.link.as_ref().and_then(|l| match (&l.org, &l.repo) {
        (Some(o), Some(r)) if !r.contains('/') => Some(format!("{o}/{r}")),
        (_, Some(r)) => Some(r.clone()),
        _ => None,
    });
    if linked
        .as_ref()
        .is_some_and(|l| !l.eq_ignore_ascii_case(repo))
    {
        return Err(StepError::permanent(
            ErrorCode::VercelNameTaken,
            params! { "name" => name, "repo" => linked.unwrap_or_default() },
        ));
    }
    if p.plain_env(ownership::VERCEL_ENV_KEY) == Some(uid.as_str()) {
        return Ok((p, ours));
    }
    let vercel = &ctx.clients.vercel;
    let id = p.id.clone();
    ownership::adopt_or_refuse(
        ctx,
        StepKey::VercelProject,
        ("Vercel-projektet", "The Vercel project"),
        &name,
        &p.id,
        || async {
            vercel.put_env(&id, &ownership::vercel_env(&uid)).await?;
            Ok(())
        },
    )
    .await?;
    Ok((p, false))
}

async fn find_project(ctx: &RunCtx, intent: &str) -> Result<Option<(String, Value)>, StepError> {
    let uid = ctx.customer.uid.as_str();
    Ok(ctx
        .clients
        .vercel
        .project(intent)
        .await?
        .filter(|p| p.plain_env(ownership::VERCEL_ENV_KEY) == Some(uid))
        .filter(|p| creation::claims(made(ctx, p)))
        .map(|p| (p.id, json!({}))))
}

/// Re-reads the project: only one carrying this customer's marker is ours.
pub(super) async fn owns_project(ctx: &RunCtx, id: &str, _: &Value) -> Result<Owned, StepError> {
    Ok(match ctx.clients.vercel.project(id).await? {
        None => Owned::Gone,
        // Vercel reads the path as an id or a name: only the project with this very id counts.
        Some(p) if p.id == id && proof::project_carries(&p, &ctx.customer.uid) => {
            Owned::Ours(made(ctx, &p))
        }
        Some(p) => Owned::NotOurs(ownership::not_ours(
            "Vercel-projektet",
            "The Vercel project",
            &p.name,
        )),
    })
}

async fn delete_project(ctx: &RunCtx, id: &str, _: &Value) -> Result<(), StepError> {
    gone(ctx.clients.vercel.delete_project(id).await)
}

async fn env(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let keys = ctx.api_keys().await?;
    let names = &ctx.settings.env;
    let modules: Vec<&str> = ctx.customer.modules.iter().map(|m| m.as_str()).collect();
    let plain = |key: &String, value: String| EnvVar {
        key: key.clone(),
        value: EnvValue::Plain(value),
        sensitive: false,
    };
    let vars = vec![
        plain(
            &names.supabase_url,
            ctx.clients.supabase.project_url(&project_ref),
        ),
        EnvVar {
            key: names.anon_key.clone(),
            value: EnvValue::Secret(keys.anon.clone()),
            sensitive: false,
        },
        EnvVar {
            key: names.service_role_key.clone(),
            value: EnvValue::Secret(keys.service_role.clone()),
            sensitive: true,
        },
        plain(&names.slug, ctx.customer.slug.clone()),
        plain(&names.modules, modules.join(",")),
    ];
    let n = save_env(ctx, StepKey::VercelEnv, vars).await?;
    done(StepOutcome::Done, None, json!({ "variables": n }))
}

/// Saves the variables; items Vercel reports as failed inside its 201 are sent again, those
/// only, under the retry policy's bounds. A definitive item failure fails the step naming the
/// key; so does one that is still failing when the bound is reached.
pub(super) async fn save_env(
    ctx: &RunCtx,
    step: StepKey,
    mut pending: Vec<EnvVar>,
) -> Result<usize, StepError> {
    // The project by its id and marker: a key (the service-role key among them) is never
    // written into a project that is not the customer's.
    let project_id = proof::project(ctx).await?.id;
    let mut saved = 0;
    let mut attempt = 1;
    loop {
        let outcome = ctx.clients.vercel.upsert_env(&project_id, &pending).await?;
        saved += outcome.saved;
        let Some(first) = outcome.failed.first() else {
            return Ok(saved);
        };
        if let Some(bad) = outcome.failed.iter().find(|f| f.is_definitive()) {
            return Err(StepError::permanent(
                ErrorCode::VercelEnvRejected,
                params! { "key" => bad.key, "message" => bad.message },
            ));
        }
        let keys: Vec<&str> = outcome.failed.iter().map(|f| f.key.as_str()).collect();
        let busy = ProviderError::new(
            Provider::Vercel,
            ErrorKind::Transient,
            format!("{}: {}", keys.join(", "), first.message),
        );
        let Some(delay) = ctx.timing.retry.delay(attempt, &busy) else {
            return Err(StepError::permanent(
                ErrorCode::VercelEnvNotSaved,
                params! { "keys" => keys.join(", "), "attempts" => attempt, "message" => first.message },
            ));
        };
        let (list, ms) = (keys.join(", "), delay.as_millis());
        ctx.log(
            step,
            LogLevel::Warn,
            &crate::messages::Say::StepVercelDidNotSaveTrying.with(
                crate::messages::params! { "list" => list, "message" => first.message, "ms" => ms },
            ),
        )
        .await;
        pending.retain(|v| keys.contains(&v.key.as_str()));
        ctx.sleep(delay).await?;
        attempt += 1;
    }
}

async fn deploy(ctx: &RunCtx) -> Result<Done, StepError> {
    // Resume: follow the deployment this run already started; a new run adopts the earlier
    // run's deployment when it is still READY.
    let mut earlier = ctx.recorded::<outputs::Deployment>().and_then(|d| d.id);
    if earlier.is_none() {
        let (customer_id, env) = (ctx.customer.id, ctx.environment);
        earlier = ctx
            .db(move |s| s.last_step_output(customer_id, StepKey::VercelDeploy, env))
            .await
            .ok()
            .flatten()
            .and_then(|v| v["id"].as_str().map(str::to_string));
    }
    let mut adopted = false;
    let id = match earlier {
        Some(id) => match ctx.clients.vercel.deployment(&id).await {
            Ok(d) if !matches!(d.ready_state.as_str(), "ERROR" | "CANCELED") => {
                adopted = d.ready_state == "READY";
                d.id
            }
            Ok(_) => start_deployment(ctx, StepKey::VercelDeploy, PROVISIONED).await?,
            Err(e) if e.kind == ErrorKind::NotFound => {
                start_deployment(ctx, StepKey::VercelDeploy, PROVISIONED).await?
            }
            Err(e) => return Err(e.into()),
        },
        None => start_deployment(ctx, StepKey::VercelDeploy, PROVISIONED).await?,
    };
    let (d, domain) = ready_deployment(ctx, StepKey::VercelDeploy, &id).await?;
    public_site(ctx, StepKey::VercelDeploy, &domain).await?;
    // The instance's address is its production domain; the per-deployment URL is kept for
    // reference only (it sits behind Deployment Protection).
    let out = json!({
        "id": d.id,
        "url": format!("https://{domain}"),
        "deployment_url": d.url.as_deref().map(|u| format!("https://{}", u.trim_start_matches("https://"))),
    });
    ctx.record_resource(StepKey::VercelDeploy, &d.id, false, &out)
        .await?;
    let outcome = if adopted {
        StepOutcome::Adopted
    } else {
        StepOutcome::Created
    };
    done(outcome, Some(d.id), out)
}

/// Waits until the deployment is READY with its production domain assigned; a failed or
/// cancelled build fails the step, naming the deployment and Vercel's reason.
pub(super) async fn ready_deployment(
    ctx: &RunCtx,
    step: StepKey,
    id: &str,
) -> Result<(crate::providers::vercel::Deployment, String), StepError> {
    ctx.wait_until(
        step,
        WAIT_DEPLOYMENT.into(),
        ctx.timing.deployment,
        || async {
            let d = ctx.clients.vercel.deployment(id).await?;
            match d.ready_state.as_str() {
                // Ready for a visitor once Vercel has assigned the production domain.
                "READY" => Ok(match d.production_domain() {
                    Some(domain) => Poll::Ready((d, domain)),
                    None => Poll::Pending(Some("READY, alias".into())),
                }),
                "ERROR" | "CANCELED" => Err(StepError::permanent(
                    ErrorCode::DeploymentFailed,
                    params! {
                        "deployment" => d.id,
                        "state" => d.ready_state,
                        "detail" => d.error_message.clone().unwrap_or_default(),
                    },
                )),
                other => Ok(Poll::Pending(Some(other.to_string()))),
            }
        },
    )
    .await
}

/// The deployment the project's production domains serve now.
pub(super) async fn production_deployment(
    ctx: &RunCtx,
    project_id: &str,
) -> Result<Option<String>, StepError> {
    Ok(ctx
        .clients
        .vercel
        .project(project_id)
        .await?
        .and_then(|p| p.production_deployment().map(str::to_string)))
}

/// The production domain answers an anonymous visitor with success, or the step fails: a
/// 401/403 is Deployment Protection (for good, with the way out); anything else (the domain
/// not served yet, a 5xx, no connection) is waited out within the deployment's ceiling.
pub(super) async fn public_site(
    ctx: &RunCtx,
    step: StepKey,
    domain: &str,
) -> Result<(), StepError> {
    let site = &ctx.clients.site;
    ctx.wait_until(step, WAIT_SITE.into(), ctx.timing.deployment, || async {
        match site.visit(domain).await {
            Ok(s) if (200..300).contains(&s) => Ok(Poll::Ready(())),
            Ok(s @ (401 | 403)) => Err(StepError::permanent(
                ErrorCode::SiteNotPublic,
                params! { "url" => format!("https://{domain}"), "status" => s },
            )),
            Ok(s) => Ok(Poll::Pending(Some(format!("HTTP {s}")))),
            Err(e) => Ok(Poll::Pending(Some(e.message))),
        }
    })
    .await
}

/// A provisioning deployment is deleted with its project, so never compensated on its own.
const PROVISIONED: (bool, Value) = (false, Value::Null);

/// Asks for a production deployment and records its id with `extra` in the same write as
/// soon as Vercel answers, so a crash right after leaves everything a rollback needs.
pub(super) async fn start_deployment(
    ctx: &RunCtx,
    step: StepKey,
    (created, extra): (bool, Value),
) -> Result<String, StepError> {
    // Both by id, both proven ours right before the call: a renamed project or repository is
    // followed, and a stranger that took an old name is never deployed into or built from.
    let project = proof::project(ctx).await?;
    let repo = proof::repo(ctx).await?;
    let branch = repo.default_branch.as_deref().unwrap_or("main");
    ctx.record_intent(step, &project.id).await?;
    let d = ctx
        .clients
        .vercel
        .create_deployment((&project.id, &project.name), repo.id, branch)
        .await?;
    let mut out = json!({ "id": d.id });
    if let (Value::Object(o), Value::Object(more)) = (&mut out, extra) {
        o.extend(more);
    }
    ctx.record_resource(step, &d.id, created, &out).await?;
    Ok(d.id)
}
