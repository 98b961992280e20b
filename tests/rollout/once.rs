//! A roll-out applies each file once: killed during a wave at several points and started again,
//! or a file applied again or by racing drivers.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_during_a_wave_at_several_points_then_started_again_every_history_matches_its_schema(
) {
    let Some(f) = fleet(
        "rollout-kill",
        &["Kill Ett AB", "Kill Två AB", "Kill Tre AB", "Kill Fyra AB"],
    )
    .await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    files(dir.path(), &[(INVOICES, INVOICES_SQL), (NOTES, NOTES_SQL)]);
    let dir_arg = dir.path().to_str().unwrap().to_string();
    let step = |kind: &'static str, key: &'static str| {
        move |e: &Value| e["type"] == kind && e["step"] == key
    };
    // In order: a backup taken, nothing applied; a migration under way (its request may be in
    // flight); applied, not verified; a run ended, the next not started.
    type KillAt = Box<dyn Fn(&Value) -> bool>;
    let points: Vec<KillAt> = vec![
        Box::new(step("step_done", "supabase.backup")),
        Box::new(step("step_started", "supabase.migrate")),
        Box::new(step("step_done", "supabase.migrate")),
        Box::new(|e: &Value| e["type"] == "run_finished"),
        Box::new(step("step_started", "supabase.migrate")),
    ];
    let mut kills = 0;
    let mut all = String::new();
    for point in &points {
        let mut cmd = f.cli();
        cmd.args([
            "rollout", "start", "--dir", &dir_arg, "--waves", "1,rest", "--yes", "--json",
        ]);
        let (_, out, killed) = run_until(cmd, point.as_ref());
        all.push_str(&out);
        if !killed {
            break;
        }
        kills += 1;
    }
    let mut last = f.cli();
    last.args(["rollout", "start", "--dir", &dir_arg, "--yes", "--json"]);
    let (code, out, err) = run(last);
    assert_eq!(code, 0, "{all}{out}{err}");
    assert!(kills >= 3, "killed {kills} times:\n{all}");
    let view = ended(&out);
    assert_eq!(view["rollout"]["state"], "done", "{view}");
    for slug in &f.slugs {
        assert_eq!(member(&view, slug)["state"], "done", "{view}");
        assert_eq!(
            f.history(slug).await,
            ["20250101000000", "20250601000000", "20250602000000"],
            "{slug}"
        );
        // Each history row's change is there, once.
        let applied = f
            .sql(slug, "select version, count(*)::int as n from public.applied_files group by version order by version")
            .await;
        assert_eq!(applied.len(), 2, "{slug}: {applied:?}");
        assert!(
            applied.iter().all(|r| r["n"] == 1),
            "{slug}: a file applied twice: {applied:?}"
        );
        let note = f
            .sql(slug, "select count(*)::int as n from information_schema.columns where table_name = 'invoices' and column_name = 'note'")
            .await;
        assert_eq!(note[0]["n"], 1);
    }
}

/// A file applied again while the history does not show it yet (a retry after a call that
/// timed out while the database went on, as the CI's loaded machine saw) stops at the history
/// row, not in the file; first applies racing on a project without a history table make it
/// once (before the fix, one of them failed on `create schema if not exists`: 23505).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_applied_again_or_by_racing_drivers_runs_once() {
    use fabrik::database::instance::{self, Applying};
    use fabrik::database::migration::Migration;
    let Some(f) = fleet("rollout-race", &["Tävling AB"]).await else {
        return;
    };
    let slug = &f.slugs[0];
    let project_ref = f.project_ref(slug);
    let sb = &f.engine.clients().supabase;
    let once = Migration::new("20250601000000", "invoices", INVOICES_SQL);
    assert_eq!(
        instance::apply(sb, &project_ref, &once).await.unwrap(),
        Applying::Applied
    );
    assert_eq!(
        instance::apply(sb, &project_ref, &once).await.unwrap(),
        Applying::AlreadyThere,
        "the second apply must stop at the history row, not at `create table`"
    );

    // No history table, and three drivers each applying the first file with it.
    f.sql(slug, "drop schema supabase_migrations cascade").await;
    let slow = Migration::new(
        "20250603000000",
        "slow",
        "select pg_sleep(0.1);\ninsert into public.applied_files (version) values ('20250603000000');",
    );
    let racing = (0..3).map(|_| instance::apply_ensuring(sb, &project_ref, &slow, true));
    let ended: Vec<Applying> = futures_util::future::join_all(racing)
        .await
        .into_iter()
        .map(|r| r.expect("every racing apply ends well"))
        .collect();
    assert_eq!(
        ended.iter().filter(|a| **a == Applying::Applied).count(),
        1,
        "{ended:?}"
    );
    let applied = f
        .sql(
            slug,
            "select version from public.applied_files where version = '20250603000000'",
        )
        .await;
    assert_eq!(applied.len(), 1);
    assert_eq!(f.history(slug).await, ["20250603000000"]);
}
