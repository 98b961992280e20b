//! What an instance's stored days warn of (a limit days away, an idle pause coming), read
//! from the register only: the health check shows them beside its findings and the usage job
//! alerts on them, neither with a provider call of its own. The limits are `usage::limits`'s,
//! judged over the days the fleet view reads.

use super::kept::UsageRows;
use crate::customer::Plan;
use crate::environment::Environment;
use crate::error::Result;
use crate::messages::Text;
use crate::store::Store;
use crate::usage::build::month_sums;
use crate::usage::limits;
use crate::usage::view::{LimitKind, Warning};

/// The days a warning's pace is judged over: a month, so the month's sums are whole.
pub const WINDOW_DAYS: i64 = 31;

/// The warnings of one customer's stored days in `env`, nearest first.
pub fn of(store: &Store, customer_id: i64, plan: Plan, env: Environment) -> Result<Vec<Warning>> {
    let days = store.usage_of(customer_id, env, WINDOW_DAYS)?;
    Ok(limits::warnings(&days, &month_sums(&days), plan))
}

/// The warnings' sentences, as the health check shows them beside its findings.
pub fn messages(
    store: &Store,
    customer_id: i64,
    plan: Plan,
    env: Environment,
) -> Result<Vec<Text>> {
    let warnings = of(store, customer_id, plan, env)?;
    Ok(warnings.into_iter().map(|w| w.message).collect())
}

/// What an alert names a warning by: the customer's slug and what the warning is about
/// (`acme:database_bytes`, `acme:idle_pause`), so each limit is its own episode.
pub fn subject(slug: &str, w: &Warning) -> String {
    let about = match (w.kind, w.figure) {
        (LimitKind::IdlePause, _) => "idle_pause",
        (LimitKind::Figure, Some(f)) => f.as_str(),
        (LimitKind::Figure, None) => "figure",
    };
    format!("{slug}:{about}")
}

/// Every delivered instance's warnings in `env` as (subject, "slug: what"), by subject: the
/// fleet view's few reads of the register, not one a customer.
pub fn fleet(store: &Store, env: Environment) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for k in store.fleet_usage(env, WINDOW_DAYS)? {
        for w in limits::warnings(&k.days, &k.month, k.plan) {
            out.push((
                subject(&k.slug, &w),
                format!("{}: {}", k.slug, w.message.sv),
            ));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}
