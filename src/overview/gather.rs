//! The overview built from the register: each kind of item from its own few rows, then sorted
//! (most urgent, then newest, first).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Attention, AttentionKind, Glance, Overview, Place, Urgency};
use crate::billing::rows::BillingRows;
use crate::billing::rows::DecisionState;
use crate::customer::rows::HealthRows;
use crate::customer::Status;
use crate::error::Result;
use crate::messages::{param_text, params, Say, Text};
use crate::metering::UsageRows;
use crate::overview::rows::AttentionRows;
use crate::provision::handovers::HandoverRows;
use crate::requests::IntakeRows;
use crate::requests::IntakeState;
use crate::schedule::rows::AlertKind;
use crate::schedule::rows::ScheduleRows;
use crate::store::Store;
use crate::template::rows::TemplateRows;

/// A token that expires within this many days is named; within `URGENT_DAYS`, as urgent.
const TOKEN_DAYS: i64 = 14;
const URGENT_DAYS: i64 = 3;
/// The glance's money: the last 30 days.
const MONEY_DAYS: i64 = 30;
/// How far back the inbox is read for requests that still wait.
const INBOX_DAYS: i64 = 365;

/// Subscription states in which Stripe could not collect the payment.
fn payment_failed(status: &str) -> bool {
    matches!(status, "past_due" | "unpaid")
}

struct Items {
    list: Vec<Attention>,
}

impl Items {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: AttentionKind,
        urgency: Urgency,
        subject: &str,
        who: Option<(&str, &str)>,
        title: Text,
        detail: Option<Text>,
        since: Option<String>,
        place: Place,
        id: Option<i64>,
        command: String,
    ) {
        self.list.push(Attention {
            kind,
            urgency,
            key: format!("{}:{subject}", kind.as_str()),
            slug: who.map(|(s, _)| s.to_string()),
            name: who.map(|(_, n)| n.to_string()),
            title,
            detail,
            since,
            place,
            id,
            url: None,
            command,
        });
    }
}

/// What needs a person in the store's environment, and the business at a glance.
pub fn gather(store: &Store, now: DateTime<Utc>) -> Result<Overview> {
    let env = store.environment();
    let names = store.live_customer_names()?;
    let name_of = |slug: &str| -> String {
        names
            .values()
            .find(|(s, _)| s == slug)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| slug.to_string())
    };
    let mut items = Items { list: Vec::new() };

    for r in store.runs_ending_in_failure(env)? {
        let why = match &r.error {
            Some(e) => Some(e.clone()),
            None => store.last_run_error(r.id)?,
        };
        let label = crate::provision::kinds::def(r.kind).label_text();
        let mut p = params! { "name" => r.customer_name.clone() };
        param_text(&mut p, "kind", &label);
        items.push(
            AttentionKind::RunFailed,
            Urgency::Now,
            &r.id.to_string(),
            Some((&r.slug, &r.customer_name)),
            Say::OverviewRunFailed.with(p),
            why,
            r.finished_at.clone(),
            Place::Run,
            Some(r.id),
            format!("fabrik runs show {}", r.id),
        );
    }
    for r in store.interrupted_runs(crate::provision::STALE_AFTER, env)? {
        let label = crate::provision::kinds::def(r.kind).label_text();
        let mut p = params! { "name" => r.customer_name.clone() };
        param_text(&mut p, "kind", &label);
        items.push(
            AttentionKind::RunStuck,
            Urgency::Now,
            &r.id.to_string(),
            Some((&r.slug, &r.customer_name)),
            Say::OverviewRunStuck.with(p),
            None,
            r.heartbeat_at.clone(),
            Place::Run,
            Some(r.id),
            format!("fabrik runs resume {}", r.id),
        );
    }
    for h in store.unhealthy_instances(env)? {
        items.push(
            AttentionKind::Health,
            Urgency::Now,
            &h.slug,
            Some((&h.slug, &h.name)),
            Say::OverviewHealth.with(params! { "name" => h.name.clone(), "count" => h.findings }),
            None,
            Some(h.checked_at.clone()),
            Place::Customer,
            None,
            format!("fabrik repair {}", h.slug),
        );
    }

    // Usage: the limits near, and the money for the glance.
    let fleet = crate::usage::build::fleet(
        &store.fleet_usage(env, MONEY_DAYS)?,
        &store.price_book()?,
        MONEY_DAYS,
    );
    // A limit near is what the usage view warns of (`usage::limits`: a share of the limit, or
    // days left at the current pace); at or past it, now.
    for row in &fleet.rows {
        let Some(w) = row.nearest.as_ref() else {
            continue;
        };
        items.push(
            AttentionKind::LimitNear,
            if w.share >= 1.0 {
                Urgency::Now
            } else {
                Urgency::Soon
            },
            &row.slug,
            Some((&row.slug, &row.name)),
            Say::OverviewLimitNear.with(params! { "name" => row.name.clone() }),
            Some(w.message.clone()),
            row.collected_at.clone(),
            Place::Usage,
            None,
            format!("fabrik usage {}", row.slug),
        );
    }

    // Billing: payments that failed, and decisions that wait for a person.
    let linked = crate::billing::link::subscriptions(store)?;
    let by_sub: HashMap<&str, i64> = linked.iter().map(|(c, s)| (s.as_str(), *c)).collect();
    let mut payments_failed = 0;
    for sub in store.subscription_rows(env)? {
        if !payment_failed(&sub.status) {
            continue;
        }
        payments_failed += 1;
        let who = by_sub
            .get(sub.subscription.as_str())
            .and_then(|id| names.get(id));
        // Linked to no customer: said so, never by Stripe's id for it.
        let (who, title) = match who {
            Some((s, n)) => (
                Some((s.as_str(), n.as_str())),
                Say::OverviewPaymentFailed.with(params! { "name" => n.clone() }),
            ),
            None => (None, Say::OverviewPaymentFailedUnlinked.text()),
        };
        let slug = who.map(|(s, _)| s);
        items.push(
            AttentionKind::PaymentFailed,
            Urgency::Now,
            &sub.subscription,
            who,
            title,
            // Why, in words: Stripe's code for the decline, never its English message.
            sub.last_failure
                .as_deref()
                .map(crate::billing::words::failure),
            sub.failed_since.clone(),
            Place::Billing,
            None,
            slug.map(|s| format!("fabrik billing {s}"))
                .unwrap_or_else(|| "fabrik billing".into()),
        );
    }
    for d in store.billing_decisions(env, Some(DecisionState::Waiting), None, 200)? {
        let name = name_of(&d.slug);
        let mut p = params! { "name" => name.clone() };
        param_text(
            &mut p,
            "transition",
            &crate::billing::policy::transition_text(d.transition).text(),
        );
        items.push(
            AttentionKind::DecisionWaiting,
            Urgency::Soon,
            &d.id.to_string(),
            Some((&d.slug, &name)),
            Say::OverviewDecisionWaiting.with(p),
            None,
            Some(d.created_at.clone()),
            Place::Billing,
            Some(d.id),
            format!("fabrik billing {}", d.slug),
        );
    }

    for i in store.intake(INBOX_DAYS)? {
        if i.state != IntakeState::Pending {
            continue;
        }
        items.push(
            AttentionKind::RequestWaiting,
            Urgency::Soon,
            &i.id.to_string(),
            None,
            Say::OverviewRequestWaiting.with(params! { "name" => i.name.clone() }),
            None,
            Some(i.received_at.clone()),
            Place::Inbox,
            Some(i.id),
            format!("fabrik intake approve {}", i.id),
        );
    }

    for pr in store.template_prs(env, true)? {
        if pr.conflicts == 0 {
            continue;
        }
        let name = name_of(&pr.slug);
        items.push(
            AttentionKind::TemplateConflict,
            Urgency::Soon,
            &pr.id.to_string(),
            Some((&pr.slug, &name)),
            Say::OverviewTemplateConflict.with(params! { "name" => name.clone() }),
            None,
            Some(pr.created_at.clone()),
            Place::Templates,
            Some(pr.id),
            "fabrik template versions".to_string(),
        );
        if let Some(last) = items.list.last_mut() {
            last.url = Some(pr.url.clone());
        }
    }

    for (slug, h) in store.handovers_waiting(env)? {
        let name = name_of(&slug);
        let taken = [
            &h.supabase_claimed_at,
            &h.vercel_accepted_at,
            &h.github_accepted_at,
        ]
        .iter()
        .filter(|t| t.is_some())
        .count();
        items.push(
            AttentionKind::HandoverWaiting,
            Urgency::Soon,
            &h.id.to_string(),
            Some((&slug, &name)),
            Say::OverviewHandoverWaiting.with(params! { "name" => name.clone(), "taken" => taken }),
            None,
            Some(h.requested_at.clone()),
            Place::Customer,
            Some(h.id),
            format!("fabrik handover {slug} --status"),
        );
    }

    // A backup too old is what the tick's backup alert named and has not seen mended.
    for slug in store.open_alerts(AlertKind::BackupStale)? {
        let name = name_of(&slug);
        items.push(
            AttentionKind::BackupOverdue,
            Urgency::Soon,
            &slug,
            Some((&slug, &name)),
            Say::OverviewBackupOverdue.with(params! { "name" => name.clone() }),
            None,
            None,
            Place::Backups,
            None,
            format!("fabrik backup create {slug}"),
        );
    }

    // Tokens whose expiry a provider's answer told this process.
    let pacer = crate::providers::pacer::shared();
    for provider in crate::secrets::Provider::ALL {
        let Some(at) = pacer.token_expiry(provider) else {
            continue;
        };
        let left = at - now;
        if left > Duration::days(TOKEN_DAYS) {
            continue;
        }
        let date = at.format("%Y-%m-%d").to_string();
        items.push(
            AttentionKind::TokenExpiring,
            if left <= Duration::days(URGENT_DAYS) {
                Urgency::Now
            } else {
                Urgency::Soon
            },
            provider.as_str(),
            None,
            Say::OverviewTokenExpiring
                .with(params! { "provider" => provider.display_name(), "date" => date }),
            None,
            Some(at.to_rfc3339()),
            Place::Credentials,
            None,
            format!("fabrik secrets set {}", provider.as_str()),
        );
    }

    let mut list = items.list;
    // Most urgent first, then the newest; the same moment by kind and key, so the order is
    // the same on every seat.
    list.sort_by(|a, b| {
        a.urgency
            .cmp(&b.urgency)
            .then_with(|| b.since.cmp(&a.since))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.key.cmp(&b.key))
    });

    let (by_status, healthy, unhealthy) = store.fleet_counts(env)?;
    let active = by_status.get(&Status::Active).copied().unwrap_or(0);
    let delivered = store.delivered_slugs(env)?.len() as u32;
    let glance = Glance {
        customers_active: active,
        customers: by_status.values().sum(),
        revenue: fleet.revenue.clone(),
        cost: fleet.cost.clone(),
        margin: fleet.margin.clone(),
        revenue_unlinked: fleet
            .rows
            .iter()
            .filter(|r| r.economics.revenue.is_none())
            .count() as u32,
        payments_failed,
        healthy,
        unhealthy,
        unchecked: delivered.saturating_sub(healthy + unhealthy),
    };
    Ok(Overview {
        environment: env,
        items: list,
        glance,
    })
}
