//! Issue #55: the ledger cannot be steered by a login that is not an owner's. An operator's own
//! SQL turned an owner's succeeded provisioning run into `rolling_back` (a rollback of a
//! delivered instance without anyone's consent) and re-pointed a delivered step at another
//! resource (which the next day-two step then acted on). Both are refused by PostgreSQL now,
//! while an operator's own runs are recorded and driven as before.

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ListingRows;
use fabrik::ledger::{RunState, StepKey, StepUpdate};
use fabrik::provision::adoptions::AdoptionRows;
use serde_json::json;

use super::*;

/// A provisioning run recorded and driven to `succeeded` by `store`'s login: the run's id.
pub(super) fn delivered(store: &Store, customer: i64) -> i64 {
    let steps = [StepKey::SupabaseProject, StepKey::Finalize];
    let NewRun::Created(driver) = store
        .create_run_with(
            customer,
            RunKind::Provision,
            Environment::Sandbox,
            &steps,
            None,
        )
        .unwrap()
    else {
        panic!("the customer had an active run");
    };
    for key in steps {
        store
            .step_update(&driver, key, StepUpdate::Started { attempt: 1 })
            .unwrap();
    }
    let resource = StepUpdate::Resource {
        external_id: "kundens-projekt".into(),
        created: true,
        output: Some(json!({ "ref": "kundens-projekt" })),
    };
    store
        .step_update(&driver, StepKey::SupabaseProject, resource)
        .unwrap();
    for key in steps {
        store
            .step_update(&driver, key, StepUpdate::Succeeded)
            .unwrap();
    }
    store
        .set_run_state(&driver, RunState::Succeeded, None, None)
        .unwrap();
    driver.run_id
}

pub(super) fn refused(conn: &Conn, sql: &str, params: Vec<Value>) {
    let e = conn.execute(sql, params).unwrap_err();
    assert_eq!(sqlstate(&e), Some("42501"), "{sql}: {e}");
}

#[test]
fn an_operator_cannot_roll_back_a_delivered_run_or_re_point_its_steps() {
    let register = Register::new("steer");
    let bo = register.person("bo", "operator");
    let owner = Store::connect(&register.config(&register.role)).unwrap();
    let run = delivered(&owner, register.customer);
    let id = vec![Value::Int(run)];

    let conn = register.conn(&bo);
    for sql in [
        "UPDATE runs SET state = 'rolling_back' WHERE id = ?1",
        "UPDATE runs SET state = 'failed' WHERE id = ?1",
        "UPDATE run_steps SET external_id = 'annans-projekt' WHERE run_id = ?1 AND key = 'supabase.project'",
        "UPDATE run_steps SET output = '{\"ref\":\"annans-projekt\"}' WHERE run_id = ?1 AND key = 'supabase.project'",
        "UPDATE run_steps SET created = false WHERE run_id = ?1 AND key = 'supabase.project'",
        "UPDATE run_steps SET state = 'pending' WHERE run_id = ?1 AND key = 'finalize'",
    ] {
        refused(&conn, sql, id.clone());
    }
    refused(
        &conn,
        "INSERT INTO runs (customer_id, kind, state, environment, started_at)
         VALUES (?1, 'provision', 'succeeded', 'sandbox', '2026-11-24T00:00:00+00:00')",
        vec![Value::Int(register.customer)],
    );
    // Through the store, as `fabrik runs rollback` would claim it: named as the right it lacks.
    let store = Store::connect(&register.config(&bo)).unwrap();
    let claimed = store.claim_run(
        run,
        RunState::RollingBack,
        std::time::Duration::from_secs(45),
    );
    let Err(e) = claimed else {
        panic!("an operator claimed a delivered run for a rollback");
    };
    assert_eq!(e.code(), ErrorCode::Forbidden, "{e}");

    let steps = owner.run_steps(run).unwrap();
    let project = steps
        .iter()
        .find(|s| s.key == StepKey::SupabaseProject)
        .unwrap();
    assert_eq!(project.external_id.as_deref(), Some("kundens-projekt"));
    assert_eq!(owner.get_run(run).unwrap().state, RunState::Succeeded);
}

/// The same guard lets an operator record and drive a run of their own, and then holds that
/// run too once it has ended.
#[test]
fn an_operators_own_run_is_driven_and_then_kept() {
    let register = Register::new("ownrun");
    let bo = register.person("bo", "operator");
    let store = Store::connect(&register.config(&bo)).unwrap();
    let run = delivered(&store, register.customer);
    assert_eq!(store.get_run(run).unwrap().state, RunState::Succeeded);
    refused(
        &register.conn(&bo),
        "UPDATE runs SET state = 'rolling_back' WHERE id = ?1",
        vec![Value::Int(run)],
    );
    // An owner may (a person with the right, answerable for it).
    let cecilia = register.person("cecilia", "owner");
    register
        .conn(&cecilia)
        .execute(
            "UPDATE runs SET error = 'granskad' WHERE id = ?1",
            vec![Value::Int(run)],
        )
        .unwrap();
}

/// Adopting what Fabrik did not make is an owner's consent: an operator writes a refusal, and
/// neither allows one nor writes one allowed.
#[test]
fn an_adoption_is_allowed_by_an_owner_only() {
    let register = Register::new("adopt");
    let bo = register.person("bo", "operator");
    let conn = register.conn(&bo);
    let customer = vec![Value::Int(register.customer)];
    refused(
        &conn,
        "INSERT INTO adoptions (customer_id, environment, resource, state, external_id)
         VALUES (?1, 'sandbox', 'ratt-person-ab', 'allowed', 'prj_1')",
        customer.clone(),
    );
    let store = Store::connect(&register.config(&bo)).unwrap();
    store
        .record_refusal(
            register.customer,
            Environment::Sandbox,
            StepKey::VercelProject,
            "ratt-person-ab",
            "prj_1",
            None,
        )
        .unwrap();
    refused(
        &conn,
        "UPDATE adoptions SET state = 'allowed' WHERE customer_id = ?1",
        customer.clone(),
    );
    let Err(e) = store.allow_adoption(
        register.customer,
        "ratt-person-ab",
        Environment::Sandbox,
        "ratt-person-ab",
        fabrik::ledger::AllowedBy::Cli,
    ) else {
        panic!("an operator allowed an adoption");
    };
    assert!(
        matches!(
            e,
            Error::Forbidden {
                right: Right::Adopt,
                ..
            }
        ),
        "{e:?}"
    );
    // The owner allows it; the operator's run then records it adopted, for that id only.
    let run = delivered(&store, register.customer);
    let cecilia = register.person("cecilia", "owner");
    Store::connect(&register.config(&cecilia))
        .unwrap()
        .allow_adoption(
            register.customer,
            "ratt-person-ab",
            Environment::Sandbox,
            "ratt-person-ab",
            fabrik::ledger::AllowedBy::Cli,
        )
        .unwrap();
    store
        .record_adopted(
            register.customer,
            Environment::Sandbox,
            "ratt-person-ab",
            run,
            "prj_1",
        )
        .unwrap();
}

/// A viewer's refused add named the database's own words (`fel [database]: … permission denied
/// for table customers`): it is `forbidden` now, naming the right and who grants it, and
/// nothing is written.
#[test]
fn a_viewers_add_is_refused_naming_the_right() {
    let register = Register::new("viewadd");
    let anna = register.person("anna", "viewer");
    let store = Store::connect(&register.config(&anna)).unwrap();
    let draft = CustomerDraft {
        name: "Tittare AB".into(),
        admin_email: "a@tittare.se".into(),
        ..Default::default()
    };
    let Err(e) = store.create_customer(draft, &ModuleManifest::bundled()) else {
        panic!("a viewer added a customer");
    };
    assert!(
        matches!(
            e,
            Error::Forbidden {
                right: Right::Customers,
                ..
            }
        ),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(
        text.contains("lägga till, ändra och ta bort kunder") && text.contains(&anna),
        "{text}"
    );
    assert!(text.contains("ägare"), "who can grant it: {text}");
    assert_eq!(store.count_customers().unwrap(), 1, "nothing was written");
}

/// A custom domain removed from a delivered site is an owner's, like a teardown (the guarded
/// gate): an operator's run of it is refused by PostgreSQL and named as the right to remove.
#[test]
fn an_operators_domain_removal_is_refused() {
    let register = Register::new("domainrm");
    let bo = register.person("bo", "operator");
    let refused_insert = register
        .conn(&bo)
        .execute(INSERT_RUN, run_values(register.customer, "domain_remove"))
        .unwrap_err();
    assert_eq!(sqlstate(&refused_insert), Some("42501"), "{refused_insert}");
    let store = Store::connect(&register.config(&bo)).unwrap();
    let Err(e) = store.create_run(
        register.customer,
        RunKind::DomainRemove,
        Environment::Sandbox,
        &[],
    ) else {
        panic!("an operator recorded a domain removal");
    };
    assert!(
        matches!(
            e,
            Error::Forbidden {
                right: Right::Remove,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!store.holds(Right::Remove).unwrap());
    assert!(store.holds(Right::DayTwo).unwrap());
}
