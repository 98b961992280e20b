//! Each drift finding from the register's side and Stripe's, and the cases that are no drift.

use super::*;
use crate::providers::stripe::parse_subscription as parse;
use serde_json::json;

fn sub(status: &str, price: &str) -> Subscription {
    parse(
        &json!({"id": "sub_1", "customer": "cus_1", "status": status,
        "items": {"data": [{"current_period_end": 100,
            "price": {"id": price, "product": "prod_pro", "unit_amount": 4900}}]}}),
    )
    .unwrap()
}

fn seen<'a>(status: Status, subscription: Option<&'a Subscription>) -> Seen<'a> {
    Seen {
        slug: "acme",
        status,
        plan: Plan::Starter,
        example: false,
        cancelled: false,
        link: subscription.map(|_| "sub_1"),
        subscription,
    }
}

fn plans() -> BTreeMap<String, Plan> {
    [
        ("price_starter".to_string(), Plan::Starter),
        ("prod_pro".to_string(), Plan::Professional),
    ]
    .into_iter()
    .collect()
}

fn kinds(found: &[DriftFinding]) -> Vec<DriftKind> {
    found.iter().map(|f| f.kind).collect()
}

#[test]
fn a_cancelled_subscription_with_a_running_instance_offers_pause_and_the_guarded_teardown() {
    for status in ["canceled", "incomplete_expired"] {
        let s = sub(status, "price_starter");
        let found = findings(&seen(Status::Active, Some(&s)), &plans());
        assert_eq!(kinds(&found), [DriftKind::CancelledRunning], "{status}");
        assert_eq!(found[0].offers, [DriftOffer::Pause, DriftOffer::Teardown]);
        assert_eq!(found[0].subscription.as_deref(), Some("sub_1"));
        // In words: the id is the finding's own field, not part of what a person reads.
        assert_eq!(
            found[0].message.sv,
            "Prenumerationen är avslutad i Stripe men instansen är igång"
        );
        assert!(!found[0].message.en.contains("sub_1"));
        // Paused already: nothing runs that is not paid for.
        assert!(findings(&seen(Status::Inactive, Some(&s)), &plans()).is_empty());
    }
    // The inbox read the deletion and the link finds nothing any more.
    let mut gone = seen(Status::Active, None);
    gone.cancelled = true;
    gone.link = Some("sub_9");
    let found = findings(&gone, &plans());
    assert_eq!(kinds(&found), [DriftKind::CancelledRunning]);
    assert_eq!(found[0].offers, [DriftOffer::Pause, DriftOffer::Teardown]);
}

#[test]
fn a_paid_subscription_with_a_paused_instance_offers_resume() {
    for status in ["active", "trialing"] {
        let s = sub(status, "price_starter");
        let found = findings(&seen(Status::Inactive, Some(&s)), &plans());
        assert_eq!(kinds(&found), [DriftKind::PayingPaused], "{status}");
        assert_eq!(found[0].offers, [DriftOffer::Resume]);
        assert!(findings(&seen(Status::Active, Some(&s)), &plans()).is_empty());
    }
    // Failing, paused in Stripe, or given up: pausing was right, nothing to resume.
    for status in ["past_due", "paused", "unpaid"] {
        let s = sub(status, "price_starter");
        assert!(
            findings(&seen(Status::Inactive, Some(&s)), &plans()).is_empty(),
            "{status}"
        );
    }
}

#[test]
fn a_delivered_instance_without_a_subscription_offers_a_link() {
    for status in [Status::Active, Status::Inactive] {
        let found = findings(&seen(status, None), &plans());
        assert_eq!(kinds(&found), [DriftKind::NoSubscription]);
        assert_eq!(found[0].offers, [DriftOffer::Link]);
        assert_eq!(found[0].message, Say::DriftNoSubscription.text());
    }
    // A link that finds nothing says which.
    let mut dangling = seen(Status::Active, None);
    dangling.link = Some("cus_7");
    let found = findings(&dangling, &plans());
    assert_eq!(kinds(&found), [DriftKind::NoSubscription]);
    assert!(found[0].message.sv.contains("cus_7"));
    // Not delivered, or example data: nothing is billed yet.
    for status in [Status::Pending, Status::Provisioning, Status::Failed] {
        assert!(findings(&seen(status, None), &plans()).is_empty());
    }
    let mut example = seen(Status::Active, None);
    example.example = true;
    assert!(findings(&example, &plans()).is_empty());
}

#[test]
fn a_price_mapped_to_another_plan_offers_the_plan_change() {
    // Mapped by its product.
    let s = sub("active", "price_pro_yearly");
    let found = findings(&seen(Status::Active, Some(&s)), &plans());
    assert_eq!(kinds(&found), [DriftKind::PlanDiffers]);
    assert_eq!(
        found[0].offers,
        [DriftOffer::ChangePlan {
            plan: Plan::Professional
        }]
    );
    assert!(
        found[0].message.en.contains("professional") && found[0].message.en.contains("starter")
    );
    // Past due still follows its plan; the same plan, or a price nobody mapped, is no drift.
    let s = sub("past_due", "price_pro_yearly");
    assert_eq!(
        kinds(&findings(&seen(Status::Active, Some(&s)), &plans())),
        [DriftKind::PlanDiffers]
    );
    let mut pro = seen(Status::Active, Some(&s));
    pro.plan = Plan::Professional;
    assert!(findings(&pro, &plans()).is_empty());
    let unmapped = parse(
        &json!({"id": "sub_2", "customer": "cus_1", "status": "active",
        "items": {"data": [{"price": {"id": "price_other", "product": "prod_other"}}]}}),
    )
    .unwrap();
    assert!(findings(&seen(Status::Active, Some(&unmapped)), &plans()).is_empty());
    // Paid but paused on the wrong plan: both, resume first.
    let s = sub("active", "price_pro_yearly");
    assert_eq!(
        kinds(&findings(&seen(Status::Inactive, Some(&s)), &plans())),
        [DriftKind::PayingPaused, DriftKind::PlanDiffers]
    );
}
