//! Reconciliation (issue #58): Stripe's subscriptions listed and compared with the register,
//! instead of the events, when the last poll is older than Stripe's 30 days of events, or on
//! demand. What differs is returned as drift findings, shown and never acted on here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::drift::{self, DriftFinding, Seen};
use super::view::SubscriptionView;
use crate::customer::rows::CustomerRows;
use crate::customer::{Customer, Plan};
use crate::error::{Error, Result};
use crate::messages::{params, Say, Text};
use crate::providers::stripe::{Stripe, Subscription};
use crate::requests::IntakeRows;
use crate::requests::IntakeSource;
use crate::store::Store;

/// A subscription that no customer of the register is linked to, and that has not ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Unlinked {
    pub subscription: String,
    pub customer: String,
    pub status: String,
    pub message: Text,
}

/// What one comparison found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Reconciled {
    /// Subscriptions listed.
    pub subscriptions: u32,
    /// Customers compared (delivered or not; examples left out).
    pub customers: u32,
    pub findings: Vec<DriftFinding>,
    pub unlinked: Vec<Unlinked>,
    /// Each linked customer's subscription, by slug.
    pub linked: BTreeMap<String, SubscriptionView>,
    /// Why the comparison is not whole (the listing stopped at its limit, items unread).
    pub problems: Vec<Text>,
}

/// Where the subscriptions compared come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Stripe's whole list, read now: a link that names none names nothing.
    Listed,
    /// The register's snapshots: a link without one is only not read yet.
    Kept,
}

/// The register's customers (`links` by customer id) compared with the subscriptions.
pub fn compare(
    customers: &[Customer],
    links: &HashMap<i64, String>,
    subs: &[Subscription],
    plans: &BTreeMap<String, Plan>,
    source: Source,
) -> Reconciled {
    let mut out = Reconciled {
        subscriptions: subs.len() as u32,
        ..Reconciled::default()
    };
    let mut claimed: HashSet<&str> = HashSet::new();
    for c in customers.iter().filter(|c| !c.is_example) {
        out.customers += 1;
        let link = links.get(&c.id).map(String::as_str);
        let subscription = link.and_then(|l| super::view::resolve(l, subs));
        if let Some(l) = link {
            claimed.insert(l);
        }
        if let Some(s) = subscription {
            claimed.insert(s.id.as_str());
            claimed.insert(s.customer.as_str());
            out.linked
                .insert(c.slug.clone(), SubscriptionView::of(s, plans));
        }
        // Unread is no drift; the inbox's cancellation is known without a read.
        let unread = link.is_some() && subscription.is_none() && c.cancelled_at.is_none();
        if source == Source::Kept && unread {
            continue;
        }
        let seen = Seen {
            slug: &c.slug,
            status: c.status,
            plan: c.plan,
            example: c.is_example,
            cancelled: c.cancelled_at.is_some(),
            link,
            subscription,
        };
        out.findings.extend(drift::findings(&seen, plans));
    }
    for s in subs {
        if drift::ended(&s.status) || claimed.contains(s.id.as_str()) {
            continue;
        }
        if claimed.contains(s.customer.as_str()) {
            continue;
        }
        out.unlinked.push(Unlinked {
            subscription: s.id.clone(),
            customer: s.customer.clone(),
            status: s.status.as_str().to_string(),
            message: Say::DriftUnlinked
                .with(params!("subscription" => s.id, "status" => s.status.as_str())),
        });
    }
    out
}

/// The register's side of a comparison: its customers in the store's environment (examples
/// left out), their links and the owner's price → plan map.
pub type RegisterSide = (Vec<Customer>, HashMap<i64, String>, BTreeMap<String, Plan>);

pub fn register_side(store: &Store) -> Result<RegisterSide> {
    let mut customers = Vec::new();
    store.each_customer(store.environment(), |c| {
        customers.push(c);
        Ok(())
    })?;
    let links = super::link::subscriptions(store)?;
    let plans = store.intake_source(IntakeSource::Stripe)?.plans;
    Ok((customers, links, plans))
}

/// Lists every subscription (all statuses, paged), keeps each as the register's newest
/// snapshot (`state::apply_read`, so the page and the column read it after), and compares
/// them with the register. A snapshot that cannot be kept (a login that may not write) is
/// said, and the comparison still shown.
pub async fn reconcile(store: Arc<Store>, stripe: &Stripe) -> Result<Reconciled> {
    let s = store.clone();
    let (customers, links, plans) = crate::blocking::run(move || register_side(&s)).await?;
    let read = stripe
        .subscriptions("all")
        .await
        .map_err(|e| Error::Provider(e.to_string()))?;
    let mut out = compare(
        &customers,
        &links,
        &read.subscriptions,
        &plans,
        Source::Listed,
    );
    let (subs, now) = (read.subscriptions.clone(), chrono::Utc::now().timestamp());
    let kept = crate::blocking::run(move || -> Result<()> {
        let env = store.environment();
        for sub in &subs {
            super::state::apply_read(&store, env, sub, now)?;
        }
        Ok(())
    })
    .await;
    if let Err(e) = kept {
        out.problems
            .push(Say::ReconcileNotKept.with(params!("e" => e)));
    }
    if read.truncated {
        out.problems.push(Say::ReconcileTruncated.text());
    }
    if read.skipped > 0 {
        out.problems
            .push(Say::ReconcileSkipped.with(params!("n" => read.skipped)));
    }
    Ok(out)
}
