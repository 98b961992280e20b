//! Scheduled work on one register from two seats (issue #43): two ticks at once back up each
//! instance once (the job's lease decides, on the register's clock), and a seat that died
//! holding a job hands it over when its lease ends. The PostgreSQL pass runs this on a shared
//! register.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;
use fabrik::schedule::rows::ScheduleRows;

use fabrik::schedule::rows::Job;
use fabrik::schedule::{JobState, Ticker};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ticks_at_once_back_up_each_instance_once() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, slugs)) =
        sandboxed(&["Två Sätt Ett AB", "Två Sätt Två AB", "Två Sätt Tre AB"]).await
    else {
        return;
    };
    let host = Arc::new(Host::default());
    for slug in &slugs {
        let run = start_provision(&s.runs, &host, slug).await;
        assert_eq!(host.finished(run).await, RunState::Succeeded);
        settled(&s.runs, slug).await;
    }
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Ticker::new(s.cloud.clone(), s.runs.supervisor().clone(), dir_a.path());
    let b = Ticker::new(s.cloud.clone(), s.runs.supervisor().clone(), dir_b.path());
    let only = [Job::DatabaseBackups];
    let store = s.cloud.shared_store();
    let env = s.cloud.environment;

    // A seat that died holding the job: a tick is held off until its lease ends.
    let dead = store
        .lease_job(
            Job::DatabaseBackups,
            "död plats (pid 1)",
            Duration::from_secs(2),
        )
        .unwrap();
    assert!(dead.is_ok());
    let held = a.tick(&only, host.clone()).await;
    assert_eq!(held.jobs[0].state, JobState::Held, "{held:?}");
    assert!(held.jobs[0]
        .held_by
        .as_deref()
        .is_some_and(|h| h.contains("död plats")));
    tokio::time::sleep(Duration::from_millis(2100)).await;

    // Then two ticks at once: each instance backed up once.
    let (ra, rb) = tokio::join!(a.tick(&only, host.clone()), b.tick(&only, host.clone()));
    let mut did: Vec<String> = ra.jobs[0]
        .did
        .iter()
        .chain(&rb.jobs[0].did)
        .cloned()
        .collect();
    did.sort();
    let mut want = slugs.clone();
    want.sort();
    assert_eq!(did, want, "each instance once: {ra:?} {rb:?}");
    let states = [ra.jobs[0].state, rb.jobs[0].state];
    assert!(
        states.contains(&JobState::Done)
            && (states.contains(&JobState::Held) || states.contains(&JobState::Nothing)),
        "{states:?}"
    );
    for slug in &slugs {
        let c = store.get_customer_in(slug, env).unwrap();
        assert_eq!(store.backups(c.id, env, false).unwrap().len(), 1, "{slug}");
    }
    let row = store.scheduled_job(Job::DatabaseBackups).unwrap().unwrap();
    assert!(row.lease_holder.is_none(), "given back: {row:?}");
    assert_eq!(
        row.last_outcome,
        Some(fabrik::schedule::rows::JobOutcome::Done)
    );
}

/// Issue #55: an alert is named once per episode, so a row in `alerts` says the email went. An
/// operator's own SQL inserted one for a stale instance ahead of the tick, and the agency never
/// heard of it. Now only the login holding the alert's job raises an episode (migration 030):
/// on a shared register, with an operator's login, the row inserted ahead is refused and the
/// next tick, the same operator's, sends the email.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_row_inserted_ahead_keeps_no_alert_from_being_sent() {
    use fabrik::store::db::Value;
    use fabrik::store::Store;
    let _one_at_a_time = SANDBOX.lock().await;
    let Some(secrets) = common::keyring("runs-api-alert") else {
        return;
    };
    std::env::set_var("FABRIK_SANDBOX_TIME_SCALE", "0.01");
    let register = crate::rights::Register::new("alertahead");
    let otto = register.person("otto", "operator");
    // Where the alerts go is the register's, an owner's setting.
    Store::connect(&register.config(&register.role))
        .unwrap()
        .set_setting("alerts.email", "larm@byran.example.se")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let api = Register::new(Store::connect(&register.config(&otto)).unwrap());
    let slug = common::customer(api.store(), "Tyst Larm AB");
    let cloud = Arc::new(sandbox(&api, secrets, dir.path()).await);
    let runs = RunsApi::window(api.shared_store(), cloud.clone());
    let host = Arc::new(Host::default());
    let run = start_provision(&runs, &host, &slug).await;
    assert_eq!(host.finished(run).await, RunState::Succeeded);
    settled(&runs, &slug).await;

    // No database backup yet: the instance is stale. The row goes in ahead of the tick, or not.
    let ahead = register.conn(&otto).execute(
        "INSERT INTO alerts (kind, subject, raised_at, raised_by)
         VALUES ('backup_stale', ?1, '2026-01-01T00:00:00+00:00', 'otto@kontoret')",
        vec![Value::Text(slug.clone())],
    );
    let ticker = Ticker::new(cloud.clone(), runs.supervisor().clone(), dir.path());
    let r = ticker.tick(&[Job::BackupAlert], host.clone()).await;
    let sim = cloud.sandbox.as_ref().unwrap().base_url();
    let sent: Vec<serde_json::Value> = agency_emails(sim)
        .await
        .into_iter()
        .filter(|e| {
            e["text"]
                .as_str()
                .is_some_and(|t| t.contains("backup.alert_hours") && t.contains(&slug))
        })
        .collect();
    assert_eq!(
        sent.len(),
        1,
        "the alert went: {r:?} (the row ahead: {ahead:?})"
    );
    assert_eq!(r.jobs[0].state, JobState::Done, "{r:?}");
    assert_eq!(r.jobs[0].alerted, std::slice::from_ref(&slug));
    assert!(ahead.is_err(), "{ahead:?}");
    // The episode is the tick's, stamped with its login.
    let by: String = register
        .conn(&register.role)
        .query_row(
            "SELECT raised_by FROM alerts WHERE subject = ?1",
            vec![Value::Text(slug.clone())],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by, otto);
}
