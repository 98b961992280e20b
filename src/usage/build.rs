//! What the window and the CLI are shown, built from the days the register keeps: a customer's
//! page (`customer`) and the fleet (`fleet`). The register hands each customer over as `Kept`.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::figures::Figure;
use super::reading::Reading;
use crate::customer::{Plan, Status};

/// What the register keeps of one customer's usage in one environment, as the builders take it.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub customer_id: i64,
    pub slug: String,
    pub name: String,
    pub plan: Plan,
    pub status: Status,
    /// When the latest day was collected (RFC 3339).
    pub collected_at: Option<String>,
    /// Readings oldest first. A customer's page: every day of the window. The fleet: the
    /// window's first day, the day before the latest and the latest (what the pace, a day's
    /// change and the estimate need).
    pub days: Vec<(NaiveDate, Reading)>,
    /// Each per-day figure summed over the latest day's calendar month.
    pub month: BTreeMap<Figure, f64>,
    /// The database's size each day of the window, oldest first (the fleet's small chart).
    pub database: Vec<Option<f64>>,
}
