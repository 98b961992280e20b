//! The customer list, on both backends: every page agrees with the whole register, no page is
//! larger than one answer carries, and it shows the last health check of its environment.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::HealthRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::customer::rows::ListingRows;

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

    // Every way a search finds its page: sorting the matches, walking the list among the
    // index's matches, and walking it checking each row's text.
    for (env, walk_from) in [
        (Environment::Sandbox, (u32::MAX, u32::MAX)),
        (Environment::Production, (u32::MAX, u32::MAX)),
        (Environment::Sandbox, (0, u32::MAX)),
        (Environment::Production, (0, u32::MAX)),
        (Environment::Sandbox, (0, 0)),
        (Environment::Production, (0, 0)),
    ] {
        store.set_environment(env);
        store.walk_searches_from(walk_from.0, walk_from.1);
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
                            "{env} {walk_from:?} {sort:?} {status:?} {search:?} at {}",
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
                        "{env} {walk_from:?} {sort:?} {status:?} {search:?}"
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

on_both!(
    every_page_agrees_with_the_whole_register,
    a_page_is_never_larger_than_the_most_one_answer_carries,
    the_list_shows_the_last_health_check_of_this_environment,
);
