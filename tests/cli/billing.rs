//! `fabrik billing`: a customer's billing and the fleet's billing column from the register,
//! each finding with the command that acts on it; `fabrik billing reconcile`: Stripe's list
//! compared now, in Swedish, and refused clearly without a Stripe key.

use fabrik::billing::link::SUBSCRIPTIONS_SETTING;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::{CustomerDraft, ModuleManifest, Plan, Status};
use fabrik::environment::Environment;
use fabrik::store::Store;
use serde_json::{json, Value};

use super::*;
use crate::common::TOKEN;
use crate::common::{cli, said};

fn delivered(store: &Store, name: &str, env: Environment, status: Status) -> String {
    crate::common::delivered(store, name, Plan::Starter, env, status)
}

#[test]
fn a_delivered_customer_without_a_subscription_is_shown_with_how_to_link_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reg.sqlite3");
    let store = Store::open(&db).unwrap();
    let slug = delivered(&store, "Olänkad AB", Environment::Sandbox, Status::Active);
    // Not delivered: nothing to bill yet, so nothing to say.
    store
        .create_customer(
            CustomerDraft {
                name: "Väntar AB".into(),
                admin_email: "b@kund.se".into(),
                plan: Some(Plan::Starter),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    drop(store);

    let out = fabrik(&db).args(["billing", &slug]).output().unwrap();
    let text = said(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Ingen prenumeration länkad"), "{text}");
    assert!(
        text.contains("Instansen är levererad men ingen prenumeration i Stripe hör till kunden"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "fabrik settings set usage.stripe_subscriptions \"{slug}=sub_…\""
        )),
        "{text}"
    );

    let out = fabrik(&db)
        .args(["billing", &slug, "--json"])
        .output()
        .unwrap();
    let b: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(b["findings"][0]["kind"], "no_subscription");
    assert_eq!(b["findings"][0]["offers"], json!([{"kind": "link"}]));

    let out = fabrik(&db).args(["billing", "--json"]).output().unwrap();
    let cells: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        cells,
        json!([{"slug": slug, "linked": false, "status": null, "cancel_at_period_end": false,
                "next_payment": null, "failing": false, "findings": 1, "waiting": 0}])
    );
    let out = fabrik(&db).args(["billing"]).output().unwrap();
    assert!(said(&out).contains("1 kunder med något om fakturering"));

    let out = fabrik(&db)
        .args(["billing", "finns-inte"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

// The CLI blocks its thread while the simulator answers on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_lists_stripe_and_says_what_differs_without_acting() {
    let sim = fabrik_sim::start(fabrik_sim::SimConfig {
        tokens: fabrik_sim::Tokens::single(TOKEN),
        ..fabrik_sim::SimConfig::default()
    })
    .await
    .unwrap();
    let post = |what: String, body: Value| {
        let url = format!("{}/__sim/stripe/{what}", sim.base_url());
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
            r.json::<Value>().await.unwrap()
        }
    };
    let made = post("subscriptions".into(), json!({"email": "slut@example.se"})).await;
    let ended = made["subscription"].as_str().unwrap().to_string();
    post(format!("subscriptions/{ended}/cancel"), json!({})).await;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fabrik.sqlite3");
    let store = Store::open(&db).unwrap();
    let slug = delivered(&store, "Slut AB", Environment::Production, Status::Active);
    store
        .set_setting(SUBSCRIPTIONS_SETTING, &format!("{slug}={ended}"))
        .unwrap();
    drop(store);

    let reconcile = |json: bool| {
        let mut c = cli(&sim, &db);
        c.env("FABRIK_STRIPE_API_URL", sim.stripe_api_url())
            .args(["billing", "reconcile"]);
        if json {
            c.arg("--json");
        }
        c
    };
    let out = reconcile(false)
        .env("FABRIK_STRIPE_KEY", TOKEN)
        .output()
        .unwrap();
    let text = said(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Jämförde 1 prenumerationer i Stripe med 1 kunder."),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Prenumerationen är avslutad i Stripe men instansen är igång ({ended})"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("→ fabrik pause {slug}")), "{text}");
    assert!(text.contains(&format!("→ fabrik teardown {slug} (den skyddade grinden)")));

    let out = reconcile(true)
        .env("FABRIK_STRIPE_KEY", TOKEN)
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["findings"][0]["kind"], "cancelled_running");
    assert_eq!(r["linked"][&slug]["status"], "canceled");
    // Shown, not acted on.
    let store = Store::open(&db).unwrap();
    assert_eq!(
        store
            .get_customer_in(&slug, Environment::Production)
            .unwrap()
            .status,
        Status::Active
    );

    // Without a Stripe key there is nothing to list: said, not guessed.
    let out = reconcile(false)
        .env_remove("FABRIK_STRIPE_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(said(&out).contains("missing_tokens"), "{}", said(&out));
}
