//! The owner's policy: for each plan and transition, a step (nothing, tell, offer, do) and,
//! for a failed payment, a grace. What the owner did not choose follows the defaults here: a
//! failed payment pauses once Stripe gives up (`unpaid` or `canceled`), offered; a pause in
//! Stripe is offered; a resume (or a payment after a pause) is done; the period's end offers
//! the teardown, which is never done on its own.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::billing::rows::BillingRows;
use crate::customer::Plan;
use crate::error::{Error, Result};
use crate::ledger::RunKind;
use crate::messages::{ErrorCode, FieldError, Say};
use crate::store::Store;

pub use crate::billing::rows::{
    refuse_negative_grace, refuse_teardown_do, DecisionState, PolicyRow, Step, Transition,
};

/// Whether the customer's export (its archive, `crate::export`) exists in this build: at the
/// period's end the tick writes it to the export folder before the teardown is offered.
pub const EXPORT_AVAILABLE: bool = true;

/// One plan's choice for one transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub step: Step,
    /// Days after the first failed payment (the register's clock); none: until Stripe
    /// gives up. Only a failed payment has one.
    pub grace_days: Option<i64>,
}

/// What a transition asks of the instance.
pub const fn action(t: Transition) -> RunKind {
    match t {
        Transition::PaymentFailed | Transition::Paused => RunKind::Pause,
        Transition::Resumed => RunKind::Resume,
        Transition::PeriodEnded => RunKind::Teardown,
    }
}

/// The default, for any plan.
pub const fn default_rule(t: Transition) -> Rule {
    let step = match t {
        Transition::PaymentFailed | Transition::Paused | Transition::PeriodEnded => Step::Offer,
        Transition::Resumed => Step::Do,
    };
    Rule {
        step,
        grace_days: None,
    }
}

/// The policy in force: the owner's choices over the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    chosen: BTreeMap<(Plan, Transition), Rule>,
}

impl Policy {
    pub fn from_rows(rows: &[PolicyRow]) -> Policy {
        Policy {
            chosen: rows
                .iter()
                .map(|r| {
                    let rule = Rule {
                        step: r.step,
                        grace_days: r.grace_days,
                    };
                    ((r.plan, r.transition), rule)
                })
                .collect(),
        }
    }

    pub fn load(store: &Store) -> Result<Policy> {
        Ok(Policy::from_rows(&store.billing_policy()?))
    }

    pub fn rule(&self, plan: Plan, t: Transition) -> Rule {
        self.chosen
            .get(&(plan, t))
            .copied()
            .unwrap_or(default_rule(t))
    }

    /// Every plan × transition as in force, for the CLI and the window.
    pub fn table(&self) -> Vec<PolicyRow> {
        let mut out = Vec::new();
        for plan in Plan::ALL {
            for t in Transition::ALL {
                let rule = self.rule(*plan, *t);
                out.push(PolicyRow {
                    plan: *plan,
                    transition: *t,
                    step: rule.step,
                    grace_days: rule.grace_days,
                });
            }
        }
        out
    }

    /// Whether the owner chose this pair (else it is the default).
    pub fn chosen(&self, plan: Plan, t: Transition) -> bool {
        self.chosen.contains_key(&(plan, t))
    }

    /// The row that sets `step` for the pair, its grace as in force; a teardown's `do` is
    /// refused before anything is kept.
    pub fn with_step(&self, plan: Plan, t: Transition, step: Step) -> Result<PolicyRow> {
        refuse_teardown_do(t, step)?;
        Ok(PolicyRow {
            plan,
            transition: t,
            step,
            grace_days: self.rule(plan, t).grace_days,
        })
    }

    /// The row that sets a failed payment's grace for `plan` (none: until Stripe gives up),
    /// its step as in force.
    pub fn with_grace(&self, plan: Plan, days: Option<i64>) -> Result<PolicyRow> {
        refuse_negative_grace(days)?;
        Ok(PolicyRow {
            plan,
            transition: Transition::PaymentFailed,
            step: self.rule(plan, Transition::PaymentFailed).step,
            grace_days: days,
        })
    }

    /// The policy as the window shows and edits it.
    pub fn view(&self) -> PolicyView {
        PolicyView {
            cells: self
                .table()
                .into_iter()
                .map(|r| PolicyCell {
                    chosen: self.chosen(r.plan, r.transition),
                    plan: r.plan,
                    transition: r.transition,
                    step: r.step,
                    grace_days: r.grace_days,
                })
                .collect(),
            transitions: Transition::ALL
                .iter()
                .map(|t| TransitionChoice {
                    transition: *t,
                    allowed: allowed(*t),
                    grace: *t == Transition::PaymentFailed,
                    action: action(*t),
                })
                .collect(),
            export_available: EXPORT_AVAILABLE,
        }
    }
}

/// The steps the owner may choose for a transition: every step the core does not refuse.
pub fn allowed(t: Transition) -> Vec<Step> {
    Step::ALL
        .iter()
        .copied()
        .filter(|s| refuse_teardown_do(t, *s).is_ok())
        .collect()
}

/// One plan and transition as in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyCell {
    pub plan: Plan,
    pub transition: Transition,
    pub step: Step,
    /// A failed payment's days of grace; none: until Stripe gives up.
    #[ts(type = "number | null")]
    pub grace_days: Option<i64>,
    /// The owner chose it (else it is the default).
    pub chosen: bool,
}

/// What the owner may choose for a transition, and the run it asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TransitionChoice {
    pub transition: Transition,
    /// The steps the core accepts, in order (a teardown is never `do`).
    pub allowed: Vec<Step>,
    /// Whether it has a grace (a failed payment's).
    pub grace: bool,
    pub action: RunKind,
}

/// The whole policy: every plan × transition, and each transition's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PolicyView {
    pub cells: Vec<PolicyCell>,
    pub transitions: Vec<TransitionChoice>,
    /// Whether the period's end exports for the customer first ([`EXPORT_AVAILABLE`]).
    pub export_available: bool,
}

/// A transition's words for a person.
pub const fn transition_text(t: Transition) -> Say {
    match t {
        Transition::PaymentFailed => Say::BillingPaymentFailed,
        Transition::Paused => Say::BillingPaused,
        Transition::Resumed => Say::BillingResumed,
        Transition::PeriodEnded => Say::BillingPeriodEnded,
    }
}

/// A step's words for a person.
pub const fn step_text(s: Step) -> Say {
    match s {
        Step::Nothing => Say::BillingStepNothing,
        Step::Tell => Say::BillingStepTell,
        Step::Offer => Say::BillingStepOffer,
        Step::Do => Say::BillingStepDo,
    }
}

/// `PLAN.TRANSITION=STEP` (the CLI's `--set`); `*` as the plan sets every plan.
pub fn parse_assignment(text: &str) -> Result<(Vec<Plan>, Transition, Step)> {
    let bad = || {
        Error::Validation(vec![FieldError::new(
            "set",
            ErrorCode::InvalidSetting,
            crate::messages::params! {
                "key" => text,
                "reason" => "skriv PLAN.ÖVERGÅNG=STEG, t.ex. starter.payment_failed=do",
                "reason_en" => "write PLAN.TRANSITION=STEP, e.g. starter.payment_failed=do",
            },
        )])
    };
    let (key, step) = text.split_once('=').ok_or_else(bad)?;
    let (plan, transition) = key.trim().split_once('.').ok_or_else(bad)?;
    let plans = match plan.trim() {
        "*" => Plan::ALL.to_vec(),
        p => vec![Plan::parse(p).ok_or_else(bad)?],
    };
    let transition = Transition::parse(transition.trim()).ok_or_else(bad)?;
    let step = Step::parse(step.trim()).ok_or_else(bad)?;
    refuse_teardown_do(transition, step)?;
    Ok((plans, transition, step))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_offer_pauses_resume_on_their_own_and_never_tear_down() {
        let p = Policy::default();
        let rule = |t| p.rule(Plan::Starter, t).step;
        assert_eq!(rule(Transition::PaymentFailed), Step::Offer);
        assert_eq!(
            p.rule(Plan::Starter, Transition::PaymentFailed).grace_days,
            None
        );
        assert_eq!(rule(Transition::Paused), Step::Offer);
        assert_eq!(rule(Transition::Resumed), Step::Do);
        assert_eq!(rule(Transition::PeriodEnded), Step::Offer);
        assert_eq!(p.table().len(), Plan::ALL.len() * Transition::ALL.len());
    }

    #[test]
    fn an_assignment_names_a_plan_a_transition_and_a_step_and_never_a_teardowns_do() {
        let (plans, t, s) = parse_assignment("starter.paused=do").unwrap();
        assert_eq!(
            (plans, t, s),
            (vec![Plan::Starter], Transition::Paused, Step::Do)
        );
        assert_eq!(
            parse_assignment("*.resumed=tell").unwrap().0.len(),
            Plan::ALL.len()
        );
        assert!(parse_assignment("starter.period_ended=do").is_err());
        assert!(parse_assignment("starter.paused").is_err());
        assert!(parse_assignment("gold.paused=do").is_err());
        assert!(parse_assignment("starter.paused=maybe").is_err());
    }
}
