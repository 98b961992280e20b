//! What the window and the CLI are shown of usage: a customer's days (`CustomerUsage`, its
//! page's charts and figures), the fleet (`FleetUsage`, the Användning view, one row a
//! customer), the price book (`PriceBook`) and the warnings before a limit bites (`Warning`).
//! Money is in minor units of its currency; a figure that was not reported is `None`, never 0.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::figures::Figure;
use crate::customer::{Plan, Status};
use crate::messages::Text;
use crate::vocabulary::vocabulary;

/// An amount of money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Money {
    /// Minor units (öre, cents).
    #[ts(type = "number")]
    pub amount: i64,
    /// Lower-case ISO 4217 (`sek`, `eur`, `usd`).
    pub currency: String,
}

impl Money {
    /// The digits after the decimal point of its currency: 0 for those Stripe counts in whole
    /// units (its zero-decimal currencies), 2 for the rest.
    pub fn minor_digits(&self) -> u32 {
        const ZERO_DECIMAL: [&str; 16] = [
            "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
            "vuv", "xaf", "xof", "xpf",
        ];
        match ZERO_DECIMAL.contains(&self.currency.as_str()) {
            true => 0,
            false => 2,
        }
    }

    /// As a Swedish text shows it: `1 499,00 SEK`, `−120,50 EUR`, `5 000 JPY`.
    pub fn shown(&self) -> String {
        let digits = self.minor_digits();
        let scale = 10i64.pow(digits);
        let (whole, part) = (self.amount.abs() / scale, self.amount.abs() % scale);
        let grouped = whole
            .to_string()
            .as_bytes()
            .rchunks(3)
            .rev()
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ");
        let sign = if self.amount < 0 { "−" } else { "" };
        let cur = self.currency.to_uppercase();
        match digits {
            0 => format!("{sign}{grouped} {cur}"),
            d => format!("{sign}{grouped},{part:0w$} {cur}", w = d as usize),
        }
    }
}

/// One figure's value on one day (`YYYY-MM-DD`, the register's clock).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Point {
    pub day: String,
    /// `None`: not reported that day.
    pub value: Option<f64>,
}

/// One figure over the days asked for, oldest first, one point a day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Series {
    pub figure: Figure,
    pub points: Vec<Point>,
}

/// A figure's latest value and what it was last read from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Latest {
    pub figure: Figure,
    /// `None`: not reported.
    pub value: Option<f64>,
    /// The day it was read.
    pub day: Option<String>,
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// A figure near or over its plan's limit.
    Figure,
    /// A free Supabase project about to be paused for idling.
    IdlePause,
}

/// A limit about to bite (or bitten).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Warning {
    pub kind: LimitKind,
    /// The figure, for `LimitKind::Figure`.
    pub figure: Option<Figure>,
    /// How much of the limit is used (1.0 = at the limit).
    pub share: f64,
    pub limit: f64,
    pub value: f64,
    /// Days until it bites at the current pace, when that can be said.
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    /// Whose limit (`Supabase Free`, `Vercel Hobby`, `Resend Free`, the agency's plan).
    pub limit_of: String,
    pub message: Text,
}

/// A plan that fits badly: the customer uses like one plan and pays another.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PlanFit {
    pub pays: Plan,
    pub uses_like: Plan,
    pub message: Text,
}

/// One line of an instance's estimated monthly cost.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CostLine {
    pub what: Text,
    pub amount: Money,
}

/// The money of one customer a month: what it pays, what it costs, what is left.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Economics {
    /// `None`: no subscription known (Stripe not set up, or no link to one).
    pub revenue: Option<Money>,
    pub cost: Option<Money>,
    pub cost_lines: Vec<CostLine>,
    /// Revenue less cost, when both are known and in one currency.
    pub margin: Option<Money>,
    /// Why there is no margin, when there is none.
    pub margin_missing: Option<Text>,
}

/// A customer's usage: its page's figures, charts, warnings and money.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CustomerUsage {
    pub slug: String,
    pub name: String,
    pub plan: Plan,
    /// When its figures were last collected (RFC 3339), `None` if never.
    pub collected_at: Option<String>,
    pub latest: Vec<Latest>,
    /// The last `days` of each figure, oldest first.
    pub series: Vec<Series>,
    /// The Supabase compute add-on, when it has one.
    pub compute: Option<String>,
    pub economics: Economics,
    pub fit: Option<PlanFit>,
    pub warnings: Vec<Warning>,
    /// What could not be read at the last collection.
    pub problems: Vec<Text>,
}

/// One customer in the fleet view.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FleetRow {
    pub slug: String,
    pub name: String,
    pub plan: Plan,
    pub status: Status,
    pub collected_at: Option<String>,
    pub economics: Economics,
    /// The warning nearest to biting, if any.
    pub nearest: Option<Warning>,
    pub warnings: u32,
    /// The database's growth over the days asked for (0.1 = 10 %), when it can be said.
    pub growth: Option<f64>,
    pub fit: Option<PlanFit>,
    /// The database's size over the days asked for, for a small chart in the row.
    pub database: Vec<Option<f64>>,
}

/// The fleet's usage: one row a delivered customer, and the sums.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FleetUsage {
    pub rows: Vec<FleetRow>,
    /// Sums per currency (a fleet may be paid in more than one).
    pub revenue: Vec<Money>,
    pub cost: Vec<Money>,
    pub margin: Vec<Money>,
    #[ts(type = "number")]
    pub days: i64,
    /// The rows' indexes in each of the fleet's orders (`usage::order`), so every front end
    /// lists them alike.
    pub orders: Vec<FleetOrder>,
}

vocabulary!(
    /// How the fleet's rows are ordered (`usage::order` orders them).
    pub enum FleetSort {
        /// Lowest margin first, as a share of revenue (so margins in different currencies
        /// compare), then by amount; a row without a margin last.
        Margin => "margin",
        /// The warning that bites soonest, then the one nearest its limit; no warning last.
        Limit => "limit",
        /// The fastest-growing database first; growth that cannot be said last.
        Growth => "growth",
    }
);

/// One order of the fleet's rows: their indexes in `rows`, first to last.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FleetOrder {
    pub sort: FleetSort,
    pub rows: Vec<u32>,
}

/// What the agency pays, a month, in the book's one currency (minor units). A figure the book
/// has no price for costs nothing in the estimate, and the estimate says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PriceBook {
    pub currency: String,
    pub lines: Vec<PriceLine>,
}

/// One price: what `key` costs the agency a month (or per unit, as its key says).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PriceLine {
    /// `supabase.compute.ci_micro`, `supabase.disk_gb`, `vercel.project`, `resend.email_1000`,
    /// `n8n.execution_1000`, … (the keys `prices.rs` declares).
    pub key: String,
    #[ts(type = "number")]
    pub amount: i64,
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn money_reads_in_its_currencys_own_digits() {
        let m = |amount, currency: &str| {
            Money {
                amount,
                currency: currency.into(),
            }
            .shown()
        };
        assert_eq!(m(149_900, "sek"), "1 499,00 SEK");
        assert_eq!(m(-12_050, "eur"), "−120,50 EUR");
        assert_eq!(m(5, "usd"), "0,05 USD");
        assert_eq!(m(5_000, "jpy"), "5 000 JPY");
        assert_eq!(m(123_456_789, "sek"), "1 234 567,89 SEK");
    }
}
