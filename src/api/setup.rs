//! The setup guide's commands (on first start, from Inställningar, and `fabrik setup`): the
//! guide and where this seat stopped, its proof (a test customer made and removed), and what
//! the accounts have left. Each calls one service of `crate::setup`.

use std::sync::Arc;

use crate::environment::Environment;
use crate::error::ApiResult;
use crate::ledger::RunKind;
use crate::setup::accounts_left::{self, AccountsLeft, RateLimits};
use crate::setup::budget::{self, Budget};
use crate::setup::guide::{self, SetupGuide, SetupStep};
use crate::setup::test_customer::{Proof, ProofPlan, ProofReport};
use crate::supervisor::cloud::CloudApi;
use crate::supervisor::host::RunHost;
use crate::supervisor::Supervisor;

/// The guide as this seat left it.
pub fn setup_guide(cloud: &CloudApi) -> SetupGuide {
    guide::seat_guide(cloud)
}

/// Where this seat stopped in the guide, kept (on the blocking pool: the seat's file).
pub async fn setup_progress(
    cloud: Arc<CloudApi>,
    at: SetupStep,
    skipped: Vec<SetupStep>,
) -> ApiResult<SetupGuide> {
    crate::blocking::run(move || guide::progress(&cloud, at, &skipped)).await
}

/// What the proof will make and cost.
pub async fn setup_proof_plan(
    cloud: Arc<CloudApi>,
    supervisor: Arc<Supervisor>,
) -> ApiResult<ProofPlan> {
    Proof::new(cloud, supervisor).plan().await
}

/// The proof started (or continued) in the background; its report at once.
pub async fn start_setup_proof(
    cloud: Arc<CloudApi>,
    supervisor: Arc<Supervisor>,
    host: Arc<dyn RunHost>,
) -> ApiResult<ProofReport> {
    Arc::new(Proof::new(cloud, supervisor)).start(host).await
}

/// Where the proof on this seat stands.
pub async fn setup_proof(
    cloud: Arc<CloudApi>,
    supervisor: Arc<Supervisor>,
) -> ApiResult<ProofReport> {
    Proof::new(cloud, supervisor).report().await
}

/// What the rate limits' answers have said so far (no call).
pub fn rate_limits(environment: Environment) -> RateLimits {
    accounts_left::rate_limits(environment)
}

/// The rate limits and the plan limits read from the accounts.
pub async fn accounts_left(cloud: &Arc<CloudApi>) -> ApiResult<AccountsLeft> {
    accounts_left::accounts_left(cloud).await
}

/// What `count` runs of `kind` would take, against what the accounts have left now.
pub async fn bulk_budget(cloud: &Arc<CloudApi>, kind: RunKind, count: u32) -> ApiResult<Budget> {
    budget::bulk_budget(cloud, kind, count).await
}
