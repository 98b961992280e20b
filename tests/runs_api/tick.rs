//! Scheduled work on one register from two seats (issue #43): two ticks at once back up each
//! instance once (the job's lease decides, on the register's clock), and a seat that died
//! holding a job hands it over when its lease ends. The PostgreSQL pass runs this on a shared
//! register.

use super::*;

use fabrik::api::tick::{JobState, Ticker};
use fabrik::store::schedule::Job;

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
        Some(fabrik::store::schedule::JobOutcome::Done)
    );
}
