//! Every delivered instance's usage read and kept (what the tick's `usage_collect` and `fabrik
//! usage collect` run): the instances of an environment whose last reading is older than the
//! collection's interval, read a few at a time (the shared pacer keeps each provider within its
//! rate limits whatever the number; this bounds how many wait at once), each reading saved as
//! the day's in the register. An instance read today is not read again the same day, so a
//! collection that was killed half-way begins again where it stopped.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use super::kept::UsageRows;
use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::customer::Instance;
use crate::environment::Environment;
use crate::error::Result;
use crate::messages::{param_text, params, Say, Text};
use crate::provider::Provider;
use crate::providers::stripe::Stripe;
use crate::providers::Clients;
use crate::store::Store;

/// Instances read at once (as the health sweep checks them).
pub const AT_ONCE: usize = crate::health::AT_ONCE;

/// The setting: collect every N days (empty = 1, once a day; 0 = off).
pub const DAYS_SETTING: &str = "usage.collect_days";

/// What a collection did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct Collected {
    /// Instances read and kept.
    pub read: u32,
    /// Of those, read with a figure not reported (a provider that failed, named in `problems`).
    pub partial: u32,
    /// Instances that could not be kept (the register refused, the customer went meanwhile).
    pub failed: u32,
    /// Instances already read within the interval (a collection begun again).
    pub skipped: u32,
    /// What could not be read, each "slug: what and why" (its figures not reported; the
    /// rest of the reading kept).
    pub problems: Vec<Text>,
    /// The instances that could not be kept, and why.
    pub not_kept: Vec<Text>,
}

/// One instance to read.
#[derive(Debug, Clone)]
pub struct Due {
    pub customer_id: i64,
    pub slug: String,
    pub instance: Instance,
    /// The Stripe subscription that is the customer's (`sub_…`), or the Stripe customer whose
    /// it is (`cus_…`), when one is known.
    pub subscription: Option<String>,
}

/// Every how many days a collection reads an instance again; `None` when collecting is off.
pub fn every_days(store: &Store) -> Option<i64> {
    let set = store.get_setting(DAYS_SETTING).ok().flatten();
    match set.as_deref().map(str::trim) {
        None | Some("") => Some(1),
        Some(v) => v.parse::<i64>().ok().filter(|d| *d > 0),
    }
}

/// The register's day (UTC): what a reading counts as.
pub fn today(store: &Store) -> Result<NaiveDate> {
    let now = store.register_now()?;
    chrono::DateTime::parse_from_rfc3339(&now)
        .map(|t| t.with_timezone(&chrono::Utc).date_naive())
        .map_err(|e| crate::error::Error::Internal(e.to_string()))
}

/// The delivered instances in `env` whose last reading is `every` days old or more (or that
/// were never read), and how many were read more recently; example customers are not read.
/// Blocking (the register).
pub fn due(
    store: &Store,
    env: Environment,
    today: NaiveDate,
    every: i64,
) -> Result<(Vec<Due>, u32)> {
    let subs = crate::billing::link::subscriptions(store)?;
    let mut due = Vec::new();
    let mut skipped = 0;
    for slug in store.delivered_slugs(env)? {
        let c = store.get_customer_in(&slug, env)?;
        // Example data's instance cards name no real project.
        if c.is_example {
            continue;
        }
        if read_within(store, c.id, env, today, every)? {
            skipped += 1;
            continue;
        }
        due.push(Due {
            customer_id: c.id,
            subscription: subs.get(&c.id).cloned(),
            slug,
            instance: c.instance,
        });
    }
    Ok((due, skipped))
}

/// Whether the customer has a reading within the last `every` days (today counts as one).
fn read_within(
    store: &Store,
    customer_id: i64,
    env: Environment,
    today: NaiveDate,
    every: i64,
) -> Result<bool> {
    let since = today - chrono::Duration::days(every - 1);
    Ok(store
        .usage_of(customer_id, env, every + 1)?
        .iter()
        .any(|(day, _)| *day >= since))
}

/// The subscription to read: a linked one as it is, a Stripe customer's newest (asked of
/// Stripe when it is set up), or what could not be asked.
async fn subscription_of(
    stripe: Option<&Stripe>,
    linked: Option<String>,
) -> (Option<String>, Option<(Provider, Text)>) {
    match (stripe, linked) {
        (Some(s), Some(customer)) if customer.starts_with("cus_") => {
            match s.subscription_of(&customer).await {
                Ok(sub) => (sub, None),
                Err(e) => {
                    let why = Say::UsageCouldNotRead.with(params! {
                        "what" => "Stripe subscriptions",
                        "e" => e,
                    });
                    (None, Some((Provider::Stripe, why)))
                }
            }
        }
        (_, linked) => (linked, None),
    }
}

/// Reads every instance in `due`, `AT_ONCE` at a time, and keeps each reading as `today`'s
/// as soon as it is read (so a collection killed half-way loses at most what it was reading).
pub async fn collect(
    store: Arc<Store>,
    clients: &Clients,
    stripe: Option<&Stripe>,
    env: Environment,
    today: NaiveDate,
    due: Vec<Due>,
) -> Collected {
    use futures_util::StreamExt;
    let mut out = Collected::default();
    let mut reads = futures_util::stream::iter(due)
        .map(|d| async move {
            let (subscription, problem) = subscription_of(stripe, d.subscription.clone()).await;
            let mut reading =
                super::read::read(clients, stripe, &d.instance, subscription.as_deref(), today)
                    .await;
            reading.problems.extend(problem);
            (d, reading)
        })
        .buffer_unordered(AT_ONCE);
    while let Some((d, reading)) = reads.next().await {
        for (_, why) in &reading.problems {
            let mut p = params! { "slug" => d.slug };
            param_text(&mut p, "e", why);
            out.problems.push(Say::UsageNotRead.with(p));
        }
        let partial = !reading.problems.is_empty();
        let (s, id) = (store.clone(), d.customer_id);
        let saved = crate::blocking::run(move || s.save_usage(id, env, today, &reading)).await;
        match saved {
            Ok(()) => {
                out.read += 1;
                out.partial += u32::from(partial);
            }
            Err(e) => {
                out.failed += 1;
                out.not_kept.push(Say::UsageNotKept.with(params! {
                    "slug" => d.slug,
                    "e" => e,
                }));
            }
        }
    }
    out
}
