//! The last CHECK lists move into tables of words (issue #69, migration 040): a register that
//! version 39 left, with a row in each of the 13 tables that still held lists, keeps every row
//! (and its rowid, and the customers' search), and each of the 25 columns takes every word the
//! code declares and refuses any other. The shared register's: tests/store/words.rs.

use rusqlite::Connection;

use super::declared;
use super::register_at;
use super::words::{check_lists, rows};
use fabrik::store::Store;

/// Each column that held a list until 039, and its table of words since 040.
const WORD_COLUMNS: &[(&str, &str, &str)] = &[
    ("customers", "plan", "plans"),
    ("instances", "environment", "environments"),
    ("instances", "status", "statuses"),
    ("instances", "applied_plan", "plans"),
    ("instances", "template_base_how", "template_base_hows"),
    ("listing", "environment", "environments"),
    ("listing", "status", "statuses"),
    ("health_checks", "environment", "environments"),
    ("backups", "environment", "environments"),
    ("backups", "reason", "backup_reasons"),
    ("rollout_members", "state", "rollout_member_states"),
    ("template_prs", "environment", "environments"),
    ("template_prs", "state", "template_pr_states"),
    ("workflow_backups", "environment", "environments"),
    ("workflow_backups", "target", "workflow_backup_targets"),
    ("workflow_backups", "reason", "workflow_backup_reasons"),
    ("runs", "state", "run_states"),
    ("runs", "environment", "environments"),
    ("run_steps", "state", "step_states"),
    ("run_log", "level", "log_levels"),
    ("adoptions", "environment", "environments"),
    ("adoptions", "state", "adoption_states"),
    ("adoptions", "allowed_by", "adoption_approvers"),
    ("rollouts", "environment", "environments"),
    ("rollouts", "state", "rollout_states"),
];

fn tables() -> Vec<&'static str> {
    let mut t: Vec<&str> = WORD_COLUMNS.iter().map(|(t, _, _)| *t).collect();
    t.dedup();
    t
}

#[test]
fn a_version_39_register_keeps_every_row_as_its_last_lists_move_into_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    let rows_sql = include_str!("register_039_rows.sql");
    register_at(&path, 39, &format!("PRAGMA foreign_keys = ON;\n{rows_sql}"));
    let tables = tables();
    assert_eq!(tables.len(), 13);
    let snapshot = |conn: &Connection| -> Vec<Vec<String>> {
        let mut all: Vec<Vec<String>> = tables.iter().map(|t| rows(conn, t)).collect();
        // The rowids too: the customers' search points at them, and a rebuild must keep them.
        for t in ["instances", "health_checks", "rollout_members", "run_steps"] {
            let mut stmt = conn
                .prepare(&format!("SELECT rowid FROM {t} ORDER BY rowid"))
                .unwrap();
            let ids = stmt
                .query_map([], |r| r.get::<_, i64>(0))
                .unwrap()
                .map(|r| r.unwrap().to_string())
                .collect();
            all.push(ids);
        }
        all.push(rows(conn, "customers_find"));
        all
    };
    let before = snapshot(&Connection::open(&path).unwrap());
    assert!(before.iter().all(|r| !r.is_empty()), "{before:?}");
    let lists_before: usize = {
        let conn = Connection::open(&path).unwrap();
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_master WHERE type = 'table'")
            .unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|s| check_lists(&s.unwrap()).len())
            .sum()
    };
    assert_eq!(lists_before, 25, "the lists version 39 held");

    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    // The search's triggers call these, as the store's connections do.
    fabrik::store::register_functions(&conn).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    assert_eq!(
        snapshot(&conn),
        before,
        "every row, rowid and column as it was"
    );
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        .unwrap();
    let left: Vec<String> = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .filter(|(_, sql)| !check_lists(sql).is_empty())
        .map(|(name, _)| name)
        .collect();
    assert!(left.is_empty(), "lists of words left in {left:?}");
    // The listing and the search still follow the customers (their triggers were made again).
    conn.execute(
        "INSERT INTO customers (id, slug, name, admin_email, plan, search_text, created_at, updated_at, uid)
           VALUES (3, 'ny-ab', 'Ny AB', 'n@ny.se', 'professional', 'ny ab', 'z', 'z', 'u-3')",
        [],
    )
    .unwrap();
    let listed: i64 = conn
        .query_row(
            "SELECT count(*) FROM listing WHERE customer_id = 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(listed as usize, fabrik::environment::Environment::ALL.len());
    let found: i64 = conn
        .query_row(
            "SELECT count(*) FROM customers_find WHERE rowid = 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 1);

    // Each column points at its table of words, which holds every word the code declares, and
    // refuses any other.
    for (table, column, words) in WORD_COLUMNS {
        let points_at: String = conn
            .query_row(
                &format!(
                    "SELECT \"table\" FROM pragma_foreign_key_list('{table}') WHERE \"from\" = ?1"
                ),
                [column],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{table}.{column} points at no table: {e}"));
        assert_eq!(&points_at, words, "{table}.{column}");
        let declared = declared()
            .into_iter()
            .find(|(t, _)| t == words)
            .unwrap_or_else(|| panic!("{words} is not filled from the code"))
            .1;
        let mut stmt = conn
            .prepare(&format!("SELECT name FROM {words} ORDER BY name"))
            .unwrap();
        let held: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let mut want: Vec<String> = declared.iter().map(|w| w.to_string()).collect();
        want.sort();
        assert_eq!(held, want, "{words}");
        let stranger = conn.execute(
            &format!("UPDATE {table} SET {column} = 'nonsense' WHERE {column} IS NOT NULL"),
            [],
        );
        assert!(stranger.is_err(), "{table}.{column} takes a stranger");
    }
}
