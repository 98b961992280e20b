//! The fleet driver against a register, with the runs it starts played by the test (the
//! `Runs` trait the supervisor provides in the app): what the driver decides from what the
//! register and the runs tell it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fabrik::environment::Environment;
use fabrik::fleet::definition::{FleetResult, Runs, Started};
use fabrik::fleet::driver;
use fabrik::ledger::{MemberState, RolloutKind, RunKind, RunState, StepKey};
use fabrik::provision::rollouts::NewMember;
use fabrik::provision::{Engine, RunRequest};
use fabrik::store::runs::NewRun;
use fabrik::store::Store;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::provision::rollouts::RolloutRows;

/// Runs as a customer with another run going sees them: the first start names the backup
/// that follows a provisioning (still active, and ending as it is named); later starts make
/// the asked run and let it succeed.
struct Busy {
    store: Arc<Store>,
    register: PathBuf,
    backup: i64,
    asked: Mutex<Vec<RunRequest>>,
}

/// The run ended (written beside the store, as another process's driver would).
fn finish(register: &Path, run_id: i64) {
    rusqlite::Connection::open(register)
        .unwrap()
        .execute(
            "UPDATE runs SET state = 'succeeded', finished_at = started_at WHERE id = ?1",
            [run_id],
        )
        .unwrap();
}

impl Runs for Busy {
    fn store(&self) -> &Arc<Store> {
        &self.store
    }

    fn environment(&self) -> Environment {
        Environment::Sandbox
    }

    fn engine(&self) -> fabrik::Result<Engine> {
        Err(fabrik::Error::Internal("no clouds in this test".into()))
    }

    fn lease(&self) -> Duration {
        Duration::from_secs(30)
    }

    fn start(&self, slug: String, request: RunRequest) -> BoxFuture<'_, FleetResult<Started>> {
        let n = {
            let mut asked = self.asked.lock().unwrap();
            asked.push(request.clone());
            asked.len()
        };
        async move {
            if n == 1 {
                finish(&self.register, self.backup);
                return Ok(Started {
                    run_id: self.backup,
                    already_running: true,
                    end: async { None }.boxed(),
                });
            }
            let c = self.store.get_customer_in(&slug, Environment::Sandbox)?;
            let input = Some(request.checked(&slug)?.to_stored());
            let NewRun::Created(driver) = self.store.create_run_with(
                c.id,
                request.kind(),
                Environment::Sandbox,
                &[StepKey::SupabaseMigrate],
                input.as_ref(),
            )?
            else {
                panic!("the customer still has an active run");
            };
            finish(&self.register, driver.run_id);
            Ok(Started {
                run_id: driver.run_id,
                already_running: false,
                end: async { Some(Ok(RunState::Succeeded)) }.boxed(),
            })
        }
        .boxed()
    }

    fn resume(
        &self,
        _run_id: i64,
    ) -> BoxFuture<'_, FleetResult<BoxFuture<'static, fabrik::Result<RunState>>>> {
        async { Err(fabrik::Error::Internal("nothing to resume here".into()).into()) }.boxed()
    }

    fn notify(&self, _body: &str) {}
}

/// A roll-out started while the instance's own backup run was still going (as right after a
/// provisioning) took that run for its member: the member was "done", its migration never
/// applied (the window test saw it now and then, as a version left behind). The member's run
/// is its own: the other run is waited for, and the roll-out's run started after it.
#[tokio::test]
async fn a_member_never_takes_another_run_of_its_instance_for_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("fabrik.sqlite3");
    let store = Arc::new(Store::open(&register).unwrap());
    let slug = common::customer(&store, "Upptagen Kund AB");
    let customer = store.get_customer_in(&slug, Environment::Sandbox).unwrap();
    let NewRun::Created(backup) = store
        .create_run(
            customer.id,
            RunKind::WorkflowBackup,
            Environment::Sandbox,
            &[StepKey::N8nBackup],
        )
        .unwrap()
    else {
        panic!("a first run");
    };
    let member = NewMember {
        customer_id: customer.id,
        wave: 0,
        state: MemberState::Pending,
        reason: None,
        version_before: None,
    };
    let id = store
        .create_rollout(
            Environment::Sandbox,
            RolloutKind::Schema,
            "dir:test",
            "[]",
            0.2,
            &[member],
        )
        .unwrap();
    let runs = Busy {
        store: store.clone(),
        register,
        backup: backup.run_id,
        asked: Mutex::new(Vec::new()),
    };

    driver::drive(&runs, id).await.unwrap();

    let members = store.rollout_members(id).unwrap();
    let m = &members[0];
    assert_eq!(m.state, MemberState::Done);
    let run_id = m.run_id.expect("the member names its run");
    assert_ne!(run_id, backup.run_id, "the backup is not the member's run");
    assert_eq!(store.get_run(run_id).unwrap().kind, RunKind::Migrate);
    let asked = runs.asked.lock().unwrap();
    assert_eq!(
        *asked,
        vec![RunRequest::Migrate { rollout: id }; 2],
        "asked again once the other run ended"
    );
}
