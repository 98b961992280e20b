//! An import replaces a customer's data: on a shared register only an owner passes its gate,
//! and PostgreSQL itself refuses an operator's import run (the kind's word is the owners', as a
//! restore's is), whatever was typed.

use fabrik::customer::rows::ListingRows;
use fabrik::environment::Environment;
use fabrik::ledger::RunKind;
use fabrik::messages::Right;
use fabrik::provision::gate;
use fabrik::store::db::{DbError, Value};
use fabrik::store::Store;
use fabrik::Error;

use crate::rights::Register;

#[test]
fn an_operators_import_is_refused_by_the_gate_and_by_postgresql() {
    let register = Register::new("move");
    let owner = Store::connect(&register.config(&register.role)).unwrap();
    let customer = owner.list_customers(&Default::default()).unwrap().rows[0].clone();
    let bo = register.person("bo", "operator");
    let store = Store::connect(&register.config(&bo)).unwrap();

    // The gate, before anything is read: the right, however rightly the slug was typed.
    let refused = gate::pass(&store, Right::Restore, &customer.slug, &customer.slug).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::Restore,
                ..
            }
        ),
        "{refused:?}"
    );
    let refused = store
        .create_run(customer.id, RunKind::Import, Environment::Sandbox, &[])
        .err()
        .expect("refused");
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::Restore,
                ..
            }
        ),
        "{refused:?}"
    );
    // Past the store, the database: the policy on `runs` reads the word's `owners_only`.
    let refused = register
        .conn(&bo)
        .execute(
            "INSERT INTO runs (customer_id, kind, state, environment, started_at)
             VALUES (?1, ?2, 'failed', 'sandbox', '2026-11-27T00:00:00+00:00')",
            vec![Value::Int(customer.id), Value::Text("import".into())],
        )
        .unwrap_err();
    assert!(
        matches!(&refused, DbError::Postgres(_, Some(state)) if state == "42501"),
        "{refused}"
    );
    // The owner passes, with the slug typed and only then.
    assert!(gate::pass(&owner, Right::Restore, &customer.slug, &customer.slug).is_ok());
    assert!(matches!(
        gate::pass(&owner, Right::Restore, &customer.slug, "annan-kund"),
        Err(Error::NotConfirmed)
    ));
}
