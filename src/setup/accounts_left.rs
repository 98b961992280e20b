//! What each account has left: the rate limits the last answers reported (the pacer reads every
//! rate-limit header), the plan limits that stop a run (active projects in a Supabase
//! organization on the free plan, Vercel projects on Hobby, GitHub's content-creating requests
//! an hour), and when a token stops working. The status bar polls `rate_limits` (memory only,
//! no call); Inställningar and the previews ask `accounts_left`, which reads the plan limits
//! from the accounts (two Supabase calls).

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::plan_limits::{GITHUB_CONTENT_HOUR, SUPABASE_FREE_ACTIVE, VERCEL_HOBBY_PROJECTS};
use crate::customer::rows::HealthRows;
use crate::environment::Environment;
use crate::error::ApiResult;
use crate::messages::{params, Say, Text};
use crate::providers::pacer::{self, Left};
use crate::secrets::Provider;
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::sweep::expiry_warning;

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

/// The rate limits and the plan limits read from the accounts (the settings and a client, no
/// engine: nothing here starts a run).
pub async fn accounts_left(cloud: &Arc<CloudApi>) -> ApiResult<AccountsLeft> {
    let c = cloud.clone();
    let (settings, clients) =
        crate::blocking::run(move || c.settings_and_clients(c.timeout)).await?;
    let store = cloud.shared_store();
    let env = cloud.environment;
    let delivered =
        crate::blocking::run(move || store.delivered_slugs(env).map(|s| s.len() as u64)).await?;
    let mut plan = Vec::new();

    let org = settings.supabase_org;
    let supabase = &clients.supabase;
    let unread = |e: crate::providers::ProviderError| {
        Say::ProofUnread.with(params! { "what" => "Supabase", "problem" => e.to_string() })
    };
    let (org_plan, active) = futures_util::join!(
        supabase.organization_plan(&org),
        supabase.projects_holding_a_place(&org)
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
