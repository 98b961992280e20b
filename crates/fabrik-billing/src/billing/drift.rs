//! The drift between billing and the fleet (issue #58): what the register says of each
//! customer beside what Stripe says of its subscription, and what to do about each difference.
//! Pure: the findings are shown, never acted on here. Every offer goes through a path that
//! already exists (a pause or resume run, "Uppdatera moduler", the teardown's guarded gate,
//! the owner's link); billing never tears down.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::customer::{Plan, Status};
use crate::messages::{params, Say, Text};
use crate::providers::stripe::{Status as SubStatus, Subscription};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// What kind of difference a drift finding is.
    pub enum DriftKind {
        /// The subscription has ended but the instance runs.
        CancelledRunning => "cancelled_running",
        /// The subscription is paid but the instance is paused.
        PayingPaused => "paying_paused",
        /// A delivered instance with no subscription (none linked, or the link finds none).
        NoSubscription => "no_subscription",
        /// The subscription's price maps to another plan than the instance's.
        PlanDiffers => "plan_differs",
    }
);

/// What the owner can do about a finding, each through its existing, guarded path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DriftOffer {
    /// A pause run (`RunKind::Pause`).
    Pause,
    /// A resume run (`RunKind::Resume`).
    Resume,
    /// The teardown, only ever through its guarded gate (a person types the slug).
    Teardown,
    /// Link a subscription to the customer (the owner's setting).
    Link,
    /// Change the customer's plan, then "Uppdatera moduler".
    ChangePlan { plan: Plan },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DriftFinding {
    pub slug: String,
    pub kind: DriftKind,
    /// The subscription (or the link) it is about.
    pub subscription: Option<String>,
    pub message: Text,
    pub action: Text,
    pub offers: Vec<DriftOffer>,
}

/// One customer as the register holds it, with what the link found in Stripe.
#[derive(Debug, Clone)]
pub struct Seen<'a> {
    pub slug: &'a str,
    pub status: Status,
    pub plan: Plan,
    /// Example data: never billed, never a finding.
    pub example: bool,
    /// The inbox marked it cancelled (`customer.subscription.deleted` read).
    pub cancelled: bool,
    /// The owner's or the inbox's link (`sub_…` or `cus_…`).
    pub link: Option<&'a str>,
    /// The subscription the link found, if any.
    pub subscription: Option<&'a Subscription>,
}

/// A subscription that will not be paid again.
pub fn ended(s: &SubStatus) -> bool {
    matches!(s, SubStatus::Canceled | SubStatus::IncompleteExpired)
}

/// A subscription being paid as agreed (a trial is agreed too).
pub fn paying(s: &SubStatus) -> bool {
    matches!(s, SubStatus::Active | SubStatus::Trialing)
}

/// An instance was delivered and is there: running or paused.
fn delivered(status: Status) -> bool {
    matches!(status, Status::Active | Status::Inactive)
}

/// The findings of one customer; `plans` is the owner's price → plan map.
pub fn findings(seen: &Seen, plans: &BTreeMap<String, Plan>) -> Vec<DriftFinding> {
    if seen.example || !delivered(seen.status) {
        return Vec::new();
    }
    let finding = |kind, subscription: Option<&str>, message, action, offers| DriftFinding {
        slug: seen.slug.to_string(),
        kind,
        subscription: subscription.map(str::to_string),
        message,
        action,
        offers,
    };
    let Some(sub) = seen.subscription else {
        if seen.cancelled {
            // Stripe said it ended (the inbox), and the link no longer finds it.
            return if seen.status == Status::Active {
                let id = seen.link.unwrap_or("—");
                vec![finding(
                    DriftKind::CancelledRunning,
                    seen.link,
                    Say::DriftCancelledRunning
                        .with(params!("subscription" => id, "status" => "canceled")),
                    Say::DriftCancelledRunningDo.text(),
                    vec![DriftOffer::Pause, DriftOffer::Teardown],
                )]
            } else {
                Vec::new()
            };
        }
        let message = match seen.link {
            Some(link) => Say::DriftLinkNotFound.with(params!("link" => link)),
            None => Say::DriftNoSubscription.text(),
        };
        return vec![finding(
            DriftKind::NoSubscription,
            seen.link,
            message,
            Say::DriftNoSubscriptionDo.text(),
            vec![DriftOffer::Link],
        )];
    };
    let id = Some(sub.id.as_str());
    let status = sub.status.as_str();
    let mut out = Vec::new();
    if ended(&sub.status) {
        if seen.status == Status::Active {
            out.push(finding(
                DriftKind::CancelledRunning,
                id,
                Say::DriftCancelledRunning
                    .with(params!("subscription" => sub.id, "status" => status)),
                Say::DriftCancelledRunningDo.text(),
                vec![DriftOffer::Pause, DriftOffer::Teardown],
            ));
        }
        // An ended subscription's plan is no longer anything to follow.
        return out;
    }
    if paying(&sub.status) && seen.status == Status::Inactive {
        out.push(finding(
            DriftKind::PayingPaused,
            id,
            Say::DriftPayingPaused.with(params!("subscription" => sub.id, "status" => status)),
            Say::DriftPayingPausedDo.text(),
            vec![DriftOffer::Resume],
        ));
    }
    if let Some(plan) = super::plans::plan_of_subscription(sub, plans).filter(|p| *p != seen.plan) {
        let price = sub.price.as_deref().unwrap_or("—");
        out.push(finding(
            DriftKind::PlanDiffers,
            id,
            Say::DriftPlanDiffers
                .with(params!("price" => price, "plan" => plan, "current" => seen.plan)),
            Say::DriftPlanDiffersDo.with(params!("plan" => plan)),
            vec![DriftOffer::ChangePlan { plan }],
        ));
    }
    out
}

#[cfg(test)]
#[path = "drift_tests.rs"]
mod tests;
