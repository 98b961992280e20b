//! Issue #67: a seat drives only runs it can vouch for. A run whose driver is gone is taken
//! up by another seat only while the login that started it holds its kind's right: the run of
//! a person since removed is refused by every seat but an owner's own act, never taken up by a
//! tick, and named once by the run alert.

use std::sync::Arc;

use fabrik::ledger::{RunState, StepKey};
use fabrik::provision::FailurePolicy;

use super::*;
use crate::common::{engine, engine_as_set, fast_timing, keyring, sim};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_of_a_person_since_removed_waits_for_an_owner() {
    let Some(secrets) = keyring("unvouched") else {
        return;
    };
    let register = Register::new("vouch");
    let bo = register.person("bo", "operator");
    let dan = register.person("dan", "operator");
    let cecilia = register.person("cecilia", "owner");
    let sim = sim(fabrik_sim::Profile::Instant).await;

    // Dan starts a provisioning run on his laptop, which dies half-way.
    let dans = Store::connect(&register.config(&dan))
        .unwrap()
        .with_seat("dan@laptop");
    let NewRun::Created(driver) = dans
        .create_run_with(
            register.customer,
            RunKind::Provision,
            Environment::Sandbox,
            &[StepKey::SupabaseProject, StepKey::Finalize],
            None,
        )
        .unwrap()
    else {
        panic!("the customer had an active run");
    };
    let run = driver.run_id;
    register
        .conn(&dan)
        .execute(
            "UPDATE runs SET heartbeat_at = '2020-01-01T00:00:00+00:00' WHERE id = ?1",
            vec![Value::Int(run)],
        )
        .unwrap();
    let bos = Arc::new(
        Store::connect(&register.config(&bo))
            .unwrap()
            .with_seat("bo@kontoret"),
    );
    assert!(bos.vouches_for(&bos.get_run(run).unwrap()).unwrap());
    let interrupted = bos
        .interrupted_runs(fabrik::provision::STALE_AFTER, Environment::Sandbox)
        .unwrap();
    assert_eq!(interrupted.iter().map(|r| r.id).collect::<Vec<_>>(), [run]);

    // Dan leaves the agency: his run is nobody's to take up on his word.
    Store::connect(&register.config(&cecilia))
        .unwrap()
        .remove_person(&dan)
        .unwrap();
    assert!(!bos.vouches_for(&bos.get_run(run).unwrap()).unwrap());
    // The owner's settings (the providers' addresses), which an operator may not write.
    let owner = Arc::new(
        Store::connect(&register.config(&cecilia))
            .unwrap()
            .with_seat("cecilia@kontoret"),
    );
    let owners = engine(
        &sim,
        owner.clone(),
        secrets.clone(),
        FailurePolicy::Rollback,
    );
    let operators = engine_as_set(
        &sim,
        bos.clone(),
        secrets,
        FailurePolicy::Rollback,
        Environment::Sandbox,
        fast_timing(),
    );
    for refusal in [
        operators.claim_resume(run).map(|_| ()).unwrap_err(),
        operators.claim_rollback(run).map(|_| ()).unwrap_err(),
    ] {
        assert_eq!(refusal.code(), ErrorCode::RunNotVouched, "{refusal}");
        let said = refusal.to_api().message;
        assert!(
            said.contains(&dan) && said.contains(&run.to_string()),
            "{said}"
        );
    }
    let left = bos.get_run(run).unwrap();
    assert_eq!(left.state, RunState::Running, "untouched");
    assert!(left.seat.unwrap_or_default().starts_with("dan@laptop"));

    // An owner's own resume vouches for it.
    assert!(owners.claim_resume(run).is_ok());
    let taken = owner.get_run(run).unwrap().seat.unwrap_or_default();
    assert!(taken.starts_with("cecilia@kontoret"), "{taken}");
    sim.shutdown().await;
}
