//! Template roll-outs: a template commit into every customer's repository, as one pull
//! request per repository (`template_sync` runs), never merged by Fabrik. The plan reads each
//! repository's base, what the template changed since, and what a three-way merge leaves.

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::definition::{
    parallel, paused_text, Definition, FleetResult, Found, Plan, Runs, Settled, Survey,
};
use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::customer::{Customer, Status};
use crate::error::Error;
use crate::ledger::{BaseHow, MemberState, PrState, RolloutKind, StepKey};
use crate::messages::params;
use crate::messages::{Say, Text};
use crate::providers::github::Github;
use crate::provision::rollouts::RolloutRow;
use crate::provision::{outputs, ownership, RunRequest};
use crate::template::rows::TemplatePr;
use crate::template::rows::TemplateRows;
use crate::template::sync::{self, Target, TemplateCache};
use crate::template::{FileChange, NeedsPerson, Summary};

/// One repository's plan, as the window and the CLI show it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RepoPlan {
    pub slug: String,
    pub name: String,
    /// `owner/name` of the customer's repository.
    pub repo: Option<String>,
    pub base: Option<String>,
    pub base_how: Option<BaseHow>,
    /// Template commits between the base and the target.
    #[ts(type = "number | null")]
    pub behind: Option<u64>,
    pub changes: Vec<FileChange>,
    /// The files a person must look at: conflict markers, or the customer's kept.
    pub needs_person: Vec<NeedsPerson>,
    pub summary: Summary,
    /// Why it cannot be planned (no repository, unknown base, GitHub's error).
    pub problem: Option<Text>,
}

/// What a template roll-out keeps in the register (the roll-out row's payload): the target and
/// each repository's plan as planned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payload {
    #[serde(flatten)]
    pub target: Target,
    #[serde(default)]
    pub plans: BTreeMap<i64, RepoPlan>,
}

pub fn current(target: &Target) -> Text {
    Say::TemplateCurrent.with(params! { "sha" => target.short() })
}

pub fn pr_reason(p: &TemplatePr) -> Text {
    match p.state {
        PrState::Open => Say::TemplatePrOpen.with(params! { "number" => p.number }),
        PrState::Merged => Say::TemplatePrMerged
            .with(params! { "number" => p.number, "sha" => sync::short(&p.target_sha) }),
        PrState::Closed => Say::TemplatePrClosed.with(params! { "number" => p.number }),
        PrState::Pushed => Say::TemplatePrPushed
            .with(params! { "number" => p.number, "branch" => p.branch.clone() }),
    }
}

/// What a template roll-out keeps for its row (decoded once, here).
pub fn payload_of(r: &RolloutRow) -> FleetResult<Payload> {
    serde_json::from_str(&r.migrations).map_err(|e| Error::Internal(e.to_string()).into())
}

fn problem(e: Error) -> Text {
    let a = e.to_api();
    Text::of(a.code, &a.params)
}

/// The template commit a ref names (default: the template's default branch).
pub async fn target(cx: &dyn Runs, at: Option<&str>) -> FleetResult<Target> {
    let engine = cx.engine()?;
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

/// Every delivered repository's plan towards `target`. Reads only (a base found from the
/// template's history is recorded, as `found`).
pub async fn plans(cx: &dyn Runs, target: &Target) -> FleetResult<Vec<(Customer, RepoPlan)>> {
    let env = cx.environment();
    let store = cx.store();
    let engine = cx.engine()?;
    let gh = &engine.clients().github;
    let cache = sync::shared();
    let mut out = Vec::new();
    let slugs = store.delivered_slugs(env)?;
    for chunk in slugs.chunks(parallel(store)) {
        let mut batch = Vec::new();
        for slug in chunk {
            let c = store.get_customer_in(slug, env)?;
            let cache = cache.clone();
            batch.push(async move {
                let plan = repo_plan(cx, gh, &cache, target, &c).await;
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
    cx: &dyn Runs,
    gh: &Github,
    cache: &TemplateCache,
    target: &Target,
    c: &Customer,
) -> FleetResult<RepoPlan> {
    let env = cx.environment();
    let store = cx.store();
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
    let recorded: Option<outputs::GithubRepo> = store
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
        let base = match store.template_base(c.id, env).map_err(|e| {
            crate::providers::error::ProviderError::new(
                crate::secrets::Provider::Github,
                crate::providers::error::ErrorKind::Invalid,
                e.to_string(),
            )
        })? {
            Some(b) => Some((b.sha, b.how)),
            None => match sync::find_base(gh, target, repo, &branch).await? {
                Some(sha) => {
                    let _ = store.set_template_base(c.id, env, &sha, BaseHow::Found);
                    Some((sha, BaseHow::Found))
                }
                None => None,
            },
        };
        let Some((base, how)) = base else {
            plan.problem = Some(Say::TemplateBaseNeeded.with(params! { "slug" => c.slug.clone() }));
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

/// The template roll-out's definition.
pub struct Template;

impl Definition for Template {
    fn kind(&self) -> RolloutKind {
        RolloutKind::Template
    }

    /// Its repository at the target already, or a pull request for the target opened before
    /// (the same roll-out started again creates nothing).
    fn before<'a>(
        &'a self,
        cx: &'a dyn Runs,
        r: &'a RolloutRow,
        c: &'a Customer,
    ) -> BoxFuture<'a, FleetResult<Option<Settled>>> {
        async move {
            let target = payload_of(r)?.target;
            let store = cx.store();
            let base = store.template_base(c.id, c.environment)?;
            if base.as_ref().is_some_and(|b| b.sha == target.sha) {
                return Ok(Some(Settled {
                    state: MemberState::Done,
                    reason: current(&target),
                    version: Some(target.short().to_string()),
                }));
            }
            Ok(store
                .template_pr_for(c.id, c.environment, &target.sha)?
                .map(|p| Settled {
                    state: MemberState::Done,
                    reason: pr_reason(&p),
                    version: base.map(|b| sync::short(&b.sha).to_string()),
                }))
        }
        .boxed()
    }

    fn run(&self, r: &RolloutRow) -> RunRequest {
        RunRequest::TemplateSync { rollout: r.id }
    }

    /// `#N` for its pull request, else its base.
    fn version_after(
        &self,
        cx: &dyn Runs,
        r: &RolloutRow,
        customer_id: i64,
    ) -> FleetResult<Option<String>> {
        let target = payload_of(r)?.target;
        let (store, env) = (cx.store(), r.environment);
        if let Some(p) = store.template_pr_for(customer_id, env, &target.sha)? {
            return Ok(Some(format!("#{}", p.number)));
        }
        Ok(store
            .template_base(customer_id, env)?
            .map(|b| sync::short(&b.sha).to_string()))
    }
}

impl Plan for Template {
    /// The ref to roll out (default: the template's default branch).
    type Input = Option<String>;

    /// Each repository's plan towards the target: settled (paused, not plannable, current, a
    /// pull request for the target already), or behind.
    fn survey<'a>(
        &'a self,
        cx: &'a dyn Runs,
        at: Option<String>,
    ) -> BoxFuture<'a, FleetResult<Survey>> {
        async move {
            let env = cx.environment();
            let target = target(cx, at.as_deref()).await?;
            let plans = plans(cx, &target).await?;
            let mut found = Vec::new();
            for (c, plan) in &plans {
                let version = plan.base.as_deref().map(|b| sync::short(b).to_string());
                let pr = cx.store().template_pr_for(c.id, env, &target.sha)?;
                let settled = if c.status == Status::Inactive {
                    Some((MemberState::Skipped, paused_text()))
                } else if let Some(problem) = &plan.problem {
                    Some((MemberState::Skipped, problem.clone()))
                } else if plan.behind == Some(0) {
                    Some((MemberState::Done, current(&target)))
                } else {
                    pr.map(|p| (MemberState::Done, pr_reason(&p)))
                };
                found.push((
                    c.id,
                    match settled {
                        Some((state, reason)) => Found::Settled(Settled {
                            state,
                            reason,
                            version,
                        }),
                        None => Found::Behind { version },
                    },
                ));
            }
            let source = format!("template:{}@{}", target.template, target.short());
            let payload = Payload {
                target,
                plans: plans.into_iter().map(|(c, p)| (c.id, p)).collect(),
            };
            let payload =
                serde_json::to_string(&payload).map_err(|e| Error::Internal(e.to_string()))?;
            Ok(Survey {
                source,
                payload,
                found,
            })
        }
        .boxed()
    }
}
