//! `fabrik usage`: the fleet by margin and a customer's figures from the days in the register,
//! and the price book changed only when every change is valid (a clear Swedish refusal else).

use chrono::NaiveDate;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::customer::{CustomerDraft, ModuleManifest, Plan, Status};
use fabrik::environment::Environment;
use fabrik::metering::UsageRows;
use fabrik::store::Store;
use fabrik::usage::{Figure, Reading, Revenue};

use super::*;

/// A register with two delivered enterprise customers read over ten days: one paying 499 kr a month with
/// a database near the free plan's 500 MB, one paying nothing known.
fn register() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let store = Store::open(&db).unwrap();
    for (name, pays) in [("Betalar AB", true), ("Okänd AB", false)] {
        let c = store
            .create_customer(
                CustomerDraft {
                    name: name.into(),
                    admin_email: "a@kund.se".into(),
                    plan: Some(Plan::Enterprise),
                    ..Default::default()
                },
                &ModuleManifest::bundled(),
            )
            .unwrap();
        store
            .set_instance(c.id, Environment::Sandbox, Status::Active, None)
            .unwrap();
        for d in 1..=10 {
            let mut r = Reading {
                revenue: pays.then(|| Revenue {
                    subscription: "sub_1".into(),
                    status: "active".into(),
                    price: "price_1".into(),
                    currency: "sek".into(),
                    amount: 49_900,
                    interval: "month".into(),
                    interval_count: 1,
                }),
                last_active: NaiveDate::from_ymd_opt(2026, 3, d),
                ..Reading::default()
            };
            r.set(
                Figure::DatabaseBytes,
                Some(f64::from(400 + d) * 1024.0 * 1024.0),
            );
            let day = NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
            store
                .save_usage(c.id, Environment::Sandbox, day, &r)
                .unwrap();
        }
    }
    (dir, db)
}

#[test]
fn the_fleet_and_a_customer_are_shown_from_the_days_kept() {
    let (_dir, db) = register();
    let out = fabrik(&db).args(["usage"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("betalar-ab") && text.contains("499,00 SEK"),
        "{text}"
    );
    assert!(
        text.contains("Databasens storlek: 410 MB av 500 MB (Supabase Free)"),
        "{text}"
    );
    assert!(text.contains("2 kunder, senaste 30 dagarna"), "{text}");
    // The core's margin order: the customer whose margin cannot be said comes last.
    let at = |slug: &str| text.find(slug).unwrap();
    assert!(at("betalar-ab") < at("okand-ab"), "{text}");
    fabrik(&db)
        .args(["usage", "--sort", "limit"])
        .assert()
        .success()
        .stdout(predicate::str::contains("okand-ab"));
    fabrik(&db)
        .args(["usage", "--sort", "pris"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "okänd ordning \"pris\": välj margin, limit, growth",
        ));

    let out = fabrik(&db)
        .args(["usage", "--json", "--days", "5"])
        .output()
        .unwrap();
    let fleet: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fleet["days"], 5);
    assert_eq!(fleet["rows"][0]["database"].as_array().unwrap().len(), 5);
    assert_eq!(fleet["revenue"][0]["amount"], 49_900);
    let sorts: Vec<&str> = fleet["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["sort"].as_str().unwrap())
        .collect();
    assert_eq!(sorts, ["margin", "limit", "growth"]);

    fabrik(&db)
        .args(["usage", "okand-ab"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Databasens storlek"))
        .stdout(predicate::str::contains(
            "Användare                        inte rapporterat",
        ))
        .stdout(predicate::str::contains("ingen intäkt känd"));
    fabrik(&db)
        .args(["usage", "--days", "0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "ange ett antal dagar från 1 till 366",
        ));
    fabrik(&db)
        .args(["usage", "finns-inte"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("customer_not_found"));
}

#[test]
fn the_price_book_changes_only_when_every_change_is_valid() {
    let (_dir, db) = register();
    let book = |db: &Path| -> serde_json::Value {
        let out = fabrik(db)
            .args(["usage", "prices", "--json"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let before = book(&db);
    assert_eq!(before["currency"], "sek");
    fabrik(&db)
        .args(["usage", "prices"])
        .assert()
        .success()
        .stdout(predicate::str::contains("supabase.compute.ci_micro"));

    for (args, says) in [
        (
            vec!["--set", "vercel.project=100", "--set", "aws.lambda=5"],
            "okänd post i prislistan",
        ),
        (vec!["--set", "vercel.project=12,50"], "skriv POST=BELOPP"),
        (
            vec!["--set", "vercel.project=-1"],
            "beloppet kan inte vara negativt",
        ),
        (
            vec!["--currency", "kronor"],
            "valutan ska vara tre bokstäver",
        ),
    ] {
        fabrik(&db)
            .args(["usage", "prices"])
            .args(&args)
            .assert()
            .failure()
            .stderr(predicate::str::contains(says));
        assert_eq!(book(&db), before, "{args:?} changed nothing");
    }

    fabrik(&db)
        .args([
            "usage",
            "prices",
            "--set",
            "vercel.project=5000",
            "--currency",
            "EUR",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Prislista i EUR"));
    let after = book(&db);
    assert_eq!(after["currency"], "eur");
    let vercel = after["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == "vercel.project")
        .unwrap()
        .clone();
    assert_eq!(vercel["amount"], 5000);
    // The revenue is in kronor and the book now in euro: no margin, and why.
    fabrik(&db)
        .args(["usage", "betalar-ab"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "intäkten är i sek och prislistan i eur",
        ));
}
