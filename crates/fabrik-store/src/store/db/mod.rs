//! One way for the store to speak SQL, whichever database answers: the embedded SQLite file or a
//! shared PostgreSQL. Queries are written once, with `?1`-style placeholders; values cross as
//! [`Value`] and rows come back as [`Row`]s of them, so the store's code, and therefore its
//! behaviour, is the same on both. Where the dialects truly differ (search, case-folded order)
//! the store asks [`Conn::dialect`].
//!
//! Writes run in [`Tx`]: on SQLite an IMMEDIATE transaction (one writer at a time per file), on
//! PostgreSQL a transaction that first takes one advisory lock, so writers queue the same way
//! and every read-then-write the store does sees what it is about to change.

mod listen;
mod pg_config;
mod pg_values;
mod postgres;
mod sqlite;

pub use crate::sql::{DbError, FromValue, ToValue, Value};
pub use listen::{Listener, Live, LiveStatus, RegisterChange, CHANNEL};
pub use pg_config::PgConfig;
pub use postgres::{PgConn, SCHEMA as PG_SCHEMA};

/// Which database answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A column in case-blind order: SQLite's NOCASE collation (what its indexes are built
    /// with), PostgreSQL's `lower()` (what its index is built on).
    pub fn nocase(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{column} COLLATE NOCASE"),
            // "C": byte order after folding, as NOCASE; and what the baseline's indexes use.
            Dialect::Postgres => format!("lower({column}) COLLATE \"C\""),
        }
    }

    /// The database's clock as the register stores times (UTC, RFC 3339, to the second): what
    /// leases are written and judged by, so no seat's own clock decides whose run it is. On
    /// PostgreSQL the server's `clock_timestamp()` (not `now()`, which stops at the start of
    /// a transaction that may have waited for the writers' lock).
    pub fn now(self) -> &'static str {
        match self {
            Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')",
            Dialect::Postgres => {
                "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"
            }
        }
    }
}

pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// `query_row(...).optional()`: no row is `None`, not an error.
pub trait Optional<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> Optional<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A row of a result, its values in the order of the select list.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(Vec<Value>);

impl Row {
    pub fn get<T: FromValue>(&self, idx: usize) -> Result<T> {
        let v = self.0.get(idx).unwrap_or(&Value::Null);
        T::from_value(v).map_err(|detail| DbError::conversion(idx, detail))
    }

    /// A text value as it is held, without a copy (a read of many rows' days); `None` for
    /// anything else.
    pub fn text(&self, idx: usize) -> Option<&str> {
        match self.0.get(idx) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn values(&self) -> &[Value] {
        &self.0
    }

    /// The bytes its values take as read: the text, or a number's 8.
    pub fn size(&self) -> usize {
        self.0
            .iter()
            .map(|v| match v {
                Value::Text(t) => t.len(),
                _ => 8,
            })
            .sum()
    }
}

/// The parameters of one statement: `params![a, b]`, `[id]`, `()`.
pub trait Params {
    fn values(self) -> Vec<Value>;
}

impl Params for () {
    fn values(self) -> Vec<Value> {
        Vec::new()
    }
}

impl<T: ToValue, const N: usize> Params for [T; N] {
    fn values(self) -> Vec<Value> {
        self.iter().map(ToValue::to_value).collect()
    }
}

impl Params for &[&dyn ToValue] {
    fn values(self) -> Vec<Value> {
        self.iter().map(|v| v.to_value()).collect()
    }
}

impl Params for Vec<Value> {
    fn values(self) -> Vec<Value> {
        self
    }
}

/// `params![a, b, c]`: values of different types for one statement. Exported from the crate's
/// root under a hidden name (the core's areas use it too) and named as `store::db::params`.
#[doc(hidden)]
#[macro_export]
macro_rules! __fabrik_store_params {
    () => { &[] as &[&dyn $crate::store::db::ToValue] };
    ($($v:expr),+ $(,)?) => { &[$(&$v as &dyn $crate::store::db::ToValue),+] as &[&dyn $crate::store::db::ToValue] };
}
pub use crate::__fabrik_store_params as params;

enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres(PgConn),
}

/// One connection to the register's database.
pub struct Conn {
    backend: Backend,
}

impl Conn {
    pub fn sqlite(conn: rusqlite::Connection) -> Conn {
        Conn {
            backend: Backend::Sqlite(conn),
        }
    }

    pub fn postgres(conn: PgConn) -> Conn {
        Conn {
            backend: Backend::Postgres(conn),
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, its migrations).
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.backend {
            Backend::Sqlite(c) => Some(c),
            Backend::Postgres(_) => None,
        }
    }

    pub fn as_sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.backend {
            Backend::Sqlite(c) => Some(c),
            Backend::Postgres(_) => None,
        }
    }

    pub fn as_postgres(&self) -> Option<&PgConn> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(c) => Some(c),
        }
    }

    /// Runs one statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::execute(c, sql, &params.values()),
            Backend::Postgres(c) => c.execute(sql, params.values()),
        }
    }

    /// Runs statements with no parameters, separated by `;`.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Backend::Postgres(c) => c.batch(sql),
        }
    }

    /// Every row of a query.
    pub fn rows(&self, sql: &str, params: impl Params) -> Result<Vec<Row>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::query(c, sql, &params.values()),
            Backend::Postgres(c) => c.query(sql, params.values()),
        }
    }

    /// Every row of a query whose values take at most `max_bytes` in all; `None` as soon as
    /// they would pass it. Rows are read one at a time and reading stops there, so a table of
    /// any size holds no more than `max_bytes` here, and the one row that passed it (a source
    /// that is not ours: the portal).
    pub fn rows_within(
        &self,
        sql: &str,
        params: impl Params,
        max_bytes: usize,
    ) -> Result<Option<Vec<Row>>> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::query_within(c, sql, &params.values(), max_bytes),
            Backend::Postgres(c) => c.query_within(sql, params.values(), max_bytes),
        }
    }

    /// The first row, read by `f`; no row is `DbError::NoRows` (see [`Optional`]).
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        let rows = self.rows(sql, params)?;
        f(rows.first().ok_or(DbError::NoRows)?)
    }

    /// Every row, each read by `f`.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.rows(sql, params)?.iter().map(f).collect()
    }

    /// Every row handed to `f` one at a time, without holding the whole result (an export of a
    /// large register). `f`'s own error ends the walk and is returned.
    pub fn for_each<E: From<DbError>>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnMut(&Row) -> Result<(), E>,
    ) -> Result<(), E> {
        match &self.backend {
            Backend::Sqlite(c) => sqlite::for_each(c, sql, &params.values(), f),
            Backend::Postgres(c) => c.for_each(sql, params.values(), f),
        }
    }

    /// A write transaction: writers take turns (see the module's comment). Dropped without
    /// `commit`, it rolls back.
    pub fn transaction(&mut self) -> Result<Tx<'_>> {
        match &self.backend {
            Backend::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Backend::Postgres(c) => c.begin_write()?,
        }
        Ok(Tx {
            conn: self,
            open: true,
        })
    }
}

/// A write transaction over a [`Conn`]; reads and writes go through it as through the
/// connection.
pub struct Tx<'a> {
    conn: &'a mut Conn,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        match &self.conn.backend {
            Backend::Sqlite(c) => Ok(c.execute_batch("COMMIT")?),
            Backend::Postgres(c) => c.end_write(true),
        }
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing of a failed write may stay: a rollback that itself fails leaves the
            // transaction to the server, which ends it with the connection.
            let rolled_back = match &self.conn.backend {
                Backend::Sqlite(c) => c.execute_batch("ROLLBACK").map_err(DbError::from),
                Backend::Postgres(c) => c.end_write(false),
            };
            if let Err(e) = rolled_back {
                tracing::warn!("rollback failed: {e}");
            }
        }
    }
}

/// `?1`, `?2` … as PostgreSQL's `$1`, `$2` …, outside quoted text.
pub(crate) fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for ch in sql.chars() {
        match ch {
            '\'' => {
                quoted = !quoted;
                out.push(ch);
            }
            '?' if !quoted => out.push('$'),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests;
