//! The register's SQLite file: migrations, reopening, typed uniqueness errors, refusal of a
//! newer schema, and concurrent writers on one file.

use std::sync::{Arc, Barrier};
use std::thread;

use fabrik::customer::{
    CustomerDraft, CustomerPatch, CustomerQuery, ModuleManifest, SortKey, Status,
};
use fabrik::store::{Store, SCHEMA_VERSION};
use fabrik::Error;

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ListingRows;

/// Each test that takes a `Store` (in the modules below) runs on both backends (issue #14): the
/// embedded SQLite register and a shared PostgreSQL one (a fresh database on the tests' own
/// cluster).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(fabrik::store::Store::open_in_memory().unwrap()) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(super::common::pg_store()) } )*
        }
    };
}

mod customers;
mod ledger;
mod listing;
mod migrations;
mod shared;
mod usage;
mod words;

fn draft(name: &str, email: &str) -> CustomerDraft {
    CustomerDraft {
        name: name.into(),
        admin_email: email.into(),
        ..Default::default()
    }
}

fn tmp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/fabrik.sqlite3");
    (dir, path)
}

#[test]
fn migrates_an_empty_file_to_the_current_schema() {
    let (_d, path) = tmp_db();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count_customers().unwrap(), 0);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopening_keeps_the_data_and_timestamps_are_utc() {
    let (_d, path) = tmp_db();
    let m = ModuleManifest::bundled();
    let created = Store::open(&path)
        .unwrap()
        .create_customer(draft("Åsa's Bageri & Café AB", "asa@bageri.se"), &m)
        .unwrap();
    let store = Store::open(&path).unwrap();
    let again = store.get_customer("asas-bageri-cafe-ab").unwrap();
    assert_eq!(again, created);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let raw: String = conn
        .query_row("SELECT created_at FROM customers", [], |r| r.get(0))
        .unwrap();
    assert!(
        raw.ends_with("+00:00") || raw.ends_with('Z'),
        "stored timestamp {raw} is not UTC"
    );
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let (_d, path) = tmp_db();
    drop(Store::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 7)
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Store::open(&path) {
        Err(e @ Error::DatabaseTooNew { .. }) => {
            assert_eq!(e.code().as_str(), "database_too_new");
            assert!(e.to_string().contains("nyare version av Fabrik"), "{e}");
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the newer file was modified"
    );
}

#[test]
fn concurrent_writers_on_one_file_lose_nothing() {
    let (_d, path) = tmp_db();
    drop(Store::open(&path).unwrap());
    let m = Arc::new(ModuleManifest::bundled());
    let writers = 4;
    let per_writer = 40;
    let barrier = Arc::new(Barrier::new(writers));
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let (path, m, barrier) = (path.clone(), m.clone(), barrier.clone());
            thread::spawn(move || {
                // A separate connection per writer, as two processes would have.
                let store = Store::open(&path).unwrap();
                barrier.wait();
                for i in 0..per_writer {
                    store
                        .create_customer(draft(&format!("Kund {w} nr {i}"), "x@kund.se"), &m)
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(
        Store::open(&path).unwrap().count_customers().unwrap(),
        (writers * per_writer) as i64
    );
}

#[test]
fn concurrent_edits_of_different_fields_both_land() {
    let (_d, path) = tmp_db();
    let m = Arc::new(ModuleManifest::bundled());
    Store::open(&path)
        .unwrap()
        .create_customer(draft("Delad Kund", "d@kund.se"), &m)
        .unwrap();
    let rounds = 50;
    let a = {
        let (path, m) = (path.clone(), m.clone());
        thread::spawn(move || {
            let s = Store::open(&path).unwrap();
            for i in 0..rounds {
                s.update_customer(
                    "delad-kund",
                    CustomerPatch {
                        notes: Some(format!("anteckning {i}")),
                        ..Default::default()
                    },
                    &m,
                )
                .unwrap();
            }
        })
    };
    let b = {
        let (path, m) = (path.clone(), m.clone());
        thread::spawn(move || {
            let s = Store::open(&path).unwrap();
            for i in 0..rounds {
                s.update_customer(
                    "delad-kund",
                    CustomerPatch {
                        contact_name: Some(format!("Kontakt {i}")),
                        ..Default::default()
                    },
                    &m,
                )
                .unwrap();
            }
        })
    };
    a.join().unwrap();
    b.join().unwrap();
    let c = Store::open(&path)
        .unwrap()
        .get_customer("delad-kund")
        .unwrap();
    assert_eq!(c.notes, format!("anteckning {}", rounds - 1));
    assert_eq!(
        c.contact_name.as_deref(),
        Some(format!("Kontakt {}", rounds - 1).as_str())
    );
    assert_eq!(c.version, 1 + 2 * rounds as i64, "every write was counted");
}

fn nix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Two computers of one name (`ubuntu`, or the fallback `okänd-dator`) are two seats: the one
/// that drives a run has a process id the other's `/proc` does not know. That says nothing
/// about the run: the other seat must not take it over while its heartbeat is fresh. Before,
/// a seat of the same host name looked the id up in its own `/proc` and took the run at once.
fn a_namesake_seat_keeps_its_hands_off_a_live_run(a: Store, b: Store, set_pid: impl Fn(i64, u32)) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey, STALE_AFTER};
    use fabrik::store::runs::NewRun;

    let name = "okänd@okänd-dator";
    let (a, b) = (a.with_seat(name), b.with_seat(name));
    let c = a
        .create_customer(draft("Namne AB", "a@namne.se"), &ModuleManifest::bundled())
        .unwrap();
    let NewRun::Created(driver) = a
        .create_run(c.id, RunKind::Provision, Environment::Sandbox, StepKey::ALL)
        .unwrap()
    else {
        panic!("a new run");
    };
    // The driving process lives on the other computer: no such process here.
    let mut elsewhere = std::process::Command::new("true").spawn().unwrap();
    let pid = elsewhere.id();
    elsewhere.wait().unwrap();
    set_pid(driver.run_id, pid);
    a.heartbeat(&driver).unwrap();

    assert!(
        b.claim_stale(driver.run_id, STALE_AFTER).unwrap().is_none(),
        "the namesake took a live run over"
    );
    assert!(b
        .claim_run(driver.run_id, RunState::Running, STALE_AFTER)
        .unwrap()
        .is_none());
    assert!(
        b.interrupted_runs(STALE_AFTER, Environment::Sandbox)
            .unwrap()
            .is_empty(),
        "a live run is no interrupted one"
    );
    a.heartbeat(&driver).expect("the first seat still drives");
}

/// Every table of words the schema points at is handed to the register by exactly one crate
/// (`fabrik_base::words`), and a fresh register holds each declared word: the words reach the
/// register from the areas that declare them, which it does not import, so a table left
/// unhanded (or an area the linker dropped) would leave a column refusing every word.
#[test]
fn every_table_of_words_is_handed_once_and_filled() {
    let (_d, path) = tmp_db();
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut pointed_at = std::collections::BTreeSet::new();
    for table in &tables {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT \"table\", \"to\" FROM pragma_foreign_key_list('{table}')"
            ))
            .unwrap();
        let keys = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .unwrap();
        for key in keys {
            let (to, column) = key.unwrap();
            if column.as_deref() == Some("name") {
                pointed_at.insert(to);
            }
        }
    }
    let handed: Vec<&str> = fabrik::words::handed().iter().map(|w| w.table).collect();
    let mut once = handed.clone();
    once.dedup();
    assert_eq!(once, handed, "a table of words is handed twice");
    let handed: std::collections::BTreeSet<String> = handed.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        pointed_at, handed,
        "the tables of words and those handed differ"
    );
    assert_eq!(handed.len(), 30);
    for words in fabrik::words::handed() {
        let stored: Vec<String> = conn
            .prepare(&format!("SELECT name FROM {} ORDER BY name", words.table))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut declared: Vec<String> = (words.words)().iter().map(|w| w.to_string()).collect();
        declared.sort();
        assert_eq!(stored, declared, "{}", words.table);
    }
}
