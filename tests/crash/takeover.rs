//! A seat that dies mid-run and the one that takes over: the other process drives on, and a
//! driver frozen between its read and its delete makes no call once it lost the run.

use super::*;
use fabrik::customer::rows::CustomerRows;

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
    // A seat is said by its person and computer (`bo på dator-b`), never by its id.
    let dead_shown = dead.replace('@', " på ");
    let refused = lines[other].join("\n");
    assert!(status.success(), "{refused}");
    assert!(
        refused.contains(&format!("som drivs av {dead_shown}")),
        "the other seat is told whose run it is: {refused}"
    );
    all_output.push_str(&lines.concat().join("\n"));

    // While the dead seat's lease holds, the other is still refused with its name.
    let (ok, out) = seat_output(seats[other].command(&sim, &url, &args));
    all_output.push_str(&out);
    assert!(
        ok.success() && out.contains(&format!("som drivs av {dead_shown}")),
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
        !ok.success() && out.contains(&format!("Körningen {run_id} drivs redan av {dead_shown}")),
        "{out}"
    );

    // Past the lease it takes the run over and finishes it.
    let killed_at = std::time::Instant::now();
    tokio::time::sleep(fabrik_cli::FAST_LEASE + std::time::Duration::from_secs(1)).await;
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
        // Shorter than the CLI's call timeout under FABRIK_FAST_POLL (10 s), stop included.
        json!({"method": "GET", "path": path, "delay_ms": 1500}),
    )
    .await;

    let mut child = cli(&sim, &db)
        .args(["teardown", &slug, "--confirm", &slug, "--json"])
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
