//! Values between PostgreSQL and the store: a row read into the store's `Value`s (lenient, so
//! an `INTEGER` flag and a `BOOLEAN` read alike). A `Value` bound as a parameter is the
//! foundation's (`sql::pg_param`), where the type is declared.

use tokio_postgres::types::Type;

use super::{DbError, Result, Row, Value};

pub(super) fn read_row(r: &tokio_postgres::Row) -> Result<Row> {
    (0..r.len())
        .map(|i| read_value(r, i))
        .collect::<Result<Vec<_>>>()
        .map(Row)
}

fn read_value(r: &tokio_postgres::Row, i: usize) -> Result<Value> {
    let ty = r.columns()[i].type_().clone();
    let wrong = |e: tokio_postgres::Error| DbError::conversion(i, e.to_string());
    let v = match ty {
        Type::BOOL => r
            .try_get::<_, Option<bool>>(i)
            .map_err(wrong)?
            .map(Value::Bool),
        Type::INT2 => r
            .try_get::<_, Option<i16>>(i)
            .map_err(wrong)?
            .map(|v| Value::Int(v.into())),
        Type::INT4 => r
            .try_get::<_, Option<i32>>(i)
            .map_err(wrong)?
            .map(|v| Value::Int(v.into())),
        Type::INT8 => r
            .try_get::<_, Option<i64>>(i)
            .map_err(wrong)?
            .map(Value::Int),
        Type::FLOAT4 => r
            .try_get::<_, Option<f32>>(i)
            .map_err(wrong)?
            .map(|v| Value::Real(v.into())),
        Type::FLOAT8 => r
            .try_get::<_, Option<f64>>(i)
            .map_err(wrong)?
            .map(Value::Real),
        Type::JSON | Type::JSONB => r
            .try_get::<_, Option<serde_json::Value>>(i)
            .map_err(wrong)?
            .map(|v| Value::Text(v.to_string())),
        _ => r
            .try_get::<_, Option<String>>(i)
            .map_err(|_| DbError::conversion(i, format!("the type {ty} is not read")))?
            .map(Value::Text),
    };
    Ok(v.unwrap_or(Value::Null))
}
