//! `fabrik billing [SLUG]`: each customer's subscription beside its instance, the drift between
//! billing and the fleet with what to do about it, and the decisions waiting, read from the
//! register; `fabrik billing reconcile`: Stripe's subscriptions listed and compared with the
//! register now (shown, never acted on).

use crate::language::{tr, trf, Said};
use std::sync::Arc;

use clap::{Args, Subcommand};
use fabrik::billing::drift::{DriftFinding, DriftOffer};
use fabrik::billing::reconcile::Reconciled;
use fabrik::billing::view::SubscriptionView;
use fabrik::messages::{Params, Say};
use fabrik::services::billing::{BillingApi, BillingCell, CustomerBilling};
use fabrik::services::register::Register;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{plain, print_json};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BillingArgs {
    #[command(subcommand)]
    cmd: Option<BillingCmd>,
    /// One customer's subscription, findings and decisions (without: every customer's line).
    slug: Option<String>,
    /// The result as JSON.
    #[arg(long)]
    json: bool,
}

/// `fabrik billing policy` (`billing/policy.rs`).
mod policy;

#[derive(Subcommand)]
pub enum BillingCmd {
    /// The owner's policy per plan and transition (nothing, tell, offer, do; a grace for a
    /// failed payment); with --set or --grace-days, changed (owners).
    Policy(policy::PolicyArgs),
    /// List every subscription in Stripe now and compare them with the register: what
    /// differs is shown with what to do, never acted on.
    Reconcile {
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
}

impl BillingArgs {
    /// Whether the command reads Stripe (`reconcile`) rather than the register alone.
    pub fn reads_stripe(&self) -> bool {
        matches!(self.cmd, Some(BillingCmd::Reconcile { .. }))
    }
}

/// A moment in Stripe's unix seconds as a date (UTC).
fn day(ts: Option<i64>) -> String {
    ts.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "–".into())
}

/// What the CLI types for an offer: each the command that already exists for it.
fn offer_command(o: &DriftOffer, slug: &str) -> String {
    let p = Params::from([("slug".to_string(), slug.to_string())]);
    match o {
        DriftOffer::Pause => Say::DriftCliPause.with(p),
        DriftOffer::Resume => Say::DriftCliResume.with(p),
        DriftOffer::Teardown => Say::DriftCliTeardown.with(p),
        DriftOffer::Link => Say::DriftCliLink.with(p),
        DriftOffer::ChangePlan { plan } => {
            let mut p = p;
            p.insert("plan".to_string(), plan.to_string());
            Say::DriftCliPlan.with(p)
        }
    }
    .said()
}

fn print_finding(f: &DriftFinding) {
    // The window names no id; the command line gives it after the words, for a script or a
    // search in Stripe's Dashboard.
    match &f.subscription {
        Some(id) => println!(
            "  ! {}: {} ({})",
            plain(&f.slug),
            plain(&f.message.said()),
            plain(id)
        ),
        None => println!("  ! {}: {}", plain(&f.slug), plain(&f.message.said())),
    }
    println!("    {}", plain(&f.action.said()));
    for o in &f.offers {
        println!("    → {}", plain(&offer_command(o, &f.slug)));
    }
}

fn print_subscription(s: &SubscriptionView) {
    let end = if s.cancel_at_period_end {
        tr(
            " (upphör vid periodens slut)",
            " (ends at the period's end)",
        )
    } else {
        ""
    };
    println!(
        "{}",
        trf!(
            "Prenumeration {}: {}{end}",
            "Subscription {}: {}{end}",
            plain(&s.id),
            plain(&s.status_text.said())
        )
    );
    let (ends, next) = (day(s.current_period_end), day(s.next_payment));
    println!(
        "  {}",
        trf!("Perioden slutar: {ends}", "The period ends: {ends}")
    );
    println!(
        "  {}",
        trf!("Nästa betalning: {next}", "Next payment: {next}")
    );
    if let Some(plan) = s.plan {
        println!(
            "  {}",
            trf!(
                "Priset hör till planen: {plan}",
                "The price belongs to the plan: {plan}"
            )
        );
    }
    if let Some(f) = &s.last_failure {
        println!(
            "  {}",
            trf!(
                "Senaste misslyckade betalning: {} (försök {})",
                "Last failed payment: {} (attempt {})",
                plain(&f.said()),
                s.attempt_count
            )
        );
    }
}

fn print_customer(b: &CustomerBilling) {
    println!("{}", plain(&b.slug));
    match (&b.subscription, &b.link) {
        (Some(s), _) => print_subscription(s),
        (None, Some(link)) => println!(
            "{}",
            trf!(
                "Länkad till {}, ännu inte läst från Stripe (fabrik billing reconcile)",
                "Linked to {}, not yet read from Stripe (fabrik billing reconcile)",
                plain(link)
            )
        ),
        (None, None) => println!(
            "{}",
            tr("Ingen prenumeration länkad", "No subscription linked")
        ),
    }
    if let Some(at) = &b.cancelled_at {
        println!(
            "{}",
            trf!("Uppsagd i Stripe {at}", "Cancelled in Stripe {at}")
        );
    }
    if b.findings.is_empty() {
        println!(
            "{}",
            tr(
                "Ingen skillnad mellan Stripe och instansen.",
                "No difference between Stripe and the instance."
            )
        );
    } else {
        println!("\n{}", tr("Skillnader:", "Differences:"));
        b.findings.iter().for_each(print_finding);
    }
    if !b.waiting.is_empty() {
        println!("\n{}", tr("Väntar på beslut:", "Waiting for a decision:"));
        for d in &b.waiting {
            println!(
                "  #{} {} → {} ({})",
                d.id,
                d.transition,
                d.step,
                plain(&d.subscription)
            );
        }
    }
}

fn print_column(cells: &[BillingCell]) {
    println!(
        "{:<24} {:<20} {:<12} {:>9} {:>7}",
        tr("KUND", "CUSTOMER"),
        "STATUS",
        tr("NÄSTA BET.", "NEXT PAY"),
        tr("SKILLNAD", "FINDINGS"),
        tr("BESLUT", "WAITING")
    );
    for c in cells {
        let mut status = c.status.clone().unwrap_or_else(|| "–".into());
        if c.cancel_at_period_end {
            status.push_str(tr(" (slutar)", " (ends)"));
        }
        if c.failing {
            status.push_str(" !");
        }
        println!(
            "{:<24} {:<20} {:<12} {:>9} {:>7}",
            plain(&c.slug),
            status,
            day(c.next_payment),
            c.findings,
            c.waiting
        );
    }
    println!(
        "\n{}",
        trf!(
            "{} kunder med något om fakturering.",
            "{} customers with something about billing.",
            cells.len()
        )
    );
}

pub fn run(api: &Register, args: BillingArgs) -> Result<(), ApiError> {
    if let Some(BillingCmd::Policy(p)) = args.cmd {
        return policy::run(api, p);
    }
    let billing = BillingApi::new(api.shared_store());
    match args.slug {
        Some(slug) => {
            let b = billing.customer(&slug)?;
            match args.json {
                true => print_json(&b),
                false => print_customer(&b),
            }
        }
        None => {
            let cells = billing.column()?;
            match args.json {
                true => print_json(&cells),
                false => print_column(&cells),
            }
        }
    }
    Ok(())
}

fn print_reconciled(r: &Reconciled) {
    println!(
        "{}",
        trf!(
            "Jämförde {} prenumerationer i Stripe med {} kunder.",
            "Compared {} subscriptions in Stripe with {} customers.",
            r.subscriptions,
            r.customers
        )
    );
    for p in &r.problems {
        println!("  ! {}", plain(&p.said()));
    }
    if r.findings.is_empty() {
        println!(
            "{}",
            tr(
                "Inga skillnader mellan Stripe och flottan.",
                "No differences between Stripe and the fleet."
            )
        );
    } else {
        let n = r.findings.len();
        println!("\n{}", trf!("Skillnader ({n}):", "Differences ({n}):"));
        r.findings.iter().for_each(print_finding);
    }
    if !r.unlinked.is_empty() {
        println!(
            "\n{}",
            tr(
                "Utan kund i registret:",
                "Without a customer in the register:"
            )
        );
        for u in &r.unlinked {
            println!("  {}", plain(&u.message.said()));
        }
    }
}

/// `fabrik billing reconcile`: Stripe's list compared with the register now.
pub async fn reconcile(cloud: &Arc<CloudApi>, args: BillingArgs) -> Result<(), ApiError> {
    let r = fabrik::services::billing::reconcile_now(cloud.clone()).await?;
    match args.cmd {
        Some(BillingCmd::Reconcile { json: true }) => print_json(&r),
        _ => print_reconciled(&r),
    }
    Ok(())
}
