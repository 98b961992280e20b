//! What a login could forge on the shared register, refused by the database: look-alikes of the
//! catalogs, the ledger of a delivered instance, what a roll-out applies, backup rows.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;
use fabrik::provision::rollouts::RolloutRows;
use fabrik::requests::IntakeRows;

/// Issue #45: temporary tables named like the catalogs forge no right. An operator's session
/// makes `pg_namespace` and `pg_roles` look-alikes naming itself the schema's owner (the
/// temporary schema is searched first unless a function's path names it last); the register's
/// functions still say operator, a teardown run and an owner's setting are still refused.
#[test]
fn a_temporary_look_alike_of_a_catalog_forges_no_right() {
    let register = Register::new("temp");
    let bo = register.person("bo", "operator");
    let conn = register.conn(&bo);
    for sql in [
        "CREATE TEMP TABLE pg_namespace (oid oid, nspname name, nspowner oid)",
        "INSERT INTO pg_temp.pg_namespace
         SELECT n.oid, n.nspname, r.oid FROM pg_catalog.pg_namespace n, pg_catalog.pg_roles r
          WHERE n.nspname = 'fabrik' AND r.rolname = current_user",
        "CREATE TEMP TABLE pg_roles AS SELECT * FROM pg_catalog.pg_roles",
        "UPDATE pg_temp.pg_roles SET rolname = rolname || '_owner' WHERE rolname = current_user",
    ] {
        conn.execute(sql, ()).unwrap();
    }
    // The look-alikes are there for a query of the session's own …
    let forged: bool = conn
        .query_row(
            "SELECT nspowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
               FROM pg_namespace WHERE nspname = 'fabrik'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    assert!(forged, "the test's look-alike is not what the session sees");
    // … and change no right.
    let owner: bool = conn
        .query_row("SELECT fabrik.has_right('owner')", (), |r| r.get(0))
        .unwrap();
    assert!(!owner, "a temporary table made an operator an owner");
    let operator: bool = conn
        .query_row("SELECT fabrik.has_right('operator')", (), |r| r.get(0))
        .unwrap();
    assert!(operator);
    let refused = conn
        .execute(INSERT_RUN, run_values(register.customer, "teardown"))
        .unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");
    let refused = conn
        .execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, 'x')",
            vec![
                Value::Text("supabase.organization".into()),
                Value::Text("annan-org".into()),
            ],
        )
        .unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");
    conn.execute(INSERT_RUN, run_values(register.customer, "provision"))
        .unwrap();
}

/// Issue #45: the functions that make and drop logins (SECURITY DEFINER, as `<role>_people`) are
/// not led by an owner's temporary look-alikes of `pg_roles` and `pg_auth_members` into dropping
/// a role of the cluster that is no person of this register.
#[test]
fn a_temporary_look_alike_drops_no_role_of_the_cluster() {
    let register = Register::new("drop");
    let cecilia = register.person("cecilia", "owner");
    let outsider = format!("outsider_{}", register.role);
    let admin =
        Conn::postgres(PgConn::connect(&PgConfig::parse(&register.admin_url).unwrap()).unwrap());
    admin
        .execute(&format!("CREATE ROLE \"{outsider}\" NOLOGIN"), ())
        .unwrap();
    let conn = register.conn(&cecilia);
    let viewer = format!("{}_viewer", register.role);
    for sql in [
        "CREATE TEMP TABLE pg_roles AS SELECT oid, rolname, rolcanlogin FROM pg_catalog.pg_roles"
            .to_string(),
        format!("UPDATE pg_temp.pg_roles SET rolcanlogin = true WHERE rolname = '{outsider}'"),
        "CREATE TEMP TABLE pg_auth_members AS SELECT roleid, member FROM pg_catalog.pg_auth_members"
            .to_string(),
        format!(
            "INSERT INTO pg_temp.pg_auth_members (roleid, member)
             SELECT g.oid, m.oid FROM pg_catalog.pg_roles g, pg_catalog.pg_roles m
              WHERE g.rolname = '{viewer}' AND m.rolname = '{outsider}'"
        ),
        // The functions run as `<role>_people`: let it read the look-alikes.
        "GRANT SELECT ON pg_temp.pg_roles, pg_temp.pg_auth_members TO PUBLIC".to_string(),
    ] {
        conn.execute(&sql, ()).unwrap();
    }
    let refused = conn
        .execute(
            "SELECT fabrik.remove_person(?1)",
            vec![Value::Text(outsider.clone())],
        )
        .unwrap_err();
    assert_eq!(sqlstate(&refused), Some("22023"), "{refused}");
    let still: bool = admin
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?1)",
            vec![Value::Text(outsider.clone())],
            |r| r.get(0),
        )
        .unwrap();
    assert!(still, "{outsider} was dropped");
    admin
        .execute(&format!("DROP ROLE \"{outsider}\""), ())
        .unwrap();
}

/// Issue #45: the record of what Fabrik made is the owners' to remove. An operator's login may
/// not delete a customer that has runs, its adoptions, its instance record or the ledger's
/// steps, nor give such a customer another slug; it still edits the customer, and removes one
/// that never ran. An owner may.
#[test]
fn an_operator_may_not_erase_the_ledger_of_a_delivered_instance() {
    let register = Register::new("ledger");
    let bo = register.person("bo", "operator");
    let conn = register.conn(&bo);
    let customer = vec![Value::Int(register.customer)];
    conn.execute(INSERT_RUN, run_values(register.customer, "provision"))
        .unwrap();
    conn.execute(
        "INSERT INTO adoptions (customer_id, environment, resource, state)
         VALUES (?1, 'sandbox', 'rätt-person-ab', 'refused')",
        customer.clone(),
    )
    .unwrap();
    for sql in [
        "DELETE FROM adoptions WHERE customer_id = ?1",
        "DELETE FROM run_steps WHERE run_id IN (SELECT id FROM runs WHERE customer_id = ?1)",
        "DELETE FROM instances WHERE customer_id = ?1",
        "UPDATE customers SET slug = 'annan-kund' WHERE id = ?1",
        "DELETE FROM customers WHERE id = ?1",
    ] {
        let refused = conn.execute(sql, customer.clone()).unwrap_err();
        assert_eq!(sqlstate(&refused), Some("42501"), "{sql}: {refused}");
    }
    conn.execute(
        "UPDATE customers SET name = 'Rätt Person AB (ny)' WHERE id = ?1",
        customer.clone(),
    )
    .unwrap();
    // A customer that never ran is still an operator's to remove.
    let store = Store::connect(&register.config(&bo)).unwrap();
    let spare = store
        .create_customer(
            CustomerDraft {
                name: "Aldrig Körd AB".into(),
                admin_email: "a@aldrig.se".into(),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    store.delete_customer(&spare.slug).unwrap();

    let cecilia = register.person("cecilia", "owner");
    let owner = register.conn(&cecilia);
    for sql in [
        "DELETE FROM adoptions WHERE customer_id = ?1",
        "DELETE FROM run_steps WHERE run_id IN (SELECT id FROM runs WHERE customer_id = ?1)",
        "UPDATE customers SET slug = 'annan-kund' WHERE id = ?1",
    ] {
        owner.execute(sql, customer.clone()).unwrap();
    }
}

/// What a roll-out applies is fixed when it is planned (issue #45): no login, an owner's
/// neither, rewrites its files (the row holds them and their hashes) or where they came from;
/// an operator still moves it and its members on, as their runs do.
#[test]
fn nobody_rewrites_what_a_rollout_applies_and_operators_still_advance_it() {
    use fabrik::ledger::{MemberState, RolloutKind};
    use fabrik::provision::rollouts::NewMember;
    let register = Register::new("rolloutfiles");
    let store = Store::connect(&register.config(&register.role)).unwrap();
    let id = store
        .create_rollout(
            Environment::Sandbox,
            RolloutKind::Schema,
            "dir:/tmp/planerad",
            "[]",
            0.2,
            &[NewMember {
                customer_id: register.customer,
                wave: 0,
                state: MemberState::Pending,
                reason: None,
                version_before: None,
            }],
        )
        .unwrap();
    let id = vec![Value::Int(id)];
    let otto = register.person("otto", "operator");
    let ola = register.person("ola", "owner");
    for person in [&otto, &ola] {
        let conn = register.conn(person);
        for sql in [
            "UPDATE rollouts SET migrations = '[{\"sql\":\"drop table x\"}]' WHERE id = ?1",
            "UPDATE rollouts SET source = 'dir:/tmp/annan' WHERE id = ?1",
            "UPDATE rollouts SET halt_share = 1.0 WHERE id = ?1",
            "UPDATE rollout_members SET customer_id = customer_id WHERE rollout_id = ?1",
            "UPDATE rollout_members SET version_before = 'x' WHERE rollout_id = ?1",
        ] {
            let refused = conn.execute(sql, id.clone()).unwrap_err();
            assert_eq!(
                sqlstate(&refused),
                Some("42501"),
                "{person}: {sql}: {refused}"
            );
        }
        conn.execute(
            "UPDATE rollouts SET state = 'running', wave = 0 WHERE id = ?1",
            id.clone(),
        )
        .unwrap();
        conn.execute(
            "UPDATE rollout_members SET state = 'running', version_after = '1' WHERE rollout_id = ?1",
            id.clone(),
        )
        .unwrap();
    }
}

/// A backup row's login and time are the server's (issue #45): an operator who records
/// backups in another seat's name, dated in the future, gets rows stamped with their own
/// login and the server's clock, and that seat's retention does not count them: its own old
/// backups stay (before, the forged rows took the places retention keeps and it deleted them).
#[test]
fn forged_backup_rows_push_no_seats_real_backups_out() {
    use fabrik::database::backup::files;
    use fabrik::database::backup::rows::{BackupReason, NewBackup};
    let register = Register::new("backupstamps");
    let ola = register.person("ola", "owner");
    let otto = register.person("otto", "operator");
    let seat = "ola@kontoret";
    let own = Store::connect(&register.config(&ola))
        .unwrap()
        .with_seat(seat);
    let new = |file: &str| NewBackup {
        customer_id: register.customer,
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
    };
    let real: Vec<i64> = ["a.fbk", "b.fbk"]
        .iter()
        .map(|f| own.insert_backup(&new(f)).unwrap().id)
        .collect();
    // Two months old (only the register's role may change a row's time).
    let admin = register.conn(&register.role);
    admin
        .execute_batch("UPDATE backups SET created_at = '2026-01-01T00:00:00+00:00'")
        .unwrap();

    let forger = register.conn(&otto);
    for n in 0..3 {
        forger
            .execute(
                "INSERT INTO backups (customer_id, environment, project_ref, reason, file, bytes,
                                      sha256, key_id, tables, created_at, seat, person)
                 VALUES (?1, 'sandbox', 'projref', 'scheduled', ?2, 1, '00', 'k', '[]',
                         '2999-01-01T00:00:00+00:00', ?3, ?4)",
                vec![
                    Value::Int(register.customer),
                    Value::Text(format!("forged-{n}.fbk")),
                    Value::Text(seat.into()),
                    Value::Text(ola.clone()),
                ],
            )
            .unwrap();
    }
    let stamped: Vec<(String, String)> = admin
        .query_map(
            "SELECT created_at, person FROM backups WHERE file LIKE 'forged-%'",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stamped.len(), 3);
    for (at, person) in &stamped {
        assert!(at.starts_with("20") && !at.starts_with("2999"), "{at}");
        assert_eq!(
            person, &otto,
            "the login that wrote it, not the one it named"
        );
    }

    let removed =
        files::apply_retention(&own, register.customer, Environment::Sandbox, 2, 30, None).unwrap();
    assert!(removed.is_empty(), "{removed:?}");
    let left = own
        .backups(register.customer, Environment::Sandbox, false)
        .unwrap();
    for id in real {
        assert!(left.iter().any(|b| b.id == id), "{id} was removed");
    }
}

/// Issue #55: who decided about a request in the inbox is the server's to say. An operator's
/// approval is stamped with their own login whatever the statement names, and neither the
/// approval nor a rejection can be rewritten afterwards into someone else's (nor a row
/// inserted as decided by someone else).
#[test]
fn who_decided_about_a_request_is_the_login_that_did() {
    use fabrik::requests::{IntakeSource, NewIntake};
    let register = Register::new("decided");
    let olle = register.person("olle", "owner");
    let otto = register.person("otto", "operator");
    let store = Store::connect(&register.config(&otto))
        .unwrap()
        .with_seat("otto@kontoret");
    let new = |ext: &str| NewIntake {
        source: IntakeSource::Portal,
        external_id: ext.into(),
        name: format!("Kund {ext}"),
        admin_email: format!("{ext}@kund.se"),
        plan: None,
        organization_id: None,
        detail: "{}".into(),
    };
    let approved = store.add_intake(&new("a")).unwrap().unwrap();
    let rejected = store.add_intake(&new("b")).unwrap().unwrap();
    // An operator's seat polls: a later event says more of a pending request (the checkout's
    // company and its link to an organization after the invoice's payer).
    let org = "0a000000-0000-0000-0000-00000000000a";
    store
        .refine_intake(
            &NewIntake {
                name: "Kund a AB".into(),
                organization_id: Some(org.into()),
                ..new("a")
            },
            true,
        )
        .unwrap();
    let refined = store.intake_item(approved).unwrap().unwrap();
    assert_eq!(
        (refined.name.as_str(), refined.organization_id.as_deref()),
        ("Kund a AB", Some(org))
    );
    assert!(store.claim_intake(approved, &olle).unwrap());
    assert!(store.reject_intake(rejected, "dubblett", &olle).unwrap());
    let by = |id: i64| store.intake_item(id).unwrap().unwrap().decided_by;
    assert_eq!(
        by(approved).as_deref(),
        Some(otto.as_str()),
        "the login, not the name given"
    );
    assert_eq!(by(rejected).as_deref(), Some(otto.as_str()));

    let forger = register.conn(&otto);
    forger
        .execute(
            "UPDATE intake SET decided_by = ?1, decided_at = '2020-01-01T00:00:00+00:00'",
            vec![Value::Text(olle.clone())],
        )
        .unwrap();
    // Nor is what a decided request was rewritten: its link and its name are kept, where it
    // came from is no operator's to write.
    forger
        .execute_batch("UPDATE intake SET name = 'Någon annan'")
        .unwrap();
    let e = forger
        .execute_batch("UPDATE intake SET organization_id = '0b000000-0000-0000-0000-00000000000b'")
        .unwrap_err();
    assert_eq!(sqlstate(&e), Some("42501"), "{e}");
    let e = forger
        .execute_batch("UPDATE intake SET external_id = 'z'")
        .unwrap_err();
    assert_eq!(sqlstate(&e), Some("42501"), "{e}");
    let kept = store.intake_item(approved).unwrap().unwrap();
    assert_eq!(
        (kept.name.as_str(), kept.organization_id.as_deref()),
        ("Kund a AB", Some(org))
    );
    forger
        .execute(
            "INSERT INTO intake (source, external_id, name, admin_email, state, received_at, decided_at, decided_by)
             VALUES ('portal', 'c', 'Kund c', 'c@kund.se', 'approved', 'x', '2020-01-01T00:00:00+00:00', ?1)",
            vec![Value::Text(olle.clone())],
        )
        .unwrap();
    let rows: Vec<(String, Option<String>, Option<String>)> = register
        .conn(&register.role)
        .query_map(
            "SELECT external_id, decided_by, decided_at FROM intake ORDER BY external_id",
            (),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(rows.len(), 3);
    for (ext, by, at) in rows {
        assert_eq!(by.as_deref(), Some(otto.as_str()), "{ext}");
        assert!(at.is_some_and(|at| !at.starts_with("2020")), "{ext}");
    }
}
