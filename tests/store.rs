//! The register's SQLite file: migrations, reopening, typed uniqueness errors, refusal of a
//! newer schema, and concurrent writers on one file.

use std::sync::{Arc, Barrier};
use std::thread;

use fabrik::customer::{
    CustomerDraft, CustomerPatch, CustomerQuery, ModuleManifest, SortKey, Status,
};
use fabrik::store::{Store, SCHEMA_VERSION};
use fabrik::Error;

use crate::common;

fn draft(name: &str, email: &str) -> CustomerDraft {
    CustomerDraft {
        name: name.into(),
        admin_email: email.into(),
        ..Default::default()
    }
}

fn tmp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/fabrik.sqlite3");
    (dir, path)
}

#[test]
fn migrates_an_empty_file_to_the_current_schema() {
    let (_d, path) = tmp_db();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count_customers().unwrap(), 0);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopening_keeps_the_data_and_timestamps_are_utc() {
    let (_d, path) = tmp_db();
    let m = ModuleManifest::bundled();
    let created = Store::open(&path)
        .unwrap()
        .create_customer(draft("Åsa's Bageri & Café AB", "asa@bageri.se"), &m)
        .unwrap();
    let store = Store::open(&path).unwrap();
    let again = store.get_customer("asas-bageri-cafe-ab").unwrap();
    assert_eq!(again, created);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let raw: String = conn
        .query_row("SELECT created_at FROM customers", [], |r| r.get(0))
        .unwrap();
    assert!(
        raw.ends_with("+00:00") || raw.ends_with('Z'),
        "stored timestamp {raw} is not UTC"
    );
}

fn a_taken_slug_is_a_typed_error_and_nothing_is_written(store: Store) {
    let m = ModuleManifest::bundled();
    store
        .create_customer(draft("Kund Ett", "a@kund.se"), &m)
        .unwrap();
    let mut second = draft("Annan Kund", "b@kund.se");
    second.slug = Some("kund-ett".into());
    match store.create_customer(second, &m) {
        Err(Error::Validation(f)) => assert_eq!(
            (f[0].field.as_str(), f[0].code.as_str()),
            ("slug", "slug_taken")
        ),
        other => panic!("expected slug_taken, got {other:?}"),
    }
    assert_eq!(store.count_customers().unwrap(), 1);

    // Renaming onto a taken slug is refused the same way.
    store
        .create_customer(draft("Kund Tva", "c@kund.se"), &m)
        .unwrap();
    let err = store
        .update_customer(
            "kund-tva",
            CustomerPatch {
                slug: Some("kund-ett".into()),
                ..Default::default()
            },
            &m,
        )
        .unwrap_err();
    assert_eq!(err.to_api().fields[0].code.as_str(), "slug_taken");
    assert!(store.get_customer("kund-tva").is_ok());
}

fn invalid_edits_change_nothing(store: Store) {
    let m = ModuleManifest::bundled();
    let before = store
        .create_customer(draft("Kund Ett", "a@kund.se"), &m)
        .unwrap();
    let bad = CustomerPatch {
        name: Some("Nytt Namn".into()),
        production_url: Some("http://kund.se".into()),
        ..Default::default()
    };
    let err = store.update_customer("kund-ett", bad, &m).unwrap_err();
    assert_eq!(err.code().as_str(), "validation");
    assert_eq!(store.get_customer("kund-ett").unwrap(), before);
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let (_d, path) = tmp_db();
    drop(Store::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 7)
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Store::open(&path) {
        Err(e @ Error::DatabaseTooNew { .. }) => {
            assert_eq!(e.code().as_str(), "database_too_new");
            assert!(e.to_string().contains("nyare version av Fabrik"), "{e}");
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the newer file was modified"
    );
}

#[test]
fn concurrent_writers_on_one_file_lose_nothing() {
    let (_d, path) = tmp_db();
    drop(Store::open(&path).unwrap());
    let m = Arc::new(ModuleManifest::bundled());
    let writers = 4;
    let per_writer = 40;
    let barrier = Arc::new(Barrier::new(writers));
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let (path, m, barrier) = (path.clone(), m.clone(), barrier.clone());
            thread::spawn(move || {
                // A separate connection per writer, as two processes would have.
                let store = Store::open(&path).unwrap();
                barrier.wait();
                for i in 0..per_writer {
                    store
                        .create_customer(draft(&format!("Kund {w} nr {i}"), "x@kund.se"), &m)
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(
        Store::open(&path).unwrap().count_customers().unwrap(),
        (writers * per_writer) as i64
    );
}

#[test]
fn concurrent_edits_of_different_fields_both_land() {
    let (_d, path) = tmp_db();
    let m = Arc::new(ModuleManifest::bundled());
    Store::open(&path)
        .unwrap()
        .create_customer(draft("Delad Kund", "d@kund.se"), &m)
        .unwrap();
    let rounds = 50;
    let a = {
        let (path, m) = (path.clone(), m.clone());
        thread::spawn(move || {
            let s = Store::open(&path).unwrap();
            for i in 0..rounds {
                s.update_customer(
                    "delad-kund",
                    CustomerPatch {
                        notes: Some(format!("anteckning {i}")),
                        ..Default::default()
                    },
                    &m,
                )
                .unwrap();
            }
        })
    };
    let b = {
        let (path, m) = (path.clone(), m.clone());
        thread::spawn(move || {
            let s = Store::open(&path).unwrap();
            for i in 0..rounds {
                s.update_customer(
                    "delad-kund",
                    CustomerPatch {
                        contact_name: Some(format!("Kontakt {i}")),
                        ..Default::default()
                    },
                    &m,
                )
                .unwrap();
            }
        })
    };
    a.join().unwrap();
    b.join().unwrap();
    let c = Store::open(&path)
        .unwrap()
        .get_customer("delad-kund")
        .unwrap();
    assert_eq!(c.notes, format!("anteckning {}", rounds - 1));
    assert_eq!(
        c.contact_name.as_deref(),
        Some(format!("Kontakt {}", rounds - 1).as_str())
    );
    assert_eq!(c.version, 1 + 2 * rounds as i64, "every write was counted");
}

fn an_edit_from_a_stale_version_is_refused(store: Store) {
    let m = ModuleManifest::bundled();
    let c = store
        .create_customer(draft("Kund Ett", "a@kund.se"), &m)
        .unwrap();
    store
        .update_customer(
            "kund-ett",
            CustomerPatch {
                notes: Some("först".into()),
                expected_version: Some(c.version),
                ..Default::default()
            },
            &m,
        )
        .unwrap();
    let err = store
        .update_customer(
            "kund-ett",
            CustomerPatch {
                notes: Some("sent".into()),
                expected_version: Some(c.version),
                ..Default::default()
            },
            &m,
        )
        .unwrap_err();
    assert_eq!(err.code().as_str(), "stale_version");
    assert_eq!(store.get_customer("kund-ett").unwrap().notes, "först");
}

fn search_filter_and_sort(store: Store) {
    let m = ModuleManifest::bundled();
    assert_eq!(store.insert_examples(&m).unwrap(), 12);
    assert_eq!(
        store.insert_examples(&m).unwrap(),
        0,
        "examples are added once"
    );
    let q = |search: Option<&str>, status: Option<Status>, sort| {
        store
            .list_customers(&CustomerQuery {
                search: search.map(Into::into),
                status,
                sort: Some(sort),
                ..Default::default()
            })
            .unwrap()
            .rows
    };
    // Unicode case folding: "ÅSA" finds "Åsa's Bageri".
    let found = q(Some("ÅSA"), None, SortKey::NameAsc);
    assert_eq!(
        found.iter().map(|r| r.slug.as_str()).collect::<Vec<_>>(),
        vec!["asas-bageri-cafe-ab"]
    );
    assert_eq!(
        q(Some("fjallstugan-boende"), None, SortKey::NameAsc).len(),
        1,
        "by slug"
    );
    assert_eq!(
        q(Some("@gbgcykel.se"), None, SortKey::NameAsc).len(),
        1,
        "by email"
    );
    assert_eq!(
        q(Some("100%"), None, SortKey::NameAsc).len(),
        0,
        "LIKE wildcards are literal"
    );
    let active = q(None, Some(Status::Active), SortKey::NameAsc);
    assert_eq!(active.len(), 5);
    assert!(active.iter().all(|r| r.status == Status::Active));
    let asc: Vec<String> = q(None, None, SortKey::NameAsc)
        .into_iter()
        .map(|r| r.name.to_lowercase())
        .collect();
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    let desc: Vec<String> = q(None, None, SortKey::NameDesc)
        .into_iter()
        .map(|r| r.name.to_lowercase())
        .collect();
    assert_eq!(desc, sorted.into_iter().rev().collect::<Vec<_>>());
    assert_eq!(store.delete_examples().unwrap().removed, 12);
    assert_eq!(store.count_customers().unwrap(), 0);
}

fn the_slug_is_locked_once_an_instance_exists(store: Store) {
    let m = ModuleManifest::bundled();
    store
        .create_customer(draft("Kund Ett", "a@kund.se"), &m)
        .unwrap();
    store
        .update_customer(
            "kund-ett",
            CustomerPatch {
                production_url: Some("https://kund-ett.example.se".into()),
                ..Default::default()
            },
            &m,
        )
        .unwrap();
    let err = store
        .update_customer(
            "kund-ett",
            CustomerPatch {
                slug: Some("nytt-namn".into()),
                ..Default::default()
            },
            &m,
        )
        .unwrap_err();
    assert_eq!(err.to_api().fields[0].code.as_str(), "slug_locked");
}

/// The ledger is what rollback and resume trust: a write that finds no row to change is an
/// error, never a silent success.
fn a_ledger_write_that_changes_no_row_is_an_error(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey, StepState};
    use fabrik::store::runs::{Driver, NewRun, StepUpdate};

    let c = store
        .create_customer(
            draft("Liggare AB", "a@liggare.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    // A teardown run has rows only for the steps it deletes.
    let NewRun::Created(run) = store
        .create_run(
            c.id,
            RunKind::Teardown,
            Environment::Sandbox,
            &[StepKey::GithubRepo],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    store
        .step_update(
            &run,
            StepKey::GithubRepo,
            StepUpdate::State(StepState::Skipped),
        )
        .unwrap();
    let missing_step = store.step_update(
        &run,
        StepKey::Finalize,
        StepUpdate::State(StepState::Succeeded),
    );
    assert_eq!(
        missing_step.unwrap_err().code().as_str(),
        "ledger_row_missing"
    );
    let missing_run = store.set_run_state(&Driver::none(), RunState::Succeeded, None, None);
    assert_eq!(
        missing_run.unwrap_err().code().as_str(),
        "ledger_row_missing"
    );
    assert!(store.heartbeat(&Driver::none()).is_err());
    assert!(store.heartbeat(&run).is_ok());
}

/// A driver frozen past its heartbeat (SIGSTOP, a laptop lid) while another process took the
/// run over must not write when it thaws: every write is fenced by the token of its claim.
/// Before, the thawed driver's heartbeat, step writes and final state all landed on top of
/// the new driver's.
fn a_driver_that_lost_its_run_writes_nothing(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey, StepState};
    use fabrik::store::runs::{NewRun, StepUpdate};

    let c = store
        .create_customer(draft("Fryst AB", "a@fryst.se"), &ModuleManifest::bundled())
        .unwrap();
    let NewRun::Created(frozen) = store
        .create_run(c.id, RunKind::Provision, Environment::Sandbox, StepKey::ALL)
        .unwrap()
    else {
        panic!("a new run");
    };
    std::thread::sleep(std::time::Duration::from_millis(5));
    // Another process finds the heartbeat lapsed and takes the run over.
    let thawed_too_late = store
        .claim_stale(frozen.run_id, std::time::Duration::ZERO)
        .unwrap()
        .expect("a stale run is taken over");
    assert_ne!(thawed_too_late, frozen);

    let code = |r: fabrik::Result<()>| r.unwrap_err().code().as_str();
    assert_eq!(code(store.heartbeat(&frozen)), "run_taken_over");
    assert_eq!(
        code(store.step_update(
            &frozen,
            StepKey::GithubRepo,
            StepUpdate::State(StepState::Succeeded)
        )),
        "run_taken_over"
    );
    assert_eq!(
        code(store.set_run_state(&frozen, RunState::Succeeded, None, None)),
        "run_taken_over"
    );
    let run = store.get_run(frozen.run_id).unwrap();
    assert_eq!(
        run.state,
        RunState::Running,
        "the new driver's run is untouched"
    );
    let steps = store.run_steps(frozen.run_id).unwrap();
    assert!(steps.iter().all(|s| s.state == StepState::Pending));
    // The driver that holds it now writes as before.
    store.heartbeat(&thawed_too_late).unwrap();
    store
        .set_run_state(&thawed_too_late, RunState::Succeeded, None, None)
        .unwrap();
}

/// The journal writes a transition, its log line and its event in one call: all of it or none.
/// A change that fails (a step the run does not have) leaves no line and sends no event; a
/// driver that lost its run writes no line and sends no event either.
fn the_journal_writes_a_transition_its_line_and_its_event_together(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::ledger::{Entry, Journal, LogLevel, RunEvent, StepUpdate};
    use fabrik::messages::Text;
    use fabrik::provision::{RunKind, StepKey, StepState};
    use fabrik::store::runs::NewRun;
    use std::sync::{Arc, Mutex};

    let c = store
        .create_customer(
            draft("Journal AB", "a@journal.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    let NewRun::Created(driver) = store
        .create_run(
            c.id,
            RunKind::Provision,
            Environment::Sandbox,
            &[StepKey::GithubRepo],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    let run_id = driver.run_id;
    let store = Arc::new(store);
    let seen: Arc<Mutex<Vec<RunEvent>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        Arc::new(move |e: &RunEvent| seen.lock().unwrap().push(e.clone()))
    };
    let journal = Journal::new(store.clone(), sink, driver.clone());
    let started = |step| RunEvent::StepStarted {
        run_id,
        step,
        attempt: 1,
    };
    let entry = |step: StepKey, text: &str| {
        Entry::step(step, StepUpdate::Started { attempt: 1 })
            .line(Some(step), LogLevel::Info, Text::new(text, text))
            .event(started(step))
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    rt.block_on(journal.record(entry(StepKey::GithubRepo, "börjar")))
        .unwrap();
    let steps = store.run_steps(run_id).unwrap();
    assert_eq!(steps[0].state, StepState::Running);
    let lines = |s: &Store| s.run_log(run_id, 0).unwrap().len();
    assert_eq!(lines(&store), 1);
    assert_eq!(seen.lock().unwrap().len(), 1);

    // The run has no such step: the change fails, and its line and event go nowhere.
    let failed = rt.block_on(journal.record(entry(StepKey::VercelProject, "ingen sådan")));
    assert_eq!(failed.unwrap_err().code().as_str(), "ledger_row_missing");
    assert_eq!(lines(&store), 1, "no line without its transition");
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "no event without its transition"
    );

    // Another driver takes the run over: the old one's journal writes and shows nothing.
    std::thread::sleep(std::time::Duration::from_millis(5));
    store
        .claim_stale(run_id, std::time::Duration::ZERO)
        .unwrap()
        .expect("a stale run is taken over");
    let note = Entry::note()
        .line(None, LogLevel::Info, Text::new("för sent", "too late"))
        .event(started(StepKey::GithubRepo));
    let lost = rt.block_on(journal.record(note));
    assert_eq!(lost.unwrap_err().code().as_str(), "run_taken_over");
    assert_eq!(lines(&store), 1);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

/// The slug names every resource and every lookup: while the ledger says something Fabrik made
/// for the customer may exist, it cannot change, even when the run failed and the instance card
/// is still empty (before, a failed customer could be renamed and its resources orphaned).
fn the_slug_is_locked_while_resources_may_exist(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey};
    use fabrik::store::runs::{NewRun, StepUpdate};

    let manifest = ModuleManifest::bundled();
    let c = store
        .create_customer(draft("Låst Namn AB", "a@lastnamn.se"), &manifest)
        .unwrap();
    let NewRun::Created(run) = store
        .create_run(
            c.id,
            RunKind::Provision,
            Environment::Sandbox,
            &[StepKey::GithubRepo],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    store
        .step_update(
            &run,
            StepKey::GithubRepo,
            StepUpdate::Resource {
                external_id: "fabrik-agency/last-namn-ab".to_string(),
                created: true,
                output: None,
            },
        )
        .unwrap();
    store
        .set_run_state(&run, RunState::Failed, None, None)
        .unwrap();
    store
        .update_customer(
            &c.slug,
            CustomerPatch {
                status: Some(Status::Failed),
                ..Default::default()
            },
            &manifest,
        )
        .unwrap();
    let renamed = store.update_customer(
        &c.slug,
        CustomerPatch {
            slug: Some("nytt-namn".into()),
            ..Default::default()
        },
        &manifest,
    );
    match renamed {
        Err(Error::Validation(fields)) => {
            assert_eq!(fields[0].field, "slug");
            assert_eq!(fields[0].code.as_str(), "slug_locked");
        }
        other => panic!("the slug changed while a repository may exist: {other:?}"),
    }
    assert!(store.get_customer(&c.slug).is_ok(), "nothing was written");
}

/// The register read a page at a time agrees, page by page, with the whole register sorted
/// and filtered the plain way, in both environments, after renames, status changes and a
/// deletion (the index tables follow every write through their triggers).
fn every_page_agrees_with_the_whole_register(store: Store) {
    use fabrik::environment::Environment;
    let m = ModuleManifest::bundled();
    let towns = ["Malmö", "Åre", "umeå", "Göteborg", "Örebro", "kiruna"];
    let drafts = (0..240)
        .map(|i| {
            draft(
                &format!("{} Kund {i}", towns[i % towns.len()]),
                &format!("kund{i}@exempel.se"),
            )
        })
        .collect();
    store.insert_many(drafts, &m).unwrap();
    let all = |store: &Store| {
        let mut rows = Vec::new();
        loop {
            let page = store
                .list_customers(&CustomerQuery {
                    offset: Some(rows.len() as u32),
                    limit: Some(CustomerQuery::MAX_PAGE),
                    ..Default::default()
                })
                .unwrap();
            if page.rows.is_empty() {
                break rows;
            }
            rows.extend(page.rows);
        }
    };
    let ids: Vec<(i64, String)> = all(&store).into_iter().map(|r| (r.id, r.slug)).collect();
    assert_eq!(ids.len(), 240);
    let statuses = [
        Status::Active,
        Status::Failed,
        Status::Provisioning,
        Status::Inactive,
    ];
    for (n, (id, _)) in ids.iter().enumerate() {
        if n % 3 == 0 {
            store
                .set_instance(*id, Environment::Sandbox, statuses[n % 4], None)
                .unwrap();
        }
        if n % 5 == 0 {
            store
                .set_instance(*id, Environment::Production, statuses[(n / 5) % 4], None)
                .unwrap();
        }
    }
    // A rename moves a customer in the order and in search; a deletion takes it out.
    store
        .update_customer(
            &ids[7].1,
            CustomerPatch {
                name: Some("Aaa Omdöpt".into()),
                ..Default::default()
            },
            &m,
        )
        .unwrap();
    store.delete_customer(&ids[8].1).unwrap();
    // Back to pending in the sandbox.
    store
        .set_instance(ids[9].0, Environment::Sandbox, Status::Pending, None)
        .unwrap();

    // Both ways a search finds its page: sorting the matches, and walking the list.
    for (env, walk_from) in [
        (Environment::Sandbox, u32::MAX),
        (Environment::Production, u32::MAX),
        (Environment::Sandbox, 0),
        (Environment::Production, 0),
    ] {
        store.set_environment(env);
        store.walk_searches_from(walk_from);
        // The plain way: every customer read one by one, then sorted and filtered here.
        let everyone: Vec<_> = ids
            .iter()
            .filter_map(|(_, slug)| store.get_customer(slug).ok())
            .collect();
        assert_eq!(everyone.len(), 239);
        for sort in [
            SortKey::NameAsc,
            SortKey::NameDesc,
            SortKey::CreatedAsc,
            SortKey::CreatedDesc,
        ] {
            for status in [
                None,
                Some(Status::Pending),
                Some(Status::Active),
                Some(Status::Failed),
            ] {
                for search in [
                    None,
                    Some("MALMÖ"),
                    Some("ö"),
                    // Two characters, one of them across a word's end; one a quote.
                    Some("eb"),
                    Some("ö k"),
                    Some("\""),
                    Some("kund1"),
                    Some("@exempel"),
                    Some("ingen"),
                ] {
                    let mut expected: Vec<_> = everyone
                        .iter()
                        .filter(|c| status.is_none_or(|s| c.status == s))
                        .filter(|c| {
                            search.is_none_or(|s| {
                                let s = s.to_lowercase();
                                c.name.to_lowercase().contains(&s)
                                    || c.slug.contains(&s)
                                    || c.admin_email.to_lowercase().contains(&s)
                            })
                        })
                        .collect();
                    // SQLite's NOCASE folds ASCII only; ties go by id.
                    let key = |c: &&fabrik::customer::Customer| (c.name.to_ascii_lowercase(), c.id);
                    let created = |c: &&fabrik::customer::Customer| (c.created_at, c.id);
                    match sort {
                        SortKey::NameAsc => expected.sort_by_key(key),
                        SortKey::NameDesc => {
                            expected.sort_by_key(key);
                            expected.reverse()
                        }
                        SortKey::CreatedAsc => expected.sort_by_key(created),
                        SortKey::CreatedDesc => {
                            expected.sort_by_key(created);
                            expected.reverse()
                        }
                    }
                    let expected: Vec<&str> = expected.iter().map(|c| c.slug.as_str()).collect();
                    let mut got = Vec::new();
                    loop {
                        let page = store
                            .list_customers(&CustomerQuery {
                                search: search.map(Into::into),
                                status,
                                sort: Some(sort),
                                offset: Some(got.len() as u32),
                                limit: Some(37),
                            })
                            .unwrap();
                        let case = format!(
                            "{env} {walk_from} {sort:?} {status:?} {search:?} at {}",
                            got.len()
                        );
                        assert_eq!(page.total as usize, expected.len(), "{case}");
                        assert_eq!(page.offset as usize, got.len(), "{case}");
                        assert!(page.rows.len() <= 37, "{case}");
                        if page.rows.is_empty() {
                            break;
                        }
                        assert!(
                            page.rows
                                .iter()
                                .all(|r| status.is_none_or(|s| r.status == s)),
                            "{case}"
                        );
                        got.extend(page.rows.into_iter().map(|r| r.slug));
                    }
                    assert_eq!(
                        got, expected,
                        "{env} {walk_from} {sort:?} {status:?} {search:?}"
                    );
                }
            }
        }
    }
}

/// No query, however large its page, reads more than the most one answer carries.
fn a_page_is_never_larger_than_the_most_one_answer_carries(store: Store) {
    let m = ModuleManifest::bundled();
    let drafts = (0..CustomerQuery::MAX_PAGE + 20)
        .map(|i| draft(&format!("Kund {i}"), &format!("k{i}@exempel.se")))
        .collect();
    store.insert_many(drafts, &m).unwrap();
    let page = store
        .list_customers(&CustomerQuery {
            limit: Some(u32::MAX),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.rows.len() as u32, CustomerQuery::MAX_PAGE);
    assert_eq!(page.total, CustomerQuery::MAX_PAGE + 20);
    let first = store.list_customers(&CustomerQuery::default()).unwrap();
    assert_eq!(first.rows.len() as u32, CustomerQuery::PAGE);
    assert!(!first.has_examples);
    store.insert_examples(&m).unwrap();
    assert!(
        store
            .list_customers(&CustomerQuery::default())
            .unwrap()
            .has_examples
    );
}

/// The register's list carries each instance's last health check, per environment: the window's
/// "Instans" column reads it without a call per row; a newer check replaces the older one.
fn the_list_shows_the_last_health_check_of_this_environment(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::health::{FindingKind, Health, HealthFinding, HealthPart};
    let manifest = fabrik::customer::ModuleManifest::bundled();
    let a = store
        .create_customer(draft("Frisk AB", "a@frisk.se"), &manifest)
        .unwrap();
    let b = store
        .create_customer(draft("Sjuk AB", "b@sjuk.se"), &manifest)
        .unwrap();
    let card = fabrik::customer::Instance {
        production_url: Some("https://x.vercel.app".into()),
        ..Default::default()
    };
    for c in [&a, &b] {
        store
            .set_instance(c.id, Environment::Sandbox, Status::Active, Some(&card))
            .unwrap();
    }
    let finding = HealthFinding {
        part: HealthPart::Site,
        kind: FindingKind::Unhealthy,
        subject: "https://x.vercel.app".into(),
        message: fabrik::messages::Text::new(
            "Webbplatsen svarar HTTP 502.",
            "The site answers HTTP 502.",
        ),
        action: fabrik::messages::Text::new("Se loggarna.", "See the logs."),
        repair: None,
    };
    store
        .save_health(
            a.id,
            &Health::new(&a.slug, Environment::Sandbox, None, vec![finding.clone()]),
        )
        .unwrap();
    store
        .save_health(
            a.id,
            &Health::new(&a.slug, Environment::Sandbox, None, vec![]),
        )
        .unwrap();
    store
        .save_health(
            b.id,
            &Health::new(
                &b.slug,
                Environment::Sandbox,
                None,
                vec![finding.clone(), finding],
            ),
        )
        .unwrap();
    // A production check does not show while the sandbox is chosen.
    store
        .save_health(
            a.id,
            &Health::new(&a.slug, Environment::Production, None, vec![]),
        )
        .unwrap();

    store.set_environment(Environment::Sandbox);
    let rows = store
        .list_customers(&CustomerQuery::default())
        .unwrap()
        .rows;
    let dots: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.slug.as_str(),
                r.health.as_ref().map(|h| (h.healthy, h.findings)),
            )
        })
        .collect();
    assert_eq!(
        dots,
        [("frisk-ab", Some((true, 0))), ("sjuk-ab", Some((false, 2)))]
    );
    let kept = store.health(b.id, Environment::Sandbox).unwrap().unwrap();
    assert_eq!(kept.findings.len(), 2);
    assert_eq!(kept.findings[0].kind, FindingKind::Unhealthy);

    store.set_environment(Environment::Production);
    let rows = store
        .list_customers(&CustomerQuery::default())
        .unwrap()
        .rows;
    let dots: Vec<_> = rows
        .iter()
        .map(|r| r.health.as_ref().map(|h| h.healthy))
        .collect();
    assert_eq!(dots, [Some(true), None]);
}

/// A roll-out in the register (issue #30): planned with its members in one transaction, a state
/// change guarded against one made meanwhile, one lease holder at a time on the database's clock.
fn a_rollout_keeps_its_plan_its_state_and_one_driver(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::ledger::{MemberState, RolloutState};
    use fabrik::messages::Text;
    use fabrik::store::rollouts::NewMember;
    use std::time::Duration;

    let a = store
        .create_customer(draft("Våg Ett AB", "a@vag.se"), &ModuleManifest::bundled())
        .unwrap();
    let b = store
        .create_customer(draft("Våg Två AB", "b@vag.se"), &ModuleManifest::bundled())
        .unwrap();
    let members = [
        NewMember {
            customer_id: a.id,
            wave: 0,
            state: MemberState::Pending,
            reason: None,
            version_before: Some("20250101000000".into()),
        },
        NewMember {
            customer_id: b.id,
            wave: 0,
            state: MemberState::Skipped,
            reason: Some(Text::new("pausad", "paused")),
            version_before: None,
        },
    ];
    let id = store
        .create_rollout(
            Environment::Production,
            fabrik::ledger::RolloutKind::Schema,
            "dir:/m",
            "[]",
            0.2,
            &members,
        )
        .unwrap();
    assert_eq!(
        store
            .open_rollout(Environment::Production, fabrik::ledger::RolloutKind::Schema)
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert!(store
        .open_rollout(Environment::Sandbox, fabrik::ledger::RolloutKind::Schema)
        .unwrap()
        .is_none());
    let got = store.rollout_members(id).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].reason.as_ref().unwrap().en, "paused");

    // A pause made meanwhile is not overwritten by a driver that only moves a running one.
    assert!(store
        .set_rollout_state(
            id,
            RolloutState::Paused,
            None,
            None,
            &[RolloutState::Planned]
        )
        .unwrap());
    assert!(!store
        .set_rollout_state(
            id,
            RolloutState::Done,
            Some(1),
            None,
            &[RolloutState::Running]
        )
        .unwrap());
    assert_eq!(
        store.get_rollout(id).unwrap().unwrap().state,
        RolloutState::Paused
    );

    // One driver: the second is refused while the first beats, and takes over once it lapsed.
    let lease = Duration::from_secs(60);
    assert!(store.claim_rollout(id, "first", lease).unwrap());
    assert!(!store.claim_rollout(id, "second", lease).unwrap());
    assert!(store.beat_rollout(id, "first").unwrap());
    assert!(store.claim_rollout(id, "second", Duration::ZERO).unwrap());
    assert!(
        !store.beat_rollout(id, "first").unwrap(),
        "the first is fenced out"
    );
    store.release_rollout(id, "second").unwrap();
    assert!(store.claim_rollout(id, "third", lease).unwrap());

    let fabrik::store::runs::NewRun::Created(run) = store
        .create_run(
            a.id,
            fabrik::provision::RunKind::Migrate,
            Environment::Production,
            &[fabrik::provision::StepKey::SupabaseMigrate],
        )
        .unwrap()
    else {
        panic!("a new run");
    };
    store
        .set_member(
            id,
            a.id,
            MemberState::Done,
            None,
            Some(run.run_id),
            Some("20250601000000"),
        )
        .unwrap();
    let done = &store.rollout_members(id).unwrap()[0];
    assert_eq!(
        (done.state, done.run_id),
        (MemberState::Done, Some(run.run_id))
    );
}

/// Template updates in the register (issue #31): an instance's base as recorded and moved, a
/// pull request recorded once per target (a resumed run's second record is the same row), its
/// state moved as read back, the open ones listed.
fn a_template_base_and_pull_request_are_kept_once_per_target(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::ledger::{BaseHow, PrState};
    use fabrik::store::templates::NewPr;

    let env = Environment::Production;
    // The instance's row is made in the store's environment.
    store.set_environment(env);
    let a = store
        .create_customer(
            draft("Mall Ett AB", "a@mall.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert_eq!(store.template_base(a.id, env).unwrap(), None);
    store
        .set_template_base(a.id, env, "1111111aaaa", BaseHow::Found)
        .unwrap();
    let base = store.template_base(a.id, env).unwrap().unwrap();
    assert_eq!(
        (base.sha.as_str(), base.how),
        ("1111111aaaa", BaseHow::Found)
    );
    assert!(!base.at.is_empty(), "when, on the database's clock");

    let pr = |number: i64, commit: &'static str| NewPr {
        customer_id: a.id,
        environment: env,
        rollout_id: None,
        run_id: None,
        repo_id: 42,
        base_sha: "1111111aaaa",
        target_sha: "2222222bbbb",
        branch: "fabrik/template-2222222",
        commit_sha: commit,
        number,
        url: "https://github.com/o/mall-ett-ab/pull/7",
        files: "[]",
        conflicts: 2,
    };
    let first = store.record_template_pr(&pr(7, "c1")).unwrap();
    let again = store.record_template_pr(&pr(7, "c1")).unwrap();
    assert_eq!(first, again, "one row per repository and target");
    let got = store
        .template_pr_for(a.id, env, "2222222bbbb")
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.number, got.state, got.conflicts),
        (7, PrState::Open, 2)
    );
    assert_eq!(store.template_prs(env, true).unwrap().len(), 1);
    store.set_template_pr_state(first, PrState::Merged).unwrap();
    assert!(store.template_prs(env, true).unwrap().is_empty());
    assert_eq!(
        store.template_prs(env, false).unwrap()[0].state,
        PrState::Merged
    );
    assert!(store
        .template_pr_for(a.id, Environment::Sandbox, "2222222bbbb")
        .unwrap()
        .is_none());
}

/// "Ångra" after a deployment rollback reads the newest promotion that changed production
/// (`created`), in a run that was not rolled back: one that found its deployment already
/// serving (not created) is passed over, and so is one whose run was rolled back.
fn the_last_change_of_a_step_passes_over_one_that_changed_nothing(store: Store) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey};
    use fabrik::store::runs::{NewRun, StepUpdate};

    let env = Environment::Sandbox;
    let c = store
        .create_customer(draft("Ångra AB", "a@angra.se"), &ModuleManifest::bundled())
        .unwrap();
    let promote = |id: &str, previous: &str, created: bool, end: RunState| {
        let NewRun::Created(run) = store
            .create_run(c.id, RunKind::Promote, env, &[StepKey::VercelPromote])
            .unwrap()
        else {
            panic!("a new run");
        };
        let output = serde_json::json!({ "id": id, "project_id": "prj_1", "previous": previous });
        let resource = StepUpdate::Resource {
            external_id: id.to_string(),
            created,
            output: Some(output),
        };
        store
            .step_update(&run, StepKey::VercelPromote, resource)
            .unwrap();
        store
            .step_update(&run, StepKey::VercelPromote, StepUpdate::Succeeded)
            .unwrap();
        store.set_run_state(&run, end, None, None).unwrap();
    };
    let last = || {
        store
            .last_change_output(c.id, StepKey::VercelPromote, env)
            .unwrap()
            .map(|o| (o["id"].clone(), o["previous"].clone()))
    };
    assert_eq!(last(), None);
    promote("dpl_old", "dpl_new", true, RunState::Succeeded);
    assert_eq!(last(), Some(("dpl_old".into(), "dpl_new".into())));
    promote("dpl_old", "dpl_old", false, RunState::Succeeded);
    assert_eq!(
        last(),
        Some(("dpl_old".into(), "dpl_new".into())),
        "nothing changed"
    );
    promote("dpl_x", "dpl_old", true, RunState::RolledBack);
    assert_eq!(
        last(),
        Some(("dpl_old".into(), "dpl_new".into())),
        "rolled back"
    );
    assert_eq!(
        store
            .last_change_output(c.id, StepKey::VercelPromote, Environment::Production)
            .unwrap(),
        None,
        "per environment"
    );
}

/// Each test above that takes a `Store` runs on both backends (issue #14): the embedded SQLite
/// register and a shared PostgreSQL one (a fresh database on the tests' own cluster).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(fabrik::store::Store::open_in_memory().unwrap()) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(super::common::pg_store()) } )*
        }
    };
}

on_both!(
    a_rollout_keeps_its_plan_its_state_and_one_driver,
    a_template_base_and_pull_request_are_kept_once_per_target,
    a_taken_slug_is_a_typed_error_and_nothing_is_written,
    invalid_edits_change_nothing,
    an_edit_from_a_stale_version_is_refused,
    search_filter_and_sort,
    the_slug_is_locked_once_an_instance_exists,
    a_ledger_write_that_changes_no_row_is_an_error,
    a_driver_that_lost_its_run_writes_nothing,
    the_journal_writes_a_transition_its_line_and_its_event_together,
    the_slug_is_locked_while_resources_may_exist,
    every_page_agrees_with_the_whole_register,
    a_page_is_never_larger_than_the_most_one_answer_carries,
    the_list_shows_the_last_health_check_of_this_environment,
    the_last_change_of_a_step_passes_over_one_that_changed_nothing,
);

/// The same schema on both backends: every table and column SQLite has after its migrations,
/// PostgreSQL has after its own, at the same version (FTS5's tables and their view excepted: PostgreSQL
/// searches with LIKE; `run_steps.rowid` is SQLite's implicit insertion order made explicit).
#[test]
fn postgresql_holds_the_same_tables_and_columns_at_the_same_version() {
    let (_dir, path) = tmp_db();
    drop(Store::open(&path).unwrap());
    let lite = rusqlite::Connection::open(&path).unwrap();
    let mut sqlite: Vec<(String, String)> = lite
        .prepare(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'customers_find%'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    sqlite.sort();

    let db = common::pg_database();
    drop(Store::connect(&db).unwrap());
    let pg = fabrik::store::db::Conn::postgres(fabrik::store::db::PgConn::connect(&db).unwrap());
    let mut postgres: Vec<(String, String)> = pg
        .query_map(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'fabrik' AND table_name NOT IN ('schema_version', 'rights_applied')
               AND NOT (table_name = 'run_steps' AND column_name = 'rowid')",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    postgres.sort();
    assert_eq!(postgres, sqlite);
    let version: i64 = pg
        .query_row("SELECT max(version) FROM schema_version", (), |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

/// scripts/postgres/fabrik-role.sql makes a role that is no superuser and can create nothing
/// outside its schema, and Fabrik's migrations and writes work as that role.
#[test]
fn the_least_privilege_role_runs_the_register() {
    let Some(psql) = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|d| {
        d.flatten()
            .map(|e| e.path().join("bin/psql"))
            .find(|p| p.exists())
    }) else {
        panic!("psql is installed with PostgreSQL (scripts/setup.sh)");
    };
    let admin_url = common::pg_database_url();
    let role = format!("fabrik_app_{}", std::process::id());
    let out = std::process::Command::new(psql)
        .arg(&admin_url)
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-v"])
        .arg(format!("role={role}"))
        .args(["-v", "password=ett-lösen'ord", "-f"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/postgres/fabrik-role.sql"
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_username(&role).unwrap();
    url.set_password(Some("ett-lösen'ord")).unwrap();
    let config = fabrik::store::db::PgConfig::parse(url.as_str()).unwrap();
    let store = Store::connect(&config).unwrap();
    store
        .create_customer(
            draft("Minsta Rätt AB", "a@minsta.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert_eq!(store.count_customers().unwrap(), 1);

    let pg =
        fabrik::store::db::Conn::postgres(fabrik::store::db::PgConn::connect(&config).unwrap());
    let (sup, db, roles): (bool, bool, bool) = pg
        .query_row(
            "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user",
            (),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(!sup && !db && !roles);
    let refused = pg
        .execute_batch("CREATE TABLE public.fabrik_was_here (id BIGINT)")
        .unwrap_err();
    assert!(
        refused.to_string().contains("permission denied"),
        "{refused}"
    );
}

/// A change on one seat reaches another seat's listener (PostgreSQL LISTEN/NOTIFY), naming what
/// changed, well within the second the window has; a register file has nothing to listen to.
#[test]
fn another_seats_change_arrives_within_a_second() {
    assert!(Store::open_in_memory().unwrap().watch(|_| {}).is_none());
    let db = common::pg_database();
    let (here, there) = (Store::connect(&db).unwrap(), Store::connect(&db).unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let _listener = here.watch(move |e| {
        if let fabrik::store::db::Live::Change(c) = e {
            let _ = tx.send((c, std::time::Instant::now()));
        }
    });
    // The listener connects on its own thread; a change made before it listens is not seen.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let sent = std::time::Instant::now();
    let c = there
        .create_customer(
            draft("Annan Plats AB", "a@annan.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    let mut seen = Vec::new();
    while let Ok((change, at)) = rx.recv_timeout(std::time::Duration::from_secs(1)) {
        seen.push((change.table.clone(), change.id, at.duration_since(sent)));
        if change.table == "customers" {
            break;
        }
    }
    let customers = seen.iter().find(|(t, _, _)| t == "customers");
    let Some((_, id, after)) = customers else {
        panic!("no change to customers arrived within a second: {seen:?}");
    };
    assert_eq!(*id, c.id);
    assert!(*after < std::time::Duration::from_secs(1), "{after:?}");
    eprintln!("a customer added on one seat reached the other in {after:?}");
}

/// A lost live connection is said at once, with when it was lost; once it is back the window
/// is told to read again, since what changed meanwhile was announced to no one.
#[test]
fn a_lost_live_connection_is_said_and_what_it_missed_is_read_again() {
    use fabrik::store::db::{Live, LiveStatus, PgConn};
    use std::time::{Duration, Instant};
    let db = common::pg_database();
    let here = Store::connect(&db).unwrap();
    let admin = PgConn::connect(&db).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let _listener = here.watch(move |e| {
        if let Live::Status(s) = e {
            let _ = tx.send(s);
        }
    });
    let listening = |admin: &PgConn| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let n = admin
                .batch(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_stat_activity
                       WHERE datname = current_database() AND query LIKE 'LISTEN%')
                     THEN RAISE EXCEPTION 'not yet'; END IF; END $$",
                )
                .is_ok();
            if n {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the listener never listened");
    };
    listening(&admin);
    // The server ends the listener's connection, as a restart or a network drop would.
    let cut = chrono::Utc::now();
    admin
        .batch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .unwrap();
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Ok(s) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        seen.push(s.clone());
        if s == (LiveStatus::Live { resumed: true }) {
            break;
        }
    }
    let stopped = seen.iter().find_map(|s| match s {
        LiveStatus::Stopped { since } => Some(*since),
        _ => None,
    });
    let Some(since) = stopped else {
        panic!("the lost connection was not reported: {seen:?}");
    };
    assert!(
        since >= cut - chrono::Duration::seconds(1) && since <= chrono::Utc::now(),
        "{since} vs {cut}"
    );
    assert_eq!(
        seen.last(),
        Some(&LiveStatus::Live { resumed: true }),
        "after the connection came back the window was not told to read again: {seen:?}"
    );
    eprintln!(
        "a cut live connection was said and back {:?} after the cut",
        (chrono::Utc::now() - cut).to_std().unwrap_or_default()
    );
}

/// The shared register over TLS, as it is reached anywhere but this machine: the test's server
/// gets a certificate for `localhost` from a CA of the test's own (openssl), and the register
/// is used through it with `sslrootcert`. The server's certificate is verified: without the CA
/// it is refused, and a name the certificate does not carry is refused too.
#[test]
fn the_shared_register_over_tls_verifies_the_server() {
    let cluster = common::cluster();
    if !cluster.is_owned() {
        eprintln!("skipping: the tests' PostgreSQL is not ours to reconfigure");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(d)
            .output()
            .expect("openssl (scripts/setup.sh installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=Fabrik test CA",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        d.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    // The server (user postgres when the tests run as root) reads its key, which must be its own.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(d.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    if nix_is_root() {
        let ok = std::process::Command::new("chown")
            .args(["postgres:postgres"])
            .arg(d.join("server.key"))
            .arg(d.join("server.pem"))
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let admin = fabrik::store::db::Conn::postgres(
        fabrik::store::db::PgConn::connect(
            &fabrik::store::db::PgConfig::parse(cluster.url()).unwrap(),
        )
        .unwrap(),
    );
    let set = |on: bool| {
        let sql = if on {
            format!(
                "ALTER SYSTEM SET ssl_cert_file = '{}'; ALTER SYSTEM SET ssl_key_file = '{}'; ALTER SYSTEM SET ssl = on; SELECT pg_reload_conf();",
                d.join("server.pem").display(),
                d.join("server.key").display()
            )
        } else {
            "ALTER SYSTEM RESET ssl; ALTER SYSTEM RESET ssl_cert_file; ALTER SYSTEM RESET ssl_key_file; SELECT pg_reload_conf();".into()
        };
        // One at a time: several statements in one message are one transaction, and ALTER
        // SYSTEM may not run in one.
        for statement in sql.split("; ") {
            admin.execute_batch(statement).unwrap();
        }
    };
    set(true);
    // Put TLS back off whatever happens below: other tests share this server.
    struct Off<F: Fn(bool)>(F);
    impl<F: Fn(bool)> Drop for Off<F> {
        fn drop(&mut self) {
            (self.0)(false)
        }
    }
    let _off = Off(set);

    let db_url = url::Url::parse(&common::pg_database_url()).unwrap();
    let (port, db) = (
        db_url.port().unwrap(),
        db_url.path().trim_start_matches('/').to_string(),
    );
    let ca = d.join("ca.pem");
    let url = |host: &str, extra: &str| {
        format!("postgres://postgres@{host}:{port}/{db}?sslmode=verify-full{extra}")
    };
    // The reload is a signal: the server takes the new settings a moment later.
    let with_ca = fabrik::store::db::PgConfig::parse(&url(
        "localhost",
        &format!("&sslrootcert={}", ca.display()),
    ))
    .unwrap();
    assert!(with_ca.tls());
    let mut connected = None;
    for _ in 0..50 {
        match fabrik::store::db::PgConn::connect(&with_ca) {
            Ok(c) => {
                connected = Some(c);
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
    let conn = fabrik::store::db::Conn::postgres(connected.expect("a TLS connection with the CA"));
    let (ssl, version): (bool, String) = conn
        .query_row(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(ssl, "the connection is encrypted");
    assert!(version.starts_with("TLSv1."), "{version}");
    // The register itself, over TLS.
    let store = Store::connect(&with_ca).unwrap();
    store
        .create_customer(
            draft("Krypterad AB", "a@krypterad.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert_eq!(store.count_customers().unwrap(), 1);

    // Not signed by anything this machine trusts: refused, and said so.
    let unknown = fabrik::store::db::PgConfig::parse(&url("localhost", "")).unwrap();
    let e = fabrik::store::db::PgConn::connect(&unknown)
        .err()
        .expect("refused");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    eprintln!("without the CA: {e}");
    // Signed, but for another name (the certificate names localhost, not 127.0.0.1): refused.
    let other_name = fabrik::store::db::PgConfig::parse(&url(
        "127.0.0.1",
        &format!("&sslrootcert={}", ca.display()),
    ))
    .unwrap();
    let e = fabrik::store::db::PgConn::connect(&other_name)
        .err()
        .expect("refused");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    eprintln!("under another name: {e}");
}

fn nix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Two computers of one name (`ubuntu`, or the fallback `okänd-dator`) are two seats: the one
/// that drives a run has a process id the other's `/proc` does not know. That says nothing
/// about the run: the other seat must not take it over while its heartbeat is fresh. Before,
/// a seat of the same host name looked the id up in its own `/proc` and took the run at once.
fn a_namesake_seat_keeps_its_hands_off_a_live_run(a: Store, b: Store, set_pid: impl Fn(i64, u32)) {
    use fabrik::environment::Environment;
    use fabrik::provision::{RunKind, RunState, StepKey, STALE_AFTER};
    use fabrik::store::runs::NewRun;

    let name = "okänd@okänd-dator";
    let (a, b) = (a.with_seat(name), b.with_seat(name));
    let c = a
        .create_customer(draft("Namne AB", "a@namne.se"), &ModuleManifest::bundled())
        .unwrap();
    let NewRun::Created(driver) = a
        .create_run(c.id, RunKind::Provision, Environment::Sandbox, StepKey::ALL)
        .unwrap()
    else {
        panic!("a new run");
    };
    // The driving process lives on the other computer: no such process here.
    let mut elsewhere = std::process::Command::new("true").spawn().unwrap();
    let pid = elsewhere.id();
    elsewhere.wait().unwrap();
    set_pid(driver.run_id, pid);
    a.heartbeat(&driver).unwrap();

    assert!(
        b.claim_stale(driver.run_id, STALE_AFTER).unwrap().is_none(),
        "the namesake took a live run over"
    );
    assert!(b
        .claim_run(driver.run_id, RunState::Running, STALE_AFTER)
        .unwrap()
        .is_none());
    assert!(
        b.interrupted_runs(STALE_AFTER, Environment::Sandbox)
            .unwrap()
            .is_empty(),
        "a live run is no interrupted one"
    );
    a.heartbeat(&driver).expect("the first seat still drives");
}

#[test]
fn a_namesake_seat_keeps_its_hands_off_a_live_run_sqlite() {
    let (_d, path) = tmp_db();
    let (a, b) = (Store::open(&path).unwrap(), Store::open(&path).unwrap());
    a_namesake_seat_keeps_its_hands_off_a_live_run(a, b, |run, pid| {
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute(
                "UPDATE runs SET owner_pid = ?1 WHERE id = ?2",
                rusqlite::params![pid, run],
            )
            .unwrap();
    });
}

#[test]
fn a_namesake_seat_keeps_its_hands_off_a_live_run_postgres() {
    let db = common::pg_database();
    let (a, b) = (Store::connect(&db).unwrap(), Store::connect(&db).unwrap());
    a_namesake_seat_keeps_its_hands_off_a_live_run(a, b, |run, pid| {
        let conn =
            fabrik::store::db::Conn::postgres(fabrik::store::db::PgConn::connect(&db).unwrap());
        conn.execute(
            &format!("UPDATE fabrik.runs SET owner_pid = {pid} WHERE id = {run}"),
            (),
        )
        .unwrap();
    });
}
