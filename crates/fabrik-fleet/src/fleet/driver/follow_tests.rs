//! `follow` when the run ends between its read and its resume: another driver had it (a second
//! "Starta" at once, a lease that lapsed on a loaded machine). The run's end is read again, not
//! taken as an error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;

use super::follow;
use crate::customer::rows::CustomerRows;
use crate::customer::{CustomerDraft, ModuleManifest};
use crate::environment::Environment;
use crate::error::Error;
use crate::fleet::definition::{FleetResult, Runs, Started};
use crate::ledger::{Driver, RunKind, RunState, StepKey};
use crate::provision::{Engine, RunRequest};
use crate::store::runs::NewRun;
use crate::store::Store;

/// Its one run is ended by "another driver" right when it is asked to resume it.
struct EndsMeanwhile {
    store: Arc<Store>,
    other: Mutex<Option<Driver>>,
}

impl Runs for EndsMeanwhile {
    fn store(&self) -> &Arc<Store> {
        &self.store
    }
    fn environment(&self) -> Environment {
        Environment::Sandbox
    }
    fn engine(&self) -> crate::Result<Engine> {
        unreachable!("follow reads no engine")
    }
    fn lease(&self) -> Duration {
        Duration::from_secs(30)
    }
    fn start(&self, _: String, _: RunRequest) -> BoxFuture<'_, FleetResult<Started>> {
        unreachable!("follow starts nothing")
    }
    fn resume(
        &self,
        run_id: i64,
    ) -> BoxFuture<'_, FleetResult<BoxFuture<'static, crate::Result<RunState>>>> {
        Box::pin(async move {
            let driver = self.other.lock().unwrap().take().expect("resumed once");
            self.store
                .set_run_state(&driver, RunState::Succeeded, None, None)
                .unwrap();
            Err(Error::RunFinished {
                run: run_id,
                slug: "kund-ab".into(),
                reason: crate::messages::Text::new("slutade", "ended"),
            }
            .into())
        })
    }
    fn notify(&self, _: &str) {}
}

#[tokio::test]
async fn a_run_that_ends_between_the_read_and_the_resume_is_read_again() {
    let store = Arc::new(Store::open_in_memory().unwrap());
    let c = store
        .create_customer(
            CustomerDraft {
                name: "Kund AB".into(),
                admin_email: "a@kund.se".into(),
                ..Default::default()
            },
            &ModuleManifest::bundled(),
        )
        .unwrap();
    let driver = match store
        .create_run(
            c.id,
            RunKind::Migrate,
            Environment::Sandbox,
            &[StepKey::SupabaseMigrate],
        )
        .unwrap()
    {
        NewRun::Created(d) => d,
        NewRun::AlreadyActive(id) => panic!("run {id} active"),
    };
    let run_id = driver.run_id;
    assert!(store.get_run(run_id).unwrap().state.is_active());
    let cx = EndsMeanwhile {
        store: store.clone(),
        other: Mutex::new(Some(driver)),
    };
    let state = follow(&cx, run_id)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(state, RunState::Succeeded);
}
