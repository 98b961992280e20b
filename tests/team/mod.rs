//! The customer's team in their own instance (issue #44), against fabrik-sim on a real
//! PostgreSQL with the real keyring: provisioning makes the instance send as the agency, a list
//! is checked before anyone is invited, each invited person is made in the instance's Auth with
//! their profile and role and gets the agency's invitation through Resend, an accepted person
//! sees their own organization only (row-level security on PostgreSQL), a revoked one nothing
//! while their rows stay, and nobody Fabrik did not invite is touched.//!
//! The suites: `invite` (a list invited, accepted, resent and revoked), `sending` (the agency's
//! mail, the hourly limit, a crash mid-invitation), `rights` (who may act, and what is no proof),
//! `sending_key` (each instance's own Resend key).

use crate::common::*;
use fabrik::customer::rows::CustomerRows;

use fabrik::customer::{Invitee, TeamRole};
use fabrik::error::Error;
use fabrik::messages::ErrorCode;
use fabrik::provision::{RunRequest, RunState};
use fabrik::team::{InviteOutcome, MemberStatus, Team};
use serde_json::{json, Value};

mod invite;
mod rights;
mod sending;
mod sending_key;

fn person(email: &str, name: &str, role: TeamRole) -> Invitee {
    Invitee {
        email: email.into(),
        full_name: Some(name.into()),
        role,
    }
}

fn code(e: &Error) -> ErrorCode {
    e.code()
}
/// A world whose customer is provisioned (`None` without a keyring).
async fn delivered(tag: &str, name: &str) -> Option<World> {
    let w = world(tag, name).await?;
    let (_, state, events) = provision_logged(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    Some(w)
}

/// `delivered` on a register file of its own, for what reads or writes the file itself.
async fn delivered_on_file(tag: &str, name: &str) -> Option<(World, tempfile::TempDir)> {
    let secrets = keyring(tag)?;
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(
        fabrik::store::Store::open(&dir.path().join("fabrik.sqlite3")).unwrap(),
    );
    let engine = engine(
        &sim,
        store.clone(),
        secrets.clone(),
        fabrik::provision::FailurePolicy::Rollback,
    );
    let slug = customer(&store, name);
    let (_, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let w = World {
        sim,
        store,
        engine,
        slug,
        secrets,
    };
    Some((w, dir))
}

fn quiet(_: u32, _: u32, _: &fabrik::team::InviteResult) {}

/// The emails Resend received for `to`.
async fn mails_to(sim: &fabrik_sim::SimHandle, to: &str) -> Vec<Value> {
    inventory(sim).await["resend"]["emails"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| {
            m["to"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| x == to))
        })
        .collect()
}
/// The customer's project ref and its anon key.
async fn project(w: &World) -> (String, String) {
    let c = w.store.get_customer(&w.slug).unwrap();
    let r = c.instance.supabase_project_ref.clone().unwrap();
    let keys = w.engine.clients().supabase.api_keys(&r).await.unwrap();
    (r, keys.anon.expose().to_string())
}
/// The customer's database on the PostgreSQL behind the simulator.
async fn database(w: &World, r: &str) -> tokio_postgres::Client {
    let db = w.sim.project_database(r).expect("SQL runs on PostgreSQL");
    let mut config: tokio_postgres::Config = cluster().url().parse().unwrap();
    config.dbname(&db);
    let (pg, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    pg
}

/// A person the customer's own app made (not Fabrik): a confirmed Auth user and their profile
/// in the customer's organization. Their Auth id.
async fn apps_own(w: &World, r: &str, email: &str, role: &str) -> String {
    let keys = w.engine.clients().supabase.api_keys(r).await.unwrap();
    let theirs = reqwest::Client::new()
        .post(format!(
            "{}/auth/v1/admin/users",
            w.sim.supabase_project_url(r)
        ))
        .header("apikey", keys.service_role.expose())
        .bearer_auth(keys.service_role.expose())
        .json(&json!({ "email": email, "password": "hemligt-123", "email_confirm": true }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let id = theirs["id"].as_str().unwrap().to_string();
    let uid = w.store.get_customer(&w.slug).unwrap().uid;
    database(w, r)
        .await
        .execute(
            "insert into public.users (id, organization_id, email, role) values ($1::text::uuid, $2::text::uuid, $3, $4)",
            &[&id, &uid, &email, &role],
        )
        .await
        .unwrap();
    id
}
/// The project's Auth configuration, changed by `patch` first (as someone at the agency would,
/// through the Management API).
async fn auth_config(w: &World, r: &str, patch: Option<Value>) -> Value {
    let url = format!("{}/v1/projects/{r}/config/auth", w.sim.supabase_api_url());
    match patch {
        Some(p) => api(reqwest::Method::PATCH, url, Some(p)).await,
        None => api(reqwest::Method::GET, url, None).await,
    }
}
