//! Seats that disagree: clocks a minute apart take no live run over, and no seat decides where
//! another seat's tokens go.

use super::*;

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
        ok.success() && pressed.contains("som drivs av anna på dator-a"),
        "bo's Provisionera took anna's live run over: {pressed}"
    );
    assert!(
        resumed.contains(&format!(
            "Körningen {run_id} drivs redan av anna på dator-a"
        )),
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
