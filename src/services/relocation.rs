//! A customer's instance moved (issue #59), one core behind the window and the CLI: the move
//! archive written (`fabrik export SLUG --for-move`), another delivered instance's data replaced
//! by it (`fabrik import FILE --into SLUG`, a run through the guarded gate), and the check of
//! what the target holds against the archive, table by table.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::customer::rows::CustomerRows;
use crate::customer::Customer;
use crate::database::backup::{self, crypt, BackupError};
use crate::error::{ApiResult, Error, Result};
use crate::export::rows::ExportRows;
use crate::ledger::{RunKind, StepKey};
use crate::messages::{param_text, params, ErrorCode, Right};
use crate::provision::{gate, outputs, ownership, Engine, RunRequest};
use crate::relocation::{self, archive, auth, MovedTable};
use crate::secrets::SecretStore;
use crate::store::Store;
use crate::supervisor::host::RunHost;
use crate::supervisor::{Launched, Supervisor};

/// What an export for a move wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MoveExport {
    pub slug: String,
    pub file: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub sha256: String,
    /// The backup key it is sealed with (its id; the key stays in the keyring).
    pub key_id: String,
    pub schema_version: Option<String>,
    pub tables: u32,
    #[ts(type = "number")]
    pub users: u64,
}

/// What a target holds against an archive: every table, the users, and whether all agree.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MoveCheck {
    pub source: String,
    pub target: String,
    pub tables: Vec<MovedTable>,
    #[ts(type = "number")]
    pub users_archive: u64,
    #[ts(type = "number")]
    pub users_now: u64,
    pub equal: bool,
}

impl MoveCheck {
    /// `MoveMismatch` naming what differs, unless everything is equal.
    pub fn verdict(&self) -> Result<()> {
        let mut differs: Vec<String> = self
            .tables
            .iter()
            .filter(|t| !t.equal)
            .map(|t| t.table.clone())
            .collect();
        if self.users_now != self.users_archive {
            differs.push(format!(
                "auth.users ({} → {})",
                self.users_archive, self.users_now
            ));
        }
        match differs.is_empty() {
            true => Ok(()),
            false => Err(Error::Refused {
                code: ErrorCode::MoveMismatch,
                params: params! { "slug" => &self.target, "differs" => differs.join(", ") },
            }),
        }
    }
}

pub struct RelocationApi {
    store: Arc<Store>,
    supervisor: Arc<Supervisor>,
    secrets: SecretStore,
}

fn unreadable(file: &Path, e: BackupError) -> Error {
    Error::Refused {
        code: ErrorCode::MoveArchiveUnreadable,
        params: params! { "file" => file.display(), "detail" => e },
    }
}

fn failed(e: BackupError) -> Error {
    match e {
        BackupError::Query(p) => Error::Provider(p.to_string()),
        other => Error::Internal(other.to_string()),
    }
}

impl RelocationApi {
    pub fn new(
        store: Arc<Store>,
        supervisor: Arc<Supervisor>,
        secrets: SecretStore,
    ) -> RelocationApi {
        RelocationApi {
            store,
            supervisor,
            secrets,
        }
    }

    async fn engine(&self) -> Result<Engine> {
        let supervisor = self.supervisor.clone();
        crate::blocking::run(move || supervisor.engine()).await
    }

    /// The customer's delivered, active instance: the ledger's project, read now by its id and
    /// proven theirs by its name, before anything of it is read.
    async fn instance(&self, engine: &Engine, slug: &str) -> Result<(Customer, String)> {
        let (slug, env) = (slug.to_string(), engine.environment());
        let (customer, project) = engine
            .db(move |s| {
                let c = s.get_customer_in(&slug, env)?;
                let p = s.last_step_output(c.id, StepKey::SupabaseProject, env)?;
                Ok((c, p))
            })
            .await?;
        let (checked, e) = (customer.clone(), engine.clone());
        crate::blocking::run(move || e.ready_for(RunKind::Import, &checked)).await?;
        let r = project
            .and_then(|v| serde_json::from_value::<outputs::SupabaseProject>(v).ok())
            .ok_or_else(|| Error::NotProvisioned(customer.slug.clone()))?
            .project_ref;
        let found = engine
            .clients()
            .supabase
            .get_project(&r)
            .await
            .map_err(|e| Error::Provider(e.to_string()))?;
        if !ownership::supabase_named(&found.name, &customer.slug, &customer.uid) {
            let not_ours = ownership::not_ours(
                "Supabase-projektet",
                "The Supabase project",
                &format!("{} ({r})", found.name),
            );
            return Err(crate::provision::refusal::Refusal::from(not_ours).into());
        }
        Ok((customer, r))
    }

    /// `fabrik export SLUG --for-move`: the instance's database and people (their live one-time
    /// tokens left out), sealed with the agency's backup key, written to `out` (never over an
    /// existing file), and recorded as an export. The day-two right, as any export.
    pub async fn export(&self, slug: &str, out: &Path) -> ApiResult<MoveExport> {
        let engine = self.engine().await?;
        engine.db(|s| s.require(Right::DayTwo)).await?;
        let (customer, project_ref) = self.instance(&engine, slug).await?;
        let source = archive::Source {
            slug: customer.slug.clone(),
            customer_uid: customer.uid.clone(),
            environment: engine.environment(),
            project_ref,
        };
        let secrets = self.secrets.clone();
        let key = crate::blocking::run(move || crypt::current_key(&secrets))
            .await
            .map_err(|e| unreadable(out, e))?;
        let written = archive::export(&engine.clients().supabase, &source, &key, out)
            .await
            .map_err(|e| match e {
                BackupError::Io(_) => unreadable(out, e),
                other => failed(other),
            })?;
        let (manifest, bytes, sha256, key_id) = (
            written.manifest,
            written.bytes,
            written.sha256,
            key.id.clone(),
        );
        let file = out.display().to_string();
        let (id, env, sha, version) = (
            customer.id,
            engine.environment(),
            sha256.clone(),
            manifest.schema_version.clone(),
        );
        let recorded = engine
            .db(move |s| {
                s.record_export(&crate::export::rows::NewExport {
                    customer_id: id,
                    environment: env,
                    file: &file,
                    bytes,
                    sha256: &sha,
                    schema_version: version.as_deref(),
                    template_version: None,
                    reason: crate::export::rows::ExportReason::Move,
                    in_folder: false,
                })
            })
            .await;
        // An archive the register does not know of was not handed out: it goes.
        if let Err(e) = recorded {
            let _ = std::fs::remove_file(out);
            return Err(e.into());
        }
        Ok(MoveExport {
            slug: customer.slug,
            file: out.display().to_string(),
            bytes,
            sha256,
            key_id,
            schema_version: manifest.schema_version,
            tables: manifest.tables.len() as u32,
            users: manifest.users,
        })
    }

    /// The archive at `file`, opened with this seat's keyring.
    pub async fn open(&self, file: &Path) -> Result<relocation::Opened> {
        let (secrets, path) = (self.secrets.clone(), file.to_path_buf());
        crate::blocking::run(move || relocation::open(&secrets, &path))
            .await
            .map_err(|e| unreadable(file, e))
    }

    /// `fabrik import FILE --into SLUG`: an import run on the target, through the guarded gate
    /// (an owner's right, the target's slug typed). Before the run exists: the archive is read,
    /// and refused when the target is at another schema version; nothing is changed then.
    pub async fn import(
        &self,
        file: &Path,
        into: &str,
        confirmation: String,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Launched> {
        let (store, target, typed) = (self.store.clone(), into.to_string(), confirmation.clone());
        crate::blocking::run(move || gate::pass(&store, Right::Restore, &target, &typed)).await?;
        let path: PathBuf = std::path::absolute(file)
            .map_err(|e| unreadable(file, BackupError::Io(e.to_string())))?;
        let archive = path
            .to_str()
            .ok_or_else(|| unreadable(file, BackupError::Io("the path is not UTF-8".into())))?
            .to_string();
        let opened = self.open(&path).await?;
        let engine = self.engine().await?;
        let (_, project_ref) = self.instance(&engine, into).await?;
        let at = crate::database::instance::version(&engine.clients().supabase, &project_ref)
            .await
            .map_err(|e| Error::Provider(e.to_string()))?;
        let wanted = opened.manifest.schema_version.as_deref();
        if let Some(problem) = relocation::version_refusal(wanted, at.as_deref()) {
            let mut params = params! { "slug" => into };
            param_text(&mut params, "problem", &problem);
            return Err(Error::Refused {
                code: ErrorCode::MoveVersion,
                params,
            }
            .into());
        }
        drop(opened);
        let request = RunRequest::Import {
            archive,
            confirmation,
        };
        self.supervisor
            .start_run(into.to_string(), request, host)
            .await
    }

    /// What the target holds now against the archive at `file`: every table's rows and
    /// checksum, and the users. Reads only.
    pub async fn check(&self, file: &Path, into: &str) -> ApiResult<MoveCheck> {
        let opened = self.open(file).await?;
        let engine = self.engine().await?;
        let (customer, project_ref) = self.instance(&engine, into).await?;
        let sb = &engine.clients().supabase;
        let now = backup::checksums(sb, &project_ref).await.map_err(failed)?;
        let users_now = auth::count(sb, &project_ref, auth::TABLES[0])
            .await
            .map_err(failed)?;
        let tables = relocation::check::tables(&opened.manifest.tables, &now);
        let users_archive = opened.manifest.users;
        Ok(MoveCheck {
            source: opened.manifest.slug.clone(),
            target: customer.slug,
            equal: users_now == users_archive && tables.iter().all(|t| t.equal),
            tables,
            users_archive,
            users_now,
        })
    }
}
