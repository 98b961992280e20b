//! The inbox (issue #42) in the sandbox: the portal is a real PostgreSQL database with the
//! seeds' tables and the least-privileged login `scripts/postgres/portal-intake-role.sql`
//! makes; Stripe is the simulator's. Requests approved become provisioning runs and the portal
//! learns what was built; a failing run writes `failed` and its error; Stripe's events come
//! twice and out of order and provision once, also when two seats poll at once.

use super::*;

use fabrik::customer::Plan;
use fabrik::intake::Intake;
use fabrik::store::db::{Conn, PgConfig, PgConn, Value};
use fabrik::store::intake::{IntakeChoices, IntakeSource, IntakeState, DAILY_LIMIT};
use serde_json::json;

/// The portal's tables as the seeds have them: the sprint document's organizations columns,
/// the Phase 2 plan's request columns and its optional provisioning_jobs.
const PORTAL_SCHEMA: &str = "
CREATE TABLE public.organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    billing_note text,
    service_role_key text,
    production_url text, github_repo_url text, supabase_project_ref text,
    created_at timestamptz DEFAULT now());
CREATE TABLE public.agency_onboarding_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid REFERENCES public.organizations(id),
    agency_name text NOT NULL, admin_email text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    created_at timestamptz DEFAULT now(),
    instance_url TEXT, supabase_project_id TEXT, vercel_project_id TEXT, error_message TEXT,
    provisioning_started_at TIMESTAMP, provisioning_completed_at TIMESTAMP);
CREATE TABLE public.provisioning_jobs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id UUID REFERENCES public.agency_onboarding_requests(id),
    status TEXT CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
    current_step TEXT, error_message TEXT,
    created_at TIMESTAMP DEFAULT now(), updated_at TIMESTAMP DEFAULT now());
ALTER TABLE public.agency_onboarding_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
";

const PASSWORD: &str = "portal-intake-sentinel-4f1c";

/// A portal database with the role; (its owner's connection, Fabrik's address without password).
fn portal() -> (Conn, String) {
    let url = common::pg_database_url();
    let owner = Conn::postgres(PgConn::connect(&PgConfig::parse(&url).unwrap()).unwrap());
    owner.execute_batch(PORTAL_SCHEMA).unwrap();
    owner
        .execute_batch(include_str!(
            "../../scripts/postgres/portal-intake-role.sql"
        ))
        .unwrap();
    owner
        .execute_batch(&format!("ALTER ROLE fabrik_intake PASSWORD '{PASSWORD}'"))
        .unwrap();
    let mut fabrik = url::Url::parse(&url).unwrap();
    fabrik.set_username("fabrik_intake").unwrap();
    (owner, fabrik.to_string())
}

/// A request and its organization (of the same name), linked by the organization's id.
fn request(owner: &Conn, name: &str, email: &str) -> String {
    let organization = organization(owner, name);
    request_of(owner, Some(&organization), name, email)
}

/// An organization of the portal (with a key Fabrik's login must never read); its id.
fn organization(owner: &Conn, name: &str) -> String {
    owner
        .query_row(
            "INSERT INTO public.organizations (name, billing_note, service_role_key)
             VALUES (?1, 'kort', 'SENTINEL-service-role') RETURNING id::text",
            [name],
            |r| r.get(0),
        )
        .unwrap()
}

/// A request as someone typed it, linked to an organization by its id or to none.
fn request_of(owner: &Conn, organization: Option<&str>, name: &str, email: &str) -> String {
    owner
        .query_row(
            "INSERT INTO public.agency_onboarding_requests (organization_id, agency_name, admin_email)
             VALUES (?1::text::uuid, ?2, ?3) RETURNING id::text",
            vec![
                organization.map_or(Value::Null, |o| Value::Text(o.into())),
                Value::Text(name.into()),
                Value::Text(email.into()),
            ],
            |r| r.get(0),
        )
        .unwrap()
}

/// The owner's choices for Stripe: on its own or not, prices → plans, the default limit.
fn choices(auto: bool, plans: &[(&str, Plan)]) -> IntakeChoices {
    IntakeChoices {
        auto,
        plans: plans
            .iter()
            .map(|(p, plan)| (p.to_string(), *plan))
            .collect(),
        trials: Vec::new(),
        daily_limit: DAILY_LIMIT,
    }
}

fn column(owner: &Conn, sql: &str, id: &str) -> Option<String> {
    use fabrik::store::db::Optional;
    owner
        .query_row(sql, [id], |r| r.get::<Option<String>>(0))
        .optional()
        .unwrap()
        .flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_requests_are_provisioned_and_the_portal_learns_what_was_built() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let (owner, url) = portal();
    let ett = request(&owner, "Portal Ett AB", "anna@ett.se");
    let tva = request(&owner, "Portal Två AB", "bo@tva.se");
    let fel = request(&owner, "Portal Fel AB", "cia@fel.se");
    let bad = request(&owner, "Portal Trasig AB", "inte-en-adress");
    let intake = reading_the_portal(&s, &url).await;
    let host = Arc::new(Host::default());
    let polled = intake.poll(host.clone()).await.unwrap();
    assert_eq!(polled.new_requests, 4, "{polled:?}");
    assert!(polled.problems.is_empty(), "{polled:?}");
    // Read again: nothing new.
    assert_eq!(intake.poll(host.clone()).await.unwrap().new_requests, 0);
    let inbox = intake.inbox().await.unwrap();
    let id_of = |ext: &str| {
        inbox
            .items
            .iter()
            .find(|i| i.external_id == ext)
            .unwrap()
            .id
    };

    // A request that is not a customer is refused with its field named, and stays.
    let refused = intake
        .approve(id_of(&bad), None, host.clone())
        .await
        .unwrap_err();
    assert!(
        refused.fields.iter().any(|f| f.field == "admin_email"),
        "{refused:?}"
    );
    let stays = s.api.store().intake_item(id_of(&bad)).unwrap().unwrap();
    assert_eq!(stays.state, IntakeState::Pending);

    // Rejected: the portal gets the reason.
    let nej = request(&owner, "Portal Nej AB", "dan@nej.se");
    assert_eq!(intake.poll(host.clone()).await.unwrap().new_requests, 1);
    let nej_id = intake
        .inbox()
        .await
        .unwrap()
        .items
        .iter()
        .find(|i| i.external_id == nej)
        .unwrap()
        .id;
    assert!(
        intake.reject(nej_id, "  ".into(),).await.is_err(),
        "a reason is asked for"
    );
    let rejected = intake
        .reject(nej_id, "Dubblett av Portal Ett AB".into())
        .await
        .unwrap();
    assert_eq!(rejected.state, IntakeState::Rejected);
    assert!(intake.approve(nej_id, None, host.clone()).await.is_err());

    // A seat killed after it approved "Portal Två AB" and wrote its customer, before the run
    // started: approving again starts the run for that customer, and makes no second one.
    {
        let store = s.api.store();
        let manifest = s
            .runs
            .supervisor()
            .engine()
            .unwrap()
            .settings()
            .manifest
            .clone();
        let item = store.intake_item(id_of(&tva)).unwrap().unwrap();
        assert!(store.claim_intake(item.id, "seat-killed").unwrap());
        store
            .create_intake_customer(
                item.id,
                fabrik::intake::draft_of(&item, item.plan),
                &manifest,
            )
            .unwrap();
        let half = store.intake_item(item.id).unwrap().unwrap();
        assert_eq!((half.state, half.run_id), (IntakeState::Approved, None));
        assert!(half.slug.is_some());
    }
    for ext in [&ett, &tva] {
        let item = intake
            .approve(id_of(ext), None, host.clone())
            .await
            .unwrap();
        assert_eq!(
            host.finished(item.run_id.unwrap()).await,
            RunState::Succeeded
        );
        // Approved twice: refused, nothing started.
        assert!(intake.approve(item.id, None, host.clone()).await.is_err());
    }
    // The portal was told as the runs went, without anyone asking (a write per step and at
    // the end, off the run's path): both requests reach `deployed` on their own.
    for ext in [&ett, &tva] {
        let sql = "SELECT status FROM public.agency_onboarding_requests WHERE id::text = ?1";
        let mut status = None;
        for _ in 0..200 {
            status = column(&owner, sql, ext);
            if status.as_deref() == Some("deployed") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(status.as_deref(), Some("deployed"), "{ext}");
    }
    // A run that fails: Vercel refuses the project.
    let base = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    common::api(
        reqwest::Method::POST,
        format!("{base}/__sim/faults"),
        Some(json!({"method": "POST", "path": "/vercel/v11/projects", "status": 400})),
    )
    .await;
    let failing = intake
        .approve(id_of(&fel), None, host.clone())
        .await
        .unwrap();
    assert_ne!(
        host.finished(failing.run_id.unwrap()).await,
        RunState::Succeeded
    );
    intake.sync().await.unwrap();

    for ext in [&ett, &tva] {
        let req = |c: &str| {
            column(
                &owner,
                &format!(
                    "SELECT {c}::text FROM public.agency_onboarding_requests WHERE id::text = ?1"
                ),
                ext,
            )
        };
        assert_eq!(req("status").as_deref(), Some("deployed"));
        for c in [
            "instance_url",
            "supabase_project_id",
            "vercel_project_id",
            "provisioning_started_at",
            "provisioning_completed_at",
        ] {
            assert!(req(c).is_some(), "{c} of {ext}");
        }
        assert_eq!(req("error_message"), None);
        let job = column(
            &owner,
            "SELECT status FROM public.provisioning_jobs WHERE request_id::text = ?1",
            ext,
        );
        let told = intake
            .inbox()
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|i| &i.external_id == ext)
            .unwrap();
        assert_eq!(job.as_deref(), Some("completed"), "{:?}", told.portal_error);
    }
    let org = |name: &str, c: &str| {
        column(
            &owner,
            &format!("SELECT {c} FROM public.organizations WHERE name = ?1"),
            name,
        )
    };
    assert!(org("Portal Ett AB", "production_url")
        .unwrap()
        .starts_with("https://"));
    assert!(org("Portal Två AB", "github_repo_url")
        .unwrap()
        .starts_with("https://"));
    assert!(org("Portal Två AB", "supabase_project_ref").is_some());
    assert_eq!(
        org("Portal Ett AB", "billing_note").as_deref(),
        Some("kort")
    );
    // A request's column in the portal.
    let of = |id: &str, c: &str| {
        column(
            &owner,
            &format!("SELECT {c}::text FROM public.agency_onboarding_requests WHERE id::text = ?1"),
            id,
        )
    };
    let failed = |c: &str| of(&fel, c);
    assert_eq!(failed("status").as_deref(), Some("failed"));
    assert!(failed("error_message").is_some_and(|e| !e.is_empty()));

    let nej_col = |c: &str| of(&nej, c);
    assert_eq!(nej_col("status").as_deref(), Some("rejected"));
    assert_eq!(
        nej_col("error_message").as_deref(),
        Some("Dubblett av Portal Ett AB")
    );
    assert_eq!(nej_col("instance_url"), None);
    // One customer per approved request, the interrupted one included.
    assert_eq!(
        s.api.list_customers(Default::default()).unwrap().rows.len(),
        3
    );

    // Nothing changed: a sync writes nothing; the password is in no table of the register.
    assert_eq!(intake.sync().await.unwrap().0, 0);
    let dump = std::fs::read(s.api.store().path()).unwrap_or_default();
    assert!(!String::from_utf8_lossy(&dump).contains(PASSWORD));

    // The login may write its columns and nothing else.
    let mut as_role = PgConfig::parse(&url).unwrap();
    as_role.set_password(PASSWORD);
    let role = Conn::postgres(PgConn::connect(&as_role).unwrap());
    for refused in [
        "UPDATE public.agency_onboarding_requests SET agency_name = 'x'",
        "UPDATE public.agency_onboarding_requests SET admin_email = 'x@y.se'",
        "UPDATE public.organizations SET name = 'x'",
        "UPDATE public.organizations SET billing_note = 'x'",
        "DELETE FROM public.organizations",
        "DELETE FROM public.agency_onboarding_requests",
        "INSERT INTO public.organizations (name) VALUES ('x')",
        "INSERT INTO public.agency_onboarding_requests (agency_name, admin_email) VALUES ('x', 'y')",
        "UPDATE public.provisioning_jobs SET request_id = NULL",
    ] {
        let e = role.execute_batch(refused).unwrap_err().to_string();
        assert!(e.contains("permission denied"), "{refused}: {e}");
    }
    role.execute_batch("UPDATE public.agency_onboarding_requests SET status = status")
        .unwrap();
    // It reads only what it needs of an organization: never its keys.
    for refused in [
        "SELECT service_role_key FROM public.organizations",
        "SELECT * FROM public.organizations",
        "SELECT billing_note FROM public.organizations",
    ] {
        let e = role.execute_batch(refused).unwrap_err().to_string();
        assert!(e.contains("permission denied"), "{refused}: {e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_payments_twice_out_of_order_and_from_two_seats_provision_once() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let base = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    let paid_at = std::time::Instant::now();
    let first = checkout(
        &s,
        json!({"email": "ada@betalt.se", "company": "Betalt Ett AB"}),
    )
    .await;
    let (a, b) = two_seats(&s);
    // The owner's choice: paid → provision, and the price the checkout sold → enterprise
    // (the price read from the account, as the guide lists it).
    let (starter, _) = seeded_prices(&s).await;
    a.set_source(
        IntakeSource::Stripe,
        choices(true, &[(&starter, Plan::Enterprise)]),
    )
    .await
    .unwrap();
    let host = Arc::new(Host::default());
    // Two seats poll at once: each event is taken once, the request approved once.
    let (ra, rb) = tokio::join!(a.poll(host.clone()), b.poll(host.clone()));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.new_requests + rb.new_requests, 1, "{ra:?} {rb:?}");
    assert_eq!(ra.approved.len() + rb.approved.len(), 1, "{ra:?} {rb:?}");
    let inbox = a.inbox().await.unwrap();
    assert_eq!(inbox.items.len(), 1);
    let item = &inbox.items[0];
    assert_eq!(item.source, IntakeSource::Stripe);
    assert_eq!(item.name, "Betalt Ett AB");
    assert_eq!(item.plan, Some(fabrik::customer::Plan::Enterprise));
    assert_eq!(
        item.external_id,
        first["subscription"]["id"]
            .as_str()
            .or(first["subscription"].as_str())
            .unwrap_or(&item.external_id)
    );
    assert_eq!(
        host.finished(item.run_id.unwrap()).await,
        RunState::Succeeded
    );
    // For the closing note (the sandbox's clock as `sandboxed` sets it), not a limit.
    eprintln!(
        "intake: paid checkout to a delivered instance ms={}",
        paid_at.elapsed().as_millis()
    );

    // An event that appears after newer ones were read (created a minute before the cursor),
    // and the same events read again: one new request, the rest seen before.
    let cursor = s
        .api
        .store()
        .intake_source(IntakeSource::Stripe)
        .unwrap()
        .cursor
        .unwrap();
    checkout(
        &s,
        json!({"email": "bea@sen.se", "company": "Sen Betalning AB", "created": cursor - 60}),
    )
    .await;
    let again = a.poll(host.clone()).await.unwrap();
    assert_eq!(again.new_requests, 1, "{again:?}");
    assert!(again.seen_before >= 1, "{again:?}");
    let repeat = b.poll(host.clone()).await.unwrap();
    assert_eq!(repeat.new_requests, 0, "{repeat:?}");
    let inbox = a.inbox().await.unwrap();
    assert_eq!(inbox.items.len(), 2);
    assert_eq!(
        s.api.list_customers(Default::default()).unwrap().rows.len(),
        2
    );
    // A poll with nothing new costs one request.
    let idle = a.poll(host.clone()).await.unwrap();
    assert_eq!((idle.new_requests, idle.requests), (0, 1), "{idle:?}");
    for item in &inbox.items {
        let _ = settled(&s.runs, item.slug.as_deref().unwrap()).await;
    }

    // Subscriptions cancelled in Stripe: the approved customer is shown as cancelled and
    // keeps everything (pause or teardown are the owner's); a request still pending (the
    // owner turned automatic provisioning off) is cancelled and makes no customer.
    a.set_source(IntakeSource::Stripe, choices(false, &[]))
        .await
        .unwrap();
    let third = checkout(&s, json!({"email": "cy@kort.se", "company": "Kort Tid AB"})).await;
    assert_eq!(a.poll(host.clone()).await.unwrap().new_requests, 1);
    for made in [&first, &third] {
        let sub = made["subscription"].as_str().unwrap();
        common::api(
            reqwest::Method::POST,
            format!("{base}/__sim/stripe/subscriptions/{sub}/cancel"),
            None,
        )
        .await;
    }
    let ended = b.poll(host.clone()).await.unwrap();
    assert_eq!(ended.cancelled, 2, "{ended:?}");
    let inbox = a.inbox().await.unwrap();
    let by_name = |n: &str| inbox.items.iter().find(|i| i.name == n).unwrap().clone();
    let (paid, short) = (by_name("Betalt Ett AB"), by_name("Kort Tid AB"));
    assert_eq!(paid.state, IntakeState::Approved);
    assert!(paid.cancelled_at.is_some());
    assert_eq!(short.state, IntakeState::Cancelled);
    assert!(short.slug.is_none());
    let customer = s.api.get_customer(paid.slug.clone().unwrap()).unwrap();
    assert!(customer.cancelled_at.is_some());
    assert_eq!(customer.status, fabrik::customer::Status::Active);
    let other = s
        .api
        .get_customer(by_name("Sen Betalning AB").slug.unwrap())
        .unwrap();
    assert!(other.cancelled_at.is_none());
    // Nothing left to approve: a cancelled request is decided.
    assert!(a.approve(short.id, None, host.clone()).await.is_err());
    assert_eq!(
        s.api.list_customers(Default::default()).unwrap().rows.len(),
        2
    );
}

/// A seat's inbox with the portal set up (its address, the password in the keyring).
async fn reading_the_portal(s: &Sandboxed, url: &str) -> Arc<Intake> {
    let intake = Arc::new(Intake::new(s.cloud.clone(), s.runs.supervisor().clone()));
    let (i, u) = (intake.clone(), url.to_string());
    tokio::task::spawn_blocking(move || i.set_portal(&u, PASSWORD).unwrap())
        .await
        .unwrap();
    intake
}

/// A customer completes a checkout in the simulator's Stripe; what it made.
async fn checkout(s: &Sandboxed, body: serde_json::Value) -> serde_json::Value {
    let base = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    common::api(
        reqwest::Method::POST,
        format!("{base}/__sim/stripe/checkout"),
        Some(body),
    )
    .await
}

/// Two seats' inboxes over the one register.
fn two_seats(s: &Sandboxed) -> (Arc<Intake>, Arc<Intake>) {
    let seat = || Arc::new(Intake::new(s.cloud.clone(), s.runs.supervisor().clone()));
    (seat(), seat())
}

/// The seeded Stripe prices, as the guide lists them: (Starter, Professional).
async fn seeded_prices(s: &Sandboxed) -> (String, String) {
    let stripe = fabrik::providers::stripe::Stripe::new(
        &s.cloud.endpoints().stripe_api,
        s.cloud
            .token(fabrik::secrets::Provider::Stripe)
            .unwrap()
            .unwrap(),
        std::time::Duration::from_secs(10),
    );
    let prices = stripe.prices().await.unwrap();
    let price = |label: &str| {
        prices
            .iter()
            .find(|p| p.label.contains(label))
            .expect("the seeded prices")
            .price
            .clone()
    };
    (price("Starter"), price("Professional"))
}

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

/// Issue #55: what arrives from outside is provisioned on its own only when it was paid, for
/// a price the owner mapped, and a few a day. A free checkout (a trial) and one for a price
/// nobody mapped wait in the inbox; of the paid ones, two seats polling at once approve no
/// more than the day's limit, and the rest wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_input_provisions_on_its_own_only_when_paid_mapped_and_under_the_days_limit() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let (starter, professional) = seeded_prices(&s).await;
    let (a, b) = two_seats(&s);
    // Until the owner says otherwise, a source approves a few a day on its own.
    let first = a.inbox().await.unwrap();
    let stripe = |inbox: &fabrik::intake::Inbox| {
        inbox
            .sources
            .iter()
            .find(|v| v.state.source == IntakeSource::Stripe)
            .unwrap()
            .state
            .clone()
    };
    assert_eq!(stripe(&first).daily_limit, 3);
    let mut owner = choices(true, &[(&starter, Plan::Professional)]);
    owner.daily_limit = 1;
    a.set_source(IntakeSource::Stripe, owner.clone())
        .await
        .unwrap();
    checkout(
        &s,
        json!({"email": "gratis@prov.se", "company": "Gratis AB", "trial": true}),
    )
    .await;
    checkout(
        &s,
        json!({"email": "om@mappad.se", "company": "Omappad AB", "price": professional}),
    )
    .await;
    for n in 0..2 {
        checkout(
            &s,
            json!({"email": format!("k{n}@betalt.se"), "company": format!("Betald {n} AB")}),
        )
        .await;
    }
    let host = Arc::new(Host::default());
    // Two seats poll at once: together they approve the day's one.
    let (ra, rb) = tokio::join!(a.poll(host.clone()), b.poll(host.clone()));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.new_requests + rb.new_requests, 4, "{ra:?} {rb:?}");
    assert_eq!(
        ra.approved.len() + rb.approved.len(),
        1,
        "the day's limit: {ra:?} {rb:?}"
    );
    let inbox = a.inbox().await.unwrap();
    let by_name = |inbox: &fabrik::intake::Inbox, n: &str| {
        inbox.items.iter().find(|i| i.name == n).unwrap().clone()
    };
    let waits = |inbox: &fabrik::intake::Inbox, n: &str| {
        let item = by_name(inbox, n);
        assert_eq!(item.state, IntakeState::Pending, "{n}");
        item.waiting.map(|w| w.en).unwrap_or_default()
    };
    assert!(
        waits(&inbox, "Gratis AB").contains("Nothing was paid"),
        "a trial is not paid"
    );
    let unmapped = waits(&inbox, "Omappad AB");
    assert!(
        unmapped.contains(&professional) && unmapped.contains("not mapped to a plan"),
        "{unmapped}"
    );
    assert_eq!(
        by_name(&inbox, "Omappad AB").plan,
        None,
        "never starter by default"
    );
    let paid: Vec<_> = ["Betald 0 AB", "Betald 1 AB"]
        .iter()
        .map(|n| by_name(&inbox, n))
        .collect();
    let approved = paid
        .iter()
        .find(|i| i.state == IntakeState::Approved)
        .unwrap();
    assert!(approved.automatic);
    assert_eq!(approved.plan, Some(Plan::Professional));
    let held = paid
        .iter()
        .find(|i| i.state == IntakeState::Pending)
        .unwrap();
    assert!(
        held.waiting
            .as_ref()
            .unwrap()
            .en
            .contains("limit of automatic approvals"),
        "{held:?}"
    );
    assert_eq!(stripe(&inbox).automatic_today, 1);
    // The unattended tick's poll approves no more either.
    let again = b.poll(host.clone()).await.unwrap();
    assert!(again.approved.is_empty(), "{again:?}");

    // A person approves the unmapped one only by choosing its plan.
    let omappad = by_name(&inbox, "Omappad AB").id;
    let refused = a.approve(omappad, None, host.clone()).await.unwrap_err();
    assert!(refused.message.contains("Välj en plan"), "{refused:?}");
    let chosen = a
        .approve(omappad, Some(Plan::Enterprise), host.clone())
        .await
        .unwrap();
    assert!(!chosen.automatic);
    assert_eq!(
        s.api
            .get_customer(chosen.slug.clone().unwrap())
            .unwrap()
            .plan,
        Plan::Enterprise
    );

    // The owner marks the price's free checkouts as trials and raises the limit: the trial and
    // the paid one that waited are approved on their own.
    owner.trials = vec![starter.clone()];
    owner.daily_limit = 3;
    a.set_source(IntakeSource::Stripe, owner).await.unwrap();
    let later = a.poll(host.clone()).await.unwrap();
    assert_eq!(later.approved.len(), 2, "{later:?}");
    let inbox = a.inbox().await.unwrap();
    assert_eq!(by_name(&inbox, "Gratis AB").state, IntakeState::Approved);
    assert_eq!(stripe(&inbox).automatic_today, 3);
    for item in inbox.items.iter().filter(|i| i.slug.is_some()) {
        let _ = settled(&s.runs, item.slug.as_deref().unwrap()).await;
    }
    assert_eq!(
        s.api.list_customers(Default::default()).unwrap().rows.len(),
        4
    );
}
