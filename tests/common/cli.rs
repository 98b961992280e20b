//! The `fabrik` CLI as the tests run it: pointed at a simulator, on a register file, killed
//! at an event, and what it printed.

use std::io::BufRead as _;
use std::sync::Arc;
use std::time::Duration;

use fabrik::environment::Environment;
use fabrik::provision::FailurePolicy;
use fabrik::secrets::SecretStore;
use fabrik::store::Store;
use fabrik_sim::SimHandle;
use serde_json::Value;

use super::{
    customer, engine_timed, fast_timing, provision_logged, settings_for, RESEND_KEY, TOKEN,
};

/// What a CLI process printed, stdout then stderr.
pub fn said(out: &std::process::Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The `fabrik` executable the tests run as the command line: the window's own binary with a
/// subcommand (src-tauri, #71), which `scripts/test.sh` builds before the tests.
pub fn fabrik_exe() -> std::path::PathBuf {
    let exe = assert_cmd::cargo::cargo_bin("fabrik");
    assert!(
        exe.exists(),
        "{} is missing: the command line is the app's binary; build it first (cargo build -p \
         fabrik-app, as scripts/test.sh does)",
        exe.display()
    );
    exe
}

/// The `fabrik` CLI in production mode, pointed at a test's simulator with tokens from the
/// environment (FABRIK_*), on the register `db`.
#[allow(dead_code)] // only the binaries that run the CLI use it
pub fn cli(sim: &SimHandle, db: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(fabrik_exe());
    c.env("FABRIK_DB", db)
        .env("FABRIK_ENVIRONMENT", "production")
        .env("FABRIK_FAST_POLL", "1")
        .env("FABRIK_SUPABASE_API_URL", sim.supabase_api_url())
        .env(
            "FABRIK_SUPABASE_PROJECT_URL_TEMPLATE",
            sim.supabase_project_url_template(),
        )
        .env("FABRIK_GITHUB_API_URL", sim.github_api_url())
        .env("FABRIK_VERCEL_API_URL", sim.vercel_api_url())
        .env("FABRIK_N8N_API_URL", sim.n8n_api_url())
        .env("FABRIK_RESEND_API_URL", sim.resend_api_url())
        .env("FABRIK_GITEA_API_URL", sim.gitea_api_url())
        .env("FABRIK_SITE_URL_TEMPLATE", sim.vercel_site_url_template());
    for var in [
        "FABRIK_GITHUB_TOKEN",
        "FABRIK_SUPABASE_TOKEN",
        "FABRIK_VERCEL_TOKEN",
        "FABRIK_N8N_API_KEY",
    ] {
        c.env(var, TOKEN);
    }
    c.env("FABRIK_RESEND_API_KEY", RESEND_KEY);
    c
}

/// A register file in production with one customer per name, every one provisioned (at once)
/// on the simulator: the folder, the file, the register and the slugs.
#[allow(dead_code)] // only the binaries with a delivered fleet use it
pub async fn delivered_fleet(
    sim: &SimHandle,
    secrets: SecretStore,
    names: &[String],
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Arc<Store>,
    Vec<String>,
) {
    let (dir, db, first) = register_file(sim, &names[0]);
    let store = Arc::new(Store::open(&db).unwrap());
    let mut slugs = vec![first];
    for name in &names[1..] {
        slugs.push(customer(&store, name));
    }
    // The fleet's runs go at once, and each polls its deployment until it is ready: from the
    // fast timing's 20 ms, twelve spent Vercel's 100 reads a minute (contracts/README.md)
    // within a second and the pacer held every run for the rest of the minute (65 of the
    // template roll-out test's 75 s). Polled more slowly the more runs there are, they stay
    // within it.
    let mut timing = fast_timing();
    let at_once = slugs.len() as u32;
    timing.poll.first = timing.poll.first.max(Duration::from_millis(20) * at_once);
    timing.poll.cap = timing.poll.cap.max(Duration::from_millis(40) * at_once);
    let engine = engine_timed(
        sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
        Environment::Production,
        timing,
    );
    let runs = slugs.iter().map(|s| provision_logged(&engine, s));
    for (_, state, events) in futures_util::future::join_all(runs).await {
        assert_eq!(
            state,
            fabrik::provision::RunState::Succeeded,
            "{}",
            events.json()
        );
    }
    (dir, db, store, slugs)
}

/// A register file, as the CLI opens it, with the simulator's settings and one customer.
#[allow(dead_code)] // only the binaries that run the CLI use it
pub fn register_file(
    sim: &SimHandle,
    name: &str,
) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fabrik.sqlite3");
    let store = Store::open(&db).unwrap();
    for (k, v) in settings_for(sim) {
        store.set_setting(k, &v).unwrap();
    }
    let slug = customer(&store, name);
    (dir, db, slug)
}

/// Runs a CLI command with `--json`, killing it (SIGKILL) when `kill_at` matches an event.
/// Returns the events it printed, its whole output, and whether it was killed.
#[allow(dead_code)] // only the binaries that kill the CLI use it
pub fn run_until(
    mut cmd: std::process::Command,
    kill_at: &dyn Fn(&Value) -> bool,
) -> (Vec<Value>, String, bool) {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut events = Vec::new();
    let mut output = String::new();
    let mut killed = false;
    for line in stdout.lines() {
        let line = line.unwrap();
        output.push_str(&line);
        output.push('\n');
        if let Ok(ev) = serde_json::from_str::<Value>(&line) {
            let hit = kill_at(&ev);
            events.push(ev);
            if hit {
                child.kill().unwrap(); // SIGKILL on Unix: no cleanup, no last ledger write.
                killed = true;
                break;
            }
        }
    }
    let out = child.wait_with_output().unwrap();
    output.push_str(&String::from_utf8_lossy(&out.stdout));
    output.push_str(&String::from_utf8_lossy(&out.stderr));
    (events, output, killed)
}
