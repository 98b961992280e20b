//! SQL without a database: checks that the script parses as PostgreSQL, records the tables it
//! creates (with RLS and policies) and answers the catalogue queries Fabrik uses to verify a schema.
//!
//! It also keeps the Supabase CLI's migration history, `supabase_migrations.schema_migrations`
//! (`version text primary key, statements text[], name text`): an INSERT adds rows (a version
//! already there is refused with 23505, as PostgreSQL's primary key does; `ON CONFLICT` skips
//! it), `select version, name … order by version` reads them, `DROP SCHEMA … CASCADE` and
//! `DROP TABLE` remove what they name. A script is atomic as a simple-protocol query string is:
//! one implicit transaction, `COMMIT` keeps what came before it, `ROLLBACK` and any error undo
//! everything since the last `COMMIT` (no table recorded, no history row). `BEGIN` and
//! `SELECT pg_advisory_xact_lock(…)` are accepted (one simulator runs one script at a time).
//!
//! Not modelled: rows of any other table, UPDATE/DELETE/TRUNCATE of the history, schemas (a
//! table may be created in a schema never created), types, functions, triggers, savepoints,
//! and whatever a logical backup reads from the catalogues: backups and restores need the
//! PostgreSQL mode (`database_url`).

use serde_json::{json, Map, Value};
use sqlparser::ast::{
    AlterTableOperation, Expr, ObjectName, ObjectNamePart, ObjectType, SelectItem, SetExpr,
    Statement, Value as SqlValue,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::world::{HistoryRow, TableInfo};
use history::{
    answer_history, history_missing, insert_history, inserts_history, reads_history, HISTORY,
};

mod history;

/// How the real-database executor should run a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One query returning rows: can be wrapped in `json_agg`.
    SingleSelect,
    /// One INSERT/UPDATE/DELETE with RETURNING: can be wrapped in a CTE.
    SingleReturning,
    /// Anything else, including scripts sqlparser cannot read.
    Other,
}

pub fn classify(sql: &str) -> Kind {
    match Parser::parse_sql(&PostgreSqlDialect {}, sql) {
        Ok(stmts) if stmts.len() == 1 => match &stmts[0] {
            Statement::Query(q) if !matches!(*q.body, SetExpr::Insert(_) | SetExpr::Update(_)) => {
                Kind::SingleSelect
            }
            Statement::Insert(i) if i.returning.is_some() => Kind::SingleReturning,
            Statement::Update {
                returning: Some(_), ..
            } => Kind::SingleReturning,
            Statement::Delete(d) if d.returning.is_some() => Kind::SingleReturning,
            _ => Kind::Other,
        },
        _ => Kind::Other,
    }
}

/// A relation's name as PostgreSQL repeats it in an error: as written (`public.x` or `x`),
/// unquoted identifiers folded to lower case.
fn written(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) if id.quote_style.is_none() => id.value.to_lowercase(),
            ObjectNamePart::Identifier(id) => id.value.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// (schema, table) of a possibly qualified name; unquoted identifiers fold to lower case like PostgreSQL.
pub(super) fn split_name(name: &ObjectName) -> (String, String) {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => {
                if id.quote_style.is_some() {
                    id.value.clone()
                } else {
                    id.value.to_lowercase()
                }
            }
            other => other.to_string(),
        })
        .collect();
    match parts.as_slice() {
        [schema, table] => (schema.clone(), table.clone()),
        [.., schema, table] => (schema.clone(), table.clone()),
        [table] => ("public".into(), table.clone()),
        [] => ("public".into(), String::new()),
    }
}

/// An error as the Management API renders PostgreSQL's (postgres-meta's format).
pub(super) fn pg_err(code: &str, message: &str) -> String {
    format!("ERROR:  {code}: {message}\n")
}

/// Parses and "runs" a script against the recorded tables and migration history: atomically,
/// as described in the module comment.
pub fn run(
    tables: &mut Vec<TableInfo>,
    history: &mut Vec<HistoryRow>,
    sql: &str,
    params: &[Value],
    read_only: bool,
) -> Result<Value, String> {
    let stmts = Parser::parse_sql(&PostgreSqlDialect {}, sql)
        .map_err(|e| pg_err("42601", &e.to_string()))?;
    let mut committed = (tables.clone(), history.clone());
    let mut last = Value::Array(vec![]);
    for stmt in &stmts {
        match stmt {
            Statement::Commit { .. } => committed = (tables.clone(), history.clone()),
            Statement::Rollback {
                savepoint: None, ..
            } => (*tables, *history) = committed.clone(),
            _ => {}
        }
        match run_one(tables, history, stmt, sql, params, read_only) {
            Ok(v) => last = v,
            Err(e) => {
                (*tables, *history) = committed;
                return Err(e);
            }
        }
    }
    Ok(last)
}

fn run_one(
    tables: &mut Vec<TableInfo>,
    history: &mut Vec<HistoryRow>,
    stmt: &Statement,
    sql: &str,
    params: &[Value],
    read_only: bool,
) -> Result<Value, String> {
    let control = matches!(
        stmt,
        Statement::StartTransaction { .. } | Statement::Commit { .. } | Statement::Rollback { .. }
    );
    if read_only && !control && !matches!(stmt, Statement::Query(_)) {
        return Err(pg_err(
            "25006",
            "cannot execute this statement in a read-only transaction",
        ));
    }
    let has_history = |tables: &[TableInfo]| {
        tables
            .iter()
            .any(|t| t.schema == HISTORY.0 && t.name == HISTORY.1)
    };
    match stmt {
        Statement::CreateTable(ct) => {
            let (schema, name) = split_name(&ct.name);
            if let Some(existing) = tables.iter().find(|t| t.schema == schema && t.name == name) {
                if !ct.if_not_exists && !ct.or_replace {
                    return Err(pg_err(
                        "42P07",
                        &format!("relation \"{}\" already exists", existing.name),
                    ));
                }
                return Ok(json!([]));
            }
            let columns = ct
                .columns
                .iter()
                .map(|c| c.name.value.to_lowercase())
                .collect();
            tables.push(TableInfo {
                schema,
                name,
                rls: false,
                columns,
                policies: vec![],
            });
        }
        Statement::AlterTable {
            name,
            operations,
            if_exists,
            ..
        } => {
            let (schema, table) = split_name(name);
            let Some(t) = tables
                .iter_mut()
                .find(|t| t.schema == schema && t.name == table)
            else {
                if *if_exists || schema != "public" {
                    return Ok(json!([]));
                }
                return Err(pg_err(
                    "42P01",
                    &format!("relation \"{}\" does not exist", written(name)),
                ));
            };
            for op in operations {
                match op {
                    AlterTableOperation::EnableRowLevelSecurity => t.rls = true,
                    AlterTableOperation::DisableRowLevelSecurity => t.rls = false,
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        t.columns.push(column_def.name.value.to_lowercase())
                    }
                    _ => {}
                }
            }
        }
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            if_exists,
            ..
        } => {
            for n in names {
                let (schema, table) = split_name(n);
                let before = tables.len();
                tables.retain(|t| !(t.schema == schema && t.name == table));
                if (schema.as_str(), table.as_str()) == HISTORY {
                    history.clear();
                }
                if before == tables.len() && !*if_exists && schema == "public" {
                    return Err(pg_err(
                        "42P01",
                        &format!("table \"{table}\" does not exist"),
                    ));
                }
            }
        }
        Statement::Drop {
            object_type: ObjectType::Schema,
            names,
            cascade,
            ..
        } => {
            for n in names {
                let schema = split_name(n).1;
                let inside = tables.iter().filter(|t| t.schema == schema).count();
                if inside > 0 && !*cascade {
                    let detail: Vec<String> = tables
                        .iter()
                        .filter(|t| t.schema == schema)
                        .map(|t| format!("table {schema}.{} depends on schema {schema}", t.name))
                        .collect();
                    return Err(format!(
                        "{}DETAIL:  {}\nHINT:  Use DROP ... CASCADE to drop the dependent objects too.\n",
                        pg_err(
                            "2BP01",
                            &format!("cannot drop schema {schema} because other objects depend on it")
                        ),
                        detail.join("\n")
                    ));
                }
                tables.retain(|t| t.schema != schema);
                if schema == HISTORY.0 {
                    history.clear();
                }
            }
        }
        Statement::CreatePolicy {
            name, table_name, ..
        } => {
            let (schema, table) = split_name(table_name);
            match tables
                .iter_mut()
                .find(|t| t.schema == schema && t.name == table)
            {
                Some(t) => t.policies.push(name.value.clone()),
                None if schema == "public" => {
                    return Err(pg_err(
                        "42P01",
                        &format!("relation \"{}\" does not exist", written(table_name)),
                    ))
                }
                None => {}
            }
        }
        Statement::Query(q) if reads_history(q) => {
            if !has_history(tables) {
                return Err(history_missing());
            }
            return answer_history(history, q);
        }
        Statement::Query(q) => return Ok(answer_query(tables, q, sql)),
        Statement::Insert(i) if inserts_history(i) => {
            if !has_history(tables) {
                return Err(history_missing());
            }
            insert_history(history, i, params)?;
        }
        Statement::Insert(i) => return answer_insert(tables, i, params),
        _ => {}
    }
    Ok(json!([]))
}

/// An INSERT … RETURNING answers the row it would write, as a database would: each returned
/// column (or cast of one) from the inserted values, with `$n` taken from `params`. Nothing is
/// stored; without a database there are no rows to conflict with.
fn answer_insert(
    tables: &[TableInfo],
    insert: &sqlparser::ast::Insert,
    params: &[Value],
) -> Result<Value, String> {
    let (schema, table) = match &insert.table {
        sqlparser::ast::TableObject::TableName(n) => split_name(n),
        _ => return Ok(json!([])),
    };
    if schema == "public" && !tables.iter().any(|t| t.schema == schema && t.name == table) {
        return Err(pg_err(
            "42P01",
            &format!("relation \"{schema}.{table}\" does not exist"),
        ));
    }
    let Some(returning) = &insert.returning else {
        return Ok(json!([]));
    };
    let rows = match insert.source.as_deref().map(|q| q.body.as_ref()) {
        Some(SetExpr::Values(v)) => v.rows.clone(),
        _ => return Ok(json!([])),
    };
    let columns: Vec<String> = insert
        .columns
        .iter()
        .map(|c| c.value.to_lowercase())
        .collect();
    let out = rows
        .iter()
        .map(|row| {
            let value_of = |col: &str| column_value(&columns, row, col, params);
            let mut m = Map::new();
            for item in returning {
                let (expr, alias) = match item {
                    SelectItem::UnnamedExpr(e) => (e, None),
                    SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
                    _ => continue,
                };
                let col = column_of(expr);
                let name = alias
                    .or_else(|| col.clone())
                    .unwrap_or_else(|| "?column?".into());
                let value = match col {
                    Some(c) => value_of(&c),
                    None => inserted_value(expr, params),
                };
                m.insert(name, value);
            }
            Value::Object(m)
        })
        .collect();
    Ok(Value::Array(out))
}

/// The value an INSERT's row gives `col` (null when the column is not listed).
pub(super) fn column_value(columns: &[String], row: &[Expr], col: &str, params: &[Value]) -> Value {
    columns
        .iter()
        .position(|c| c == col)
        .and_then(|i| row.get(i))
        .map(|e| inserted_value(e, params))
        .unwrap_or(Value::Null)
}

/// The column an expression reads (`x`, `x::text`, `(x)`), if it is one.
pub(super) fn column_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(id) => Some(id.value.to_lowercase()),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => column_of(expr),
        _ => None,
    }
}

/// A value being inserted: a `$n` parameter, a literal, a cast of either, `nullif(a, b)`.
/// Anything else: null.
fn inserted_value(e: &Expr, params: &[Value]) -> Value {
    match e {
        Expr::Value(v) => match &v.value {
            SqlValue::Placeholder(p) => p
                .trim_start_matches('$')
                .parse::<usize>()
                .ok()
                .and_then(|n| params.get(n.wrapping_sub(1)))
                .cloned()
                .unwrap_or(Value::Null),
            _ => literal(e).unwrap_or(Value::Null),
        },
        Expr::Cast { expr, .. } | Expr::Nested(expr) => inserted_value(expr, params),
        Expr::Array(a) => Value::Array(a.elem.iter().map(|e| inserted_value(e, params)).collect()),
        Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("nullif") => {
            let args: Vec<Value> = match &f.args {
                sqlparser::ast::FunctionArguments::List(l) => l
                    .args
                    .iter()
                    .filter_map(|a| match a {
                        sqlparser::ast::FunctionArg::Unnamed(
                            sqlparser::ast::FunctionArgExpr::Expr(e),
                        ) => Some(inserted_value(e, params)),
                        _ => None,
                    })
                    .collect(),
                _ => vec![],
            };
            match args.as_slice() {
                [a, b] if a == b => Value::Null,
                [a, _] => a.clone(),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    }
}

/// Answers catalogue queries from the recorded tables, constant SELECTs from their literals, and
/// anything else with no rows.
fn answer_query(tables: &[TableInfo], q: &sqlparser::ast::Query, sql: &str) -> Value {
    let lower = sql.to_lowercase();
    let public: Vec<&TableInfo> = tables.iter().filter(|t| t.schema == "public").collect();
    // Columns are chosen from the projection (`select tablename, rowsecurity ...`).
    let projection = match q.body.as_ref() {
        SetExpr::Select(sel) => sel
            .projection
            .iter()
            .map(|i| i.to_string().to_lowercase())
            .collect::<Vec<_>>()
            .join(","),
        _ => "*".to_string(),
    };
    let wants = |col: &str| projection.contains(col) || projection.contains('*');
    if lower.contains("pg_tables") {
        return Value::Array(
            public
                .iter()
                .map(|t| {
                    let mut m = Map::new();
                    if wants("schemaname") {
                        m.insert("schemaname".into(), json!(t.schema));
                    }
                    if wants("tablename") {
                        m.insert("tablename".into(), json!(t.name));
                    }
                    if wants("rowsecurity") {
                        m.insert("rowsecurity".into(), json!(t.rls));
                    }
                    Value::Object(m)
                })
                .collect(),
        );
    }
    if lower.contains("information_schema.tables") {
        return Value::Array(
            public
                .iter()
                .map(|t| {
                    let mut m = Map::new();
                    if wants("table_schema") {
                        m.insert("table_schema".into(), json!(t.schema));
                    }
                    if wants("table_name") {
                        m.insert("table_name".into(), json!(t.name));
                    }
                    if wants("table_type") {
                        m.insert("table_type".into(), json!("BASE TABLE"));
                    }
                    if projection.contains("rowsecurity") {
                        m.insert("rowsecurity".into(), json!(t.rls));
                    }
                    Value::Object(m)
                })
                .collect(),
        );
    }
    if lower.contains("pg_policies") {
        return Value::Array(
            public
                .iter()
                .flat_map(|t| t.policies.iter().map(move |p| json!({"schemaname": t.schema, "tablename": t.name, "policyname": p})))
                .collect(),
        );
    }
    // SELECT of literals only, without FROM: evaluate.
    if let SetExpr::Select(sel) = q.body.as_ref() {
        if sel.from.is_empty() {
            let mut row = Map::new();
            for item in &sel.projection {
                let (expr, alias) = match item {
                    SelectItem::UnnamedExpr(e) => (e, None),
                    SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
                    _ => return json!([]),
                };
                let Some(v) = literal(expr) else {
                    return json!([]);
                };
                row.insert(alias.unwrap_or_else(|| "?column?".into()), v);
            }
            return json!([row]);
        }
    }
    json!([])
}

fn literal(e: &Expr) -> Option<Value> {
    match e {
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => n
                .parse::<i64>()
                .map(Value::from)
                .ok()
                .or_else(|| n.parse::<f64>().ok().map(Value::from)),
            SqlValue::SingleQuotedString(s) => Some(json!(s)),
            SqlValue::DollarQuotedString(s) => Some(json!(s.value)),
            SqlValue::Boolean(b) => Some(json!(b)),
            SqlValue::Null => Some(Value::Null),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests;
