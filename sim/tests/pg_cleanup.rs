//! A test run stops and removes the PostgreSQL server it started, also when the test process
//! dies without unwinding (abort, kill) or holds the cluster in a `static` that is never dropped.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const CHILD: &str = "FABRIK_PG_CLEANUP_CHILD";

/// Run as a child process by the test below: start a cluster, say where it lives, and die
/// without dropping anything.
#[test]
fn child_starts_a_cluster_and_aborts() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let cluster = fabrik_sim::pg::TestCluster::start().expect("postgres");
    if !cluster.is_owned() {
        println!("NOT-OWNED");
        return;
    }
    let port = cluster
        .url()
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    println!("PORT={port}");
    // What a panic under `panic = "abort"`, a kill -9 or a never-dropped static leaves behind.
    std::mem::forget(cluster);
    std::process::abort();
}

#[test]
fn a_cluster_is_stopped_and_removed_when_its_test_process_dies() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_starts_a_cluster_and_aborts",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if stdout.contains("NOT-OWNED") {
        return; // an external server (FABRIK_TEST_DATABASE_URL): nothing was started
    }
    assert!(!out.status.success(), "the child aborted");
    let port: u16 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("PORT="))
        .unwrap_or_else(|| panic!("the child started a cluster: {stdout}"))
        .trim()
        .parse()
        .unwrap();
    let listening = || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
    let dirs = || -> Vec<PathBuf> {
        std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                std::fs::read_to_string(p.join("data/postmaster.opts"))
                    .is_ok_and(|o| o.contains(&format!("-p {port}")))
            })
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while (listening() || !dirs().is_empty()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!listening(), "the server on port {port} was stopped");
    assert!(dirs().is_empty(), "its directory was removed: {:?}", dirs());
}
