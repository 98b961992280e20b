//! "Uppdatera moduler": after day one, a changed plan or module list reaches the instance as
//! a run of its own: `client-config.json` in the customer's repository, the modules variable in
//! Vercel, and a new production deployment that reads both. Each step records what was there
//! before it changed anything, so a rollback puts exactly that back; and it restores only what
//! is still as this run left it (someone's later edit is left alone and named).

use crate::customer::rows::InstanceRows;
use crate::provision::outputs::{self, ConfigFile, EnvChange, NewProduction};
use serde_json::Value;

use super::vercel::{
    owns_project, production_deployment, public_site, ready_deployment, save_env, start_deployment,
};
use super::{done, Owned, StepDef};
use crate::customer::Module;
use crate::ledger::events::StepOutcome;
use crate::ledger::LogLevel;
use crate::ledger::StepKey;
use crate::messages::params;
use crate::messages::{ErrorCode, Say, Text};
use crate::providers::vercel::{EnvValue, EnvVar};
use crate::providers::ErrorKind;
use crate::provision::client_config::{self, PATH};
use crate::provision::context::{Done, Poll, RunCtx, StepError};
use crate::provision::proof;
use crate::secrets::Provider;

const WAIT_PROMOTION: (&str, &str) = (
    "Väntar på att produktionsdomänerna pekar på den nya driftsättningen",
    "Waiting for the production domains to point at the new deployment",
);

step!(CONFIG: ModulesConfig, "Skriv client-config.json med kundens moduler", "Write client-config.json with the customer's modules", needs [], Some(Provider::Github), config;
    restore nothing_to_find, owns_config, restore_config,
    by hand "Återställ client-config.json i {id} för hand: repots historik på GitHub har versionen från före uppdateringen.",
    "Restore client-config.json in {id} by hand: the repository's history on GitHub has the version from before the update.");

step!(ENV: ModulesEnv, "Uppdatera modulvariabeln i Vercel", "Update the modules variable in Vercel", needs [ModulesConfig], Some(Provider::Vercel), env;
    restore nothing_to_find, owns_env, restore_env,
    by hand "Sätt tillbaka modulvariabeln {id} i Vercel (projektet → Settings → Environment Variables) till värdet från före uppdateringen.",
    "Set the modules variable {id} in Vercel (the project → Settings → Environment Variables) back to its value from before the update.");

step!(DEPLOY: ModulesDeploy, "Driftsätt med de nya modulerna", "Deploy with the new modules", needs [ModulesEnv], Some(Provider::Vercel), deploy;
    restore nothing_to_find, owns_deploy, restore_deploy,
    by hand "Gör den tidigare driftsättningen till produktion igen i Vercel (projektet → Deployments → … → Promote to Production); den nya är {id}.",
    "Make the earlier deployment production again in Vercel (the project → Deployments → … → Promote to Production); the new one is {id}.");

/// Every write here records its target before it calls, so there is never an intent without
/// an id to look for.
pub(super) async fn nothing_to_find(
    _: &RunCtx,
    _: &str,
) -> Result<Option<(String, Value)>, StepError> {
    Ok(None)
}

/// The customer's repository, proven (by id, marker and fence) right before it is written;
/// `None` when it no longer exists.
async fn proven_repo(ctx: &RunCtx) -> Result<Option<(String, String)>, StepError> {
    match proof::repo(ctx).await {
        Ok(r) => Ok(Some((r.owner.login, r.name))),
        Err(e) if e.code() == ErrorCode::ResourceGone => Ok(None),
        Err(e) => Err(e),
    }
}

/// The modules variable's value: the enabled modules, comma-separated, as the provisioning run
/// writes it.
fn modules_value(modules: &[Module]) -> String {
    modules
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

async fn config(ctx: &RunCtx) -> Result<Done, StepError> {
    let r = proof::repo(ctx).await?;
    let (owner, name) = (r.owner.login, r.name);
    let id = format!("{owner}/{name}");
    let text = client_config::render(&ctx.customer, &ctx.settings.manifest);
    let github = &ctx.clients.github;
    let current = github.file(&owner, &name, PATH).await?;
    // What was there before this run: recorded once, before the write, so a resumed run (or
    // its rollback) knows the original even after this run changed the file.
    let mut out = match ctx.recorded_as::<ConfigFile>(StepKey::ModulesConfig) {
        Some(out) => out,
        None => {
            let out = ConfigFile {
                repo_id: Some(r.id),
                owner: owner.clone(),
                name: name.clone(),
                path: PATH.into(),
                previous_text: current.as_ref().map(|f| f.text.clone()),
                previous_sha: current.as_ref().map(|f| f.sha.clone()),
                text: Some(text.clone()),
                sha: None,
            };
            ctx.record_resource(StepKey::ModulesConfig, &id, true, &outputs::json(&out))
                .await?;
            out
        }
    };
    match &current {
        Some(f) if f.text == text => {
            out.sha = Some(f.sha.clone());
        }
        _ => {
            let sha = github
                .put_file(
                    &owner,
                    &name,
                    PATH,
                    &text,
                    "Fabrik: kundens moduler uppdaterade (client-config.json)",
                    current.as_ref().map(|f| f.sha.as_str()),
                )
                .await?;
            out.sha = Some(sha);
            let list = modules_value(&ctx.customer.modules);
            ctx.log(
                StepKey::ModulesConfig,
                LogLevel::Info,
                &Say::ConfigWrittenWithPlan.with(crate::messages::params! {
                    "path" => PATH,
                    "repo" => id,
                    "plan" => ctx.customer.plan,
                    "list" => list,
                }),
            )
            .await;
        }
    }
    out.text = Some(text);
    let out = outputs::json(&out);
    ctx.record_resource(StepKey::ModulesConfig, &id, true, &out)
        .await?;
    done(StepOutcome::Done, Some(id), out)
}

/// The file is this run's to restore while it still holds exactly what this run wrote.
async fn owns_config(ctx: &RunCtx, id: &str, out: &Value) -> Result<Owned, StepError> {
    let out: ConfigFile = outputs::read(out);
    let (text, previous) = (out.text.as_deref(), out.previous_text.as_deref());
    if text.is_some() && text == previous {
        return Ok(Owned::Gone);
    }
    // Where the repository is now, by its id: never a stranger under the name it had.
    let Some((owner, name)) = proven_repo(ctx).await? else {
        return Ok(Owned::Gone);
    };
    let current = ctx.clients.github.file(&owner, &name, PATH).await?;
    Ok(match current {
        Some(f) if Some(f.text.as_str()) == text => {
            Owned::Ours(crate::provision::creation::Made::Unmarkable)
        }
        // Never written, or already put back.
        Some(f) if Some(f.text.as_str()) == previous => Owned::Gone,
        None if previous.is_none() => Owned::Gone,
        _ => Owned::NotOurs(changed_elsewhere(
            ("Filen", "The file"),
            &format!("{PATH} i {id}"),
        )),
    })
}

async fn restore_config(ctx: &RunCtx, id: &str, out: &Value) -> Result<(), StepError> {
    let Some((owner, name)) = proven_repo(ctx).await? else {
        return Ok(());
    };
    let out: ConfigFile = outputs::read(out);
    let Some(previous) = out.previous_text.as_deref() else {
        return Err(not_restorable(
            ("Filen", "The file"),
            &format!("{PATH} i {id}"),
        ));
    };
    let current = ctx.clients.github.file(&owner, &name, PATH).await?;
    ctx.clients
        .github
        .put_file(
            &owner,
            &name,
            PATH,
            previous,
            "Fabrik: client-config.json återställd (Uppdatera moduler rullades tillbaka)",
            current.as_ref().map(|f| f.sha.as_str()),
        )
        .await?;
    Ok(())
}

async fn env(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_id = ctx.out::<outputs::VercelProject>()?.id;
    let key = ctx.settings.env.modules.clone();
    let id = format!("{project_id}/{key}");
    let value = modules_value(&ctx.customer.modules);
    let mut out = match ctx.recorded_as::<EnvChange>(StepKey::ModulesEnv) {
        Some(out) => out,
        None => {
            let out = EnvChange {
                project_id: Some(project_id.clone()),
                key: Some(key.clone()),
                previous: previous_modules(ctx).await?,
                value: Some(value.clone()),
            };
            ctx.record_resource(StepKey::ModulesEnv, &id, true, &outputs::json(&out))
                .await?;
            out
        }
    };
    let var = EnvVar {
        key,
        value: EnvValue::Plain(value.clone()),
        sensitive: false,
    };
    save_env(ctx, StepKey::ModulesEnv, vec![var]).await?;
    out.value = Some(value);
    let out = outputs::json(&out);
    ctx.record_resource(StepKey::ModulesEnv, &id, true, &out)
        .await?;
    done(StepOutcome::Done, Some(id), out)
}

/// The variable's value before this run. Vercel does not give an encrypted value back, so it
/// comes from what Fabrik recorded: the modules the instance was last built with, else the
/// modules enabled in the `client-config.json` this run replaced.
async fn previous_modules(ctx: &RunCtx) -> Result<Option<String>, StepError> {
    let (customer_id, env) = (ctx.customer.id, ctx.environment);
    let applied = ctx.db(move |s| s.applied(customer_id, env)).await?;
    if let Some((_, modules)) = applied {
        return Ok(Some(modules_value(&modules)));
    }
    let config = ctx.recorded_as::<ConfigFile>(StepKey::ModulesConfig);
    Ok(config
        .and_then(|c| c.previous_text)
        .as_deref()
        .and_then(client_config::enabled_modules)
        .map(|m| modules_value(&m)))
}

/// The variable is the customer's while its project is (it carries the customer's marker).
async fn owns_env(ctx: &RunCtx, id: &str, out: &Value) -> Result<Owned, StepError> {
    let out: EnvChange = outputs::read(out);
    owns_project(ctx, out.project_id.as_deref().unwrap_or(id), &Value::Null).await
}

async fn restore_env(ctx: &RunCtx, id: &str, out: &Value) -> Result<(), StepError> {
    let out: EnvChange = outputs::read(out);
    let (Some(key), Some(previous)) = (out.key.as_deref(), out.previous.as_deref()) else {
        return Err(not_restorable(("Variabeln", "The variable"), id));
    };
    let var = EnvVar {
        key: key.to_string(),
        value: EnvValue::Plain(previous.to_string()),
        sensitive: false,
    };
    save_env(ctx, StepKey::ModulesEnv, vec![var])
        .await
        .map(|_| ())
}

async fn deploy(ctx: &RunCtx) -> Result<Done, StepError> {
    let (id, out) = new_production(ctx, StepKey::ModulesDeploy).await?;
    // The instance now runs what the customer's record says.
    let (customer_id, env) = (ctx.customer.id, ctx.environment);
    let (plan, modules) = (ctx.customer.plan, ctx.customer.modules.clone());
    ctx.db(move |s| s.set_applied(customer_id, env, plan, &modules))
        .await?;
    done(StepOutcome::Created, Some(id), out)
}

/// A new production deployment of the repository's default branch, promoted and answering
/// visitors, for `step`; what production served before is recorded first, for the rollback.
/// Returns the deployment's id and the step's output.
pub(super) async fn new_production(
    ctx: &RunCtx,
    step: StepKey,
) -> Result<(String, Value), StepError> {
    let project_id = proof::project(ctx).await?.id;
    let mut out: NewProduction = ctx.recorded_as(step).unwrap_or_default();
    // Resume follows the deployment this run started; never an earlier run's, which was
    // built before the change.
    let followed = match out.id.as_deref() {
        Some(id) => match ctx.clients.vercel.deployment(id).await {
            Ok(d) if !matches!(d.ready_state.as_str(), "ERROR" | "CANCELED") => Some(d.id),
            Ok(_) => None,
            Err(e) if e.kind == ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let id = match followed {
        Some(id) => id,
        None => {
            // What production served before this run: what a rollback gives production back.
            let previous = match out.previous.take() {
                Some(p) => Some(p),
                None => production_deployment(ctx, &project_id).await?,
            };
            // Recorded with the id in one write: a crash right after still lets a rollback
            // give production back.
            out = NewProduction {
                id: None,
                project_id: Some(project_id.clone()),
                previous,
                url: None,
            };
            let id = start_deployment(ctx, step, (true, outputs::json(&out))).await?;
            out.id = Some(id.clone());
            id
        }
    };
    let (_, domain) = ready_deployment(ctx, step, &id).await?;
    // A project whose production was rolled back does not move its domains to a new
    // deployment by itself: this run asks for it, and waits until they point here.
    if production_deployment(ctx, &project_id).await?.as_deref() != Some(id.as_str()) {
        proof::project(ctx).await?;
        ctx.clients.vercel.promote(&project_id, &id).await?;
        ctx.wait_until(
            step,
            WAIT_PROMOTION.into(),
            ctx.timing.deployment,
            || async {
                Ok(
                    match production_deployment(ctx, &project_id).await?.as_deref() {
                        Some(p) if p == id => Poll::Ready(()),
                        other => Poll::Pending(other.map(str::to_string)),
                    },
                )
            },
        )
        .await?;
    }
    public_site(ctx, step, &domain).await?;
    out.url = Some(format!("https://{domain}"));
    let out = outputs::json(&out);
    ctx.record_resource(step, &id, true, &out).await?;
    Ok((id, out))
}

/// Production is this run's to give back while it still serves this run's deployment.
pub(super) async fn owns_deploy(ctx: &RunCtx, id: &str, out: &Value) -> Result<Owned, StepError> {
    let out: NewProduction = outputs::read(out);
    let Some(project_id) = out.project_id.as_deref() else {
        return Ok(Owned::Gone);
    };
    match owns_project(ctx, project_id, &Value::Null).await? {
        Owned::Ours(_) => {}
        other => return Ok(other),
    }
    let Some(project) = ctx.clients.vercel.project(project_id).await? else {
        return Ok(Owned::Gone);
    };
    Ok(match project.production_deployment() {
        Some(p) if p == id => Owned::Ours(crate::provision::creation::Made::Unmarkable),
        // The new deployment never became production (a failed build): nothing to give back.
        p if p == out.previous.as_deref() => Owned::Gone,
        _ => Owned::NotOurs(changed_elsewhere(
            (
                "Produktionen i Vercel-projektet",
                "Production in the Vercel project",
            ),
            &project.name,
        )),
    })
}

pub(super) async fn restore_deploy(ctx: &RunCtx, id: &str, out: &Value) -> Result<(), StepError> {
    let out: NewProduction = outputs::read(out);
    let (Some(project_id), Some(previous)) = (out.project_id.as_deref(), out.previous.as_deref())
    else {
        return Err(not_restorable(("Produktionen för", "Production for"), id));
    };
    Ok(ctx.clients.vercel.promote(project_id, previous).await?)
}

fn changed_elsewhere((sv, en): (&str, &str), name: &str) -> StepError {
    StepError::permanent(
        ErrorCode::ChangedElsewhere,
        params! { "resource" => sv, "resource_en" => en, "name" => name },
    )
}

fn not_restorable((sv, en): (&str, &str), name: &str) -> StepError {
    StepError::permanent(
        ErrorCode::NotRestorable,
        params! { "resource" => sv, "resource_en" => en, "name" => name },
    )
}
