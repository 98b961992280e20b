//! A customer in the register, on both backends: a taken slug, invalid and stale edits change
//! nothing; search, filter and sort; the slug locked once an instance or resources may exist.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::customer::rows::ListingRows;

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

/// A card typed by hand (or imported) shows an instance, but no run of Fabrik's made any of it:
/// the ledger says so, and "Avveckla" is not offered for it (issue #68).
fn a_card_typed_by_hand_is_not_made_by_fabrik(store: Store) {
    use fabrik::environment::Environment;
    let c = store
        .create_customer(
            draft("Handskriven AB", "a@hand.se"),
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert!(!c.made_by_fabrik);
    let card = fabrik::customer::Instance {
        production_url: Some("https://hand.vercel.app".into()),
        supabase_project_ref: Some("abcdefghijklmnopqrst".into()),
        ..Default::default()
    };
    store
        .set_instance(c.id, Environment::Sandbox, Status::Active, Some(&card))
        .unwrap();
    let read = store.get_customer(&c.slug).unwrap();
    assert_eq!(read.instance, card);
    assert!(!read.made_by_fabrik, "a typed card counted as Fabrik's");
}

on_both!(
    a_card_typed_by_hand_is_not_made_by_fabrik,
    a_taken_slug_is_a_typed_error_and_nothing_is_written,
    invalid_edits_change_nothing,
    an_edit_from_a_stale_version_is_refused,
    search_filter_and_sort,
    the_slug_is_locked_once_an_instance_exists,
    the_slug_is_locked_while_resources_may_exist,
);
