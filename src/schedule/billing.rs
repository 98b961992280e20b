//! Billing's job (issue #58), under its own lease, after the inbox's job read the events and
//! kept each subscription's snapshot: for every customer linked to a subscription, what
//! its state asks under the owner's policy (`billing::decide`), decided once per episode in
//! the register (two seats, or a second tick, find it decided). `do` starts an ordinary
//! pause or resume run with the event as its cause; `offer` keeps a decision waiting for a
//! person; `tell`, `offer` and `do` are named in one alert email per tick, each episode once.
//! At a subscription's end the customer's export is written to the export folder first
//! (`crate::export::deliver`), its file noted on the decision, before the teardown is offered.

use std::sync::Arc;

use super::report::JobReport;
use super::ticker::Ticker;
use crate::billing::decide::{decide_all, stripe_confirms, Made};
use crate::billing::policy::{self, DecisionState, Step, Transition};
use crate::billing::rows::BillingRows;
use crate::error::ApiResult;
use crate::ledger::{RunKind, RunState};
use crate::messages::{param_text, params, Say, Text};
use crate::providers::stripe::Stripe;
use crate::provision::RunRequest;
use crate::schedule::rows::AlertKind;
use crate::secrets::Provider;
use crate::supervisor::host::RunHost;

/// The words of a decision for the alert's line.
fn words(m: &Made) -> crate::messages::Params {
    let mut p = params! { "slug" => m.slug.clone() };
    param_text(
        &mut p,
        "transition",
        &policy::transition_text(m.transition).text(),
    );
    let kind = policy::action(m.transition);
    let label = crate::provision::kinds::def(kind).label;
    param_text(&mut p, "action", &Text::new(label.0, label.1));
    p
}

impl Ticker {
    /// Billing's step: decisions kept, `do` runs started and followed, the alert sent.
    pub(super) async fn billing_work(
        &self,
        r: &mut JobReport,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<()> {
        let env = self.supervisor.environment();
        let made = self.db(move |s| decide_all(s, env)).await?;
        let mut lines: Vec<Text> = Vec::new();
        let mut subjects = Vec::new();
        for m in &made {
            subjects.push(format!("{}:{}:{}", m.slug, m.transition, m.episode));
            // What acts on the customer (a run, or their data written out before a teardown
            // is offered) acts only on what Stripe says now, never on the register's snapshot
            // alone: any login that writes the register could have written that.
            if m.step == Step::Do || m.transition == Transition::PeriodEnded {
                if let Some(reason) = self.stripe_says_otherwise(m).await {
                    let line = self.not_so(m, reason).await?;
                    r.did.push(line.sv.clone());
                    lines.push(line);
                    continue;
                }
            }
            let line = match m.step {
                Step::Do => self.start(m, host.clone()).await?,
                Step::Offer => Say::BillingOffers.with(words(m)),
                _ => Say::BillingTells.with(words(m)),
            };
            r.did.push(line.sv.clone());
            lines.push(line);
            if m.transition == Transition::PeriodEnded {
                // Boxed: the export's future would not fit a test thread's stack beside the tick's.
                let line = Box::pin(self.export_for(m)).await?;
                r.did.push(line.sv.clone());
                lines.push(line);
            }
        }
        if !lines.is_empty() {
            let sv: Vec<String> = lines.iter().map(|l| l.sv.clone()).collect();
            let text = Say::BillingAlert
                .with(params! { "lines" => sv.join("; ") })
                .sv;
            let title = Say::BillingAlertTitle.text().sv;
            self.alert(AlertKind::Billing, &subjects, &title, &text, host.as_ref())
                .await?;
            r.alerted.extend(sv);
        }
        Ok(())
    }

    /// A `do` decision's run, started with its event as the cause and followed to its end;
    /// the decision done with the run's id. One that cannot start waits for a person.
    async fn start(&self, m: &Made, host: Arc<dyn RunHost>) -> ApiResult<Text> {
        let cause = m.event_id.clone();
        let request = match policy::action(m.transition) {
            RunKind::Resume => RunRequest::Resume { cause },
            _ => RunRequest::Pause { cause },
        };
        let started = self
            .supervisor
            .start_run(m.slug.clone(), request, host)
            .await;
        let id = m.id;
        match started {
            Ok(launched) => {
                let run = launched.outcome.run_id;
                self.db(move |s| {
                    s.settle_billing_decision(id, DecisionState::Done, Some(run), None, None)
                })
                .await?;
                let mut p = words(m);
                p.insert("run".into(), run.to_string());
                let state = launched.wait().await;
                if !matches!(state, None | Some(Ok(RunState::Succeeded))) {
                    tracing::warn!(run, "a billing run did not succeed: {state:?}");
                }
                Ok(Say::BillingDid.with(p))
            }
            Err(e) => {
                let reason = e.message.clone();
                let note = format!("not_started: {reason}");
                self.db(move |s| s.note_billing_decision(id, &note)).await?;
                let mut p = words(m);
                // The register's words for why (in Swedish, as the error says it).
                param_text(&mut p, "reason", &Text::new(reason.clone(), reason));
                Ok(Say::BillingNotStarted.with(p))
            }
        }
    }
}

impl Ticker {
    /// A decision Stripe, asked now, does not bear out: nothing done, the decision noted with
    /// Stripe's word and left waiting for a person.
    async fn not_so(&self, m: &Made, reason: Text) -> ApiResult<Text> {
        let note = format!("not_started: {}", reason.sv);
        let id = m.id;
        self.db(move |s| s.note_billing_decision(id, &note)).await?;
        let mut p = words(m);
        param_text(&mut p, "reason", &reason);
        Ok(Say::BillingNotStarted.with(p))
    }

    /// Why Stripe, asked now, does not say what the decision was made on (`stripe_confirms`):
    /// its status, or why it could not be asked. `None` when it says the same.
    async fn stripe_says_otherwise(&self, m: &Made) -> Option<Text> {
        let cloud = self.cloud.clone();
        let stripe = crate::blocking::run(move || {
            let key = cloud.token(Provider::Stripe)?;
            Ok::<_, crate::error::ApiError>(
                key.map(|key| Stripe::new(&cloud.endpoints().stripe_api, key, cloud.timeout)),
            )
        })
        .await;
        let status = match stripe {
            Ok(Some(stripe)) => match stripe.subscription(&m.subscription).await {
                Ok(sub) => sub.status.as_str().to_string(),
                Err(e) => return Some(Text::new(e.to_string(), e.to_string())),
            },
            Ok(None) => {
                return Some(Say::BillingStripeSaysOtherwise.with(params! { "status" => "—" }))
            }
            Err(e) => return Some(Text::new(e.message.clone(), e.message)),
        };
        (!stripe_confirms(m.transition, &status))
            .then(|| Say::BillingStripeSaysOtherwise.with(params! { "status" => status }))
    }

    /// The customer's export at the period's end, into the export folder, its file noted on
    /// the decision; one that fails is said and noted, and the teardown still only offered.
    async fn export_for(&self, m: &Made) -> ApiResult<Text> {
        let sup = self.supervisor.clone();
        let engine = crate::blocking::run(move || sup.engine()).await?;
        let written = Box::pin(crate::export::deliver::to_export_folder(
            &self.store,
            &engine,
            &m.slug,
            crate::export::rows::ExportReason::PeriodEnd,
        ))
        .await
        .map(|done| done.path);
        let (id, slug) = (m.id, m.slug.clone());
        let (note, line) = match written {
            Ok(path) => (
                format!("exported: {path}"),
                Say::BillingExported.with(params! { "slug" => slug, "path" => path }),
            ),
            Err(e) => {
                let mut p = params! { "slug" => slug };
                param_text(
                    &mut p,
                    "reason",
                    &Text::new(e.message.clone(), e.message.clone()),
                );
                (
                    format!("export_failed: {}", e.message),
                    Say::BillingExportFailed.with(p),
                )
            }
        };
        self.db(move |s| s.note_billing_decision(id, &note)).await?;
        Ok(line)
    }
}
