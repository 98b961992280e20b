//! Template updates across the fleet, one core behind the window and the CLI: which template
//! commit every customer's repository stands on and how far behind it is, a plan per
//! repository (the files the template changed, which of those the customer changed too, the
//! conflicts a three-way merge leaves, Fabrik's own and ignored files), and a roll-out of one
//! pull request per repository in waves (planned and driven by `crate::fleet`, as schema roll-outs).
//!
//! Nothing here writes to a repository: the plan reads; each repository's `template_sync` run
//! writes, proving the repository the customer's right before. Reading the pull requests back
//! (`refresh`) moves a repository's base when its pull request was merged.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::rollouts::{RolloutView, RolloutsApi};
use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::customer::Status;
use crate::environment::Environment;
use crate::error::ApiResult;
use crate::error::Error;
use crate::fleet::driver;
use crate::fleet::template;
pub use crate::fleet::template::RepoPlan;
use crate::ledger::{BaseHow, PrState, RolloutKind};
use crate::provision::rollouts::RolloutRow;
use crate::provision::rollouts::RolloutRows;
use crate::store::Store;
use crate::supervisor::Supervisor;
use crate::template::rows::TemplateRows;
use crate::template::rows::{TemplateBase, TemplatePr};
use crate::template::sync::Target;

/// A template roll-out with its plans and the pull requests it opened.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TemplateRolloutView {
    pub view: RolloutView,
    pub template: String,
    pub target: String,
    pub plans: Vec<RepoPlan>,
    pub prs: Vec<TemplatePr>,
}

/// One delivered customer's template version.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TemplateInstance {
    pub slug: String,
    pub name: String,
    pub status: Status,
    pub base: Option<TemplateBase>,
    /// The newest pull request Fabrik opened in its repository.
    pub pr: Option<TemplatePr>,
}

pub struct TemplatesApi {
    store: Arc<Store>,
    supervisor: Arc<Supervisor>,
    rollouts: RolloutsApi,
}

impl TemplatesApi {
    pub fn new(store: Arc<Store>, supervisor: Arc<Supervisor>) -> TemplatesApi {
        let rollouts = RolloutsApi::new(store.clone(), supervisor.clone());
        TemplatesApi {
            store,
            supervisor,
            rollouts,
        }
    }

    fn environment(&self) -> Environment {
        self.supervisor.environment()
    }

    /// The template commit a ref names (default: the template's default branch).
    pub async fn target(&self, at: Option<&str>) -> ApiResult<Target> {
        template::target(&self.rollouts.reads(), at).await
    }

    /// Every delivered customer's template version and newest pull request.
    pub fn instances(&self) -> ApiResult<Vec<TemplateInstance>> {
        let env = self.environment();
        let prs = self.store.template_prs(env, false)?;
        let mut out = Vec::new();
        for slug in self.store.delivered_slugs(env)? {
            let c = self.store.get_customer_in(&slug, env)?;
            out.push(TemplateInstance {
                base: self.store.template_base(c.id, env)?,
                pr: prs.iter().find(|p| p.customer_id == c.id).cloned(),
                slug: c.slug,
                name: c.name,
                status: c.status,
            });
        }
        Ok(out)
    }

    /// Plans a template roll-out to `at` (default: the template's default branch): each
    /// repository's plan, and waves over those behind. Nothing is written. Refused while
    /// another template roll-out of the environment is open.
    pub async fn plan(
        &self,
        at: Option<&str>,
        waves: &str,
        halt_share: f64,
    ) -> ApiResult<TemplateRolloutView> {
        let at = at.map(str::to_string);
        let reads = self.rollouts.reads();
        let id = driver::plan(&reads, &template::Template, at, waves, halt_share).await?;
        self.view(id)
    }

    /// A template roll-out with its plans and pull requests.
    pub fn view(&self, id: i64) -> ApiResult<TemplateRolloutView> {
        let view = self.rollouts.view(id)?;
        let payload = template::payload_of(&view.rollout)?;
        let prs = self
            .store
            .template_prs(self.environment(), false)?
            .into_iter()
            .filter(|p| p.rollout_id == Some(id) || p.target_sha == payload.target.sha)
            .collect();
        Ok(TemplateRolloutView {
            template: payload.target.template.clone(),
            target: payload.target.sha.clone(),
            plans: payload.plans.into_values().collect(),
            prs,
            view,
        })
    }

    /// The environment's template roll-outs, newest first.
    pub fn list(&self) -> ApiResult<Vec<RolloutRow>> {
        Ok(self
            .store
            .list_rollouts(self.environment(), RolloutKind::Template, 50)?)
    }

    /// The open template roll-out, if any.
    pub fn open(&self) -> ApiResult<Option<RolloutRow>> {
        Ok(self
            .store
            .open_rollout(self.environment(), RolloutKind::Template)?)
    }

    /// The roll-outs' shared controls (pause, abort, drive) by id.
    pub fn rollouts(&self) -> &RolloutsApi {
        &self.rollouts
    }

    /// Reads every open pull request back from GitHub: merged moves the repository's base to
    /// its target; closed is reported; a branch whose head is not Fabrik's commit was pushed
    /// to by a person and is left alone. Returns the pull requests as they stand.
    pub async fn refresh(&self) -> ApiResult<Vec<TemplatePr>> {
        let env = self.environment();
        let engine = self.supervisor.engine()?;
        let gh = &engine.clients().github;
        for p in self.store.template_prs(env, true)? {
            let Some((owner, name)) = repo_of(&p.url) else {
                continue;
            };
            let pull = match gh.pull(&owner, &name, p.number as u64).await {
                Ok(pull) => pull,
                Err(e) => {
                    tracing::warn!(pr = p.number, "a pull request could not be read: {e}");
                    continue;
                }
            };
            let state = if pull.is_merged() {
                PrState::Merged
            } else if pull.state == "closed" {
                PrState::Closed
            } else if pull.head.sha != p.commit_sha {
                PrState::Pushed
            } else {
                PrState::Open
            };
            if state == PrState::Merged {
                self.store
                    .set_template_base(p.customer_id, env, &p.target_sha, BaseHow::Synced)?;
            }
            self.store.set_template_pr_state(p.id, state)?;
        }
        Ok(self.store.template_prs(env, false)?)
    }

    /// The owner states the template commit a customer's repository stands on (checked to be
    /// a commit of the template).
    pub async fn set_base(&self, slug: &str, sha: &str) -> ApiResult<TemplateBase> {
        let env = self.environment();
        let c = self.store.get_customer_in(slug, env)?;
        let target = self.target(Some(sha)).await?;
        self.store
            .set_template_base(c.id, env, &target.sha, BaseHow::Stated)?;
        Ok(self
            .store
            .template_base(c.id, env)?
            .ok_or_else(|| Error::Internal("base not recorded".into()))?)
    }
}

/// `owner/name` from a pull request's page address (`…/owner/name/pull/N`).
fn repo_of(url: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = url.trim_end_matches('/').rsplit('/').collect();
    // [N, "pull", name, owner, …]
    (parts.len() >= 4 && parts[1] == "pull").then(|| (parts[3].to_string(), parts[2].to_string()))
}
