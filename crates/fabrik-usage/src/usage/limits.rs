//! Limits before they bite: an instance's figures against the providers' free plans (the numbers
//! declared in `provider::table`) and the agency's own plans (declared here, once), and the
//! pause Supabase puts an idle free project in. A warning comes from `WARN_SHARE` of a limit on,
//! or when the current pace reaches it within `WARN_DAYS`; `days_left` says when, if it can.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::figures::{def, Figure, Per};
use super::reading::Reading;
use super::view::{LimitKind, Warning};
use crate::customer::Plan;
use crate::messages::{param_text, params, Say};
use crate::provider::{
    PlanLimit, Provider, RESEND_FREE_A_DAY, RESEND_FREE_A_MONTH, SUPABASE_FREE_DATABASE_MB,
    SUPABASE_FREE_IDLE_DAYS, SUPABASE_FREE_MONTHLY_USERS, SUPABASE_FREE_STORAGE_MB,
    VERCEL_HOBBY_DEPLOYS_A_DAY,
};

/// A warning from this share of a limit on.
pub const WARN_SHARE: f64 = 0.8;
/// Or when the current pace reaches the limit within this many days.
pub const WARN_DAYS: i64 = 14;
/// An idle free project is warned of from this many days before its pause.
pub const IDLE_WARN_DAYS: i64 = 3;

pub use super::figures::{GB, MB};

/// The per-day figures a limit here counts by the month (`Over::Month`): what the register
/// sums over the month for the fleet (a test holds the list to the limits).
pub const MONTHLY: &[Figure] = &[Figure::EmailsSent, Figure::Executions];

/// Over what a limit counts a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// Its latest level (a size, a number of users).
    Level,
    /// One day's count (a per-month figure: the latest day's change).
    Day,
    /// The calendar month's count (a per-day figure: the month's sum).
    Month,
}

/// One limit on one figure, and whose it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    pub figure: Figure,
    pub over: Over,
    pub amount: f64,
    /// `Supabase Free`, `Vercel Hobby`, `Resend Free`, or the agency's plan.
    pub of: String,
}

fn limit(figure: Figure, over: Over, plan: &PlanLimit, unit: f64, of: &str) -> Limit {
    Limit {
        figure,
        over,
        amount: plan.count as f64 * unit,
        of: of.into(),
    }
}

/// Whether the instance's Supabase project is on the free plan. The Management API's
/// `/billing/addons` lists a compute add-on only when one is selected, and its variants
/// (`ci_micro` and up, contracts/supabase) need a paid plan; a free project's Nano compute is no
/// variant there. So: no compute add-on, and the add-ons were read (no Supabase problem that
/// collection), is the free plan.
pub fn on_free_plan(reading: &Reading) -> bool {
    reading.compute.is_none()
        && !reading
            .problems
            .iter()
            .any(|(p, _)| *p == Provider::Supabase)
}

/// The providers' limits that apply to an instance (`free`: its Supabase project's plan).
pub fn provider_limits(free: bool) -> Vec<Limit> {
    let mut limits = Vec::new();
    if free {
        let of = "Supabase Free";
        limits.push(limit(
            Figure::DatabaseBytes,
            Over::Level,
            &SUPABASE_FREE_DATABASE_MB,
            MB,
            of,
        ));
        // The users there are stand in for the month's active ones, which no endpoint reports:
        // the month's active users are never more.
        limits.push(limit(
            Figure::AuthUsers,
            Over::Level,
            &SUPABASE_FREE_MONTHLY_USERS,
            1.0,
            of,
        ));
        limits.push(limit(
            Figure::StorageBytes,
            Over::Level,
            &SUPABASE_FREE_STORAGE_MB,
            MB,
            of,
        ));
    }
    limits.push(limit(
        Figure::Deployments,
        Over::Day,
        &VERCEL_HOBBY_DEPLOYS_A_DAY,
        1.0,
        "Vercel Hobby",
    ));
    limits.push(limit(
        Figure::EmailsSent,
        Over::Day,
        &RESEND_FREE_A_DAY,
        1.0,
        "Resend Free",
    ));
    limits.push(limit(
        Figure::EmailsSent,
        Over::Month,
        &RESEND_FREE_A_MONTH,
        1.0,
        "Resend Free",
    ));
    limits
}

/// What each of the agency's plans includes, the one declaration `margin::uses_like` reads too.
/// Fabrik's defaults for the template's plans (a starter site, a professional one, enterprise
/// without limits), not a provider's.
pub fn allowance(plan: Plan) -> Vec<Limit> {
    // The plan by the name the owner sells it under (the window's), not its code.
    let of = match plan {
        Plan::Starter => "Starter",
        Plan::Professional => "Professional",
        Plan::Enterprise => "Enterprise",
    };
    let per = |figure, over, amount| Limit {
        figure,
        over,
        amount,
        of: of.into(),
    };
    match plan {
        Plan::Starter => vec![
            per(Figure::DatabaseBytes, Over::Level, 250.0 * MB),
            per(Figure::AuthUsers, Over::Level, 1_000.0),
            per(Figure::StorageBytes, Over::Level, 512.0 * MB),
            per(Figure::EmailsSent, Over::Month, 1_000.0),
            per(Figure::Executions, Over::Month, 2_000.0),
        ],
        Plan::Professional => vec![
            per(Figure::DatabaseBytes, Over::Level, 2_048.0 * MB),
            per(Figure::AuthUsers, Over::Level, 10_000.0),
            per(Figure::StorageBytes, Over::Level, 10_240.0 * MB),
            per(Figure::EmailsSent, Over::Month, 10_000.0),
            per(Figure::Executions, Over::Month, 20_000.0),
        ],
        Plan::Enterprise => Vec::new(),
    }
}

/// A figure as a limit counts it, on the latest day of `days` (oldest first): its value and
/// its pace a day, when a pace can be said.
pub fn measure(
    figure: Figure,
    over: Over,
    days: &[(NaiveDate, Reading)],
    month: &BTreeMap<Figure, f64>,
) -> Option<(f64, Option<f64>)> {
    let (last_day, last) = days.last()?;
    let reported: Vec<(NaiveDate, f64)> = days
        .iter()
        .filter_map(|(d, r)| r.get(figure).map(|v| (*d, v)))
        .collect();
    let per = def(figure).per;
    match (over, per) {
        (Over::Level, _) => {
            let (d_last, v_last) = *reported.last()?;
            let (d_first, v_first) = reported[0];
            let span = (d_last - d_first).num_days();
            let pace = (span > 0).then(|| (v_last - v_first) / span as f64);
            Some((v_last, pace.filter(|p| *p > 0.0)))
        }
        (Over::Day, Per::Day) => last.get(figure).map(|v| (v, None)),
        (Over::Day, _) => {
            let v = last.get(figure)?;
            if last_day.day() == 1 {
                return Some((v, None));
            }
            let before = days
                .iter()
                .rev()
                .find(|(d, _)| *d == *last_day - chrono::Duration::days(1))?;
            Some(((v - before.1.get(figure)?).max(0.0), None))
        }
        (Over::Month, _) => {
            let v = match per {
                Per::Day => *month.get(&figure)?,
                _ => last.get(figure)?,
            };
            Some((v, Some(v / f64::from(last_day.day()))))
        }
    }
}

/// The warnings of one instance, nearest first: its figures against `limits`, and the idle
/// pause of a free project. `days`: its readings, oldest first; `month`: its per-day figures
/// summed over the latest day's month.
pub fn warnings(
    days: &[(NaiveDate, Reading)],
    month: &BTreeMap<Figure, f64>,
    plan: Plan,
) -> Vec<Warning> {
    let Some((today, latest)) = days.last() else {
        return Vec::new();
    };
    let free = on_free_plan(latest);
    let mut out = Vec::new();
    for l in provider_limits(free).into_iter().chain(allowance(plan)) {
        let Some((value, pace)) = measure(l.figure, l.over, days, month) else {
            continue;
        };
        let share = value / l.amount;
        let mut days_left = match (value >= l.amount, pace) {
            (true, _) => Some(0),
            (false, Some(p)) => Some(((l.amount - value) / p).ceil() as i64),
            (false, None) => None,
        };
        if l.over == Over::Month {
            // A month's count starts again with the next month.
            let left_in_month = days_in_month(*today) - i64::from(today.day());
            days_left = days_left.filter(|d| *d == 0 || *d <= left_in_month);
        }
        if share < WARN_SHARE && days_left.is_none_or(|d| d > WARN_DAYS) {
            continue;
        }
        out.push(Warning {
            kind: LimitKind::Figure,
            figure: Some(l.figure),
            share,
            limit: l.amount,
            value,
            days_left,
            message: figure_message(&l, value, days_left),
            limit_of: l.of,
        });
    }
    if free {
        out.extend(idle(latest.last_active, *today));
    }
    out.sort_by(|a, b| {
        let at = |w: &Warning| w.days_left.unwrap_or(i64::MAX);
        at(a).cmp(&at(b)).then(b.share.total_cmp(&a.share))
    });
    out
}

/// The pause Supabase puts a free project in after its idle days, warned of from
/// `IDLE_WARN_DAYS` before.
fn idle(last_active: Option<NaiveDate>, today: NaiveDate) -> Option<Warning> {
    let since = last_active?;
    let limit = SUPABASE_FREE_IDLE_DAYS.count as i64;
    let idle = (today - since).num_days().max(0);
    let days_left = (limit - idle).max(0);
    if days_left > IDLE_WARN_DAYS {
        return None;
    }
    let p = params! { "since" => since, "limit" => limit, "days_left" => days_left };
    Some(Warning {
        kind: LimitKind::IdlePause,
        figure: None,
        share: idle as f64 / limit as f64,
        limit: limit as f64,
        value: idle as f64,
        days_left: Some(days_left),
        limit_of: "Supabase Free".into(),
        message: match days_left {
            0 => Say::LimitIdlePaused.with(p),
            _ => Say::LimitIdlePause.with(p),
        },
    })
}

fn figure_message(l: &Limit, value: f64, days_left: Option<i64>) -> crate::messages::Text {
    let mut p = params! {
        "value" => amount(l.figure, value),
        "limit" => amount(l.figure, l.amount),
        "limit_of" => l.of,
    };
    param_text(&mut p, "figure", &l.figure.label());
    if value >= l.amount {
        return Say::LimitReached.with(p);
    }
    let days = match days_left {
        Some(d) => Say::LimitDaysLeft.with(params! { "days" => d }),
        None => crate::messages::Text::new(String::new(), String::new()),
    };
    param_text(&mut p, "days", &days);
    Say::LimitNear.with(p)
}

/// A figure's value as a person reads it: bytes in MB or GB, counts whole.
pub fn amount(figure: Figure, value: f64) -> String {
    match def(figure).unit {
        super::figures::Unit::Bytes if value >= GB => {
            format!("{:.1} GB", value / GB)
        }
        super::figures::Unit::Bytes => format!("{:.0} MB", value / MB),
        _ => format!("{value:.0}"),
    }
}

fn days_in_month(day: NaiveDate) -> i64 {
    let next = match day.month() {
        12 => NaiveDate::from_ymd_opt(day.year() + 1, 1, 1),
        m => NaiveDate::from_ymd_opt(day.year(), m + 1, 1),
    };
    next.map(|n| (n - day.with_day(1).unwrap_or(day)).num_days())
        .unwrap_or(30)
}

#[cfg(test)]
#[path = "limits_tests.rs"]
mod tests;
