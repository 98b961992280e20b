//! One instance's reading on one day: each figure a provider reported, and what it did not. A
//! figure missing from `figures` was not reported (the provider does not say, or could not be
//! read: then `problems` says why); it is never guessed, and never stored as zero.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::figures::Figure;
use crate::messages::Text;
use crate::provider::Provider;

/// What the customer's subscription pays, as Stripe has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Revenue {
    pub subscription: String,
    /// The subscription's status in Stripe (`active`, `past_due`, `canceled`, …).
    pub status: String,
    pub price: String,
    /// Lower-case ISO 4217, as Stripe writes it.
    pub currency: String,
    /// The price's amount per interval, in minor units.
    #[ts(type = "number")]
    pub amount: i64,
    /// `day`, `week`, `month` or `year`, and how many of them.
    pub interval: String,
    #[ts(type = "number")]
    pub interval_count: i64,
}

impl Revenue {
    /// The amount a month, in minor units (a year's price over twelve, a week's times 52/12).
    pub fn monthly(&self) -> i64 {
        let n = self.interval_count.max(1) as f64;
        let a = self.amount as f64;
        let per_month = match self.interval.as_str() {
            "day" => a * 365.0 / 12.0 / n,
            "week" => a * 52.0 / 12.0 / n,
            "year" => a / 12.0 / n,
            _ => a / n,
        };
        per_month.round() as i64
    }
}

/// One instance's figures as read on `day` (the register's clock).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub figures: BTreeMap<Figure, f64>,
    /// The Supabase compute add-on (`ci_micro`, …), or `None` when it has none or did not say.
    pub compute: Option<String>,
    /// The subscription, when Stripe is set up and the customer has one.
    pub revenue: Option<Revenue>,
    /// The day of the last API request Fabrik saw, for Supabase's pause of idle free projects.
    pub last_active: Option<NaiveDate>,
    /// The instance's own `client_usage_metrics` for the current period, by metric (read only).
    pub app_metrics: BTreeMap<String, f64>,
    /// What could not be read, by provider.
    pub problems: Vec<(Provider, Text)>,
}

impl Reading {
    pub fn get(&self, f: Figure) -> Option<f64> {
        self.figures.get(&f).copied()
    }

    pub fn set(&mut self, f: Figure, v: Option<f64>) {
        match v {
            Some(v) if v.is_finite() => {
                self.figures.insert(f, v);
            }
            _ => {
                self.figures.remove(&f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(amount: i64, interval: &str, count: i64) -> Revenue {
        Revenue {
            subscription: "sub_1".into(),
            status: "active".into(),
            price: "price_1".into(),
            currency: "sek".into(),
            amount,
            interval: interval.into(),
            interval_count: count,
        }
    }

    #[test]
    fn a_price_is_counted_a_month() {
        assert_eq!(price(49_900, "month", 1).monthly(), 49_900);
        assert_eq!(price(120_000, "year", 1).monthly(), 10_000);
        assert_eq!(price(30_000, "month", 3).monthly(), 10_000);
        assert_eq!(price(1_200, "week", 1).monthly(), 5_200);
    }

    #[test]
    fn a_figure_not_reported_is_absent_not_zero() {
        let mut r = Reading::default();
        r.set(Figure::AuthUsers, Some(3.0));
        r.set(Figure::AuthUsers, None);
        r.set(Figure::ApiRequests, Some(f64::NAN));
        assert_eq!(r.get(Figure::AuthUsers), None);
        assert!(r.figures.is_empty());
    }
}
