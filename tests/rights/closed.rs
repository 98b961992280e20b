//! Issue #67, the review's database findings: what an operator's own SQL could still write on
//! the shared register, each now refused or stamped by the server (migration 038). Each
//! statement here was accepted at `97c4621` as written.

use fabrik::billing::rows::BillingRows;
use fabrik::billing::rows::{DecisionState, NewDecision, Step, Transition};
use fabrik::customer::rows::ProofRows;
use fabrik::provision::handovers::HandoverRows;
use fabrik::provision::handovers::{NewHandover, Part};
use fabrik::requests::IntakeRows;

use super::ledger::{delivered, refused};
use super::*;

/// A handover recorded by the register's owner role for the register's customer.
fn handover(register: &Register) -> i64 {
    let owner = Store::connect(&register.config(&register.role)).unwrap();
    let run = delivered(&owner, register.customer);
    owner
        .record_handover(&NewHandover {
            customer_id: register.customer,
            environment: Environment::Sandbox,
            run_id: run,
            to_github: "kunden",
            to_vercel_team: "team_kunden",
            to_supabase_org: "org-kunden",
            contact: "vd@kunden.se",
            letter: None,
        })
        .unwrap()
}

/// Before: `UPDATE handovers SET handed_over_at = …` as an operator made every later run of a
/// customer still the agency's refused, and clearing it reopened runs on what the customer now
/// owns. Now a part is marked once, at the register's clock, and the handover is done only
/// after all three; the tick (any seat) still follows it.
#[test]
fn an_operator_neither_ends_nor_reopens_a_handover() {
    let register = Register::new("handed");
    let bo = register.person("bo", "operator");
    let id = handover(&register);
    let forger = register.conn(&bo);
    refused(
        &forger,
        "UPDATE handovers SET handed_over_at = '2026-01-01T00:00:00+00:00' WHERE id = ?1",
        vec![Value::Int(id)],
    );
    // A part taken, as the tick marks it: the time is the register's, not the statement's.
    forger
        .execute(
            "UPDATE handovers SET supabase_claimed_at = '1999-01-01T00:00:00+00:00' WHERE id = ?1",
            vec![Value::Int(id)],
        )
        .unwrap();
    let claimed: String = forger
        .query_row(
            "SELECT supabase_claimed_at FROM handovers WHERE id = ?1",
            vec![Value::Int(id)],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        claimed.starts_with("20"),
        "stamped by the server: {claimed}"
    );
    refused(
        &forger,
        "UPDATE handovers SET supabase_claimed_at = NULL WHERE id = ?1",
        vec![Value::Int(id)],
    );
    // The store's own way, on an operator's seat: the other two parts, then it is done.
    let store = Store::connect(&register.config(&bo)).unwrap();
    store.handover_taken(id, Part::Vercel).unwrap();
    let done = store.handover_taken(id, Part::Github).unwrap();
    assert!(done.handed_over_at.is_some(), "{done:?}");
    refused(
        &forger,
        "UPDATE handovers SET handed_over_at = NULL WHERE id = ?1",
        vec![Value::Int(id)],
    );
    assert!(store
        .handed_over(register.customer, Environment::Sandbox)
        .unwrap());
}

/// Before: an operator inserted a decision with `decided_by = 'owner'` and could turn a
/// dismissed one back into waiting (to be accepted again). Now who settled it and when are
/// the login's and the register's, for everyone, and a settled decision stays settled.
#[test]
fn who_settled_a_billing_decision_is_the_login_that_did() {
    let register = Register::new("settled");
    let bo = register.person("bo", "operator");
    let cecilia = register.person("cecilia", "owner");
    let forger = register.conn(&bo);
    forger
        .execute(
            "INSERT INTO billing_decisions (customer_id, environment, subscription, transition,
                    step, episode, state, created_at, decided_at, decided_by)
             VALUES (?1, 'sandbox', 'sub_1', 'payment_failed', 'do', 'e1', 'done',
                     '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', ?2)",
            vec![Value::Int(register.customer), Value::Text(cecilia.clone())],
        )
        .unwrap();
    let who: (Option<String>, Option<String>) = forger
        .query_row(
            "SELECT decided_by, decided_at FROM billing_decisions WHERE episode = 'e1'",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        who.0.as_deref(),
        Some(bo.as_str()),
        "the login, not the name"
    );
    assert!(who.1.is_some_and(|t| !t.starts_with("2026-01-01")));

    let store = Store::connect(&register.config(&bo)).unwrap();
    let waiting = store
        .add_billing_decision(&NewDecision {
            customer_id: register.customer,
            environment: Environment::Sandbox,
            subscription: "sub_1".into(),
            transition: Transition::PeriodEnded,
            step: Step::Offer,
            episode: "e2".into(),
            event_id: None,
            state: DecisionState::Waiting,
            note: None,
        })
        .unwrap()
        .unwrap();
    assert!(store
        .settle_billing_decision(
            waiting,
            DecisionState::Dismissed,
            None,
            None,
            Some(&cecilia)
        )
        .unwrap());
    let row = store
        .billing_decisions(Environment::Sandbox, None, None, 10)
        .unwrap()
        .into_iter()
        .find(|d| d.id == waiting)
        .unwrap();
    assert_eq!(row.decided_by.as_deref(), Some(bo.as_str()));
    refused(
        &forger,
        "UPDATE billing_decisions SET state = 'waiting' WHERE id = ?1",
        vec![Value::Int(waiting)],
    );
    // Its note may still be written (a run that could not start says why).
    store.note_billing_decision(waiting, "läst").unwrap();
}

/// Before: an operator inserted a customer already marked as the setup proof's (which the
/// proof's "Prova igen" then tears down) and rewrote a customer's uid (which every marker
/// and run mark names). Both are refused now; the proof's own way still marks its customer.
#[test]
fn a_customers_identity_is_not_an_operators_to_write() {
    let register = Register::new("identity");
    let bo = register.person("bo", "operator");
    let forger = register.conn(&bo);
    refused(
        &forger,
        "INSERT INTO customers (slug, name, admin_email, plan, search_text, created_at, updated_at, is_proof)
         SELECT 'falsk-prov', name, admin_email, plan, search_text, created_at, updated_at, true
           FROM customers WHERE id = ?1",
        vec![Value::Int(register.customer)],
    );
    refused(
        &forger,
        "UPDATE customers SET uid = 'c0ffee00c0ffee00' WHERE id = ?1",
        vec![Value::Int(register.customer)],
    );
    let store = Store::connect(&register.config(&bo)).unwrap();
    let proof = store
        .create_proof_customer(
            CustomerDraft {
                name: "Fabrik provkund".into(),
                admin_email: "prov@byran.se".into(),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert!(store.is_proof_customer(proof.id).unwrap());
}

/// Before: an operator re-pointed a pending request at another organization, so the portal's
/// answer (the instance's URLs, its state) went to that organization's row. Once known, a
/// request's organization stays.
#[test]
fn a_requests_organization_stays_the_one_that_asked() {
    use fabrik::requests::{IntakeSource, NewIntake};
    let register = Register::new("organization");
    let bo = register.person("bo", "operator");
    let store = Store::connect(&register.config(&bo)).unwrap();
    let org = "0a000000-0000-0000-0000-00000000000a";
    let id = store
        .add_intake(&NewIntake {
            source: IntakeSource::Portal,
            external_id: "req-1".into(),
            name: "Kund AB".into(),
            admin_email: "a@kund.se".into(),
            plan: None,
            organization_id: Some(org.into()),
            detail: "{}".into(),
        })
        .unwrap()
        .unwrap();
    refused(
        &register.conn(&bo),
        "UPDATE intake SET organization_id = '0b000000-0000-0000-0000-00000000000b' WHERE id = ?1",
        vec![Value::Int(id)],
    );
    let kept = store.intake_item(id).unwrap().unwrap();
    assert_eq!(kept.state, fabrik::requests::IntakeState::Pending);
    assert_eq!(kept.organization_id.as_deref(), Some(org));
}
