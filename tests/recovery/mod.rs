//! Recovery with Supabase's own backups (issue #32), on the simulator's real PostgreSQL: a
//! project on the free plan has none (the view says so and points to Fabrik's own backups, a
//! recover run is refused and changes nothing); a project with point-in-time recovery shows
//! its window, refuses a typo and a moment outside the window, and a recover run goes through
//! RESTORING back to healthy with the database as it was at the moment (a row written after
//! it gone, the earlier ones there) and Fabrik's own backup of what it replaced on disk.

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;

use std::sync::Arc;

use common::*;
use fabrik::database::backup::rows::BackupReason;
use fabrik::database::recovery::RecoveryView;
use fabrik::messages::ErrorCode;
use fabrik::providers::supabase::Supabase;
use fabrik::provision::{FailurePolicy, RunRequest, RunState};
use fabrik_sim::Profile;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

mod cli;

/// A table the customer's app writes to (row-level security on, as the schema check wants).
const NOTES: &str = "
CREATE TABLE public.notes (id int PRIMARY KEY, body text NOT NULL);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
INSERT INTO public.notes VALUES (1, 'before');
";

struct Case {
    world: World,
    project_ref: String,
}

impl Case {
    fn supabase(&self) -> &Supabase {
        &self.world.engine.clients().supabase
    }

    async fn sql(&self, sql: &str) -> Vec<Value> {
        self.supabase()
            .run_query(&self.project_ref, sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn notes(&self) -> Vec<String> {
        self.sql("SELECT body FROM public.notes ORDER BY id")
            .await
            .iter()
            .map(|r| r["body"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    async fn status(&self) -> String {
        self.supabase()
            .get_project(&self.project_ref)
            .await
            .unwrap()
            .status
    }

    fn recover(&self, target: i64, confirmation: &str) -> RunRequest {
        RunRequest::Recover {
            target,
            confirmation: confirmation.to_string(),
        }
    }

    fn customer_id(&self) -> i64 {
        self.world.store.get_customer(&self.world.slug).unwrap().id
    }

    fn backups(&self) -> Vec<fabrik::database::backup::rows::Backup> {
        self.world
            .store
            .backups(
                self.customer_id(),
                fabrik::environment::Environment::Sandbox,
                false,
            )
            .unwrap()
    }

    fn recover_runs(&self) -> usize {
        self.world
            .store
            .list_runs(Some(self.customer_id()), 100)
            .unwrap()
            .iter()
            .filter(|r| r.kind == fabrik::provision::RunKind::Recover)
            .count()
    }

    async fn view(&self) -> RecoveryView {
        self.world
            .engine
            .reader()
            .recovery(&self.world.slug)
            .await
            .unwrap()
    }

    /// The test surface's plan switch (`/__sim/supabase/projects/{ref}/plan`).
    async fn plan(&self, body: Value) -> Value {
        let r = reqwest::Client::new()
            .post(format!(
                "{}/__sim/supabase/projects/{}/plan",
                self.world.sim.base_url(),
                self.project_ref
            ))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{body}: {}", r.status());
        r.json().await.unwrap()
    }
}

/// A delivered instance with the notes table, on a simulator whose restores take a moment
/// (`scale` of the realistic timings) so the RESTORING state can be seen.
async fn case(tag: &str, name: &str, scale: Option<f64>) -> Option<Case> {
    let world = match scale {
        None => world(tag, name).await?,
        Some(scale) => {
            let secrets = keyring(tag)?;
            let sim = sim_scaled(Profile::Realistic, scale).await;
            let store = Arc::new(test_store());
            let engine = engine(
                &sim,
                store.clone(),
                secrets.clone(),
                FailurePolicy::Rollback,
            );
            let slug = customer(&store, name);
            World {
                sim,
                store,
                engine,
                slug,
                secrets,
            }
        }
    };
    let (_, state) = provision(&world.engine, &world.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let project_ref = world
        .store
        .get_customer(&world.slug)
        .unwrap()
        .instance
        .supabase_project_ref
        .expect("a delivered instance has its project");
    let case = Case { world, project_ref };
    case.sql(NOTES).await;
    Some(case)
}

fn refused_with(r: fabrik::Result<RunState>, code: ErrorCode) -> fabrik::Error {
    match r {
        Err(e) if e.code() == code => e,
        other => panic!("expected {code}, got {other:?}"),
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_free_project_has_no_recovery_and_a_recover_run_changes_nothing() {
    let Some(case) = case("recovery-free", "Gratis Plan AB", None).await else {
        return;
    };
    let slug = case.world.slug.clone();
    let view = case.view().await;
    assert!(!view.available, "{view:?}");
    assert!(!view.pitr_enabled && view.backups.is_empty() && view.schedule.is_none());
    let note = view.note.expect("the view says why");
    assert!(
        note.sv.contains(&format!("fabrik backup list {slug}"))
            && note.en.contains("no point-in-time recovery"),
        "{note:?}"
    );

    // Through the engine's front door: refused before the run exists.
    let err = refused_with(
        case.world
            .engine
            .run(&slug, &case.recover(now(), &slug), Events::default().sink())
            .await,
        ErrorCode::RecoveryNotOnPlan,
    );
    assert!(err
        .to_string()
        .contains(&format!("fabrik backup list {slug}")));
    assert_eq!(case.recover_runs(), 0);

    // A run recorded anyway (another seat, an older Fabrik) stops at its first step, before
    // Fabrik's own backup is taken and before Supabase is asked anything that changes.
    let start = case
        .world
        .engine
        .record(&slug, &case.recover(now(), &slug))
        .unwrap();
    let events = Events::default();
    let state = case
        .world
        .engine
        .drive(
            start.driver.clone().unwrap(),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    // Nothing to roll back: the run ends rolled back (this engine's policy) with nothing done.
    assert!(
        matches!(state, RunState::Failed | RunState::RolledBack),
        "{state:?}: {}",
        events.json()
    );
    let failed = events.first_failure();
    assert_eq!(failed["code"], "recovery_not_on_plan", "{failed}");
    assert_eq!(failed["step"], "supabase.backup", "{failed}");
    assert!(case.backups().is_empty(), "no backup taken for nothing");
    assert_eq!(case.notes().await, ["before"]);
    assert_eq!(case.status().await, "ACTIVE_HEALTHY");
    let calls = get(&case.world.sim, "/__sim/requests").await;
    let asked_restore = calls["requests"]
        .as_array()
        .expect("the request log")
        .iter()
        .any(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.contains("/database/backups/restore"))
        });
    assert!(!asked_restore, "Supabase was not asked to restore");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pitr_project_goes_back_to_a_moment_with_fabriks_backup_of_what_it_replaced() {
    let Some(case) = case("recovery-pitr", "Tidsresa AB", Some(0.02)).await else {
        return;
    };
    let slug = case.world.slug.clone();
    let switched = case.plan(json!({ "plan": "pro", "pitr": true })).await;
    assert_eq!(switched["pitr"], true, "{switched}");

    let view = case.view().await;
    assert!(
        view.available && view.pitr_enabled && view.physical_enabled,
        "{view:?}"
    );
    assert!(view.note.is_none());
    let (earliest, latest) = (view.earliest.unwrap(), view.latest.unwrap());
    assert!(earliest <= latest && latest <= now() + 1, "{view:?}");
    assert_eq!(view.backups.len(), 1, "the first daily backup: {view:?}");
    assert_eq!(view.schedule.as_deref(), Some("04:00:00"));

    // The moment to go back to: after 'kept', before 'after'.
    case.sql("INSERT INTO public.notes VALUES (2, 'kept')")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let point = case
        .supabase()
        .create_restore_point(&case.project_ref, "fore-test")
        .await
        .unwrap();
    assert_eq!(point.status, "AVAILABLE");
    let target = fabrik::database::recovery::unix_of(point.completed_on.as_deref().unwrap())
        .expect("the point's time");
    let found = case
        .supabase()
        .restore_point(&case.project_ref, "fore-test")
        .await
        .unwrap()
        .expect("the point is listed");
    assert_eq!(found.name, "fore-test");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    case.sql("INSERT INTO public.notes VALUES (3, 'after')")
        .await;
    assert_eq!(case.notes().await, ["before", "kept", "after"]);

    // A typo in the confirmation, and moments outside the window, are refused; nothing runs.
    let typo = case
        .world
        .engine
        .run(
            &slug,
            &case.recover(target, "fel"),
            Events::default().sink(),
        )
        .await;
    assert!(matches!(typo, Err(fabrik::Error::NotConfirmed)), "{typo:?}");
    for outside in [earliest - 60, now() + 3600] {
        let e = refused_with(
            case.world
                .engine
                .run(
                    &slug,
                    &case.recover(outside, &slug),
                    Events::default().sink(),
                )
                .await,
            ErrorCode::RecoveryOutsideWindow,
        );
        assert!(e.to_string().contains("utanför"), "{e}");
    }
    assert_eq!(case.recover_runs(), 0);
    assert!(case.backups().is_empty());
    assert_eq!(case.notes().await, ["before", "kept", "after"]);

    // The recovery: Fabrik's backup first, Supabase's restore, the project through RESTORING
    // back to healthy, the schema checked.
    let events = Events::default();
    let state = case
        .world
        .engine
        .run(&slug, &case.recover(target, &slug), events.sink())
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let log = events.json();
    assert!(
        log.contains("RESTORING"),
        "the wait saw the project restoring: {log}"
    );
    for step in ["supabase.backup", "supabase.recover", "supabase.verify"] {
        assert!(
            log.contains(&format!("\"step\":\"{step}\"")),
            "{step} ran: {log}"
        );
    }
    assert_eq!(case.status().await, "ACTIVE_HEALTHY");
    assert_eq!(
        case.notes().await,
        ["before", "kept"],
        "the database as it was at the moment: the later row is gone"
    );

    // Fabrik's own backup holds what the recovery replaced, the later row included.
    let taken = case.backups();
    assert_eq!(taken.len(), 1, "{taken:?}");
    let b = &taken[0];
    assert_eq!(b.reason, BackupReason::BeforeRestore);
    assert!(fabrik::database::backup::files::path_of(b)
        .unwrap()
        .is_file());
    let notes = b
        .tables
        .iter()
        .find(|t| t.schema == "public" && t.table == "notes")
        .expect("the notes table is in the backup");
    assert_eq!(notes.rows, 3, "{notes:?}");
    assert_eq!(case.recover_runs(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_pitr_only_a_physical_backups_own_time_is_restored() {
    let Some(case) = case("recovery-physical", "Fysisk Kopia AB", None).await else {
        return;
    };
    let slug = case.world.slug.clone();
    case.plan(json!({ "plan": "pro" })).await;
    let view = case.view().await;
    assert!(view.available && !view.pitr_enabled, "{view:?}");
    let at = view.backups[0].at.expect("the backup's time");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    case.sql("INSERT INTO public.notes VALUES (2, 'after')")
        .await;

    let e = refused_with(
        case.world
            .engine
            .run(
                &slug,
                &case.recover(at + 1, &slug),
                Events::default().sink(),
            )
            .await,
        ErrorCode::RecoveryOutsideWindow,
    );
    assert!(e.to_string().contains(&slug));

    // A second physical backup later: a moment between the two is not one of theirs.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = reqwest::Client::new()
        .post(format!(
            "{}/__sim/supabase/projects/{}/backups",
            case.world.sim.base_url(),
            case.project_ref
        ))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let second = case.view().await.backups[1].at.unwrap();
    assert!(second >= at + 2, "{second} {at}");
    let e = refused_with(
        case.world
            .engine
            .run(
                &slug,
                &case.recover(at + 1, &slug),
                Events::default().sink(),
            )
            .await,
        ErrorCode::RecoveryNoBackupAt,
    );
    assert!(e.to_string().contains(&format!("({at})")), "{e}");

    let state = case
        .world
        .engine
        .run(&slug, &case.recover(at, &slug), Events::default().sink())
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    assert_eq!(case.notes().await, ["before"]);
}

/// A recover run that stopped after Supabase accepted its restore (here: the wait's ceiling
/// passed while the project was still RESTORING) is continued without asking Supabase again:
/// one restore call in all, and the run ends when the project is healthy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_recovery_continues_without_asking_supabase_twice() {
    let Some(case) = case("recovery-resume", "Fortsatt Återställning AB", Some(0.05)).await
    else {
        return;
    };
    let slug = case.world.slug.clone();
    case.plan(json!({ "plan": "pro", "pitr": true })).await;
    let target = case.view().await.latest.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    case.sql("INSERT INTO public.notes VALUES (2, 'after')")
        .await;

    // An engine that keeps a failed run (the window's way) and waits only briefly.
    let mut short = fast_timing();
    short.supabase_ready = std::time::Duration::from_millis(300);
    let impatient = engine(
        &case.world.sim,
        case.world.store.clone(),
        case.world.secrets.clone(),
        FailurePolicy::Pause,
    )
    .with_timing(short);
    let start = impatient
        .record(&slug, &case.recover(target, &slug))
        .unwrap();
    let events = Events::default();
    let state = impatient
        .drive(
            start.driver.clone().unwrap(),
            events.sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Failed, "{}", events.json());
    assert_eq!(events.first_failure()["step"], "supabase.recover");
    assert_eq!(
        events.first_failure()["code"],
        "wait_timeout",
        "{}",
        events.json()
    );

    let events = Events::default();
    let state = case
        .world
        .engine
        .resume(start.run_id, events.sink(), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(case.notes().await, ["before"]);
    let calls = get(&case.world.sim, "/__sim/requests").await;
    let restores = calls["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["method"] == "POST"
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("/database/backups/restore-pitr"))
        })
        .count();
    assert_eq!(restores, 1, "Supabase was asked once");
    assert_eq!(case.backups().len(), 1, "one backup of what it replaced");
}
