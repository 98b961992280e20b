//! The CLI killed with SIGKILL at step boundaries and mid-wait, then resumed: the run completes
//! with exactly one of each resource. Afterwards no secret (the agency token, the generated
//! passwords) appears in the SQLite file, the log files, the CLI output or the JSON events.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use fabrik::secrets::{CustomerSecret, SecretKey, SecretStore};
use fabrik::store::Store;
use fabrik_sim::Profile;
use serde_json::{json, Value};

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

    /// `fabrik args…` as this seat, in production against `sim`, on the register at `url`.
    fn command(&self, sim: &fabrik_sim::SimHandle, url: &str, args: &[&str]) -> Command {
        use std::os::unix::process::CommandExt;
        let inner = cli(sim, &self.dir.path().join("local.sqlite3"));
        let mut c = Command::new("dbus-run-session");
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

/// #14, as the agency lives it: two `fabrik` processes (two seats, two keyrings) on one
/// PostgreSQL register and one cloud. What one adds the other lists; both start provisioning
/// the same customer at once and exactly one drives; that seat is killed (SIGKILL to its whole
/// process tree) once the customer's admin user exists; the other is refused with the dead
/// seat's name while the lease holds, takes the run over after it lapses, and finishes with
/// one of each resource. No token reaches the shared register, an output or a seat's disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_seat_processes_one_driver_killed_and_the_other_takes_over() {
    if keyring("seat-processes").is_none() {
        return;
    }
    let sim = sim_scaled(Profile::Realistic, 0.03).await;
    let url = pg_database_url();
    {
        let store = Store::connect(&fabrik::store::db::PgConfig::parse(&url).unwrap()).unwrap();
        for (k, v) in settings_for(&sim) {
            store.set_setting(k, &v).unwrap();
        }
    }
    let seats = [
        SeatProcess::new("anna@dator-a"),
        SeatProcess::new("bo@dator-b"),
    ];
    let mut all_output = String::new();

    // Anna adds the customer; Bo's list has it.
    let (ok, out) = seat_output(seats[0].command(
        &sim,
        &url,
        &[
            "customers",
            "add",
            "--name",
            "Två Processer AB",
            "--email",
            "ekonomi@tvaprocesser.se",
        ],
    ));
    all_output.push_str(&out);
    assert!(ok.success(), "{out}");
    let out = seats[1]
        .command(&sim, &url, &["customers", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", said(&out));
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.len(), 1, "{}", said(&out));
    let slug = listed[0]["slug"].as_str().unwrap().to_string();
    all_output.push_str(&said(&out));

    // Both click Provisionera at once.
    let (tx, rx) = std::sync::mpsc::channel::<SeatLine>();
    let args = ["provision", slug.as_str(), "--yes", "--json"];
    let mut children: Vec<_> = seats
        .iter()
        .enumerate()
        .map(|(i, s)| spawn_seat(s.command(&sim, &url, &args), i, tx.clone()))
        .collect();
    drop(tx);
    let mut lines: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let mut driver: Option<usize> = None;
    let mut killed = false;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while let Ok((seat, line)) =
        rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        let Some(line) = line else { continue };
        let ev: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if ev["type"] == "run_started" {
            assert_eq!(driver.replace(seat), None, "a second driver: {lines:?}");
        }
        lines[seat].push(line);
        if ev["type"] == "step_done" && ev["step"] == "supabase.admin_user" {
            kill_seat(&mut children[seat]);
            killed = true;
            break;
        }
    }
    let driver = driver.unwrap_or_else(|| panic!("nobody drove: {lines:?}"));
    assert!(killed, "the driving seat was killed mid-run: {lines:?}");
    let other = 1 - driver;
    let status = children[other].wait().unwrap();
    // Whatever is still in the pipes (a daemon of the dead seat may hold one open: stop at quiet).
    while let Ok((seat, line)) = rx.recv_timeout(std::time::Duration::from_secs(2)) {
        lines[seat].extend(line);
    }
    let (dead, alive) = (seats[driver].name, seats[other].name);
    let refused = lines[other].join("\n");
    assert!(status.success(), "{refused}");
    assert!(
        refused.contains(&format!("som drivs av {dead}")),
        "the other seat is told whose run it is: {refused}"
    );
    all_output.push_str(&lines.concat().join("\n"));

    // While the dead seat's lease holds, the other is still refused with its name.
    let (ok, out) = seat_output(seats[other].command(&sim, &url, &args));
    all_output.push_str(&out);
    assert!(
        ok.success() && out.contains(&format!("som drivs av {dead}")),
        "{out}"
    );

    let run_id = lines[driver]
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["type"] == "run_started")
        .and_then(|e| e["run_id"].as_i64())
        .unwrap();
    let (ok, out) =
        seat_output(seats[other].command(&sim, &url, &["runs", "resume", &run_id.to_string()]));
    all_output.push_str(&out);
    assert!(
        !ok.success() && out.contains(&format!("Körningen {run_id} drivs redan av {dead}")),
        "{out}"
    );

    // Past the lease it takes the run over and finishes it.
    let killed_at = std::time::Instant::now();
    tokio::time::sleep(fast_timing().lease + std::time::Duration::from_secs(1)).await;
    let (ok, out) = seat_output(seats[other].command(&sim, &url, &args));
    all_output.push_str(&out);
    assert!(ok.success(), "{out}");
    let finished = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["type"] == "run_finished");
    assert_eq!(
        finished.map(|e| e["state"].clone()),
        Some(json!("succeeded")),
        "{out}"
    );
    eprintln!(
        "{dead} drove run {run_id} and was killed after the admin user; {alive} was refused twice \
         with its name, then took over and finished {:.1?} later",
        killed_at.elapsed()
    );

    let inv = inventory(&sim).await;
    assert_eq!(
        counts(&inv),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1}),
        "one of each resource"
    );
    let store = Store::connect(&fabrik::store::db::PgConfig::parse(&url).unwrap()).unwrap();
    let c = store.get_customer(&slug).unwrap();
    let run = store
        .latest_run(c.id, fabrik::environment::Environment::Production)
        .unwrap()
        .unwrap();
    let name = fabrik::seat::name;
    assert_eq!(run.started_by.as_deref().map(name), Some(dead));
    assert_eq!(
        run.seat.as_deref().map(name),
        Some(alive),
        "the run records who finished it"
    );

    // The token is nowhere: not in any table of the shared register, not in anything printed,
    // not on either seat's disk.
    let conn = fabrik::store::db::Conn::postgres(
        fabrik::store::db::PgConn::connect(&fabrik::store::db::PgConfig::parse(&url).unwrap())
            .unwrap(),
    );
    let tables: Vec<String> = conn
        .query_map(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'fabrik'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    assert!(tables.len() > 5, "{tables:?}");
    for t in &tables {
        let hits: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM fabrik.{t} AS x WHERE x::text LIKE '%{TOKEN}%'"),
                (),
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 0, "the token is in the shared register's {t}");
    }
    assert_eq!(
        count_occurrences(all_output.as_bytes(), TOKEN),
        0,
        "{all_output}"
    );
    for seat in &seats {
        let files = seat.files();
        assert!(
            files.iter().any(|(p, _)| p.contains("logs/fabrik")),
            "{files:?}"
        );
        for (place, bytes) in files {
            assert_eq!(
                count_occurrences(&bytes, TOKEN),
                0,
                "the token leaked into {place}"
            );
        }
    }
    sim.shutdown().await;
}

/// Issue #28: a driver frozen (SIGSTOP) between its ownership read and its delete, and thawed
/// after another driver took the run over, makes no provider call. The teardown's read of the
/// workflow is held for a while by the simulator; the `fabrik` process is stopped during it,
/// another driver claims the run, the answer arrives while it is still stopped, and it is
/// thawed: it must not delete the workflow (nor change anything else).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_driver_frozen_between_its_read_and_its_delete_makes_no_call_after_a_takeover() {
    use fabrik::provision::{RunKind, StepKey, StepState};
    if keyring("frozen-driver").is_none() {
        return;
    }
    let sim = sim(Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Fryst Förare AB");
    let provisioned = cli(&sim, &db)
        .args(["provision", &slug, "--yes", "--json"])
        .output()
        .unwrap();
    assert!(provisioned.status.success(), "{}", said(&provisioned));
    let store = Store::open(&db).unwrap();
    // The CLI provisioned production (FABRIK_ENVIRONMENT): read that card.
    let production = fabrik::environment::Environment::Production;
    let workflow = store
        .get_customer_in(&slug, production)
        .unwrap()
        .instance
        .n8n_workflow_id
        .unwrap();
    let path = format!("/n8n/api/v1/workflows/{workflow}");
    fault(
        &sim,
        // Shorter than the CLI's call timeout under FABRIK_FAST_POLL (3 s), stop included.
        json!({"method": "GET", "path": path, "delay_ms": 1500}),
    )
    .await;

    let mut child = cli(&sim, &db)
        .args(["teardown", &slug, "--yes", "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The teardown records `compensating` right before its read of the workflow.
    let c = store.get_customer(&slug).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let run_id = loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the teardown never read the workflow"
        );
        let teardown = store
            .list_runs(Some(c.id), 5)
            .unwrap()
            .into_iter()
            .find(|r| r.kind == RunKind::Teardown);
        if let Some(run) = teardown {
            let reading = store
                .run_steps(run.id)
                .unwrap()
                .iter()
                .any(|s| s.key == StepKey::N8nWorkflow && s.state == StepState::Compensating);
            if reading {
                break run.id;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    let signal = |sig: &str| {
        let ok = Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    };
    signal("-STOP");
    // Another driver takes the run over while this one stands still.
    let other = store
        .claim_stale(run_id, std::time::Duration::ZERO)
        .unwrap()
        .expect("the frozen driver's run can be taken over");
    // The held answer arrives while the process is still stopped.
    std::thread::sleep(std::time::Duration::from_millis(1700));
    api(
        reqwest::Method::DELETE,
        format!("{}/__sim/requests", sim.base_url()),
        None,
    )
    .await;
    signal("-CONT");
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();

    let log = api(
        reqwest::Method::GET,
        format!("{}/__sim/requests", sim.base_url()),
        None,
    )
    .await;
    let changes: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !matches!(r["method"].as_str(), Some("GET" | "HEAD")))
        .collect();
    assert!(
        changes.is_empty(),
        "the thawed driver changed something: {changes:?}\n{stderr}"
    );
    let inv = inventory(&sim).await;
    let workflows: Vec<&str> = inv["n8n"]["workflows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["id"].as_str())
        .collect();
    assert!(workflows.contains(&workflow.as_str()), "{workflows:?}");
    assert!(
        !status.success(),
        "the thawed driver says it lost the run: {stderr}"
    );
    // The run is the other driver's: it can finish it.
    store.heartbeat(&other).unwrap();
    clear_faults(&sim).await;
    sim.shutdown().await;
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
    cmd.args(["teardown", &slug, "--yes", "--json"]);
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
    cmd.args(["teardown", &slug, "--yes", "--json"]);
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

/// #29: a lease judged by each seat's own wall clock let a seat whose clock runs ahead (or a
/// driver whose clock runs behind) take a live run over. Two `fabrik` processes on one
/// PostgreSQL register, the driver's clock 60 s behind and the other's 60 s ahead: while the
/// driver works, the other seat's "Provisionera" is shown the run and whose it is, its resume
/// is refused, and the driver finishes the run with one of each resource.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seats_with_clocks_60_s_apart_do_not_take_a_live_run_over() {
    if keyring("skewed-seats").is_none() {
        return;
    }
    assert!(faketime(), "faketime is missing: run scripts/setup.sh");
    let sim = sim_scaled(Profile::Realistic, 0.05).await;
    let url = pg_database_url();
    {
        let store = Store::connect(&fabrik::store::db::PgConfig::parse(&url).unwrap()).unwrap();
        for (k, v) in settings_for(&sim) {
            store.set_setting(k, &v).unwrap();
        }
    }
    let (behind, ahead) = (
        SeatProcess::skewed("anna@dator-a", "-60"),
        SeatProcess::skewed("bo@dator-b", "+60"),
    );
    let (ok, out) = seat_output(behind.command(
        &sim,
        &url,
        &[
            "customers",
            "add",
            "--name",
            "Skev Klocka AB",
            "--email",
            "ekonomi@skevklocka.se",
        ],
    ));
    assert!(ok.success(), "{out}");
    let slug = "skev-klocka-ab";
    let args = ["provision", slug, "--yes", "--json"];

    // Anna drives; once her run is well under way, Bo presses Provisionera and then resumes.
    let (tx, rx) = std::sync::mpsc::channel::<SeatLine>();
    let mut anna = spawn_seat(behind.command(&sim, &url, &args), 0, tx);
    let mut lines = Vec::new();
    let mut run_id = None;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while let Ok((_, line)) =
        rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        let Some(line) = line else { continue };
        let ev: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        lines.push(line);
        if ev["type"] == "run_started" {
            run_id = ev["run_id"].as_i64();
        }
        if ev["type"] == "step_done" && ev["step"] == "supabase.project" {
            break;
        }
    }
    let run_id = run_id.unwrap_or_else(|| panic!("anna drives: {lines:?}"));
    let (ok, pressed) = seat_output(ahead.command(&sim, &url, &args));
    let (_, resumed) =
        seat_output(ahead.command(&sim, &url, &["runs", "resume", &run_id.to_string()]));

    // Anna finishes her run, whatever Bo did meanwhile.
    let status = anna.wait().unwrap();
    while let Ok((_, line)) = rx.recv_timeout(std::time::Duration::from_secs(2)) {
        lines.extend(line);
    }
    let anna_said = lines.join("\n");
    assert!(
        ok.success() && pressed.contains("som drivs av anna@dator-a"),
        "bo's Provisionera took anna's live run over: {pressed}"
    );
    assert!(
        resumed.contains(&format!("Körningen {run_id} drivs redan av anna@dator-a")),
        "bo's resume took anna's live run over: {resumed}"
    );
    assert!(status.success(), "{anna_said}");
    let finished = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["type"] == "run_finished");
    assert_eq!(
        finished.map(|e| e["state"].clone()),
        Some(json!("succeeded")),
        "{anna_said}"
    );
    assert_eq!(
        counts(&inventory(&sim).await),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1}),
        "one of each resource"
    );
    let store = Store::connect(&fabrik::store::db::PgConfig::parse(&url).unwrap()).unwrap();
    let run = store.get_run(run_id).unwrap();
    assert_eq!(
        run.seat.as_deref().map(fabrik::seat::name),
        Some("anna@dator-a"),
        "anna drove it to the end"
    );
    sim.shutdown().await;
}

/// #29: where a seat's tokens go is decided on that seat. Two `fabrik` processes on one
/// PostgreSQL register: Anna points every endpoint and URL template at a listener of hers, with
/// `fabrik settings set` and straight into the register's settings table (as a modified client
/// could), and asks for a check every five minutes. Bo has set his own endpoints on his computer;
/// his token check, his provisioning and his health check then reach only them: the listener
/// sees no connection at all. Before, the endpoints were the register's, and Bo's tokens went
/// to Anna's listener.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_seat_never_decides_where_this_seats_tokens_go() {
    use fabrik::providers::endpoints::ENDPOINT_KEYS;
    use std::sync::atomic::{AtomicUsize, Ordering};
    if keyring("seat-endpoints").is_none() {
        return;
    }
    let sim = sim(Profile::Instant).await;
    let url = pg_database_url();
    let register = Store::connect(&fabrik::store::db::PgConfig::parse(&url).unwrap()).unwrap();
    // The agency's shared settings; each seat sets its endpoints itself below.
    for (k, v) in settings_for(&sim) {
        if !k.ends_with(".api_url") {
            register.set_setting(k, &v).unwrap();
        }
    }
    // Anna's listener: counts every connection anything makes to it.
    let trap = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let trap_url = format!("http://127.0.0.1:{}", trap.local_addr().unwrap().port());
    let reached = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = reached.clone();
    let listener = tokio::spawn(async move {
        while let Ok((socket, _)) = trap.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    let elsewhere = |key: &str| match key {
        "supabase.project_url_template" => format!("{trap_url}/{{ref}}"),
        "site.url_template" => format!("{trap_url}/{{host}}"),
        _ => format!("{trap_url}/api"),
    };
    let own = |key: &str| match key {
        "supabase.api_url" => sim.supabase_api_url(),
        "supabase.project_url_template" => sim.supabase_project_url_template(),
        "github.api_url" => sim.github_api_url(),
        "vercel.api_url" => sim.vercel_api_url(),
        "n8n.api_url" => sim.n8n_api_url(),
        "resend.api_url" => sim.resend_api_url(),
        _ => sim.vercel_site_url_template(),
    };
    let (anna, bo) = (
        SeatProcess::new("anna@dator-a"),
        SeatProcess::new("bo@dator-b"),
    );
    // Each seat's endpoints come from its own settings here, not from the test's environment.
    let seat_command = |seat: &SeatProcess, args: &[&str]| {
        let mut c = seat.command(&sim, &url, args);
        for (_, env) in ENDPOINT_KEYS {
            c.env_remove(env);
        }
        c
    };
    let run = |seat: &SeatProcess, args: &[&str]| {
        let (status, out) = seat_output(seat_command(seat, args));
        assert!(status.success(), "{args:?}: {out}");
        out
    };
    for (key, _) in ENDPOINT_KEYS {
        run(&bo, &["settings", "set", key, &own(key)]);
    }
    // Anna, afterwards: every endpoint hers, on her seat and in the shared register.
    for (key, _) in ENDPOINT_KEYS {
        run(&anna, &["settings", "set", key, &elsewhere(key)]);
        register.set_setting(key, &elsewhere(key)).unwrap();
    }
    run(&anna, &["settings", "set", "health.check_minutes", "5"]);
    run(
        &anna,
        &[
            "customers",
            "add",
            "--name",
            "Egen Väg AB",
            "--email",
            "ekonomi@egenvag.se",
        ],
    );
    let listed = seat_command(&bo, &["customers", "list", "--json"])
        .output()
        .unwrap();
    let listed: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    let slug = listed[0]["slug"]
        .as_str()
        .expect("Anna's customer")
        .to_string();

    let tested = run(&bo, &["secrets", "test"]);
    let provisioned = run(&bo, &["provision", &slug, "--yes", "--json"]);
    assert!(provisioned.contains("\"succeeded\""), "{provisioned}");
    let checked = run(&bo, &["status", &slug, "--json"]);
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "Bo's seat sent something to Anna's listener"
    );
    let log = api(
        reqwest::Method::GET,
        format!("{}/__sim/requests", sim.base_url()),
        None,
    )
    .await;
    let bo_requests = log["requests"].as_array().unwrap().len();
    assert!(bo_requests > 10, "Bo's seat reached its own endpoints");
    // Anna's own seat does send hers there: the listener counts.
    let (_, annas) = seat_output(seat_command(&anna, &["secrets", "test"]));
    assert!(reached.load(Ordering::SeqCst) > 0, "{annas}");
    listener.abort();
    println!("Bo: {bo_requests} requests to his own endpoints\n{tested}\n{checked}");
    sim.shutdown().await;
}
