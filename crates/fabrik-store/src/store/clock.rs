//! The database's one clock: every lease, heartbeat and stamp of the shared register is written
//! and judged by it, never by the clock of the seat that asks.

use super::db::Conn;
use super::Store;
use crate::error::{Error, Result};

/// The database's time now (`Dialect::now`): every lease is written and judged by the
/// database's one clock, never by the clock of the seat that asks (one running ahead would take
/// live runs over; one running behind would write heartbeats that look lapsed already).
pub fn db_now(conn: &Conn) -> Result<chrono::DateTime<chrono::Utc>> {
    let text: String = conn.query_row(&format!("SELECT {}", conn.dialect().now()), (), |r| {
        r.get(0)
    })?;
    chrono::DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| {
            Error::Database(super::db::DbError::Conversion {
                column: 0,
                detail: format!("{text}: {e}"),
            })
        })
}

impl Store {
    /// The register's clock now (RFC 3339), for a report's times.
    pub fn register_now(&self) -> Result<String> {
        Ok(db_now(&self.conn())?.to_rfc3339())
    }
}
