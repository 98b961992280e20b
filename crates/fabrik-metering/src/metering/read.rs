//! One instance's usage on one day, read at every provider side by side. What a provider does
//! not report, or could not be read, is absent from the reading (never a zero) and, when it
//! failed, named in its `problems`. Every call goes through the shared HTTP policy (timeout,
//! size limit, the pacer) and is retried within the one retry policy's bound.

use std::time::Duration;

use chrono::{Datelike, NaiveDate};

use crate::customer::Instance;
use crate::messages::{params, Say, Text};
use crate::provider::Provider;
use crate::providers::retry::RetryPolicy;
use crate::providers::stripe::Stripe;
use crate::providers::supabase::ApiCounts;
use crate::providers::{Clients, ErrorKind, ProviderError};
use crate::usage::{Figure, Reading};

/// A reading's retries: a few, and a 429's wait only as long as the pacer would sit through
/// one (a daily collection comes back tomorrow; it does not wait out an hourly limit).
fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        max_rate_limited_attempts: 4,
        base_delay: Duration::from_millis(300),
        max_delay: Duration::from_secs(5),
        max_honoured_wait: crate::providers::pacer::MAX_WAIT,
        // A read changes nothing, so a timed-out one is asked again without waiting for it.
        after_timeout: Duration::ZERO,
    }
}

/// One problem: what could not be read, and why (the provider's error names itself).
fn could_not_read(what: &str, e: &ProviderError) -> (Provider, Text) {
    let text = match e.kind {
        ErrorKind::TooLarge => {
            Say::UsageTooMany.with(params! { "what" => what, "limit" => &e.message })
        }
        _ => Say::UsageCouldNotRead.with(params! { "what" => what, "e" => e }),
    };
    (e.provider, text)
}

/// Reads `instance` at every provider it has (and its subscription at Stripe when Stripe is
/// set up and the customer has one) as of `today`. Never fails: what could not be read is in
/// `problems`, and its figures are absent.
pub async fn read(
    clients: &Clients,
    stripe: Option<&Stripe>,
    instance: &Instance,
    subscription: Option<&str>,
    today: NaiveDate,
) -> Reading {
    let supabase = async {
        match &instance.supabase_project_ref {
            Some(r) => supabase(clients, r, today).await,
            None => Reading::default(),
        }
    };
    let vercel = async {
        match &instance.vercel_project_id {
            Some(id) => vercel(clients, id, today).await,
            None => Reading::default(),
        }
    };
    let n8n = async {
        match &instance.n8n_workflow_id {
            Some(id) => n8n(clients, id, today).await,
            None => Reading::default(),
        }
    };
    let revenue = async {
        match (stripe, subscription) {
            (Some(s), Some(id)) => revenue(s, id).await,
            _ => Reading::default(),
        }
    };
    // Resend: the agency's account sends every instance's email from one verified sender
    // domain (the welcome email through the API, the instance's Auth mail through the SMTP relay
    // on its own sending key), and neither `emails/list` nor `emails/metrics` says which key
    // or instance an email was for (no tags or key in `Email`, metrics only by domain, email id
    // or broadcast). So `EmailsSent` is not reported per instance, rather than guessed.
    let (a, b, c, d) = tokio::join!(supabase, vercel, n8n, revenue);
    let mut reading = a;
    for part in [b, c, d] {
        reading.figures.extend(part.figures);
        reading.problems.extend(part.problems);
        reading.revenue = reading.revenue.or(part.revenue);
    }
    reading
}

async fn supabase(clients: &Clients, project_ref: &str, today: NaiveDate) -> Reading {
    let s = &clients.supabase;
    let p = policy();
    let (disk, counts, addon, db, app) = tokio::join!(
        p.retry(|| s.disk_use(project_ref)),
        p.retry(|| s.api_counts(project_ref)),
        p.retry(|| s.compute_addon(project_ref)),
        p.retry(|| s.database_figures(project_ref)),
        p.retry(|| s.app_metrics(project_ref, today)),
    );
    let mut r = Reading::default();
    match disk {
        Ok(d) => {
            r.set(Figure::DiskUsedBytes, Some(d.used));
            r.set(Figure::DiskSizeBytes, Some(d.size));
        }
        Err(e) => r
            .problems
            .push(could_not_read("Supabase config/disk/util", &e)),
    }
    match counts {
        Ok(ApiCounts::Buckets(buckets)) => {
            let on_day: Vec<f64> = buckets
                .iter()
                .filter(|b| b.day == today)
                .map(|b| b.requests)
                .collect();
            // No bucket of the day: the window did not reach it, which is not a zero.
            if !on_day.is_empty() {
                r.set(Figure::ApiRequests, Some(on_day.iter().sum()));
            }
            r.last_active = buckets
                .iter()
                .filter(|b| b.requests > 0.0)
                .map(|b| b.day)
                .max();
        }
        Ok(ApiCounts::NotReported(reason)) => r.problems.push((
            Provider::Supabase,
            Say::UsageApiCountsNotReported.with(params! { "reason" => reason }),
        )),
        Err(e) => r
            .problems
            .push(could_not_read("Supabase usage.api-counts", &e)),
    }
    match addon {
        Ok(compute) => r.compute = compute,
        Err(e) => r
            .problems
            .push(could_not_read("Supabase billing/addons", &e)),
    }
    match db {
        Ok(f) => {
            r.set(Figure::DatabaseBytes, f.database_bytes);
            r.set(Figure::AuthUsers, f.auth_users);
            r.set(Figure::StorageBytes, f.storage_bytes);
        }
        Err(e) => r.problems.push(could_not_read("Supabase SQL", &e)),
    }
    match app {
        Ok(metrics) => r.app_metrics = metrics.unwrap_or_default().into_iter().collect(),
        Err(e) => r.problems.push(could_not_read("client_usage_metrics", &e)),
    }
    r
}

/// The first moment of `today`'s month, ms since the epoch (UTC).
fn month_start_ms(today: NaiveDate) -> i64 {
    today
        .with_day(1)
        .unwrap_or(today)
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_millis())
}

async fn vercel(clients: &Clients, project_id: &str, today: NaiveDate) -> Reading {
    let since = month_start_ms(today);
    let mut r = Reading::default();
    match policy()
        .retry(|| {
            clients
                .vercel
                .production_deployments_since(project_id, since)
        })
        .await
    {
        Ok(n) => r.set(Figure::Deployments, Some(n as f64)),
        Err(e) => r.problems.push(could_not_read("Vercel deployments", &e)),
    }
    r
}

async fn n8n(clients: &Clients, workflow_id: &str, today: NaiveDate) -> Reading {
    let mut r = Reading::default();
    match policy()
        .retry(|| clients.n8n.executions_on(workflow_id, today))
        .await
    {
        Ok(x) => {
            r.set(Figure::Executions, Some(x.total as f64));
            r.set(Figure::FailedExecutions, x.failed.map(|n| n as f64));
        }
        Err(e) => r.problems.push(could_not_read("n8n executions", &e)),
    }
    r
}

async fn revenue(stripe: &Stripe, subscription: &str) -> Reading {
    let mut r = Reading::default();
    match policy().retry(|| stripe.revenue(subscription)).await {
        Ok(rev) => {
            r.set(Figure::Revenue, Some(rev.monthly() as f64));
            r.revenue = Some(rev);
        }
        Err(e) => r.problems.push(could_not_read("Stripe subscription", &e)),
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_starts_on_its_first_day_at_midnight_utc() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 17).unwrap();
        assert_eq!(month_start_ms(d), 1_772_323_200_000);
    }

    #[test]
    fn a_problem_names_what_could_not_be_read() {
        let e = ProviderError::new(Provider::Vercel, ErrorKind::Transient, "down");
        let (p, t) = could_not_read("Vercel deployments", &e);
        assert_eq!(p, Provider::Vercel);
        assert!(
            t.en.contains("Vercel deployments could not be read"),
            "{}",
            t.en
        );
        assert!(t.sv.contains("kunde inte läsas"), "{}", t.sv);
        let big = ProviderError::new(Provider::N8n, ErrorKind::TooLarge, "> 10000 executions");
        assert!(could_not_read("n8n executions", &big)
            .1
            .en
            .contains("more than Fabrik reads"));
    }
}
