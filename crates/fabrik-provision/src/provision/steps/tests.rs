//! The step tables' own rules: every step once in DAG order, the irreversible last, and what
//! each undo says to do by hand.

use super::*;
use crate::ledger::RunKind;

/// The database runs' own steps: verify follows a migrate, a restore, an import or a recovery.
const DATABASE: [StepKey; 6] = [
    StepKey::SupabaseBackup,
    StepKey::SupabaseMigrate,
    StepKey::SupabaseVerify,
    StepKey::SupabaseRestoreBackup,
    StepKey::SupabaseImport,
    StepKey::SupabaseRecover,
];

#[test]
fn the_tables_have_every_step_once_in_dag_order() {
    let every: Vec<StepKey> = all().map(|d| d.key).collect();
    assert_eq!(every, StepKey::ALL, "the tables follow StepKey's order");
    for kind in RunKind::ALL {
        let table = crate::provision::kinds::def(*kind).steps;
        for (i, d) in table.iter().map(|k| k.def()).enumerate() {
            for dep in d.needs {
                // A need outside the table is one provisioning met before this run, or the
                // other database runs' alternative (verify follows migrate, restore or
                // recover).
                let j = table.iter().position(|x| x == dep);
                let earlier = *kind != RunKind::Provision
                    && (delivery().any(|p| p.key == *dep) || DATABASE.contains(dep));
                assert!(
                    j.is_some_and(|j| j < i) || (j.is_none() && earlier),
                    "{} needs {dep}, not listed before it in {kind}",
                    d.key
                );
            }
            assert!(!d.label.is_empty() && !d.label_en.is_empty());
        }
    }
}

/// What cannot be taken back comes after everything that can fail: in every kind, an
/// email step needs (through its needs) every other step of the kind's table.
#[test]
fn irreversible_steps_wait_for_every_other_step_of_their_kind() {
    fn ancestors(key: StepKey, table: &[StepKey], into: &mut Vec<StepKey>) {
        for dep in key.needs().iter().filter(|d| table.contains(d)) {
            if !into.contains(dep) {
                into.push(*dep);
                ancestors(*dep, table, into);
            }
        }
    }
    for kind in RunKind::ALL {
        let table = crate::provision::kinds::def(*kind).steps;
        for last in table.iter().filter(|k| k.irreversible()) {
            let mut before = Vec::new();
            ancestors(*last, table, &mut before);
            for other in table.iter().filter(|k| *k != last) {
                assert!(
                    before.contains(other),
                    "{kind}: {last} cannot be taken back, yet it may go before {other} ends"
                );
            }
        }
    }
}

#[test]
fn update_steps_restore_and_say_what_to_do_by_hand() {
    for d in [&modules::CONFIG, &modules::ENV, &modules::DEPLOY] {
        let undo = d.undo.as_ref().expect("every update step can be put back");
        assert!(undo.restores, "{}", d.key);
        let text = (undo.manual)("ID-9");
        assert!(text.sv.contains("ID-9") && text.en.contains("ID-9"));
    }
}

#[test]
fn undoable_steps_say_what_to_do_by_hand() {
    let keys: Vec<StepKey> = undoable().map(|d| d.key).collect();
    assert_eq!(
        keys,
        [
            StepKey::SupabaseProject,
            StepKey::GithubRepo,
            StepKey::VercelProject,
            StepKey::N8nWorkflow,
            StepKey::ResendSendingKey,
            StepKey::SupabaseAuthMail
        ]
    );
    for d in undoable() {
        let text = (d.undo.as_ref().unwrap().manual)("ID-123");
        assert!(
            text.sv.contains("ID-123") && text.en.contains("ID-123"),
            "{}: {text}",
            d.key
        );
    }
}
