//! The migrations on registers as older versions left them, and the vocabularies they hold. A
//! register holds every area's tables and words, so these run on the whole program (each area
//! hands the register its words: `fabrik::words`), not in the register's crate.

use std::path::Path;

use rusqlite::{params, Connection};

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::environment::Environment;
use fabrik::ledger::{AdoptionState, AllowedBy, LogLevel, RunKind, RunState, StepKey, StepState};
use fabrik::provision::adoptions::AdoptionRows;
use fabrik::store::migrations::{PG_BASELINE, PG_STEPS, STEPS};
use fabrik::store::Store;
use fabrik::store::SCHEMA_VERSION;

/// A register file as version `version` of Fabrik left it, holding what `rows` inserts.
fn register_at(path: &Path, version: usize, rows: &str) {
    let mut conn = Connection::open(path).unwrap();
    // As `migrate` runs them: 019's search triggers call this, and a rebuild (023) drops
    // tables other tables point at.
    fabrik::store::register_functions(&conn).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let tx = conn.transaction().unwrap();
    for sql in &STEPS[..version] {
        tx.execute_batch(sql).unwrap();
    }
    tx.commit().unwrap();
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    conn.execute_batch(rows).unwrap();
}

/// A register as version 2 of Fabrik left it: one customer with a failed run.
fn version_2_register(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(STEPS[0]).unwrap();
    conn.execute_batch(STEPS[1]).unwrap();
    conn.pragma_update(None, "user_version", 2).unwrap();
    conn.execute_batch(
        "INSERT INTO customers (id, slug, name, admin_email, plan, status, search_text, created_at, updated_at)
           VALUES (1, 'kund-ab', 'Kund AB', 'a@kund.se', 'starter', 'failed', 'kund ab', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
         INSERT INTO runs (id, customer_id, kind, state, environment, error, failed_step, started_at, finished_at)
           VALUES (7, 1, 'provision', 'failed', 'sandbox', 'Vercel svarade 400', 'vercel.env', '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00');
         INSERT INTO run_steps (run_id, key, state, attempts, external_id, created, output, seq)
           VALUES (7, 'supabase.project', 'succeeded', 1, 'abcdefghijklmnopqrst', 1, '{\"ref\":\"abcdefghijklmnopqrst\"}', 1),
                  (7, 'vercel.env', 'failed', 2, NULL, 0, NULL, NULL),
                  (7, 'finalize', 'pending', 0, NULL, 0, NULL, NULL);
         INSERT INTO run_log (run_id, step, at, level, message) VALUES
                  (7, NULL, '2026-01-01T00:00:00+00:00', 'info', 'Körningen startar'),
                  (7, 'vercel.env', '2026-01-01T00:01:00+00:00', 'error', 'Vercel svarade 400');",
    )
    .unwrap();
}

#[test]
fn a_version_2_register_upgrades_in_place_with_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    version_2_register(&path);

    let store = Store::open(&path).unwrap();
    let run = store.get_run(7).unwrap();
    assert_eq!(run.kind, RunKind::Provision);
    assert_eq!(run.state, RunState::Failed);
    assert_eq!(run.environment, Environment::Sandbox);
    assert_eq!(run.failed_step, Some(StepKey::VercelEnv));
    let steps = store.run_steps(7).unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0].key, StepKey::SupabaseProject);
    assert_eq!(
        steps[0].external_id.as_deref(),
        Some("abcdefghijklmnopqrst")
    );
    assert_eq!(steps[1].state, StepState::Failed);
    let log = store.run_log(7, 0).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].level, LogLevel::Error);
    // The card and the status moved to the environment the customer's runs were in.
    let customer = store
        .get_customer_in("kund-ab", Environment::Sandbox)
        .unwrap();
    assert_eq!(customer.status, fabrik::customer::Status::Failed);
    let elsewhere = store
        .get_customer_in("kund-ab", Environment::Production)
        .unwrap();
    assert_eq!(elsewhere.status, fabrik::customer::Status::Pending);
    // The one-active-run rule survived the rebuild.
    store
        .claim_run(7, RunState::Running, std::time::Duration::from_secs(10))
        .unwrap();
    let guard = store.conn();
    let conn = guard.as_sqlite().unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let second = conn.execute(
        "INSERT INTO runs (customer_id, kind, state, environment, started_at) VALUES (1, 'provision', 'running', 'sandbox', 'x')",
        [],
    );
    assert!(second.is_err(), "a second active run is refused");
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
}

/// Version 10 rebuilds the ledger for "Uppdatera moduler"; an adoption that points at a run
/// comes through with its run (adoptions are rebuilt first, so no DROP meets a reference).
#[test]
fn a_version_9_register_keeps_its_adoptions_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    register_at(
        &path,
        9,
        "PRAGMA foreign_keys = ON;
             INSERT INTO customers (id, slug, name, admin_email, plan, search_text, created_at, updated_at, uid)
               VALUES (1, 'kund-ab', 'Kund AB', 'a@kund.se', 'starter', 'kund ab', 'x', 'x', 'u-1');
             INSERT INTO instances (customer_id, environment, status, updated_at) VALUES (1, 'sandbox', 'active', 'x');
             INSERT INTO runs (id, customer_id, kind, state, environment, started_at, driver)
               VALUES (5, 1, 'provision', 'succeeded', 'sandbox', 'x', 'tok');
             INSERT INTO run_steps (run_id, key, state, error_en) VALUES (5, 'github.repo', 'succeeded', 'e');
             INSERT INTO adoptions (customer_id, environment, resource, step, state, refused_run)
               VALUES (1, 'sandbox', 'kund-ab', 'github.repo', 'refused', 5);",
    );
    let store = Store::open(&path).unwrap();
    assert_eq!(store.adoptions(1).unwrap().len(), 1);
    assert_eq!(store.run_steps(5).unwrap().len(), 1);
    // Before any update the applied modules are unknown.
    assert_eq!(store.applied(1, Environment::Sandbox).unwrap(), None);
    let guard = store.conn();
    let conn = guard.as_sqlite().unwrap();
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    let refs: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'adoptions'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!refs.contains("_v10"), "{refs}");
}

/// Versions 17 and 18 rebuild `runs`; a roll-out's member and a backup point at their run
/// with `ON DELETE SET NULL`. With foreign keys on during the migrations, the rebuild's
/// DROP TABLE deleted every run first and cut those links: the roll-out forgot which run
/// updated each instance, and each backup which run took it.
#[test]
fn a_version_16_register_keeps_the_runs_of_its_roll_out_members_and_backups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    register_at(
        &path,
        16,
        "PRAGMA foreign_keys = ON;
             INSERT INTO customers (id, slug, name, admin_email, plan, modules, notes, is_example, search_text, created_at, updated_at, version, uid)
               VALUES (1, 'kund-ab', 'Kund AB', 'a@kund.se', 'starter', '[]', '', 0, 'kund ab', 'x', 'x', 1, 'u-1');
             INSERT INTO runs (id, customer_id, kind, state, environment, started_at)
               VALUES (7, 1, 'migrate', 'succeeded', 'sandbox', 'x'), (8, 1, 'backup', 'succeeded', 'sandbox', 'x');
             INSERT INTO rollouts (id, environment, source, migrations, state, wave, halt_share, created_at, updated_at)
               VALUES (3, 'sandbox', 'supabase/migrations', '[]', 'done', 1, 0.5, 'x', 'x');
             INSERT INTO rollout_members (rollout_id, customer_id, wave, state, run_id) VALUES (3, 1, 1, 'done', 7);
             INSERT INTO backups (customer_id, environment, project_ref, run_id, reason, file, bytes, sha256, key_id, tables, created_at)
               VALUES (1, 'sandbox', 'abcdefghijklmnopqrst', 8, 'on_demand', 'f', 1, 's', 'k', '[]', 'x');",
    );
    let store = Store::open(&path).unwrap();
    let guard = store.conn();
    let conn = guard.as_sqlite().unwrap();
    let member: Option<i64> = conn
        .query_row("SELECT run_id FROM rollout_members", [], |r| r.get(0))
        .unwrap();
    let backup: Option<i64> = conn
        .query_row("SELECT run_id FROM backups", [], |r| r.get(0))
        .unwrap();
    assert_eq!((member, backup), (Some(7), Some(8)));
    // The roll-out's kind points at the declared words now: kept, and nothing else taken.
    let kind: String = conn
        .query_row("SELECT kind FROM rollouts WHERE id = 3", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kind, "schema");
    let undeclared = conn.execute(
        "INSERT INTO rollouts (environment, source, migrations, state, halt_share, created_at, updated_at, kind)
           VALUES ('sandbox', 's', '[]', 'planned', 0.5, 'x', 'x', 'rotate_secret')",
        [],
    );
    assert!(
        undeclared.is_err(),
        "a kind of roll-out the code does not declare"
    );
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    let on: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!(on, 1, "foreign keys are on again after the migrations");
}

/// A register whose usage days were kept before the fleet's series were (version 32): its
/// series are rebuilt from the days as it opens, a day without the figure a gap.
#[test]
fn a_version_32_register_gets_its_series_from_the_days_it_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    let mut rows = String::from(
        "INSERT INTO customers (id, slug, name, admin_email, plan, modules, notes, is_example, search_text, created_at, updated_at, version, uid)
           VALUES (1, 'kund-ab', 'Kund AB', 'a@kund.se', 'starter', '[]', '', 0, 'kund ab', 'x', 'x', 1, 'u-1');
         INSERT INTO instances (customer_id, environment, status, updated_at) VALUES (1, 'sandbox', 'active', 'x');
         INSERT OR IGNORE INTO figures (name) VALUES ('database_bytes'), ('auth_users');",
    );
    for d in [1, 2, 4] {
        rows.push_str(&format!(
            "INSERT INTO usage_days (customer_id, environment, day, collected_at) VALUES (1, 'sandbox', '2026-03-0{d}', 'x');
             INSERT INTO usage_figures (customer_id, environment, day, figure, value) VALUES (1, 'sandbox', '2026-03-0{d}', 'database_bytes', {d}.0);"
        ));
    }
    // Day 3 was read, but not its database's size.
    rows.push_str(
        "INSERT INTO usage_days (customer_id, environment, day, collected_at) VALUES (1, 'sandbox', '2026-03-03', 'x');
         INSERT INTO usage_figures (customer_id, environment, day, figure, value) VALUES (1, 'sandbox', '2026-03-03', 'auth_users', 5.0);",
    );
    register_at(&path, 32, &rows);
    let store = Store::open(&path).unwrap();
    // The series as kept (`metering::kept_series` reads it): its first day and a value a day.
    let kept = store
        .conn()
        .rows(
            "SELECT customer_id, environment, figure, first_day, series FROM usage_series",
            (),
        )
        .unwrap();
    let row = |r: &fabrik::store::db::Row| -> (i64, String, String, String, String) {
        (
            r.get(0).unwrap(),
            r.get(1).unwrap(),
            r.get(2).unwrap(),
            r.get(3).unwrap(),
            r.get(4).unwrap(),
        )
    };
    assert_eq!(
        kept.iter().map(row).collect::<Vec<_>>(),
        [(
            1,
            "sandbox".to_string(),
            "database_bytes".to_string(),
            "2026-03-01".to_string(),
            "[1.0,2.0,null,4.0]".to_string()
        )]
    );
}

/// A kind of run or a step the code declares and the register lacks (a build with a new
/// kind opens it) is added when it opens, with no migration; the ledger takes it at once.
#[test]
fn a_word_the_register_lacks_is_added_when_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    drop(Store::open(&path).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "DELETE FROM run_kinds WHERE name = 'recover';
             DELETE FROM step_keys WHERE name = 'supabase.recover';
             DELETE FROM rollout_kinds WHERE name = 'template';",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let guard = store.conn();
    let conn = guard.as_sqlite().unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM run_kinds") as usize,
        RunKind::ALL.len()
    );
    assert_eq!(
        count("SELECT count(*) FROM step_keys") as usize,
        StepKey::ALL.len()
    );
    assert_eq!(
        count("SELECT count(*) FROM rollout_kinds") as usize,
        fabrik::ledger::RolloutKind::ALL.len()
    );
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

/// A register with a kind of run this build does not declare was written by a newer Fabrik:
/// refused, naming the word, and not a byte of the file changes.
#[test]
fn a_register_with_a_newer_kind_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    drop(Store::open(&path).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = DELETE;
             INSERT INTO run_kinds (name) VALUES ('invite_member');",
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert_eq!(err.code().as_str(), "database_newer_words");
    assert!(err.to_string().contains("invite_member"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is unchanged"
    );
}

/// Each enumerated column accepts exactly its vocabulary: every member, and nothing else.
#[test]
fn check_constraints_hold_exactly_the_vocabularies() {
    let store = Store::open_in_memory().unwrap();
    let guard = store.conn();
    let conn = guard.as_sqlite().unwrap();
    conn.execute_batch(
        "INSERT INTO customers (id, slug, name, admin_email, plan, search_text, created_at, updated_at)
           VALUES (1, 'kund-ab', 'Kund AB', 'a@kund.se', 'starter', 'kund ab', 'x', 'x');",
    )
    .unwrap();
    let instance = |env: &str, status: &str| {
        conn.execute(
            "INSERT OR REPLACE INTO instances (customer_id, environment, status, updated_at) VALUES (1, ?1, ?2, 'x')",
            params![env, status],
        )
    };
    for e in Environment::ALL {
        for s in fabrik::customer::Status::ALL {
            assert!(instance(e.as_str(), s.as_str()).is_ok(), "{e} {s}");
        }
    }
    assert!(instance("test", "active").is_err());
    assert!(instance("sandbox", "paused").is_err());
    let run = |kind: &str, state: &str, env: &str, failed: Option<&str>| {
        conn.execute(
            "INSERT INTO runs (customer_id, kind, state, environment, failed_step, started_at) VALUES (1, ?1, ?2, ?3, ?4, 'x')",
            params![kind, state, env, failed],
        )
    };
    for k in RunKind::ALL {
        assert!(run(k.as_str(), "succeeded", "sandbox", None).is_ok(), "{k}");
    }
    for s in RunState::ALL.iter().filter(|s| !s.is_active()) {
        assert!(run("provision", s.as_str(), "sandbox", None).is_ok(), "{s}");
    }
    for e in Environment::ALL {
        assert!(run("provision", "failed", e.as_str(), None).is_ok(), "{e}");
    }
    for k in StepKey::ALL {
        assert!(
            run("provision", "failed", "sandbox", Some(k.as_str())).is_ok(),
            "{k}"
        );
    }
    assert!(run("deploy", "failed", "sandbox", None).is_err());
    assert!(run("provision", "paused", "sandbox", None).is_err());
    assert!(run("provision", "failed", "test", None).is_err());
    assert!(run("provision", "failed", "sandbox", Some("vercel.dns")).is_err());
    // Each active state, one at a time (one active run per customer).
    for s in RunState::ACTIVE {
        assert!(run("provision", s.as_str(), "sandbox", None).is_ok(), "{s}");
        conn.execute("DELETE FROM runs WHERE state = ?1", [s.as_str()])
            .unwrap();
    }
    let step = |key: &str, state: &str| {
        conn.execute(
            "INSERT OR REPLACE INTO run_steps (run_id, key, state) VALUES ((SELECT max(id) FROM runs), ?1, ?2)",
            params![key, state],
        )
    };
    for k in StepKey::ALL {
        for s in StepState::ALL {
            assert!(step(k.as_str(), s.as_str()).is_ok(), "{k} {s}");
        }
    }
    assert!(step("supabase.project", "done").is_err());
    assert!(step("supabase.db", "pending").is_err());
    let log = |step: Option<&str>, level: &str| {
        conn.execute(
            "INSERT INTO run_log (run_id, step, at, level, message) VALUES ((SELECT max(id) FROM runs), ?1, 'x', ?2, 'm')",
            params![step, level],
        )
    };
    for l in LogLevel::ALL {
        assert!(log(None, l.as_str()).is_ok(), "{l}");
    }
    assert!(log(Some("finalize"), "info").is_ok());
    assert!(log(None, "debug").is_err());
    assert!(log(Some("nope"), "info").is_err());
    let adoption = |resource: &str, state: &str, by: Option<&str>| {
        conn.execute(
            "INSERT INTO adoptions (customer_id, environment, resource, state, allowed_by) VALUES (1, 'sandbox', ?1, ?2, ?3)",
            params![resource, state, by],
        )
    };
    for (i, s) in AdoptionState::ALL.iter().enumerate() {
        assert!(adoption(&format!("r{i}"), s.as_str(), None).is_ok(), "{s}");
    }
    for (i, b) in AllowedBy::ALL.iter().enumerate() {
        assert!(
            adoption(&format!("b{i}"), "allowed", Some(b.as_str())).is_ok(),
            "{b}"
        );
    }
    assert!(adoption("x", "taken", None).is_err());
    assert!(adoption("y", "allowed", Some("api")).is_err());
}

mod words;
mod words_everywhere;

/// Each table of words and the words the program declares for it, as the register fills them.
fn declared() -> Vec<(&'static str, Vec<&'static str>)> {
    fabrik::words::handed()
        .into_iter()
        .map(|w| (w.table, (w.words)()))
        .collect()
}
