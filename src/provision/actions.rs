//! What each step does. Every step derives a deterministic name from the slug, looks the
//! resource up, and adopts it or creates it; intent goes to the ledger before the create call,
//! the external id right after.

use rand::distr::{Alphanumeric, SampleString};
use serde_json::{json, Value};

use super::context::{Done, Poll, RunCtx, StepError};
use super::events::StepOutcome;
use super::schema;
use super::step::StepKey;
use crate::customer::CustomerPatch;
use crate::providers::resend::Email;
use crate::providers::vercel::{EnvValue, EnvVar};
use crate::providers::ErrorKind;
use crate::secrets::{CustomerSecret, Secret, SecretKey};

/// A strong password from the OS CSPRNG (rand's default generator is seeded from it).
pub fn strong_password() -> Secret {
    let mut rng = rand::rng();
    // 32 alphanumerics ≈ 190 bits; a fixed suffix satisfies policies that demand a symbol.
    Secret::new(format!("{}-Fk9", Alphanumeric.sample_string(&mut rng, 32)))
}

pub fn workflow_name(slug: &str) -> String {
    format!("fabrik-{slug}")
}

fn done(
    outcome: StepOutcome,
    external_id: Option<String>,
    output: Value,
) -> Result<Done, StepError> {
    Ok(Done {
        outcome,
        external_id,
        output,
    })
}

fn customer_secret(ctx: &RunCtx, which: CustomerSecret) -> SecretKey {
    SecretKey::Customer {
        slug: ctx.customer.slug.clone(),
        which,
    }
}

/// Reads a per-customer secret, or creates and stores one before it is used anywhere, so a
/// crash after the provider call can never lose it.
fn kept_secret(ctx: &RunCtx, which: CustomerSecret) -> Result<Secret, StepError> {
    let key = customer_secret(ctx, which);
    if let Some(s) = ctx.secrets.get(&key)? {
        return Ok(s);
    }
    let s = strong_password();
    ctx.secrets.set(&key, &s)?;
    Ok(s)
}

pub async fn run(ctx: &RunCtx, step: StepKey) -> Result<Done, StepError> {
    match step {
        StepKey::SupabaseProject => supabase_project(ctx).await,
        StepKey::SupabaseReady => supabase_ready(ctx).await,
        StepKey::SupabaseKeys => supabase_keys(ctx).await,
        StepKey::SupabaseSchema => supabase_schema(ctx).await,
        StepKey::SupabaseAdminUser => supabase_admin_user(ctx).await,
        StepKey::GithubRepo => github_repo(ctx).await,
        StepKey::VercelProject => vercel_project(ctx).await,
        StepKey::VercelEnv => vercel_env(ctx).await,
        StepKey::VercelDeploy => vercel_deploy(ctx).await,
        StepKey::N8nWorkflow => n8n_workflow(ctx).await,
        StepKey::EmailWelcome => email_welcome(ctx).await,
        StepKey::Finalize => finalize(ctx).await,
    }
}

async fn supabase_project(ctx: &RunCtx) -> Result<Done, StepError> {
    let s = &ctx.settings;
    let name = ctx.customer.slug.clone();
    let found = ctx
        .clients
        .supabase
        .find_projects(&s.supabase_org, &name)
        .await?;
    let recorded = ctx.output(StepKey::SupabaseProject)["ref"]
        .as_str()
        .map(str::to_string);
    // Prefer the project this run already recorded; never pick a deleted one.
    let existing = found
        .iter()
        .filter(|p| !matches!(p.status.as_str(), "REMOVED" | "GOING_DOWN"))
        .find(|p| Some(&p.project_ref) == recorded.as_ref())
        .or_else(|| {
            found
                .iter()
                .find(|p| !matches!(p.status.as_str(), "REMOVED" | "GOING_DOWN"))
        });
    if let Some(p) = existing {
        let created = ctx.intended_by_this_run(StepKey::SupabaseProject);
        let out = json!({ "ref": p.project_ref, "name": p.name });
        ctx.record_resource(StepKey::SupabaseProject, &p.project_ref, created, &out);
        let outcome = if created {
            StepOutcome::Created
        } else {
            StepOutcome::Adopted
        };
        return done(outcome, Some(p.project_ref.clone()), out);
    }
    let password = kept_secret(ctx, CustomerSecret::DatabasePassword)?;
    ctx.record_intent(StepKey::SupabaseProject, &name);
    let p = ctx
        .clients
        .supabase
        .create_project(&s.supabase_org, &name, &s.supabase_region, &password)
        .await?;
    let out = json!({ "ref": p.project_ref, "name": p.name });
    ctx.record_resource(StepKey::SupabaseProject, &p.project_ref, true, &out);
    done(StepOutcome::Created, Some(p.project_ref), out)
}

async fn supabase_ready(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = ctx.output_str(StepKey::SupabaseProject, "ref")?;
    let status = ctx
        .wait_until(
            StepKey::SupabaseReady,
            "Väntar på att Supabase-projektet startar",
            ctx.timing.supabase_ready,
            || async {
                let p = ctx.clients.supabase.get_project(&project_ref).await?;
                match p.status.as_str() {
                    "ACTIVE_HEALTHY" => Ok(Poll::Ready(p.status)),
                    "INIT_FAILED" | "REMOVED" | "RESTORE_FAILED" => Err(StepError::permanent(
                        "supabase_init_failed",
                        format!(
                            "Supabase-projektet {project_ref} kunde inte starta ({})",
                            p.status
                        ),
                    )),
                    other => Ok(Poll::Pending(Some(other.to_string()))),
                }
            },
        )
        .await?;
    done(StepOutcome::Done, None, json!({ "status": status }))
}

async fn supabase_keys(ctx: &RunCtx) -> Result<Done, StepError> {
    // The keys endpoint answers 4xx for a while after ACTIVE_HEALTHY; that is part of waiting.
    let keys = ctx
        .wait_until(
            StepKey::SupabaseKeys,
            "Väntar på projektets API-nycklar",
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
    ctx.secrets.set(
        &customer_secret(ctx, CustomerSecret::ServiceRoleKey),
        &keys.service_role,
    )?;
    done(StepOutcome::Done, None, json!({}))
}

async fn supabase_schema(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = ctx.output_str(StepKey::SupabaseProject, "ref")?;
    // The template is idempotent, so a resumed run may apply it again.
    ctx.clients
        .supabase
        .run_query(&project_ref, &ctx.settings.schema_sql)
        .await?;
    let rows = ctx
        .clients
        .supabase
        .run_query(&project_ref, schema::VERIFY_SQL)
        .await?;
    match schema::verify(&rows, &ctx.settings.expected_tables) {
        Ok(n) => {
            ctx.log(
                StepKey::SupabaseSchema,
                "info",
                &format!("{n} tabeller finns, alla med radnivåsäkerhet"),
            );
            done(StepOutcome::Done, None, json!({ "tables": n }))
        }
        Err(problem) => Err(StepError::permanent(
            "schema_mismatch",
            format!("Databasschemat stämmer inte: {problem}"),
        )),
    }
}

async fn supabase_admin_user(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_ref = ctx.output_str(StepKey::SupabaseProject, "ref")?;
    let keys = ctx.api_keys().await?;
    let email = &ctx.customer.admin_email;
    if let Some(u) = ctx
        .clients
        .supabase
        .find_user(&project_ref, &keys, email)
        .await?
    {
        return done(
            StepOutcome::Adopted,
            Some(u.id.clone()),
            json!({ "user_id": u.id }),
        );
    }
    let password = kept_secret(ctx, CustomerSecret::AdminPassword)?;
    match ctx
        .clients
        .supabase
        .create_user(&project_ref, &keys, email, &password)
        .await
    {
        Ok(u) => done(
            StepOutcome::Created,
            Some(u.id.clone()),
            json!({ "user_id": u.id }),
        ),
        // email_exists: the user is there (created by a lost earlier answer); adopt it.
        Err(e) if e.kind == ErrorKind::Conflict => done(StepOutcome::Adopted, None, json!({})),
        Err(e) => Err(e.into()),
    }
}

async fn github_repo(ctx: &RunCtx) -> Result<Done, StepError> {
    let s = &ctx.settings;
    let (owner, name) = (s.repo_owner.clone(), ctx.customer.slug.clone());
    let template = format!("{}/{}", s.template_owner, s.template_repo);
    let repo = match ctx.clients.github.repo(&owner, &name).await? {
        Some(r) => {
            let from_template = r
                .template_repository
                .as_ref()
                .is_some_and(|t| t.full_name.eq_ignore_ascii_case(&template));
            if !from_template {
                return Err(StepError::permanent(
                    "repo_name_taken",
                    format!("Repot {owner}/{name} finns redan men skapades inte från mallen {template}. Ta bort eller byt namn på det, eller ge kunden ett annat adressnamn."),
                ));
            }
            let created = ctx.intended_by_this_run(StepKey::GithubRepo);
            (r, created)
        }
        None => {
            ctx.record_intent(StepKey::GithubRepo, &format!("{owner}/{name}"));
            let desc = format!("SaaS-instans för {}", ctx.customer.name);
            (
                ctx.clients
                    .github
                    .generate(&s.template_owner, &s.template_repo, &owner, &name, &desc)
                    .await?,
                true,
            )
        }
    };
    let (r, created) = repo;
    let out = json!({
        "full_name": r.full_name, "html_url": r.html_url, "owner": r.owner.login, "name": r.name,
        "default_branch": r.default_branch.clone().unwrap_or_else(|| "main".into()),
    });
    ctx.record_resource(StepKey::GithubRepo, &r.full_name, created, &out);
    // The template's files are copied after the call returns; Vercel cannot deploy an empty repo.
    ctx.wait_until(
        StepKey::GithubRepo,
        "Väntar på att mallens filer kopieras till repot",
        ctx.timing.repo_contents,
        || async {
            Ok(
                if ctx
                    .clients
                    .github
                    .has_commits(&r.owner.login, &r.name)
                    .await?
                {
                    Poll::Ready(())
                } else {
                    Poll::Pending(Some("tomt".into()))
                },
            )
        },
    )
    .await?;
    let outcome = if created {
        StepOutcome::Created
    } else {
        StepOutcome::Adopted
    };
    done(outcome, Some(r.full_name.clone()), out)
}

async fn vercel_project(ctx: &RunCtx) -> Result<Done, StepError> {
    let name = ctx.customer.slug.clone();
    let repo = ctx.output_str(StepKey::GithubRepo, "full_name")?;
    let (p, created) = match ctx.clients.vercel.project(&name).await? {
        Some(p) => {
            let linked = p.link.as_ref().and_then(|l| match (&l.org, &l.repo) {
                (Some(o), Some(r)) if !r.contains('/') => Some(format!("{o}/{r}")),
                (_, Some(r)) => Some(r.clone()),
                _ => None,
            });
            if linked
                .as_ref()
                .is_some_and(|l| !l.eq_ignore_ascii_case(&repo))
            {
                return Err(StepError::permanent(
                    "vercel_name_taken",
                    format!("Vercel-projektet {name} finns redan och är kopplat till ett annat repo ({}).", linked.unwrap_or_default()),
                ));
            }
            (p, ctx.intended_by_this_run(StepKey::VercelProject))
        }
        None => {
            ctx.record_intent(StepKey::VercelProject, &name);
            (
                ctx.clients
                    .vercel
                    .create_project(&name, &repo, &ctx.settings.vercel_framework)
                    .await?,
                true,
            )
        }
    };
    let out = json!({ "id": p.id, "name": p.name });
    ctx.record_resource(StepKey::VercelProject, &p.id, created, &out);
    done(
        if created {
            StepOutcome::Created
        } else {
            StepOutcome::Adopted
        },
        Some(p.id),
        out,
    )
}

async fn vercel_env(ctx: &RunCtx) -> Result<Done, StepError> {
    let project_id = ctx.output_str(StepKey::VercelProject, "id")?;
    let project_ref = ctx.output_str(StepKey::SupabaseProject, "ref")?;
    let keys = ctx.api_keys().await?;
    let names = &ctx.settings.env;
    let modules: Vec<&str> = ctx.customer.modules.iter().map(|m| m.as_str()).collect();
    let vars = vec![
        EnvVar {
            key: names.supabase_url.clone(),
            value: EnvValue::Plain(ctx.clients.supabase.project_url(&project_ref)),
            sensitive: false,
        },
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
        EnvVar {
            key: names.slug.clone(),
            value: EnvValue::Plain(ctx.customer.slug.clone()),
            sensitive: false,
        },
        EnvVar {
            key: names.modules.clone(),
            value: EnvValue::Plain(modules.join(",")),
            sensitive: false,
        },
    ];
    let n = ctx.clients.vercel.upsert_env(&project_id, &vars).await?;
    done(StepOutcome::Done, None, json!({ "variables": n }))
}

async fn vercel_deploy(ctx: &RunCtx) -> Result<Done, StepError> {
    let project = ctx.output_str(StepKey::VercelProject, "name")?;
    let owner = ctx.output_str(StepKey::GithubRepo, "owner")?;
    let repo = ctx.output_str(StepKey::GithubRepo, "name")?;
    let branch = ctx.output_str(StepKey::GithubRepo, "default_branch")?;
    // Resume: follow the deployment this run already started; a new run adopts the earlier
    // run's deployment when it is still READY.
    let earlier = ctx.output(StepKey::VercelDeploy)["id"]
        .as_str()
        .map(str::to_string)
        .or_else(|| {
            ctx.store
                .last_step_output(ctx.customer.id, StepKey::VercelDeploy.as_str())
                .ok()
                .flatten()
                .and_then(|v| v["id"].as_str().map(str::to_string))
        });
    let mut adopted = false;
    let id = match earlier {
        Some(id) => match ctx.clients.vercel.deployment(&id).await {
            Ok(d) if !matches!(d.ready_state.as_str(), "ERROR" | "CANCELED") => {
                adopted = d.ready_state == "READY";
                d.id
            }
            Ok(_) => start_deployment(ctx, &project, &owner, &repo, &branch).await?,
            Err(e) if e.kind == ErrorKind::NotFound => {
                start_deployment(ctx, &project, &owner, &repo, &branch).await?
            }
            Err(e) => return Err(e.into()),
        },
        None => start_deployment(ctx, &project, &owner, &repo, &branch).await?,
    };
    let d = ctx
        .wait_until(
            StepKey::VercelDeploy,
            "Väntar på att Vercel bygger och driftsätter",
            ctx.timing.deployment,
            || async {
                let d = ctx.clients.vercel.deployment(&id).await?;
                match d.ready_state.as_str() {
                    "READY" => Ok(Poll::Ready(d)),
                    "ERROR" | "CANCELED" => Err(StepError::permanent(
                        "deployment_failed",
                        format!(
                            "Driftsättningen {} misslyckades ({}): {}",
                            d.id,
                            d.ready_state,
                            d.error_message.clone().unwrap_or_default()
                        ),
                    )),
                    other => Ok(Poll::Pending(Some(other.to_string()))),
                }
            },
        )
        .await?;
    let url = d.url.as_deref().map(|u| {
        if u.starts_with("https://") {
            u.to_string()
        } else {
            format!("https://{u}")
        }
    });
    let out = json!({ "id": d.id, "url": url });
    ctx.record_resource(StepKey::VercelDeploy, &d.id, false, &out);
    done(
        if adopted {
            StepOutcome::Adopted
        } else {
            StepOutcome::Created
        },
        Some(d.id),
        out,
    )
}

async fn start_deployment(
    ctx: &RunCtx,
    project: &str,
    owner: &str,
    repo: &str,
    branch: &str,
) -> Result<String, StepError> {
    ctx.record_intent(StepKey::VercelDeploy, project);
    let d = ctx
        .clients
        .vercel
        .create_deployment(project, owner, repo, branch)
        .await?;
    // Deleted with the project, so never compensated on its own (created = false).
    ctx.record_resource(StepKey::VercelDeploy, &d.id, false, &json!({ "id": d.id }));
    Ok(d.id)
}

async fn n8n_workflow(ctx: &RunCtx) -> Result<Done, StepError> {
    let name = workflow_name(&ctx.customer.slug);
    let found = ctx.clients.n8n.find_by_name(&name).await?;
    let recorded = ctx.output(StepKey::N8nWorkflow)["id"]
        .as_str()
        .map(str::to_string);
    let (wf, created) = match found
        .iter()
        .find(|w| Some(&w.id) == recorded.as_ref())
        .or(found.first())
    {
        Some(w) => (w.clone(), ctx.intended_by_this_run(StepKey::N8nWorkflow)),
        None => {
            ctx.record_intent(StepKey::N8nWorkflow, &name);
            (
                ctx.clients
                    .n8n
                    .create(&name, &ctx.settings.workflow_template)
                    .await?,
                true,
            )
        }
    };
    let out = json!({ "id": wf.id, "name": wf.name });
    ctx.record_resource(StepKey::N8nWorkflow, &wf.id, created, &out);
    if !wf.active {
        ctx.clients.n8n.activate(&wf.id).await?;
    }
    done(
        if created {
            StepOutcome::Created
        } else {
            StepOutcome::Adopted
        },
        Some(wf.id),
        out,
    )
}

async fn email_welcome(ctx: &RunCtx) -> Result<Done, StepError> {
    // One welcome per customer, not per run: a later run of the same customer sends nothing.
    if ctx
        .store
        .step_done_before(ctx.customer.id, StepKey::EmailWelcome.as_str(), ctx.run_id)
        .unwrap_or(false)
    {
        return done(
            StepOutcome::Skipped,
            None,
            json!({ "skipped": "redan skickat" }),
        );
    }
    let url = ctx.output_str(StepKey::VercelDeploy, "url")?;
    let password = ctx
        .secrets
        .get(&customer_secret(ctx, CustomerSecret::AdminPassword))?;
    let mail = super::email::welcome(
        &ctx.customer.name,
        &url,
        &ctx.customer.admin_email,
        password.as_ref().map(|p| p.expose()),
    );
    let email = Email {
        from: &ctx.settings.sender,
        to: &ctx.customer.admin_email,
        subject: &mail.subject,
        html: &mail.html,
        text: &mail.text,
    };
    // The same key on a resumed run makes Resend answer with the first send instead of sending again.
    let key = format!("fabrik-welcome-{}-{}", ctx.customer.id, ctx.run_id);
    let id = ctx.clients.resend.send(&email, &key).await?;
    done(
        StepOutcome::Done,
        Some(id.clone()),
        json!({ "email_id": id }),
    )
}

async fn finalize(ctx: &RunCtx) -> Result<Done, StepError> {
    let patch = CustomerPatch {
        production_url: ctx.output(StepKey::VercelDeploy)["url"]
            .as_str()
            .map(str::to_string),
        github_repo_url: ctx.output(StepKey::GithubRepo)["html_url"]
            .as_str()
            .map(str::to_string),
        supabase_project_ref: ctx.output(StepKey::SupabaseProject)["ref"]
            .as_str()
            .map(str::to_string),
        vercel_project_id: ctx.output(StepKey::VercelProject)["id"]
            .as_str()
            .map(str::to_string),
        n8n_workflow_id: ctx.output(StepKey::N8nWorkflow)["id"]
            .as_str()
            .map(str::to_string),
        status: Some(crate::customer::Status::Active),
        ..Default::default()
    };
    ctx.store
        .update_customer(&ctx.customer.slug, patch, &ctx.settings.manifest)
        .map_err(|e| StepError::permanent("finalize_failed", e.to_string()))?;
    done(StepOutcome::Done, None, json!({}))
}

/// Undoes what a step created. `NotFound` counts as done: it is already gone.
pub async fn compensate(
    ctx: &RunCtx,
    step: StepKey,
    external_id: &str,
    output: &Value,
) -> Result<(), StepError> {
    let gone = |r: Result<(), crate::providers::ProviderError>| match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StepError::from(e)),
    };
    match step {
        StepKey::SupabaseProject => {
            // A project that is still coming up refuses deletion (400 "not ready"); wait it out.
            ctx.wait_until(
                step,
                "Väntar på att Supabase-projektet kan tas bort",
                ctx.timing.supabase_ready,
                || async {
                    match ctx.clients.supabase.delete_project(external_id).await {
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
            for which in [
                CustomerSecret::DatabasePassword,
                CustomerSecret::ServiceRoleKey,
                CustomerSecret::AdminPassword,
            ] {
                let _ = ctx.secrets.delete(&customer_secret(ctx, which));
            }
            Ok(())
        }
        StepKey::GithubRepo => {
            let (owner, name) = match (output["owner"].as_str(), output["name"].as_str()) {
                (Some(o), Some(n)) => (o.to_string(), n.to_string()),
                _ => external_id
                    .split_once('/')
                    .map(|(o, n)| (o.to_string(), n.to_string()))
                    .unwrap_or_default(),
            };
            gone(ctx.clients.github.delete(&owner, &name).await)
        }
        StepKey::VercelProject => gone(ctx.clients.vercel.delete_project(external_id).await),
        StepKey::N8nWorkflow => gone(ctx.clients.n8n.delete(external_id).await),
        _ => Ok(()),
    }
}

/// Finds a resource by its deterministic name when the ledger has the intent but not the id
/// (a crash between the create call and recording its answer).
pub async fn find_by_intent(
    ctx: &RunCtx,
    step: StepKey,
    intent: &str,
) -> Result<Option<(String, Value)>, StepError> {
    Ok(match step {
        StepKey::SupabaseProject => ctx
            .clients
            .supabase
            .find_projects(&ctx.settings.supabase_org, intent)
            .await?
            .into_iter()
            .next()
            .map(|p| (p.project_ref.clone(), json!({ "ref": p.project_ref }))),
        StepKey::GithubRepo => match intent.split_once('/') {
            Some((o, n)) => ctx
                .clients
                .github
                .repo(o, n)
                .await?
                .map(|r| (r.full_name, json!({ "owner": o, "name": n }))),
            None => None,
        },
        StepKey::VercelProject => ctx
            .clients
            .vercel
            .project(intent)
            .await?
            .map(|p| (p.id, json!({}))),
        StepKey::N8nWorkflow => ctx
            .clients
            .n8n
            .find_by_name(intent)
            .await?
            .into_iter()
            .next()
            .map(|w| (w.id, json!({}))),
        _ => None,
    })
}

/// What to tell the user when a compensation cannot be done.
pub fn manual_removal(step: StepKey, external_id: &str) -> String {
    match step {
        StepKey::SupabaseProject => format!("Ta bort Supabase-projektet {external_id} under Project Settings → General i Supabase (https://supabase.com/dashboard/project/{external_id}/settings/general)."),
        StepKey::GithubRepo => format!("Ta bort repot {external_id} under Settings → Danger Zone på GitHub (https://github.com/{external_id}/settings)."),
        StepKey::VercelProject => format!("Ta bort Vercel-projektet {external_id} under Settings → Advanced i Vercel."),
        StepKey::N8nWorkflow => format!("Ta bort n8n-flödet {external_id} i n8n (Workflows → ⋯ → Delete)."),
        _ => String::new(),
    }
}
