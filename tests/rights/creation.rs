//! Issue #67: an operator's own SQL made Fabrik delete a delivered Supabase project. As the
//! operator's login: a run inserted `running`, its `supabase.project` step inserted pending,
//! then set `succeeded` naming the delivered project's ref with `created = true`, then the run
//! set `failed`; every statement was accepted, and `fabrik runs rollback N` (the operator's,
//! or an owner's seat resuming it) deleted the delivered project, whose marker proves it the
//! customer's. What was delivered goes only by a teardown: the rollback leaves it.

use std::sync::Arc;

use fabrik::provision::{FailurePolicy, RunState};
use fabrik::store::db::Value;

use super::*;
use crate::common::{engine, engine_as_set, inventory, keyring, sim, Events};
use fabrik::customer::rows::CustomerRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operators_forged_step_does_not_make_a_rollback_delete_the_delivered_project() {
    let Some(secrets) = keyring("forged-step") else {
        return;
    };
    let register = Register::new("forged");
    let bo = register.person("bo", "operator");
    let cecilia = register.person("cecilia", "owner");
    let sim = sim(fabrik_sim::Profile::Instant).await;
    let owner = Arc::new(Store::connect(&register.config(&cecilia)).unwrap());
    let slug: String = register
        .conn(&cecilia)
        .query_row(
            "SELECT slug FROM customers WHERE id = ?1",
            vec![Value::Int(register.customer)],
            |r| r.get(0),
        )
        .unwrap();
    let owners = engine(
        &sim,
        owner.clone(),
        secrets.clone(),
        FailurePolicy::Rollback,
    );
    let run = owners
        .run(
            &slug,
            &fabrik::provision::RunRequest::Provision,
            Events::default().sink(),
        )
        .await
        .unwrap();
    assert_eq!(run, RunState::Succeeded);
    let project = inventory(&sim).await["supabase"]["projects"][0]["ref"]
        .as_str()
        .unwrap()
        .to_string();

    // The operator's own statements, each accepted by the register.
    let conn = register.conn(&bo);
    let forged: i64 = conn
        .query_row(
            "INSERT INTO runs (customer_id, kind, state, environment, started_at)
             VALUES (?1, 'provision', 'running', 'sandbox', '2026-11-28T09:00:00+00:00') RETURNING id",
            vec![Value::Int(register.customer)],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO run_steps (run_id, key, state) VALUES (?1, 'supabase.project', 'pending')",
        vec![Value::Int(forged)],
    )
    .unwrap();
    conn.execute(
        "UPDATE run_steps SET state = 'succeeded', external_id = ?2, created = TRUE, output = ?3
         WHERE run_id = ?1 AND key = 'supabase.project'",
        vec![
            Value::Int(forged),
            Value::Text(project.clone()),
            Value::Text(format!("{{\"ref\":\"{project}\"}}")),
        ],
    )
    .unwrap();
    conn.execute(
        "UPDATE runs SET state = 'failed' WHERE id = ?1",
        vec![Value::Int(forged)],
    )
    .unwrap();

    // `fabrik runs rollback N` as the operator: the delivered project stays, said why.
    let operator = Arc::new(Store::connect(&register.config(&bo)).unwrap());
    let operators = engine_as_set(
        &sim,
        operator,
        secrets,
        FailurePolicy::Rollback,
        fabrik::environment::Environment::Sandbox,
        crate::common::fast_timing(),
    );
    let events = Events::default();
    let state = operators.rollback(forged, events.sink()).await.unwrap();
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    let projects = inventory(&sim).await["supabase"]["projects"].clone();
    assert_eq!(
        projects.as_array().map(|p| p.len()),
        Some(1),
        "{}",
        events.json()
    );
    assert_eq!(projects[0]["ref"], project.as_str());
    let said: Vec<String> = owner
        .run_log(forged, 0)
        .unwrap()
        .into_iter()
        .map(|l| l.message.sv.to_string())
        .collect();
    assert!(
        said.iter()
            .any(|l| l.contains(&project) && l.contains("levererades av körning")),
        "the rollback says why it left the project: {said:?}"
    );
    // The card still says delivered.
    let card = owner.get_customer(&slug).unwrap();
    assert_eq!(card.status, fabrik::customer::Status::Active);
    sim.shutdown().await;
}
