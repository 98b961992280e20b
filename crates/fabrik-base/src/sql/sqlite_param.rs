//! A [`Value`] bound as an SQLite parameter. Declared beside the type (a crate may only
//! implement another crate's trait for its own types), used by the store's SQLite path.

use rusqlite::types::ToSqlOutput;

use super::Value;

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Int(i) => ToSqlOutput::from(*i),
            Value::Real(r) => ToSqlOutput::from(*r),
            Value::Text(s) => ToSqlOutput::from(s.as_str()),
            // SQLite has no booleans: a flag is 0 or 1, as it always was in the register.
            Value::Bool(b) => ToSqlOutput::from(i64::from(*b)),
        })
    }
}
