//! `fabrik overview` (and flags without a command, at a terminal): what needs a person now, each
//! with the command that does its one action, and the business at a glance, as the window's
//! Översikt shows them (`fabrik::overview`). This file only prints.

use crate::language::{tr, trf, Said};
use clap::Args;
use fabrik::messages::Say;
use fabrik::overview::Overview;
use fabrik::services::register::Register;
use fabrik::usage::view::Money;
use fabrik::ApiError;

use crate::print::print_json;

#[derive(Args, Default)]
pub struct OverviewArgs {
    /// The overview as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(api: &Register, a: OverviewArgs) -> Result<(), ApiError> {
    let o = fabrik::overview::read(&api.shared_store())?;
    match a.json {
        true => print_json(&o),
        false => print(&o),
    }
    Ok(())
}

/// Sums per currency, or "okänd" ("unknown") when nothing is linked to a subscription.
fn sums(m: &[Money]) -> String {
    if m.is_empty() {
        return tr("okänd", "unknown").into();
    }
    m.iter().map(Money::shown).collect::<Vec<_>>().join(" + ")
}

fn print(o: &Overview) {
    match o.items.len() {
        0 => println!(
            "{}",
            trf!(
                "Översikt: {}",
                "Overview: {}",
                Say::OverviewNothing.text().said()
            )
        ),
        1 => println!(
            "{}",
            tr(
                "Översikt: en sak behöver dig.",
                "Overview: one thing needs you."
            )
        ),
        n => println!(
            "{}",
            trf!(
                "Översikt: {n} saker behöver dig.",
                "Overview: {n} things need you."
            )
        ),
    }
    for item in &o.items {
        let when = format!("{:<5}", item.urgency.text().said().to_uppercase());
        let since = item
            .since
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| format!(" · {}", t.format("%Y-%m-%d %H:%M")))
            .unwrap_or_default();
        println!("  {when} {}{since}", item.title.said());
        if let Some(d) = &item.detail {
            println!("        {}", d.said());
        }
        println!("        → {}", item.command);
    }
    let g = &o.glance;
    println!();
    println!(
        "{}",
        trf!(
            "Verksamheten: {} av {} kunder aktiva · senaste 30 dagarna: intäkt {}, kostnad {}, marginal {}",
            "The business: {} of {} customers active · last 30 days: revenue {}, cost {}, margin {}",
            g.customers_active,
            g.customers,
            sums(&g.revenue),
            sums(&g.cost),
            sums(&g.margin)
        )
    );
    if g.revenue_unlinked > 0 {
        println!(
            "  {}",
            trf!(
                "{} levererade kunder saknar länkad prenumeration: deras intäkt och marginal är okända (fabrik billing).",
                "{} delivered customers have no linked subscription: their revenue and margin are unknown (fabrik billing).",
                g.revenue_unlinked
            )
        );
    }
    println!(
        "{}",
        trf!(
            "Betalningar som inte gick igenom: {} · hälsa: {} friska, {} med fel, {} inte kontrollerade",
            "Payments that did not go through: {} · health: {} healthy, {} with faults, {} not checked",
            g.payments_failed,
            g.healthy,
            g.unhealthy,
            g.unchecked
        )
    );
}
