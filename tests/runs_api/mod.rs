//! The window's provisioning commands (Tauri-free): in the sandbox a customer is provisioned
//! from "Provisionera" with events forwarded to the host, shown in the history, and torn
//! down only after its slug is typed.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fabrik::ledger::RunKind;
use fabrik::provision::RunRequest;
use fabrik::provision::{RunEvent, RunState};
use fabrik::services::register::Register;
use fabrik::services::runs::RunsApi;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::supervisor::host::RunHost;

mod health;
pub(crate) mod intake;
mod notices;
mod proof;
mod relocation;
mod tick;
mod usage;

/// Both tests use the real sandbox keyring namespace; they must not overlap.
pub(crate) static SANDBOX: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[derive(Default)]
pub(crate) struct Host {
    events: Mutex<Vec<RunEvent>>,
    pub(crate) notices: Mutex<Vec<String>>,
    sweeps: Mutex<Vec<fabrik::supervisor::host::Sweep>>,
}

impl RunHost for Host {
    fn emit(&self, event: &RunEvent) {
        self.events.lock().unwrap().push(event.clone());
    }
    fn notify(&self, title: &str, body: &str) {
        self.notices
            .lock()
            .unwrap()
            .push(format!("{title}: {body}"));
    }
    fn sweep(&self, status: &fabrik::supervisor::host::Sweep) {
        self.sweeps.lock().unwrap().push(status.clone());
    }
}

impl Host {
    pub(crate) async fn finished(&self, run_id: i64) -> RunState {
        for _ in 0..1200 {
            if let Some(state) = self.events.lock().unwrap().iter().find_map(|e| match e {
                RunEvent::RunFinished {
                    run_id: id, state, ..
                } if *id == run_id || run_id < 0 => Some(*state),
                _ => None,
            }) {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "run {run_id} did not finish; events: {:?}",
            self.events.lock().unwrap()
        );
    }
}

/// Starts provisioning the customer from the window's supervisor; the run's id.
pub(crate) async fn start_provision(runs: &RunsApi, host: &Arc<Host>, slug: &str) -> i64 {
    runs.supervisor()
        .start_run(slug.to_string(), RunRequest::Provision, host.clone())
        .await
        .unwrap()
        .outcome
        .run_id
}

/// The customer's runs once none is active: a provisioning run is followed by a backup of the
/// new workflow to the sandbox's Gitea, and a teardown waits for it to end.
pub(crate) async fn settled(runs: &RunsApi, slug: &str) -> Vec<fabrik::store::runs::RunRow> {
    for _ in 0..1200 {
        let list = runs.list_runs(Some(slug.to_string())).unwrap();
        // A provisioning run that succeeded last has its backup still to come.
        let backup_to_come = list
            .first()
            .is_some_and(|r| r.kind == RunKind::Provision && r.state == RunState::Succeeded);
        if !backup_to_come && list.iter().all(|r| !r.state.is_active()) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{slug} still has an active run");
}

/// The sandbox over this test's own keyring namespace: nextest runs every test in a process
/// of its own, side by side, so the app's shared "sandbox" namespace would let one test's
/// saved token reach another's simulator (a 401 in CI).
async fn sandbox(
    api: &Register,
    secrets: fabrik::secrets::SecretStore,
    dir: &std::path::Path,
) -> CloudApi {
    CloudApi::open_with(
        api.shared_store(),
        fabrik::supervisor::cloud::Environment::Sandbox,
        secrets,
        dir,
    )
    .await
    .unwrap()
}

/// The window's APIs over a fresh register in the sandbox (fast clock; a register file, or a
/// PostgreSQL register in the test command's PostgreSQL pass); `None` without a keyring. Hold `SANDBOX` first: the tests of one process share the sandbox's clock setting.
pub(crate) struct Sandboxed {
    _dir: tempfile::TempDir,
    pub(crate) api: Register,
    pub(crate) cloud: Arc<CloudApi>,
    pub(crate) runs: Arc<RunsApi>,
}

pub(crate) async fn sandboxed(customers: &[&str]) -> Option<(Sandboxed, Vec<String>)> {
    // The test command's PostgreSQL pass (`FABRIK_TEST_REGISTER=postgres`): the register is a
    // fresh database on the tests' cluster, shared by every seat a test makes.
    let on_pg = matches!(
        std::env::var("FABRIK_TEST_REGISTER").as_deref(),
        Ok("postgres")
    );
    sandboxed_on(on_pg.then(common::pg_database), customers).await
}

/// `sandboxed`, on the PostgreSQL database given (a register file when none).
pub(crate) async fn sandboxed_on(
    pg: Option<fabrik::store::db::PgConfig>,
    customers: &[&str],
) -> Option<(Sandboxed, Vec<String>)> {
    let secrets = common::keyring("runs-api")?;
    // Only this test binary sets it: the sandbox's clock, fast.
    std::env::set_var("FABRIK_SANDBOX_TIME_SCALE", "0.01");
    let dir = tempfile::tempdir().unwrap();
    let api = match pg {
        Some(config) => Register::new(fabrik::store::Store::connect(&config).unwrap()),
        None => Register::open(&dir.path().join("fabrik.sqlite3")).unwrap(),
    };
    let slugs = customers
        .iter()
        .map(|n| common::customer(api.store(), n))
        .collect();
    let cloud = Arc::new(sandbox(&api, secrets, dir.path()).await);
    let runs = RunsApi::window(api.shared_store(), cloud.clone());
    Some((
        Sandboxed {
            _dir: dir,
            api,
            cloud,
            runs,
        },
        slugs,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provision_from_the_window_in_the_sandbox() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((
        Sandboxed {
            api, cloud, runs, ..
        },
        slugs,
    )) = sandboxed(&["Fönster Kund AB"]).await
    else {
        return;
    };
    let slug = slugs[0].clone();
    assert_eq!(
        cloud.environment,
        fabrik::supervisor::cloud::Environment::Sandbox,
        "a fresh install starts in the sandbox"
    );
    assert!(
        runs.supervisor().readiness().unwrap().ready,
        "the sandbox needs no tokens"
    );

    let plan = runs.plan(slug.clone()).await.unwrap();
    assert!(plan.feasible && plan.items.len() == 12);

    let host = Arc::new(Host::default());
    let first = runs
        .supervisor()
        .start_run(slug.clone(), RunRequest::Provision, host.clone())
        .await
        .unwrap()
        .outcome;
    let second = runs
        .supervisor()
        .start_run(slug.clone(), RunRequest::Provision, host.clone())
        .await
        .unwrap()
        .outcome;
    assert_eq!(first.run_id, second.run_id, "pressing twice starts one run");
    assert!(second.already_running);
    assert_eq!(host.finished(first.run_id).await, RunState::Succeeded);
    assert!(host
        .notices
        .lock()
        .unwrap()
        .iter()
        .any(|n| n.starts_with("Provisionering klar")));
    // The run's own steps: the host also hears the run that follows a provisioning (a backup
    // of its workflow, where the seat has a Gitea), whose step may end before this counts.
    let steps_done: Vec<String> = host
        .events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            RunEvent::StepDone { run_id, step, .. } if *run_id == first.run_id => {
                Some(step.as_str().to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(steps_done.len(), 14, "{steps_done:?}");

    let c = api.get_customer(slug.clone()).unwrap();
    assert_eq!(c.status, fabrik::customer::Status::Active);
    assert!(
        c.links.production.is_some()
            && c.links.github.is_some()
            && c.links.supabase.is_some()
            && c.links.vercel.is_some()
    );
    // The new workflow went to the backup repository by a run of its own, right after.
    let history = settled(&runs, &slug).await;
    let kinds: Vec<_> = history.iter().map(|r| (r.kind, r.state)).collect();
    assert_eq!(
        kinds,
        [
            (RunKind::WorkflowBackup, RunState::Succeeded),
            (RunKind::Provision, RunState::Succeeded)
        ],
        "newest first"
    );
    let detail = runs.run_detail(first.run_id).unwrap();
    assert!(detail
        .steps
        .iter()
        .all(|s| s.state == fabrik::provision::StepState::Succeeded));
    assert!(!detail.log.is_empty());

    // "Avveckla" needs the slug typed exactly.
    assert_eq!(
        runs.supervisor()
            .start_run(
                slug.clone(),
                RunRequest::Teardown {
                    confirmation: "fel".into()
                },
                host.clone()
            )
            .await
            .map(|_| ())
            .unwrap_err()
            .code
            .as_str(),
        "not_confirmed"
    );
    let teardown_host = Arc::new(Host::default());
    runs.supervisor()
        .start_run(
            slug.clone(),
            RunRequest::Teardown {
                confirmation: slug.clone(),
            },
            teardown_host.clone(),
        )
        .await
        .unwrap();
    assert_eq!(teardown_host.finished(-1).await, RunState::Succeeded);
    let inv: serde_json::Value = reqwest::get(format!(
        "{}/__sim/inventory",
        cloud.sandbox.as_ref().unwrap().base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(inv["total_created_resources"], 0);
    assert_eq!(
        api.get_customer(slug).unwrap().status,
        fabrik::customer::Status::Inactive
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_saved_in_the_sandbox_works_at_once() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some(secrets) = common::keyring("sandbox-token") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let api = Register::open(&dir.path().join("fabrik.sqlite3")).unwrap();
    let cloud = Arc::new(sandbox(&api, secrets, dir.path()).await);
    let provider = fabrik::secrets::Provider::Github;
    cloud
        .save_credential(provider, "SENTINEL-saved-while-running-42".into())
        .unwrap();
    let status = cloud.test_credential(provider).await.unwrap();
    assert_eq!(
        status.state,
        fabrik::credentials::CredentialState::Verified,
        "{:?}",
        status.verification
    );
    cloud.delete_credential(provider).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_refuses_to_provision_until_tokens_and_settings_are_there() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some(secrets) = common::keyring("readiness") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let api = Register::open(&dir.path().join("fabrik.sqlite3")).unwrap();
    let slug = common::customer(api.store(), "Produktion Kund AB");
    let cloud = Arc::new(
        CloudApi::open_with(
            api.shared_store(),
            fabrik::supervisor::cloud::Environment::Production,
            secrets,
            dir.path(),
        )
        .await
        .unwrap(),
    );
    let runs = RunsApi::window(api.shared_store(), cloud.clone());
    let r = runs.supervisor().readiness().unwrap();
    assert!(!r.ready);
    assert!(
        r.reason.unwrap().sv.contains("github.template"),
        "the missing settings are named first"
    );
    for (k, v) in [
        ("github.template", "byran/mall"),
        ("github.owner", "byran"),
        ("supabase.organization", "byran"),
        ("email.sender_address", "hej@byran.se"),
    ] {
        api.store().set_setting(k, v).unwrap();
    }
    let r = runs.supervisor().readiness().unwrap();
    assert!(!r.ready);
    assert_eq!(
        r.missing.len(),
        5,
        "no token is saved in this keyring namespace: {:?}",
        r.missing
    );
    assert!(r.reason.unwrap().sv.starts_with("Token saknas för GitHub"));
    let err = runs
        .supervisor()
        .start_run(slug, RunRequest::Provision, Arc::new(Host::default()))
        .await
        .map(|_| ())
        .unwrap_err();
    // The one way in runs the preflight before the gate (issue #27): it names every missing
    // token at once, where the gate (`not_ready`) named the first problem.
    assert_eq!(err.code.as_str(), "preflight_failed", "{}", err.message);
    assert!(
        api.store().list_runs(None, 10).unwrap().is_empty(),
        "nothing was started"
    );
}

/// "Försök igen" clicked twice in the window: the second click is refused at once with
/// `run_busy`, and the run the first click drives ends as it should. (Before, the second
/// click was accepted, its driver was refused in the background, and that refusal marked the
/// first driver's run "failed" while it was still running.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_retry_click_is_refused_and_the_first_driver_finishes() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some(secrets) = common::keyring("runs-api-retry") else {
        return;
    };
    std::env::set_var("FABRIK_SANDBOX_TIME_SCALE", "0.01");
    let dir = tempfile::tempdir().unwrap();
    let api = Register::open(&dir.path().join("fabrik.sqlite3")).unwrap();
    let slug = common::customer(api.store(), "Två Klick AB");
    let cloud = Arc::new(sandbox(&api, secrets, dir.path()).await);
    let sim = cloud.sandbox.as_ref().unwrap().base_url();
    let http = reqwest::Client::new();
    let fault = serde_json::json!({"method": "POST", "path": "/vercel/v11/projects", "status": 400, "times": 1});
    assert!(http
        .post(format!("{sim}/__sim/faults"))
        .json(&fault)
        .send()
        .await
        .unwrap()
        .status()
        .is_success());
    let runs = RunsApi::window(api.shared_store(), cloud.clone());
    // The agency asked to hear of failed runs by email.
    cloud
        .set_setting("alerts.email".into(), "larm@byran.example.se".into())
        .unwrap();
    let host = Arc::new(Host::default());
    let run = start_provision(&runs, &host, &slug).await;
    assert_eq!(host.finished(run).await, RunState::Failed);
    let alerts = || agency_emails(sim);
    let mut sent = alerts().await;
    for _ in 0..100 {
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        sent = alerts().await;
    }
    assert_eq!(sent.len(), 1, "one alert for the failed run");
    let text = sent[0]["text"].as_str().unwrap();
    assert!(
        text.contains(&slug) && text.contains(&format!("Körning {run}")),
        "{sent:?}"
    );

    let retry = Arc::new(Host::default());
    runs.supervisor().resume(run, retry.clone()).await.unwrap();
    let second = runs.supervisor().resume(run, retry.clone()).await;
    assert_eq!(
        second.map(|_| ()).unwrap_err().code.as_str(),
        "run_busy",
        "the second click is refused, not a second driver"
    );
    assert_eq!(retry.finished(run).await, RunState::Succeeded);
    let finished: Vec<RunState> = retry
        .events
        .lock()
        .unwrap()
        .iter()
        // This run's ending: a run that follows it (the workflow's first backup after a
        // provisioning) tells the same host of its own (full run, once under load).
        .filter_map(|e| match e {
            RunEvent::RunFinished { state, run_id, .. } if *run_id == run => Some(*state),
            _ => None,
        })
        .collect();
    assert_eq!(finished, [RunState::Succeeded], "one driver, one ending");
    assert_eq!(runs.run_detail(run).unwrap().run.state, RunState::Succeeded);
    assert_eq!(alerts().await.len(), 1, "no alert for a run that succeeded");
    settled(&runs, &slug).await;
    // Leave nothing in the shared sandbox keyring namespace.
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

/// Several customers started from one dialog are checked once: the dialog's preflight stands
/// for the starts that follow it (before, each start repeated the token checks and Resend's
/// domain list, against its 2 requests a second). A changed setting forgets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_preflight_serves_the_starts_of_one_dialog() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((Sandboxed { cloud, runs, .. }, slugs)) =
        sandboxed(&["Först I Kön AB", "Sist I Kön AB"]).await
    else {
        return;
    };
    let base = cloud.sandbox.as_ref().unwrap().base_url().to_string();
    let domain_lists = || async {
        let log: serde_json::Value = reqwest::get(format!("{base}/__sim/requests"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["method"] == "GET" && r["path"] == "/resend/domains")
            .count()
    };
    // A run's own sending key looks the sender's domain up too (`resend.sending_key`, once the
    // project is up): the runs wait at their project's creation while the checks are counted.
    reqwest::Client::new()
        .post(format!("{base}/__sim/faults"))
        .json(&serde_json::json!({"method": "POST", "path": "/supabase/v1/projects", "delay_ms": 8000}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();

    let found = runs.preflight().await.unwrap();
    assert!(found.iter().all(|f| !f.blocking), "{found:?}");
    let host = Arc::new(Host::default());
    let mut ids = Vec::new();
    for slug in &slugs {
        ids.push(
            runs.supervisor()
                .start_run(slug.clone(), RunRequest::Provision, host.clone())
                .await
                .unwrap()
                .outcome
                .run_id,
        );
    }
    assert_eq!(
        domain_lists().await,
        1,
        "one check for the dialog and both starts"
    );

    cloud
        .set_setting("email.support_address".into(), "hjalp@byran.se".into())
        .unwrap();
    runs.supervisor()
        .start_run(slugs[0].clone(), RunRequest::Provision, host.clone())
        .await
        .unwrap();
    assert_eq!(
        domain_lists().await,
        2,
        "a changed setting is checked again"
    );

    // Starts at the same moment (a bulk backup's first runs) share one check too.
    cloud
        .set_setting("email.support_address".into(), "support@byran.se".into())
        .unwrap();
    let together = slugs.iter().map(|slug| {
        runs.supervisor()
            .start_run(slug.clone(), RunRequest::Provision, host.clone())
    });
    for started in futures_util::future::join_all(together).await {
        started.unwrap();
    }
    assert_eq!(
        domain_lists().await,
        3,
        "one check for starts at the same moment"
    );
    for id in ids {
        assert_eq!(host.finished(id).await, RunState::Succeeded);
    }
}

async fn wait_sweep(
    health: &fabrik::supervisor::sweep::HealthChecks,
) -> fabrik::supervisor::host::Sweep {
    for _ in 0..600 {
        let s = health.sweep();
        if !s.running {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the sweep did not end");
}

/// The emails the simulated Resend sent to the agency's alert address (`alerts.email`).
pub(crate) async fn agency_emails(sim: &str) -> Vec<serde_json::Value> {
    let inv: serde_json::Value = reqwest::get(format!("{sim}/__sim/inventory"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    inv["resend"]["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to"].to_string().contains("larm@byran.example.se"))
        .cloned()
        .collect()
}
