//! Backups of the customers' databases, one core behind the window and the CLI: the list (with
//! whether this seat holds the file), a backup now, a restore (a run with the slug typed, that
//! first backs up what it replaces), recovery with Supabase's own backups (what the plan
//! offers, and a run to a point in time or a physical backup), a decrypted copy for standard PostgreSQL tools, and the
//! schedule: every due instance (`schedule::backups`, the tick's rules) gets a backup run.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::database::backup::rows::Backup;
use crate::database::backup::{crypt, files};
use crate::error::ApiResult;
use crate::error::Error;
use crate::provision::RunRequest;
use crate::secrets::SecretStore;
use crate::store::Store;
use crate::supervisor::host::RunHost;
use crate::supervisor::{Launched, Supervisor};
use crate::workflows::backups::WorkflowBackup;

use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::database::backup::rows::BackupRows;
pub use crate::schedule::backups::BackupAge;
use crate::schedule::backups::BackupRules;
use crate::workflows::backups::WorkflowBackupRows;

/// A backup as the window and `fabrik backup list` show it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupView {
    #[serde(flatten)]
    pub backup: Backup,
    pub slug: String,
    pub name: String,
    /// Whether this seat holds the file (a backup is on the disk of the seat that took it).
    pub here: bool,
    /// The seat that holds it, as a person reads it ("anna på byran-laptop").
    pub seat_shown: Option<crate::messages::Text>,
}

pub struct BackupsApi {
    store: Arc<Store>,
    supervisor: Arc<Supervisor>,
    secrets: SecretStore,
}

impl BackupsApi {
    pub fn new(store: Arc<Store>, supervisor: Arc<Supervisor>, secrets: SecretStore) -> BackupsApi {
        BackupsApi {
            store,
            supervisor,
            secrets,
        }
    }

    /// The environment's backups (one customer's when `slug` is given), newest first; removed
    /// ones (by the retention rule) only with `with_removed`.
    pub fn list(&self, slug: Option<&str>, with_removed: bool) -> ApiResult<Vec<BackupView>> {
        let env = self.supervisor.environment();
        let backups = match slug {
            Some(slug) => {
                let c = self.store.get_customer_in(slug, env)?;
                self.store.backups(c.id, env, with_removed)?
            }
            None => self.store.all_backups(env, with_removed)?,
        };
        let mut names = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(backups.len());
        for b in backups {
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(b.customer_id) {
                e.insert(self.store.customer_names(b.customer_id)?);
            }
            let (slug, name) = names[&b.customer_id].clone();
            let here = b.removed_at.is_none() && files::path_of(&b).is_ok_and(|p| p.is_file());
            out.push(BackupView {
                seat_shown: b
                    .seat
                    .as_deref()
                    .map(|s| crate::messages::seat::shown(s, None)),
                backup: b,
                slug,
                name,
                here,
            });
        }
        Ok(out)
    }

    /// "Säkerhetskopiera nu": a backup run (`scheduled` when the schedule asks).
    pub async fn create(
        &self,
        slug: &str,
        scheduled: bool,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        let scheduled = scheduled.then_some(true);
        self.supervisor
            .start_run(slug.to_string(), RunRequest::Backup { scheduled }, host)
            .await
    }

    /// "Återställ": a restore run; `confirmation` must be the slug, typed.
    pub async fn restore(
        &self,
        slug: &str,
        backup: i64,
        confirmation: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        self.supervisor
            .start_run(
                slug.to_string(),
                RunRequest::Restore {
                    backup,
                    confirmation,
                },
                host,
            )
            .await
    }

    /// What Supabase's own backups can bring the customer's database back to (PITR and its
    /// window, the physical backups), or why nothing and where Fabrik's own backups are.
    pub async fn recovery(&self, slug: &str) -> ApiResult<crate::database::recovery::RecoveryView> {
        let supervisor = self.supervisor.clone();
        let reader = crate::blocking::run(move || supervisor.reader()).await?;
        Ok(reader.recovery(slug).await?)
    }

    /// "Återställ med Supabase": a recover run to `target` (unix seconds), after Fabrik's own
    /// backup of what it replaces; `confirmation` must be the slug, typed. Refused before the
    /// run exists when the plan or the window does not allow it.
    pub async fn recover(
        &self,
        slug: &str,
        target: i64,
        confirmation: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        self.supervisor
            .start_run(
                slug.to_string(),
                RunRequest::Recover {
                    target,
                    confirmation,
                },
                host,
            )
            .await
    }

    /// The backup `backup` decrypted to a plain SQL script at `out` (for psql and the other
    /// standard PostgreSQL tools), a piece at a time: never whole in memory, and the file there
    /// only once every piece was authentic and the whole is the file the register recorded
    /// (otherwise nothing is left). Never writes over a file. Its size in bytes. Blocking.
    pub fn export_plain(&self, backup: i64, out: &std::path::Path) -> ApiResult<u64> {
        use crate::database::backup::{open_to_restore, BackupError};
        use crate::messages::{params, ErrorCode};
        let environment = self.supervisor.environment();
        let b = self
            .store
            .backup(backup)?
            .filter(|b| b.environment == environment && b.removed_at.is_none())
            .ok_or_else(|| Error::Refused {
                code: ErrorCode::BackupNotFound,
                params: params! { "backup" => backup, "environment" => environment.as_str() },
            })?;
        if out.exists() {
            return Err(Error::Refused {
                code: ErrorCode::ExportOutExists,
                params: params! { "path" => out.display() },
            }
            .into());
        }
        let unreadable = |e: BackupError| -> Error {
            match e {
                BackupError::Keyring(k) => k.into(),
                e => Error::Refused {
                    code: ErrorCode::BackupUnreadable,
                    params: params! { "backup" => backup, "detail" => e },
                },
            }
        };
        // Opening reads only the backup: what fails there is the backup's (its file missing
        // too), not the file the export would have written.
        let opened =
            open_to_restore(&b, &self.secrets, crypt::Binding::of(&b)).map_err(unreadable)?;
        Ok(opened.export_to(out).map_err(|e| match e {
            BackupError::Io(detail) => Error::Refused {
                code: ErrorCode::Io,
                params: params! { "detail" => format!("{}: {detail}", out.display()) },
            },
            e => unreadable(e),
        })?)
    }

    /// The customer's workflow backups, newest first: each names the commit that holds it.
    pub fn workflow_backups(&self, slug: &str) -> ApiResult<Vec<WorkflowBackup>> {
        let env = self.supervisor.environment();
        let c = self.store.get_customer_in(slug, env)?;
        Ok(self.store.workflow_backups(c.id, env)?)
    }

    /// The workflow version a person names: its number, or the start of the commit that holds
    /// it (seven characters at least); the newest such when several share the commit.
    pub fn workflow_version(&self, slug: &str, named: &str) -> ApiResult<WorkflowBackup> {
        let wanted = named.trim().to_ascii_lowercase();
        self.workflow_backups(slug)?
            .into_iter()
            .find(|b| {
                b.id.to_string() == wanted
                    || (wanted.len() >= 7
                        && b.commit_sha
                            .as_deref()
                            .is_some_and(|c| c.starts_with(&wanted)))
            })
            .ok_or_else(|| {
                Error::Refused {
                    code: crate::messages::ErrorCode::WorkflowVersionNotFound,
                    params: crate::messages::params! { "version" => named, "workflow" => "", "slug" => slug },
                }
                .into()
            })
    }

    /// "Säkerhetskopiera flöden": the workflow to the backup repository (`scheduled` when the
    /// schedule asks).
    pub async fn back_up_workflows(
        &self,
        slug: &str,
        scheduled: bool,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        let request = RunRequest::WorkflowBackup {
            scheduled: scheduled.then_some(true),
            provisioned: None,
        };
        self.supervisor
            .start_run(slug.to_string(), request, host)
            .await
    }

    /// "Återställ flödet": the version written back after a backup of the current one.
    pub async fn restore_workflow(
        &self,
        slug: &str,
        version: i64,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        self.supervisor
            .start_run(
                slug.to_string(),
                RunRequest::WorkflowRestore { version },
                host,
            )
            .await
    }

    /// Every delivered instance's workflows backed up, `parallel` at a time; each slug with
    /// how its run ended (or why it did not start).
    pub async fn back_up_all_workflows(
        self: &Arc<Self>,
        parallel: usize,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Vec<(String, Result<crate::ledger::RunState, String>)>> {
        use futures_util::StreamExt;
        let me = self.clone();
        let env = self.supervisor.environment();
        let slugs = crate::blocking::run(move || me.store.delivered_slugs(env)).await?;
        let results = futures_util::stream::iter(slugs)
            .map(|slug| {
                let (me, host) = (self.clone(), host.clone());
                async move {
                    let ended = match me.back_up_workflows(&slug, false, host).await {
                        Ok(launched) => match launched.wait().await {
                            Some(Ok(state)) => Ok(state),
                            Some(Err(e)) => Err(e.to_string()),
                            None => Err("busy".to_string()),
                        },
                        Err(e) => Err(e.message),
                    };
                    (slug, ended)
                }
            })
            .buffer_unordered(parallel.max(1))
            .collect()
            .await;
        Ok(results)
    }

    /// How old each delivered instance's newest backups are, and which are too old.
    pub fn ages(&self) -> ApiResult<Vec<BackupAge>> {
        self.rules().ages()
    }

    /// When a backup is due or stale: the scheduler's rules.
    fn rules(&self) -> BackupRules {
        BackupRules::new(self.supervisor.cloud().clone())
    }

    /// A backup run for every due instance, one after another (a busy instance is left for
    /// the next round), then a workflow backup for each whose workflows are due, when a Gitea
    /// is set. Returns the slugs whose run succeeded.
    pub async fn run_due(&self, host: Arc<dyn RunHost>) -> ApiResult<Vec<String>> {
        let mut done = Vec::new();
        let rules = self.rules();
        for slug in rules.due()? {
            let Ok(launched) = self.create(&slug, true, host.clone()).await else {
                continue;
            };
            if let Some(Ok(crate::ledger::RunState::Succeeded)) = launched.wait().await {
                done.push(slug);
            }
        }
        for slug in rules.workflows_due()? {
            let Ok(launched) = self.back_up_workflows(&slug, true, host.clone()).await else {
                continue;
            };
            if let Some(Ok(crate::ledger::RunState::Succeeded)) = launched.wait().await {
                done.push(slug);
            }
        }
        Ok(done)
    }
}
