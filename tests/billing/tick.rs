//! The tick in the sandbox, with the simulator's Stripe on its own clock: one customer's year
//! (renewals, a failed payment retried then paid, a pause and a resume, the end at the
//! period's end) with the runs it started, its decisions and its emails; two seats ticking at
//! once act once, and an old `paused` read after a newer `resume` changes nothing; a gap
//! longer than Stripe keeps its events is read from the subscriptions and only offered; an
//! export that fails at the period's end is said, and the teardown still only offered.

use std::sync::Arc;

use super::*;
use crate::runs_api::intake::{checkout, choices, seeded_prices};
use crate::runs_api::{agency_emails, sandboxed, sandboxed_on, settled, Host, Sandboxed, SANDBOX};

use fabrik::billing::policy::{DecisionState, PolicyRow, Step, Transition};
use fabrik::billing::rows::BillingRows;
use fabrik::billing::rows::DecisionRow;
use fabrik::export::rows::ExportRows;
use fabrik::intake::Intake;
use fabrik::ledger::{RunKind, RunState};
use fabrik::requests::IntakeSource;
use fabrik::schedule::rows::Job;
use fabrik::schedule::{JobReport, Ticker};

pub(super) const ALERTS_TO: &str = "larm@byran.example.se";
pub(super) const DAY: i64 = 86_400;

pub(super) fn sim(s: &Sandboxed) -> String {
    s.cloud.sandbox.as_ref().unwrap().base_url().to_string()
}

pub(super) async fn post(s: &Sandboxed, path: &str, body: Value) -> Value {
    common::api(
        reqwest::Method::POST,
        format!("{}/__sim/stripe/{path}", sim(s)),
        Some(body),
    )
    .await
}

/// The Stripe clock moved on by `days`: everything due on it played, in order.
pub(super) async fn advance(s: &Sandboxed, days: i64) {
    post(s, "clock", json!({ "advance_seconds": days * DAY })).await;
}

pub(super) fn stripe(s: &Sandboxed) -> fabrik::providers::stripe::Stripe {
    fabrik::providers::stripe::Stripe::new(
        &s.cloud.endpoints().stripe_api,
        s.cloud
            .token(fabrik::secrets::Provider::Stripe)
            .unwrap()
            .unwrap(),
        std::time::Duration::from_secs(10),
    )
}

/// A seat's ticker over the sandbox, its host, and the folder it keeps its state in (kept
/// alive by the caller).
pub(super) fn ticker(s: &Sandboxed) -> (Arc<Host>, Ticker, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ticker = Ticker::new(s.cloud.clone(), s.runs.supervisor().clone(), dir.path());
    (Arc::new(Host::default()), ticker, dir)
}

/// The inbox's job and then billing's, once, as a tick runs them: what both did, in one report.
pub(super) async fn tick(ticker: &Ticker, host: &Arc<Host>) -> JobReport {
    let jobs = [Job::IntakePoll, Job::Billing];
    let [mut inbox, billing]: [JobReport; 2] = ticker
        .tick(&jobs, host.clone())
        .await
        .jobs
        .try_into()
        .unwrap();
    assert_eq!([inbox.job, billing.job], jobs);
    inbox.did.extend(billing.did);
    inbox.failed.extend(billing.failed);
    inbox.alerted.extend(billing.alerted);
    inbox
}

/// A customer who paid for a Starter instance in Stripe's checkout, delivered by the tick on
/// its own: (slug, subscription, Stripe customer).
pub(super) async fn paying_customer(
    s: &Sandboxed,
    ticker: &Ticker,
    host: &Arc<Host>,
    company: &str,
    policy: &[(Transition, Step)],
) -> (String, String, String) {
    let store = s.cloud.shared_store();
    store.set_setting("alerts.email", ALERTS_TO).unwrap();
    for (transition, step) in policy {
        store
            .set_billing_policy(&PolicyRow {
                plan: Plan::Starter,
                transition: *transition,
                step: *step,
                grace_days: None,
            })
            .unwrap();
    }
    let intake = Arc::new(Intake::new(s.cloud.clone(), s.runs.supervisor().clone()));
    let (starter, _) = seeded_prices(s).await;
    intake
        .set_source(
            IntakeSource::Stripe,
            choices(true, &[(&starter, Plan::Starter)]),
        )
        .await
        .unwrap();
    let made = checkout(
        s,
        json!({"email": format!("{}@kund.se", company.len()), "company": company}),
    )
    .await;
    let j = tick(ticker, host).await;
    assert!(j.failed.is_empty(), "{j:?}");
    let item = intake.inbox().await.unwrap().items.remove(0);
    let slug = item.slug.expect("approved on its own");
    settled(&s.runs, &slug).await;
    let c = s.api.get_customer(slug.clone()).unwrap();
    assert_eq!(c.status, Status::Active);
    (
        slug,
        made["subscription"].as_str().unwrap().to_string(),
        made["customer"].as_str().unwrap().to_string(),
    )
}

pub(super) fn decisions(s: &Sandboxed) -> Vec<DecisionRow> {
    let store = s.cloud.shared_store();
    let mut d = store
        .billing_decisions(s.cloud.environment, None, None, 100)
        .unwrap();
    d.reverse();
    d
}

/// The customer's runs of `kind`, oldest first, each with its stored request.
pub(super) fn runs_of(
    s: &Sandboxed,
    slug: &str,
    kind: RunKind,
) -> Vec<fabrik::store::runs::RunRow> {
    let mut runs: Vec<_> = s
        .runs
        .list_runs(Some(slug.to_string()))
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == kind)
        .collect();
    runs.reverse();
    runs
}

/// The Stripe event a run was started for (kept in the ledger with its request).
pub(super) fn cause(s: &Sandboxed, run: i64) -> Option<String> {
    let input = s.runs.run_detail(run).unwrap().run.input?;
    input["cause"].as_str().map(str::to_string)
}

pub(super) fn billing_emails(all: &[Value]) -> Vec<String> {
    all.iter()
        .map(|e| e["text"].as_str().unwrap_or_default().to_string())
        .filter(|t| t.contains("Stripe ändrade"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_customers_year_on_the_stripe_clock() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let (host, ticker, _dir) = ticker(&s);
    // The owner pauses on Stripe's pause; the rest as the defaults say.
    let (slug, sub, cus) = paying_customer(
        &s,
        &ticker,
        &host,
        "Året Runt AB",
        &[(Transition::Paused, Step::Do)],
    )
    .await;
    let store = s.cloud.shared_store();
    let env = s.cloud.environment;
    let snapshot = || store.subscription_row(env, &sub).unwrap().unwrap();
    assert_eq!(snapshot().status, "active");

    // A month: renewed and paid. Nothing to decide.
    let first_end = snapshot().current_period_end.unwrap();
    advance(&s, 31).await;
    let j = tick(&ticker, &host).await;
    assert!(j.alerted.is_empty(), "{j:?}");
    assert!(snapshot().current_period_end.unwrap() > first_end);

    // The card is declined at the next renewal: past due while Smart Retries try, shown with
    // the failure (by the bank's reason, read from the invoice's payments: #70) and the next
    // try; by the default policy nothing until Stripe gives up.
    post(
        &s,
        &format!("customers/{cus}/card"),
        json!({ "failing": true, "decline_code": "expired_card" }),
    )
    .await;
    advance(&s, 31).await;
    tick(&ticker, &host).await;
    let failing = snapshot();
    assert_eq!(failing.status, "past_due");
    assert_eq!(failing.last_failure.as_deref(), Some("expired_card"));
    assert!(failing.next_payment_attempt.is_some());
    assert!(failing.failed_since.is_some());
    advance(&s, 4).await;
    let j = tick(&ticker, &host).await;
    assert!(snapshot().attempt_count >= 2, "{:?}", snapshot());
    assert!(j.alerted.is_empty(), "{j:?}");
    // Then the customer pays the open invoice: active again, the failure over.
    post(
        &s,
        &format!("customers/{cus}/card"),
        json!({ "failing": false }),
    )
    .await;
    let open = stripe(&s).subscription(&sub).await.unwrap();
    let invoice = open.latest_invoice.unwrap().id;
    post(&s, &format!("invoices/{invoice}/pay"), json!({})).await;
    tick(&ticker, &host).await;
    let paid = snapshot();
    assert_eq!((paid.status.as_str(), paid.failed_since), ("active", None));
    assert!(decisions(&s).is_empty(), "{:?}", decisions(&s));

    // Paused in Stripe: the policy pauses the instance, by an ordinary run whose cause is
    // the event.
    post(&s, &format!("subscriptions/{sub}/pause"), json!({})).await;
    let j = tick(&ticker, &host).await;
    let pauses = runs_of(&s, &slug, RunKind::Pause);
    assert_eq!(pauses.len(), 1, "{j:?}");
    assert_eq!(pauses[0].state, RunState::Succeeded);
    let paused_event = snapshot().event_id.unwrap();
    assert_eq!(
        cause(&s, pauses[0].id).as_deref(),
        Some(paused_event.as_str())
    );
    assert_eq!(
        s.api.get_customer(slug.clone()).unwrap().status,
        Status::Inactive
    );

    // Resumed in Stripe: resumed on its own (the default).
    post(&s, &format!("subscriptions/{sub}/resume"), json!({})).await;
    tick(&ticker, &host).await;
    let resumes = runs_of(&s, &slug, RunKind::Resume);
    assert_eq!(resumes.len(), 1);
    assert_eq!(resumes[0].state, RunState::Succeeded);
    assert!(cause(&s, resumes[0].id).is_some_and(|e| e.starts_with("evt_")));
    assert_eq!(
        s.api.get_customer(slug.clone()).unwrap().status,
        Status::Active
    );

    // Months of renewals, then the customer cancels at the period's end: nothing until the
    // day, then the customer's export written and the teardown offered (never done).
    for _ in 0..5 {
        advance(&s, 31).await;
        tick(&ticker, &host).await;
    }
    post(
        &s,
        &format!("subscriptions/{sub}/cancel_at_period_end"),
        json!({ "cancel": true }),
    )
    .await;
    tick(&ticker, &host).await;
    assert!(snapshot().cancel_at_period_end);
    assert_eq!(decisions(&s).len(), 2, "{:?}", decisions(&s));
    advance(&s, 32).await;
    tick(&ticker, &host).await;
    assert_eq!(snapshot().status, "canceled");
    let d = decisions(&s);
    let summary: Vec<_> = d
        .iter()
        .map(|d| (d.transition, d.step, d.state, d.run_id.is_some()))
        .collect();
    assert_eq!(
        summary,
        [
            (Transition::Paused, Step::Do, DecisionState::Done, true),
            (Transition::Resumed, Step::Do, DecisionState::Done, true),
            (
                Transition::PeriodEnded,
                Step::Offer,
                DecisionState::Waiting,
                false
            ),
        ]
    );
    // The period's end wrote the customer's export before offering the teardown.
    let exported = d[2]
        .note
        .as_deref()
        .and_then(|n| n.strip_prefix("exported: "));
    let archive = exported.unwrap_or_else(|| panic!("{:?}", d[2].note));
    assert!(std::path::Path::new(archive).is_file(), "{archive}");
    assert!(d.iter().all(|d| d.event_id.is_some()));
    assert!(runs_of(&s, &slug, RunKind::Teardown).is_empty());

    // Another tick: nothing new decided, nothing mailed again. One email an episode.
    let j = tick(&ticker, &host).await;
    assert!(j.alerted.is_empty(), "{j:?}");
    let mails = billing_emails(&agency_emails(&sim(&s)).await);
    assert_eq!(mails.len(), 3, "{mails:#?}");
    assert!(mails[0].contains(&slug) && mails[0].contains("pausad i Stripe"));
    assert!(mails[2].contains("väntar på ditt beslut"), "{mails:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_seats_at_once_act_once_and_an_old_pause_changes_nothing() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let host = Arc::new(Host::default());
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Ticker::new(s.cloud.clone(), s.runs.supervisor().clone(), dir_a.path());
    let b = Ticker::new(s.cloud.clone(), s.runs.supervisor().clone(), dir_b.path());
    let (slug, sub, _) = paying_customer(
        &s,
        &a,
        &host,
        "Två Platser AB",
        &[(Transition::Paused, Step::Do)],
    )
    .await;
    post(&s, &format!("subscriptions/{sub}/pause"), json!({})).await;
    let (ra, rb) = tokio::join!(tick(&a, &host), tick(&b, &host));
    assert_eq!(runs_of(&s, &slug, RunKind::Pause).len(), 1, "{ra:?} {rb:?}");
    assert_eq!(decisions(&s).len(), 1);
    // Read again by both: the same events, nothing new.
    let (ra, rb) = tokio::join!(tick(&a, &host), tick(&b, &host));
    assert_eq!(runs_of(&s, &slug, RunKind::Pause).len(), 1, "{ra:?} {rb:?}");

    // Resumed; then a pause that Stripe dated before the resume arrives late: it is older
    // than what the register holds and changes nothing.
    post(&s, &format!("subscriptions/{sub}/resume"), json!({})).await;
    tick(&a, &host).await;
    assert_eq!(runs_of(&s, &slug, RunKind::Resume).len(), 1);
    let env = s.cloud.environment;
    let store = s.cloud.shared_store();
    let resumed_at = store.subscription_row(env, &sub).unwrap().unwrap().as_of;
    post(
        &s,
        &format!("subscriptions/{sub}/pause"),
        json!({ "created": resumed_at - 60 }),
    )
    .await;
    let (ra, rb) = tokio::join!(tick(&a, &host), tick(&b, &host));
    let kept = store.subscription_row(env, &sub).unwrap().unwrap();
    assert_eq!(kept.status, "active", "{ra:?} {rb:?}");
    assert_eq!(runs_of(&s, &slug, RunKind::Pause).len(), 1);
    assert_eq!(decisions(&s).len(), 2);
    assert_eq!(s.api.get_customer(slug).unwrap().status, Status::Active);
}

/// The laptop off for 45 days, on a register file and on a shared PostgreSQL register.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_longer_than_stripes_events_is_read_from_the_subscriptions_and_only_offered() {
    a_gap_of_45_days(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_longer_than_stripes_events_is_reconciled_on_a_shared_register() {
    a_gap_of_45_days(Some(common::pg_database_url())).await;
}

/// The last poll dated 45 days back in the register (by the register's own clock: a file's
/// is this computer's; a shared register stamps a poll with the server's, so it is dated back
/// on the server, by its administrator).
fn date_the_last_poll_back(store: &fabrik::store::Store, pg: Option<&str>) {
    match pg {
        None => {
            let file = rusqlite::Connection::open(store.path()).unwrap();
            let long_ago = (chrono::Utc::now() - chrono::Duration::days(45)).to_rfc3339();
            file.execute(
                "UPDATE intake_sources SET polled_at = ?1 WHERE source = 'stripe'",
                [long_ago],
            )
            .unwrap();
        }
        Some(url) => {
            use fabrik::store::db::{Conn, PgConfig, PgConn};
            let admin = Conn::postgres(PgConn::connect(&PgConfig::parse(url).unwrap()).unwrap());
            let changed = admin
                .execute(
                    "UPDATE fabrik.intake_sources SET polled_at = to_char(
                        (clock_timestamp() - interval '45 days') AT TIME ZONE 'UTC',
                        'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')
                     WHERE source = 'stripe'",
                    (),
                )
                .unwrap();
            assert_eq!(changed, 1, "the Stripe source polled before");
        }
    }
}

async fn a_gap_of_45_days(pg: Option<String>) {
    let _one_at_a_time = SANDBOX.lock().await;
    let config = pg
        .as_deref()
        .map(|url| fabrik::store::db::PgConfig::parse(url).unwrap());
    let Some((s, _)) = sandboxed_on(config, &[]).await else {
        return;
    };
    let store = s.cloud.shared_store();
    assert_eq!(store.is_own(), pg.is_none());
    let (host, ticker, _dir) = ticker(&s);
    let (slug, sub, _) = paying_customer(
        &s,
        &ticker,
        &host,
        "Lång Paus AB",
        &[(Transition::Paused, Step::Do)],
    )
    .await;
    // The laptop is off for 45 days; meanwhile the subscription was paused in Stripe, and
    // that event is past the 30 days Stripe keeps.
    post(&s, &format!("subscriptions/{sub}/pause"), json!({})).await;
    advance(&s, 45).await;
    date_the_last_poll_back(&store, pg.as_deref());
    let j = tick(&ticker, &host).await;
    assert!(j.did.iter().any(|d| d.contains("avstämning")), "{j:?}");
    let env = s.cloud.environment;
    let kept = store.subscription_row(env, &sub).unwrap().unwrap();
    assert_eq!((kept.status.as_str(), kept.event_id), ("paused", None));
    // What the read found is offered, not done, whatever the policy says.
    let d = decisions(&s);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].transition, d[0].step, d[0].state),
        (Transition::Paused, Step::Offer, DecisionState::Waiting)
    );
    assert_eq!(d[0].note.as_deref(), Some("from_read"));
    assert!(runs_of(&s, &slug, RunKind::Pause).is_empty());
    // The next poll is a poll again.
    let j = tick(&ticker, &host).await;
    assert!(!j.did.iter().any(|d| d.contains("avstämning")), "{j:?}");
}

/// The period's end with the instance unreadable: the export's failure is noted on the
/// decision and said in the alert with the command that makes it by hand; no archive is left
/// half-written and the teardown is still only offered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_export_at_the_periods_end_is_said_and_the_teardown_only_offered() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let (host, ticker, _dir) = ticker(&s);
    let (slug, sub, _) = paying_customer(&s, &ticker, &host, "Oläsbar AB", &[]).await;
    post(
        &s,
        &format!("subscriptions/{sub}/cancel_at_period_end"),
        json!({ "cancel": true }),
    )
    .await;
    tick(&ticker, &host).await;
    // Every read of the instance's database fails from here on.
    let faults = format!("{}/__sim/faults", sim(&s));
    common::api(
        reqwest::Method::POST,
        faults.clone(),
        Some(json!({ "method": "POST", "path": "/supabase/v1/projects/*/database/query", "status": 500 })),
    )
    .await;
    advance(&s, 32).await;
    tick(&ticker, &host).await;
    common::api(reqwest::Method::DELETE, faults, None).await;

    let ended: Vec<_> = decisions(&s)
        .into_iter()
        .filter(|d| d.transition == Transition::PeriodEnded)
        .collect();
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(
        (ended[0].step, ended[0].state),
        (Step::Offer, DecisionState::Waiting)
    );
    let note = ended[0].note.clone().unwrap_or_default();
    assert!(note.starts_with("export_failed: "), "{note}");
    assert!(runs_of(&s, &slug, RunKind::Teardown).is_empty());
    let mails = billing_emails(&agency_emails(&sim(&s)).await);
    assert!(
        mails
            .iter()
            .any(|m| m.contains("kundens export kunde inte göras")
                && m.contains(&format!("fabrik export {slug}"))),
        "{mails:#?}"
    );
    // Nothing half-written in the export folder, and nothing recorded.
    let customer = s.api.get_customer(slug.clone()).unwrap();
    assert!(s
        .cloud
        .shared_store()
        .exports(customer.id, s.cloud.environment)
        .unwrap()
        .is_empty());
    let folder = fabrik::paths::export_dir();
    let left: Vec<_> = std::fs::read_dir(&folder)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        !left.iter().any(|n| n.to_string_lossy().contains(&slug)),
        "{left:?}"
    );
}
