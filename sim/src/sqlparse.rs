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

/// The history table's schema and name.
const HISTORY: (&str, &str) = ("supabase_migrations", "schema_migrations");
/// Its columns in table order.
const HISTORY_COLUMNS: [&str; 3] = ["version", "statements", "name"];

/// An error as the Management API renders PostgreSQL's (postgres-meta's format).
fn pg_err(code: &str, message: &str) -> String {
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

fn history_missing() -> String {
    pg_err(
        "42P01",
        &format!("relation \"{}.{}\" does not exist", HISTORY.0, HISTORY.1),
    )
}

fn is_history(name: &ObjectName) -> bool {
    let (schema, table) = split_name(name);
    (schema.as_str(), table.as_str()) == HISTORY
}

fn inserts_history(i: &sqlparser::ast::Insert) -> bool {
    matches!(&i.table, sqlparser::ast::TableObject::TableName(n) if is_history(n))
}

/// A SELECT whose only FROM item is the history table.
fn reads_history(q: &sqlparser::ast::Query) -> bool {
    let SetExpr::Select(sel) = q.body.as_ref() else {
        return false;
    };
    matches!(sel.from.as_slice(), [twj] if twj.joins.is_empty()
        && matches!(&twj.relation, sqlparser::ast::TableFactor::Table { name, .. } if is_history(name)))
}

/// Adds the INSERT's rows to the history: all of them or none.
fn insert_history(
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
fn answer_history(history: &[HistoryRow], q: &sqlparser::ast::Query) -> Result<Value, String> {
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
fn column_value(columns: &[String], row: &[Expr], col: &str, params: &[Value]) -> Value {
    columns
        .iter()
        .position(|c| c == col)
        .and_then(|i| row.get(i))
        .map(|e| inserted_value(e, params))
        .unwrap_or(Value::Null)
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
mod tests {
    use super::*;

    #[test]
    fn records_tables_rls_and_answers_pg_tables() {
        let mut t = vec![];
        run(
            &mut t,
            &mut vec![],
            "create table public.notes (id uuid primary key, body text); alter table notes enable row level security; \
             create policy \"own\" on notes for select using (auth.uid() = id);",
            &[],
            false,
        )
        .unwrap();
        let rows = run(
            &mut t,
            &mut vec![],
            "select tablename, rowsecurity from pg_tables where schemaname = 'public'",
            &[],
            false,
        )
        .unwrap();
        assert_eq!(rows, json!([{"tablename": "notes", "rowsecurity": true}]));
        // An INSERT … RETURNING answers the row it would write, parameters filled in.
        let rows = run(
            &mut t,
            &mut vec![],
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
            &mut vec![],
            "insert into public.nope (x) values (1) returning x",
            &[],
            false
        )
        .is_err());
        assert_eq!(
            run(&mut t, &mut vec![], "select 1", &[], false).unwrap(),
            json!([{"?column?": 1}])
        );
        assert!(run(&mut t, &mut vec![], "selec 1", &[], false)
            .unwrap_err()
            .starts_with("ERROR:  42601: "));
        assert_eq!(classify("select * from x;"), Kind::SingleSelect);
        assert_eq!(
            classify("insert into x values (1) returning id"),
            Kind::SingleReturning
        );
        assert_eq!(classify("create table x (id int); select 1"), Kind::Other);
    }

    const HISTORY_DDL: &str = "CREATE SCHEMA IF NOT EXISTS supabase_migrations; \
        CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);";

    fn migration(version: &str, body: &str) -> String {
        format!(
            "BEGIN; SELECT pg_advisory_xact_lock(4711); {body}; \
             INSERT INTO supabase_migrations.schema_migrations (version, name, statements) \
             VALUES ('{version}', 'm{version}', ARRAY[$fabrik_x$ {body} $fabrik_x$]); COMMIT;"
        )
    }

    #[test]
    fn migration_history_is_kept_and_scripts_are_atomic() {
        let (mut t, mut h) = (vec![], vec![]);
        let read =
            "select version, name from supabase_migrations.schema_migrations order by version";
        // Reading before the table exists fails as PostgreSQL does.
        let e = run(&mut t, &mut h, read, &[], false).unwrap_err();
        assert!(
            e.starts_with("ERROR:  42P01: relation \"supabase_migrations.schema_migrations\""),
            "{e}"
        );
        assert_eq!(
            run(&mut t, &mut h, HISTORY_DDL, &[], false).unwrap(),
            json!([])
        );
        // Twice is fine (IF NOT EXISTS).
        run(&mut t, &mut h, HISTORY_DDL, &[], false).unwrap();
        let out = run(
            &mut t,
            &mut h,
            &migration("002", "create table public.b (id int)"),
            &[],
            false,
        )
        .unwrap();
        assert_eq!(out, json!([]));
        run(
            &mut t,
            &mut h,
            &migration("001", "create table public.a (id int)"),
            &[],
            false,
        )
        .unwrap();
        assert_eq!(
            run(&mut t, &mut h, read, &[], false).unwrap(),
            json!([{"version": "001", "name": "m001"}, {"version": "002", "name": "m002"}])
        );
        assert_eq!(
            h[0].statements,
            Some(vec![" create table public.b (id int) ".to_string()])
        );
        // A duplicate version fails the whole script: the new table is not recorded either.
        let e = run(
            &mut t,
            &mut h,
            &migration("001", "create table public.c (id int)"),
            &[],
            false,
        )
        .unwrap_err();
        assert!(
            e.starts_with("ERROR:  23505: duplicate key value violates unique constraint \"schema_migrations_pkey\"\nDETAIL:  Key (version)=(001) already exists."),
            "{e}"
        );
        assert!(!t.iter().any(|x| x.name == "c"));
        assert_eq!(h.len(), 2);
        // An error before the history insert: nothing of the script stays.
        let e = run(
            &mut t,
            &mut h,
            &migration(
                "003",
                "create table public.d (id int); create table public.a (id int)",
            ),
            &[],
            false,
        )
        .unwrap_err();
        assert!(e.starts_with("ERROR:  42P07: "), "{e}");
        assert!(!t.iter().any(|x| x.name == "d"));
        assert_eq!(h.len(), 2);
        // COMMIT keeps what came before it; the failing part after it is undone.
        let e = run(&mut t, &mut h, "create table public.e (id int); commit; create table public.f (id int); create table public.e (id int)", &[], false)
            .unwrap_err();
        assert!(e.starts_with("ERROR:  42P07"), "{e}");
        assert!(t.iter().any(|x| x.name == "e") && !t.iter().any(|x| x.name == "f"));
        // ON CONFLICT skips a version already there; parameters fill values.
        run(&mut t, &mut h, "insert into supabase_migrations.schema_migrations (version, name) values ($1, $2) on conflict do nothing", &[json!("001"), json!("again")], false).unwrap();
        run(
            &mut t,
            &mut h,
            "insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)",
            &[json!("004"), json!(null)],
            false,
        )
        .unwrap();
        assert_eq!(
            run(&mut t, &mut h, "select version as v, name from supabase_migrations.schema_migrations order by version desc", &[], false).unwrap(),
            json!([{"v": "004", "name": null}, {"v": "002", "name": "m002"}, {"v": "001", "name": "m001"}])
        );
        // Dropping the schema without CASCADE is refused; with it, the history goes too.
        assert!(run(
            &mut t,
            &mut h,
            "drop schema supabase_migrations",
            &[],
            false
        )
        .unwrap_err()
        .starts_with("ERROR:  2BP01"));
        run(
            &mut t,
            &mut h,
            "drop schema if exists supabase_migrations cascade",
            &[],
            false,
        )
        .unwrap();
        assert!(h.is_empty());
        assert!(run(&mut t, &mut h, read, &[], false).is_err());
    }

    /// Fabrik's bundled template schema, applied as a migration is (one transaction, its text
    /// dollar-quoted into the history row), goes through the emulation.
    #[test]
    fn the_bundled_template_applies_as_a_migration() {
        let template = include_str!("../../schema/template.sql");
        let (mut t, mut h) = (vec![], vec![]);
        run(&mut t, &mut h, HISTORY_DDL, &[], false).unwrap();
        let script = format!(
            "BEGIN; SELECT pg_advisory_xact_lock(1); {template}\n; \
             INSERT INTO supabase_migrations.schema_migrations (version, name, statements) \
             VALUES ('00000000000000', 'baseline', ARRAY[$fabrik_b$ {template} $fabrik_b$]); COMMIT;"
        );
        run(&mut t, &mut h, &script, &[], false).unwrap();
        assert_eq!(h.len(), 1);
        assert!(t.iter().any(|x| x.schema == "public"), "{t:?}");
    }
}
