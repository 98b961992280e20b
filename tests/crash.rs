//! The CLI killed with SIGKILL at step boundaries and mid-wait, then resumed: the run completes
//! with exactly one of each resource. Afterwards no secret (the agency token, the generated
//! passwords) appears in the SQLite file, the log files, the CLI output or the JSON events.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use fabrik::secrets::{CustomerSecret, SecretKey, SecretStore};
use fabrik::store::Store;
use fabrik_sim::Profile;
use serde_json::{json, Value};

/// When to kill the process, given each event it prints.
type KillAt = Box<dyn Fn(&Value) -> bool>;

/// Runs a CLI command with `--json`, killing it (SIGKILL) when `kill_at` matches an event.
/// Returns the events it printed, its whole output, and whether it was killed.
fn run_until(mut cmd: Command, kill_at: &dyn Fn(&Value) -> bool) -> (Vec<Value>, String, bool) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
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

fn count_occurrences(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_every_boundary_and_mid_wait_then_resumed_no_duplicates_no_leaks() {
    let Some(_) = keyring("crash") else { return };
    let sim = sim_scaled(Profile::Realistic, 0.03).await;
    let (dir, db, slug) = register_file(&sim, "Krasch Och Återstart AB");

    // Kill points, in order: mid-wait on Supabase, then each step boundary, then mid-build.
    let targets: Vec<KillAt> = {
        let waiting = |step: &'static str| {
            Box::new(move |e: &Value| e["type"] == "step_waiting" && e["step"] == step) as KillAt
        };
        let boundary = || Box::new(|e: &Value| e["type"] == "step_done") as KillAt;
        let mut t = vec![waiting("supabase.ready")];
        t.extend((0..5).map(|_| boundary()));
        t.push(waiting("vercel.deploy"));
        t.extend((0..12).map(|_| boundary()));
        t
    };
    let mut all_output = String::new();
    let mut run_id: Option<i64> = None;
    let mut kills = 0;
    let mut finished = None;
    for target in &targets {
        let mut cmd = cli(&sim, &db);
        match run_id {
            None => cmd.args(["provision", &slug, "--yes", "--json"]),
            Some(id) => cmd.args(["runs", "resume", &id.to_string(), "--json"]),
        };
        let (events, output, killed) = run_until(cmd, target.as_ref());
        all_output.push_str(&output);
        if run_id.is_none() {
            run_id = events
                .iter()
                .find(|e| e["type"] == "run_started")
                .and_then(|e| e["run_id"].as_i64());
        }
        if killed {
            kills += 1;
        } else {
            finished = events
                .iter()
                .find(|e| e["type"] == "run_finished")
                .map(|e| e["state"].clone());
            break;
        }
    }
    if finished.is_none() {
        // Every kill point used up: let the last resume finish.
        let mut cmd = cli(&sim, &db);
        cmd.args(["runs", "resume", &run_id.unwrap().to_string(), "--json"]);
        let (events, output, _) = run_until(cmd, &|_| false);
        all_output.push_str(&output);
        finished = events
            .iter()
            .find(|e| e["type"] == "run_finished")
            .map(|e| e["state"].clone());
    }
    println!("killed {kills} times; finished: {finished:?}");
    assert!(kills >= 5, "the run was interrupted {kills} times");
    assert_eq!(finished, Some(json!("succeeded")), "{all_output}");

    let inv = inventory(&sim).await;
    assert_eq!(
        counts(&inv),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1}),
        "no duplicates"
    );
    let deployments = inv["vercel"]["deployments"].as_array().unwrap();
    assert!(
        deployments.iter().all(|d| d["ready_state"] == "READY"),
        "{deployments:?}"
    );

    // No secret anywhere: the token, the database password, the admin's one-time password.
    let uid = Store::open(&db).unwrap().get_customer(&slug).unwrap().uid;
    let keyring = SecretStore::new("production");
    let secret = |which| {
        keyring
            .get(&SecretKey::Customer {
                customer: uid.clone(),
                which,
            })
            .unwrap()
            .map(|s| s.expose().to_string())
    };
    let mut sentinels = vec![TOKEN.to_string()];
    sentinels.extend(secret(CustomerSecret::DatabasePassword));
    sentinels.extend(secret(CustomerSecret::AdminPassword));
    sentinels.extend(secret(CustomerSecret::ServiceRoleKey));
    assert_eq!(
        sentinels.len(),
        4,
        "the run kept its three secrets in the keyring"
    );
    let mut places: Vec<(String, Vec<u8>)> =
        vec![("CLI output and JSON events".into(), all_output.into_bytes())];
    for entry in std::fs::read_dir(dir.path())
        .unwrap()
        .chain(std::fs::read_dir(dir.path().join("logs")).unwrap())
    {
        let p = entry.unwrap().path();
        if p.is_file() {
            places.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    assert!(
        places.iter().any(|(p, _)| p.contains("logs/fabrik")),
        "the CLI wrote a log file"
    );
    // The search reads the right bytes: the register and the log do name the customer.
    assert!(places
        .iter()
        .filter(|(p, _)| p.contains("fabrik.sqlite3"))
        .any(|(_, b)| count_occurrences(b, &slug) > 0));
    assert!(places
        .iter()
        .filter(|(p, _)| p.contains("logs/fabrik"))
        .any(|(_, b)| count_occurrences(b, &slug) > 0));
    for (place, bytes) in &places {
        for s in &sentinels {
            assert_eq!(
                count_occurrences(bytes, s),
                0,
                "a secret leaked into {place}"
            );
        }
    }
    for which in [
        CustomerSecret::DatabasePassword,
        CustomerSecret::AdminPassword,
        CustomerSecret::ServiceRoleKey,
    ] {
        let _ = keyring.delete(&SecretKey::Customer {
            customer: uid.clone(),
            which,
        });
    }
    sim.shutdown().await;
}
