//! What a kind of roll-out is to the driver, and what the driver reaches the runs through.
//!
//! A roll-out kind is one `Definition` (the check right before a member, the run it starts,
//! where a member stands after it) and one `Plan` (what its planning reads from each instance).
//! The wave driver (`driver.rs`) knows nothing else of a kind: a new kind of fleet change is a
//! new definition, named once in `kinds.rs`.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;
use ts_rs::TS;

use crate::customer::Customer;
use crate::environment::Environment;
use crate::error::ApiError;
use crate::ledger::{MemberState, RolloutKind, RunState};
use crate::messages::{Say, Text};
use crate::provision::rollouts::RolloutRow;
use crate::provision::{Engine, RunRequest};
use crate::store::Store;

/// A planned file, as the window shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FileHead {
    pub version: String,
    pub name: String,
    pub sha256: String,
}

/// How many instances of a wave work at once by default (each run paces its own calls on the
/// shared pacer; this bounds the runs in flight). Supabase counts its limits per project, so
/// instances at once share no budget: the setting `rollout.parallel` (1 to `MAX_PARALLEL`)
/// changes it.
pub const PARALLEL: usize = 8;
/// The setting that overrides `PARALLEL`.
pub const PARALLEL_SETTING: &str = "rollout.parallel";
const MAX_PARALLEL: usize = 64;
/// How many instances work at once: the setting `rollout.parallel`, else `PARALLEL`.
pub fn parallel(store: &Store) -> usize {
    store
        .get_setting(PARALLEL_SETTING)
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(PARALLEL, |n| n.clamp(1, MAX_PARALLEL))
}

/// A paused instance is never changed by a roll-out.
pub fn paused_text() -> Text {
    Say::RolloutInstancePaused.text()
}

pub type FleetResult<T> = std::result::Result<T, ApiError>;

/// A member's run as it was started: its id, and its end when this process drives it (`None`
/// from `end` when another driver has it).
pub struct Started {
    pub run_id: i64,
    /// The customer had an active run already, and this is that run (it may be another kind).
    pub already_running: bool,
    pub end: BoxFuture<'static, Option<crate::Result<RunState>>>,
}

/// How the driver reaches the register, the clouds and the runs. The front ends' supervisor
/// provides it, so a member's run starts the one way every run starts (preflight, gate, the
/// ledger), and a roll-out's failures are told where its runs' are.
pub trait Runs: Send + Sync {
    fn store(&self) -> &Arc<Store>;
    fn environment(&self) -> Environment;
    /// This environment's engine (its clients and settings), for the reads a plan makes.
    fn engine(&self) -> crate::Result<Engine>;
    /// How long a driver's heartbeat counts (a roll-out's lease follows its runs').
    fn lease(&self) -> Duration;
    /// Starts (or continues) a run for the customer.
    fn start(&self, slug: String, request: RunRequest) -> BoxFuture<'_, FleetResult<Started>>;
    /// Continues a run whose driver is gone; `run_busy` while a live driver has it.
    fn resume(
        &self,
        run_id: i64,
    ) -> BoxFuture<'_, FleetResult<BoxFuture<'static, crate::Result<RunState>>>>;
    /// Tells the person (a notification in the window, a line in the CLI).
    fn notify(&self, body: &str);
}

/// A member settled without a run: already there, drifted, paused, or done before.
#[derive(Debug, Clone)]
pub struct Settled {
    pub state: MemberState,
    pub reason: Text,
    /// Where the instance stands (the roll-out's version column).
    pub version: Option<String>,
}

/// What planning found for one instance.
#[derive(Debug, Clone)]
pub enum Found {
    Settled(Settled),
    /// Behind: a member of a wave, standing at `version`.
    Behind {
        version: Option<String>,
    },
}

/// A kind's plan before the waves are cut: where it comes from (for people), what the
/// roll-out keeps in the register for its members' runs, and each delivered instance.
pub struct Survey {
    pub source: String,
    pub payload: String,
    pub found: Vec<(i64, Found)>,
}

/// One kind of roll-out, as the driver uses it for each member.
pub trait Definition: Send + Sync {
    fn kind(&self) -> RolloutKind;

    /// Checked right before a pending member's run (the plan may be old): settled without a
    /// run, or `None` to start it. A paused instance is skipped before this is asked.
    fn before<'a>(
        &'a self,
        cx: &'a dyn Runs,
        r: &'a RolloutRow,
        c: &'a Customer,
    ) -> BoxFuture<'a, FleetResult<Option<Settled>>>;

    /// The run that brings the roll-out to one instance.
    fn run(&self, r: &RolloutRow) -> RunRequest;

    /// Where an instance stands after its run (the version column).
    fn version_after(
        &self,
        cx: &dyn Runs,
        r: &RolloutRow,
        customer_id: i64,
    ) -> FleetResult<Option<String>>;

    /// The files the roll-out brings, as the window lists them (none for a kind without).
    fn files(&self, _r: &RolloutRow) -> Vec<FileHead> {
        Vec::new()
    }
}

/// A kind's planning: what it reads from every delivered instance, from its own input.
pub trait Plan: Definition {
    type Input: Send;

    fn survey<'a>(
        &'a self,
        cx: &'a dyn Runs,
        input: Self::Input,
    ) -> BoxFuture<'a, FleetResult<Survey>>;
}
