//! Provisioning: the plan (a DAG of steps), the engine (run, retry, resume, cancel, rollback),
//! the steps, and progress events. See ../shared/DESIGN.md, "The provisioning run".

mod actions;
pub mod clients;
mod context;
pub mod email;
pub mod engine;
pub mod events;
pub mod plan;
pub mod policy;
pub mod schema;
pub mod settings;
pub mod step;

pub use actions::{strong_password, workflow_name};
pub use clients::{Clients, Tokens};
pub use engine::{Engine, FailurePolicy, StartOutcome, HEARTBEAT, STALE_AFTER};
pub use events::{EventSink, RunEvent, StepOutcome};
pub use plan::{PlanAction, PlanItem, ProvisionPlan};
pub use policy::{PollPolicy, RetryPolicy, Timing};
pub use settings::ProvisionSettings;
pub use step::StepKey;

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Succeeded,
    Failed,
    Cancelled,
    RolledBack,
    RollbackFailed,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Succeeded => "succeeded",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
            RunState::RolledBack => "rolled_back",
            RunState::RollbackFailed => "rollback_failed",
        }
    }
}
