//! The shared register as a seat lives with it (issue #29): a lock wait that times out, a
//! server that restarts, a connection cut under it. Each runs on the tests' PostgreSQL; the
//! restart on a cluster of its own, so no other test sees its server go away.

use std::time::{Duration, Instant};

use fabrik::customer::{CustomerDraft, ModuleManifest};
use fabrik::store::db::{Live, LiveStatus, PgConn};
use fabrik::store::Store;

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ListingRows;

fn draft(name: &str) -> CustomerDraft {
    CustomerDraft {
        name: name.into(),
        admin_email: "admin@kund.example.se".into(),
        ..Default::default()
    }
}

fn manifest() -> ModuleManifest {
    ModuleManifest::bundled()
}

/// Waits until `admin` sees a backend of the database waiting for an advisory lock, then
/// cancels it: what the server's statement timeout does after 30 s, without waiting for it.
fn cancel_the_lock_wait(admin: &PgConn) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let waiting = admin
            .batch(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event_type = 'Lock'
                     AND wait_event = 'advisory')
                 THEN RAISE EXCEPTION 'not yet'; END IF; END $$",
            )
            .is_ok();
        if waiting {
            admin
                .batch(
                    "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                     WHERE datname = current_database() AND wait_event = 'advisory'",
                )
                .unwrap();
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no write ever waited for the lock");
}

/// A write that gave up waiting for the write lock leaves no transaction behind: the seat's
/// next write goes through on the same connection.
#[test]
fn a_lock_wait_that_times_out_rolls_back_and_the_next_write_goes_through() {
    let db = common::pg_database();
    let store = std::sync::Arc::new(Store::connect(&db).unwrap());
    // Another seat holds the write lock (the same advisory lock every write takes).
    let other = PgConn::connect(&db).unwrap();
    other
        .batch("BEGIN; SELECT pg_advisory_xact_lock(77246099507531)")
        .unwrap();
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || store.create_customer(draft("Väntade AB"), &manifest()))
    };
    let admin = PgConn::connect(&db).unwrap();
    cancel_the_lock_wait(&admin);
    let waited = writer.join().unwrap();
    assert!(waited.is_err(), "the cancelled wait wrote: {waited:?}");
    other.batch("COMMIT").unwrap();
    let after = store.create_customer(draft("Efteråt AB"), &manifest());
    assert!(
        after.is_ok(),
        "the write after a timed-out lock wait: {}",
        after.unwrap_err()
    );
    assert!(store.get_customer("vantade-ab").is_err());
}

/// The server restarts under a seat (an upgrade, a failover): the seat's next call succeeds
/// within 10 s, on the same store, without reopening anything.
#[test]
fn a_server_restart_is_survived_within_ten_seconds() {
    let cluster = fabrik_sim::pg::TestCluster::start_own().expect("a cluster of its own");
    let config = fabrik::store::db::PgConfig::parse(cluster.url()).unwrap();
    let store = Store::connect(&config).unwrap();
    common::customer(&store, "Före omstarten AB");
    // What the window's banner shows: unreachable while it is, then live again.
    let (tx, said) = std::sync::mpsc::channel();
    let _listener = store.watch(move |e| {
        if let Live::Status(s) = e {
            let _ = tx.send(s);
        }
    });
    assert_eq!(
        said.recv_timeout(Duration::from_secs(10)).unwrap(),
        LiveStatus::Live { resumed: false }
    );
    cluster.restart().expect("pg_ctl restart");
    let restarted = Instant::now();
    let mut last = None;
    while restarted.elapsed() < Duration::from_secs(10) {
        match store.get_customer("fore-omstarten-ab") {
            Ok(_) => {
                last = None;
                break;
            }
            Err(e) => last = Some(e.to_string()),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        last.is_none(),
        "still failing 10 s after the restart: {last:?}"
    );
    let back = restarted.elapsed();
    common::customer(&store, "Efter omstarten AB");
    let mut seen = Vec::new();
    while let Ok(s) = said.recv_timeout(Duration::from_secs(10)) {
        seen.push(s.clone());
        if s == (LiveStatus::Live { resumed: true }) {
            break;
        }
    }
    assert!(
        matches!(seen.first(), Some(LiveStatus::Stopped { .. }))
            && seen.last() == Some(&LiveStatus::Live { resumed: true }),
        "the window was not told the register was gone and back: {seen:?}"
    );
    eprintln!("measured: the first call after a PostgreSQL restart succeeded {back:?} after it");
}

/// A password given in the URL's query (`?password=`) goes to the keyring, as one in its
/// user part does; the choice kept beside the register file holds neither.
#[test]
fn a_password_in_the_urls_query_goes_to_the_keyring_never_to_the_file() {
    if common::keyring("shared-register").is_none() {
        return;
    }
    const PASSWORD: &str = "SENTINEL-query-pw-77c1";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reg.sqlite3");
    let bare = common::pg_database_url();
    let with_password = format!("{bare}?password={PASSWORD}");
    fabrik::store::location::use_shared(&file, &with_password, None, false).unwrap();
    let kept = std::fs::read_to_string(dir.path().join("shared-register.url")).unwrap();
    assert!(!kept.contains(PASSWORD), "in clear in the file: {kept}");
    let config = fabrik::store::db::PgConfig::parse(&bare).unwrap();
    let saved = fabrik::store::location::saved_password(&config).expect("in the keyring");
    assert_eq!(saved.expose(), PASSWORD);
}

/// A register file with a run in progress is not moved: its driver would go on writing to the
/// file while the shared copy showed the run running for ever, for another seat to resume.
/// The refusal names the run and the way out, and the target stays empty.
#[test]
fn a_register_with_a_run_in_progress_is_not_moved() {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, StepKey};
    use fabrik::store::runs::NewRun;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reg.sqlite3");
    let source = Store::open(&file).unwrap();
    let slug = common::customer(&source, "Pågår AB");
    let id = source.get_customer(&slug).unwrap().id;
    let NewRun::Created(driver) = source
        .create_run(
            id,
            RunKind::Provision,
            Environment::Sandbox,
            &[StepKey::SupabaseProject],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    let target = common::pg_store();
    let refused = source.move_into(&target);
    let Err(e) = refused else {
        panic!("moved with run {} running", driver.run_id);
    };
    assert_eq!(e.code(), fabrik::messages::ErrorCode::MoveRunActive, "{e}");
    let said = e.to_string();
    assert!(said.contains(&format!("{}", driver.run_id)), "{said}");
    assert!(said.contains("fabrik runs cancel"), "{said}");
    assert_eq!(target.count_customers().unwrap(), 0, "nothing moved");
}

/// An import waiting for, or holding, the write lock does not hold up the seat's heartbeats:
/// a run driven here keeps its lease and is not taken over meanwhile.
#[test]
fn an_import_never_holds_up_the_seats_heartbeats() {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, StepKey};
    use fabrik::store::runs::NewRun;
    let db = common::pg_database();
    let store = std::sync::Arc::new(Store::connect(&db).unwrap());
    let slug = common::customer(&store, "Driven AB");
    let id = store.get_customer(&slug).unwrap().id;
    let NewRun::Created(driver) = store
        .create_run(
            id,
            RunKind::Provision,
            Environment::Sandbox,
            &[StepKey::SupabaseProject],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    // Another seat holds the write lock, so the import stands inside its transaction for as
    // long as this test likes (a long import, without 100,000 rows).
    let other = PgConn::connect(&db).unwrap();
    other
        .batch("BEGIN; SELECT pg_advisory_xact_lock(77246099507531)")
        .unwrap();
    let csv: String = std::iter::once("name,admin_email\n".to_string())
        .chain((0..500).map(|i| format!("Importerad {i},a{i}@import.se\n")))
        .collect();
    let import = {
        let store = store.clone();
        std::thread::spawn(move || {
            fabrik::register::apply_import(&store, csv.as_bytes(), &manifest()).map(|r| r.added)
        })
    };
    let admin = PgConn::connect(&db).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while admin
        .batch(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event = 'advisory')
             THEN RAISE EXCEPTION 'not yet'; END IF; END $$",
        )
        .is_err()
    {
        assert!(Instant::now() < deadline, "the import never waited");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (beat_tx, beat) = std::sync::mpsc::channel();
    {
        let (store, driver) = (store.clone(), driver.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            let r = store.heartbeat(&driver).map_err(|e| e.to_string());
            let _ = beat_tx.send((r, started.elapsed()));
        });
    }
    let answered = beat.recv_timeout(Duration::from_secs(3));
    other.batch("COMMIT").unwrap();
    let (result, took) = answered.expect("the heartbeat waited for the import");
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(import.join().unwrap().unwrap(), 500);
    eprintln!("measured: a heartbeat during an import took {took:?}");
}

/// The server ends the seat's connection (a network drop, an idle timeout, an administrator):
/// the next call makes it again, also when it was cut while a write waited for the lock, and
/// that write is said as not made.
#[test]
fn a_connection_cut_by_the_server_is_made_again_on_the_next_call() {
    let db = common::pg_database();
    let store = std::sync::Arc::new(Store::connect(&db).unwrap());
    let admin = PgConn::connect(&db).unwrap();
    let cut = |admin: &PgConn| {
        admin
            .batch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .unwrap();
    };
    cut(&admin);
    std::thread::sleep(Duration::from_millis(200));
    common::customer(&store, "Efter Avbrottet AB");

    // Cut while a write waits for the lock another seat holds.
    let other = PgConn::connect(&db).unwrap();
    other
        .batch("BEGIN; SELECT pg_advisory_xact_lock(77246099507531)")
        .unwrap();
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || store.create_customer(draft("Avbruten AB"), &manifest()))
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while admin
        .batch(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event = 'advisory')
             THEN RAISE EXCEPTION 'not yet'; END IF; END $$",
        )
        .is_err()
    {
        assert!(Instant::now() < deadline, "no write waited");
        std::thread::sleep(Duration::from_millis(50));
    }
    admin
        .batch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event = 'advisory'",
        )
        .unwrap();
    let Err(e) = writer.join().unwrap() else {
        panic!("a write whose connection was cut was said to be made");
    };
    assert_eq!(
        e.code(),
        fabrik::messages::ErrorCode::RegisterUnreachable,
        "{e}"
    );
    drop(other);
    let again = store.create_customer(draft("Sedan AB"), &manifest());
    assert!(again.is_ok(), "{}", again.unwrap_err());
    assert!(store.get_customer("avbruten-ab").is_err());
}
