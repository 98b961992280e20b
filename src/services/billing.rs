//! Billing as the owner sees it (issue #58), one core behind the window and the CLI: each
//! customer's subscription beside its instance, the drift findings with their offers, the
//! decisions waiting, the register's billing column, and a reconciliation on demand. The page
//! and the column read the register alone (the snapshots the tick and the reconciliation
//! keep); only the reconciliation calls Stripe.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::billing::candidates::{rank, Candidate, Whom};
use crate::billing::drift::DriftFinding;
use crate::billing::link;
use crate::billing::policy::{Policy, PolicyRow, PolicyView, Step, Transition};
use crate::billing::reconcile::{self, compare, Reconciled, Source};
use crate::billing::rows::BillingRows;
use crate::billing::rows::{DecisionRow, DecisionState};
use crate::billing::view::{self, SubscriptionView};
use crate::customer::rows::CustomerRows;
use crate::customer::Plan;
use crate::error::{ApiResult, Error};
use crate::messages::{params, Say};
use crate::providers::stripe::Stripe;
use crate::secrets::Provider;
use crate::store::Store;
use crate::supervisor::cloud::CloudApi;

/// The most decisions a customer's page lists.
const DECISIONS_SHOWN: u32 = 20;

/// One customer's billing on its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerBilling {
    pub slug: String,
    /// The owner's or the inbox's link (`sub_…` or `cus_…`), if any.
    pub link: Option<String>,
    /// The subscription as last kept; none when not linked or not read yet.
    pub subscription: Option<SubscriptionView>,
    /// When the inbox read that Stripe ended it.
    pub cancelled_at: Option<String>,
    pub findings: Vec<DriftFinding>,
    /// What the tick offers and waits for a person to decide, newest first.
    pub waiting: Vec<DecisionRow>,
}

/// One customer's cell in the register's billing column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BillingCell {
    pub slug: String,
    pub linked: bool,
    /// Stripe's status as last kept (`active`, `past_due`, …); none when not read.
    pub status: Option<String>,
    pub cancel_at_period_end: bool,
    /// Unix seconds.
    #[ts(type = "number | null")]
    pub next_payment: Option<i64>,
    pub failing: bool,
    pub findings: u32,
    pub waiting: u32,
}

pub struct BillingApi {
    store: Arc<Store>,
}

impl BillingApi {
    pub fn new(store: Arc<Store>) -> BillingApi {
        BillingApi { store }
    }

    /// The register compared with its own snapshots: no call to Stripe.
    fn kept(&self) -> ApiResult<(Reconciled, Vec<DecisionRow>)> {
        let (customers, links, plans) = reconcile::register_side(&self.store)?;
        let env = self.store.environment();
        let subs: Vec<_> = self
            .store
            .subscription_rows(env)?
            .iter()
            .map(view::from_row)
            .collect();
        let found = compare(&customers, &links, &subs, &plans, Source::Kept);
        let waiting =
            self.store
                .billing_decisions(env, Some(DecisionState::Waiting), None, 1_000)?;
        Ok((found, waiting))
    }

    /// The register's billing column, every customer's cell (customers with nothing to say
    /// are left out).
    pub fn column(&self) -> ApiResult<Vec<BillingCell>> {
        let (found, waiting) = self.kept()?;
        let mut slugs: Vec<&String> = found.linked.keys().collect();
        slugs.extend(found.findings.iter().map(|f| &f.slug));
        slugs.extend(waiting.iter().map(|d| &d.slug));
        slugs.sort();
        slugs.dedup();
        Ok(slugs
            .into_iter()
            .map(|slug| {
                let sub = found.linked.get(slug);
                BillingCell {
                    slug: slug.clone(),
                    linked: sub.is_some(),
                    status: sub.map(|s| s.status.clone()),
                    cancel_at_period_end: sub.is_some_and(|s| s.cancel_at_period_end),
                    next_payment: sub.and_then(|s| s.next_payment),
                    failing: sub.is_some_and(|s| s.last_failure.is_some()),
                    findings: found.findings.iter().filter(|f| &f.slug == slug).count() as u32,
                    waiting: waiting.iter().filter(|d| &d.slug == slug).count() as u32,
                }
            })
            .collect())
    }

    /// One customer's billing, from the register.
    pub fn customer(&self, slug: &str) -> ApiResult<CustomerBilling> {
        let env = self.store.environment();
        let c = self.store.get_customer_in(slug, env)?;
        let link = crate::billing::link::subscriptions(&self.store)?.remove(&c.id);
        let (mut found, _) = self.kept()?;
        let waiting = self.store.billing_decisions(
            env,
            Some(DecisionState::Waiting),
            Some(c.id),
            DECISIONS_SHOWN,
        )?;
        Ok(CustomerBilling {
            slug: c.slug.clone(),
            link,
            subscription: found.linked.remove(&c.slug),
            cancelled_at: c.cancelled_at,
            findings: found
                .findings
                .into_iter()
                .filter(|f| f.slug == c.slug)
                .collect(),
            waiting,
        })
    }
}

impl BillingApi {
    /// A waiting decision settled by the person at the window or the terminal: dismissed, or
    /// done (they took the offer through its own guarded path: a run, the teardown's gate).
    /// `false` when it was no longer waiting (another seat settled it first).
    pub fn settle(&self, id: i64, dismissed: bool) -> ApiResult<bool> {
        let state = match dismissed {
            true => DecisionState::Dismissed,
            false => DecisionState::Done,
        };
        let by = self.store.person().map(str::to_string);
        let by = by.as_deref().or(Some(self.store.seat()));
        Ok(self
            .store
            .settle_billing_decision(id, state, None, None, by)?)
    }
}

/// The owner's policy (the window's editor and `fabrik billing policy`). Who may change it is
/// the register's to say, in one place (`Store::set_billing_policy`: on a shared register the
/// owners alone); the core refuses a teardown's `do` and a negative grace before anything is
/// kept.
impl BillingApi {
    /// Every plan × transition as in force, and what each transition allows.
    pub fn policy(&self) -> ApiResult<PolicyView> {
        Ok(Policy::load(&self.store)?.view())
    }

    /// Keeps `changes`, each checked before the first is written; the policy as it is then.
    pub fn set_policy(&self, changes: &[PolicyRow]) -> ApiResult<PolicyView> {
        for row in changes {
            crate::billing::policy::refuse_teardown_do(row.transition, row.step)?;
            crate::billing::policy::refuse_negative_grace(row.grace_days)?;
        }
        for row in changes {
            self.store.set_billing_policy(row)?;
        }
        self.policy()
    }

    /// One plan's step for one transition (its grace kept).
    pub fn set_policy_step(&self, plan: Plan, t: Transition, step: Step) -> ApiResult<PolicyView> {
        let row = Policy::load(&self.store)?.with_step(plan, t, step)?;
        self.set_policy(&[row])
    }

    /// One plan's grace after a failed payment (its step kept); none: until Stripe gives up.
    pub fn set_policy_grace(&self, plan: Plan, days: Option<i64>) -> ApiResult<PolicyView> {
        let row = Policy::load(&self.store)?.with_grace(plan, days)?;
        self.set_policy(&[row])
    }
}

/// Stripe's whole list compared with the register now, for the cloud's environment.
pub async fn reconcile_now(cloud: Arc<CloudApi>) -> ApiResult<Reconciled> {
    let stripe = stripe(&cloud).await?;
    Ok(reconcile::reconcile(cloud.shared_store(), &stripe).await?)
}

/// The account's Stripe client, from the seat's keyring.
async fn stripe(cloud: &Arc<CloudApi>) -> ApiResult<Stripe> {
    let c = cloud.clone();
    let key = crate::blocking::run(move || c.token(Provider::Stripe)).await?;
    let Some(key) = key else {
        return Err(Error::MissingTokens(Provider::Stripe.display_name().into()).into());
    };
    Ok(Stripe::new(
        &cloud.endpoints().stripe_api,
        key,
        cloud.timeout,
    ))
}

/// The subscriptions a person may link `slug`'s revenue to (Stripe read now), the ones whose
/// payer has the customer's email or name first, each with the customer it is linked to already.
pub async fn candidates(cloud: Arc<CloudApi>, slug: String) -> ApiResult<Vec<Candidate>> {
    let stripe = stripe(&cloud).await?;
    let store = cloud.shared_store();
    let (customer, customers, links) = crate::blocking::run(move || {
        let (customers, links, _) = reconcile::register_side(&store)?;
        Ok::<_, Error>((store.get_customer(&slug)?, customers, links))
    })
    .await?;
    let read = stripe
        .subscriptions("all")
        .await
        .map_err(|e| Error::Provider(e.to_string()))?;
    // Each linked subscription, by id, with the name of its customer.
    let mut linked = HashMap::new();
    for c in &customers {
        if let Some(sub) = links
            .get(&c.id)
            .and_then(|l| view::resolve(l, &read.subscriptions))
        {
            linked.insert(sub.id.clone(), c.name.clone());
        }
    }
    let whom = Whom {
        name: &customer.name,
        email: &customer.admin_email,
    };
    Ok(rank(whom, &read.subscriptions, &linked))
}

/// Links `slug`'s revenue to `subscription` once Stripe says it is the account's and no other
/// customer is linked to it; its state is kept at once, so the card shows it.
pub async fn link(
    cloud: Arc<CloudApi>,
    slug: String,
    subscription: String,
) -> ApiResult<CustomerBilling> {
    let stripe = stripe(&cloud).await?;
    let sub = stripe
        .subscription(subscription.trim())
        .await
        .map_err(|e| Error::Provider(e.to_string()))?;
    let store = cloud.shared_store();
    crate::blocking::run(move || {
        let customer = store.get_customer(&slug)?;
        let (customers, links, _) = reconcile::register_side(&store)?;
        let taken = customers.iter().find(|c| {
            c.id != customer.id
                && links
                    .get(&c.id)
                    .is_some_and(|l| *l == sub.id || *l == sub.customer)
        });
        if let Some(other) = taken {
            return Err(Error::InvalidSetting {
                key: link::SUBSCRIPTIONS_SETTING.into(),
                reason: Say::BillingLinkTaken.with(params! { "name" => other.name.clone() }),
            }
            .into());
        }
        link::set(&store, &slug, &sub.id)?;
        let now = chrono::Utc::now().timestamp();
        crate::billing::state::apply_read(&store, store.environment(), &sub, now)?;
        BillingApi::new(store).customer(&slug)
    })
    .await
}

/// The billing part of the generated bindings: each subscription status's one word, so the
/// window keeps no copy of them (`SUBSCRIPTION_STATUS_LABEL`).
pub fn typescript() -> String {
    crate::messages::typescript::label_table(
        "SUBSCRIPTION_STATUS_LABEL",
        "string",
        crate::billing::words::status_rows(),
    )
}
