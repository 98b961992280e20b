//! A test run stops and removes the PostgreSQL server it started, also when the test process
//! dies without unwinding (abort, kill) or holds the cluster in a `static` that is never dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CHILD: &str = "FABRIK_PG_CLEANUP_CHILD";

/// A test's name as the test binary knows it: its path below the crate (`pg_cleanup::…`).
fn this_module(test: &str) -> String {
    let path = module_path!().split_once("::").map_or("", |(_, m)| m);
    format!("{path}::{test}")
}

/// Run as a child process by the test below: start a cluster, say where it lives, and die
/// without dropping anything.
#[test]
fn child_starts_a_cluster_and_aborts() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let cluster = fabrik_sim::pg::TestCluster::start_own().expect("postgres");
    if !cluster.is_owned() {
        println!("NOT-OWNED");
        return;
    }
    println!("PORT={}", port_of(cluster.url()));
    // What a panic under `panic = "abort"`, a kill -9 or a never-dropped static leaves behind.
    std::mem::forget(cluster);
    std::process::abort();
}

#[test]
fn a_cluster_is_stopped_and_removed_when_its_test_process_dies() {
    if in_child() {
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &this_module("child_starts_a_cluster_and_aborts"),
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

/// Every file of shared memory the server maps lies in its own folder, so that a server killed
/// with kill -9 leaves none behind once the folder is gone: PostgreSQL's default keeps its
/// dynamic shared memory in /dev/shm, where nothing removes a killed server's segments.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_cluster_leaves_no_shared_memory_behind() {
    if in_child() {
        return;
    }
    let cluster = fabrik_sim::pg::TestCluster::start_own().expect("postgres");
    let data = cluster
        .data_dir()
        .expect("a cluster of its own")
        .to_path_buf();
    let pid = std::fs::read_to_string(data.join("postmaster.pid")).unwrap();
    let pid = pid.lines().next().unwrap().trim().to_string();
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let files: Vec<&str> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|f| f.starts_with("/dev/shm/") || f.contains("pg_dynshmem"))
        .collect();
    assert!(
        !files.is_empty(),
        "the postmaster maps its dynamic shared memory: {maps}"
    );
    let outside: Vec<&&str> = files
        .iter()
        .filter(|f| !Path::new(f).starts_with(&data))
        .collect();
    assert!(
        outside.is_empty(),
        "shared memory outside {}: {outside:?}",
        data.display()
    );
    Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    drop(cluster);
    let left: Vec<&&str> = files.iter().filter(|f| Path::new(f).exists()).collect();
    assert!(
        left.is_empty(),
        "left behind by the killed server: {left:?}"
    );
}

const PERSISTENT_CHILD: &str = "FABRIK_PG_PERSISTENT_CHILD";

/// Whether this process is one of the children the tests below start.
fn in_child() -> bool {
    std::env::var_os(CHILD).is_some() || std::env::var_os(PERSISTENT_CHILD).is_some()
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn with_db(url: &str, db: &str) -> String {
    format!("{}/{db}", url.rsplit_once('/').unwrap().0)
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

/// A kept data directory: databases written in one life of the server are there in the next,
/// the server is stopped on drop, and the directory stays.
#[tokio::test]
async fn a_persistent_cluster_keeps_its_data_across_restarts() {
    if in_child() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let first = fabrik_sim::pg::TestCluster::persistent(dir.path()).expect("postgres");
    assert!(first.is_owned());
    let port = port_of(first.url());
    let admin = connect(first.url()).await;
    admin.batch_execute("CREATE DATABASE kept").await.unwrap();
    let kept = connect(&with_db(first.url(), "kept")).await;
    kept.batch_execute("CREATE TABLE t (x text); INSERT INTO t VALUES ('still here')")
        .await
        .unwrap();
    drop((admin, kept));
    drop(first);
    assert!(!listening(port), "the server on port {port} was stopped");
    assert!(
        dir.path().join("data/PG_VERSION").exists(),
        "the data directory stays"
    );
    assert!(!dir.path().join("data/postmaster.pid").exists());

    let second = fabrik_sim::pg::TestCluster::persistent(dir.path()).expect("postgres again");
    let kept = connect(&with_db(second.url(), "kept")).await;
    let row = kept.query_one("SELECT x FROM t", &[]).await.unwrap();
    assert_eq!(row.get::<_, String>(0), "still here");
    drop(kept);
    // A second server on the same directory is refused while this one runs.
    let refused = fabrik_sim::pg::TestCluster::persistent(dir.path()).unwrap_err();
    assert!(refused.to_string().contains("already runs"), "{refused}");
    drop(second);
}

/// Run as a child process by the test below: start a persistent cluster and die.
#[test]
fn child_starts_a_persistent_cluster_and_aborts() {
    let Some(dir) = std::env::var_os(PERSISTENT_CHILD) else {
        return;
    };
    let cluster =
        fabrik_sim::pg::TestCluster::persistent(std::path::Path::new(&dir)).expect("postgres");
    println!("PORT={}", port_of(cluster.url()));
    std::mem::forget(cluster);
    std::process::abort();
}

#[test]
fn a_persistent_cluster_is_stopped_but_kept_when_its_process_dies() {
    if in_child() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &this_module("child_starts_a_persistent_cluster_and_aborts"),
            "--nocapture",
        ])
        .env(PERSISTENT_CHILD, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the child aborted");
    let port: u16 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("PORT="))
        .unwrap_or_else(|| panic!("the child started a cluster: {stdout}"))
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while listening(port) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!listening(port), "the server on port {port} was stopped");
    assert!(
        dir.path().join("data/PG_VERSION").exists(),
        "its data was kept"
    );
}
