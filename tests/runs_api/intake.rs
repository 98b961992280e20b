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

    for ext in [&ett, &tva] {
        let item = intake.approve(id_of(ext), host.clone()).await.unwrap();
        assert_eq!(
            host.finished(item.run_id.unwrap()).await,
            RunState::Succeeded
        );
        // Approved twice: refused, nothing started.
        assert!(intake.approve(item.id, host.clone()).await.is_err());
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
    let failed = |c: &str| {
        column(
            &owner,
            &format!("SELECT {c}::text FROM public.agency_onboarding_requests WHERE id::text = ?1"),
            &fel,
        )
    };
    assert_eq!(failed("status").as_deref(), Some("failed"));
    assert!(failed("error_message").is_some_and(|e| !e.is_empty()));

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
    let _ = settled(&s.runs, inbox.items[0].slug.as_deref().unwrap()).await;
}
