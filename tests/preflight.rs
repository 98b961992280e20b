//! The preflight, as an owner meets it from the command line: every problem that can be known
//! before the first call is listed at once (`fabrik provision --plan`), and a run it stops has
//! created nothing.

use crate::common;

use common::*;
use fabrik::store::Store;
use fabrik_sim::Profile;
use serde_json::json;

/// Four problems of three kinds (two settings missing, a setting invalid, a token the provider
/// rejects) are all named by one `--plan`, and `--yes` is refused with all four before any
/// resource exists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_problem_is_listed_at_once_and_nothing_is_created() {
    let Some(_) = keyring("preflight-all") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Förkontroll AB");
    let store = Store::open(&db).unwrap();
    store.remove_setting("supabase.organization").unwrap();
    store.remove_setting("n8n.api_url").unwrap();
    store
        .set_setting("email.support_address", "inte-en-adress")
        .unwrap();
    drop(store);

    let plan = cli(&sim, &db)
        .env("FABRIK_VERCEL_TOKEN", "SENTINEL-wrong-vercel-token")
        .env_remove("FABRIK_N8N_API_URL")
        .args(["provision", &slug, "--plan"])
        .output()
        .unwrap();
    let text = said(&plan);
    for expected in [
        "supabase.organization",
        "n8n.api_url",
        "email.support_address",
        "Vercel",
    ] {
        assert!(text.contains(expected), "{expected} is named: {text}");
    }
    assert!(text.contains("4 problem"), "{text}");

    let run = cli(&sim, &db)
        .env("FABRIK_VERCEL_TOKEN", "SENTINEL-wrong-vercel-token")
        .env_remove("FABRIK_N8N_API_URL")
        .args(["provision", &slug, "--yes"])
        .output()
        .unwrap();
    let text = said(&run);
    assert!(!run.status.success(), "{text}");
    assert!(text.contains("preflight_failed"), "{text}");
    for expected in [
        "supabase.organization",
        "n8n.api_url",
        "email.support_address",
        "Vercel",
    ] {
        assert!(text.contains(expected), "{expected} is named: {text}");
    }
    assert!(
        !text.contains("SENTINEL-wrong-vercel-token"),
        "no token in the message"
    );
    assert_eq!(
        inventory(&sim).await["total_created_resources"],
        0,
        "nothing was created"
    );
    sim.shutdown().await;
}

/// Resend sends only from a verified domain: a sender on a domain still `pending`, or on one
/// the account does not have, stops the run before anything is created, and says which.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unverified_sender_domain_stops_the_run_before_anything_exists() {
    let Some(_) = keyring("preflight-domain") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let (_dir, db, slug) = register_file(&sim, "Avsändare AB");
    seed(
        &sim,
        json!({"kind": "resend_domain", "name": "byra.test", "status": "pending"}),
    )
    .await;
    for (sender, expected) in [
        ("hej@byra.test", "inte verifierad i Resend (status pending)"),
        ("hej@okand.test", "finns inte i Resend-kontot"),
    ] {
        Store::open(&db)
            .unwrap()
            .set_setting("email.sender_address", sender)
            .unwrap();
        let run = cli(&sim, &db)
            .args(["provision", &slug, "--yes"])
            .output()
            .unwrap();
        let text = said(&run);
        assert!(!run.status.success(), "{text}");
        assert!(text.contains(expected), "{sender}: {text}");
        assert_eq!(inventory(&sim).await["total_created_resources"], 0);
    }
    sim.shutdown().await;
}
