//! What the engine answers without starting a run: the plan (what a run would create, adopt or
//! refuse), a health check, the custom domains, what a teardown would delete, the adoptions,
//! and the alert email. Only reads from the providers (the check keeps its result).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::claims::teardown_targets;
use super::Engine;
use crate::customer::Status;
use crate::error::{Error, Result};
use crate::ledger::events::{EventSink, RunEvent};
use crate::ledger::{AllowedBy, StepKey};
use crate::messages::Text;
use crate::provision::context::RunCtx;
use crate::provision::plan::{PlanLedger, ProvisionPlan};
use crate::provision::steps::{self, Owned};
use crate::store::adoptions::Adoption;
use crate::store::runs::Driver;
use crate::vocabulary::vocabulary;

/// The setting that holds the agency's address for alerts (empty: OS notifications only).
pub const ALERT_ADDRESS: &str = "alerts.email";

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

impl Engine {
    /// The customer's delivered instance and the Vercel project the ledger recorded for it,
    /// read now by that id and proven the customer's (its marker); only reads. `to_promote`:
    /// the instance must also be as a `promote` run needs it (active); a list needs only a
    /// delivered one.
    async fn delivered_project(
        &self,
        slug: &str,
        to_promote: bool,
    ) -> Result<(crate::customer::Customer, crate::providers::vercel::Project)> {
        let (slug, env) = (slug.to_string(), self.environment);
        let (customer, recorded) = self
            .db(move |s| {
                let c = s.get_customer_in(&slug, env)?;
                let p = s.last_step_output(c.id, StepKey::VercelProject, env)?;
                Ok((c, p))
            })
            .await?;
        let (checked, engine) = (customer.clone(), self.clone());
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
            Error::from(crate::provision::steps::Refusal::from(e))
        };
        let provider = |e: crate::providers::ProviderError| Error::Provider(e.to_string());
        let found = self
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
            &self.clients.vercel,
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
        let (slug, env) = (slug.to_string(), self.environment);
        let customer = self.db(move |s| s.get_customer_in(&slug, env)).await?;
        self.undo_target_of(&customer)
            .await?
            .ok_or(Error::NothingToUndo(customer.slug))
    }

    async fn undo_target_of(&self, customer: &crate::customer::Customer) -> Result<Option<String>> {
        let (id, env) = (customer.id, self.environment);
        let last = self
            .db(move |s| s.last_change_output(id, StepKey::VercelPromote, env))
            .await?;
        let last: Option<crate::provision::outputs::NewProduction> =
            last.map(|v| crate::provision::outputs::read(&v));
        Ok(last.and_then(|o| o.previous.filter(|p| Some(p) != o.id.as_ref())))
    }

    /// The dry run for a customer: what a run would create, adopt or refuse (read-only calls).
    pub async fn plan(&self, slug: &str) -> Result<ProvisionPlan> {
        let (slug, environment) = (slug.to_string(), self.environment);
        let (customer, ledger) = self
            .db(move |s| {
                let customer = s.get_customer_in(&slug, environment)?;
                let ledger = PlanLedger::read(s, &customer, environment)?;
                Ok((customer, ledger))
            })
            .await?;
        let plan = crate::provision::plan::plan(&customer, &self.settings, &self.clients, &ledger)
            .await
            .map_err(|e| Error::Provider(e.to_string()))?;
        // Every refusal is recorded, so the owner can adopt it from the window.
        let (customer_id, refused) = (customer.id, crate::provision::plan::refusals(&plan));
        self.db(move |s| {
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
        let env = self.environment;
        let customer = self.db(move |s| s.get_customer_in(&slug, env)).await?;
        if customer.instance.is_empty() {
            return Err(Error::NotProvisioned(customer.slug));
        }
        let (site, mut findings) =
            crate::health::check(&self.clients, &self.settings.env, &customer.instance).await;
        // A paused instance's workflow is off on purpose (the pause turned it off).
        if customer.status == Status::Inactive {
            findings.retain(|f| {
                !(f.part == crate::health::HealthPart::Workflow
                    && f.kind == crate::health::FindingKind::Changed)
            });
        }
        let health = crate::health::Health::new(&customer.slug, env, site, findings);
        let saved = health.clone();
        self.db(move |s| s.save_health(customer.id, &saved)).await?;
        Ok(health)
    }

    /// The custom domains on the customer's Vercel project (not its own `*.vercel.app`), each
    /// with what the customer still has to set in DNS. Only reads.
    pub async fn domains(&self, slug: &str) -> Result<Vec<steps::DomainStatus>> {
        let (slug, env) = (slug.to_string(), self.environment);
        let (customer, project) = self
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
                .clients
                .vercel
                .domain_config(&d.name)
                .await
                .map_err(provider)?;
            let (id, name) = (customer.id, d.name.clone());
            let added = self.db(move |s| s.domain_added(id, env, &name)).await?;
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
        let (slug, environment) = (slug.to_string(), self.environment);
        let (customer, targets) = self
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
                Ok(Owned::Ours) => (TargetVerdict::Delete, None),
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

    /// The owner adopts on purpose a resource a run refused (or, from the CLI, one it will
    /// meet): `typed` must be its name exactly. The next run writes the marker on it and
    /// records the adoption. Blocking (SQLite).
    pub fn allow_adoption(
        &self,
        slug: &str,
        name: &str,
        typed: &str,
        by: AllowedBy,
    ) -> Result<Adoption> {
        let name = name.trim();
        if name.is_empty() || typed.trim() != name {
            return Err(Error::AdoptionMismatch {
                name: name.to_string(),
            });
        }
        let customer = self.store.get_customer(slug)?;
        self.store
            .allow_adoption(customer.id, slug, self.environment, name, by)
    }

    /// The customer's refused and adopted resources in this environment.
    pub fn adoptions(&self, slug: &str) -> Result<Vec<Adoption>> {
        let customer = self.store.get_customer(slug)?;
        Ok(self
            .store
            .adoptions(customer.id)?
            .into_iter()
            .filter(|a| a.environment == self.environment)
            .collect())
    }

    /// Emails the agency's alert address (setting `alerts.email`) through Resend, from the
    /// welcome email's sender. Nothing is sent when the address is not set.
    pub async fn send_alert(&self, subject: &str, text: &str) -> Result<bool> {
        let to = self
            .db(|s| s.get_setting(ALERT_ADDRESS))
            .await?
            .filter(|a| !a.trim().is_empty());
        let Some(to) = to else {
            return Ok(false);
        };
        let html = crate::provision::email::alert_html(text);
        let email = crate::providers::resend::Email {
            from: &self.settings.sender,
            to: to.trim(),
            subject,
            html: &html,
            text,
        };
        let key = format!("fabrik-alert-{}", uuid::Uuid::new_v4());
        self.clients
            .resend
            .send(&email, &key)
            .await
            .map_err(|e| Error::Provider(e.to_string()))?;
        Ok(true)
    }

    /// A context for reading only (the teardown's list): no run, no events, never written.
    fn read_only_context(&self, customer: crate::customer::Customer) -> RunCtx {
        let events: Arc<dyn EventSink> = Arc::new(|_: &RunEvent| {});
        self.run_ctx(
            Driver::none(),
            customer,
            events,
            CancellationToken::new(),
            HashMap::new(),
        )
    }
}
