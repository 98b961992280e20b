//! What the window and the CLI are shown, built from the days the register keeps: a customer's
//! page (`customer`) and the fleet (`fleet`). The register hands each customer over as `Kept`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::figures::Figure;
use super::reading::Reading;
use super::view::{
    CustomerUsage, Economics, FleetRow, FleetUsage, Latest, PlanFit, Point, PriceBook, Series,
};
use super::{limits, margin, prices};
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
    /// The per-day figures limits count by the month (`limits::MONTHLY`), each summed over the
    /// latest day's calendar month.
    pub month: BTreeMap<Figure, f64>,
    /// The database's size each day of the window, oldest first (the fleet's small chart).
    pub database: Vec<Option<f64>>,
}

/// The per-day figures limits count by the month (`limits::MONTHLY`), each summed over the
/// calendar month of the latest of `days` (oldest first).
pub fn month_sums(days: &[(NaiveDate, Reading)]) -> BTreeMap<Figure, f64> {
    let mut sums = BTreeMap::new();
    let Some((last, _)) = days.last() else {
        return sums;
    };
    let start = last.with_day(1).unwrap_or(*last);
    for (_, r) in days.iter().filter(|(d, _)| *d >= start) {
        for (f, v) in &r.figures {
            if limits::MONTHLY.contains(f) {
                *sums.entry(*f).or_insert(0.0) += v;
            }
        }
    }
    sums
}

/// What an instance costs and pays a month, from its latest reading and the book.
fn economics(kept: &Kept, book: &PriceBook) -> Economics {
    let latest = kept.days.last().map(|(_, r)| r);
    let lines = latest
        .map(|r| prices::monthly_cost(book, r, limits::on_free_plan(r)))
        .unwrap_or_default();
    let revenue = margin::revenue(latest.and_then(|r| r.revenue.as_ref()));
    margin::economics(revenue, lines, &book.currency, latest.is_some())
}

/// The plan it pays and the plan it uses like, when they fit badly.
fn fit(kept: &Kept) -> Option<PlanFit> {
    if kept.days.is_empty() {
        return None;
    }
    margin::fit(kept.plan, margin::uses_like(&kept.days, &kept.month))
}

/// The days of a window of `days` ending on `last`, oldest first.
fn window(last: NaiveDate, days: i64) -> impl Iterator<Item = NaiveDate> {
    let first = last - chrono::Duration::days(days.max(1) - 1);
    first.iter_days().take_while(move |d| *d <= last)
}

/// A customer's page: `kept.days` holds every day of the window (and `kept.month` its sums).
pub fn customer(kept: &Kept, book: &PriceBook, days: i64) -> CustomerUsage {
    let series = match kept.days.last() {
        None => Vec::new(),
        Some((last, _)) => Figure::ALL
            .iter()
            .map(|f| Series {
                figure: *f,
                points: window(*last, days)
                    .map(|d| Point {
                        day: d.to_string(),
                        value: kept
                            .days
                            .iter()
                            .find(|(k, _)| *k == d)
                            .and_then(|(_, r)| r.get(*f)),
                    })
                    .collect(),
            })
            .filter(|s| s.points.iter().any(|p| p.value.is_some()))
            .collect(),
    };
    let latest = Figure::ALL
        .iter()
        .map(|f| {
            let at = kept
                .days
                .iter()
                .rev()
                .find_map(|(d, r)| r.get(*f).map(|v| (d, v)));
            Latest {
                figure: *f,
                value: at.map(|(_, v)| v),
                day: at.map(|(d, _)| d.to_string()),
            }
        })
        .collect();
    let reading = kept.days.last().map(|(_, r)| r);
    CustomerUsage {
        slug: kept.slug.clone(),
        name: kept.name.clone(),
        plan: kept.plan,
        collected_at: kept.collected_at.clone(),
        latest,
        series,
        compute: reading.and_then(|r| r.compute.clone()),
        economics: economics(kept, book),
        fit: fit(kept),
        warnings: limits::warnings(&kept.days, &kept.month, kept.plan),
        problems: reading
            .map(|r| r.problems.iter().map(|(_, t)| t.clone()).collect())
            .unwrap_or_default(),
    }
}

/// The fleet: a row a customer (in the register's order), and the sums a currency.
pub fn fleet(kept: &[Kept], book: &PriceBook, days: i64) -> FleetUsage {
    let mut out = FleetUsage {
        rows: Vec::with_capacity(kept.len()),
        revenue: Vec::new(),
        cost: Vec::new(),
        margin: Vec::new(),
        days,
        orders: Vec::new(),
    };
    for k in kept {
        let economics = economics(k, book);
        margin::add_to(&mut out.revenue, economics.revenue.as_ref());
        margin::add_to(&mut out.cost, economics.cost.as_ref());
        margin::add_to(&mut out.margin, economics.margin.as_ref());
        let warnings = limits::warnings(&k.days, &k.month, k.plan);
        out.rows.push(FleetRow {
            slug: k.slug.clone(),
            name: k.name.clone(),
            plan: k.plan,
            status: k.status,
            collected_at: k.collected_at.clone(),
            economics,
            warnings: warnings.len() as u32,
            nearest: warnings.into_iter().next(),
            growth: margin::growth(&k.database),
            fit: fit(k),
            database: k.database.clone(),
        });
    }
    out.orders = super::order::orders(&out.rows);
    out
}
