//! "Utrullningar" through the window's commands (`Fabrik`, Tauri-free) in the sandbox: a
//! delivered instance is behind a folder's file, the plan applies nothing, a second plan is
//! refused while it is open, "Starta" answers at once and pressing it twice drives it once,
//! and the roll-out ends with the instance's `migrate` run linked from its member.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fabrik::api::app::{Fabrik, Host};
use fabrik::api::commands::Commands;
use fabrik::ledger::{MemberState, RolloutState};
use fabrik::provision::{RunEvent, RunKind, RunRequest, RunState};
use fabrik::services::register::Register;
use fabrik::services::rollouts::RolloutSource;
use fabrik::supervisor::host::RunHost;

#[derive(Default)]
struct Window {
    events: Mutex<Vec<RunEvent>>,
    notified: Mutex<Vec<String>>,
}

impl RunHost for Window {
    fn emit(&self, event: &RunEvent) {
        self.events.lock().unwrap().push(event.clone());
    }
    fn notify(&self, title: &str, body: &str) {
        self.notified
            .lock()
            .unwrap()
            .push(format!("{title}: {body}"));
    }
}

impl fabrik::update::window::UpdateHost for Window {}

impl Host for Window {
    fn open_url(&self, _url: &str) -> Result<(), String> {
        Ok(())
    }
    fn restart(&self) {}
}

impl Window {
    async fn finished(&self, run_id: i64) -> RunState {
        for _ in 0..1200 {
            if let Some(state) = self.events.lock().unwrap().iter().find_map(|e| match e {
                RunEvent::RunFinished {
                    run_id: id, state, ..
                } if *id == run_id => Some(*state),
                _ => None,
            }) {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("run {run_id} did not finish");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roll_out_from_the_window_in_the_sandbox() {
    let Some(_keyring) = common::keyring("rollouts-window") else {
        return;
    };
    std::env::set_var("FABRIK_SANDBOX_TIME_SCALE", "0.01");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fabrik.sqlite3");
    let slug = {
        let api = Register::open(&db).unwrap();
        // The reader reads English: the run's end is notified in English (#68).
        api.set_language(fabrik::services::register::Language::En)
            .unwrap();
        common::customer(api.store(), "Vågen Kund AB")
    };
    let window = Arc::new(Window::default());
    let app = Fabrik::open(&db, dir.path(), window.clone());

    // A delivered instance.
    let run = app
        .start_run(slug.clone(), RunRequest::Provision)
        .await
        .unwrap();
    assert_eq!(window.finished(run.run_id).await, RunState::Succeeded);
    // The notification follows the run's last event.
    let mut said = Vec::new();
    for _ in 0..100 {
        said = window.notified.lock().unwrap().clone();
        if !said.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        said.iter()
            .any(|n| n.contains("Vågen Kund AB: ") && n.contains(" is done")),
        "{said:?}"
    );
    assert!(!said.iter().any(|n| n.contains("är klar")), "{said:?}");
    // The customer by the owner's word, its name; never the slug.
    assert!(!said.iter().any(|n| n.contains(&slug)), "{said:?}");
    let overview = app.rollouts_overview().await.unwrap();
    assert_eq!(overview.instances.len(), 1);
    assert_eq!(overview.instances[0].slug, slug);
    assert!(overview.open.is_none() && overview.rollouts.is_empty() && overview.driving.is_empty());

    // A folder with one file the instance lacks.
    let files = dir.path().join("mall").join("supabase").join("migrations");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        files.join("20260101000000_orders.sql"),
        "create table if not exists public.orders (id bigint primary key);\n\
         alter table public.orders enable row level security;\n",
    )
    .unwrap();
    let source = RolloutSource::Dir {
        path: dir.path().join("mall").display().to_string(),
    };

    // A folder that is not there: the core's own refusal.
    let missing = RolloutSource::Dir {
        path: dir.path().join("finns-inte").display().to_string(),
    };
    let e = app
        .plan_rollout(missing, "1,10%,rest".into(), 0.2)
        .await
        .unwrap_err();
    assert_eq!(e.code.as_str(), "rollout_plan");

    let plan = app
        .plan_rollout(source.clone(), "1,10%,rest".into(), 0.2)
        .await
        .unwrap();
    let id = plan.rollout.id;
    assert_eq!(plan.rollout.state, RolloutState::Planned);
    assert_eq!(plan.files.len(), 1);
    assert_eq!(plan.files[0].version, "20260101000000");
    assert_eq!(plan.members.len(), 1);
    assert_eq!(plan.members[0].state, MemberState::Pending);
    assert!(plan.members[0].run_id.is_none(), "a plan starts nothing");
    let e = app
        .plan_rollout(source, "1,10%,rest".into(), 0.2)
        .await
        .unwrap_err();
    assert_eq!(
        e.code.as_str(),
        "rollout_open",
        "one open roll-out at a time"
    );
    let overview = app.rollouts_overview().await.unwrap();
    assert_eq!(overview.open.as_ref().map(|v| v.rollout.id), Some(id));

    // "Starta" twice at once: both answer, one driver.
    let (a, b) = tokio::join!(app.start_rollout(id), app.start_rollout(id));
    let (a, b) = (a.unwrap(), b.unwrap());
    // The press that started the driver answers once it holds the roll-out; the other may
    // answer before that, with where it stood.
    assert!(
        [&a, &b]
            .iter()
            .any(|v| v.rollout.state != RolloutState::Planned),
        "started: {:?} {:?}",
        a.rollout.state,
        b.rollout.state
    );
    let mut end = None;
    for _ in 0..600 {
        let v = app.rollout(id).await.unwrap();
        if !matches!(v.rollout.state, RolloutState::Running) {
            end = Some(v);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let end = end.expect("the roll-out ended");
    eprintln!(
        "roll-out {id} ended {:?}: {:?}",
        end.rollout.state, end.members[0].reason
    );
    assert_eq!(end.rollout.state, RolloutState::Done);
    let member = &end.members[0];
    assert_eq!(member.state, MemberState::Done);
    assert_eq!(member.version_after.as_deref(), Some("20260101000000"));
    let run_id = member.run_id.expect("the member links to its run");
    let migrations: Vec<_> = app
        .list_runs(Some(slug.clone()))
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == RunKind::Migrate)
        .collect();
    assert_eq!(migrations.len(), 1, "one migrate run: one driver");
    assert_eq!(migrations[0].id, run_id);
    // Who is behind: nobody now.
    let overview = app.rollouts_overview().await.unwrap();
    assert_eq!(
        overview.instances[0].schema_version.as_deref(),
        Some("20260101000000")
    );

    // The driver let go; the roll-out is history now.
    for _ in 0..50 {
        if app.rollouts_overview().await.unwrap().driving.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let overview = app.rollouts_overview().await.unwrap();
    assert!(overview.driving.is_empty());
    assert!(overview.open.is_none());
    assert_eq!(overview.rollouts.first().map(|r| r.id), Some(id));
    // A finished roll-out cannot be aborted, and starting it again does nothing.
    let e = app.abort_rollout(id).await.unwrap_err();
    assert_eq!(e.code.as_str(), "rollout_state");
    let again = app.resume_rollout(id).await.unwrap();
    assert_eq!(again.rollout.state, RolloutState::Done);
}
