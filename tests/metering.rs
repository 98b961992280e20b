//! What a delivered instance uses (issue #57), read at every provider of the simulator: each
//! client against its endpoint, the awkward answers (an analytics error inside a 200, 429s,
//! a provider down, a subscription that is not there), and figures that follow the
//! simulator's day.

use std::time::Duration;

use crate::common;

use chrono::NaiveDate;
use common::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::Instance;
use fabrik::metering::read::read;
use fabrik::provider::Provider;
use fabrik::providers::stripe::Stripe;
use fabrik::providers::supabase::ApiCounts;
use fabrik::provision::RunState;
use fabrik::secrets::Secret;
use fabrik::usage::{Figure, Reading};
use fabrik_sim::SimHandle;
use serde_json::{json, Value};

async fn admin(sim: &SimHandle, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}/__sim{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path} {body}: {}", r.status());
    r.json().await.unwrap()
}

/// The simulator's day.
async fn sim_today(sim: &SimHandle) -> NaiveDate {
    let clock = get(sim, "/__sim/clock").await;
    NaiveDate::parse_from_str(clock["today"].as_str().unwrap(), "%Y-%m-%d").unwrap()
}

/// A delivered customer's instance card.
async fn delivered(tag: &str, name: &str) -> Option<(World, Instance)> {
    let w = world(tag, name).await?;
    let (_, state) = provision(&w.engine, &w.slug).await;
    assert_eq!(state, RunState::Succeeded);
    let instance = w.store.get_customer(&w.slug).unwrap().instance;
    Some((w, instance))
}

fn stripe(sim: &SimHandle) -> Stripe {
    Stripe::new(
        &sim.stripe_api_url(),
        Secret::new(TOKEN),
        Duration::from_secs(10),
    )
}

async fn done(w: World) {
    clear_faults(&w.sim).await;
    cleanup(&w.engine, &w.slug).await;
    w.sim.shutdown().await;
}

/// Every figure but the emails, which Resend cannot attribute to an instance (`read.rs`).
fn every_figure(r: &Reading) {
    for &f in Figure::ALL.iter() {
        if f == Figure::EmailsSent {
            assert_eq!(r.get(f), None, "not reported, never guessed");
        } else {
            assert!(r.get(f).is_some(), "{f:?} missing: {r:#?}");
        }
    }
}

#[tokio::test]
async fn a_delivered_instance_is_read_whole_and_follows_the_simulators_day() {
    let Some((w, instance)) = delivered("usage-read", "Mätbar Kund AB").await else {
        return;
    };
    let (c, sim) = (w.engine.clients(), &w.sim);
    let project = instance.supabase_project_ref.clone().unwrap();
    let workflow = instance.n8n_workflow_id.clone().unwrap();
    admin(
        sim,
        "/usage/profile",
        json!({"id": workflow, "profile": "normal"}),
    )
    .await;
    // The project's own profile too: drawn from its id otherwise (the simulator adds the
    // profile's growth to the database's real size).
    admin(
        sim,
        "/usage/profile",
        json!({"id": project, "profile": "normal"}),
    )
    .await;
    let sub = admin(
        sim,
        "/stripe/subscriptions",
        json!({"email": "ekonomi@matbar.se", "price": "professional_monthly"}),
    )
    .await;
    let customer = sub["customer"].as_str().unwrap().to_string();
    let sub = sub["subscription"].as_str().unwrap().to_string();
    let stripe = stripe(sim);
    let today = sim_today(sim).await;

    // Each client, against what the simulator answers.
    let disk = c.supabase.disk_use(&project).await.unwrap();
    assert!(disk.used > 1e9 && disk.size > disk.used, "{disk:?}");
    let ApiCounts::Buckets(buckets) = c.supabase.api_counts(&project).await.unwrap() else {
        panic!("buckets")
    };
    assert_eq!(buckets.len(), 7);
    assert_eq!(buckets.last().unwrap().day, today);
    // A new project is on Supabase's free plan: Nano compute, which is no add-on. On Pro it has
    // one.
    let free = c.supabase.compute_addon(&project).await.unwrap();
    assert_eq!(free, None, "the free plan");
    let plan = format!("/supabase/projects/{project}/plan");
    admin(sim, &plan, json!({"plan": "pro"})).await;
    let compute = c.supabase.compute_addon(&project).await.unwrap();
    assert!(
        matches!(compute.as_deref(), Some("ci_micro" | "ci_small")),
        "{compute:?}"
    );
    let db = c.supabase.database_figures(&project).await.unwrap();
    assert!(db.database_bytes.unwrap() > 1_000_000.0, "{db:?}");
    assert!(db.auth_users.unwrap() >= 1.0, "the first admin: {db:?}");
    assert_eq!(db.storage_bytes, Some(0.0), "an empty storage");
    let project_id = instance.vercel_project_id.clone().unwrap();
    let month = today.format("%Y-%m-01").to_string();
    let since = NaiveDate::parse_from_str(&month, "%Y-%m-%d").unwrap();
    let since = since
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    assert!(
        c.vercel
            .production_deployments_since(&project_id, since)
            .await
            .unwrap()
            >= 1
    );
    let later = chrono::Utc::now().timestamp_millis() + 60_000;
    assert_eq!(
        c.vercel
            .production_deployments_since(&project_id, later)
            .await
            .unwrap(),
        0
    );
    let rev = stripe.revenue(&sub).await.unwrap();
    assert_eq!(
        (rev.amount, rev.currency.as_str(), rev.interval.as_str()),
        (1_490_000, "sek", "month")
    );
    assert_eq!(rev.status, "active");
    assert_eq!(
        stripe.subscription_of(&customer).await.unwrap(),
        Some(sub.clone())
    );
    assert_eq!(stripe.subscription_of("cus_nobody").await.unwrap(), None);

    // The whole reading.
    let r = read(c, Some(&stripe), &instance, Some(&sub), today).await;
    assert!(r.problems.is_empty(), "{:#?}", r.problems);
    every_figure(&r);
    assert_eq!(
        r.get(Figure::ApiRequests),
        Some(buckets.last().unwrap().requests)
    );
    assert_eq!(r.get(Figure::DiskUsedBytes), Some(disk.used));
    assert_eq!(r.get(Figure::Revenue), Some(1_490_000.0));
    assert_eq!(
        r.revenue.as_ref().map(|r| r.subscription.as_str()),
        Some(sub.as_str())
    );
    assert_eq!(r.compute, compute);
    assert_eq!(r.last_active, Some(today), "made today, in use today");
    // Without Stripe, or without a subscription, there is no revenue and no problem.
    let r = read(c, None, &instance, Some(&sub), today).await;
    assert!(r.revenue.is_none() && r.get(Figure::Revenue).is_none() && r.problems.is_empty());

    // The project falls idle; four days on, its figures are the new day's.
    admin(
        sim,
        "/usage/profile",
        json!({"id": project, "profile": "idle"}),
    )
    .await;
    admin(sim, "/clock", json!({"advance_days": 4})).await;
    // The day before the simulator's: a whole day of runs, whatever the hour now.
    let day = sim_today(sim).await.pred_opt().unwrap();
    assert_eq!((day - today).num_days(), 3);
    let after = read(c, Some(&stripe), &instance, Some(&sub), day).await;
    assert!(after.problems.is_empty(), "{:#?}", after.problems);
    every_figure(&after);
    assert_eq!(after.get(Figure::ApiRequests), Some(0.0), "idle");
    assert_eq!(after.last_active, today.succ_opt(), "its last day in use");
    assert_eq!(after.get(Figure::Executions), Some(24.0), "every hour");
    assert!(after.get(Figure::DiskUsedBytes) > Some(disk.used), "grew");

    // A database without Supabase Storage: its size and users still, its storage not reported.
    c.supabase
        .run_query(&project, "drop schema storage cascade")
        .await
        .unwrap();
    let db = c.supabase.database_figures(&project).await.unwrap();
    assert!(
        db.database_bytes.is_some() && db.auth_users.is_some(),
        "{db:?}"
    );
    assert_eq!(db.storage_bytes, None);
    done(w).await;
}

/// The requests the simulator saw whose path ends with `tail`.
async fn requests_to(sim: &SimHandle, tail: &str) -> usize {
    let log = get(sim, "/__sim/requests").await;
    let entries = log["requests"].as_array().cloned().unwrap_or_default();
    entries
        .iter()
        .filter(|e| e["path"].as_str().is_some_and(|p| p.ends_with(tail)))
        .count()
}

#[tokio::test]
async fn awkward_answers_are_problems_and_a_429_is_retried_within_its_bound() {
    let Some((w, instance)) = delivered("usage-awkward", "Besvärlig Kund AB").await else {
        return;
    };
    let (c, sim) = (w.engine.clients(), &w.sim);
    let today = sim_today(sim).await;
    reqwest::Client::new()
        .delete(format!("{}/__sim/requests", sim.base_url()))
        .send()
        .await
        .unwrap();
    let analytics = "/supabase/v1/projects/*/analytics/endpoints/usage.api-counts";
    fault(
        sim,
        json!({"method": "GET", "path": analytics, "outcome": "ANALYTICS_ERROR"}),
    )
    .await;
    // Twice too many: the third attempt gets the disk.
    fault(sim, json!({"method": "GET", "path": "/supabase/v1/projects/*/config/disk/util", "status": 429, "retry_after": 1, "times": 2})).await;
    // Always too many: read a bounded number of times, then a problem.
    fault(sim, json!({"method": "GET", "path": "/supabase/v1/projects/*/billing/addons", "status": 429, "retry_after": 1})).await;
    fault(
        sim,
        json!({"method": "GET", "path": "/vercel/v6/deployments", "status": 500}),
    )
    .await;
    let stripe = stripe(sim);

    let r = read(
        c,
        Some(&stripe),
        &instance,
        Some("sub_doesnotexist0000000000"),
        today,
    )
    .await;
    let said = |p: Provider| -> Vec<String> {
        r.problems
            .iter()
            .filter(|(q, _)| *q == p)
            .map(|(_, t)| t.en.clone())
            .collect()
    };
    let supabase = said(Provider::Supabase);
    assert_eq!(supabase.len(), 2, "{supabase:#?}");
    assert!(
        supabase
            .iter()
            .any(|t| t.contains("reports no API requests")
                && t.contains("Query exceeded resource limits")),
        "{supabase:#?}"
    );
    assert!(
        supabase
            .iter()
            .any(|t| t.contains("billing/addons could not be read")),
        "{supabase:#?}"
    );
    assert_eq!(r.get(Figure::ApiRequests), None, "not reported, not zero");
    assert_eq!(r.last_active, None);
    assert_eq!(r.compute, None);
    assert!(
        r.get(Figure::DiskUsedBytes).is_some(),
        "retried past two 429s"
    );
    assert!(r.get(Figure::DatabaseBytes).is_some() && r.get(Figure::Executions).is_some());
    assert_eq!(said(Provider::Vercel).len(), 1);
    assert_eq!(r.get(Figure::Deployments), None);
    let stripe_said = said(Provider::Stripe);
    assert_eq!(stripe_said.len(), 1, "{stripe_said:#?}");
    assert!(r.revenue.is_none() && r.get(Figure::Revenue).is_none());

    assert_eq!(requests_to(sim, "/config/disk/util").await, 3);
    assert_eq!(
        requests_to(sim, "/billing/addons").await,
        4,
        "the bound of a 429"
    );
    assert_eq!(
        requests_to(sim, "/usage.api-counts").await,
        1,
        "an answer is not retried"
    );
    assert_eq!(requests_to(sim, "/v6/deployments").await, 3);
    done(w).await;
}
