//! The inbox (issue #42) in the sandbox: the portal is a real PostgreSQL database with the
//! seeds' tables and the least-privileged login `scripts/postgres/portal-intake-role.sql`
//! makes; Stripe is the simulator's. Requests approved become provisioning runs and the portal
//! learns what was built; a failing run writes `failed` and its error; Stripe's events come
//! twice and out of order and provision once, also when two seats poll at once.

use super::*;
use fabrik::requests::IntakeRows;

use fabrik::customer::Plan;
use fabrik::intake::Intake;
use fabrik::requests::{IntakeChoices, IntakeSource, IntakeState, DAILY_LIMIT};
use fabrik::store::db::{Conn, PgConfig, PgConn, Value};
use serde_json::json;
mod by_ids;
mod stripe;

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
            "../../../scripts/postgres/portal-intake-role.sql"
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
pub(crate) fn choices(auto: bool, plans: &[(&str, Plan)]) -> IntakeChoices {
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
pub(crate) async fn checkout(s: &Sandboxed, body: serde_json::Value) -> serde_json::Value {
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
pub(crate) async fn seeded_prices(s: &Sandboxed) -> (String, String) {
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
