//! Embedded, versioned migrations tracked in SQLite's `user_version`.

use std::path::Path;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use super::db::{Conn, Optional};
use super::words;
use crate::error::{Error, Result};

/// Every SQLite migration, in order (the tests build a register as an older version left it
/// from these: tests/store/migrations).
pub const STEPS: &[&str] = &[
    include_str!("migrations/001_customers.sql"),
    include_str!("migrations/002_runs.sql"),
    include_str!("migrations/003_vocabulary.sql"),
    include_str!("migrations/004_english.sql"),
    include_str!("migrations/005_archive.sql"),
    include_str!("migrations/006_customer_uid.sql"),
    include_str!("migrations/007_adoptions.sql"),
    include_str!("migrations/008_driver.sql"),
    include_str!("migrations/009_instances.sql"),
    include_str!("migrations/010_update_modules.sql"),
    include_str!("migrations/011_listing.sql"),
    include_str!("migrations/012_health.sql"),
    include_str!("migrations/013_day_two.sql"),
    include_str!("migrations/014_seats.sql"),
    include_str!("migrations/015_people.sql"),
    include_str!("migrations/016_fleet.sql"),
    include_str!("migrations/017_templates.sql"),
    include_str!("migrations/018_backups.sql"),
    include_str!("migrations/019_search.sql"),
    include_str!("migrations/020_rights.sql"),
    include_str!("migrations/021_rights_declared.sql"),
    include_str!("migrations/022_server_stamps.sql"),
    include_str!("migrations/023_vocabulary_tables.sql"),
    include_str!("migrations/024_who_starts.sql"),
    include_str!("migrations/025_intake.sql"),
    include_str!("migrations/026_schedule.sql"),
    include_str!("migrations/027_team.sql"),
    include_str!("migrations/028_ledger_guard.sql"),
    include_str!("migrations/029_intake_by_id.sql"),
    include_str!("migrations/030_server_decides.sql"),
    include_str!("migrations/031_vocabulary_everywhere.sql"),
    include_str!("migrations/032_usage.sql"),
    include_str!("migrations/033_billing.sql"),
    include_str!("migrations/034_usage_series.sql"),
    include_str!("migrations/035_handover.sql"),
    include_str!("migrations/036_exports.sql"),
    include_str!("migrations/037_export_keeping.sql"),
    include_str!("migrations/038_closed_register.sql"),
    include_str!("migrations/039_alert_kind_job.sql"),
    include_str!("migrations/040_words_everywhere.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

/// A file written by a newer Fabrik is refused rather than migrated "back" or corrupted: a
/// newer schema, or (at this schema) a kind of run or a step this build does not declare.
/// Reads only, so the file stays byte for byte.
pub(super) fn refuse_newer(conn: &Connection, path: &Path) -> Result<words::Missing> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::DatabaseTooNew {
            path: path.display().to_string(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    if found < SCHEMA_VERSION {
        return Ok(words::Missing(true));
    }
    words::compare(&path.display().to_string(), |table| {
        let mut stmt = conn.prepare(&format!("SELECT name FROM {table}"))?;
        let words = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(words)
    })
}

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let missing = refuse_newer(conn, path)?;
    // 019's triggers and its backfill call it.
    super::search::register_functions(conn)?;
    let migrations = Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect());
    let fail = |e: &dyn std::fmt::Display| {
        Error::DatabaseOpen(format!("{}: migreringen misslyckades: {e}", path.display()))
    };
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found == SCHEMA_VERSION {
        // A build with a new kind of run or step adds its words; nothing else changes.
        if missing == words::Missing(true) {
            conn.execute_batch(&words::fill_sql())?;
        }
        return Ok(());
    }
    // A migration that rebuilds a table drops the old one; with foreign keys on, that first
    // deletes its rows, and every `ON DELETE SET NULL` elsewhere loses its link. SQLite's own
    // procedure for such changes: keys off (outside the transaction), migrate, then check
    // every key before they are on again.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = migrations
        .to_latest(conn)
        .map_err(|e| fail(&e))
        .and_then(|()| Ok(conn.execute_batch(&words::fill_sql())?));
    let broken: rusqlite::Result<i64> =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        });
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrated?;
    match broken? {
        0 => Ok(()),
        n => Err(fail(&format!("{n} rader pekar på rader som inte finns"))),
    }
}

/// PostgreSQL: no register there predates version 13, so one baseline brings an empty schema
/// to it; each later version is one file per backend, with the same number.
/// The shared register's schema at its baseline version, and every PostgreSQL migration after it.
pub const PG_BASELINE: (i64, &str) = (13, include_str!("migrations/postgres/013_baseline.sql"));
pub const PG_STEPS: &[(i64, &str)] = &[
    (14, include_str!("migrations/postgres/014_seats.sql")),
    (15, include_str!("migrations/postgres/015_people.sql")),
    (16, include_str!("migrations/postgres/016_fleet.sql")),
    (17, include_str!("migrations/postgres/017_templates.sql")),
    (18, include_str!("migrations/postgres/018_backups.sql")),
    (19, include_str!("migrations/postgres/019_search.sql")),
    (20, include_str!("migrations/postgres/020_rights.sql")),
    (
        21,
        include_str!("migrations/postgres/021_rights_declared.sql"),
    ),
    (
        22,
        include_str!("migrations/postgres/022_server_stamps.sql"),
    ),
    (
        23,
        include_str!("migrations/postgres/023_vocabulary_tables.sql"),
    ),
    (24, include_str!("migrations/postgres/024_who_starts.sql")),
    (25, include_str!("migrations/postgres/025_intake.sql")),
    (26, include_str!("migrations/postgres/026_schedule.sql")),
    (27, include_str!("migrations/postgres/027_team.sql")),
    (28, include_str!("migrations/postgres/028_ledger_guard.sql")),
    (29, include_str!("migrations/postgres/029_intake_by_id.sql")),
    (
        30,
        include_str!("migrations/postgres/030_server_decides.sql"),
    ),
    (
        31,
        include_str!("migrations/postgres/031_vocabulary_everywhere.sql"),
    ),
    (32, include_str!("migrations/postgres/032_usage.sql")),
    (33, include_str!("migrations/postgres/033_billing.sql")),
    (34, include_str!("migrations/postgres/034_usage_series.sql")),
    (35, include_str!("migrations/postgres/035_handover.sql")),
    (36, include_str!("migrations/postgres/036_exports.sql")),
    (
        37,
        include_str!("migrations/postgres/037_export_keeping.sql"),
    ),
    (
        38,
        include_str!("migrations/postgres/038_closed_register.sql"),
    ),
    (
        39,
        include_str!("migrations/postgres/039_alert_kind_job.sql"),
    ),
    (
        40,
        include_str!("migrations/postgres/040_words_everywhere.sql"),
    ),
];

/// Brings the shared register's schema up to date. Several seats may start at once: the first
/// takes the migration lock and the others wait, then find nothing left to do.
pub(super) fn migrate_postgres(
    conn: &mut Conn,
    describe: &str,
    person: Option<&str>,
) -> Result<()> {
    let pg = conn
        .as_postgres()
        .ok_or_else(|| Error::Internal("not a PostgreSQL connection".into()))?;
    let schema = super::db::PG_SCHEMA;
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?1)",
        [schema],
        |r| r.get(0),
    )?;
    if !exists {
        // With the least-privilege role the schema is made by scripts/postgres/fabrik-role.sql;
        // an owner of the database may let Fabrik make it.
        pg.batch(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .map_err(|e| {
                Error::DatabaseOpen(format!("{describe}: kan inte skapa schemat {schema}: {e}"))
            })?;
    }
    // A login in none of the register's groups (or one whose group has no rights yet) is told
    // so, not that a table is missing.
    let usable: bool =
        conn.query_row("SELECT has_schema_privilege(?1, 'USAGE')", [schema], |r| {
            r.get(0)
        })?;
    if !usable {
        return Err(Error::Forbidden {
            right: crate::messages::Right::Read,
            person: person.map(str::to_string),
        });
    }
    // A person's login may read but not create: a register that is up to date is only read.
    let made: bool = conn.query_row(
        "SELECT to_regclass('schema_version') IS NOT NULL",
        (),
        |r| r.get(0),
    )?;
    let current: Option<i64> = match made {
        true => conn.query_row("SELECT max(version) FROM schema_version", (), |r| r.get(0))?,
        false => None,
    };
    // At this schema, a word this build does not declare is a newer Fabrik's (refused); one
    // it declares that the register lacks is added below, by the register's role.
    let missing = match current == Some(SCHEMA_VERSION) {
        true => words::compare(describe, |table| {
            Ok(conn.query_map(&format!("SELECT name FROM {table}"), (), |r| r.get(0))?)
        })?,
        false => words::Missing(true),
    };
    if current == Some(SCHEMA_VERSION) && missing == words::Missing(false) {
        return grant_rights(conn);
    }
    let tx = conn.transaction()?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);")?;
    let found: Option<i64> =
        tx.query_row("SELECT max(version) FROM schema_version", (), |r| r.get(0))?;
    let found = found.unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(Error::DatabaseTooNew {
            path: describe.to_string(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    let fail = |e: super::db::DbError| {
        Error::DatabaseOpen(format!("{describe}: migreringen misslyckades: {e}"))
    };
    let mut version = found;
    if version < PG_BASELINE.0 {
        tx.execute_batch(PG_BASELINE.1).map_err(fail)?;
        version = PG_BASELINE.0;
    }
    for (v, sql) in PG_STEPS {
        if *v > version {
            tx.execute_batch(sql).map_err(fail)?;
            version = *v;
        }
    }
    tx.execute_batch(&words::fill_sql()).map_err(fail)?;
    if version != found {
        tx.execute("DELETE FROM schema_version", ())?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [version],
        )?;
    }
    tx.commit()?;
    grant_rights(conn)
}

/// The register's role gives the groups exactly the declared rights (`super::rights`) once
/// they exist (they may be made after the migrations: fabrik-rights.sql), and again whenever
/// the declaration changed. Anyone else skips: a person's login changes no right.
fn grant_rights(conn: &mut Conn) -> Result<()> {
    let register: Option<String> = conn
        .query_row(
            "SELECT r.rolname FROM pg_catalog.pg_namespace n
               JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
              WHERE n.nspname = ?1 AND pg_catalog.pg_has_role(current_user, n.nspowner, 'USAGE')",
            [super::db::PG_SCHEMA],
            |r| r.get(0),
        )
        .optional()?;
    let Some(register) = register else {
        return Ok(());
    };
    let viewer = format!("{register}_viewer");
    let groups: i64 = conn.query_row(
        "SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname IN (?1, ?2, ?3)",
        [
            viewer.clone(),
            format!("{register}_operator"),
            format!("{register}_owner"),
        ],
        |r| r.get(0),
    )?;
    if groups < 3 {
        return Ok(());
    }
    let digest = super::rights::digest();
    // Two seats starting at once: GRANTs on the same table at the same time fail ("tuple
    // concurrently updated"); the second waits for the lock, then finds the work done.
    let tx = conn.transaction()?;
    tx.execute_batch(&format!("SELECT pg_advisory_xact_lock({RIGHTS_LOCK})"))?;
    let done: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM rights_applied WHERE digest = ?1)
                AND has_schema_privilege(?2, 'fabrik', 'USAGE')",
        [digest.clone(), viewer],
        |r| r.get(0),
    )?;
    if !done {
        tx.execute_batch(&super::rights::apply_sql(&register))?;
        tx.execute("DELETE FROM rights_applied", ())?;
        tx.execute("INSERT INTO rights_applied (digest) VALUES (?1)", [digest])?;
    }
    tx.commit()?;
    Ok(())
}

/// Held while the rights are applied (not the migration lock: that one is held by callers).
const RIGHTS_LOCK: i64 = 0x6661_6272_6967; // "fabrig"
