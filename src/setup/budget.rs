//! What a bulk run or a roll-out would take (`budget`), against what the accounts have left
//! (`accounts_left`): each plan limit it would pass and the least time GitHub's content limits
//! allow it in.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::accounts_left::{accounts_left, AccountsLeft, PlanLimit};
use super::plan_limits::{
    GITHUB_CONTENT_HOUR, GITHUB_CONTENT_MINUTE, RESEND_FREE_A_DAY, VERCEL_HOBBY_DEPLOYS_A_DAY,
};
use crate::error::ApiResult;
use crate::messages::{params, Say, Text};
use crate::providers::pacer;
use crate::secrets::Provider;
use crate::supervisor::cloud::CloudApi;

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
    kind: crate::ledger::RunKind,
    count: u32,
) -> ApiResult<Budget> {
    let left = accounts_left(cloud).await?;
    Ok(budget(kind, count, &left))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::Environment;
    use crate::ledger::RunKind;
    use crate::providers::pacer::Left;
    use crate::setup::accounts_left::{ProviderLeft, RateLimits};
    use crate::setup::plan_limits::{SUPABASE_FREE_ACTIVE, VERCEL_HOBBY_PROJECTS};

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
