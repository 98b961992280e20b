//! The inbox (issue #42): customers who asked in the portal or paid in Stripe become
//! provisioning runs, and the portal learns what was built. The sources are read here
//! (`portal`, `stripe`); the register keeps the requests (`requests`); what the portal
//! should hold of each request is derived from the register alone (`portal_columns`), so a
//! write it refused is simply written again next time, and nothing is ever lost.
//!
//! What comes from outside stays outside (issue #55): the portal is written by the request's
//! own id and the organization's id carried with it, never by a name; a request waits for a
//! person unless it was paid for a price the owner mapped (a free one only for a price the owner
//! marked as a trial) and the source's limit a day is not reached (`waiting`).

mod approve;
mod inbox;
mod poll;
pub mod portal;
pub mod stripe;
mod sync;

pub use approve::Approval;
pub use inbox::{Inbox, Intake, SourceView, PORTAL_URL, PORTAL_URL_ENV};
pub use poll::PollReport;

use serde_json::{json, Map, Value};

use crate::customer::{without_controls, Customer, CustomerDraft, Plan};
use crate::ledger::RunState;
use crate::messages::{params, Say, Text};
use crate::requests::{IntakeItem, IntakeSource, IntakeSourceState, IntakeState};

/// The customer a request asks for, on `plan` (checked like any customer when it is created);
/// the name and email as typed, less any control character.
pub fn draft_of(item: &IntakeItem, plan: Option<Plan>) -> CustomerDraft {
    let source = match item.source {
        IntakeSource::Portal => "portalen",
        IntakeSource::Stripe => "Stripe",
    };
    CustomerDraft {
        name: without_controls(item.name.trim()).trim().to_string(),
        slug: None,
        admin_email: without_controls(item.admin_email.trim()).trim().to_string(),
        contact_name: None,
        plan,
        modules: None,
        status: None,
        notes: Some(format!(
            "Från {source} ({})",
            without_controls(&item.external_id)
        )),
    }
}

/// Why a pending request waits for a person instead of being approved by its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// None of its Stripe prices is mapped to a plan: a person chooses one.
    Unmapped(Vec<String>),
    /// Nothing was paid (a trial, a 100 % coupon) for a price not marked as a trial.
    Unpaid,
    /// The source approved its limit for 24 hours already.
    Limit(u32),
}

impl Waiting {
    pub fn text(&self) -> Text {
        match self {
            Waiting::Unmapped(prices) => {
                Say::IntakeUnmappedPrice.with(params! { "prices" => prices.join(", ") })
            }
            Waiting::Unpaid => Say::IntakeUnpaid.text(),
            Waiting::Limit(limit) => Say::IntakeDailyLimit.with(params! { "limit" => *limit }),
        }
    }
}

/// A Stripe request's prices as its event named them: (price, product).
fn prices(item: &IntakeItem) -> Vec<(String, String)> {
    item.detail["prices"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p["price"].as_str()?.to_string(),
                p["product"].as_str().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// The plan a request gets when nobody chooses one: a Stripe request's from the owner's
/// mapping now (none for a price nobody mapped: never a default), a portal request's own.
pub fn plan_for(item: &IntakeItem, source: &IntakeSourceState) -> Option<Plan> {
    match item.source {
        IntakeSource::Stripe => stripe::plan_of(&prices(item), &source.plans),
        IntakeSource::Portal => item.plan,
    }
}

/// Why a pending request is not approved by its source on its own (and, for a price nobody
/// mapped, cannot be approved without a person choosing the plan); `None` when nothing holds
/// it. A Stripe request is approved on its own only when it was paid (`payment_status: paid`)
/// for a mapped price, or free for a price the owner marked as a trial; any request only while
/// its source's limit a day is not reached.
pub fn waiting(item: &IntakeItem, source: &IntakeSourceState) -> Option<Waiting> {
    if item.state != IntakeState::Pending {
        return None;
    }
    if item.source == IntakeSource::Stripe {
        let prices = prices(item);
        if stripe::plan_of(&prices, &source.plans).is_none() {
            return Some(Waiting::Unmapped(
                prices.into_iter().map(|(price, _)| price).collect(),
            ));
        }
        let trial = prices.iter().any(|(price, product)| {
            source.trials.contains(price) || source.trials.contains(product)
        });
        if item.detail["paid"].as_bool() != Some(true) && !trial {
            return Some(Waiting::Unpaid);
        }
    }
    (source.auto && source.automatic_today >= source.daily_limit)
        .then_some(Waiting::Limit(source.daily_limit))
}

/// What the portal should hold now, in three parts: the request's columns (portal requests
/// only), its `provisioning_jobs` row, and the instance columns of the organization it is
/// linked to by id (none without a link: a name is never a link).
pub fn portal_columns(
    item: &IntakeItem,
    customer: Option<&Customer>,
    started: Option<&str>,
    finished: Option<&str>,
) -> Value {
    let mut request = Map::new();
    let mut job = Map::new();
    let mut organization = Map::new();
    let instance = customer.map(|c| &c.instance);
    let text = |v: Option<&String>| v.map_or(Value::Null, |s| Value::String(s.clone()));
    match item.state {
        IntakeState::Rejected => {
            request.insert("status".into(), json!("rejected"));
            request.insert("error_message".into(), text(item.reason.as_ref()));
        }
        IntakeState::Approved => {
            request.insert(
                "provisioning_started_at".into(),
                started.map_or(Value::Null, |s| json!(s)),
            );
            request.insert(
                "instance_url".into(),
                text(instance.and_then(|i| i.production_url.as_ref())),
            );
            request.insert(
                "supabase_project_id".into(),
                text(instance.and_then(|i| i.supabase_project_ref.as_ref())),
            );
            request.insert(
                "vercel_project_id".into(),
                text(instance.and_then(|i| i.vercel_project_id.as_ref())),
            );
            let (status, job_status) = match item.run_state {
                Some(RunState::Succeeded) => (Some("deployed"), "completed"),
                Some(s) if !s.is_active() => (Some("failed"), "failed"),
                _ => (None, "in_progress"),
            };
            if let Some(status) = status {
                request.insert("status".into(), json!(status));
                request.insert(
                    "provisioning_completed_at".into(),
                    finished.map_or(Value::Null, |s| json!(s)),
                );
            }
            let error = if status == Some("failed") {
                text(item.run_error.as_ref())
            } else {
                Value::Null
            };
            request.insert("error_message".into(), error.clone());
            job.insert("status".into(), json!(job_status));
            job.insert(
                "current_step".into(),
                item.run_step.map_or(Value::Null, |s| json!(s.as_str())),
            );
            job.insert("error_message".into(), error);
            // The organization's columns follow the instance: a domain, a rename or a teardown
            // changes them, and they are written again.
            if item.organization_id.is_some()
                && (item.run_state == Some(RunState::Succeeded)
                    || instance.is_some_and(|i| !i.is_empty()))
            {
                organization.insert(
                    "production_url".into(),
                    text(instance.and_then(|i| i.production_url.as_ref())),
                );
                organization.insert(
                    "github_repo_url".into(),
                    text(instance.and_then(|i| i.github_repo_url.as_ref())),
                );
                organization.insert(
                    "supabase_project_ref".into(),
                    text(instance.and_then(|i| i.supabase_project_ref.as_ref())),
                );
            }
        }
        IntakeState::Pending | IntakeState::Cancelled => {}
    }
    if item.source != IntakeSource::Portal {
        request.clear();
        job.clear();
    }
    json!({ "request": request, "job": job, "organization": organization })
}

/// The parts of `want` that differ from what the portal was last told (`had`).
pub fn changed(want: &Value, had: Option<&str>) -> Vec<(&'static str, Map<String, Value>)> {
    let had: Value = had
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default();
    ["request", "job", "organization"]
        .into_iter()
        .filter_map(|part| {
            let w = want[part].as_object()?;
            let h = had[part].as_object();
            let diff: Map<String, Value> = w
                .iter()
                .filter(|(k, v)| h.and_then(|h| h.get(*k)) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (!diff.is_empty()).then_some((part, diff))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripe_request(paid: bool, price: &str) -> IntakeItem {
        IntakeItem {
            id: 1,
            source: IntakeSource::Stripe,
            external_id: "sub_1".into(),
            name: "Kund\u{1b}[2J AB".into(),
            admin_email: "a@kund.se".into(),
            plan: None,
            detail: json!({"paid": paid, "prices": [{"price": price, "product": "prod_1"}]}),
            state: IntakeState::Pending,
            reason: None,
            slug: None,
            run_id: None,
            run_state: None,
            run_step: None,
            run_error: None,
            cancelled_at: None,
            received_at: "2026-01-01T00:00:00+00:00".into(),
            decided_at: None,
            decided_by: None,
            automatic: false,
            organization_id: None,
            waiting: None,
            portal_written: None,
            portal_error: None,
        }
    }

    fn source(plans: &[(&str, Plan)], trials: &[&str], today: u32) -> IntakeSourceState {
        IntakeSourceState {
            source: IntakeSource::Stripe,
            cursor: None,
            polled_at: None,
            polled_by: None,
            problem: None,
            auto: true,
            plans: plans
                .iter()
                .map(|(p, plan)| (p.to_string(), *plan))
                .collect(),
            trials: trials.iter().map(|t| t.to_string()).collect(),
            daily_limit: 3,
            automatic_today: today,
        }
    }

    /// Issue #55: only a paid request for a mapped price is approved on its own (a free one
    /// only for a price marked as a trial), and only under the day's limit; an unmapped price
    /// is never the starter plan.
    #[test]
    fn only_paid_mapped_requests_under_the_limit_go_without_a_person() {
        let mapped = source(&[("price_s", Plan::Professional)], &[], 0);
        let paid = stripe_request(true, "price_s");
        assert_eq!(waiting(&paid, &mapped), None);
        assert_eq!(plan_for(&paid, &mapped), Some(Plan::Professional));
        let free = stripe_request(false, "price_s");
        assert_eq!(waiting(&free, &mapped), Some(Waiting::Unpaid));
        let as_trial = source(&[("price_s", Plan::Professional)], &["prod_1"], 0);
        assert_eq!(waiting(&free, &as_trial), None);
        let unmapped = stripe_request(true, "price_x");
        assert_eq!(
            waiting(&unmapped, &mapped),
            Some(Waiting::Unmapped(vec!["price_x".into()]))
        );
        assert_eq!(plan_for(&unmapped, &mapped), None);
        let full = source(&[("price_s", Plan::Professional)], &[], 3);
        assert_eq!(waiting(&paid, &full), Some(Waiting::Limit(3)));
        // What a person approves is named without the control characters it came with.
        assert_eq!(draft_of(&paid, Some(Plan::Starter)).name, "Kund[2J AB");
    }

    /// Issue #55: the portal is written by ids: without a link by id, no organization.
    #[test]
    fn a_request_without_an_organization_id_writes_no_organization() {
        let mut item = stripe_request(true, "price_s");
        item.state = IntakeState::Approved;
        item.run_state = Some(RunState::Succeeded);
        let want = portal_columns(&item, None, None, None);
        assert!(want["organization"].as_object().unwrap().is_empty());
        item.organization_id = Some("0a000000-0000-0000-0000-00000000000a".into());
        let want = portal_columns(&item, None, None, None);
        assert!(want["organization"]
            .as_object()
            .unwrap()
            .contains_key("production_url"));
    }

    #[test]
    fn only_what_changed_is_written_again() {
        let want = json!({"request": {"status": "deployed", "instance_url": "https://a"}, "job": {}, "organization": {}});
        let had = json!({"request": {"status": "deployed", "instance_url": null}, "job": {}, "organization": {}});
        let diff = changed(&want, Some(&had.to_string()));
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].1.keys().collect::<Vec<_>>(), ["instance_url"]);
        assert!(changed(&want, Some(&want.to_string())).is_empty());
        assert_eq!(changed(&want, None)[0].1.len(), 2);
    }
}
