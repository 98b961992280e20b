//! What a customer pays against what it costs: the margin (only within one currency, or why
//! not), how well its plan fits what it uses (the agency's plans as `limits::allowance`
//! declares them), and how fast it grows.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::figures::Figure;
use super::limits::{allowance, measure};
use super::reading::{Reading, Revenue};
use super::view::{CostLine, Economics, Money, PlanFit};
use crate::customer::Plan;
use crate::messages::{params, Say};

/// A subscription in one of these states pays (Stripe's `status`); a cancelled or unpaid one
/// does not count as revenue.
const PAYING: &[&str] = &["active", "trialing", "past_due"];

/// What the customer pays a month, when it pays.
pub fn revenue(revenue: Option<&Revenue>) -> Option<Money> {
    let r = revenue.filter(|r| PAYING.contains(&r.status.as_str()))?;
    Some(Money {
        amount: r.monthly(),
        currency: r.currency.to_ascii_lowercase(),
    })
}

/// Revenue less the cost's lines (all in the book's `currency`); no margin across currencies.
/// `read`: whether the instance was ever read (else there is no cost to say yet).
pub fn economics(
    revenue: Option<Money>,
    cost_lines: Vec<CostLine>,
    currency: &str,
    read: bool,
) -> Economics {
    let cost = read.then(|| Money {
        amount: cost_lines.iter().map(|l| l.amount.amount).sum(),
        currency: currency.to_string(),
    });
    let (margin, margin_missing) = match (&revenue, &cost) {
        (None, _) => (None, Some(Say::MarginNoRevenue.text())),
        (_, None) => (None, Some(Say::MarginNoCost.text())),
        (Some(r), Some(c)) if r.currency != c.currency => (
            None,
            Some(Say::MarginCurrencies.with(params! {
                "revenue" => r.currency, "cost" => c.currency
            })),
        ),
        (Some(r), Some(c)) => (
            Some(Money {
                amount: r.amount - c.amount,
                currency: r.currency.clone(),
            }),
            None,
        ),
    };
    Economics {
        revenue,
        cost,
        cost_lines,
        margin,
        margin_missing,
    }
}

/// The smallest of the agency's plans whose allowance holds everything the customer uses.
pub fn uses_like(days: &[(NaiveDate, Reading)], month: &BTreeMap<Figure, f64>) -> Plan {
    let fits = |plan: Plan| {
        allowance(plan).iter().all(|l| {
            measure(l.figure, l.over, days, month).is_none_or(|(value, _)| value <= l.amount)
        })
    };
    Plan::ALL
        .iter()
        .copied()
        .find(|p| fits(*p))
        .unwrap_or(Plan::Enterprise)
}

/// A plan that fits badly: the customer uses like a larger plan than it pays for (paying for
/// more than it uses is the customer's choice, not a fit to point out).
pub fn fit(pays: Plan, uses_like: Plan) -> Option<PlanFit> {
    let rank = |p: Plan| Plan::ALL.iter().position(|q| *q == p);
    (rank(uses_like) > rank(pays)).then(|| PlanFit {
        pays,
        uses_like,
        message: Say::PlanFitsBadly.with(params! { "pays" => pays, "uses_like" => uses_like }),
    })
}

/// The growth of a series over its reported points (0.1 = 10 %), when it has two and the
/// first is above zero.
pub fn growth(series: &[Option<f64>]) -> Option<f64> {
    let mut reported = series.iter().flatten();
    let first = *reported.next()?;
    let last = *reported.last()?;
    (first > 0.0).then(|| (last - first) / first)
}

/// Adds `money` to the sums, one a currency, in the order first met.
pub fn add_to(sums: &mut Vec<Money>, money: Option<&Money>) {
    let Some(m) = money else {
        return;
    };
    match sums.iter_mut().find(|s| s.currency == m.currency) {
        Some(s) => s.amount += m.amount,
        None => sums.push(m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::limits::MB;

    fn money(amount: i64, currency: &str) -> Money {
        Money {
            amount,
            currency: currency.into(),
        }
    }

    fn line(amount: i64) -> CostLine {
        CostLine {
            what: Say::CostInstance.with(params! { "what" => "" }),
            amount: money(amount, "sek"),
        }
    }

    #[test]
    fn the_margin_is_said_in_one_currency_or_why_not() {
        let e = economics(
            Some(money(49_900, "sek")),
            vec![line(10_000), line(900)],
            "sek",
            true,
        );
        assert_eq!(e.cost, Some(money(10_900, "sek")));
        assert_eq!(e.margin, Some(money(39_000, "sek")));
        assert_eq!(e.margin_missing, None);
        let e = economics(Some(money(4_900, "eur")), vec![line(10_000)], "sek", true);
        assert_eq!(e.margin, None);
        assert!(e.margin_missing.unwrap().sv.contains("eur"));
        let e = economics(None, vec![line(1)], "sek", true);
        assert_eq!(e.margin_missing, Some(Say::MarginNoRevenue.text()));
        let e = economics(Some(money(1, "sek")), vec![], "sek", false);
        assert_eq!(
            (e.cost, e.margin_missing),
            (None, Some(Say::MarginNoCost.text()))
        );
    }

    #[test]
    fn a_cancelled_subscription_pays_nothing() {
        let mut r = Revenue {
            subscription: "sub_1".into(),
            status: "active".into(),
            price: "price_1".into(),
            currency: "SEK".into(),
            amount: 120_000,
            interval: "year".into(),
            interval_count: 1,
        };
        assert_eq!(revenue(Some(&r)), Some(money(10_000, "sek")));
        r.status = "canceled".into();
        assert_eq!(revenue(Some(&r)), None);
    }

    #[test]
    fn a_starter_customer_using_like_professional_is_named() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let mut r = Reading::default();
        r.set(Figure::DatabaseBytes, Some(100.0 * MB));
        let small = vec![(day, r.clone())];
        assert_eq!(uses_like(&small, &BTreeMap::new()), Plan::Starter);
        r.set(Figure::DatabaseBytes, Some(900.0 * MB));
        let month = BTreeMap::from([(Figure::EmailsSent, 4_000.0)]);
        let big = vec![(day, r.clone())];
        assert_eq!(uses_like(&big, &month), Plan::Professional);
        let f = fit(Plan::Starter, Plan::Professional).unwrap();
        assert_eq!(f.message.sv, "använder som professional, betalar starter");
        assert_eq!(f.message.en, "uses like professional, pays starter");
        assert_eq!(fit(Plan::Enterprise, Plan::Starter), None);
        r.set(Figure::AuthUsers, Some(50_000.0));
        assert_eq!(uses_like(&[(day, r)], &month), Plan::Enterprise);
    }

    #[test]
    fn growth_is_over_the_reported_points() {
        assert_eq!(
            growth(&[None, Some(100.0), None, Some(150.0), None]),
            Some(0.5)
        );
        assert_eq!(growth(&[Some(100.0)]), None);
        assert_eq!(growth(&[Some(0.0), Some(5.0)]), None);
        let mut sums = Vec::new();
        add_to(&mut sums, Some(&money(1, "sek")));
        add_to(&mut sums, Some(&money(2, "eur")));
        add_to(&mut sums, Some(&money(3, "sek")));
        add_to(&mut sums, None);
        assert_eq!(sums, vec![money(4, "sek"), money(2, "eur")]);
    }
}
