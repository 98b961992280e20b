//! Issue #55, the lower findings: what the server decides for every login but an owner's. A
//! job's lease ends on the register's clock within the tick's own lease; an alert's episode is
//! raised and cleared only by the seat that holds the alert's job; a backup is marked removed
//! by the retention of the login that took it; the listing is written by its triggers alone.
//! Each is refused at PostgreSQL while the app's own path, as an operator, still works.

use std::time::Duration;

use fabrik::database::backup::rows::{BackupReason, NewBackup};
use fabrik::schedule::rows::{AlertKind, Job, JobOutcome, JOB_LEASE as LEASE};
use serde_json::json;

use super::ledger::refused;
use super::*;
use fabrik::customer::rows::ProofRows;
use fabrik::database::backup::rows::BackupRows;
use fabrik::export::rows::ExportRows;
use fabrik::schedule::rows::ScheduleRows;

/// An operator held the scheduled jobs as long as they liked: `lease_until = '2999-…'` and no
/// other seat's tick did the job again (found it held). Now a lease ends at most the tick's
/// lease after the register's clock, whoever writes it (UPDATE or INSERT); a job's last turn is
/// not dated ahead (the sweep never due again); another login's live lease is not taken over.
/// The tick's own lease, renewal and release work for an operator, and the server names the
/// login that holds a lease.
#[test]
fn an_operator_holds_no_job_past_the_ticks_lease() {
    let register = Register::new("lease");
    let otto = register.person("otto", "operator");
    let ada = register.person("ada", "operator");
    let conn = register.conn(&otto);
    refused(
        &conn,
        "INSERT INTO scheduled_jobs (job, lease_holder, lease_until)
         VALUES ('backup_alert', 'otto', '2999-01-01T00:00:00+00:00')",
        Vec::new(),
    );
    let store = Store::connect(&register.config(&otto))
        .unwrap()
        .with_seat("otto@kontoret");
    let lease = store
        .lease_job(Job::HealthSweep, "otto (pid 1)", LEASE)
        .unwrap()
        .expect("free");
    assert!(store.renew_job(&lease, LEASE).unwrap());
    let admin = register.conn(&register.role);
    let person = |job: &str| -> Option<String> {
        admin
            .query_row(
                "SELECT lease_person FROM scheduled_jobs WHERE job = ?1",
                vec![Value::Text(job.into())],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(person("health_sweep").as_deref(), Some(otto.as_str()));
    store
        .release_job(&lease, JobOutcome::Done, &json!({}))
        .unwrap();
    assert_eq!(person("health_sweep"), None);

    for sql in [
        "UPDATE scheduled_jobs SET lease_holder = 'otto', lease_until = '2999-01-01T00:00:00+00:00'
          WHERE job = 'health_sweep'",
        "UPDATE scheduled_jobs SET last_started_at = '2999-01-01T00:00:00+00:00'
          WHERE job = 'health_sweep'",
        "UPDATE scheduled_jobs SET lease_person = 'ada' WHERE job = 'health_sweep'",
    ] {
        refused(&conn, sql, Vec::new());
    }
    assert!(
        store
            .lease_job(Job::DatabaseBackups, "otto", Duration::from_secs(3600))
            .is_err(),
        "an hour's lease"
    );

    // Another login's live lease stays theirs until it ends.
    let theirs = Store::connect(&register.config(&ada)).unwrap();
    theirs
        .lease_job(Job::RunAlert, "ada (pid 2)", LEASE)
        .unwrap()
        .expect("free");
    refused(
        &conn,
        "UPDATE scheduled_jobs SET lease_holder = 'otto (pid 1)' WHERE job = 'run_alert'",
        Vec::new(),
    );
    assert_eq!(person("run_alert").as_deref(), Some(ada.as_str()));

    // An owner decides otherwise.
    let olle = register.person("olle", "owner");
    register
        .conn(&olle)
        .execute(
            "UPDATE scheduled_jobs SET lease_holder = 'olle', lease_until = '2999-01-01T00:00:00+00:00'
              WHERE job = 'run_alert'",
            (),
        )
        .unwrap();
}

/// An alert is named once per episode, so a row in `alerts` means "the email went". An operator
/// inserted one ahead of time and the real alert was never sent. Now an episode is raised or
/// cleared only by the seat holding the alert's job (its live lease, whose login the server
/// stamped), and stamped with that login and the server's clock.
#[test]
fn an_alert_is_raised_only_under_its_jobs_lease() {
    let register = Register::new("alerts");
    let otto = register.person("otto", "operator");
    let conn = register.conn(&otto);
    let subject = || vec![Value::Text("tyst-kund".into())];
    refused(
        &conn,
        "INSERT INTO alerts (kind, subject, raised_at, raised_by)
         VALUES ('backup_stale', ?1, '2999-01-01T00:00:00+00:00', 'olle@kontoret')",
        subject(),
    );
    let store = Store::connect(&register.config(&otto))
        .unwrap()
        .with_seat("otto@kontoret");
    let named = vec!["tyst-kund".to_string()];
    assert!(store.raise_alerts(AlertKind::BackupStale, &named).is_err());

    // The tick's own path: the job's lease, the alert raised, then given back.
    let lease = store
        .lease_job(Job::BackupAlert, "otto (pid 1)", LEASE)
        .unwrap()
        .expect("free");
    assert_eq!(
        store.raise_alerts(AlertKind::BackupStale, &named).unwrap(),
        named
    );
    // The backup alert's lease raises no run alert.
    assert!(store
        .raise_alerts(AlertKind::RunFailed, &["7".to_string()])
        .is_err());
    let (at, by): (String, String) = register
        .conn(&register.role)
        .query_row(
            "SELECT raised_at, raised_by FROM alerts WHERE subject = ?1",
            subject(),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(at.starts_with("20") && !at.starts_with("2999"), "{at}");
    assert_eq!(by, otto, "the login, stamped by the server");
    assert_eq!(
        store
            .clear_alerts_except(AlertKind::BackupStale, &[])
            .unwrap(),
        1
    );
    store
        .release_job(&lease, JobOutcome::Done, &json!({}))
        .unwrap();
    // Without the lease the episode is not opened again (no email would go).
    refused(
        &conn,
        "UPDATE alerts SET cleared_at = NULL WHERE subject = ?1",
        subject(),
    );
}

/// A usage limit's episode (issue #57) is raised by the login holding the usage job's lease,
/// and by no other job's: the server's guard knows the pair (migration 032).
#[test]
fn a_usage_alert_is_raised_only_under_the_usage_jobs_lease() {
    let register = Register::new("usagealert");
    let otto = register.person("otto", "operator");
    let store = Store::connect(&register.config(&otto))
        .unwrap()
        .with_seat("otto@kontoret");
    let named = vec!["vilande-kund:idle_pause".to_string()];
    assert!(store.raise_alerts(AlertKind::UsageLimit, &named).is_err());
    let other = store
        .lease_job(Job::BackupAlert, "otto (pid 1)", LEASE)
        .unwrap()
        .expect("free");
    assert!(store.raise_alerts(AlertKind::UsageLimit, &named).is_err());
    store
        .release_job(&other, JobOutcome::Done, &json!({}))
        .unwrap();
    let lease = store
        .lease_job(Job::UsageCollect, "otto (pid 1)", LEASE)
        .unwrap()
        .expect("free");
    assert_eq!(
        store.raise_alerts(AlertKind::UsageLimit, &named).unwrap(),
        named
    );
    assert_eq!(
        store
            .clear_alerts_except(AlertKind::UsageLimit, &[])
            .unwrap(),
        1
    );
    store
        .release_job(&lease, JobOutcome::Done, &json!({}))
        .unwrap();
}

/// Billing has a job of its own (issue #69): its alerts are raised under the `billing` job's
/// lease and no longer under the inbox's, read by the guard from the alert kind's row, which
/// no operator can point at another job.
#[test]
fn a_billing_alert_is_raised_only_under_the_billing_jobs_lease_and_its_row_stays() {
    let register = Register::new("billingalert");
    let otto = register.person("otto", "operator");
    let conn = register.conn(&otto);
    refused(
        &conn,
        "UPDATE alert_kinds SET job = 'intake_poll' WHERE name = ?1",
        vec![Value::Text("billing".into())],
    );
    let store = Store::connect(&register.config(&otto))
        .unwrap()
        .with_seat("otto@kontoret");
    let named = vec!["kund:payment_failed:1".to_string()];
    let inbox = store
        .lease_job(Job::IntakePoll, "otto (pid 1)", LEASE)
        .unwrap()
        .expect("free");
    assert!(store.raise_alerts(AlertKind::Billing, &named).is_err());
    store
        .release_job(&inbox, JobOutcome::Done, &json!({}))
        .unwrap();
    let lease = store
        .lease_job(Job::Billing, "otto (pid 1)", LEASE)
        .unwrap()
        .expect("free");
    assert_eq!(
        store.raise_alerts(AlertKind::Billing, &named).unwrap(),
        named
    );
    store
        .release_job(&lease, JobOutcome::Done, &json!({}))
        .unwrap();
}

fn backup(customer: i64, file: &str) -> NewBackup {
    NewBackup {
        customer_id: customer,
        environment: Environment::Sandbox,
        project_ref: "projref".into(),
        run_id: None,
        reason: BackupReason::Scheduled,
        file: file.into(),
        bytes: 1,
        sha256: "00".into(),
        key_id: "k".into(),
        schema_version: None,
        tables: Vec::new(),
    }
}

/// A backup's file is on the computer of the login that took it, and only that login's
/// retention deletes it and marks its row removed. An operator marked any backup removed
/// (`UPDATE backups SET removed_at = …`): it left every list and no restore offered it. Now
/// `removed_at` is set once, on a row of the login's own, at the server's clock.
#[test]
fn an_operator_marks_only_its_own_backups_removed() {
    let register = Register::new("removed");
    let ola = register.person("ola", "owner");
    let otto = register.person("otto", "operator");
    let owners = Store::connect(&register.config(&ola))
        .unwrap()
        .with_seat("ola@kontoret")
        .insert_backup(&backup(register.customer, "ola.fbk"))
        .unwrap()
        .id;
    let store = Store::connect(&register.config(&otto))
        .unwrap()
        .with_seat("otto@kontoret");
    let own = store
        .insert_backup(&backup(register.customer, "otto.fbk"))
        .unwrap()
        .id;
    let conn = register.conn(&otto);
    refused(
        &conn,
        "UPDATE backups SET removed_at = '2020-01-01T00:00:00+00:00' WHERE id = ?1",
        vec![Value::Int(owners)],
    );
    assert!(store.mark_backup_removed(owners).is_err());

    assert!(store.mark_backup_removed(own).unwrap());
    let at: String = register
        .conn(&register.role)
        .query_row(
            "SELECT removed_at FROM backups WHERE id = ?1",
            vec![Value::Int(own)],
            |r| r.get(0),
        )
        .unwrap();
    assert!(at.starts_with("20"), "{at}");
    for sql in [
        "UPDATE backups SET removed_at = NULL WHERE id = ?1",
        "UPDATE backups SET removed_at = '2020-01-01T00:00:00+00:00' WHERE id = ?1",
    ] {
        refused(&conn, sql, vec![Value::Int(own)]);
    }
    let left = store
        .backups(register.customer, Environment::Sandbox, false)
        .unwrap();
    assert_eq!(left.iter().map(|b| b.id).collect::<Vec<_>>(), [owners]);
}

/// The listing (each live customer's status per environment, what the list pages read) is
/// derived by triggers from `customers` and `instances`. An operator deleted a customer's rows
/// and it left every seat's list. Now no login writes it directly, and an operator's edits of
/// customers still keep it in step.
#[test]
fn nobody_writes_the_listing_but_its_triggers() {
    let register = Register::new("listing");
    let otto = register.person("otto", "operator");
    let olle = register.person("olle", "owner");
    let customer = || vec![Value::Int(register.customer)];
    for person in [&otto, &olle] {
        let conn = register.conn(person);
        for sql in [
            "DELETE FROM listing WHERE customer_id = ?1",
            "UPDATE listing SET status = 'active' WHERE customer_id = ?1",
            "INSERT INTO listing (environment, status, name, created_at, customer_id)
             VALUES ('production', 'active', 'Spöke AB', '2026-01-01T00:00:00+00:00', ?1)",
        ] {
            refused(&conn, sql, customer());
        }
    }
    let rows = |name: &str| -> i64 {
        register
            .conn(&register.role)
            .query_row(
                "SELECT count(*) FROM listing WHERE customer_id = ?1 AND name = ?2",
                vec![Value::Int(register.customer), Value::Text(name.into())],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(rows("Rätt Person AB"), 2, "one per environment");
    let conn = register.conn(&otto);
    conn.execute(
        "UPDATE customers SET name = 'Rätt Person AB (ny)' WHERE id = ?1",
        customer(),
    )
    .unwrap();
    assert_eq!(rows("Rätt Person AB (ny)"), 2);
    conn.execute("DELETE FROM customers WHERE id = ?1", customer())
        .unwrap();
    assert_eq!(rows("Rätt Person AB (ny)"), 0);
}

/// The setup proof's mark (030) goes only on a customer that never ran, made by the proof: a
/// real customer marked the proof's would be torn down by "Prova igen" as its test customer.
/// Refused for every login, an owner's too.
#[test]
fn a_customer_that_ran_is_never_marked_the_proofs() {
    let register = Register::new("proofmark");
    let otto = register.person("otto", "operator");
    let olle = register.person("olle", "owner");
    let customer = || vec![Value::Int(register.customer)];
    register
        .conn(&otto)
        .execute(INSERT_RUN, run_values(register.customer, "provision"))
        .unwrap();
    for person in [&otto, &olle] {
        refused(
            &register.conn(person),
            "UPDATE customers SET is_proof = true WHERE id = ?1",
            customer(),
        );
    }
    let store = Store::connect(&register.config(&otto)).unwrap();
    assert!(!store.mark_proof_customer(register.customer).unwrap());
    assert!(!store.is_proof_customer(register.customer).unwrap());
    let made = store
        .create_proof_customer(
            CustomerDraft {
                name: "Fabrik provkund".into(),
                admin_email: "larm@byran.se".into(),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert!(store.is_proof_customer(made.id).unwrap());
}

/// An archive in a seat's export folder is marked removed by that login's keeping alone, once,
/// at the server's time; one a person wrote elsewhere (`--out`) is nobody's to mark.
#[test]
fn an_operator_marks_only_its_own_kept_exports_removed() {
    use fabrik::export::rows::{ExportReason, NewExport};
    let register = Register::new("exports");
    let ola = register.person("ola", "owner");
    let otto = register.person("otto", "operator");
    let export = |file: &'static str, in_folder: bool| NewExport {
        customer_id: register.customer,
        environment: Environment::Sandbox,
        file,
        bytes: 1,
        sha256: "00",
        schema_version: None,
        template_version: None,
        reason: ExportReason::Teardown,
        in_folder,
    };
    let owners = Store::connect(&register.config(&ola))
        .unwrap()
        .with_seat("otto@kontoret")
        .record_export(&export("ola.zip", true))
        .unwrap()
        .id;
    let store = Store::connect(&register.config(&otto))
        .unwrap()
        .with_seat("otto@kontoret");
    let own = store.record_export(&export("otto.zip", true)).unwrap().id;
    let theirs = store.record_export(&export("ut.zip", false)).unwrap().id;
    // The keeping lists this login's archives in the folder, not a row written in its seat's name.
    let kept: Vec<i64> = store
        .own_kept_exports()
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(kept, [own]);
    let conn = register.conn(&otto);
    for id in [owners, theirs] {
        refused(
            &conn,
            "UPDATE exports SET removed_at = '2020-01-01T00:00:00+00:00' WHERE id = ?1",
            vec![Value::Int(id)],
        );
        assert!(store.mark_export_removed(id).is_err(), "{id}");
    }
    assert!(store.mark_export_removed(own).unwrap());
    let at: String = register
        .conn(&register.role)
        .query_row(
            "SELECT removed_at FROM exports WHERE id = ?1",
            vec![Value::Int(own)],
            |r| r.get(0),
        )
        .unwrap();
    assert!(at.starts_with("20") && !at.starts_with("2020"), "{at}");
    for sql in [
        "UPDATE exports SET removed_at = NULL WHERE id = ?1",
        "UPDATE exports SET file = 'x.zip' WHERE id = ?1",
    ] {
        refused(&conn, sql, vec![Value::Int(own)]);
    }
}
