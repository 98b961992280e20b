//! Rights per person on the shared register (issue #29): each person logs in as a role of their
//! own, a member of the register's viewer, operator or owner group, and PostgreSQL itself refuses
//! what the group may not do. Each test issues the statement the app would, on a connection of
//! that person's, and then goes through the store to see the refusal named.

use fabrik::billing::rows::BillingRows;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ListingRows;
use fabrik::customer::{CustomerDraft, ModuleManifest};
use fabrik::environment::Environment;
use fabrik::ledger::RunKind;
use fabrik::messages::{ErrorCode, Right};
use fabrik::metering::UsageRows;
use fabrik::store::db::{Conn, PgConfig, PgConn, Value};
use fabrik::store::runs::NewRun;
use fabrik::store::Store;
use fabrik::Error;

use crate::common;

mod closed;
mod creation;
mod declared;
mod invitation;
mod ledger;
mod stamps;
mod tampering;
mod vouch;

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

pub(crate) struct Register {
    pub(crate) admin_url: String,
    pub(crate) role: String,
    customer: i64,
}

impl Register {
    /// A register made by fabrik-role.sql and migrated by its role, with one customer.
    pub(crate) fn new(tag: &str) -> Register {
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

    /// The register's address for `user`, without a password: what a seat keeps as its choice.
    pub(crate) fn url(&self, user: &str) -> String {
        let mut url = url::Url::parse(&self.admin_url).unwrap();
        url.set_username(user).unwrap();
        fabrik::store::location::without_password(url.as_str()).unwrap()
    }

    pub(crate) fn config(&self, user: &str) -> PgConfig {
        let mut url = url::Url::parse(&self.admin_url).unwrap();
        url.set_username(user).unwrap();
        let mut config = PgConfig::parse(url.as_str()).unwrap();
        config.set_password(PASSWORD);
        config
    }

    /// A person in one of the register's groups, made by fabrik-person.sql.
    pub(crate) fn person(&self, name: &str, right: &str) -> String {
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

    pub(crate) fn conn(&self, person: &str) -> Conn {
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

    // The price book is what the agency pays: the owners' to change, like the settings.
    let book = store.price_book().unwrap();
    let refused = store.set_price_book(&book).unwrap_err();
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

    // The billing policy too, the window's editor as the CLI: the register says who (issue #58).
    use fabrik::billing::rows::{Step, Transition};
    let billing = |who: &str| {
        fabrik::services::billing::BillingApi::new(std::sync::Arc::new(
            Store::connect(&register.config(who)).unwrap(),
        ))
    };
    let refused = billing(&bo)
        .set_policy_step(
            fabrik::customer::Plan::Starter,
            Transition::Paused,
            Step::Do,
        )
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden, "{refused:?}");
    assert!(store.billing_policy().unwrap().is_empty(), "nothing kept");

    // An owner may tear down, and change the settings and the price book.
    let cecilia = register.person("cecilia", "owner");
    let owner = register.conn(&cecilia);
    owner
        .execute(INSERT_RUN, run_values(register.customer, "teardown"))
        .unwrap();
    Store::connect(&register.config(&cecilia))
        .unwrap()
        .set_setting("supabase.organization", "annan-org")
        .unwrap();
    Store::connect(&register.config(&cecilia))
        .unwrap()
        .set_price_book(&book)
        .unwrap();
    let kept = billing(&cecilia)
        .set_policy_grace(fabrik::customer::Plan::Starter, Some(5))
        .unwrap();
    assert!(kept
        .cells
        .iter()
        .any(|c| c.chosen && c.grace_days == Some(5)));
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
