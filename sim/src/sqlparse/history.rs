//! The Supabase CLI's migration history in the simulated database,
//! `supabase_migrations.schema_migrations`: recorded by an INSERT, read by a SELECT.

use serde_json::{json, Map, Value};
use sqlparser::ast::{ObjectName, SelectItem, SetExpr};

use super::{column_of, column_value, pg_err, split_name};
use crate::world::HistoryRow;

/// The history table's schema and name.
pub(super) const HISTORY: (&str, &str) = ("supabase_migrations", "schema_migrations");

/// Its columns in table order.
const HISTORY_COLUMNS: [&str; 3] = ["version", "statements", "name"];

pub(super) fn history_missing() -> String {
    pg_err(
        "42P01",
        &format!("relation \"{}.{}\" does not exist", HISTORY.0, HISTORY.1),
    )
}

fn is_history(name: &ObjectName) -> bool {
    let (schema, table) = split_name(name);
    (schema.as_str(), table.as_str()) == HISTORY
}

pub(super) fn inserts_history(i: &sqlparser::ast::Insert) -> bool {
    matches!(&i.table, sqlparser::ast::TableObject::TableName(n) if is_history(n))
}

/// A SELECT whose only FROM item is the history table.
pub(super) fn reads_history(q: &sqlparser::ast::Query) -> bool {
    let SetExpr::Select(sel) = q.body.as_ref() else {
        return false;
    };
    matches!(sel.from.as_slice(), [twj] if twj.joins.is_empty()
        && matches!(&twj.relation, sqlparser::ast::TableFactor::Table { name, .. } if is_history(name)))
}

/// Adds the INSERT's rows to the history: all of them or none.
pub(super) fn insert_history(
    history: &mut Vec<HistoryRow>,
    insert: &sqlparser::ast::Insert,
    params: &[Value],
) -> Result<(), String> {
    let columns: Vec<String> = if insert.columns.is_empty() {
        HISTORY_COLUMNS.iter().map(|c| c.to_string()).collect()
    } else {
        insert
            .columns
            .iter()
            .map(|c| c.value.to_lowercase())
            .collect()
    };
    if let Some(bad) = columns
        .iter()
        .find(|c| !HISTORY_COLUMNS.contains(&c.as_str()))
    {
        return Err(pg_err(
            "42703",
            &format!(
                "column \"{bad}\" of relation \"{}\" does not exist",
                HISTORY.1
            ),
        ));
    }
    let Some(SetExpr::Values(values)) = insert.source.as_deref().map(|q| q.body.as_ref()) else {
        return Err(pg_err(
            "0A000",
            "the simulator's SQL emulation only models INSERT … VALUES into the migration history; use its PostgreSQL mode",
        ));
    };
    let skip_duplicates = insert.on.is_some();
    let mut added: Vec<HistoryRow> = vec![];
    for row in &values.rows {
        let value_of = |col: &str| column_value(&columns, row, col, params);
        let text = |v: Value| match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        };
        let Some(version) = text(value_of("version")) else {
            return Err(format!(
                "{}DETAIL:  Failing row contains (null).\n",
                pg_err(
                    "23502",
                    &format!(
                        "null value in column \"version\" of relation \"{}\" violates not-null constraint",
                        HISTORY.1
                    )
                )
            ));
        };
        let statements = match value_of("statements") {
            Value::Null => None,
            Value::Array(items) => Some(items.into_iter().filter_map(text).collect()),
            other => Some(vec![text(other).unwrap_or_default()]),
        };
        if history.iter().chain(&added).any(|h| h.version == version) {
            if skip_duplicates {
                continue;
            }
            return Err(format!(
                "{}DETAIL:  Key (version)=({version}) already exists.\n",
                pg_err(
                    "23505",
                    &format!(
                        "duplicate key value violates unique constraint \"{}_pkey\"",
                        HISTORY.1
                    )
                )
            ));
        }
        added.push(HistoryRow {
            version,
            name: text(value_of("name")),
            statements,
        });
    }
    history.extend(added);
    Ok(())
}

/// The history's rows for a plain SELECT of its columns (aliases allowed), ordered by version
/// when the query asks for it (`DESC` honoured).
pub(super) fn answer_history(
    history: &[HistoryRow],
    q: &sqlparser::ast::Query,
) -> Result<Value, String> {
    let SetExpr::Select(sel) = q.body.as_ref() else {
        return Ok(json!([]));
    };
    let mut wanted: Vec<(String, String)> = vec![];
    for item in &sel.projection {
        match item {
            SelectItem::Wildcard(_) => {
                wanted.extend(HISTORY_COLUMNS.iter().map(|c| (c.to_string(), c.to_string())))
            }
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                let Some(col) = column_of(e) else {
                    return Err(pg_err(
                        "0A000",
                        "the simulator's SQL emulation only reads plain columns of the migration history; use its PostgreSQL mode",
                    ));
                };
                if !HISTORY_COLUMNS.contains(&col.as_str()) {
                    return Err(pg_err("42703", &format!("column \"{col}\" does not exist")));
                }
                let shown = match item {
                    SelectItem::ExprWithAlias { alias, .. } => alias.value.clone(),
                    _ => col.clone(),
                };
                wanted.push((col, shown));
            }
            _ => {
                return Err(pg_err(
                    "0A000",
                    "the simulator's SQL emulation only reads plain columns of the migration history; use its PostgreSQL mode",
                ))
            }
        }
    }
    if sel.selection.is_some() {
        return Err(pg_err(
            "0A000",
            "the simulator's SQL emulation does not filter the migration history (WHERE); use its PostgreSQL mode",
        ));
    }
    let mut rows: Vec<&HistoryRow> = history.iter().collect();
    let order = match &q.order_by {
        Some(ob) => match &ob.kind {
            sqlparser::ast::OrderByKind::Expressions(exprs) => exprs
                .first()
                .map(|e| (column_of(&e.expr), e.options.asc == Some(false))),
            _ => None,
        },
        None => None,
    };
    if let Some((Some(col), desc)) = order {
        rows.sort_by(|a, b| {
            let key = |h: &HistoryRow| match col.as_str() {
                "name" => h.name.clone().unwrap_or_default(),
                _ => h.version.clone(),
            };
            key(a).cmp(&key(b))
        });
        if desc {
            rows.reverse();
        }
    }
    let out = rows
        .iter()
        .map(|h| {
            let mut m = Map::new();
            for (col, shown) in &wanted {
                let v = match col.as_str() {
                    "version" => json!(h.version),
                    "name" => json!(h.name),
                    _ => json!(h.statements),
                };
                m.insert(shown.clone(), v);
            }
            Value::Object(m)
        })
        .collect();
    Ok(Value::Array(out))
}
