//! Usage in the register (issue #57), on both backends: a day round-trips with every part of
//! its reading, a figure not reported stays absent, a second collection of a day replaces it,
//! the fleet view picks the days it needs, and the price book is checked before it is kept.

use chrono::NaiveDate;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::customer::{Plan, Status};
use fabrik::environment::Environment;
use fabrik::metering::UsageRows;
use fabrik::provider::Provider;
use fabrik::usage::prices::default_book;
use fabrik::usage::view::{PriceBook, PriceLine};
use fabrik::usage::{Figure, Reading, Revenue};

use super::*;

on_both!(
    a_day_round_trips_and_a_second_collection_replaces_it,
    the_fleet_view_picks_its_days_and_sums_the_month,
    the_price_book_is_checked_before_it_is_kept,
);

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

fn delivered(store: &Store, name: &str) -> i64 {
    let manifest = fabrik::customer::ModuleManifest::bundled();
    let c = store
        .create_customer(draft(name, "a@kund.se"), &manifest)
        .unwrap();
    store
        .set_instance(c.id, Environment::Sandbox, Status::Active, None)
        .unwrap();
    c.id
}

fn reading(database: f64) -> Reading {
    let mut r = Reading::default();
    r.set(Figure::DatabaseBytes, Some(database));
    r.set(Figure::EmailsSent, Some(10.0));
    r
}

fn a_day_round_trips_and_a_second_collection_replaces_it(store: Store) {
    let id = delivered(&store, "Kund AB");
    let mut first = reading(1e6);
    first.set(Figure::AuthUsers, Some(12.0));
    first.compute = Some("ci_micro".into());
    first.revenue = Some(Revenue {
        subscription: "sub_1".into(),
        status: "active".into(),
        price: "price_1".into(),
        currency: "sek".into(),
        amount: 49_900,
        interval: "month".into(),
        interval_count: 1,
    });
    first.last_active = Some(day(1));
    first.app_metrics.insert("bookings".into(), 7.0);
    first
        .problems
        .push((Provider::Resend, fabrik::messages::Text::new("nej", "no")));
    store
        .save_usage(id, Environment::Sandbox, day(1), &first)
        .unwrap();
    let kept = store.usage_of(id, Environment::Sandbox, 90).unwrap();
    assert_eq!(kept, vec![(day(1), first.clone())]);
    // Not reported is absent, not zero, and the other environment has nothing.
    assert_eq!(kept[0].1.get(Figure::Executions), None);
    assert!(store
        .usage_of(id, Environment::Production, 90)
        .unwrap()
        .is_empty());

    // Collected again the same day: the new reading replaces the old, auth users included.
    let again = reading(2e6);
    store
        .save_usage(id, Environment::Sandbox, day(1), &again)
        .unwrap();
    store
        .save_usage(id, Environment::Sandbox, day(2), &reading(3e6))
        .unwrap();
    let kept = store.usage_of(id, Environment::Sandbox, 90).unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0], (day(1), again));
    assert_eq!(kept[0].1.get(Figure::AuthUsers), None);
    assert_eq!(kept[1].1.get(Figure::DatabaseBytes), Some(3e6));
    // The window ends at the environment's latest day.
    let last = store.usage_of(id, Environment::Sandbox, 1).unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].0, day(2));
    assert!(store
        .usage_collected_at(id, Environment::Sandbox)
        .unwrap()
        .is_some());
    // A customer removed takes its days with it.
    store.delete_customer("kund-ab").unwrap();
    assert!(store
        .usage_of(id, Environment::Sandbox, 90)
        .unwrap()
        .is_empty());
}

fn the_fleet_view_picks_its_days_and_sums_the_month(store: Store) {
    let a = delivered(&store, "Alfa AB");
    let b = delivered(&store, "Beta AB");
    let manifest = fabrik::customer::ModuleManifest::bundled();
    store
        .create_customer(draft("Ej levererad AB", "c@kund.se"), &manifest)
        .unwrap();
    for d in 1..=10 {
        store
            .save_usage(a, Environment::Sandbox, day(d), &reading(f64::from(d)))
            .unwrap();
    }
    // Days saved out of order, and one collected again without the database's size: the
    // small chart has a gap there, never a 0 or the earlier value.
    let g = delivered(&store, "Gamma AB");
    for d in [10, 7, 2, 8] {
        store
            .save_usage(g, Environment::Sandbox, day(d), &reading(f64::from(d)))
            .unwrap();
    }
    store
        .save_usage(g, Environment::Sandbox, day(8), &Reading::default())
        .unwrap();
    let fleet = store.fleet_usage(Environment::Sandbox, 5).unwrap();
    let names: Vec<&str> = fleet.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["Alfa AB", "Beta AB", "Gamma AB"]);
    assert_eq!(
        fleet[2].database,
        [None, Some(7.0), None, None, Some(10.0)].to_vec()
    );
    let alfa = &fleet[0];
    assert_eq!(alfa.plan, Plan::Starter);
    assert_eq!(alfa.status, Status::Active);
    let days: Vec<NaiveDate> = alfa.days.iter().map(|(d, _)| *d).collect();
    assert_eq!(days, [day(6), day(9), day(10)]);
    assert_eq!(alfa.days[2].1.get(Figure::DatabaseBytes), Some(10.0));
    assert_eq!(alfa.database, [6.0, 7.0, 8.0, 9.0, 10.0].map(Some).to_vec());
    // Ten days of ten emails this month, whatever the window.
    assert_eq!(alfa.month.get(&Figure::EmailsSent), Some(&100.0));
    assert!(alfa.collected_at.is_some());
    let beta = &fleet[1];
    assert!(beta.days.is_empty() && beta.collected_at.is_none());
    assert_eq!(beta.database, vec![None; 5]);
    let _ = b;
}

fn the_price_book_is_checked_before_it_is_kept(store: Store) {
    assert_eq!(store.price_book().unwrap(), default_book());
    let mut book = default_book();
    book.set("vercel.project", 5_000).unwrap();
    book.currency = "EUR".into();
    let kept = store.set_price_book(&book).unwrap();
    assert_eq!(kept.currency, "eur");
    assert_eq!(store.price_book().unwrap(), kept);
    let bad = PriceBook {
        currency: "eur".into(),
        lines: vec![PriceLine {
            key: "aws.lambda".into(),
            amount: 1,
        }],
    };
    let err = store.set_price_book(&bad).unwrap_err();
    assert_eq!(err.code().as_str(), "invalid_setting");
    assert_eq!(
        store.price_book().unwrap(),
        kept,
        "a refused book changes nothing"
    );
}
