//! `fabrik status`: the health of delivered instances, read now (exit 3 when any is not
//! healthy).

use crate::language::{tr, Said};
use fabrik::customer::rows::HealthRows;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::Args;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use fabrik::messages::Say;

use crate::print::{print_json, say};

/// `fabrik status` found an instance that is not healthy: the process exits 3.
static UNHEALTHY: AtomicBool = AtomicBool::new(false);

pub fn unhealthy() -> bool {
    UNHEALTHY.load(Ordering::Relaxed)
}

#[derive(Args)]
pub struct StatusArgs {
    /// One customer's slug; every active or paused instance when left out.
    slug: Option<String>,
    /// Print JSON: `healthy`, and per customer its `findings`.
    #[arg(long)]
    json: bool,
}

/// Checks one instance, or every active and paused one (a few at a time; the shared pacer
/// keeps them within the providers' limits), and prints what differs.
pub async fn status(cloud: &Arc<CloudApi>, args: StatusArgs) -> Result<(), ApiError> {
    use futures_util::StreamExt;
    let reader = &crate::runtime::supervisor(cloud, false).reader()?;
    let store = cloud.store();
    let slugs = match args.slug {
        Some(s) => vec![s],
        None => store.delivered_slugs(store.environment())?,
    };
    let checks: Vec<_> = futures_util::stream::iter(slugs)
        .map(|s| async move { reader.check_health(&s).await })
        .buffered(fabrik::health::AT_ONCE)
        .collect()
        .await;
    let checks = checks.into_iter().collect::<Result<Vec<_>, _>>()?;
    let healthy = checks.iter().all(|h| h.healthy);
    if args.json {
        print_json(&serde_json::json!({ "healthy": healthy, "customers": checks }));
    } else if checks.is_empty() {
        println!(
            "{}",
            tr(
                "Inga levererade instanser att kontrollera.",
                "No delivered instances to check."
            )
        );
    } else {
        checks.iter().for_each(print_health);
    }
    UNHEALTHY.store(!healthy, Ordering::Relaxed);
    Ok(())
}

fn print_health(h: &fabrik::health::Health) {
    let site = h
        .site
        .as_ref()
        .map(|s| match s.status {
            Some(code) => say(
                Say::SiteAnswered,
                &[("code", &code.to_string()), ("ms", &s.ms.to_string())],
            ),
            None => say(Say::SiteNoAnswer, &[("ms", &s.ms.to_string())]),
        })
        .unwrap_or_default();
    let state = if h.healthy {
        tr("frisk", "healthy")
    } else {
        tr("ej frisk", "unhealthy")
    };
    println!("{:<32} {:<9} {site}", h.slug, state);
    for f in &h.findings {
        let kind = f.kind.label().text().said();
        println!("  {kind:<9} {}", f.message.said());
        println!("            → {}", f.action.said());
    }
    // Beside the findings: the usage warnings of the stored days.
    for u in &h.usage {
        println!("  {:<9} {}", Say::HealthUsageNear.text().said(), u.said());
    }
}
