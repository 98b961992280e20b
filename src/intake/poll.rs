//! Reading the sources now: the portal's new requests, Stripe's events since the cursor (a
//! source not set up is skipped; one that fails is named and the other goes on), then what a
//! source provisions on its own, then the portal told what changed.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::approve::{Approval, Claimed};
use super::portal::Portal;
use super::Intake;
use crate::error::{ApiResult, Error};
use crate::messages::{params, Say, Text};
use crate::requests::IntakeRows;
use crate::requests::{IntakeItem, IntakeSource, NewIntake};
use crate::secrets::Provider;
use crate::supervisor::host::RunHost;

/// What a poll found and did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct PollReport {
    pub new_requests: u32,
    pub cancelled: u32,
    /// Stripe events read, and those handled before (the overlap, another seat).
    pub events: u32,
    pub seen_before: u32,
    /// Requests sent to Stripe and to the portal.
    pub requests: u32,
    /// Approved on their own (a source set to provision automatically).
    #[ts(type = "number[]")]
    pub approved: Vec<i64>,
    /// Portal writes made, and refused (kept and tried again).
    pub written: u32,
    pub problems: Vec<Text>,
    /// Subscription snapshots kept from Stripe's events (billing).
    pub billing_kept: u32,
    /// Subscriptions whose state a reconciliation's read changed (the last poll was older
    /// than Stripe's 30 days of events); none when the poll read the events alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reconciled: Option<u32>,
}

/// Whether the last poll (the register's clock) is older than the events Stripe keeps: what
/// happened between is read from the subscriptions themselves.
fn gap_over_events(polled_at: Option<&str>, now: &str) -> bool {
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
    match (polled_at.and_then(parse), parse(now)) {
        (Some(last), Some(now)) => {
            now - last > chrono::Duration::days(crate::providers::stripe::EVENT_DAYS)
        }
        _ => false,
    }
}

impl Intake {
    /// Reads both sources, approves what a source provisions on its own, and tells the portal
    /// what changed. A source not set up is skipped; one that fails is named and the other
    /// goes on.
    pub async fn poll(self: &Arc<Self>, host: Arc<dyn RunHost>) -> ApiResult<PollReport> {
        let mut report = PollReport::default();
        let me = self.clone();
        let (portal, stripe_key) = crate::blocking::run(move || {
            Ok::<_, Error>((me.portal_config()?, me.cloud.token(Provider::Stripe)?))
        })
        .await?;
        let store = self.cloud.shared_store();
        if let Some(config) = portal {
            let s = store.clone();
            let read = crate::blocking::run(move || -> crate::Result<Result<u32, String>> {
                let found = Portal::connect(&config).and_then(|p| p.pending());
                let outcome = match found {
                    Ok(requests) => {
                        let mut added = 0;
                        for r in requests {
                            let new = NewIntake {
                                source: IntakeSource::Portal,
                                external_id: r.id,
                                name: r.agency_name,
                                admin_email: r.admin_email,
                                plan: None,
                                organization_id: r.organization_id,
                                detail: serde_json::json!({ "created_at": r.created_at })
                                    .to_string(),
                            };
                            added += u32::from(s.add_intake(&new)?.is_some());
                        }
                        Ok(added)
                    }
                    Err(e) => Err(e.0),
                };
                let problem = outcome.as_ref().err().map(String::as_str);
                s.intake_polled(IntakeSource::Portal, None, problem)?;
                Ok(outcome)
            })
            .await?;
            report.requests += 1;
            match read {
                Ok(n) => report.new_requests += n,
                Err(e) => report
                    .problems
                    .push(Say::IntakePortalUnread.with(params! { "e" => e })),
            }
        }
        if let Some(key) = stripe_key {
            let stripe = crate::providers::stripe::Stripe::new(
                &self.cloud.endpoints().stripe_api,
                key,
                self.cloud.timeout,
            );
            let s = store.clone();
            let (state, register_now) = crate::blocking::run(move || {
                Ok::<_, Error>((s.intake_source(IntakeSource::Stripe)?, s.register_now()?))
            })
            .await?;
            let now = chrono::Utc::now().timestamp();
            let env = self.cloud.environment;
            let reconcile = gap_over_events(state.polled_at.as_deref(), &register_now);
            let polled = super::stripe::poll(
                store.clone(),
                &stripe,
                state.cursor,
                now,
                &state.plans,
                env,
                reconcile,
            )
            .await;
            match polled {
                Ok(p) => {
                    report.billing_kept += p.billing_kept;
                    report.reconciled = p.reconciled.as_ref().map(|r| r.changed.len() as u32);
                    report.events += p.events;
                    report.seen_before += p.seen_before;
                    report.requests += p.requests;
                    report.cancelled += p.cancelled;
                    report.new_requests += p.new_requests.len() as u32;
                    let (s, cursor) = (store.clone(), p.cursor);
                    crate::blocking::run(move || {
                        s.intake_polled(IntakeSource::Stripe, cursor, None)?;
                        // What Stripe lists no more cannot come twice.
                        let _ = s.forget_intake_events(
                            now - (crate::providers::stripe::EVENT_DAYS + 1) * 86_400,
                        );
                        Ok::<_, Error>(())
                    })
                    .await?;
                }
                Err(e) => {
                    let text = e.to_string();
                    let s = store.clone();
                    let t = text.clone();
                    crate::blocking::run(move || {
                        s.intake_polled(IntakeSource::Stripe, None, Some(&t))
                    })
                    .await?;
                    report
                        .problems
                        .push(Say::IntakeStripeUnread.with(params! { "e" => text }));
                }
            }
        }
        // What a source provisions on its own: paid for a mapped price (or a trial the owner
        // marked), oldest first, until the source's limit a day; the rest wait, with the reason.
        let s = store.clone();
        let auto = crate::blocking::run(move || -> crate::Result<Vec<(i64, IntakeSource)>> {
            let mut due = Vec::new();
            for source in IntakeSource::ALL {
                let state = s.intake_source(*source)?;
                if !state.auto {
                    continue;
                }
                let mut items: Vec<IntakeItem> = s
                    .intake(30)?
                    .into_iter()
                    .filter(|i| i.source == *source && super::waiting(i, &state).is_none())
                    .collect();
                items.reverse();
                due.extend(items.into_iter().map(|i| (i.id, i.source)));
            }
            Ok(due)
        })
        .await?;
        let mut full: Vec<IntakeSource> = Vec::new();
        for (id, source) in auto {
            if full.contains(&source) {
                continue;
            }
            match self.claim(id, Approval::Automatic).await {
                Ok(Claimed::Customer(slug)) => match self.launch(id, slug, host.clone()).await {
                    Ok(_) => report.approved.push(id),
                    Err(e) => report
                        .problems
                        .push(Text::new(e.message.clone(), e.message.clone())),
                },
                Ok(Claimed::Limit) => full.push(source),
                // Another seat or a person decided first: it is under way there.
                Err(e) if e.code == crate::messages::ErrorCode::Intake => {}
                Err(e) => report
                    .problems
                    .push(Text::new(e.message.clone(), e.message.clone())),
            }
        }
        let (written, problems) = self.sync().await?;
        report.written = written;
        report.problems.extend(problems);
        Ok(report)
    }
}
