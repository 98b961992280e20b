//! The simulated database's SQL: tables and policies recorded, the migration history kept.

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
    let read = "select version, name from supabase_migrations.schema_migrations order by version";
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
    let template = include_str!("../../../schema/template.sql");
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
