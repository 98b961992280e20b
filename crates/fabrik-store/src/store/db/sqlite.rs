//! [`Value`]s to and from SQLite, through rusqlite's cached statements.

use rusqlite::types::ValueRef;

use super::{DbError, Result, Row, Value};

fn value(v: ValueRef<'_>, column: usize) -> Result<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(
            std::str::from_utf8(t)
                .map_err(|e| DbError::conversion(column, e.to_string()))?
                .to_string(),
        ),
        ValueRef::Blob(_) => return Err(DbError::conversion(column, "a blob is not read")),
    })
}

fn row(r: &rusqlite::Row<'_>, width: usize) -> Result<Row> {
    (0..width)
        .map(|i| value(r.get_ref(i)?, i))
        .collect::<Result<Vec<_>>>()
        .map(Row)
}

pub(super) fn execute(c: &rusqlite::Connection, sql: &str, params: &[Value]) -> Result<usize> {
    let mut stmt = c.prepare_cached(sql)?;
    Ok(stmt.execute(rusqlite::params_from_iter(params))?)
}

pub(super) fn query(c: &rusqlite::Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    walk(c, sql, params, |r| {
        out.push(r);
        Ok::<_, DbError>(())
    })?;
    Ok(out)
}

pub(super) fn query_within(
    c: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
    max_bytes: usize,
) -> Result<Option<Vec<Row>>> {
    let (mut out, mut size) = (Vec::new(), 0);
    // `Err(None)` ends the walk at the limit; `Err(Some(e))` is the database's error.
    let walked = walk(c, sql, params, |r| {
        size += r.size();
        if size > max_bytes {
            return Err(None);
        }
        out.push(r);
        Ok(())
    });
    match walked {
        Ok(()) => Ok(Some(out)),
        Err(None) => Ok(None),
        Err(Some(e)) => Err(e),
    }
}

/// Each row to `f`, read into one buffer used again for the next row: a walk over tens of
/// thousands of rows (the fleet's usage) makes no allocation a row but its texts.
pub(super) fn for_each<E: From<DbError>>(
    c: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
    mut f: impl FnMut(&Row) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = c.prepare_cached(sql).map_err(DbError::from)?;
    let width = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .map_err(DbError::from)?;
    let mut buf = Row(Vec::with_capacity(width));
    while let Some(r) = rows.next().map_err(DbError::from)? {
        buf.0.clear();
        for i in 0..width {
            buf.0.push(value(r.get_ref(i).map_err(DbError::from)?, i)?);
        }
        f(&buf)?;
    }
    Ok(())
}

fn walk<E: From<DbError>>(
    c: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
    mut f: impl FnMut(Row) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = c.prepare_cached(sql).map_err(DbError::from)?;
    let width = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .map_err(DbError::from)?;
    while let Some(r) = rows.next().map_err(DbError::from)? {
        f(row(r, width)?)?;
    }
    Ok(())
}
