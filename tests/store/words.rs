//! The shared register's words move into tables (issues #56 and #69): a register that version
//! 30 left, with rows, migrated by this build to 031, keeps every row, and so does one at 39
//! migrated to 040; the CHECK lists are gone and each column refuses a word the code does not
//! declare.

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

/// The shared register as version `version` left it (every PostgreSQL migration up to it, in
/// order, and its number), holding what `rows` inserts.
fn register_at(pg: &Conn, version: i64, rows: &str) {
    pg.execute_batch("CREATE SCHEMA fabrik").unwrap();
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/fabrik-store/src/store/migrations/postgres"
    );
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name[..3].parse::<i64>().is_ok_and(|v| v <= version)
        })
        .collect();
    files.sort();
    assert_eq!(
        files.len() as i64,
        version - 12,
        "013 to {version:03}: {files:?}"
    );
    for f in &files {
        pg.execute_batch(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    pg.execute_batch(&format!(
        "CREATE TABLE schema_version (version BIGINT NOT NULL);
         INSERT INTO schema_version (version) VALUES ({version});"
    ))
    .unwrap();
    pg.execute_batch(rows).unwrap();
}

#[test]
fn a_shared_register_at_version_30_keeps_its_rows_as_its_words_move_into_tables() {
    let db = common::pg_database();
    let pg = Conn::postgres(PgConn::connect(&db).unwrap());
    register_at(&pg, 30, include_str!("migrations/register_030_rows.sql"));
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

/// The shared register at version 39 (issue #69): the last 25 lists, in 13 tables, move into
/// tables of words; every row is kept and each column points at its table, which refuses a
/// stranger. The rows are the ones SQLite's test of 040 migrates (one file, both dialects).
#[test]
fn a_shared_register_at_version_39_keeps_its_rows_as_its_last_lists_move_into_tables() {
    const LAST: &[(&str, &str)] = &[
        ("customers", "plan"),
        ("instances", "environment"),
        ("instances", "status"),
        ("instances", "applied_plan"),
        ("instances", "template_base_how"),
        ("listing", "environment"),
        ("listing", "status"),
        ("health_checks", "environment"),
        ("backups", "environment"),
        ("backups", "reason"),
        ("rollout_members", "state"),
        ("template_prs", "environment"),
        ("template_prs", "state"),
        ("workflow_backups", "environment"),
        ("workflow_backups", "target"),
        ("workflow_backups", "reason"),
        ("runs", "state"),
        ("runs", "environment"),
        ("run_steps", "state"),
        ("run_log", "level"),
        ("adoptions", "environment"),
        ("adoptions", "state"),
        ("adoptions", "allowed_by"),
        ("rollouts", "environment"),
        ("rollouts", "state"),
    ];
    let db = common::pg_database();
    let pg = Conn::postgres(PgConn::connect(&db).unwrap());
    register_at(&pg, 39, include_str!("migrations/register_039_rows.sql"));
    let mut tables: Vec<&str> = LAST.iter().map(|(t, _)| *t).collect();
    tables.dedup();
    let rows = |pg: &Conn| -> Vec<Vec<String>> {
        tables
            .iter()
            .map(|t| {
                pg.query_map(
                    &format!(
                        "SELECT row_to_json(t)::text FROM {t} t ORDER BY row_to_json(t)::text"
                    ),
                    (),
                    |r| r.get(0),
                )
                .unwrap()
            })
            .collect()
    };
    let lists = |pg: &Conn| -> Vec<String> {
        pg.query_map(
            "SELECT conrelid::regclass::text || ': ' || pg_get_constraintdef(oid) FROM pg_constraint
              WHERE contype = 'c' AND connamespace = 'fabrik'::regnamespace
                AND pg_get_constraintdef(oid) LIKE '%= ANY (ARRAY[''%'",
            (),
            |r| r.get(0),
        )
        .unwrap()
    };
    let before = rows(&pg);
    assert!(before.iter().all(|r| !r.is_empty()), "{before:?}");
    assert_eq!(lists(&pg).len(), 25, "the lists version 39 held");

    drop(Store::connect(&db).unwrap());
    assert_eq!(rows(&pg), before, "every row and column as it was");
    assert_eq!(lists(&pg), Vec::<String>::new(), "lists of words left");
    for (table, column) in LAST {
        let points_at: String = pg
            .query_row(
                &format!(
                    "SELECT confrelid::regclass::text FROM pg_constraint c
                      WHERE c.contype = 'f' AND c.conrelid = '{table}'::regclass
                        AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                              WHERE attrelid = '{table}'::regclass AND attname = '{column}')]"
                ),
                (),
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{table}.{column} points at no table: {e}"));
        let held: i64 = pg
            .query_row(&format!("SELECT count(*) FROM {points_at}"), (), |r| {
                r.get(0)
            })
            .unwrap();
        assert!(held >= 2, "{table}.{column} -> {points_at}: {held} words");
        let stranger = pg.execute(
            &format!("UPDATE {table} SET {column} = 'nonsense' WHERE {column} IS NOT NULL"),
            (),
        );
        assert!(stranger.is_err(), "{table}.{column} takes a stranger");
    }
}
