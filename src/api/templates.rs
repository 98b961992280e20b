//! Template updates across the fleet, one core behind the window and the CLI: which template
//! commit every customer's repository stands on and how far behind it is, a plan per
//! repository (the files the template changed, which of those the customer changed too, the
//! conflicts a three-way merge leaves, Fabrik's own and ignored files), and a roll-out of one
//! pull request per repository in waves (driven by `RolloutsApi::drive`, as schema roll-outs).
//!
//! Nothing here writes to a repository: the plan reads; each repository's `template_sync` run
//! writes, proving the repository the customer's right before. Reading the pull requests back
//! (`refresh`) moves a repository's base when its pull request was merged.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::rollouts::{RolloutView, RolloutsApi};
use super::supervisor::Supervisor;
use super::ApiResult;
use crate::customer::{Customer, Status};
use crate::environment::Environment;
use crate::error::Error;
use crate::fleet;
use crate::ledger::{BaseHow, MemberState, PrState, RolloutKind, StepKey};
use crate::messages::params;
use crate::messages::{Say, Text};
use crate::providers::github::Github;
use crate::provision::outputs;
use crate::provision::ownership;
use crate::store::rollouts::{NewMember, RolloutRow};
use crate::store::templates::{TemplateBase, TemplatePr};
use crate::store::Store;
pub use crate::template::rollout::RepoPlan;
use crate::template::rollout::{current, pr_reason, Payload};
use crate::template::sync::{self, Target, TemplateCache};
use crate::template::Summary;

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
        let engine = self.supervisor.engine()?;
        let s = engine.settings();
        let template = format!("{}/{}", s.template_owner, s.template_repo);
        let gh = &engine.clients().github;
        let plan_error = |e: String| Error::RolloutPlan(problem(Error::Provider(e)));
        let branch = match at {
            Some(a) => a.to_string(),
            None => gh
                .repo(&s.template_owner, &s.template_repo)
                .await
                .map_err(|e| plan_error(e.to_string()))?
                .and_then(|r| r.default_branch)
                .unwrap_or_else(|| "main".into()),
        };
        let sha = match gh
            .branch_head(&s.template_owner, &s.template_repo, &branch)
            .await
            .map_err(|e| plan_error(e.to_string()))?
        {
            Some(sha) => sha,
            // Not a branch: a commit, by its sha.
            None => {
                gh.commit(&s.template_owner, &s.template_repo, &branch)
                    .await
                    .map_err(|e| plan_error(format!("{template}@{branch}: {e}")))?
                    .sha
            }
        };
        Ok(Target { template, sha })
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

    /// Every delivered repository's plan towards `target`. Reads only (a base found from the
    /// template's history is recorded, as `found`).
    pub async fn plans(&self, target: &Target) -> ApiResult<Vec<(Customer, RepoPlan)>> {
        let env = self.environment();
        let engine = self.supervisor.engine()?;
        let gh = &engine.clients().github;
        let cache = sync::shared();
        let mut out = Vec::new();
        let slugs = self.store.delivered_slugs(env)?;
        for chunk in slugs.chunks(self.rollouts.parallel()) {
            let mut batch = Vec::new();
            for slug in chunk {
                let c = self.store.get_customer_in(slug, env)?;
                let cache = cache.clone();
                batch.push(async move {
                    let plan = self.repo_plan(gh, &cache, target, &c).await;
                    (c, plan)
                });
            }
            for (c, plan) in futures_util::future::join_all(batch).await {
                out.push((c, plan?));
            }
        }
        Ok(out)
    }

    async fn repo_plan(
        &self,
        gh: &Github,
        cache: &TemplateCache,
        target: &Target,
        c: &Customer,
    ) -> ApiResult<RepoPlan> {
        let env = self.environment();
        let mut plan = RepoPlan {
            slug: c.slug.clone(),
            name: c.name.clone(),
            repo: None,
            base: None,
            base_how: None,
            behind: None,
            changes: Vec::new(),
            needs_person: Vec::new(),
            summary: Summary::default(),
            problem: None,
        };
        let recorded: Option<outputs::GithubRepo> = self
            .store
            .last_step_output(c.id, StepKey::GithubRepo, env)?
            .and_then(|v| serde_json::from_value(v).ok());
        let Some(recorded) = recorded else {
            plan.problem = Some(Say::TemplateNoRepo.text());
            return Ok(plan);
        };
        let known = (recorded.owner.as_str(), recorded.name.as_str());
        let found = match recorded.id {
            Some(id) => gh.by_id(id, known).await,
            None => gh.lookup(known.0, known.1).await,
        };
        let r = match found {
            Ok(Some(r)) if ownership::carries(r.description.as_deref(), &c.uid) => r,
            Ok(Some(r)) => {
                plan.problem = Some(Text::of(
                    crate::messages::ErrorCode::ResourceNotOurs,
                    &params! { "resource" => "GitHub-repot", "resource_en" => "The GitHub repository", "name" => r.full_name },
                ));
                return Ok(plan);
            }
            Ok(None) => {
                plan.problem = Some(Say::TemplateNoRepo.text());
                return Ok(plan);
            }
            Err(e) => {
                plan.problem = Some(problem(Error::Provider(e.to_string())));
                return Ok(plan);
            }
        };
        plan.repo = Some(r.full_name.clone());
        let repo = (r.owner.login.as_str(), r.name.as_str());
        let branch = r.default_branch.clone().unwrap_or_else(|| "main".into());
        let result: Result<(), crate::providers::error::ProviderError> = async {
            let base = match self.store.template_base(c.id, env).map_err(|e| {
                crate::providers::error::ProviderError::new(
                    crate::secrets::Provider::Github,
                    crate::providers::error::ErrorKind::Invalid,
                    e.to_string(),
                )
            })? {
                Some(b) => Some((b.sha, b.how)),
                None => match sync::find_base(gh, target, repo, &branch).await? {
                    Some(sha) => {
                        let _ = self
                            .store
                            .set_template_base(c.id, env, &sha, BaseHow::Found);
                        Some((sha, BaseHow::Found))
                    }
                    None => None,
                },
            };
            let Some((base, how)) = base else {
                plan.problem =
                    Some(Say::TemplateBaseNeeded.with(params! { "slug" => c.slug.clone() }));
                return Ok(());
            };
            plan.base = Some(base.clone());
            plan.base_how = Some(how);
            if base == target.sha {
                plan.behind = Some(0);
                return Ok(());
            }
            let (o, n) = target.owner_name();
            plan.behind = Some(gh.ahead_by(o, n, &base, &target.sha).await?);
            let Some(customer) = sync::customer(gh, cache, repo, &branch).await? else {
                plan.problem = Some(Say::TemplateNoRepo.text());
                return Ok(());
            };
            let proposal = sync::propose(gh, cache, target, &base, repo, &customer).await?;
            plan.summary = proposal.summary.clone();
            plan.needs_person = proposal.needs_person;
            plan.changes = proposal.changes;
            Ok(())
        }
        .await;
        if let Err(e) = result {
            plan.problem = Some(problem(Error::Provider(e.to_string())));
        }
        Ok(plan)
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
        let waves = fleet::parse_waves(waves).map_err(Error::RolloutPlan)?;
        if !(0.0..=1.0).contains(&halt_share) {
            return Err(Error::RolloutPlan(Say::RolloutHaltShareRange.text()).into());
        }
        let env = self.environment();
        if let Some(open) = self.store.open_rollout(env, RolloutKind::Template)? {
            return Err(Error::RolloutOpen(open.id).into());
        }
        let target = self.target(at).await?;
        let plans = self.plans(&target).await?;
        let mut members = Vec::new();
        let mut behind = Vec::new();
        for (c, plan) in &plans {
            let version = plan.base.as_deref().map(|b| sync::short(b).to_string());
            let pr = self.store.template_pr_for(c.id, env, &target.sha)?;
            let settled = if c.status == Status::Inactive {
                Some((MemberState::Skipped, Say::RolloutInstancePaused.text()))
            } else if let Some(problem) = &plan.problem {
                Some((MemberState::Skipped, problem.clone()))
            } else if plan.behind == Some(0) {
                Some((MemberState::Done, current(&target)))
            } else {
                pr.map(|p| (MemberState::Done, pr_reason(&p)))
            };
            match settled {
                Some((state, reason)) => members.push(NewMember {
                    customer_id: c.id,
                    wave: 0,
                    state,
                    reason: Some(reason),
                    version_before: version,
                }),
                None => behind.push((c.id, version)),
            }
        }
        let assigned = fleet::assign(behind.len(), &waves);
        for ((customer_id, version), wave) in behind.into_iter().zip(assigned) {
            members.push(NewMember {
                customer_id,
                wave,
                state: MemberState::Pending,
                reason: None,
                version_before: version,
            });
        }
        let payload = Payload {
            target: target.clone(),
            plans: plans.into_iter().map(|(c, p)| (c.id, p)).collect(),
        };
        let json = serde_json::to_string(&payload).map_err(|e| Error::Internal(e.to_string()))?;
        let source = format!("template:{}@{}", target.template, target.short());
        let id = self.store.create_rollout(
            env,
            RolloutKind::Template,
            &source,
            &json,
            halt_share,
            &members,
        )?;
        self.view(id)
    }

    /// A template roll-out with its plans and pull requests.
    pub fn view(&self, id: i64) -> ApiResult<TemplateRolloutView> {
        let view = self.rollouts.view(id)?;
        let payload: Payload = serde_json::from_str(&view.rollout.migrations)
            .map_err(|e| Error::Internal(e.to_string()))?;
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

fn problem(e: Error) -> Text {
    let a = e.to_api();
    Text::of(a.code, &a.params)
}

/// `owner/name` from a pull request's page address (`…/owner/name/pull/N`).
fn repo_of(url: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = url.trim_end_matches('/').rsplit('/').collect();
    // [N, "pull", name, owner, …]
    (parts.len() >= 4 && parts[1] == "pull").then(|| (parts[3].to_string(), parts[2].to_string()))
}
