//! The inbox (issue #42) in the sandbox: the portal is a real PostgreSQL database with the
//! seeds' tables and the least-privileged login `scripts/postgres/portal-intake-role.sql`
//! makes; Stripe is the simulator's. Requests approved become provisioning runs and the portal
//! learns what was built; a failing run writes `failed` and its error; Stripe's events come
//! twice and out of order and provision once, also when two seats poll at once.

use super::*;

use fabrik::api::intake::Intake;
use fabrik::store::db::{Conn, PgConfig, PgConn};
use fabrik::store::intake::{IntakeSource, IntakeState};
use serde_json::json;

/// The portal's tables as the seeds have them: the sprint document's organizations columns,
/// the Phase 2 plan's request columns and its optional provisioning_jobs.
const PORTAL_SCHEMA: &str = "
CREATE TABLE public.organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    billing_note text,
    production_url text, github_repo_url text, supabase_project_ref text,
    created_at timestamptz DEFAULT now());
CREATE TABLE public.agency_onboarding_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
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

fn request(owner: &Conn, name: &str, email: &str) -> String {
    owner
        .execute(
            "INSERT INTO public.organizations (name, billing_note) VALUES (?1, 'kort')",
            [name],
        )
        .unwrap();
    owner
        .query_row(
            "INSERT INTO public.agency_onboarding_requests (agency_name, admin_email) VALUES (?1, ?2) RETURNING id::text",
            [name, email],
            |r| r.get(0),
        )
        .unwrap()
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
    let intake = Arc::new(Intake::new(s.cloud.clone(), s.runs.supervisor().clone()));
    {
        let i = intake.clone();
        let u = url.clone();
        tokio::task::spawn_blocking(move || i.set_portal(&u, PASSWORD).unwrap())
            .await
            .unwrap();
    }
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
    let refused = intake.approve(id_of(&bad), host.clone()).await.unwrap_err();
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
    assert!(intake.approve(nej_id, host.clone()).await.is_err());

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
            .create_intake_customer(item.id, fabrik::intake::draft_of(&item), &manifest)
            .unwrap();
        let half = store.intake_item(item.id).unwrap().unwrap();
        assert_eq!((half.state, half.run_id), (IntakeState::Approved, None));
        assert!(half.slug.is_some());
    }
    for ext in [&ett, &tva] {
        let item = intake.approve(id_of(ext), host.clone()).await.unwrap();
        assert_eq!(
            host.finished(item.run_id.unwrap()).await,
            RunState::Succeeded
        );
        // Approved twice: refused, nothing started.
        assert!(intake.approve(item.id, host.clone()).await.is_err());
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
    let failing = intake.approve(id_of(&fel), host.clone()).await.unwrap();
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_payments_twice_out_of_order_and_from_two_seats_provision_once() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let base = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    let checkout = |body: serde_json::Value| {
        common::api(
            reqwest::Method::POST,
            format!("{base}/__sim/stripe/checkout"),
            Some(body),
        )
    };
    let paid_at = std::time::Instant::now();
    let first = checkout(json!({"email": "ada@betalt.se", "company": "Betalt Ett AB"})).await;
    let seat = |_: usize| Arc::new(Intake::new(s.cloud.clone(), s.runs.supervisor().clone()));
    let (a, b) = (seat(0), seat(1));
    // The owner's choice: paid → provision, and the price the checkout sold → enterprise
    // (the price read from the account, as the guide lists it).
    let stripe = fabrik::providers::stripe::Stripe::new(
        &s.cloud.endpoints().stripe_api,
        s.cloud
            .token(fabrik::secrets::Provider::Stripe)
            .unwrap()
            .unwrap(),
        std::time::Duration::from_secs(10),
    );
    let prices = stripe.prices().await.unwrap();
    let starter = prices
        .iter()
        .find(|p| p.label.contains("Starter"))
        .expect("the seeded prices");
    let plans = [(starter.price.clone(), fabrik::customer::Plan::Enterprise)]
        .into_iter()
        .collect();
    a.set_source(IntakeSource::Stripe, true, plans)
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
    checkout(json!({"email": "bea@sen.se", "company": "Sen Betalning AB", "created": cursor - 60}))
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
    a.set_source(IntakeSource::Stripe, false, Default::default())
        .await
        .unwrap();
    let third = checkout(json!({"email": "cy@kort.se", "company": "Kort Tid AB"})).await;
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
    assert!(a.approve(short.id, host.clone()).await.is_err());
    assert_eq!(
        s.api.list_customers(Default::default()).unwrap().rows.len(),
        2
    );
}
