//! The portal written back by ids, never by a name (issue #55).

use super::*;

/// Issue #55: the portal is written by ids, never by a name. A request typed with the name of
/// another agency's organization, and a Stripe checkout whose company is that name, are
/// provisioned and written back to their own request only: the other organization keeps its
/// instance. A request linked to its organization by id writes that organization, whatever
/// either is called.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_is_written_by_ids_never_by_a_name() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let (owner, url) = portal();
    let neighbour = organization(&owner, "Grannen AB");
    owner
        .execute(
            "UPDATE public.organizations SET production_url = 'https://grannen.se',
                    github_repo_url = 'https://github.com/grannen/app', supabase_project_ref = 'grannensref'
              WHERE id::text = ?1",
            [&neighbour],
        )
        .unwrap();
    let stranger = request_of(&owner, None, "grannen ab", "eve@grannen-ab.se");
    // Another agency's, which a payer names at checkout.
    let paid_as = organization(&owner, "Betalad Granne AB");
    let linked_org = organization(&owner, "Ett Helt Annat Namn AB");
    let linked = request_of(&owner, Some(&linked_org), "Länkad AB", "li@lankad.se");

    let intake = reading_the_portal(&s, &url).await;
    let (starter, _) = seeded_prices(&s).await;
    intake
        .set_source(
            IntakeSource::Stripe,
            choices(false, &[(&starter, Plan::Starter)]),
        )
        .await
        .unwrap();
    checkout(
        &s,
        json!({"email": "mallory@betalt.se", "company": "betalad granne ab"}),
    )
    .await;
    let host = Arc::new(Host::default());
    let polled = intake.poll(host.clone()).await.unwrap();
    assert_eq!(polled.new_requests, 3, "{polled:?}");
    let inbox = intake.inbox().await.unwrap();
    let mut slugs = Vec::new();
    for item in &inbox.items {
        let approved = intake.approve(item.id, None, host.clone()).await.unwrap();
        assert_eq!(
            host.finished(approved.run_id.unwrap()).await,
            RunState::Succeeded
        );
        slugs.extend(approved.slug);
    }
    for slug in &slugs {
        let _ = settled(&s.runs, slug).await;
    }
    let (_, problems) = intake.sync().await.unwrap();

    let org = |id: &str, c: &str| {
        column(
            &owner,
            &format!("SELECT {c} FROM public.organizations WHERE id::text = ?1"),
            id,
        )
    };
    // The other agencies' organizations are as they were.
    assert_eq!(
        org(&neighbour, "production_url").as_deref(),
        Some("https://grannen.se")
    );
    assert_eq!(
        org(&neighbour, "github_repo_url").as_deref(),
        Some("https://github.com/grannen/app")
    );
    assert_eq!(
        org(&neighbour, "supabase_project_ref").as_deref(),
        Some("grannensref")
    );
    for c in ["production_url", "github_repo_url", "supabase_project_ref"] {
        assert_eq!(
            org(&paid_as, c),
            None,
            "{c}: a checkout's company is no link"
        );
    }
    // The request typed with its name was written back to itself alone …
    let req = |id: &str, c: &str| {
        column(
            &owner,
            &format!("SELECT {c}::text FROM public.agency_onboarding_requests WHERE id::text = ?1"),
            id,
        )
    };
    assert_eq!(req(&stranger, "status").as_deref(), Some("deployed"));
    assert!(req(&stranger, "instance_url").is_some());
    // … and the linked one to its organization, by id.
    assert_eq!(req(&linked, "status").as_deref(), Some("deployed"));
    assert!(org(&linked_org, "production_url").is_some_and(|u| u.starts_with("https://")));
    assert!(org(&linked_org, "supabase_project_ref").is_some());
    assert!(problems.is_empty(), "{problems:?}");
}
