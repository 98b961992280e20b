//! Embedded, versioned migrations tracked in SQLite's `user_version`.

use std::path::Path;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::error::{Error, Result};

const STEPS: &[&str] = &[
    include_str!("migrations/001_customers.sql"),
    include_str!("migrations/002_runs.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = STEPS.len() as i64;

/// A file written by a newer Fabrik is refused rather than migrated "back" or corrupted.
pub(super) fn refuse_newer(conn: &Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::DatabaseTooNew {
            path: path.display().to_string(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    refuse_newer(conn, path)?;
    let migrations = Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect());
    migrations.to_latest(conn).map_err(|e| {
        Error::DatabaseOpen(format!("{}: migreringen misslyckades: {e}", path.display()))
    })
}
