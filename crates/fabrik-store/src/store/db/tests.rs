use super::*;

#[test]
fn placeholders_are_renumbered_outside_quoted_text_only() {
    assert_eq!(
        numbered_placeholders("SELECT '?1', x FROM t WHERE a = ?1 AND b LIKE ?2 ESCAPE '\\'"),
        "SELECT '?1', x FROM t WHERE a = $1 AND b LIKE $2 ESCAPE '\\'"
    );
}

#[test]
fn a_flag_and_an_integer_read_as_each_other_and_times_keep_their_stored_form() {
    let row = Row(vec![
        Value::Int(1),
        Value::Bool(false),
        Value::Text("2026-11-23 17:00:00+00:00".into()),
        Value::Text("2026-11-23T17:00:00+00:00".into()),
        Value::Null,
    ]);
    assert!(row.get::<bool>(0).unwrap());
    assert_eq!(row.get::<i64>(1).unwrap(), 0);
    let a: chrono::DateTime<chrono::Utc> = row.get(2).unwrap();
    let b: chrono::DateTime<chrono::Utc> = row.get(3).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        a.to_value(),
        Value::Text("2026-11-23 17:00:00+00:00".into())
    );
    assert_eq!(row.get::<Option<String>>(4).unwrap(), None);
    assert!(matches!(
        row.get::<String>(0),
        Err(DbError::Conversion { column: 0, .. })
    ));
    assert!(matches!(row.get::<u32>(9), Err(DbError::Conversion { .. })));
}

/// TLS is on for every host but this machine, `sslmode=disable` is honoured only here, and the
/// password never shows in what a person (or a log) sees of the address.
#[test]
fn a_remote_register_is_reached_over_tls_and_its_password_never_shows() {
    let local = PgConfig::parse("postgres://fabrik@127.0.0.1:5432/db").unwrap();
    assert!(!local.tls());
    let remote =
        PgConfig::parse("postgres://fabrik:SENTINEL-pw@db.example.se:5432/postgres").unwrap();
    assert!(remote.tls());
    assert!(PgConfig::parse("postgres://fabrik@db.example.se/x?sslmode=disable").is_err());
    assert!(
        PgConfig::parse("postgres://fabrik@localhost/x?sslmode=require")
            .unwrap()
            .tls()
    );
    assert_eq!(remote.describe(), "fabrik@db.example.se:5432/postgres");
    assert!(!format!("{remote:?}").contains("SENTINEL"));
    assert!(PgConfig::parse("mysql://x@y/z").is_err());
}

/// A bounded read gives every row while they fit and nothing once they pass the bound.
#[test]
fn rows_within_stop_at_the_bound() {
    let conn = Conn::sqlite(rusqlite::Connection::open_in_memory().unwrap());
    let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
               SELECT 'abcd' FROM n";
    assert_eq!(
        conn.rows_within(sql, (), 40).unwrap().map(|r| r.len()),
        Some(10)
    );
    assert_eq!(conn.rows_within(sql, (), 39).unwrap(), None);
}
