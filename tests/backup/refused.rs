//! What a backup and a restore refuse: a failed script changes nothing, a changed file or one
//! under another project's row is refused, a row cannot point outside its customer's folder.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_restore_changes_nothing_and_a_changed_file_is_refused() {
    let Some(case) = case("backup-failure", "Backup Fel AB").await else {
        return;
    };
    let (_, state, events) = case.run(RunRequest::Backup { scheduled: None }).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let b = case.backups().remove(0);
    case.sql(CHANGES).await;
    let changed = case.sums().await;

    // A script that fails at its very end: the database keeps what it had, and the error is
    // the database's own.
    let sql = script(&case, &b).await;
    let at = sql.rfind("COMMIT;").unwrap();
    let broken = format!("{}SELECT 1 / 0;\n{}", &sql[..at], &sql[at..]);
    let err = backup::restore(case.supabase(), &case.project_ref, &broken)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("division by zero"), "{err}");
    assert_eq!(
        case.sums().await,
        changed,
        "nothing of the failed restore stays"
    );
    assert_eq!(case.one("SELECT count(*) FROM public.extra").await, "1");
    let refused = backup::restore(
        case.supabase(),
        &case.project_ref,
        "DROP SCHEMA public CASCADE;",
    )
    .await;
    assert!(
        matches!(refused, Err(backup::BackupError::Unreadable(_))),
        "{refused:?}"
    );

    // The same file under a row that names another project (an operator's edit of the
    // register): the file's sealed binding refuses it before the database is touched.
    let moved = case
        .world
        .store
        .insert_backup(&fabrik::database::backup::rows::NewBackup {
            customer_id: b.customer_id,
            environment: b.environment,
            project_ref: "zzzzzzzzzzzzzzzzzzzz".into(),
            run_id: None,
            reason: b.reason,
            file: b.file.clone(),
            bytes: b.bytes,
            sha256: b.sha256.clone(),
            key_id: b.key_id.clone(),
            schema_version: b.schema_version.clone(),
            tables: b.tables.clone(),
        })
        .unwrap();
    let (_, state, events) = case.restore(moved.id).await;
    assert_ne!(state, RunState::Succeeded);
    let failure = events.first_failure().to_string();
    assert!(
        failure.contains("backup_unreadable") && failure.contains("zzzzzzzzzzzzzzzzzzzz"),
        "{}",
        events.json()
    );
    assert_eq!(case.sums().await, changed);

    // A file changed on disk: the restore run refuses it before touching the database.
    let path = files::path_of(&b).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let (_, state, events) = case.restore(b.id).await;
    assert_ne!(state, RunState::Succeeded);
    assert!(
        events
            .first_failure()
            .to_string()
            .contains("backup_unreadable"),
        "{}",
        events.json()
    );
    assert_eq!(case.sums().await, changed);
    // Nor is it exported (`fabrik backup export`): the pieces before the changed one are not
    // left behind as a script.
    let (secrets, row) = (case.world.secrets.clone(), b.clone());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup.sql");
    let written = tokio::task::spawn_blocking(move || {
        let opened = backup::open_to_restore(&row, &secrets, crypt::Binding::of(&row)).unwrap();
        opened.export_to(&out)
    })
    .await
    .unwrap();
    assert!(
        matches!(written, Err(backup::BackupError::Unreadable(_))),
        "{written:?}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing left"
    );

    // A backup of another customer, or none, is not restored here.
    let (_, state, events) = case.restore(b.id + 1000).await;
    assert_ne!(state, RunState::Succeeded);
    assert!(
        events
            .first_failure()
            .to_string()
            .contains("backup_not_found"),
        "{}",
        events.json()
    );

    // A backup run that stopped after recording its backup takes no second one on resume.
    let start = case
        .world
        .engine
        .record(&case.world.slug, &RunRequest::Backup { scheduled: None })
        .unwrap();
    let mut kept = b.clone();
    kept.run_id = Some(start.run_id);
    let recorded = case
        .world
        .store
        .insert_backup(&fabrik::database::backup::rows::NewBackup {
            customer_id: kept.customer_id,
            environment: kept.environment,
            project_ref: kept.project_ref,
            run_id: kept.run_id,
            reason: BackupReason::OnDemand,
            file: kept.file,
            bytes: kept.bytes,
            sha256: kept.sha256,
            key_id: kept.key_id,
            schema_version: kept.schema_version,
            tables: kept.tables,
        })
        .unwrap();
    let before = case.backups().len();
    let (state, events) = case.drive(&start).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(case.backups().len(), before, "no second backup");
    let done = values(&events);
    assert!(
        done.iter().any(|e| e["step"] == "supabase.backup"
            && e["external_id"].as_str() == Some(recorded.id.to_string().as_str())),
        "{}",
        events.json()
    );
    cleanup(&case.world.engine, &case.world.slug).await;
}

/// A row is not what decides where a file is read or deleted: rows of one customer naming
/// another customer's file, a path up and out, or an absolute path are refused, and retention
/// on that customer deletes none of those files.
#[tokio::test]
async fn a_backup_row_cannot_point_outside_its_customers_folder() {
    let store = Arc::new(test_store());
    let (a, b) = (customer(&store, "Ägare AB"), customer(&store, "Granne AB"));
    let (a, b) = (
        store.get_customer(&a).unwrap(),
        store.get_customer(&b).unwrap(),
    );
    let env = fabrik::environment::Environment::Sandbox;
    let theirs = files::write(&a.uid, BackupReason::Scheduled, b"sealed a").unwrap();
    let outside = tempfile::NamedTempFile::new().unwrap();
    let names = [
        theirs.file.clone(),
        format!("{}/../{}", b.uid, theirs.file),
        outside.path().display().to_string(),
        format!("{}/{}", b.uid, outside.path().display()),
    ];
    for file in &names {
        let row = store
            .insert_backup(&fabrik::database::backup::rows::NewBackup {
                customer_id: b.id,
                environment: env,
                project_ref: "ref".into(),
                run_id: None,
                reason: BackupReason::Scheduled,
                file: file.clone(),
                bytes: 8,
                sha256: theirs.sha256.clone(),
                key_id: "k".into(),
                schema_version: None,
                tables: vec![],
            })
            .unwrap();
        let refused = files::path_of(&row).unwrap_err().to_string();
        assert!(refused.contains(&b.uid), "{file}: {refused}");
        assert!(files::read(&row).is_err(), "{file} was read");
    }
    files::apply_retention(&store, b.id, env, 0, -1, None).unwrap();
    let a_row = store.backups(b.id, env, false).unwrap();
    assert_eq!(a_row.len(), names.len(), "no row was marked removed");
    assert!(
        files::root().join(&theirs.file).exists(),
        "A's file is kept"
    );
    assert!(outside.path().exists(), "the file outside is kept");
}
