//! Schema roll-outs across the fleet, one core behind the window and the CLI: a plan (which
//! instances, which files, which waves), then per-instance `migrate` runs through the
//! supervisor, wave after wave, with the halt rule between waves, pause, resume and abort.
//!
//! Where everything stands lives in the register (`store::rollouts`), never only in memory: a
//! driver killed at any moment leaves a roll-out the next `start` continues. A member whose run
//! was started is followed through that run's own row (continued when its driver is gone); one
//! not yet started is checked against its database again right before its run, so an instance
//! that drifted or was paused meanwhile is reported and skipped, never forced.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::host::RunHost;
use super::supervisor::Supervisor;
use super::ApiResult;
use crate::customer::Status;
use crate::database::history::{self, Verdict};
use crate::database::instance;
use crate::database::migration::{self, Migration};
use crate::environment::Environment;
use crate::error::Error;
use crate::fleet;
use crate::ledger::{MemberState, RolloutKind, RolloutState, RunState};
use crate::messages::params;
use crate::messages::{Say, Text};
use crate::provision::RunRequest;
use crate::store::rollouts::{MemberRow, NewMember, RolloutRow};
use crate::store::Store;

/// How many instances of a wave work at once by default (each run paces its own calls on the
/// shared pacer; this bounds the runs in flight). Supabase counts its limits per project, so
/// instances at once share no budget: the setting `rollout.parallel` (1 to `MAX_PARALLEL`)
/// changes it.
pub const PARALLEL: usize = 8;
/// The setting that overrides `PARALLEL`.
pub const PARALLEL_SETTING: &str = "rollout.parallel";
const MAX_PARALLEL: usize = 64;
/// The most migration files a template's folder may hold.
const MAX_FILES: usize = 1000;
/// How often a driver says it is alive and reads a pause or abort from another seat.
const BEAT: Duration = Duration::from_secs(5);

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

/// A planned file, as the window shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FileHead {
    pub version: String,
    pub name: String,
    pub sha256: String,
}

/// One wave's progress.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct WaveView {
    #[ts(type = "number")]
    pub index: i64,
    pub total: u32,
    pub pending: u32,
    pub running: u32,
    pub done: u32,
    pub failed: u32,
    pub skipped: u32,
}

/// A roll-out with its files, waves and members.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RolloutView {
    pub rollout: RolloutRow,
    pub files: Vec<FileHead>,
    pub waves: Vec<WaveView>,
    pub members: Vec<MemberRow>,
}

impl RolloutView {
    /// Every planned instance is done: nothing failed, nothing was skipped.
    pub fn all_done(&self) -> bool {
        self.members.iter().all(|m| m.state == MemberState::Done)
    }
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

pub struct RolloutsApi {
    store: Arc<Store>,
    supervisor: Arc<Supervisor>,
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

impl RolloutsApi {
    pub fn new(store: Arc<Store>, supervisor: Arc<Supervisor>) -> RolloutsApi {
        RolloutsApi { store, supervisor }
    }

    fn environment(&self) -> Environment {
        self.supervisor.environment()
    }

    /// How many instances work at once: the setting `rollout.parallel`, else `PARALLEL`.
    pub fn parallel(&self) -> usize {
        self.store
            .get_setting(PARALLEL_SETTING)
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .map_or(PARALLEL, |n| n.clamp(1, MAX_PARALLEL))
    }

    /// The files of a source, read and checked whole.
    pub async fn files(&self, source: &RolloutSource) -> ApiResult<(Vec<Migration>, String)> {
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
                let engine = self.supervisor.engine()?;
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
                let Some(found) = found else {
                    let place = format!("{owner}/{repo}@{at_text}: {}", migration::MIGRATIONS_DIR);
                    return Err(Error::RolloutPlan(
                        Say::RolloutFolderMissing.with(params! { "place" => place }),
                    )
                    .into());
                };
                let files =
                    migration::from_files(found).map_err(|e| Error::RolloutPlan(e.text()))?;
                if files.is_empty() {
                    let e = migration::FileError::NoFiles {
                        path: format!("{owner}/{repo}@{at_text}: {}", migration::MIGRATIONS_DIR),
                    };
                    return Err(Error::RolloutPlan(e.text()).into());
                }
                Ok((files, format!("ref:{owner}/{repo}@{at_text}")))
            }
        }
    }

    /// Every delivered instance of the environment with the schema version it was last seen at.
    pub fn instances(&self) -> ApiResult<Vec<InstanceSchemaView>> {
        let env = self.environment();
        let versions: std::collections::HashMap<i64, Option<String>> =
            self.store.schema_versions(env)?.into_iter().collect();
        let mut out = Vec::new();
        for slug in self.store.delivered_slugs(env)? {
            let c = self.store.get_customer_in(&slug, env)?;
            out.push(InstanceSchemaView {
                schema_version: versions.get(&c.id).cloned().flatten(),
                slug: c.slug,
                name: c.name,
                status: c.status,
            });
        }
        Ok(out)
    }

    /// Plans a roll-out: the files, every delivered instance's verdict read from its own
    /// database (paused ones skipped without asking), and the waves over those behind.
    /// Nothing is applied. Refused while another roll-out of the environment is open.
    pub async fn plan(
        &self,
        source: RolloutSource,
        waves: &str,
        halt_share: f64,
    ) -> ApiResult<RolloutView> {
        let waves = fleet::parse_waves(waves).map_err(Error::RolloutPlan)?;
        if !(0.0..=1.0).contains(&halt_share) {
            return Err(Error::RolloutPlan(Say::RolloutHaltShareRange.text()).into());
        }
        if let Some(open) = self
            .store
            .open_rollout(self.environment(), RolloutKind::Schema)?
        {
            return Err(Error::RolloutOpen(open.id).into());
        }
        let (files, source_text) = self.files(&source).await?;
        let files = &files;
        let env = self.environment();
        let slugs = self.store.delivered_slugs(env)?;
        let engine = self.supervisor.engine()?;
        let sb = &engine.clients().supabase;
        // Read every instance's database, a few at a time.
        let mut read = Vec::new();
        for chunk in slugs.chunks(self.parallel()) {
            let mut batch = Vec::new();
            for slug in chunk {
                let c = self.store.get_customer_in(slug, env)?;
                batch.push(async move {
                    // `Ok(None)`: its database did not answer now; its run will say why.
                    let verdict = match (c.status, c.instance.supabase_project_ref.as_deref()) {
                        (Status::Inactive, _) => Err(paused_text()),
                        (_, None) => Err(Say::RolloutNoProject.text()),
                        (_, Some(r)) => Ok(instance::read(sb, r).await.ok().map(|found| {
                            (
                                history::verdict(&found.history, &found.tables, files),
                                found.version(),
                            )
                        })),
                    };
                    (c, verdict)
                });
            }
            read.extend(futures_util::future::join_all(batch).await);
        }
        let mut behind = Vec::new();
        let mut members = Vec::new();
        for (c, verdict) in read {
            match verdict {
                Err(reason) => members.push(NewMember {
                    customer_id: c.id,
                    wave: 0,
                    state: MemberState::Skipped,
                    reason: Some(reason),
                    version_before: None,
                }),
                Ok(Some((Verdict::Current, version))) => members.push(NewMember {
                    customer_id: c.id,
                    wave: 0,
                    state: MemberState::Done,
                    reason: Some(current_text()),
                    version_before: version,
                }),
                Ok(Some((v, version))) if v.is_drift() => members.push(NewMember {
                    customer_id: c.id,
                    wave: 0,
                    state: MemberState::Skipped,
                    reason: Some(drift_reason(&v)),
                    version_before: version,
                }),
                Ok(Some((_, version))) => behind.push((c, version)),
                Ok(None) => behind.push((c, None)),
            }
        }
        let assigned = fleet::assign(behind.len(), &waves);
        for ((c, version), wave) in behind.into_iter().zip(assigned) {
            members.push(NewMember {
                customer_id: c.id,
                wave,
                state: MemberState::Pending,
                reason: None,
                version_before: version,
            });
        }
        let json = serde_json::to_string(files).map_err(internal)?;
        let id = self.store.create_rollout(
            env,
            RolloutKind::Schema,
            &source_text,
            &json,
            halt_share,
            &members,
        )?;
        self.view(id)
    }

    /// A roll-out with its files, waves and members.
    pub fn view(&self, id: i64) -> ApiResult<RolloutView> {
        let rollout = self
            .store
            .get_rollout(id)?
            .ok_or(Error::RolloutNotFound(id))?;
        let files: Vec<Migration> = serde_json::from_str(&rollout.migrations).unwrap_or_default();
        let members = self.store.rollout_members(id)?;
        let mut waves: Vec<WaveView> = Vec::new();
        for m in &members {
            let i = m.wave as usize;
            while waves.len() <= i {
                waves.push(WaveView {
                    index: waves.len() as i64,
                    ..WaveView::default()
                });
            }
            let w = &mut waves[i];
            w.total += 1;
            match m.state {
                MemberState::Pending => w.pending += 1,
                MemberState::Running => w.running += 1,
                MemberState::Done => w.done += 1,
                MemberState::Failed => w.failed += 1,
                MemberState::Skipped => w.skipped += 1,
            }
        }
        Ok(RolloutView {
            files: files
                .iter()
                .map(|m| FileHead {
                    version: m.version.clone(),
                    name: m.name.clone(),
                    sha256: m.sha256.clone(),
                })
                .collect(),
            rollout,
            waves,
            members,
        })
    }

    /// The environment's roll-outs, newest first.
    pub fn list(&self) -> ApiResult<Vec<RolloutRow>> {
        Ok(self
            .store
            .list_rollouts(self.environment(), RolloutKind::Schema, 50)?)
    }

    /// The open roll-out, if any.
    pub fn open(&self) -> ApiResult<Option<RolloutRow>> {
        Ok(self
            .store
            .open_rollout(self.environment(), RolloutKind::Schema)?)
    }

    /// Pauses: the driver finishes the runs in flight and starts no new one.
    pub fn pause(&self, id: i64) -> ApiResult<RolloutView> {
        self.move_to(
            id,
            RolloutState::Paused,
            &[RolloutState::Running, RolloutState::Planned],
        )
    }

    /// Aborts: nothing more is applied; what was applied stays (restore it per instance).
    pub fn abort(&self, id: i64) -> ApiResult<RolloutView> {
        self.move_to(
            id,
            RolloutState::Aborted,
            &[
                RolloutState::Running,
                RolloutState::Planned,
                RolloutState::Paused,
                RolloutState::Halted,
            ],
        )
    }

    fn move_to(&self, id: i64, to: RolloutState, from: &[RolloutState]) -> ApiResult<RolloutView> {
        let r = self
            .store
            .get_rollout(id)?
            .ok_or(Error::RolloutNotFound(id))?;
        if !self.store.set_rollout_state(id, to, None, None, from)? {
            return Err(Error::RolloutState { id, state: r.state }.into());
        }
        self.view(id)
    }

    /// "Återställ vågen": every instance of the wave a roll-out stopped at that its run changed
    /// (done or failed) is put back to the backup its run took right before, each as a restore
    /// run (which backs up what it replaces first). `confirmation` must be the roll-out's
    /// number, typed. Returns each instance with how its restore ended.
    pub async fn restore_wave(
        &self,
        id: i64,
        confirmation: &str,
        host: Arc<dyn RunHost>,
    ) -> ApiResult<Vec<(String, RunState)>> {
        if confirmation.trim() != id.to_string() {
            return Err(Error::NotConfirmed.into());
        }
        let r = self
            .store
            .get_rollout(id)?
            .ok_or(Error::RolloutNotFound(id))?;
        if r.state == RolloutState::Running {
            return Err(Error::RolloutState { id, state: r.state }.into());
        }
        let mut ended = Vec::new();
        for m in self.store.rollout_members(id)? {
            let touched = matches!(m.state, MemberState::Done | MemberState::Failed);
            let (true, Some(run_id), true) = (m.wave == r.wave, m.run_id, touched) else {
                continue;
            };
            let Some(backup) = self.store.backup_of_run(run_id)? else {
                continue;
            };
            let launched = self
                .supervisor
                .start_run(
                    m.slug.clone(),
                    RunRequest::Restore {
                        backup: backup.id,
                        confirmation: m.slug.clone(),
                    },
                    host.clone(),
                )
                .await?;
            let run_id = launched.outcome.run_id;
            let state = match launched.wait().await {
                Some(result) => result.map_err(|e| e.to_api())?,
                None => self.follow(run_id, host.clone()).await?,
            };
            ended.push((m.slug, state));
        }
        Ok(ended)
    }

    /// Starts (or continues, or resumes) a roll-out and drives it until it is done, halted,
    /// paused or aborted. A halted roll-out is continued from the wave that halted when the
    /// owner starts it again (after restoring or fixing what failed).
    pub async fn drive(&self, id: i64, host: Arc<dyn RunHost>) -> ApiResult<RolloutView> {
        let r = self
            .store
            .get_rollout(id)?
            .ok_or(Error::RolloutNotFound(id))?;
        if !r.state.is_open() && r.state != RolloutState::Halted {
            return self.view(id);
        }
        let token = uuid::Uuid::new_v4().to_string();
        let stale = self.supervisor.lease();
        if !self.store.claim_rollout(id, &token, stale)? {
            return Err(Error::RolloutBusy(id).into());
        }
        self.store.set_rollout_state(
            id,
            RolloutState::Running,
            None,
            None,
            &[
                RolloutState::Planned,
                RolloutState::Paused,
                RolloutState::Halted,
                RolloutState::Running,
            ],
        )?;
        let result = self.drive_claimed(id, &token, host).await;
        let _ = self.store.release_rollout(id, &token);
        result?;
        self.view(id)
    }

    async fn drive_claimed(&self, id: i64, token: &str, host: Arc<dyn RunHost>) -> ApiResult<()> {
        loop {
            let r = self
                .store
                .get_rollout(id)?
                .ok_or(Error::RolloutNotFound(id))?;
            if r.state != RolloutState::Running {
                return Ok(());
            }
            let members = self.store.rollout_members(id)?;
            let last_wave = members.iter().map(|m| m.wave).max().unwrap_or(0);
            let wave: Vec<MemberRow> = members
                .into_iter()
                .filter(|m| m.wave == r.wave && !m.state.is_final())
                .collect();
            // A window of `parallel` members in flight: the next starts as soon as one ends,
            // not when the slowest of a batch has. Each start is checked against a pause or
            // abort; the runs in flight are finished, and the first error is returned after.
            let parallel = self.parallel();
            let mut next = wave.iter();
            let mut flight = futures_util::stream::FuturesUnordered::new();
            let mut stopped = false;
            let mut first_error = None;
            loop {
                while !stopped && first_error.is_none() && flight.len() < parallel {
                    let Some(m) = next.next() else { break };
                    if !self.still_running(id, token)? {
                        stopped = true;
                        break;
                    }
                    flight.push(self.member(&r, m.clone(), host.clone()));
                }
                match futures_util::StreamExt::next(&mut flight).await {
                    Some(Err(e)) => {
                        first_error.get_or_insert(e);
                    }
                    Some(Ok(())) => {}
                    None => break,
                }
            }
            if let Some(e) = first_error {
                return Err(e);
            }
            if stopped || !self.still_running(id, token)? {
                return Ok(());
            }
            let now = self.store.rollout_members(id)?;
            let this: Vec<&MemberRow> = now.iter().filter(|m| m.wave == r.wave).collect();
            if this.iter().any(|m| !m.state.is_final()) {
                // A member's run is driven elsewhere still: look again shortly.
                tokio::time::sleep(BEAT).await;
                continue;
            }
            // Only what the wave tried counts: an instance already current at the plan (done,
            // with no run) was never tried, and must not dilute the wave's failures.
            let done = this
                .iter()
                .filter(|m| m.state == MemberState::Done && m.run_id.is_some())
                .count();
            let failed = this
                .iter()
                .filter(|m| m.state == MemberState::Failed)
                .count();
            if let Some(why) = fleet::halt(r.wave, done, failed, r.halt_share) {
                self.store.set_rollout_state(
                    id,
                    RolloutState::Halted,
                    None,
                    Some(&why),
                    &[RolloutState::Running],
                )?;
                host.notify("Fabrik", &why.sv);
                return Ok(());
            }
            if r.wave >= last_wave {
                self.store.set_rollout_state(
                    id,
                    RolloutState::Done,
                    None,
                    None,
                    &[RolloutState::Running],
                )?;
                return Ok(());
            }
            self.store.set_rollout_state(
                id,
                RolloutState::Running,
                Some(r.wave + 1),
                None,
                &[RolloutState::Running],
            )?;
        }
    }

    /// Whether this driver still holds a running roll-out (a pause or abort from any seat
    /// ends the drive; so does another driver taking the lease over).
    fn still_running(&self, id: i64, token: &str) -> ApiResult<bool> {
        if !self.store.beat_rollout(id, token)? {
            return Ok(false);
        }
        let r = self
            .store
            .get_rollout(id)?
            .ok_or(Error::RolloutNotFound(id))?;
        Ok(r.state == RolloutState::Running)
    }

    /// One instance's part, from wherever it stood.
    async fn member(&self, r: &RolloutRow, m: MemberRow, host: Arc<dyn RunHost>) -> ApiResult<()> {
        let env = self.environment();
        let set =
            |state: MemberState, reason: Option<&Text>, run: Option<i64>, version: Option<&str>| {
                self.store
                    .set_member(r.id, m.customer_id, state, reason, run, version)
            };
        // A run started before: follow it to its end.
        if let Some(run_id) = m.run_id {
            let state = self.follow(run_id, host.clone()).await?;
            return self.settle(r, &m, run_id, state);
        }
        let c = self.store.get_customer_in(&m.slug, env)?;
        if c.status == Status::Inactive {
            set(MemberState::Skipped, Some(&paused_text()), None, None)?;
            return Ok(());
        }
        // Checked again right before: the plan may be old.
        if r.kind == RolloutKind::Template {
            if let Some((state, reason, version)) =
                crate::template::rollout::settled_before(&self.store, r, &c)?
            {
                set(state, Some(&reason), None, version.as_deref())?;
                return Ok(());
            }
        }
        let files: Vec<Migration> = match r.kind {
            RolloutKind::Schema => serde_json::from_str(&r.migrations).map_err(internal)?,
            RolloutKind::Template => Vec::new(),
        };
        if let (RolloutKind::Schema, Some(project_ref)) =
            (r.kind, c.instance.supabase_project_ref.as_deref())
        {
            let engine = self.supervisor.engine()?;
            if let Ok(found) = instance::read(&engine.clients().supabase, project_ref).await {
                match history::verdict(&found.history, &found.tables, &files) {
                    Verdict::Current => {
                        set(
                            MemberState::Done,
                            Some(&current_text()),
                            None,
                            found.version().as_deref(),
                        )?;
                        return Ok(());
                    }
                    v if v.is_drift() => {
                        set(MemberState::Skipped, Some(&drift_reason(&v)), None, None)?;
                        return Ok(());
                    }
                    _ => {}
                }
            }
        }
        let launched = self
            .supervisor
            .start_run(
                m.slug.clone(),
                match r.kind {
                    RolloutKind::Schema => RunRequest::Migrate { rollout: r.id },
                    RolloutKind::Template => RunRequest::TemplateSync { rollout: r.id },
                },
                host.clone(),
            )
            .await;
        let launched = match launched {
            Ok(l) => l,
            Err(e) => {
                let reason = Text::of(e.code, &e.params);
                set(MemberState::Failed, Some(&reason), None, None)?;
                return Ok(());
            }
        };
        let run_id = launched.outcome.run_id;
        set(MemberState::Running, None, Some(run_id), None)?;
        let state = match launched.wait().await {
            Some(Ok(state)) => state,
            // Another driver has it (a run asked the same, continued elsewhere): follow it.
            None => self.follow(run_id, host).await?,
            Some(Err(e)) => return Err(e.to_api()),
        };
        self.settle(r, &m, run_id, state)
    }

    /// Waits for a run to end, continuing it when its driver is gone.
    async fn follow(&self, run_id: i64, host: Arc<dyn RunHost>) -> ApiResult<RunState> {
        loop {
            let run = self.store.get_run(run_id)?;
            if !run.state.is_active() {
                return Ok(run.state);
            }
            match self.supervisor.resume(run_id, host.clone()).await {
                Ok(handle) => {
                    return handle.await.map_err(internal)?.map_err(|e| e.to_api());
                }
                // Driven by a live driver: wait for it.
                Err(e) if e.code == crate::messages::ErrorCode::RunBusy => {
                    tokio::time::sleep(BEAT).await
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The member's state from its run's end.
    fn settle(&self, r: &RolloutRow, m: &MemberRow, run_id: i64, state: RunState) -> ApiResult<()> {
        let run = self.store.get_run(run_id)?;
        let env = self.environment();
        let version = match r.kind {
            RolloutKind::Schema => self
                .store
                .schema_versions(env)?
                .into_iter()
                .find(|(id, _)| *id == m.customer_id)
                .and_then(|(_, v)| v),
            // Where the repository stands after: its pull request, or its base when none was needed.
            RolloutKind::Template => {
                crate::template::rollout::version_after(&self.store, r, m.customer_id)?
            }
        };
        let (member, reason) = match state {
            RunState::Succeeded => (MemberState::Done, None),
            _ => (
                MemberState::Failed,
                Some(match run.error {
                    Some(text) => text,
                    None => Say::RolloutRunEnded.with(params! { "state" => state.as_str() }),
                }),
            ),
        };
        self.store.set_member(
            r.id,
            m.customer_id,
            member,
            reason.as_ref(),
            Some(run_id),
            version.as_deref(),
        )?;
        Ok(())
    }
}

fn paused_text() -> Text {
    Say::RolloutInstancePaused.text()
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
