//! What crosses between the store and either database: values, and the errors either backend
//! gives (below the error type, which carries them). The values: SQLite keeps few types
//! (integer, real, text); PostgreSQL many and strict ones. Both meet here: a Rust value becomes
//! a [`Value`], which each backend writes as the column's type asks, and a column read comes
//! back as a [`Value`] the Rust type is taken from, so `1` read from an `INTEGER` flag and
//! `true` read from a `BOOLEAN` are both a `bool`.

// The vocabularies' SQLite conversions (`vocabulary!`) name it here, so a crate that declares
// one needs no `rusqlite` of its own.
#[doc(hidden)]
pub use rusqlite;

use chrono::{DateTime, NaiveDateTime, Utc};

// How each backend binds a `Value` as a parameter (the traits are the drivers').
mod pg_param;
mod sqlite_param;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
}

/// A Rust value as a statement's parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

/// A Rust value read from a column; the error says what did not fit.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, String>;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

macro_rules! int_values {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                // Counts, ids and pids all fit; a value that does not is stored as the
                // largest one rather than wrapped into a wrong one.
                Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
        impl FromValue for $t {
            fn from_value(v: &Value) -> Result<Self, String> {
                match v {
                    Value::Int(i) => <$t>::try_from(*i).map_err(|_| format!("{i} does not fit {}", stringify!($t))),
                    Value::Bool(b) => Ok(<$t>::from(*b)),
                    other => Err(format!("expected an integer, found {other:?}")),
                }
            }
        }
    )*};
}
int_values!(i64, i32, u32, u64, usize);

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::Int(i) => Ok(*i != 0),
            other => Err(format!("expected a flag, found {other:?}")),
        }
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Real(r) => Ok(*r),
            Value::Int(i) => Ok(*i as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// Stored as text in the form rusqlite has always written (`2026-11-23 17:00:00+00:00`), so a
/// register keeps one form whichever backend wrote a row, and text order is time order.
impl ToValue for DateTime<Utc> {
    fn to_value(&self) -> Value {
        Value::Text(self.format("%F %T%.f%:z").to_string())
    }
}

impl FromValue for DateTime<Utc> {
    fn from_value(v: &Value) -> Result<Self, String> {
        let Value::Text(s) = v else {
            return Err(format!("expected a time, found {v:?}"));
        };
        DateTime::parse_from_rfc3339(s)
            .or_else(|_| DateTime::parse_from_str(s, "%F %T%.f%:z"))
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%F %T%.f").map(|n| n.and_utc()))
            .map_err(|e| format!("{s:?} is not a time: {e}"))
    }
}

impl ToValue for serde_json::Value {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

/// A database error, from either backend, or a value that did not fit the Rust type read.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Postgres(String, Option<String>),
    #[error("no row")]
    NoRows,
    #[error("column {column}: {detail}")]
    Conversion { column: usize, detail: String },
    #[error("the database did not answer within {0:?}")]
    Timeout(std::time::Duration),
    #[error("the connection to the database is closed")]
    Closed,
    /// The shared register's server cannot be reached now (the connection is made again on a
    /// later call); `lost_write` when a write transaction went with the connection.
    #[error("the shared register {register} cannot be reached")]
    Unreachable { register: String, lost_write: bool },
}

impl DbError {
    /// A row broke a constraint (unique, check, foreign key): the caller's request, not a fault.
    pub fn is_constraint(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                f.code == rusqlite::ErrorCode::ConstraintViolation
            }
            // SQLSTATE class 23: integrity constraint violation.
            DbError::Postgres(_, Some(state)) => state.starts_with("23"),
            _ => false,
        }
    }

    /// The database refused this login the statement: a missing grant, or a row-level
    /// security policy (SQLSTATE 42501, insufficient_privilege).
    pub fn is_refused(&self) -> bool {
        matches!(self, DbError::Postgres(_, Some(state)) if state == "42501")
    }

    pub fn conversion(column: usize, detail: impl Into<String>) -> DbError {
        DbError::Conversion {
            column,
            detail: detail.into(),
        }
    }
}
