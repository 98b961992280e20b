//! `fabrik billing policy`: the owner's policy for what a subscription's life does to its
//! instance, per plan and transition (nothing, tell, offer, do; a grace for a failed
//! payment), shown or changed. A teardown is never `do`: refused before anything is kept.

use crate::language::{tr, Said};
use clap::Args;
use fabrik::billing::policy::{self, Policy, PolicyRow, Transition};
use fabrik::messages::Say;
use fabrik::services::billing::BillingApi;
use fabrik::services::register::Register;
use fabrik::ApiError;

use crate::print::print_json;

#[derive(Args)]
pub struct PolicyArgs {
    /// PLAN.TRANSITION=STEP, e.g. starter.payment_failed=do; `*` as the plan sets every plan.
    /// Transitions: payment_failed, paused, resumed, period_ended; steps: nothing, tell,
    /// offer, do (never do for period_ended). May be repeated.
    #[arg(long = "set", value_name = "PLAN.TRANSITION=STEP")]
    set: Vec<String>,
    /// Days after a failed payment before its step: of the plans --set names for
    /// payment_failed, else of every plan. 0 acts at once.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    grace_days: Option<i64>,
    /// No grace: a failed payment's step waits until Stripe gives up (unpaid or canceled).
    #[arg(long, conflicts_with = "grace_days")]
    no_grace: bool,
    /// The policy as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(api: &Register, args: PolicyArgs) -> Result<(), ApiError> {
    let store = api.shared_store();
    let billing = BillingApi::new(store.clone());
    let mut policy = Policy::load(&store)?;
    // Every change made first: a bad one keeps nothing (`BillingApi::set_policy`).
    let mut changes: Vec<PolicyRow> = Vec::new();
    for text in &args.set {
        let (plans, transition, step) = policy::parse_assignment(text)?;
        for plan in plans {
            changes.push(policy.with_step(plan, transition, step)?);
        }
    }
    if args.grace_days.is_some() || args.no_grace {
        let grace = args.grace_days;
        let named: Vec<usize> = (0..changes.len())
            .filter(|i| changes[*i].transition == Transition::PaymentFailed)
            .collect();
        if named.is_empty() {
            for plan in fabrik::customer::Plan::ALL {
                changes.push(policy.with_grace(*plan, grace)?);
            }
        } else {
            for i in named {
                changes[i].grace_days = grace;
            }
        }
    }
    if !changes.is_empty() {
        billing.set_policy(&changes)?;
        policy = Policy::load(&store)?;
    }
    if args.json {
        print_json(&policy.table());
        return Ok(());
    }
    println!(
        "{:<14} {:<34} {:<10} {}",
        "Plan",
        tr("Övergång", "Transition"),
        tr("Steg", "Step"),
        tr("Anstånd", "Grace")
    );
    for row in policy.table() {
        let grace = match (row.transition, row.grace_days) {
            (Transition::PaymentFailed, Some(d)) => Say::BillingGraceDays
                .with(std::iter::once(("days".to_string(), d.to_string())).collect())
                .said(),
            (Transition::PaymentFailed, None) => Say::BillingGraceUntilStripe.text().said(),
            _ => String::new(),
        };
        let chosen = if policy.chosen(row.plan, row.transition) {
            ""
        } else {
            tr(" (standard)", " (default)")
        };
        println!(
            "{:<14} {:<34} {:<10} {grace}{chosen}",
            row.plan.as_str(),
            policy::transition_text(row.transition).text().said(),
            policy::step_text(row.step).text().said(),
        );
    }
    println!("\n{}", Say::BillingPeriodEndExports.text().said());
    Ok(())
}
