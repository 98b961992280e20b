//! The usage job in the tick (issue #57), in the sandbox: each delivered instance read once a
//! day, a collection killed half-way taken up where it stopped, a provider that fails leaving
//! its figure "not reported" and the rest kept; a limit's alert sent once per episode and its
//! episode closed when the limit is no longer near; and the health sweep showing an idle
//! pause coming from the stored days, with no usage call of its own.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::HealthRows;
use fabrik::schedule::rows::ScheduleRows;

use chrono::NaiveDate;
use fabrik::environment::Environment;
use fabrik::metering::collect;
use fabrik::metering::UsageRows;
use fabrik::schedule::rows::{AlertKind, Job};
use fabrik::schedule::{JobReport, JobState, Ticker};
use fabrik::store::Store;
use fabrik::usage::{Figure, Reading};

const ALERTS_TO: &str = "larm@byran.example.se";

async fn sim_post(sim: &str, path: &str, body: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{sim}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path} {body}: {}", r.status());
}

/// The provider requests the simulator saw since it was last asked, then forgotten.
async fn requests_since(sim: &str) -> Vec<String> {
    let v: serde_json::Value = reqwest::get(format!("{sim}/__sim/requests"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reqwest::Client::new()
        .delete(format!("{sim}/__sim/requests"))
        .send()
        .await
        .unwrap();
    v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e["method"], e["path"]))
        .collect()
}

async fn usage_tick(ticker: &Ticker, host: &Arc<Host>) -> JobReport {
    let r = ticker.tick(&[Job::UsageCollect], host.clone()).await;
    assert_eq!(r.jobs.len(), 1, "{r:?}");
    r.jobs.into_iter().next().unwrap()
}

fn days_of(store: &Store, slug: &str, env: Environment) -> Vec<(NaiveDate, Reading)> {
    let c = store.get_customer_in(slug, env).unwrap();
    store.usage_of(c.id, env, 30).unwrap()
}

/// The customers delivered in the sandbox: the register, its environment and today on its clock.
async fn delivered(
    s: &Sandboxed,
    slugs: &[String],
    host: &Arc<Host>,
) -> (Arc<Store>, Environment, NaiveDate) {
    for slug in slugs {
        let run = start_provision(&s.runs, host, slug).await;
        assert_eq!(host.finished(run).await, RunState::Succeeded);
        settled(&s.runs, slug).await;
    }
    let store = s.cloud.shared_store();
    let today = collect::today(&store).unwrap();
    (store, s.cloud.environment, today)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_usage_job_reads_each_instance_once_a_day_and_a_failed_provider_is_not_reported() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, slugs)) = sandboxed(&["Mätt Ett AB", "Mätt Två AB", "Mätt Tre AB"]).await
    else {
        return;
    };
    let host = Arc::new(Host::default());
    let (store, env, today) = delivered(&s, &slugs, &host).await;
    let sim = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let ticker = Ticker::new(s.cloud.clone(), s.runs.supervisor().clone(), dir.path());

    // A collection killed after it kept the first instance: that one is not read again today.
    let mut kept = Reading::default();
    kept.set(Figure::DatabaseBytes, Some(12_345.0));
    let first = store.get_customer_in(&slugs[0], env).unwrap();
    store.save_usage(first.id, env, today, &kept).unwrap();
    // n8n fails (every retry): its figures are not reported, the rest is kept.
    sim_post(
        &sim,
        "/__sim/faults",
        serde_json::json!({ "path": "/n8n/api/v1/executions", "status": 500 }),
    )
    .await;
    requests_since(&sim).await;

    let j = usage_tick(&ticker, &host).await;
    assert!(j.did.contains(&"2 avlästa".to_string()), "{j:?}");
    // What n8n did not report is kept as such: the job did its part.
    assert_eq!(j.state, JobState::Done, "{j:?}");
    assert!(
        j.did
            .contains(&"2 med siffror som inte rapporterades".to_string()),
        "{j:?}"
    );
    assert!(j.failed.is_empty(), "{j:?}");
    assert_eq!(
        days_of(&store, &slugs[0], env),
        vec![(today, kept)],
        "not read twice"
    );
    for slug in &slugs[1..] {
        let days = days_of(&store, slug, env);
        assert_eq!(days.len(), 1, "{slug}: {days:?}");
        let (day, r) = &days[0];
        assert_eq!(*day, today);
        assert_eq!(
            r.get(Figure::Executions),
            None,
            "not reported, never 0: {r:?}"
        );
        assert_eq!(r.get(Figure::FailedExecutions), None, "{r:?}");
        assert!(r.get(Figure::Deployments).is_some(), "the rest kept: {r:?}");
        assert!(
            r.problems
                .iter()
                .any(|(p, _)| *p == fabrik::secrets::Provider::N8n),
            "{r:?}"
        );
    }
    let collected: Vec<Option<String>> = slugs
        .iter()
        .map(|s| {
            let c = store.get_customer_in(s, env).unwrap();
            store.usage_collected_at(c.id, env).unwrap()
        })
        .collect();
    assert!(requests_since(&sim)
        .await
        .iter()
        .any(|r| r.contains("/n8n/")));

    // The same day again: nothing due, not one request, nothing kept anew.
    let again = usage_tick(&ticker, &host).await;
    assert_eq!(again.state, JobState::Nothing, "{again:?}");
    let seen = requests_since(&sim).await;
    assert!(
        seen.is_empty(),
        "a collection with nothing due called: {seen:?}"
    );
    for (slug, at) in slugs.iter().zip(&collected) {
        let c = store.get_customer_in(slug, env).unwrap();
        assert_eq!(&store.usage_collected_at(c.id, env).unwrap(), at, "{slug}");
    }
}

/// A free project that has seen no request for six days: Supabase pauses it after seven.
fn idle(today: NaiveDate) -> Reading {
    let mut r = Reading::default();
    r.set(Figure::DatabaseBytes, Some(30e6));
    r.set(Figure::ApiRequests, Some(0.0));
    r.last_active = Some(today - chrono::Duration::days(6));
    r
}

fn active(today: NaiveDate) -> Reading {
    let mut r = idle(today);
    r.set(Figure::ApiRequests, Some(800.0));
    r.last_active = Some(today);
    r
}

async fn limit_emails(sim: &str, slug: &str) -> usize {
    agency_emails(sim)
        .await
        .iter()
        .filter(|e| {
            e["text"]
                .as_str()
                .is_some_and(|t| t.contains("fabrik usage SLUG") && t.contains(slug))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_is_alerted_once_per_episode_and_the_sweep_shows_an_idle_pause_coming() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, slugs)) = sandboxed(&["Vilande Kund AB"]).await else {
        return;
    };
    let host = Arc::new(Host::default());
    let (store, env, today) = delivered(&s, &slugs, &host).await;
    let slug = &slugs[0];
    let id = store.get_customer_in(slug, env).unwrap().id;
    store.set_setting("alerts.email", ALERTS_TO).unwrap();
    let sim = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    let dir = tempfile::tempdir().unwrap();
    let ticker = Ticker::new(s.cloud.clone(), s.runs.supervisor().clone(), dir.path());

    // Today's reading is kept (nothing to collect): its idle days are the limit near.
    store.save_usage(id, env, today, &idle(today)).unwrap();
    let first = usage_tick(&ticker, &host).await;
    assert_eq!(first.state, JobState::Done, "{first:?}");
    assert_eq!(first.alerted.len(), 1, "{first:?}");
    assert!(first.alerted[0].starts_with(slug.as_str()), "{first:?}");
    assert_eq!(limit_emails(&sim, slug).await, 1);
    assert_eq!(
        store.open_alerts(AlertKind::UsageLimit).unwrap(),
        vec![format!("{slug}:idle_pause")]
    );

    // The second tick: the same episode, no email.
    let second = usage_tick(&ticker, &host).await;
    assert_eq!(second.state, JobState::Nothing, "{second:?}");
    assert_eq!(limit_emails(&sim, slug).await, 1, "once per episode");

    // The instance is used again: the episode closes, without an email.
    store.save_usage(id, env, today, &active(today)).unwrap();
    let cleared = usage_tick(&ticker, &host).await;
    assert_eq!(cleared.state, JobState::Done, "{cleared:?}");
    assert!(cleared.alerted.is_empty(), "{cleared:?}");
    assert!(store.open_alerts(AlertKind::UsageLimit).unwrap().is_empty());
    assert_eq!(limit_emails(&sim, slug).await, 1);

    // Idle again: the sweep shows it from the stored days, and calls no usage endpoint.
    store.save_usage(id, env, today, &idle(today)).unwrap();
    requests_since(&sim).await;
    let health = fabrik::supervisor::sweep::HealthChecks::new(store.clone(), s.cloud.clone());
    let sweep = health.sweep_to_end(host.clone()).await.unwrap();
    assert_eq!((sweep.done, sweep.usage), (1, 1), "{sweep:?}");
    let h = store
        .health(id, env)
        .unwrap()
        .expect("the sweep kept its check");
    assert_eq!(h.usage.len(), 1, "{h:?}");
    let usage_calls: Vec<String> = requests_since(&sim)
        .await
        .into_iter()
        .filter(|r| r.contains("api-counts") || r.contains("disk/util") || r.contains("executions"))
        .collect();
    assert!(usage_calls.is_empty(), "{usage_calls:?}");

    // A new episode: a new email.
    let again = usage_tick(&ticker, &host).await;
    assert_eq!(again.alerted.len(), 1, "{again:?}");
    assert_eq!(limit_emails(&sim, slug).await, 2);
}
