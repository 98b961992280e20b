//! What each account has left: the rate limits the last answers reported (the pacer reads every
//! rate-limit header), the plan limits that stop a run (active projects in a Supabase
//! organization on the free plan, Vercel projects on Hobby, GitHub's content-creating requests
//! an hour), and when a token stops working. The status bar polls `rate_limits` (memory only,
//! no call); Inställningar and the previews ask `accounts_left`, which reads the plan limits
//! from the accounts (two Supabase calls).

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::cloud::CloudApi;
use super::proof::SUPABASE_FREE_ACTIVE;
use super::supervisor::Supervisor;
use super::ApiResult;
use crate::environment::Environment;
use crate::messages::{params, Say, Text};
use crate::providers::pacer::{self, Left};
use crate::secrets::Provider;

/// The plan limits and GitHub's content limits, as the providers' declarations document them.
pub const VERCEL_HOBBY_PROJECTS: u64 = crate::provider::VERCEL_HOBBY_PROJECTS.count;
pub const GITHUB_CONTENT_HOUR: u64 = crate::provider::GITHUB_CONTENT_HOUR.limit.requests as u64;
/// Budgets shown per provider: the tightest.
const SHOWN: usize = 4;

/// A plan limit that stops a run when it is reached.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlanLimit {
    pub provider: Provider,
    pub what: Text,
    #[ts(type = "number | null")]
    pub used: Option<u64>,
    /// `None`: the plan sets none (a paid Supabase organization).
    #[ts(type = "number | null")]
    pub limit: Option<u64>,
    /// Why `used` is not known.
    pub problem: Option<Text>,
}

impl PlanLimit {
    /// How many more fit, when both are known.
    pub fn room(&self) -> Option<u64> {
        Some(self.limit?.saturating_sub(self.used?))
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProviderLeft {
    pub provider: Provider,
    /// The tightest budgets first.
    pub rates: Vec<Left>,
    /// When the token stops working (RFC 3339), when its provider says.
    pub expires: Option<String>,
    /// Said within `verify::EXPIRY_WARNING_DAYS`: the token and where to renew it.
    pub expiry_warning: Option<Text>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RateLimits {
    pub environment: Environment,
    /// Every provider this process has called, in `Provider::ALL` order.
    pub providers: Vec<ProviderLeft>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountsLeft {
    pub rates: RateLimits,
    pub plan: Vec<PlanLimit>,
}

/// What the answers have said so far (no call is made).
pub fn rate_limits(environment: Environment) -> RateLimits {
    let left = pacer::shared().left();
    let providers = Provider::ALL
        .into_iter()
        .filter_map(|p| {
            let rates: Vec<Left> = left
                .iter()
                .filter(|l| l.provider == p)
                .take(SHOWN)
                .cloned()
                .collect();
            let expires = pacer::shared().token_expiry(p);
            (!rates.is_empty() || expires.is_some()).then(|| ProviderLeft {
                provider: p,
                rates,
                expires: expires.map(|e| e.to_rfc3339()),
                expiry_warning: expires.and_then(|at| expiry_warning(p, at)),
            })
        })
        .collect();
    RateLimits {
        environment,
        providers,
    }
}

/// A token that stops working within a week, named with where it is renewed.
pub fn expiry_warning(provider: Provider, at: chrono::DateTime<chrono::Utc>) -> Option<Text> {
    let soon = crate::providers::verify::expires_soon(at);
    let guide = crate::providers::guide::guide(provider, "", "");
    soon.then(|| {
        Say::LeftTokenExpires.with(params! {
            "provider" => provider.display_name(),
            "date" => at.format("%Y-%m-%d %H:%M UTC").to_string(),
            "url" => guide.kinds.first().map(|k| k.url.clone()).unwrap_or_default(),
        })
    })
}

/// The rate limits and the plan limits read from the accounts.
pub async fn accounts_left(
    cloud: &Arc<CloudApi>,
    supervisor: &Arc<Supervisor>,
) -> ApiResult<AccountsLeft> {
    let sup = supervisor.clone();
    let engine = crate::blocking::run(move || sup.engine()).await?;
    let store = cloud.shared_store();
    let env = cloud.environment;
    let delivered =
        crate::blocking::run(move || store.delivered_slugs(env).map(|s| s.len() as u64)).await?;
    let mut plan = Vec::new();

    let org = engine.settings().supabase_org.clone();
    let supabase = &engine.clients().supabase;
    let unread = |e: crate::providers::ProviderError| {
        Say::ProofUnread.with(params! { "what" => "Supabase", "problem" => e.to_string() })
    };
    let (org_plan, active) = futures_util::join!(
        supabase.organization_plan(&org),
        supabase.count_projects(&org, &["ACTIVE_HEALTHY", "COMING_UP"])
    );
    // A plan not said is taken as the free one: its limit is the one that stops a run.
    let free = org_plan.as_ref().map_or(true, |p| {
        p.as_deref().is_none_or(|p| p.eq_ignore_ascii_case("free"))
    });
    let (used, problem) = match active {
        Ok(n) => (Some(n), None),
        Err(e) => (None, Some(unread(e))),
    };
    plan.push(PlanLimit {
        provider: Provider::Supabase,
        what: Say::LeftSupabaseProjects.with(params! { "org" => org.as_str() }),
        used,
        limit: free.then_some(SUPABASE_FREE_ACTIVE),
        problem,
    });
    plan.push(PlanLimit {
        provider: Provider::Vercel,
        what: Say::LeftVercelProjects.text(),
        used: Some(delivered),
        limit: Some(VERCEL_HOBBY_PROJECTS),
        problem: None,
    });
    let content = pacer::shared()
        .left()
        .into_iter()
        .find(|l| l.provider == Provider::Github && l.bucket == pacer::GITHUB_CONTENT_PER_HOUR);
    plan.push(PlanLimit {
        provider: Provider::Github,
        what: Say::LeftGithubContent.text(),
        used: Some(content.map_or(0, |l| u64::from(l.limit - l.remaining))),
        limit: Some(GITHUB_CONTENT_HOUR),
        problem: None,
    });
    Ok(AccountsLeft {
        rates: rate_limits(env),
        plan,
    })
}

/// What a bulk run or a roll-out of `count` runs of one kind would take, against what the
/// accounts have left: each limit it would exceed, and the least time the rate limits allow.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Budget {
    pub count: u32,
    /// What the runs take, said once ("3 Supabase projects, 6 GitHub writes, …").
    pub takes: Text,
    /// Each limit the plan would exceed, with what is left.
    pub over: Vec<Text>,
    /// The least time GitHub's content limits allow the runs in, in minutes (0: no wait).
    #[ts(type = "number")]
    pub minutes: u64,
}

const VERCEL_HOBBY_DEPLOYS_A_DAY: u32 = crate::provider::VERCEL_HOBBY_DEPLOYS_A_DAY.count as u32;
const RESEND_FREE_A_DAY: u32 = crate::provider::RESEND_FREE_A_DAY.count as u32;
const GITHUB_CONTENT_MINUTE: u64 = crate::provider::GITHUB_CONTENT_MINUTE.limit.requests as u64;

/// `count` runs of `kind` against what the accounts have left (`accounts_left`).
pub fn budget(kind: crate::ledger::RunKind, count: u32, left: &AccountsLeft) -> Budget {
    let need = crate::provision::Spends::of_kind(kind).times(count);
    let plan = |p: Provider| left.plan.iter().find(|l| l.provider == p);
    let mut over = Vec::new();
    if let Some(room) = plan(Provider::Supabase).and_then(PlanLimit::room) {
        if u64::from(need.supabase_projects) > room {
            over.push(Say::BudgetSupabaseOver.with(params! {
                "need" => need.supabase_projects, "room" => room,
            }));
        }
    }
    if let Some(room) = plan(Provider::Vercel).and_then(PlanLimit::room) {
        if u64::from(need.vercel_projects) > room {
            over.push(Say::BudgetVercelProjectsOver.with(params! {
                "need" => need.vercel_projects, "room" => room,
            }));
        }
    }
    if need.vercel_deployments > VERCEL_HOBBY_DEPLOYS_A_DAY {
        over.push(Say::BudgetVercelDeploysOver.with(params! {
            "need" => need.vercel_deployments, "day" => VERCEL_HOBBY_DEPLOYS_A_DAY,
        }));
    }
    if need.emails > RESEND_FREE_A_DAY {
        over.push(Say::BudgetEmailsOver.with(params! {
            "need" => need.emails, "day" => RESEND_FREE_A_DAY,
        }));
    }
    // GitHub: what is left of this hour's content writes goes first, then 500 an hour; never
    // faster than 80 a minute.
    let writes = u64::from(need.github_writes);
    let this_hour = left
        .rates
        .providers
        .iter()
        .flat_map(|p| &p.rates)
        .find(|l| l.provider == Provider::Github && l.bucket == pacer::GITHUB_CONTENT_PER_HOUR);
    let (room, reset_min) = this_hour.map_or((GITHUB_CONTENT_HOUR, 60), |l| {
        (u64::from(l.remaining), l.reset_in_secs.div_ceil(60))
    });
    let by_minute = writes.div_ceil(GITHUB_CONTENT_MINUTE).saturating_sub(1);
    let by_hour = if writes <= room {
        0
    } else {
        reset_min + (writes - room - 1) / GITHUB_CONTENT_HOUR * 60
    };
    let minutes = by_minute.max(by_hour);
    if by_hour > 0 {
        over.push(Say::BudgetGithubHour.with(params! {
            "need" => writes, "room" => room, "minutes" => minutes,
        }));
    }
    let takes = if need == crate::provision::Spends::default() {
        Say::BudgetTakesNothing.text()
    } else {
        Say::BudgetTakes.with(params! {
            "supabase" => need.supabase_projects,
            "github" => need.github_writes,
            "vercel" => need.vercel_projects,
            "deploys" => need.vercel_deployments,
            "emails" => need.emails,
        })
    };
    Budget {
        count,
        takes,
        over,
        minutes,
    }
}

/// `budget` with what the accounts have left read now.
pub async fn bulk_budget(
    cloud: &Arc<CloudApi>,
    supervisor: &Arc<Supervisor>,
    kind: crate::ledger::RunKind,
    count: u32,
) -> ApiResult<Budget> {
    let left = accounts_left(cloud, supervisor).await?;
    Ok(budget(kind, count, &left))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::RunKind;

    fn left(supabase_room: u64, github_left: u32, reset_secs: u64) -> AccountsLeft {
        let text = || Text::new("x", "x");
        AccountsLeft {
            rates: RateLimits {
                environment: Environment::Production,
                providers: vec![ProviderLeft {
                    provider: Provider::Github,
                    rates: vec![Left {
                        provider: Provider::Github,
                        bucket: pacer::GITHUB_CONTENT_PER_HOUR.into(),
                        limit: 500,
                        remaining: github_left,
                        reset_in_secs: reset_secs,
                        reported: false,
                    }],
                    expires: None,
                    expiry_warning: None,
                }],
            },
            plan: vec![
                PlanLimit {
                    provider: Provider::Supabase,
                    what: text(),
                    used: Some(SUPABASE_FREE_ACTIVE - supabase_room),
                    limit: Some(SUPABASE_FREE_ACTIVE),
                    problem: None,
                },
                PlanLimit {
                    provider: Provider::Vercel,
                    what: text(),
                    used: Some(10),
                    limit: Some(VERCEL_HOBBY_PROJECTS),
                    problem: None,
                },
            ],
        }
    }

    #[test]
    fn a_bulk_run_within_what_is_left_says_nothing_over() {
        let b = budget(RunKind::Provision, 2, &left(2, 500, 3600));
        assert!(b.over.is_empty(), "{:?}", b.over);
        assert_eq!(b.minutes, 0);
        assert!(b.takes.sv.contains("2 Supabase-projekt"), "{}", b.takes.sv);
    }

    #[test]
    fn each_limit_a_bulk_run_would_pass_is_named_with_the_time_it_takes() {
        // 300 provisionings: 300 projects against 1 free, 600 GitHub writes against 100 left
        // this hour (reset in 20 min), 300 deployments and emails against 100 a day each.
        let b = budget(RunKind::Provision, 300, &left(1, 100, 1200));
        let said: Vec<&str> = b.over.iter().map(|t| t.sv.as_str()).collect();
        assert_eq!(said.len(), 5, "{said:?}");
        assert!(
            said[0].contains("300 Supabase-projekt") && said[0].contains("1 till"),
            "{said:?}"
        );
        assert!(
            said[1].contains("190 till"),
            "Vercel projects: 190 left: {said:?}"
        );
        // 600 writes: 100 now, 500 after the reset in 20 minutes.
        assert_eq!(b.minutes, 20);
        let b = budget(RunKind::Provision, 301, &left(2, 100, 1200));
        assert_eq!(b.minutes, 80, "the 602nd write waits for the hour after");
        // Many small ones are held by the minute's limit too.
        let b = budget(RunKind::TemplateSync, 100, &left(2, 500, 60));
        assert!(b.over.is_empty(), "{:?}", b.over);
        assert_eq!(
            b.minutes, 4,
            "400 writes at 80 a minute, within the hour's 500"
        );
    }
}
