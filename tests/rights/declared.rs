//! The rights declaration at the database: every declared right and no other holds, and rights
//! from another declaration are replaced when the register opens.

use super::*;

/// The declaration of rights (`fabrik::store::rights`), tried at the database: every table of
/// the schema is declared, and with a login of each group every table × operation (× column,
/// since a right may name columns) is allowed exactly when the declaration says so. Each probe
/// touches no row (`WHERE false`), so PostgreSQL's privilege check is all that can refuse it.
#[test]
fn every_declared_right_and_no_other_holds_at_the_database() {
    use fabrik::store::rights::{allows, Group, Op, TABLES};
    let register = Register::new("declared");
    let admin =
        Conn::postgres(PgConn::connect(&PgConfig::parse(&register.admin_url).unwrap()).unwrap());
    let mut tables: Vec<String> = admin
        .query_map(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'fabrik'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    tables.sort();
    let mut declared: Vec<&str> = TABLES.to_vec();
    declared.sort();
    assert_eq!(
        tables, declared,
        "every table and view of the schema is declared"
    );

    let mut proved = Vec::new();
    for group in Group::ALL {
        let person = register.person(&group.suffix()[..3], group.suffix());
        let conn = register.conn(&person);
        for table in TABLES {
            let columns: Vec<String> = admin
                .query_map(
                    "SELECT column_name::text FROM information_schema.columns
                      WHERE table_schema = 'fabrik' AND table_name = ?1 ORDER BY ordinal_position",
                    vec![Value::Text(table.to_string())],
                    |r| r.get(0),
                )
                .unwrap();
            let view: bool = admin
                .query_row(
                    "SELECT table_type = 'VIEW' FROM information_schema.tables
                      WHERE table_schema = 'fabrik' AND table_name = ?1",
                    vec![Value::Text(table.to_string())],
                    |r| r.get(0),
                )
                .unwrap();
            // A view is read; PostgreSQL refuses a write to it before it looks at rights.
            let ops: &[Op] = if view { &[Op::Select] } else { &Op::ALL };
            for &op in ops {
                let probes: Vec<(Option<&str>, String)> = match op {
                    Op::Delete => vec![(None, format!("DELETE FROM fabrik.{table} WHERE false"))],
                    Op::Select => columns
                        .iter()
                        .map(|c| {
                            (
                                Some(c.as_str()),
                                format!("SELECT {c} FROM fabrik.{table} WHERE false"),
                            )
                        })
                        .collect(),
                    Op::Insert => columns
                        .iter()
                        .map(|c| {
                            (
                                Some(c.as_str()),
                                format!("INSERT INTO fabrik.{table} ({c}) SELECT NULL WHERE false"),
                            )
                        })
                        .collect(),
                    Op::Update => columns
                        .iter()
                        .map(|c| {
                            (
                                Some(c.as_str()),
                                format!("UPDATE fabrik.{table} SET {c} = {c} WHERE false"),
                            )
                        })
                        .collect(),
                };
                let mut allowed = Vec::new();
                for (column, sql) in probes {
                    let held = match conn.execute_batch(&sql) {
                        Ok(()) => true,
                        Err(e) if sqlstate(&e) == Some("42501") => false,
                        Err(e) => panic!("{person}: {sql}: {e}"),
                    };
                    assert_eq!(
                        held,
                        allows(group, table, op, column),
                        "{group:?} ({person}): {sql}"
                    );
                    if held {
                        allowed.push(column.unwrap_or("*"));
                    }
                }
                if op != Op::Select && !allowed.is_empty() {
                    let whole = allowed.len() == columns.len() || allowed == ["*"];
                    proved.push(format!(
                        "{group:?} {} {table}{}",
                        op.sql(),
                        if whole {
                            String::new()
                        } else {
                            format!(" ({})", allowed.join(", "))
                        }
                    ));
                }
            }
        }
    }
    // What each group may change, as proved (the closing note of issue #45 quotes it).
    eprintln!("rights proved:\n{}", proved.join("\n"));
}

/// A register whose rights were applied from another declaration (an older Fabrik) gets this
/// one's the next time its role opens it: the digest kept in `rights_applied` differs.
#[test]
fn rights_from_another_declaration_are_replaced_when_the_register_opens() {
    let register = Register::new("reapply");
    let otto = register.person("otto", "operator");
    let probe = "INSERT INTO customers (name) SELECT 'x' WHERE false";
    register.conn(&otto).execute_batch(probe).unwrap();

    let admin = register.conn(&register.role);
    admin
        .execute_batch(&format!(
            "REVOKE INSERT ON customers FROM {role}_operator;
             UPDATE rights_applied SET digest = 'en äldre deklaration';",
            role = register.role
        ))
        .unwrap();
    let refused = register.conn(&otto).execute_batch(probe).unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");

    Store::connect(&register.config(&register.role)).unwrap();
    register.conn(&otto).execute_batch(probe).unwrap();
    let digest: String = admin
        .query_row("SELECT digest FROM rights_applied", (), |r| r.get(0))
        .unwrap();
    assert_eq!(digest, fabrik::store::rights::digest());
}
