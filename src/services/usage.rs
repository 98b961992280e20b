//! What each customer uses, costs and pays, one core behind the window and the CLI: the fleet
//! (Användning), a customer's page, the fleet as CSV, and the price book. It answers from the
//! register alone (the days `metering` collected); reading the providers is the tick's.

use std::path::Path;
use std::sync::Arc;

use chrono::Duration;

use crate::customer::rows::CustomerRows;
use crate::error::{ApiResult, Error, Result};
use crate::metering::UsageRows;
use crate::services::register::{new_export, ExportedFile};
use crate::spreadsheet::defused;
use crate::store::Store;
use crate::usage::build::{self, Kept};
use crate::usage::view::{CustomerUsage, FleetRow, FleetUsage, Money, PriceBook};

/// The longest window the views are asked for (a year and a day: leap years).
pub const MAX_DAYS: i64 = 366;

/// The days a customer's month of per-day figures needs, whatever the window.
const A_MONTH: i64 = 31;

pub struct UsageApi {
    store: Arc<Store>,
}

impl UsageApi {
    pub fn new(store: Arc<Store>) -> UsageApi {
        UsageApi { store }
    }

    /// Every delivered customer in the store's environment over the last `days` days.
    pub fn fleet(&self, days: i64) -> ApiResult<FleetUsage> {
        let days = days.clamp(1, MAX_DAYS);
        let env = self.store.environment();
        let kept = self.store.fleet_usage(env, days)?;
        Ok(build::fleet(&kept, &self.store.price_book()?, days))
    }

    /// One customer's figures, charts, warnings and money over the last `days` days.
    pub fn customer(&self, slug: &str, days: i64) -> ApiResult<CustomerUsage> {
        let days = days.clamp(1, MAX_DAYS);
        let env = self.store.environment();
        let c = self.store.get_customer_in(slug, env)?;
        let all = self.store.usage_of(c.id, env, days.max(A_MONTH))?;
        let month = build::month_sums(&all);
        let since = all.last().map(|(last, _)| *last - Duration::days(days - 1));
        let kept = Kept {
            customer_id: c.id,
            slug: c.slug,
            name: c.name,
            plan: c.plan,
            status: c.status,
            collected_at: self.store.usage_collected_at(c.id, env)?,
            days: all
                .into_iter()
                .filter(|(d, _)| since.is_some_and(|s| *d >= s))
                .collect(),
            month,
            database: Vec::new(),
        };
        Ok(build::customer(&kept, &self.store.price_book()?, days))
    }

    /// The fleet view as a CSV file in the export folder (never over an existing file).
    pub fn csv(&self, days: i64) -> ApiResult<ExportedFile> {
        self.csv_into(&crate::paths::export_dir(), days)
    }

    pub fn csv_into(&self, dir: &Path, days: i64) -> ApiResult<ExportedFile> {
        let fleet = self.fleet(days)?;
        let env = self.store.environment();
        new_export(dir, &format!("fabrik-usage-{env}"), "csv", |path| {
            write_csv(&fleet, path)
        })
    }

    pub fn price_book(&self) -> ApiResult<PriceBook> {
        Ok(self.store.price_book()?)
    }

    /// Keeps the book when every line is valid; otherwise nothing changes.
    pub fn set_price_book(&self, book: PriceBook) -> ApiResult<PriceBook> {
        Ok(self.store.set_price_book(&book)?)
    }
}

/// The CSV's columns (machine-readable names, as the register's export has).
const COLUMNS: &[&str] = &[
    "slug",
    "name",
    "plan",
    "status",
    "collected_at",
    "currency",
    "revenue",
    "cost",
    "margin",
    "margin_missing",
    "warnings",
    "nearest_limit",
    "nearest_days_left",
    "database_growth",
    "uses_like",
];

/// An amount in major units (`499.00`), empty when unknown.
fn major(m: Option<&Money>) -> String {
    m.map(|m| format!("{:.2}", m.amount as f64 / 100.0))
        .unwrap_or_default()
}

fn row(r: &FleetRow) -> Vec<String> {
    let e = &r.economics;
    let currency = [&e.revenue, &e.cost]
        .into_iter()
        .flatten()
        .map(|m| m.currency.clone())
        .next()
        .unwrap_or_default();
    vec![
        defused(r.slug.clone()),
        defused(r.name.clone()),
        r.plan.to_string(),
        r.status.to_string(),
        r.collected_at.clone().unwrap_or_default(),
        currency,
        major(e.revenue.as_ref()),
        major(e.cost.as_ref()),
        major(e.margin.as_ref()),
        defused(
            e.margin_missing
                .as_ref()
                .map(|t| t.sv.clone())
                .unwrap_or_default(),
        ),
        r.warnings.to_string(),
        defused(
            r.nearest
                .as_ref()
                .map(|w| w.message.sv.clone())
                .unwrap_or_default(),
        ),
        r.nearest
            .as_ref()
            .and_then(|w| w.days_left)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        r.growth.map(|g| format!("{g:.3}")).unwrap_or_default(),
        r.fit
            .as_ref()
            .map(|f| f.uses_like.to_string())
            .unwrap_or_default(),
    ]
}

fn write_csv(fleet: &FleetUsage, path: &Path) -> Result<usize> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io(io),
        other => Error::Internal(format!("{other:?}")),
    };
    let mut out = csv::Writer::from_writer(file);
    let written = (|| {
        out.write_record(COLUMNS).map_err(io)?;
        for r in &fleet.rows {
            out.write_record(row(r)).map_err(io)?;
        }
        out.flush()?;
        Ok(fleet.rows.len())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod tests;

/// The usage part of the generated bindings: each figure's name and declaration, the figures,
/// the price book's keys, the compute sizes' names and the longest window of days, so the window keeps no copy of them.
pub fn typescript() -> String {
    use crate::messages::typescript::{label_table, members};
    use crate::usage::Figure;
    let rows = Figure::ALL.iter().map(|f| (f.to_string(), f.label()));
    let defs =
        serde_json::to_string(&crate::usage::figures::all()).expect("declarations serialise");
    [
        label_table("FIGURE_LABEL", "Figure", rows),
        format!("export const FIGURE_DEFS: readonly FigureDef[] = {defs};\n"),
        members("FIGURES", "Figure", Figure::ALL),
        members(
            "FLEET_SORTS",
            "FleetSort",
            crate::usage::order::FleetSort::ALL,
        ),
        members("PRICE_KEYS", "string", &crate::usage::prices::keys()),
        format!(
            "export const COMPUTE_NAME: Readonly<Record<string, string>> = {};\n",
            serde_json::to_string(
                &crate::usage::prices::COMPUTE
                    .iter()
                    .copied()
                    .collect::<std::collections::BTreeMap<_, _>>()
            )
            .expect("names serialise")
        ),
        format!("export const USAGE_MAX_DAYS = {MAX_DAYS};\n"),
    ]
    .concat()
}
