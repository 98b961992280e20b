//! Words go into tables, not CHECK lists (issues #39 and #56): no migration from 023 on declares
//! a new list, and a register at version 30 keeps every row when 031 points its columns at the
//! tables of words.

use rusqlite::Connection;

use super::declared;
use super::{register_at, PG_BASELINE, PG_STEPS, STEPS};
use fabrik::store::Store;

/// The version from which a word is a row of a table the code fills (`store::words`).
const WORDS_IN_TABLES: i64 = 23;

/// The migrations that brought CHECK lists back after 023, before this test held; 031 moves
/// each of their lists into a table of words (`a_version_30_register_…` below, and the
/// shared register's in tests/store/words.rs). They stay as they are: registers ran them.
const BEFORE_THIS_TEST: [i64; 3] = [25, 26, 27];

/// Each `CHECK (column IN ('a', 'b', …))` of a migration: the column and its words, sorted. A
/// list of numbers (`IN (0, 1)`, SQLite's booleans) holds no words and is left out.
pub(super) fn check_lists(sql: &str) -> Vec<(String, Vec<String>)> {
    let code: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let list = regex::Regex::new(r"(?is)\bCHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)").unwrap();
    let word = regex::Regex::new(r"'([^']*)'").unwrap();
    list.captures_iter(&code)
        .filter_map(|c| {
            let mut words: Vec<String> = word
                .captures_iter(&c[2])
                .map(|w| w[1].to_string())
                .collect();
            words.sort();
            (!words.is_empty()).then(|| (c[1].to_string(), words))
        })
        .collect()
}

/// Every migration of both dialects, with its version.
fn every_migration() -> Vec<(&'static str, i64, &'static str)> {
    let lite = STEPS
        .iter()
        .enumerate()
        .map(|(i, sql)| ("SQLite", i as i64 + 1, *sql));
    let pg = std::iter::once(PG_BASELINE)
        .chain(PG_STEPS.iter().copied())
        .map(|(v, sql)| ("PostgreSQL", v, sql));
    lite.chain(pg).collect()
}

/// A new word is a row the code adds, never a migration: from 023 on, a CHECK list of words
/// is refused unless it is one an older migration declared (023 rebuilt the ledger's tables
/// and carried their lists of states over; a rebuild may, a new list or a new word may not).
#[test]
fn no_migration_from_023_on_declares_a_check_list_of_words() {
    let all = every_migration();
    let older: Vec<(String, Vec<String>)> = all
        .iter()
        .filter(|(_, v, _)| *v < WORDS_IN_TABLES)
        .flat_map(|(_, _, sql)| check_lists(sql))
        .collect();
    assert!(
        older.iter().any(|(c, w)| c == "plan" && w.len() == 3),
        "the scan finds the lists of the older migrations: {older:?}"
    );
    let older = &older;
    let new: Vec<String> = all
        .iter()
        .filter(|(_, v, _)| *v >= WORDS_IN_TABLES && !BEFORE_THIS_TEST.contains(v))
        .flat_map(|(dialect, v, sql)| {
            check_lists(sql)
                .into_iter()
                .filter(move |list| !older.contains(list))
                .map(move |(c, w)| format!("{dialect} {v:03}: CHECK ({c} IN {w:?})"))
        })
        .collect();
    assert!(
        new.is_empty(),
        "words belong in a table of words filled from the code (crates/fabrik-store/src/store/words.rs), not a \
         CHECK list:\n{}",
        new.join("\n")
    );
    // No list is left (040 moved the older ones too): a new register holds none.
    let store = Store::open_in_memory().unwrap();
    let guard = store.conn();
    let conn = guard.as_sqlite().unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        .unwrap();
    let schema: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let left: Vec<String> = schema
        .iter()
        .flat_map(|(name, sql)| {
            check_lists(sql)
                .into_iter()
                .map(move |(c, w)| format!("{name}: CHECK ({c} IN {w:?})"))
        })
        .collect();
    assert!(left.is_empty(), "{}", left.join("\n"));
}

/// The scan sees a list wherever it is written, and a list of numbers is none.
#[test]
fn the_scan_finds_a_list_of_words_and_not_one_of_numbers() {
    let sql = "CREATE TABLE t (\n  a TEXT CHECK (a IN ('x',\n 'y')), -- CHECK (b IN ('z'))\n  \
               n INTEGER CHECK (n IN (0, 1)), s TEXT check(s in ('q')));";
    assert_eq!(
        check_lists(sql),
        vec![
            ("a".to_string(), vec!["x".to_string(), "y".to_string()]),
            ("s".to_string(), vec!["q".to_string()]),
        ]
    );
}

/// The columns whose words were CHECK lists in 025–027, and their tables of words since 031.
const WORD_COLUMNS: &[(&str, &str, &str)] = &[
    ("intake", "source", "intake_source_names"),
    ("intake", "plan", "plans"),
    ("intake", "state", "intake_states"),
    ("intake_sources", "source", "intake_source_names"),
    ("scheduled_jobs", "last_outcome", "job_outcomes"),
    ("ticks", "outcome", "tick_outcomes"),
    ("alerts", "kind", "alert_kinds"),
    ("team_invites", "environment", "environments"),
    ("team_invites", "role", "team_roles"),
    ("team_invites", "state", "invite_states"),
];

/// Each table's rows as text, in order: what a migration must keep.
pub(super) fn rows(conn: &Connection, table: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|v| v.join("|"))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

#[test]
fn a_version_30_register_keeps_its_rows_and_its_words_move_into_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    let rows_sql = include_str!("register_030_rows.sql");
    register_at(&path, 30, &format!("PRAGMA foreign_keys = ON;\n{rows_sql}"));
    let tables = [
        "intake",
        "intake_sources",
        "scheduled_jobs",
        "ticks",
        "alerts",
    ];
    let tables = tables.iter().chain(&["team_invites"]);
    let before: Vec<Vec<String>> = {
        let conn = Connection::open(&path).unwrap();
        tables.clone().map(|t| rows(&conn, t)).collect()
    };
    assert!(before.iter().all(|r| !r.is_empty()), "{before:?}");

    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    let after: Vec<Vec<String>> = tables.clone().map(|t| rows(&conn, t)).collect();
    assert_eq!(after, before, "every row and column as it was");
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    for t in tables {
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!sql.contains("IN ('"), "{t} keeps a list of words: {sql}");
    }
    // Each column takes every word its table holds (the code's, all of them) and no other.
    conn.execute("DELETE FROM intake_sources WHERE source = 'stripe'", [])
        .unwrap();
    for (table, column, words) in WORD_COLUMNS {
        let declared = declared()
            .into_iter()
            .find(|(t, _)| t == words)
            .unwrap_or_else(|| panic!("{words} is not filled from the code"))
            .1;
        let set = |word: &str| {
            conn.execute(
                &format!(
                    "UPDATE {table} SET {column} = ?1 WHERE rowid = (SELECT min(rowid) FROM {table})"
                ),
                [word],
            )
        };
        for w in &declared {
            assert_eq!(set(w).ok(), Some(1), "{table}.{column} = {w}");
        }
        assert!(
            set("nonsense").is_err(),
            "{table}.{column} takes a stranger"
        );
        let held: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {words}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(held as usize, declared.len(), "{words}");
    }
}

/// A word a register lacks is added when it opens, in the new tables too.
#[test]
fn the_new_tables_are_filled_again_when_a_word_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fabrik.sqlite3");
    drop(Store::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .execute_batch("DELETE FROM team_roles WHERE name = 'viewer'; DELETE FROM plans;")
        .unwrap();
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    let count = |t: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        count("team_roles") as usize,
        fabrik::customer::TeamRole::ALL.len()
    );
    assert_eq!(count("plans") as usize, fabrik::customer::Plan::ALL.len());
}
