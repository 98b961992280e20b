//! Rights per person on the shared register (issue #29): each person logs in as a role of their
//! own, a member of the register's viewer, operator or owner group, and PostgreSQL itself refuses
//! what the group may not do. Each test issues the statement the app would, on a connection of
//! that person's, and then goes through the store to see the refusal named.

use fabrik::customer::{CustomerDraft, ModuleManifest};
use fabrik::environment::Environment;
use fabrik::ledger::RunKind;
use fabrik::messages::{ErrorCode, Right};
use fabrik::store::db::{Conn, PgConfig, PgConn, Value};
use fabrik::store::runs::NewRun;
use fabrik::store::Store;
use fabrik::Error;

use crate::common;

/// Never a real password: found by the same search as the other sentinels if it leaks.
const PASSWORD: &str = "SENTINEL-person-password-5b7e";

fn psql() -> std::path::PathBuf {
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|d| {
            d.flatten()
                .map(|e| e.path().join("bin/psql"))
                .find(|p| p.exists())
        })
        .expect("psql is installed with PostgreSQL (scripts/setup.sh)")
}

/// Runs one of scripts/postgres/*.sql as the cluster's administrator; the password goes in the
/// environment, never on the command line.
fn script(admin_url: &str, name: &str, vars: &[(&str, &str)]) {
    let mut cmd = std::process::Command::new(psql());
    cmd.arg(admin_url).args(["-q", "-v", "ON_ERROR_STOP=1"]);
    for (k, v) in vars {
        cmd.arg("-v").arg(format!("{k}={v}"));
    }
    let out = cmd
        .arg("-f")
        .arg(format!(
            "{}/scripts/postgres/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .env("FABRIK_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!said.contains(PASSWORD), "{said}");
}

struct Register {
    admin_url: String,
    role: String,
    customer: i64,
}

impl Register {
    /// A register made by fabrik-role.sql and migrated by its role, with one customer.
    fn new(tag: &str) -> Register {
        let admin_url = common::pg_database_url();
        let role = format!("fabrik_{tag}_{}", std::process::id());
        script(&admin_url, "fabrik-role.sql", &[("role", &role)]);
        let register = Register {
            admin_url,
            role: role.clone(),
            customer: 0,
        };
        let store = Store::connect(&register.config(&role)).unwrap();
        let customer = store
            .create_customer(
                CustomerDraft {
                    name: "Rätt Person AB".into(),
                    admin_email: "a@ratt.se".into(),
                    ..Default::default()
                },
                &ModuleManifest::bundled(),
            )
            .unwrap();
        Register {
            customer: customer.id,
            ..register
        }
    }

    fn config(&self, user: &str) -> PgConfig {
        let mut url = url::Url::parse(&self.admin_url).unwrap();
        url.set_username(user).unwrap();
        let mut config = PgConfig::parse(url.as_str()).unwrap();
        config.set_password(PASSWORD);
        config
    }

    /// A person in one of the register's groups, made by fabrik-person.sql.
    fn person(&self, name: &str, right: &str) -> String {
        let person = format!("{name}_{}", self.role);
        script(
            &self.admin_url,
            "fabrik-person.sql",
            &[
                ("register", &self.role),
                ("person", &person),
                ("right", right),
            ],
        );
        person
    }

    fn conn(&self, person: &str) -> Conn {
        Conn::postgres(PgConn::connect(&self.config(person)).unwrap())
    }
}

fn sqlstate(e: &fabrik::store::db::DbError) -> Option<&str> {
    match e {
        fabrik::store::db::DbError::Postgres(_, state) => state.as_deref(),
        _ => None,
    }
}

fn run_values(customer: i64, kind: &str) -> Vec<Value> {
    vec![Value::Int(customer), Value::Text(kind.into())]
}

const INSERT_RUN: &str = "INSERT INTO runs (customer_id, kind, state, environment, started_at)
                          VALUES (?1, ?2, 'failed', 'sandbox', '2026-11-24T00:00:00+00:00')";

/// A viewer reads the register and may start nothing: PostgreSQL refuses the run's INSERT
/// (42501, no INSERT on `runs` for the viewer group), and the store names the missing right.
#[test]
fn a_viewers_provision_is_refused_by_postgresql() {
    let register = Register::new("view");
    let anna = register.person("anna", "viewer");

    let store = Store::connect(&register.config(&anna)).unwrap();
    assert_eq!(store.count_customers().unwrap(), 1, "a viewer reads");
    let conn = register.conn(&anna);
    let refused = conn
        .execute(INSERT_RUN, run_values(register.customer, "provision"))
        .unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");

    let refused = store
        .create_run(
            register.customer,
            RunKind::Provision,
            Environment::Sandbox,
            &[],
        )
        .err()
        .expect("refused");
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::Provision,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let text = refused.to_string();
    assert!(
        text.contains("provisionera") && text.contains(&anna),
        "{text}"
    );
    assert!(ErrorCode::Forbidden
        .en(&refused.params())
        .contains("provision"));
}

/// An operator provisions, and is refused a teardown by the row-level security policy on
/// `runs`, and the back door of turning a run into a teardown by the column grant.
#[test]
fn an_operators_teardown_is_refused_by_postgresql() {
    let register = Register::new("oper");
    let bo = register.person("bo", "operator");

    let conn = register.conn(&bo);
    let refused = conn
        .execute(INSERT_RUN, run_values(register.customer, "teardown"))
        .unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");
    conn.execute(INSERT_RUN, run_values(register.customer, "provision"))
        .unwrap();
    let refused = conn
        .execute("UPDATE runs SET kind = 'teardown'", ())
        .unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");
    // Nor can a run or a log line be written in another's name, or the log rewritten.
    for sql in [
        "INSERT INTO runs (customer_id, kind, state, environment, started_at, person)
         VALUES (?1, ?2, 'failed', 'sandbox', 'x', 'cecilia')",
        "UPDATE run_log SET message = 'inget hände' WHERE run_id = ?1 AND ?2 <> ''",
        "DELETE FROM runs WHERE customer_id = ?1 AND kind = ?2",
    ] {
        let refused = conn
            .execute(sql, run_values(register.customer, "provision"))
            .unwrap_err();
        assert_eq!(sqlstate(&refused), Some("42501"), "{sql}: {refused}");
    }

    let store = Store::connect(&register.config(&bo)).unwrap();
    let refused = store
        .create_run(
            register.customer,
            RunKind::Teardown,
            Environment::Sandbox,
            &[],
        )
        .err()
        .expect("refused");
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::Teardown,
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("avveckla"), "{refused}");
    // A restore replaces the customer's data: an owner's right too (issue #30), and so does
    // Supabase's own recovery (issue #32).
    let refused = conn
        .execute(INSERT_RUN, run_values(register.customer, "restore"))
        .unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");
    let refused = conn
        .execute(INSERT_RUN, run_values(register.customer, "recover"))
        .unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");
    let refused = store
        .create_run(
            register.customer,
            RunKind::Restore,
            Environment::Sandbox,
            &[],
        )
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

    // What an operator may do, it does, and the run records who.
    let NewRun::Created(driver) = store
        .create_run(
            register.customer,
            RunKind::Provision,
            Environment::Sandbox,
            &[],
        )
        .unwrap()
    else {
        panic!("the customer had no active run");
    };
    let run = store.get_run(driver.run_id).unwrap();
    assert_eq!(run.person.as_deref(), Some(bo.as_str()));

    // The register's settings are the owners'; what a seat's own work leaves there is not.
    store.set_setting("ui.language", "en").unwrap();
    let refused = store
        .set_setting("supabase.organization", "annan-org")
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::Settings,
                ..
            }
        ),
        "{refused:?}"
    );

    // An owner may tear down, and change the settings.
    let cecilia = register.person("cecilia", "owner");
    let owner = register.conn(&cecilia);
    owner
        .execute(INSERT_RUN, run_values(register.customer, "teardown"))
        .unwrap();
    Store::connect(&register.config(&cecilia))
        .unwrap()
        .set_setting("supabase.organization", "annan-org")
        .unwrap();
}

/// A register of the one role of before (no groups) keeps working as that role, teardown
/// included; once an administrator adds the groups (fabrik-rights.sql), the role's next
/// connection gives them their rights, and a person in one reads.
#[test]
fn a_register_of_one_role_gets_its_groups_later() {
    let admin_url = common::pg_database_url();
    let role = format!("fabrik_late_{}", std::process::id());
    script(&admin_url, "fabrik-role.sql", &[("role", &role)]);
    let admin = Conn::postgres(PgConn::connect(&PgConfig::parse(&admin_url).unwrap()).unwrap());
    admin
        .execute_batch(&format!(
            "DROP OWNED BY {role}_viewer, {role}_owner, {role}_people;
             DROP ROLE {role}_people, {role}_owner, {role}_operator, {role}_viewer"
        ))
        .unwrap();
    let register = Register {
        admin_url,
        role: role.clone(),
        customer: 0,
    };

    let store = Store::connect(&register.config(&role)).unwrap();
    let customer = store
        .create_customer(
            CustomerDraft {
                name: "Gammal Roll AB".into(),
                admin_email: "a@gammal.se".into(),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    assert!(matches!(
        store
            .create_run(customer.id, RunKind::Teardown, Environment::Sandbox, &[])
            .unwrap(),
        NewRun::Created(_)
    ));
    store.set_setting("supabase.organization", "byran").unwrap();
    drop(store);

    script(&register.admin_url, "fabrik-rights.sql", &[("role", &role)]);
    let anna = register.person("anna", "viewer");
    let refused = Store::connect(&register.config(&anna))
        .err()
        .expect("no rights yet");
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::Read,
                ..
            }
        ),
        "{refused:?}"
    );
    Store::connect(&register.config(&role)).unwrap();
    let viewer = Store::connect(&register.config(&anna)).unwrap();
    assert_eq!(viewer.count_customers().unwrap(), 1);
    assert_eq!(viewer.list_runs(None, 10).unwrap().len(), 1);
}

/// An owner adds a person from the window's store call, who then logs in with the password shown
/// once, and removes them again; an operator is refused both by PostgreSQL (no EXECUTE).
#[test]
fn an_owner_adds_and_removes_people_and_an_operator_may_not() {
    use fabrik::store::people::Role;
    let register = Register::new("folk");
    let cecilia = register.person("cecilia", "owner");
    let bo = register.person("bo", "operator");
    let owner = Store::connect(&register.config(&cecilia)).unwrap();

    let dora = format!("dora_{}", register.role);
    let password = owner.add_person(&dora, Role::Operator).unwrap();
    let mut config = register.config(&dora);
    config.set_password(password.expose());
    let as_dora = Store::connect(&config).unwrap();
    assert_eq!(as_dora.count_customers().unwrap(), 1);
    let people = owner.people().unwrap();
    let find = |name: &str| people.iter().find(|p| p.name == name).cloned();
    assert_eq!(find(&dora).map(|p| p.role), Some(Role::Operator));
    assert_eq!(find(&bo).map(|p| p.role), Some(Role::Operator));
    assert!(find(&cecilia).is_some_and(|p| p.role == Role::Owner && p.you));

    let operator = Store::connect(&register.config(&bo)).unwrap();
    let refused = operator.add_person("eve", Role::Owner).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::People,
                ..
            }
        ),
        "{refused:?}"
    );
    let refused = operator.remove_person(&dora).unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::People,
                ..
            }
        ),
        "{refused:?}"
    );
    // Not the caller's own login, and nothing that is not a person of this register.
    assert!(owner.remove_person(&cecilia).is_err());
    assert!(owner.remove_person(&register.role).is_err());

    drop(as_dora);
    owner.remove_person(&dora).unwrap();
    assert!(Store::connect(&config).is_err());
    assert!(owner.people().unwrap().iter().all(|p| p.name != dora));
}

/// An operator's login is enough for a whole provisioning on the simulator: every write a run
/// makes (steps, log, instance card, status) is within the operator's grants, and the run and its
/// log lines record the operator.
#[tokio::test(flavor = "multi_thread")]
async fn an_operator_provisions_end_to_end() {
    use std::sync::Arc;
    let Some(secrets) = common::keyring("rights-operator") else {
        return;
    };
    let sim = common::sim(fabrik_sim::Profile::Instant).await;
    let register = Register::new("e2e");
    let bo = register.person("bo", "operator");
    // The register's settings are the owners': the register's role writes them.
    let owner = Store::connect(&register.config(&register.role)).unwrap();
    for (k, v) in common::settings_for(&sim) {
        owner.set_setting(k, &v).unwrap();
    }
    let store = Arc::new(Store::connect(&register.config(&bo)).unwrap());
    fabrik::providers::install_crypto_provider();
    let settings = fabrik::provision::ProvisionSettings::load(&store).unwrap();
    let timing = common::fast_timing();
    let clients = fabrik::provision::Clients::new(
        &common::endpoints(&sim),
        &fabrik::provision::Tokens::all(&fabrik::secrets::Secret::new(common::TOKEN)),
        settings.vercel_team_id.clone(),
        timing.call_timeout,
    )
    .unwrap();
    let engine = fabrik::provision::Engine::new(
        store.clone(),
        clients,
        settings,
        secrets,
        Environment::Sandbox,
    )
    .with_timing(timing)
    .with_failure_policy(fabrik::provision::FailurePolicy::Rollback);
    let slug = common::customer(&store, "Operatörens Kund AB");

    let (run, state) = common::provision(&engine, &slug).await;
    assert_eq!(state, fabrik::provision::RunState::Succeeded);
    assert_eq!(
        store.get_run(run.run_id).unwrap().person.as_deref(),
        Some(bo.as_str())
    );
    let admin = register.conn(&register.role);
    let lines: Vec<Option<String>> = admin
        .query_map(
            "SELECT DISTINCT person FROM run_log WHERE run_id = ?1",
            vec![Value::Int(run.run_id)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lines, vec![Some(bo.clone())]);

    // The teardown is the owners': the operator's is refused before anything is touched.
    let refused = engine
        .record(
            &slug,
            &fabrik::provision::RunRequest::Teardown {
                confirmation: slug.clone(),
            },
        )
        .expect_err("refused");
    assert!(
        matches!(
            refused,
            Error::Forbidden {
                right: Right::Teardown,
                ..
            }
        ),
        "{refused:?}"
    );
    common::cleanup(
        &fabrik::provision::Engine::new(
            Arc::new(owner),
            fabrik::provision::Clients::new(
                &common::endpoints(&sim),
                &fabrik::provision::Tokens::all(&fabrik::secrets::Secret::new(common::TOKEN)),
                None,
                common::fast_timing().call_timeout,
            )
            .unwrap(),
            fabrik::provision::ProvisionSettings::load(&store).unwrap(),
            common::keyring("rights-operator").unwrap(),
            Environment::Sandbox,
        )
        .with_timing(common::fast_timing()),
        &slug,
    )
    .await;
}

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

/// The declaration of rights (`fabrik::store::rights`), tried at the database: every table of
/// the schema is declared, and with a login of each group every table × operation (× column,
/// since a right may name columns) is allowed exactly when the declaration says so. Each probe
/// touches no row (`WHERE false`), so PostgreSQL's privilege check is all that can refuse it.
#[test]
fn every_declared_right_and_no_other_holds_at_the_database() {
    use fabrik::store::rights::{allows, Group, Op, TABLES};
    let register = Register::new("declared");
    let admin =
        Conn::postgres(PgConn::connect(&PgConfig::parse(&register.admin_url).unwrap()).unwrap());
    let mut tables: Vec<String> = admin
        .query_map(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'fabrik'",
            (),
            |r| r.get(0),
        )
        .unwrap();
    tables.sort();
    let mut declared: Vec<&str> = TABLES.to_vec();
    declared.sort();
    assert_eq!(
        tables, declared,
        "every table and view of the schema is declared"
    );

    let mut proved = Vec::new();
    for group in Group::ALL {
        let person = register.person(&group.suffix()[..3], group.suffix());
        let conn = register.conn(&person);
        for table in TABLES {
            let columns: Vec<String> = admin
                .query_map(
                    "SELECT column_name::text FROM information_schema.columns
                      WHERE table_schema = 'fabrik' AND table_name = ?1 ORDER BY ordinal_position",
                    vec![Value::Text(table.to_string())],
                    |r| r.get(0),
                )
                .unwrap();
            let view: bool = admin
                .query_row(
                    "SELECT table_type = 'VIEW' FROM information_schema.tables
                      WHERE table_schema = 'fabrik' AND table_name = ?1",
                    vec![Value::Text(table.to_string())],
                    |r| r.get(0),
                )
                .unwrap();
            // A view is read; PostgreSQL refuses a write to it before it looks at rights.
            let ops: &[Op] = if view { &[Op::Select] } else { &Op::ALL };
            for &op in ops {
                let probes: Vec<(Option<&str>, String)> = match op {
                    Op::Delete => vec![(None, format!("DELETE FROM fabrik.{table} WHERE false"))],
                    Op::Select => columns
                        .iter()
                        .map(|c| {
                            (
                                Some(c.as_str()),
                                format!("SELECT {c} FROM fabrik.{table} WHERE false"),
                            )
                        })
                        .collect(),
                    Op::Insert => columns
                        .iter()
                        .map(|c| {
                            (
                                Some(c.as_str()),
                                format!("INSERT INTO fabrik.{table} ({c}) SELECT NULL WHERE false"),
                            )
                        })
                        .collect(),
                    Op::Update => columns
                        .iter()
                        .map(|c| {
                            (
                                Some(c.as_str()),
                                format!("UPDATE fabrik.{table} SET {c} = {c} WHERE false"),
                            )
                        })
                        .collect(),
                };
                let mut allowed = Vec::new();
                for (column, sql) in probes {
                    let held = match conn.execute_batch(&sql) {
                        Ok(()) => true,
                        Err(e) if sqlstate(&e) == Some("42501") => false,
                        Err(e) => panic!("{person}: {sql}: {e}"),
                    };
                    assert_eq!(
                        held,
                        allows(group, table, op, column),
                        "{group:?} ({person}): {sql}"
                    );
                    if held {
                        allowed.push(column.unwrap_or("*"));
                    }
                }
                if op != Op::Select && !allowed.is_empty() {
                    let whole = allowed.len() == columns.len() || allowed == ["*"];
                    proved.push(format!(
                        "{group:?} {} {table}{}",
                        op.sql(),
                        if whole {
                            String::new()
                        } else {
                            format!(" ({})", allowed.join(", "))
                        }
                    ));
                }
            }
        }
    }
    // What each group may change, as proved (the closing note of issue #45 quotes it).
    eprintln!("rights proved:\n{}", proved.join("\n"));
}

/// What a roll-out applies is fixed when it is planned (issue #45): no login, an owner's
/// neither, rewrites its files (the row holds them and their hashes) or where they came from;
/// an operator still moves it and its members on, as their runs do.
#[test]
fn nobody_rewrites_what_a_rollout_applies_and_operators_still_advance_it() {
    use fabrik::ledger::{MemberState, RolloutKind};
    use fabrik::store::rollouts::NewMember;
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
    use fabrik::store::backups::{BackupReason, NewBackup};
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

/// A register whose rights were applied from another declaration (an older Fabrik) gets this
/// one's the next time its role opens it: the digest kept in `rights_applied` differs.
#[test]
fn rights_from_another_declaration_are_replaced_when_the_register_opens() {
    let register = Register::new("reapply");
    let otto = register.person("otto", "operator");
    let probe = "INSERT INTO customers (name) SELECT 'x' WHERE false";
    register.conn(&otto).execute_batch(probe).unwrap();

    let admin = register.conn(&register.role);
    admin
        .execute_batch(&format!(
            "REVOKE INSERT ON customers FROM {role}_operator;
             UPDATE rights_applied SET digest = 'en äldre deklaration';",
            role = register.role
        ))
        .unwrap();
    let refused = register.conn(&otto).execute_batch(probe).unwrap_err();
    assert_eq!(sqlstate(&refused), Some("42501"), "{refused}");

    Store::connect(&register.config(&register.role)).unwrap();
    register.conn(&otto).execute_batch(probe).unwrap();
    let digest: String = admin
        .query_row("SELECT digest FROM rights_applied", (), |r| r.get(0))
        .unwrap();
    assert_eq!(digest, fabrik::store::rights::digest());
}
