//! Values between PostgreSQL and the store: a row read into the store's `Value`s (lenient, so
//! an `INTEGER` flag and a `BOOLEAN` read alike), and a `Value` bound as a parameter.

use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};

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

fn textual(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    )
}

/// A value written as the column's type asks: SQLite's leniency, on purpose, so one query text
/// serves both (an id into `INT8`, a flag into `BOOLEAN`, a count into `INT4`).
impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Int(i), t) if textual(t) => i.to_string().to_sql(&Type::TEXT, out),
            (Value::Bool(b), &Type::BOOL) => b.to_sql(ty, out),
            (Value::Bool(b), &Type::INT8) => i64::from(*b).to_sql(ty, out),
            (Value::Bool(b), &Type::INT4) => i32::from(*b).to_sql(ty, out),
            (Value::Bool(b), t) if textual(t) => b.to_string().to_sql(&Type::TEXT, out),
            (Value::Real(r), &Type::FLOAT4) => (*r as f32).to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (Value::Real(r), t) if textual(t) => r.to_string().to_sql(&Type::TEXT, out),
            (Value::Text(s), &Type::JSON | &Type::JSONB) => {
                serde_json::from_str::<serde_json::Value>(s)?.to_sql(ty, out)
            }
            (Value::Text(s), t) if textual(t) => s.as_str().to_sql(&Type::TEXT, out),
            (v, t) => Err(format!("{v:?} cannot be written as {t}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
