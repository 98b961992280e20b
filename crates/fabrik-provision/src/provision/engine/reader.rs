//! What reads an instance without starting a run (`Reader`): the plan (what a run would create,
//! adopt or refuse), a health check, the custom domains, the deployments, what a teardown would
//! delete, the adoptions. Only reads from the providers (the check keeps its result).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::claims::teardown_targets;
use super::Engine;
use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::customer::Status;
use crate::error::{Error, Result};
use crate::ledger::events::{EventSink, RunEvent};
use crate::ledger::StepKey;
use crate::messages::Text;
use crate::provision::adoptions::Adoption;
use crate::provision::adoptions::AdoptionRows;
use crate::provision::context::RunCtx;
use crate::provision::plan::{PlanLedger, ProvisionPlan};
use crate::provision::steps::StepTable;
use crate::provision::steps::{self, Owned};
use crate::store::runs::Driver;
use crate::vocabulary::vocabulary;

vocabulary!(
    /// What "Avveckla" does with one target: deletes it (it carries the customer's marker),
    /// leaves it alone (not created by Fabrik), finds it gone, or cannot tell (not readable).
    pub enum TargetVerdict {
        Delete => "delete",
        Keep => "keep",
        Gone => "gone",
        Unknown => "unknown",
    }
);

impl TargetVerdict {
    /// What happens to the target, from the catalogue (`Unknown` takes the `reason`).
    pub fn label(self) -> crate::messages::Say {
        use crate::messages::Say;
        match self {
            TargetVerdict::Delete => Say::VerdictDelete,
            TargetVerdict::Keep => Say::VerdictKeep,
            TargetVerdict::Gone => Say::VerdictGone,
            TargetVerdict::Unknown => Say::VerdictUnknown,
        }
    }
}

/// One target of a teardown as read back now.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TeardownTarget {
    pub step: StepKey,
    /// The ref, `owner/repo` or id the ledger or the instance card names.
    pub id: String,
    pub verdict: TargetVerdict,
    /// Why it is kept, or why it could not be read.
    pub reason: Option<Text>,
}

/// One production deployment of a customer's Vercel project, as the rollback list shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeploymentView {
    /// Vercel's id (`dpl_…`): what `RunRequest::Promote` names.
    pub id: String,
    /// Its own address (`https://…vercel.app`, behind Deployment Protection), if uploaded.
    pub url: Option<String>,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// Vercel's word: `READY`, `BUILDING`, `ERROR`, `CANCELED`, …
    pub state: String,
    /// Whether the production domains serve it now.
    pub serving: bool,
    /// The Git commit it was built from, when Vercel says (`meta.githubCommitSha`).
    pub commit: Option<String>,
    /// The branch or ref, when Vercel says (`meta.githubCommitRef`).
    pub commit_ref: Option<String>,
    /// The commit's message's first line, when Vercel says (`meta.githubCommitMessage`).
    pub commit_message: Option<String>,
    /// Whether it can be made production now: READY and not serving already.
    pub promotable: bool,
}

/// A customer's recent production deployments, newest first, and what "Ångra" would do.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Deployments {
    pub slug: String,
    /// The Vercel project's id and name, as read now by the id the ledger recorded.
    pub project_id: String,
    pub project: String,
    /// The deployment production serves now (also when it is older than the list).
    pub production: Option<String>,
    pub deployments: Vec<DeploymentView>,
    /// What "Ångra" makes production again: the deployment the last successful rollback
    /// replaced; `None` when there is nothing to undo.
    pub undo: Option<String>,
}

/// How many production deployments the list shows.
pub const DEPLOYMENTS_LISTED: u32 = 20;

/// Reads a customer's instance and what the ledger recorded of it, apart from what drives runs:
/// the plan, a health check, the custom domains, the deployments, what a teardown would delete,
/// the adoptions, what Supabase's own backups can bring back. It starts no run and holds no
/// run's lease; what it keeps is a read's result (the check, the refusals a plan met). Made by
/// `Engine::reader` (the same register, clients and environment); cloning is cheap.
#[derive(Clone)]
pub struct Reader {
    pub(super) engine: Engine,
}

impl Engine {
    /// What reads this engine's instances without driving a run.
    pub fn reader(&self) -> Reader {
        Reader {
            engine: self.clone(),
        }
    }
}

impl Reader {
    /// The customer's delivered instance and the Vercel project the ledger recorded for it,
    /// read now by that id and proven the customer's (its marker); only reads. `to_promote`:
    /// the instance must also be as a `promote` run needs it (active); a list needs only a
    /// delivered one.
    async fn delivered_project(
        &self,
        slug: &str,
        to_promote: bool,
    ) -> Result<(crate::customer::Customer, crate::providers::vercel::Project)> {
        let (slug, env) = (slug.to_string(), self.engine.environment);
        let (customer, recorded) = self
            .engine
            .db(move |s| {
                let c = s.get_customer_in(&slug, env)?;
                let p = s.last_step_output(c.id, StepKey::VercelProject, env)?;
                Ok((c, p))
            })
            .await?;
        let (checked, engine) = (customer.clone(), self.engine.clone());
        crate::blocking::run(move || match to_promote {
            true => engine.requires(
                crate::provision::kinds::def(crate::ledger::RunKind::Promote),
                &checked,
            ),
            false => engine.delivered(&checked),
        })
        .await?;
        let recorded = recorded.and_then(|v| {
            serde_json::from_value::<crate::provision::outputs::VercelProject>(v).ok()
        });
        let Some(recorded) = recorded.filter(|r| !r.id.is_empty()) else {
            return Err(Error::NotProvisioned(customer.slug));
        };
        let refused = |e: crate::provision::context::StepError| {
            Error::from(crate::provision::refusal::Refusal::from(e))
        };
        let provider = |e: crate::providers::ProviderError| Error::Provider(e.to_string());
        let found = self
            .engine
            .clients
            .vercel
            .project(&recorded.id)
            .await
            .map_err(provider)?;
        let Some(project) = found else {
            return Err(refused(crate::provision::context::StepError::permanent(
                crate::messages::ErrorCode::ResourceGone,
                crate::messages::params! { "resource" => "Vercel-projektet", "resource_en" => "The Vercel project", "name" => recorded.name },
            )));
        };
        if project.id != recorded.id
            || !crate::provision::proof::project_carries(&project, &customer.uid)
        {
            return Err(refused(crate::provision::ownership::not_ours(
                "Vercel-projektet",
                "The Vercel project",
                &project.name,
            )));
        }
        Ok((customer, project))
    }

    /// The customer's recent production deployments (`DEPLOYMENTS_LISTED`, newest first) by
    /// the project id the ledger recorded, which one serves production, and what "Ångra"
    /// would make production again. Only reads.
    pub async fn deployments(&self, slug: &str) -> Result<Deployments> {
        let (customer, project) = self.delivered_project(slug, false).await?;
        let provider = |e: crate::providers::ProviderError| Error::Provider(e.to_string());
        let listed = self
            .engine
            .clients
            .vercel
            .deployments(&project.id, "production", DEPLOYMENTS_LISTED)
            .await
            .map_err(provider)?;
        let production = project.production_deployment().map(str::to_string);
        let deployments = listed
            .into_iter()
            .map(|d| {
                let serving = production.as_deref() == Some(d.uid.as_str());
                let state = d.state().to_string();
                DeploymentView {
                    url: d
                        .url
                        .as_deref()
                        .map(|u| format!("https://{}", crate::providers::vercel::host_of(u))),
                    created_at: chrono::DateTime::from_timestamp_millis(d.created as i64)
                        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                        .unwrap_or_default(),
                    serving,
                    commit: d.meta_text("githubCommitSha").map(str::to_string),
                    commit_ref: d.meta_text("githubCommitRef").map(str::to_string),
                    commit_message: d
                        .meta_text("githubCommitMessage")
                        .and_then(|m| m.lines().next())
                        .map(str::to_string),
                    promotable: state == "READY" && !serving,
                    state,
                    id: d.uid,
                }
            })
            .collect();
        let undo = self
            .undo_target_of(&customer)
            .await?
            .filter(|u| production.as_deref() != Some(u.as_str()));
        Ok(Deployments {
            slug: customer.slug,
            project_id: project.id,
            project: project.name,
            production,
            deployments,
            undo,
        })
    }

    /// Whether `deployment` may become production for the customer now (the step judges it
    /// again right before the change); its id when it may, else the refusal that names it and
    /// the way out. Only reads.
    pub async fn check_promotion(&self, slug: &str, deployment: &str) -> Result<String> {
        let (customer, project) = self.delivered_project(slug, true).await?;
        let judged = crate::provision::steps::judge_deployment(
            &self.engine.clients.vercel,
            &customer.slug,
            &project.id,
            deployment,
        )
        .await
        .map_err(|e| Error::Provider(e.to_string()))?;
        match judged {
            Ok(d) => Ok(d.id),
            Err(refusal) => Err(refusal.into()),
        }
    }

    /// What "Ångra" makes production again: the deployment the customer's last successful
    /// `promote` run replaced.
    pub async fn undo_target(&self, slug: &str) -> Result<String> {
        let (slug, env) = (slug.to_string(), self.engine.environment);
        let customer = self
            .engine
            .db(move |s| s.get_customer_in(&slug, env))
            .await?;
        self.undo_target_of(&customer)
            .await?
            .ok_or(Error::NothingToUndo(customer.slug))
    }

    async fn undo_target_of(&self, customer: &crate::customer::Customer) -> Result<Option<String>> {
        let (id, env) = (customer.id, self.engine.environment);
        let last = self
            .engine
            .db(move |s| s.last_change_output(id, StepKey::VercelPromote, env))
            .await?;
        let last: Option<crate::provision::outputs::NewProduction> =
            last.map(|v| crate::provision::outputs::read(&v));
        Ok(last.and_then(|o| o.previous.filter(|p| Some(p) != o.id.as_ref())))
    }

    /// The dry run for a customer: what a run would create, adopt or refuse (read-only calls).
    pub async fn plan(&self, slug: &str) -> Result<ProvisionPlan> {
        let (slug, environment) = (slug.to_string(), self.engine.environment);
        let (customer, ledger) = self
            .engine
            .db(move |s| {
                let customer = s.get_customer_in(&slug, environment)?;
                let ledger = PlanLedger::read(s, &customer, environment)?;
                Ok((customer, ledger))
            })
            .await?;
        let plan = crate::provision::plan::plan(
            &customer,
            &self.engine.settings,
            &self.engine.clients,
            &ledger,
        )
        .await
        .map_err(|e| Error::Provider(e.to_string()))?;
        // Every refusal is recorded, so the owner can adopt it from the window.
        let (customer_id, refused) = (customer.id, crate::provision::plan::refusals(&plan));
        self.engine
            .db(move |s| {
                for (step, name, id) in &refused {
                    s.record_refusal(customer_id, environment, *step, name, id, None)?;
                }
                Ok(())
            })
            .await?;
        Ok(plan)
    }

    /// Day two: reads every part of the customer's instance in this environment, compares it
    /// with what was delivered, and keeps the result as the instance's last check. Only reads.
    pub async fn check_health(&self, slug: &str) -> Result<crate::health::Health> {
        let slug = slug.to_string();
        let env = self.engine.environment;
        let customer = self
            .engine
            .db(move |s| s.get_customer_in(&slug, env))
            .await?;
        if customer.instance.is_empty() {
            return Err(Error::NotProvisioned(customer.slug));
        }
        let (site, mut findings) = crate::health::check(
            &self.engine.clients,
            &self.engine.settings.env,
            &customer.instance,
        )
        .await;
        // A paused instance's workflow is off on purpose (the pause turned it off).
        if customer.status == Status::Inactive {
            findings.retain(|f| {
                !(f.part == crate::health::HealthPart::Workflow
                    && f.kind == crate::health::FindingKind::Changed)
            });
        }
        let mut health = crate::health::Health::new(&customer.slug, env, site, findings);
        let (id, plan) = (customer.id, customer.plan);
        health.usage = self
            .engine
            .db(move |s| crate::metering::warnings::messages(s, id, plan, env))
            .await?;
        let saved = health.clone();
        self.engine.db(move |s| s.save_health(id, &saved)).await?;
        Ok(health)
    }

    /// The custom domains on the customer's Vercel project (not its own `*.vercel.app`), each
    /// with what the customer still has to set in DNS. Only reads.
    pub async fn domains(&self, slug: &str) -> Result<Vec<steps::DomainStatus>> {
        let (slug, env) = (slug.to_string(), self.engine.environment);
        let (customer, project) = self
            .engine
            .db(move |s| {
                let c = s.get_customer_in(&slug, env)?;
                let p = s.last_step_output(c.id, StepKey::VercelProject, env)?;
                Ok((c, p))
            })
            .await?;
        let Some(project) = project.and_then(|p| p["id"].as_str().map(str::to_string)) else {
            return Err(Error::NotProvisioned(customer.slug));
        };
        let provider = |e: crate::providers::ProviderError| Error::Provider(e.to_string());
        let listed = self
            .engine
            .clients
            .vercel
            .project_domains(&project)
            .await
            .map_err(provider)?;
        let mut out = Vec::new();
        for d in listed
            .into_iter()
            .filter(|d| !d.name.ends_with(".vercel.app"))
        {
            let config = self
                .engine
                .clients
                .vercel
                .domain_config(&d.name)
                .await
                .map_err(provider)?;
            let (id, name) = (customer.id, d.name.clone());
            let added = self
                .engine
                .db(move |s| s.domain_added(id, env, &name))
                .await?;
            out.push(steps::DomainStatus {
                records: steps::domain_records(&d, &config),
                production: customer.instance.production_url.as_deref()
                    == Some(format!("https://{}", d.name).as_str()),
                configured: !config.misconfigured,
                verified: d.verified,
                added_by_fabrik: added,
                domain: d.name,
            });
        }
        Ok(out)
    }

    /// What "Avveckla" would do, target by target, read back from the providers now: "tas
    /// bort" only for what carries the customer's marker. Read-only; the window and the CLI
    /// show it before asking for the typed confirmation.
    pub async fn teardown_preview(&self, slug: &str) -> Result<Vec<TeardownTarget>> {
        let (slug, environment) = (slug.to_string(), self.engine.environment);
        let (customer, targets) = self
            .engine
            .db(move |s| {
                let customer = s.get_customer_in(&slug, environment)?;
                let targets = teardown_targets(s, environment, &customer)?;
                Ok((customer, targets))
            })
            .await?;
        let ctx = self.read_only_context(customer);
        let mut out = Vec::new();
        for (key, id, output) in targets {
            let (Some(id), Some(undo)) = (id, key.def().undo.as_ref()) else {
                continue;
            };
            if let Some(refusal) = super::claims::card_only(key, &id, &output) {
                out.push(TeardownTarget {
                    step: key,
                    id,
                    verdict: TargetVerdict::Keep,
                    reason: Some(refusal.text()),
                });
                continue;
            }
            let (verdict, reason) = match (undo.owns)(&ctx, &id, &output).await {
                Ok(Owned::Ours(_)) => (TargetVerdict::Delete, None),
                Ok(Owned::Gone) => (TargetVerdict::Gone, None),
                Ok(Owned::NotOurs(refusal)) => (TargetVerdict::Keep, Some(refusal.text())),
                Err(e) => (TargetVerdict::Unknown, Some(e.text())),
            };
            out.push(TeardownTarget {
                step: key,
                id,
                verdict,
                reason,
            });
        }
        Ok(out)
    }

    /// The customer's refused and adopted resources in this environment.
    pub fn adoptions(&self, slug: &str) -> Result<Vec<Adoption>> {
        let customer = self.engine.store.get_customer(slug)?;
        Ok(self
            .engine
            .store
            .adoptions(customer.id)?
            .into_iter()
            .filter(|a| a.environment == self.engine.environment)
            .collect())
    }

    /// A context for reading only (the teardown's list): no run, no events, never written.
    fn read_only_context(&self, customer: crate::customer::Customer) -> RunCtx {
        let events: Arc<dyn EventSink> = Arc::new(|_: &RunEvent| {});
        self.engine.run_ctx(
            Driver::none(),
            customer,
            events,
            CancellationToken::new(),
            HashMap::new(),
        )
    }
}
