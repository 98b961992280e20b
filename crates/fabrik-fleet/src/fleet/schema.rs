//! Schema roll-outs: migration files into every customer's database, one `migrate` run per
//! instance (`supabase.backup` → `supabase.migrate` → `supabase.verify`). The plan reads each
//! instance's own migration history; drift, paused instances and databases Supabase locked for
//! writing are skipped with the reason.

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::definition::{
    parallel, paused_text, Definition, FileHead, FleetResult, Found, Plan, Runs, Settled, Survey,
};
use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::customer::{Customer, Status};
use crate::database::history::{self, Verdict};
use crate::database::instance;
use crate::database::migration::{self, Migration};
use crate::error::Error;
use crate::ledger::{MemberState, RolloutKind};
use crate::messages::params;
use crate::messages::{Say, Text};
use crate::providers::supabase::Supabase;
use crate::provision::rollouts::RolloutRow;
use crate::provision::rollouts::RolloutRows;
use crate::provision::RunRequest;

/// The most migration files a template's folder may hold.
const MAX_FILES: usize = 1000;

/// Where a roll-out's files come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RolloutSource {
    /// A local folder (its `supabase/migrations`, or the folder itself).
    Dir { path: String },
    /// The template repository at a ref; `None` is its default branch.
    Ref {
        #[serde(rename = "ref")]
        at: Option<String>,
    },
}

/// One delivered instance's schema, for "who is behind".
#[derive(Debug, Clone, Serialize, TS)]
pub struct InstanceSchemaView {
    pub slug: String,
    pub name: String,
    pub status: Status,
    /// The newest version in its history, as last read or written.
    pub schema_version: Option<String>,
}

/// The schema roll-out's definition.
pub struct Schema;

/// The files a schema roll-out keeps for its runs (the roll-out row's payload).
pub fn files_of(r: &RolloutRow) -> FleetResult<Vec<Migration>> {
    serde_json::from_str(&r.migrations).map_err(|e| Error::Internal(e.to_string()).into())
}

/// Every delivered instance of the environment with the schema version it was last seen at.
pub fn instances(cx: &dyn Runs) -> FleetResult<Vec<InstanceSchemaView>> {
    let env = cx.environment();
    let store = cx.store();
    let versions: std::collections::HashMap<i64, Option<String>> =
        store.schema_versions(env)?.into_iter().collect();
    let mut out = Vec::new();
    for slug in store.delivered_slugs(env)? {
        let c = store.get_customer_in(&slug, env)?;
        out.push(InstanceSchemaView {
            schema_version: versions.get(&c.id).cloned().flatten(),
            slug: c.slug,
            name: c.name,
            status: c.status,
        });
    }
    Ok(out)
}

/// The files of a source, read and checked whole, and the source as people read it.
pub async fn files(cx: &dyn Runs, source: &RolloutSource) -> FleetResult<(Vec<Migration>, String)> {
    match source {
        RolloutSource::Dir { path } => {
            let dir = std::path::PathBuf::from(path);
            let files = crate::blocking::run(move || {
                migration::from_dir(&dir).map_err(|e| Error::RolloutPlan(e.text()))
            })
            .await?;
            Ok((files, format!("dir:{path}")))
        }
        RolloutSource::Ref { at } => {
            let engine = cx.engine()?;
            let s = engine.settings();
            let (owner, repo) = (s.template_owner.clone(), s.template_repo.clone());
            let found = engine
                .clients()
                .github
                .folder_at(
                    &owner,
                    &repo,
                    migration::MIGRATIONS_DIR,
                    at.as_deref(),
                    MAX_FILES,
                )
                .await
                .map_err(|e| Error::Provider(e.to_string()))?;
            let at_text = at.clone().unwrap_or_else(|| "HEAD".into());
            let place = format!("{owner}/{repo}@{at_text}: {}", migration::MIGRATIONS_DIR);
            let Some(found) = found else {
                let e = Say::RolloutFolderMissing.with(params! { "place" => place });
                return Err(Error::RolloutPlan(e).into());
            };
            let files = migration::from_files(found).map_err(|e| Error::RolloutPlan(e.text()))?;
            if files.is_empty() {
                let e = migration::FileError::NoFiles { path: place };
                return Err(Error::RolloutPlan(e.text()).into());
            }
            Ok((files, format!("ref:{owner}/{repo}@{at_text}")))
        }
    }
}

fn current_text() -> Text {
    Say::RolloutAlreadyCurrent.text()
}

fn drift_reason(v: &Verdict) -> Text {
    match v {
        Verdict::UnknownHistory { versions } => {
            Say::RolloutUnknownHistory.with(params! { "versions" => versions.join(", ") })
        }
        Verdict::SchemaHas { version, tables } => Say::RolloutSchemaHas
            .with(params! { "tables" => tables.join(", "), "version" => version }),
        Verdict::Current | Verdict::Behind { .. } => current_text(),
    }
}

/// An instance's database against the files: settled (current, drifted), or behind (`None`).
fn judged(verdict: &Verdict, version: Option<String>) -> Option<Settled> {
    match verdict {
        Verdict::Current => Some(Settled {
            state: MemberState::Done,
            reason: current_text(),
            version,
        }),
        v if v.is_drift() => Some(Settled {
            state: MemberState::Skipped,
            reason: drift_reason(v),
            version,
        }),
        _ => None,
    }
}

/// Reads an instance's database and judges it (`None`: its database did not answer now).
async fn read(
    sb: &Supabase,
    project_ref: &str,
    files: &[Migration],
) -> Option<(Verdict, Option<String>)> {
    instance::read(sb, project_ref).await.ok().map(|found| {
        let verdict = history::verdict(&found.history, &found.tables, files);
        (verdict, found.version())
    })
}

/// A database Supabase locked for writing (past its plan's size, v1-get-readonly-mode-status)
/// takes no file: skipped with the reason instead of failing its run, which halted every wave
/// after a locked canary. A status that cannot be read leaves the run to say what happens.
async fn locked(sb: &Supabase, project_ref: &str) -> Option<Settled> {
    let mode = sb.read_only_mode(project_ref).await.ok()?;
    mode.locked().then(|| Settled {
        state: MemberState::Skipped,
        reason: Say::RolloutDatabaseLocked.text(),
        version: None,
    })
}

impl Definition for Schema {
    fn kind(&self) -> RolloutKind {
        RolloutKind::Schema
    }

    fn before<'a>(
        &'a self,
        cx: &'a dyn Runs,
        r: &'a RolloutRow,
        c: &'a Customer,
    ) -> BoxFuture<'a, FleetResult<Option<Settled>>> {
        async move {
            let Some(project_ref) = c.instance.supabase_project_ref.as_deref() else {
                return Ok(None);
            };
            let files = files_of(r)?;
            let engine = cx.engine()?;
            let sb = &engine.clients().supabase;
            Ok(match read(sb, project_ref, &files).await {
                // A drifted instance is skipped without the version it was read at (as planned).
                Some((v, version)) => match judged(&v, version) {
                    Some(s) if s.state == MemberState::Skipped => {
                        Some(Settled { version: None, ..s })
                    }
                    Some(s) => Some(s),
                    // Behind: asked again right before its run, as the plan asked.
                    None => locked(sb, project_ref).await,
                },
                None => None,
            })
        }
        .boxed()
    }

    fn run(&self, r: &RolloutRow) -> RunRequest {
        RunRequest::Migrate { rollout: r.id }
    }

    fn version_after(
        &self,
        cx: &dyn Runs,
        _r: &RolloutRow,
        customer_id: i64,
    ) -> FleetResult<Option<String>> {
        Ok(cx
            .store()
            .schema_versions(cx.environment())?
            .into_iter()
            .find(|(id, _)| *id == customer_id)
            .and_then(|(_, v)| v))
    }

    fn files(&self, r: &RolloutRow) -> Vec<FileHead> {
        files_of(r)
            .unwrap_or_default()
            .into_iter()
            .map(|m| FileHead {
                version: m.version,
                name: m.name,
                sha256: m.sha256,
            })
            .collect()
    }
}

impl Plan for Schema {
    type Input = RolloutSource;

    /// The files, and every delivered instance's verdict read from its own database (paused
    /// ones skipped without asking), a few at a time.
    fn survey<'a>(
        &'a self,
        cx: &'a dyn Runs,
        source: RolloutSource,
    ) -> BoxFuture<'a, FleetResult<Survey>> {
        async move {
            let (files, source) = files(cx, &source).await?;
            let files = &files;
            let env = cx.environment();
            let store = cx.store();
            let slugs = store.delivered_slugs(env)?;
            let engine = cx.engine()?;
            let sb = &engine.clients().supabase;
            let mut found = Vec::new();
            for chunk in slugs.chunks(parallel(store)) {
                let mut batch = Vec::new();
                for slug in chunk {
                    let c = store.get_customer_in(slug, env)?;
                    batch.push(async move {
                        let skipped = |reason| {
                            Found::Settled(Settled {
                                state: MemberState::Skipped,
                                reason,
                                version: None,
                            })
                        };
                        let one = match (c.status, c.instance.supabase_project_ref.as_deref()) {
                            (Status::Inactive, _) => skipped(paused_text()),
                            (_, None) => skipped(Say::RolloutNoProject.text()),
                            (_, Some(r)) => match read(sb, r, files).await {
                                Some((v, version)) => match judged(&v, version.clone()) {
                                    Some(s) => Found::Settled(s),
                                    None => match locked(sb, r).await {
                                        Some(s) => Found::Settled(s),
                                        None => Found::Behind { version },
                                    },
                                },
                                // Its database did not answer now; its run will say why.
                                None => Found::Behind { version: None },
                            },
                        };
                        (c.id, one)
                    });
                }
                found.extend(futures_util::future::join_all(batch).await);
            }
            let payload =
                serde_json::to_string(files).map_err(|e| Error::Internal(e.to_string()))?;
            Ok(Survey {
                source,
                payload,
                found,
            })
        }
        .boxed()
    }
}
