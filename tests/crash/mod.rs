//! The CLI killed with SIGKILL at step boundaries and mid-wait, then resumed: the run completes
//! with exactly one of each resource. Afterwards no secret (the agency token, the generated
//! passwords) appears in the SQLite file, the log files, the CLI output or the JSON events.

use crate::common;
use fabrik::customer::rows::CustomerRows;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use fabrik::secrets::{CustomerSecret, SecretKey, SecretStore};
use fabrik::store::Store;
use fabrik_sim::Profile;
use serde_json::{json, Value};

mod seats;
mod takeover;

/// When to kill the process, given each event it prints.
type KillAt = Box<dyn Fn(&Value) -> bool>;

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
    // What the last process printed, first in a failure's message (CI cuts a long one short).
    let mut last_output = String::new();
    for target in &targets {
        let mut cmd = cli(&sim, &db);
        match run_id {
            None => cmd.args(["provision", &slug, "--yes", "--json"]),
            Some(id) => cmd.args(["runs", "resume", &id.to_string(), "--json"]),
        };
        let (events, output, killed) = run_until(cmd, target.as_ref());
        all_output.push_str(&output);
        last_output = output;
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
        last_output = format!("{last_output}\n--- the last resume:\n{output}");
        finished = events
            .iter()
            .find(|e| e["type"] == "run_finished")
            .map(|e| e["state"].clone());
    }
    if finished.is_none() && last_output.contains("[run_finished]") {
        // Killed after the ledger recorded the run's end and before `run_finished` was printed
        // (#69): a resume then rightly refuses, naming how the run ended, and changes nothing.
        // The ledger is where that end is read; the refusal alone is not taken for success.
        let run = Store::open(&db).unwrap().get_run(run_id.unwrap()).unwrap();
        finished = Some(json!(run.state.as_str()));
    }
    println!("killed {kills} times; finished: {finished:?}");
    assert!(kills >= 5, "the run was interrupted {kills} times");
    assert_eq!(
        finished,
        Some(json!("succeeded")),
        "the last processes printed:\n{last_output}\n--- everything:\n{all_output}"
    );

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

/// One seat of the agency as its own process tree: `fabrik` in a D-Bus session of its own with
/// its own unlocked keyring (gnome-keyring, its own data folder), a name of its own
/// (`FABRIK_SEAT`), on the shared register. It leads a process group, so "the seat dies" is
/// one SIGKILL to the group: fabrik, its D-Bus daemon and its keyring at once.
struct SeatProcess {
    name: &'static str,
    dir: tempfile::TempDir,
    /// The seat's wall clock off by this (libfaketime's `+60`/`-60`), when set.
    clock: Option<&'static str>,
}

impl SeatProcess {
    fn new(name: &'static str) -> SeatProcess {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["data", "config", "cache", "run"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("run"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        SeatProcess {
            name,
            dir,
            clock: None,
        }
    }

    /// This seat with its wall clock off by `offset` seconds (`"+60"`, `"-60"`): fabrik alone
    /// runs under libfaketime, the seat's D-Bus and keyring keep the true time.
    fn skewed(name: &'static str, offset: &'static str) -> SeatProcess {
        SeatProcess {
            clock: Some(offset),
            ..SeatProcess::new(name)
        }
    }

    /// The seat's session bus, as dbus-run-session's default but with its socket in the seat's
    /// own folder: a seat killed with -9 leaves its socket behind, and in /tmp (the default)
    /// nothing removes it. A socket's path holds at most 107 bytes.
    fn bus_config(&self) -> std::path::PathBuf {
        let dir = self.dir.path();
        let listen = match dir.as_os_str().len() <= 80 {
            true => format!("unix:dir={}", dir.display()),
            false => "unix:tmpdir=/tmp".to_string(),
        };
        let conf = dir.join("session-bus.conf");
        let text = include_str!("../../scripts/session-bus.conf").replace("@LISTEN@", &listen);
        std::fs::write(&conf, text).expect("the seat's bus configuration");
        conf
    }

    /// `fabrik args…` as this seat, in production against `sim`, on the register at `url`.
    fn command(&self, sim: &fabrik_sim::SimHandle, url: &str, args: &[&str]) -> Command {
        use std::os::unix::process::CommandExt;
        let inner = cli(sim, &self.dir.path().join("local.sqlite3"));
        let mut c = Command::new("dbus-run-session");
        c.arg(format!("--config-file={}", self.bus_config().display()));
        c.args([
            "--",
            "bash",
            "-c",
            "echo -n seat | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec \"$@\"",
            "_",
        ]);
        if let Some(offset) = self.clock {
            // Only the wall clock: intervals (the heartbeat's sleep) stay true.
            c.args(["faketime", "-f", offset])
                .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        }
        c.arg(inner.get_program()).args(args);
        for (k, v) in inner.get_envs() {
            if let Some(v) = v {
                c.env(k, v);
            }
        }
        let d = self.dir.path();
        c.env("FABRIK_DATABASE_URL", url)
            .env("FABRIK_SEAT", self.name)
            .env("XDG_DATA_HOME", d.join("data"))
            .env("XDG_CONFIG_HOME", d.join("config"))
            .env("XDG_CACHE_HOME", d.join("cache"))
            .env("XDG_RUNTIME_DIR", d.join("run"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        c
    }

    /// Everything this seat left on its own disk (its log files, its local folder).
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.is_file() {
                    out.push((
                        p.display().to_string(),
                        std::fs::read(&p).unwrap_or_default(),
                    ));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &mut out);
        out
    }
}

/// A line a seat's process printed, or `None` when its output ended.
type SeatLine = (usize, Option<String>);

/// Starts `cmd`, sending each line of its stdout and stderr to `tx` tagged with `seat`.
fn spawn_seat(
    mut cmd: Command,
    seat: usize,
    tx: std::sync::mpsc::Sender<SeatLine>,
) -> std::process::Child {
    let mut child = cmd.spawn().expect("dbus-run-session and fabrik");
    let pipes: [Box<dyn std::io::Read + Send>; 2] = [
        Box::new(child.stdout.take().unwrap()),
        Box::new(child.stderr.take().unwrap()),
    ];
    for pipe in pipes {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send((seat, Some(line)));
            }
            let _ = tx.send((seat, None));
        });
    }
    child
}

/// The seat's whole process group dies at once, as a laptop whose power is cut.
fn kill_seat(child: &mut std::process::Child) {
    let status = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status()
        .unwrap();
    assert!(status.success());
    let _ = child.wait();
}

/// Runs a seat's command to its end: its exit status and everything it printed.
fn seat_output(mut cmd: Command) -> (std::process::ExitStatus, String) {
    let out = cmd.output().unwrap();
    (out.status, said(&out))
}

/// A provisioned customer whose teardown (`fabrik teardown --yes`) is killed with SIGKILL once
/// its first resource is gone, while the next delete is still on its way (held up by the
/// simulator). Returns the simulator, the register, the customer and the teardown's run.
async fn teardown_killed_midway(
    name: &str,
) -> (
    fabrik_sim::SimHandle,
    tempfile::TempDir,
    std::path::PathBuf,
    String,
    i64,
) {
    let sim = sim(Profile::Instant).await;
    let (dir, db, slug) = register_file(&sim, name);
    let mut cmd = cli(&sim, &db);
    cmd.args(["provision", &slug, "--yes", "--json"]);
    let (events, output, _) = run_until(cmd, &|_| false);
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "run_finished" && e["state"] == "succeeded"),
        "{output}"
    );
    fault(
        &sim,
        json!({"method": "DELETE", "path": "/vercel/v9/projects/*", "delay_ms": 5000}),
    )
    .await;
    let mut cmd = cli(&sim, &db);
    cmd.args(["teardown", &slug, "--confirm", &slug, "--json"]);
    let (events, output, killed) = run_until(cmd, &|e| e["type"] == "compensation_done");
    assert!(killed, "the teardown was killed mid-way: {output}");
    clear_faults(&sim).await;
    let run_id = events
        .iter()
        .find_map(|e| e["run_id"].as_i64())
        .expect("the teardown's run");
    let inv = inventory(&sim).await;
    assert!(
        inv["supabase"]["projects"].as_array().unwrap().len() == 1,
        "the teardown stopped with resources left: {inv}"
    );
    (sim, dir, db, slug, run_id)
}

/// What a finished teardown leaves: the run succeeded, nothing Fabrik made exists, the card is
/// cleared and the customer inactive.
async fn torn_down(sim: &fabrik_sim::SimHandle, db: &std::path::Path, slug: &str, run_id: i64) {
    let store = Store::open(db).unwrap();
    let run = store.get_run(run_id).unwrap();
    assert_eq!(run.state.as_str(), "succeeded", "{run:?}");
    let inv = inventory(sim).await;
    assert_eq!(inv["total_created_resources"], 0, "{inv}");
    let c = store
        .get_customer_in(slug, fabrik::environment::Environment::Production)
        .unwrap();
    assert_eq!(c.status, fabrik::customer::Status::Inactive);
    assert!(c.instance.is_empty(), "{:?}", c.instance);
    let teardowns = store
        .list_runs(Some(c.id), 10)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind.as_str() == "teardown")
        .count();
    assert_eq!(
        teardowns, 1,
        "the interrupted teardown was continued, not doubled"
    );
}

/// #28: a teardown killed mid-way is resumed (`fabrik runs resume`, the window's banner) as a
/// teardown: it deletes what remains and ends succeeded, never `cancelled` with nothing done,
/// and no check meant for runs that create stands in its way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_teardown_resumes_and_finishes() {
    let Some(_) = keyring("teardown-resumed") else {
        return;
    };
    let (sim, _dir, db, slug, run_id) = teardown_killed_midway("Avbruten Avveckling AB").await;
    // A teardown only deletes: what the preflight checks for creating (here the sender's
    // domain, no longer verified) stands no more in the way of its resume than of its start.
    Store::open(&db)
        .unwrap()
        .set_setting("email.sender_address", "hej@inte-verifierad.example")
        .unwrap();
    let mut cmd = cli(&sim, &db);
    cmd.args(["runs", "resume", &run_id.to_string(), "--json"]);
    let (events, output, _) = run_until(cmd, &|_| false);
    let finished = events.iter().find(|e| e["type"] == "run_finished");
    assert_eq!(
        finished.map(|e| e["state"].clone()),
        Some(json!("succeeded")),
        "{output}"
    );
    torn_down(&sim, &db, &slug, run_id).await;
    sim.shutdown().await;
}

/// #28: "Avveckla" again after the process died continues the interrupted teardown (its
/// driver is gone) instead of naming it as "already active" and deleting nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_teardown_continues_the_interrupted_one() {
    let Some(_) = keyring("teardown-again") else {
        return;
    };
    let (sim, _dir, db, slug, run_id) = teardown_killed_midway("Avvecklas Igen AB").await;
    let mut cmd = cli(&sim, &db);
    cmd.args(["teardown", &slug, "--confirm", &slug, "--json"]);
    let (events, output, _) = run_until(cmd, &|_| false);
    let finished = events.iter().find(|e| e["type"] == "run_finished");
    assert_eq!(
        finished.map(|e| (e["run_id"].clone(), e["state"].clone())),
        Some((json!(run_id), json!("succeeded"))),
        "{output}"
    );
    torn_down(&sim, &db, &slug, run_id).await;
    sim.shutdown().await;
}

/// Whether libfaketime's `faketime` is here (scripts/setup.sh installs it).
fn faketime() -> bool {
    Command::new("faketime")
        .args(["-f", "+60", "true"])
        .status()
        .is_ok_and(|s| s.success())
}
