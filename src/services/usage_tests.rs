use chrono::NaiveDate;

use super::*;
use crate::customer::rows::CustomerRows;
use crate::customer::rows::InstanceRows;
use crate::customer::{CustomerDraft, ModuleManifest, Status};
use crate::environment::Environment;
use crate::metering::UsageRows;
use crate::usage::limits::MB;
use crate::usage::{Figure, Reading, Revenue};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

/// A register with one delivered starter customer, read on days 1..=20: its database grows
/// 20 MB a day toward the free plan's 500, it pays 499 kr a month, and it sends 60 emails a day.
fn api() -> UsageApi {
    api_named("Kund AB")
}

/// As [`api`], the customer named `name`.
fn api_named(name: &str) -> UsageApi {
    let store = Store::open_in_memory().unwrap();
    let c = store
        .create_customer(
            CustomerDraft {
                name: name.into(),
                admin_email: "a@kund.se".into(),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    store
        .set_instance(c.id, Environment::Sandbox, Status::Active, None)
        .unwrap();
    for d in 1..=20 {
        let mut r = Reading {
            revenue: Some(Revenue {
                subscription: "sub_1".into(),
                status: "active".into(),
                price: "price_1".into(),
                currency: "sek".into(),
                amount: 49_900,
                interval: "month".into(),
                interval_count: 1,
            }),
            last_active: Some(day(d)),
            ..Reading::default()
        };
        r.set(Figure::DatabaseBytes, Some(f64::from(d) * 20.0 * MB));
        r.set(Figure::EmailsSent, Some(60.0));
        store
            .save_usage(c.id, Environment::Sandbox, day(d), &r)
            .unwrap();
    }
    UsageApi::new(Arc::new(store))
}

#[test]
fn a_customer_is_shown_its_days_warnings_money_and_fit() {
    let api = api();
    let u = api.customer("kund-ab", 10).unwrap();
    let db = u
        .series
        .iter()
        .find(|s| s.figure == Figure::DatabaseBytes)
        .unwrap();
    assert_eq!(db.points.len(), 10);
    assert_eq!(db.points[0].day, "2026-03-11");
    assert!(
        u.series.iter().all(|s| s.figure != Figure::AuthUsers),
        "not reported, no chart"
    );
    let users = u
        .latest
        .iter()
        .find(|l| l.figure == Figure::AuthUsers)
        .unwrap();
    assert_eq!(users.value, None);
    // 400 MB of the free plan's 500, 20 MB a day: five days.
    let w = &u.warnings[0];
    assert_eq!(
        (w.figure, w.days_left),
        (Some(Figure::DatabaseBytes), Some(0))
    );
    assert!(u
        .warnings
        .iter()
        .any(|w| w.limit_of == "Supabase Free" && w.days_left == Some(5)));
    // 1,200 emails this month: over starter's 1,000.
    assert_eq!(
        u.fit.as_ref().map(|f| f.uses_like),
        Some(crate::customer::Plan::Professional)
    );
    let e = &u.economics;
    assert_eq!(e.revenue.as_ref().map(|m| m.amount), Some(49_900));
    // Free plan: no compute; 1,800 emails a month at 420 öre a thousand (756).
    assert_eq!(e.cost.as_ref().map(|m| m.amount), Some(756));
    assert_eq!(e.margin.as_ref().map(|m| m.amount), Some(49_900 - 756));
}

#[test]
fn the_fleet_sums_and_its_csv_say_the_same() {
    let api = api();
    let fleet = api.fleet(0).unwrap();
    assert_eq!(fleet.days, 1, "a window is at least a day");
    let fleet = api.fleet(90).unwrap();
    assert_eq!(fleet.rows.len(), 1);
    let row = &fleet.rows[0];
    assert_eq!(row.database.len(), 90);
    assert_eq!(row.growth, Some(19.0));
    assert!(row.nearest.is_some() && row.warnings >= 2);
    assert_eq!(fleet.margin[0].amount, 49_900 - 756);
    let dir = tempfile::tempdir().unwrap();
    let file = api.csv_into(dir.path(), 90).unwrap();
    assert_eq!(file.count, 1);
    let text = std::fs::read_to_string(&file.path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), COLUMNS.join(","));
    let cells: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&cells[..4], ["kund-ab", "Kund AB", "starter", "active"]);
    assert_eq!(&cells[5..9], ["sek", "499.00", "7.56", "491.44"]);
    // A second export the same second gets a name of its own.
    let again = api.csv_into(dir.path(), 90).unwrap();
    assert_ne!(again.path, file.path);
}

#[test]
fn a_name_a_spreadsheet_would_run_is_written_as_text() {
    let api = api_named("=HYPERLINK(\"https://ond.example\";\"Kund\")");
    let dir = tempfile::tempdir().unwrap();
    let file = api.csv_into(dir.path(), 30).unwrap();
    let text = std::fs::read_to_string(&file.path).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(
        &row[1], "'=HYPERLINK(\"https://ond.example\";\"Kund\")",
        "{text}"
    );
    assert!(
        !text
            .lines()
            .skip(1)
            .any(|l| l.starts_with('=') || l.contains(",=")),
        "{text}"
    );
}
