//! The agency's keeping of the archives in its export folder: one whose time is up is deleted
//! and its row marked, but only when it is still the file Fabrik wrote (size and SHA-256 as
//! recorded); a changed one is left and named, one a person wrote elsewhere is never looked at,
//! and the owner's 0 keeps everything; the tick's job `export_keeping` is what does it. And the
//! teardown's offer: `fabrik teardown --export`
//! writes the archive into the export folder behind the teardown's own gate, says how long the
//! agency keeps it, and only then tears down; the slug mistyped writes nothing.

use super::*;
use chrono::{Duration, Utc};
use fabrik::customer::rows::CustomerRows;
use fabrik::environment::Environment;
use fabrik::export::keeping::{self, KEEP_DAYS_SETTING};
use fabrik::export::rows::ExportRows;
use fabrik::export::rows::{ExportReason, NewExport};
use fabrik::store::Store;

pub(super) fn archive(
    store: &Store,
    folder: &Path,
    customer_id: i64,
    file: &str,
    in_folder: bool,
) -> i64 {
    let path = folder.join(file);
    std::fs::write(&path, format!("the archive {file}")).unwrap();
    let (bytes, sha256) = export::hash_file(&path).unwrap();
    store
        .record_export(&NewExport {
            customer_id,
            environment: Environment::Sandbox,
            file,
            bytes,
            sha256: &sha256,
            schema_version: None,
            template_version: None,
            reason: ExportReason::Teardown,
            in_folder,
        })
        .unwrap()
        .id
}

#[test]
fn keeping_deletes_only_the_archives_it_wrote_once_their_time_is_up() {
    let store = common::test_store();
    let slug = common::customer(&store, "Gallring AB");
    let c = store.get_customer(&slug).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    let kept = archive(&store, folder, c.id, "kept.zip", true);
    let changed = archive(&store, folder, c.id, "changed.zip", true);
    let gone = archive(&store, folder, c.id, "gone.zip", true);
    let theirs = archive(&store, folder, c.id, "theirs.zip", false);
    std::fs::write(folder.join("changed.zip"), "someone else's file now").unwrap();
    std::fs::remove_file(folder.join("gone.zip")).unwrap();
    let rows = || {
        store
            .exports(c.id, Environment::Sandbox)
            .unwrap()
            .into_iter()
            .map(|e| (e.id, e.removed_at.is_some()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };

    // 90 days when the owner has not said: a month on, nothing is due.
    assert_eq!(keeping::keep_days(&store), Some(90));
    let month = Utc::now() + Duration::days(31);
    assert!(keeping::due(&store, month).unwrap().is_empty());
    let swept = keeping::sweep_in(&store, folder, month).unwrap();
    assert!(swept.removed.is_empty() && swept.left.is_empty());

    // The owner keeps them 30 days: a month on, the archive Fabrik wrote goes.
    store.set_setting(KEEP_DAYS_SETTING, "30").unwrap();
    let swept = keeping::sweep_in(&store, folder, month).unwrap();
    let removed: Vec<i64> = swept.removed.iter().map(|e| e.id).collect();
    assert_eq!(
        removed,
        [kept, gone],
        "the written one, and the one already gone"
    );
    assert!(!folder.join("kept.zip").exists());
    // The changed file is left where it is, named, with the way out.
    assert_eq!(swept.left.len(), 1, "{:?}", swept.left);
    assert_eq!(swept.left[0].0.id, changed);
    assert!(
        swept.left[0].1.contains("changed.zip") && swept.left[0].1.contains("by hand"),
        "{}",
        swept.left[0].1
    );
    assert!(folder.join("changed.zip").is_file());
    // A person's own archive (written with --out) is never the agency's to delete.
    assert!(folder.join("theirs.zip").is_file());
    let marks = rows();
    assert!(marks[&kept] && marks[&gone]);
    assert!(!marks[&changed] && !marks[&theirs]);

    // Marked once: the next sweep deletes nothing more and says the changed one again.
    let again = keeping::sweep_in(&store, folder, month).unwrap();
    assert!(again.removed.is_empty());
    assert_eq!(again.left.len(), 1);

    // The owner's 0: kept until someone deletes them, nothing is due however old.
    store.set_setting(KEEP_DAYS_SETTING, "0").unwrap();
    assert_eq!(keeping::keep_days(&store), None);
    assert!(keeping::due(&store, Utc::now() + Duration::days(3650))
        .unwrap()
        .is_empty());
}

#[test]
fn a_keeping_that_is_not_a_whole_number_of_days_is_refused() {
    for bad in ["-1", "tre", "1.5"] {
        let e = fabrik::provision::settings::check_setting(KEEP_DAYS_SETTING, bad).unwrap_err();
        assert!(e.to_string().contains("heltal"), "{bad}: {e}");
    }
    for good in ["", "0", "180"] {
        assert!(fabrik::provision::settings::check_setting(KEEP_DAYS_SETTING, good).is_ok());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fabrik_teardown_export_writes_the_archive_behind_the_gate_then_tears_down() {
    let Some(Delivered {
        sim,
        dir,
        db,
        store,
        slug,
        customer,
        ..
    }) = delivered_with_data("teardown-export", "Avvecklas AB").await
    else {
        return;
    };
    let folder = dir.path().join("exportmapp");
    std::fs::create_dir(&folder).unwrap();
    let run = |args: &[&str]| {
        common::cli(&sim, &db)
            .env("FABRIK_EXPORT_DIR", &folder)
            .args(args)
            .output()
            .unwrap()
    };
    let records = || store.exports(customer.id, Environment::Production).unwrap();

    // The slug mistyped: refused at the gate, before anything is read or written.
    let out = run(&["teardown", &slug, "--export", "--confirm", "avvecklas"]);
    let said = common::said(&out);
    assert!(!out.status.success(), "{said}");
    assert!(listing(&folder).is_empty(), "{said}");
    assert!(records().is_empty());
    assert!(store
        .get_customer_in(&slug, Environment::Production)
        .unwrap()
        .instance
        .supabase_project_ref
        .is_some());

    let out = run(&["teardown", &slug, "--export", "--confirm", &slug]);
    let said = common::said(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("Exporten av"), "{said}");
    assert!(
        said.contains("Byrån sparar arkivet i exportmappen i 90 dagar"),
        "{said}"
    );
    // The archive came first, whole, and stays after the teardown.
    let kept = records();
    assert_eq!(kept.len(), 1);
    let (e, path) = (&kept[0], folder.join(&kept[0].file));
    assert_eq!((e.reason, e.in_folder), (ExportReason::Teardown, true));
    assert_eq!(export::hash_file(&path).unwrap().1, e.sha256);
    checked_manifest(&entries(&path));
    let written = said.find("Exporten av").unwrap();
    let torn = said.find("avvecklats").unwrap_or(usize::MAX);
    assert!(written < torn, "the archive before the teardown: {said}");
    assert!(store
        .get_customer_in(&slug, Environment::Production)
        .unwrap()
        .instance
        .supabase_project_ref
        .is_none());

    // Without --export the teardown says what it does not do.
    let out = run(&["teardown", &slug, "--confirm", &slug]);
    assert!(
        common::said(&out).contains("Ingen export tas först"),
        "{}",
        common::said(&out)
    );
}

/// The tick's job `export_keeping` is what sweeps: an archive whose keeping ended is deleted by
/// the next tick, one still kept stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticks_job_deletes_an_archive_whose_keeping_ended() {
    use crate::runs_api::{sandboxed_on, Host, SANDBOX};
    use fabrik::schedule::rows::Job;
    use fabrik::schedule::Ticker;
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, slugs)) = sandboxed_on(None, &["Gallras AB"]).await else {
        return;
    };
    let store = s.cloud.shared_store();
    let c = store.get_customer(&slugs[0]).unwrap();
    // The process's export folder, as the window's and the tick's.
    let folder = tempfile::tempdir().unwrap();
    std::env::set_var(fabrik::paths::EXPORT_DIR_ENV, folder.path());
    let old = archive(&store, folder.path(), c.id, "gammal.zip", true);
    let new = archive(&store, folder.path(), c.id, "ny.zip", true);
    // Written 31 days ago, against the owner's 30.
    store.set_setting(KEEP_DAYS_SETTING, "30").unwrap();
    let long_ago = (Utc::now() - Duration::days(31)).to_rfc3339();
    rusqlite::Connection::open(store.path())
        .unwrap()
        .execute(
            "UPDATE exports SET taken_at = ?1 WHERE id = ?2",
            rusqlite::params![long_ago, old],
        )
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let ticker = Ticker::new(s.cloud.clone(), s.runs.supervisor().clone(), dir.path());
    let report = ticker
        .tick(&[Job::ExportKeeping], std::sync::Arc::new(Host::default()))
        .await;
    let job = &report.jobs[0];
    assert!(
        job.did.iter().any(|d| d.contains("gammal.zip")),
        "{report:?}"
    );
    assert!(!folder.path().join("gammal.zip").exists());
    assert!(folder.path().join("ny.zip").is_file());
    let removed: Vec<i64> = store
        .exports(c.id, Environment::Sandbox)
        .unwrap()
        .into_iter()
        .filter(|e| e.removed_at.is_some())
        .map(|e| e.id)
        .collect();
    assert_eq!(removed, [old], "{new} is still kept");
}
