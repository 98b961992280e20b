//! Issue #55, from the outside: `fabrik runs rollback` of a delivered instance's succeeded
//! provisioning run deleted the customer's database, repository, site and workflow with no
//! question asked. A finished run is now left as it is by `runs rollback`, `runs resume` and
//! `runs cancel`, each saying so and naming the way (a teardown), and nothing in the clouds
//! changes. A teardown itself takes the slug typed (`--confirm SLUG`); no flag skips that.

use super::*;
use fabrik::customer::rows::CustomerRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_succeeded_run_is_not_rolled_back_resumed_or_cancelled() {
    let Some(secrets) = common::keyring("cli-gate") else {
        return;
    };
    let sim = common::sim(fabrik_sim::Profile::Instant).await;
    let names: Vec<String> = ["Grind Ett AB", "Grind Två AB"].map(String::from).to_vec();
    let (_dir, db, store, slugs) = common::delivered_fleet(&sim, secrets, &names).await;
    let before = common::counts(&common::inventory(&sim).await);
    assert_eq!(before["projects"], 2, "{before}");
    let customer = store
        .get_customer_in(&slugs[0], fabrik::environment::Environment::Production)
        .unwrap();
    let run = store
        .list_runs(Some(customer.id), 10)
        .unwrap()
        .into_iter()
        .find(|r| r.kind == fabrik::provision::RunKind::Provision)
        .expect("the delivery's run");
    let id = run.id.to_string();

    for (args, words) in [
        (
            vec!["runs", "rollback", &id],
            vec![
                "teardown",
                "fabrik teardown grind-ett-ab",
                "ingenting ändrades",
            ],
        ),
        (
            vec!["runs", "resume", &id],
            vec!["inget kvar att fortsätta", "ingenting ändrades"],
        ),
        (
            vec!["runs", "cancel", &id],
            vec!["inget att stoppa", "ingenting ändrades"],
        ),
    ] {
        let out = common::cli(&sim, &db).args(&args).output().unwrap();
        let said = common::said(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {said}");
        for w in words {
            assert!(said.contains(w), "{args:?} does not say {w:?}: {said}");
        }
        assert!(said.contains("run_finished"), "{args:?}: {said}");
    }
    // The gate from the command line: the slug typed, never a flag that skips it.
    let out = common::cli(&sim, &db)
        .args(["teardown", &slugs[0], "--confirm", &slugs[1]])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", common::said(&out));
    assert!(
        common::said(&out).contains("not_confirmed"),
        "{}",
        common::said(&out)
    );
    let out = common::cli(&sim, &db)
        .args(["teardown", &slugs[0], "--yes"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a usage error: {}",
        common::said(&out)
    );
    let after = common::counts(&common::inventory(&sim).await);
    assert_eq!(before, after, "nothing in the clouds changed");
    let run = store.get_run(run.id).unwrap();
    assert_eq!(run.state, fabrik::provision::RunState::Succeeded);
    assert_eq!(
        store
            .get_customer_in(&slugs[0], fabrik::environment::Environment::Production)
            .unwrap()
            .status,
        fabrik::customer::Status::Active
    );
    sim.shutdown().await;
}
