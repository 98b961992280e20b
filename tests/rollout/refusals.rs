//! What a roll-out refuses: a file edited after the plan (by its hash), a restore pointed at
//! another project.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;

/// A planned roll-out's file edited in the register after the plan (its text changed, its
/// hash left): the member run refuses it before anything runs, and names the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_edited_after_the_plan_is_refused_by_its_hash() {
    let Some(f) = fleet("rollout-hash", &["Ändrad Fil AB"]).await else {
        return;
    };
    let slug = &f.slugs[0];
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), &[(INVOICES, INVOICES_SQL)]);
    let mut plan = f.cli();
    plan.args([
        "rollout",
        "plan",
        "--dir",
        dir.path().to_str().unwrap(),
        "--json",
    ]);
    let (code, out, err) = run(plan);
    // 3: planned, not yet done.
    assert_eq!(code, 3, "{out}{err}");
    let id = serde_json::from_str::<Value>(&out).unwrap()["rollout"]["id"]
        .as_i64()
        .unwrap();

    // Someone with the register in hand swaps the SQL and keeps the planned hash.
    let conn = rusqlite::Connection::open(&f.db).unwrap();
    let planned: String = conn
        .query_row("select migrations from rollouts where id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    let mut files_json: Value = serde_json::from_str(&planned).unwrap();
    files_json[0]["sql"] = Value::from("drop table public.organizations cascade;");
    conn.execute(
        "update rollouts set migrations = ?2 where id = ?1",
        rusqlite::params![id, files_json.to_string()],
    )
    .unwrap();
    drop(conn);

    let mut start = f.cli();
    start.args(["rollout", "start", "--yes", "--json"]);
    let (code, out, err) = run(start);
    assert_ne!(code, 0, "{out}{err}");
    let m = member(&ended(&out), slug).clone();
    assert_eq!(m["state"], "failed", "{m}");
    let reason = m["reason"]["en"].as_str().unwrap_or_default();
    assert!(
        reason.contains("20250601000000_invoices.sql") && reason.contains("sha256"),
        "{m}"
    );
    assert_eq!(f.history(slug).await, ["20250101000000"], "nothing applied");
    let organizations = f
        .sql(
            slug,
            "select count(*)::bigint as n from public.organizations",
        )
        .await;
    assert_eq!(organizations.len(), 1, "the table is still there");
}

/// The restore step proves the project like every changing step (issue #45): with the
/// ledger's project re-pointed at a database Fabrik did not make (someone edited the
/// register), a restore of the customer's own backup is refused before it replaces anything,
/// and that database keeps its rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_pointed_at_another_project_is_refused_and_changes_nothing() {
    let Some(f) = fleet("restore-proof", &["Bevisad Kund AB"]).await else {
        return;
    };
    let slug = &f.slugs[0];
    let backup = f
        .engine
        .run(
            slug,
            &RunRequest::Backup { scheduled: None },
            Events::default().sink(),
        )
        .await
        .unwrap();
    assert_eq!(backup, RunState::Succeeded);
    let customer = f.store.get_customer(slug).unwrap().id;
    let taken = f
        .store
        .backups(customer, Environment::Production, false)
        .unwrap();
    let foreign = seed(
        &f.sim,
        serde_json::json!({"kind": "supabase_project", "name": "byrans-egen-databas"}),
    )
    .await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let sb = &f.engine.clients().supabase;
    sb.run_query(
        &foreign,
        "create table public.byrans (x int); insert into public.byrans values (1), (2)",
    )
    .await
    .unwrap();

    let conn = rusqlite::Connection::open(&f.db).unwrap();
    let edited = conn
        .execute(
            "update run_steps set output = json_set(output, '$.ref', ?1), external_id = ?1
              where key = 'supabase.project'",
            [&foreign],
        )
        .unwrap();
    assert!(edited >= 1);
    drop(conn);

    let events = Events::default();
    let state = f
        .engine
        .run(
            slug,
            &RunRequest::Restore {
                backup: taken[0].id,
                confirmation: slug.clone(),
            },
            events.sink(),
        )
        .await
        .unwrap();
    assert_ne!(state, RunState::Succeeded, "{}", events.json());
    let restore: Vec<Value> = events
        .all()
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .filter(|e| e["step"] == "supabase.restore_backup")
        .collect();
    assert!(
        restore.iter().any(|e| e["type"] == "step_failed")
            && !restore.iter().any(|e| e["type"] == "step_done"),
        "{}",
        events.json()
    );
    let rows = sb
        .run_query(&foreign, "select count(*)::bigint as n from public.byrans")
        .await
        .unwrap();
    assert_eq!(
        rows[0]["n"]
            .as_i64()
            .or(rows[0]["n"].as_str().and_then(|s| s.parse().ok())),
        Some(2),
        "the other database is as it was"
    );
}
