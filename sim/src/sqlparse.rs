//! SQL without a database: checks that the script parses as PostgreSQL, records the tables it
//! creates (with RLS and policies) and answers the catalogue queries Fabrik uses to verify a schema.

use serde_json::{json, Map, Value};
use sqlparser::ast::{
    AlterTableOperation, Expr, ObjectName, ObjectNamePart, ObjectType, SelectItem, SetExpr,
    Statement, Value as SqlValue,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::world::TableInfo;

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

/// (schema, table) of a possibly qualified name; unquoted identifiers fold to lower case like PostgreSQL.
fn split_name(name: &ObjectName) -> (String, String) {
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

/// Parses and "runs" a script against the recorded tables.
pub fn run(
    tables: &mut Vec<TableInfo>,
    sql: &str,
    params: &[Value],
    read_only: bool,
) -> Result<Value, String> {
    let stmts =
        Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|e| format!("ERROR: 42601: {e}"))?;
    let mut last = Value::Array(vec![]);
    for stmt in &stmts {
        if read_only && !matches!(stmt, Statement::Query(_)) {
            return Err(
                "ERROR: 25006: cannot execute this statement in a read-only transaction".into(),
            );
        }
        last = Value::Array(vec![]);
        match stmt {
            Statement::CreateTable(ct) => {
                let (schema, name) = split_name(&ct.name);
                if let Some(existing) = tables.iter().find(|t| t.schema == schema && t.name == name)
                {
                    if !ct.if_not_exists && !ct.or_replace {
                        return Err(format!(
                            "ERROR: 42P07: relation \"{}\" already exists",
                            existing.name
                        ));
                    }
                    continue;
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
                        continue;
                    }
                    return Err(format!("ERROR: 42P01: relation \"{table}\" does not exist"));
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
                    if before == tables.len() && !*if_exists && schema == "public" {
                        return Err(format!("ERROR: 42P01: table \"{table}\" does not exist"));
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
                        return Err(format!("ERROR: 42P01: relation \"{table}\" does not exist"))
                    }
                    None => {}
                }
            }
            Statement::Query(q) => last = answer_query(tables, q, sql),
            Statement::Insert(i) => last = answer_insert(tables, i, params)?,
            _ => {}
        }
    }
    Ok(last)
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
        return Err(format!(
            "ERROR: 42P01: relation \"{schema}.{table}\" does not exist"
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
            let value_of = |col: &str| {
                columns
                    .iter()
                    .position(|c| c == col)
                    .and_then(|i| row.get(i))
                    .map(|e| inserted_value(e, params))
                    .unwrap_or(Value::Null)
            };
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

/// The column an expression reads (`x`, `x::text`, `(x)`), if it is one.
fn column_of(e: &Expr) -> Option<String> {
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
            SqlValue::Boolean(b) => Some(json!(b)),
            SqlValue::Null => Some(Value::Null),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_tables_rls_and_answers_pg_tables() {
        let mut t = vec![];
        run(
            &mut t,
            "create table public.notes (id uuid primary key, body text); alter table notes enable row level security; \
             create policy \"own\" on notes for select using (auth.uid() = id);",
            &[],
            false,
        )
        .unwrap();
        let rows = run(
            &mut t,
            "select tablename, rowsecurity from pg_tables where schemaname = 'public'",
            &[],
            false,
        )
        .unwrap();
        assert_eq!(rows, json!([{"tablename": "notes", "rowsecurity": true}]));
        // An INSERT … RETURNING answers the row it would write, parameters filled in.
        let rows = run(
            &mut t,
            "insert into public.notes (id, body) values ($1::uuid, nullif($2, '')) \
             on conflict (id) do update set body = excluded.body returning id::text as note, body",
            &[json!("00000000-0000-4000-8000-000000000001"), json!("hej")],
            false,
        )
        .unwrap();
        assert_eq!(
            rows,
            json!([{"note": "00000000-0000-4000-8000-000000000001", "body": "hej"}])
        );
        assert!(run(
            &mut t,
            "insert into public.nope (x) values (1) returning x",
            &[],
            false
        )
        .is_err());
        assert_eq!(
            run(&mut t, "select 1", &[], false).unwrap(),
            json!([{"?column?": 1}])
        );
        assert!(run(&mut t, "selec 1", &[], false)
            .unwrap_err()
            .starts_with("ERROR: 42601"));
        assert_eq!(classify("select * from x;"), Kind::SingleSelect);
        assert_eq!(
            classify("insert into x values (1) returning id"),
            Kind::SingleReturning
        );
        assert_eq!(classify("create table x (id int); select 1"), Kind::Other);
    }
}
