//! The window's health sweep and backup ages: progress and an alert when an instance turns
//! unhealthy, the schedule while it is set, the stale backup named once.

use super::*;
use fabrik::overview::notices::Notices;
use fabrik::services::notices::look;

/// "Kontrollera alla" from the window: every delivered instance checked in the background with
/// progress, pressed twice it starts one sweep; an instance that turns unhealthy is notified
/// once from the overview and, once the agency set its address, emailed through Resend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_all_reports_progress_and_alerts_when_an_instance_turns_unhealthy() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((
        Sandboxed {
            api, cloud, runs, ..
        },
        slugs,
    )) = sandboxed(&["Larm Ett AB", "Larm Två AB", "Ej Levererad AB"]).await
    else {
        return;
    };
    let host = Arc::new(Host::default());
    for slug in &slugs[..2] {
        let run = runs
            .supervisor()
            .start_run(slug.clone(), RunRequest::Provision, host.clone())
            .await
            .unwrap()
            .outcome;
        assert_eq!(host.finished(run.run_id).await, RunState::Succeeded);
        host.events.lock().unwrap().clear();
    }
    let health = fabrik::supervisor::sweep::HealthChecks::new(api.shared_store(), cloud.clone());
    let sim = cloud.sandbox.as_ref().unwrap().base_url().to_string();

    // The sites answer slowly this once, so the sweep is still running at the second press.
    let slow = reqwest::Client::new()
        .post(format!("{sim}/__sim/faults"))
        .json(&serde_json::json!({"path": "/vercel-site/*", "delay_ms": 1500, "times": 2}))
        .send()
        .await
        .unwrap();
    assert!(slow.status().is_success());
    let first = health.check_all(host.clone()).unwrap();
    assert!(
        first.running && first.total == 2,
        "the delivered two only: {first:?}"
    );
    let again = health.check_all(host.clone()).unwrap();
    assert!(again.running, "a second press shows the running sweep");
    let done = wait_sweep(&health).await;
    assert_eq!(
        (done.total, done.done, done.unhealthy, done.failed),
        (2, 2, 0, 0)
    );
    let seen: Vec<u32> = host.sweeps.lock().unwrap().iter().map(|s| s.done).collect();
    assert_eq!(
        seen,
        [0, 1, 2, 2],
        "the start, each check, the end (the second press adds none)"
    );
    let rows = api.list_customers(Default::default()).unwrap().rows;
    assert!(
        rows.iter()
            .filter(|r| r.health.as_ref().is_some_and(|h| h.healthy))
            .count()
            == 2
    );

    // The window's watch looks at the overview (the first look: nothing to say).
    let notices = Notices::in_memory();
    assert_eq!(look(&api, &notices).unwrap(), vec![]);

    // The second instance's site starts failing; the agency wants an email.
    cloud
        .set_setting("alerts.email".into(), "larm@byran.example.se".into())
        .unwrap();
    let broken = &slugs[1];
    let r = reqwest::Client::new()
        .post(format!("{sim}/__sim/faults"))
        .json(&serde_json::json!({"path": format!("/vercel-site/{broken}.vercel.app"), "status": 503}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    health.check_all(host.clone()).unwrap();
    let done = wait_sweep(&health).await;
    assert_eq!((done.done, done.unhealthy), (2, 1));
    // One notification, from the overview (the sweep says nothing of its own twice over).
    let said = look(&api, &notices).unwrap();
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(
        said[0].title,
        "Larm Två AB: senaste kontrollen hittade 1 fel"
    );
    let item = said[0].item.as_ref().unwrap();
    assert_eq!(
        (item.slug.as_deref(), item.place),
        (Some(broken.as_str()), fabrik::overview::Place::Customer)
    );
    let direct = host.notices.lock().unwrap().clone();
    // Told directly: only the two runs' ends (by the customers' names), nothing of the finding.
    assert!(
        direct
            .iter()
            .all(|n| n.starts_with("Provisionering klar: ") && !n.contains("inte frisk")),
        "{direct:?}"
    );
    let to_agency = agency_emails(&sim).await;
    assert_eq!(to_agency.len(), 1, "{to_agency:?}");
    assert!(to_agency[0]["subject"]
        .as_str()
        .unwrap()
        .contains(broken.as_str()));

    // Still unhealthy at the next check: no second notification, no second email.
    health.check(broken.clone()).await.unwrap();
    assert_eq!(look(&api, &notices).unwrap(), vec![]);
    assert_eq!(agency_emails(&sim).await.len(), 1);

    for slug in &slugs[..2] {
        settled(&runs, slug).await;
        runs.supervisor()
            .start_run(
                slug.clone(),
                RunRequest::Teardown {
                    confirmation: slug.clone(),
                },
                host.clone(),
            )
            .await
            .unwrap();
        host.finished(-1).await;
        host.events.lock().unwrap().clear();
    }
}

/// `health.check_minutes` runs "Kontrollera alla" on its own while the app is open, and stops
/// once the setting is cleared (the schedule's clock is shortened here: a "minute" is 20 ms).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_checks_every_instance_while_set() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((
        Sandboxed {
            api, cloud, runs, ..
        },
        slugs,
    )) = sandboxed(&["Schemalagd AB"]).await
    else {
        return;
    };
    let host = Arc::new(Host::default());
    let run = runs
        .supervisor()
        .start_run(slugs[0].clone(), RunRequest::Provision, host.clone())
        .await
        .unwrap()
        .outcome;
    assert_eq!(host.finished(run.run_id).await, RunState::Succeeded);
    let health = fabrik::supervisor::sweep::HealthChecks::new(api.shared_store(), cloud.clone());
    let tick = Duration::from_millis(50);
    health.schedule_every(host.clone(), tick, Duration::from_millis(20));

    // Off by default: nothing runs.
    tokio::time::sleep(tick * 6).await;
    assert!(host.sweeps.lock().unwrap().is_empty());
    cloud
        .set_setting("health.check_minutes".into(), "5".into())
        .unwrap();
    let mut ended = 0;
    for _ in 0..200 {
        ended = host
            .sweeps
            .lock()
            .unwrap()
            .iter()
            .filter(|s| !s.running)
            .count();
        if ended >= 2 {
            break;
        }
        tokio::time::sleep(tick).await;
    }
    assert!(ended >= 2, "the schedule ran the sweep again and again");
    let row = api
        .list_customers(Default::default())
        .unwrap()
        .rows
        .remove(0);
    assert!(row.health.is_some_and(|h| h.healthy));

    cloud
        .set_setting("health.check_minutes".into(), String::new())
        .unwrap();
    // A check the schedule decided on just before the setting was cleared may still start
    // after it (run 6 of ten in a row: three more sweep events): wait until none runs and none
    // has begun for three ticks, then no other may come.
    let mut stopped = host.sweeps.lock().unwrap().len();
    for _ in 0..100 {
        tokio::time::sleep(tick * 3).await;
        wait_sweep(&health).await;
        let now = host.sweeps.lock().unwrap().len();
        if now == stopped {
            break;
        }
        stopped = now;
    }
    tokio::time::sleep(tick * 6).await;
    assert_eq!(
        host.sweeps.lock().unwrap().len(),
        stopped,
        "cleared: no more sweeps"
    );

    host.events.lock().unwrap().clear();
    settled(&runs, &slugs[0]).await;
    runs.supervisor()
        .start_run(
            slugs[0].clone(),
            RunRequest::Teardown {
                confirmation: slugs[0].clone(),
            },
            host.clone(),
        )
        .await
        .unwrap();
    host.finished(-1).await;
}

/// The register's backup ages and the alert for old ones (issue #32): a freshly provisioned
/// instance has its workflow backup (it follows provisioning) but no database backup yet, so it
/// is stale; the alert email names it once, and not again while it stays stale; a database
/// backup makes it current, and with the limit at 0 nothing is stale.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_ages_show_the_stale_instance_and_the_alert_names_it_once() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((Sandboxed { cloud, runs, .. }, slugs)) = sandboxed(&["Gammal Kopia AB"]).await else {
        return;
    };
    let slug = slugs[0].clone();
    let sim = cloud.sandbox.as_ref().unwrap().base_url().to_string();
    cloud
        .set_setting("alerts.email".into(), "larm@byran.example.se".into())
        .unwrap();
    let host = Arc::new(Host::default());
    let run = start_provision(&runs, &host, &slug).await;
    assert_eq!(host.finished(run).await, RunState::Succeeded);
    settled(&runs, &slug).await;
    let backups = Arc::new(fabrik::services::backups::BackupsApi::new(
        cloud.shared_store(),
        runs.supervisor().clone(),
        cloud.secrets.clone(),
    ));

    let ages = backups.ages().unwrap();
    assert_eq!(ages.len(), 1);
    assert!(ages[0].workflows_at.is_some(), "{ages:?}");
    assert!(ages[0].database_at.is_none() && ages[0].stale, "{ages:?}");

    // The alert is the scheduled job's; what it named is the register's, so a second ticker
    // (the window restarted, or another seat) does not name it again while it stays stale.
    let seat_dir = tempfile::tempdir().unwrap();
    let ticker =
        || fabrik::schedule::Ticker::new(cloud.clone(), runs.supervisor().clone(), seat_dir.path());
    let only = [fabrik::schedule::rows::Job::BackupAlert];
    let first = ticker().tick(&only, host.clone()).await;
    assert_eq!(
        first.jobs[0].alerted,
        std::slice::from_ref(&slug),
        "{first:?}"
    );
    let again = ticker().tick(&only, host.clone()).await;
    assert!(again.jobs[0].alerted.is_empty(), "{again:?}");
    let sent: Vec<_> = agency_emails(&sim)
        .await
        .into_iter()
        .filter(|e| {
            e["text"]
                .as_str()
                .is_some_and(|t| t.contains("backup.alert_hours"))
        })
        .collect();
    assert_eq!(sent.len(), 1, "one alert, naming it: {sent:?}");
    assert!(sent[0]["text"].as_str().unwrap().contains(&slug));

    // A database backup now: current on both counts.
    let launched = backups.create(&slug, false, host.clone()).await.unwrap();
    assert_eq!(launched.wait().await.unwrap().unwrap(), RunState::Succeeded);
    assert!(!backups.ages().unwrap()[0].stale);
    // The limit off: nothing is stale, whatever the ages.
    cloud
        .set_setting("backup.alert_hours".into(), "0".into())
        .unwrap();
    assert!(backups.ages().unwrap().iter().all(|a| !a.stale));

    let teardown = Arc::new(Host::default());
    runs.supervisor()
        .start_run(
            slug.clone(),
            RunRequest::Teardown { confirmation: slug },
            teardown.clone(),
        )
        .await
        .unwrap();
    assert_eq!(teardown.finished(-1).await, RunState::Succeeded);
}
