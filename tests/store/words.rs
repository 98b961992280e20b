//! The shared register's words move into tables (issue #56): a register that version 30 left,
//! with rows, migrated by this build to 031, keeps every row; the CHECK lists 025–027 brought
//! back are gone and each column refuses a word the code does not declare.

use fabrik::store::db::{Conn, PgConn};

use super::*;

/// The tables whose words were CHECK lists, and the column each is read in order by.
const TABLES: &[(&str, &str)] = &[
    ("intake", "id"),
    ("intake_sources", "source"),
    ("scheduled_jobs", "job"),
    ("ticks", "id"),
    ("alerts", "subject"),
    ("team_invites", "id"),
];

fn rows(pg: &Conn) -> Vec<Vec<String>> {
    TABLES
        .iter()
        .map(|(table, key)| {
            pg.query_map(
                &format!("SELECT row_to_json(t)::text FROM {table} t ORDER BY {key}"),
                (),
                |r| r.get(0),
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn a_shared_register_at_version_30_keeps_its_rows_as_its_words_move_into_tables() {
    let db = common::pg_database();
    let pg = Conn::postgres(PgConn::connect(&db).unwrap());
    // The schema as version 30 left it: every PostgreSQL migration up to it, in order.
    pg.execute_batch("CREATE SCHEMA fabrik").unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/migrations/postgres");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().as_ref() < "031")
        .collect();
    files.sort();
    assert_eq!(files.len(), 18, "013 to 030: {files:?}");
    for f in &files {
        pg.execute_batch(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    pg.execute_batch(
        "CREATE TABLE schema_version (version BIGINT NOT NULL);
         INSERT INTO schema_version (version) VALUES (30);",
    )
    .unwrap();
    pg.execute_batch(include_str!(
        "../../src/store/migrations/tests/register_030_rows.sql"
    ))
    .unwrap();
    let before = rows(&pg);
    assert!(before.iter().all(|r| !r.is_empty()), "{before:?}");

    drop(Store::connect(&db).unwrap());
    assert_eq!(rows(&pg), before, "every row and column as it was");
    let version: i64 = pg
        .query_row("SELECT max(version) FROM schema_version", (), |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let lists: Vec<String> = pg
        .query_map(
            "SELECT conrelid::regclass::text || ': ' || pg_get_constraintdef(oid) FROM pg_constraint
              WHERE contype = 'c' AND connamespace = 'fabrik'::regnamespace
                AND conrelid::regclass::text IN ('intake', 'intake_sources', 'scheduled_jobs', 'ticks', 'alerts', 'team_invites')
                AND pg_get_constraintdef(oid) LIKE '%''%'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    assert!(lists.is_empty(), "lists of words left: {lists:?}");
    // Every declared word is in its table; a stranger is refused.
    let roles: i64 = pg
        .query_row("SELECT count(*) FROM team_roles", (), |r| r.get(0))
        .unwrap();
    assert_eq!(roles as usize, fabrik::customer::TeamRole::ALL.len());
    for sql in [
        "UPDATE team_invites SET role = 'owner'",
        "UPDATE intake SET state = 'on_hold'",
        "UPDATE intake SET plan = 'gold'",
        "UPDATE ticks SET outcome = 'maybe'",
    ] {
        assert!(pg.execute(sql, ()).is_err(), "{sql}");
    }
    pg.execute("UPDATE team_invites SET role = 'viewer'", ())
        .unwrap();
}
