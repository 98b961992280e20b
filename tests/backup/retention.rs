//! Retention: the newest and the recent backups are kept, the rest deleted.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;

#[tokio::test]
async fn retention_keeps_the_newest_and_the_recent_and_deletes_the_rest() {
    let store = Arc::new(test_store());
    let slug = customer(&store, "Retention AB");
    let c = store.get_customer(&slug).unwrap();
    let env = fabrik::environment::Environment::Sandbox;
    let mut ids = Vec::new();
    for i in 0..12 {
        let w = files::write(
            &c.uid,
            BackupReason::Scheduled,
            format!("sealed {i}").as_bytes(),
        )
        .unwrap();
        let b = store
            .insert_backup(&fabrik::database::backup::rows::NewBackup {
                customer_id: c.id,
                environment: env,
                project_ref: "ref".into(),
                run_id: None,
                reason: BackupReason::Scheduled,
                file: w.file,
                bytes: w.bytes,
                sha256: w.sha256,
                key_id: "k".into(),
                schema_version: None,
                tables: vec![],
            })
            .unwrap();
        ids.push(b.id);
    }
    // Everything is younger than 30 days: nothing goes.
    assert!(files::apply_retention(&store, c.id, env, 10, 30, None)
        .unwrap()
        .is_empty());
    // Counted as old: all but the newest ten go, files and all, but the one a running
    // restore names.
    let removed = files::apply_retention(&store, c.id, env, 10, -1, Some(ids[0])).unwrap();
    assert_eq!(removed, vec![ids[1]]);
    let removed = files::apply_retention(&store, c.id, env, 10, -1, None).unwrap();
    assert_eq!(removed, vec![ids[0]]);
    assert_eq!(store.backups(c.id, env, false).unwrap().len(), 10);
    let gone = store.backup(ids[0]).unwrap().unwrap();
    assert!(gone.removed_at.is_some());
    assert!(!files::path_of(&gone).unwrap().exists());
    assert!(files::path_of(&store.backup(ids[11]).unwrap().unwrap())
        .unwrap()
        .exists());
    assert_eq!(files::retention_rule(&store), (10, 30));
    store.set_setting("backup.keep_last", "3").unwrap();
    assert_eq!(files::retention_rule(&store).0, 3);
}

/// Backups of one customer for one reason in the same millisecond each keep a file of their
/// own: they shared one name, the second replaced the first's file, and the retention above
/// then deleted a kept backup's file with an old one's (1 run in 6 of the suite).
#[test]
fn backups_in_the_same_millisecond_each_keep_their_own_file() {
    let _store = test_store();
    let uid = "same-millisecond";
    let written: Vec<_> = (0..200)
        .map(|i| {
            files::write(
                uid,
                BackupReason::Scheduled,
                format!("sealed {i}").as_bytes(),
            )
            .unwrap()
        })
        .collect();
    let names: std::collections::BTreeSet<_> = written.iter().map(|w| w.file.clone()).collect();
    assert_eq!(names.len(), written.len(), "two backups share a file");
    for (i, w) in written.iter().enumerate() {
        let path = files::root().join(&w.file);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            format!("sealed {i}").as_bytes()
        );
    }
}
