//! Provisioning: the plan (a DAG of steps), the engine (run, retry, resume, cancel, rollback),
//! and the steps. Progress events are the ledger's (`ledger::events`). See docs/ARCHITECTURE.md, "The provisioning run".

pub mod adoptions;
pub mod client_config;
mod context;
pub mod creation;
pub mod email;
pub mod engine;
pub mod gate;
pub mod handovers;
pub mod kept;
pub mod kinds;
pub mod letter;
pub mod outputs;
pub mod ownership;
pub mod plan;
pub mod policy;
pub mod preflight;
pub mod proof;
pub mod refusal;
pub mod rollouts;
pub mod schema;
pub mod seat_files;
pub mod settings;
pub mod steps;

pub use crate::ledger::{
    AdoptionState, AllowedBy, LogLevel, RunKind, RunState, StepKey, StepState,
};
pub use crate::ledger::{EventSink, RunEvent, StepOutcome};
pub use crate::providers::clients::{Clients, Tokens};
pub use engine::{
    cancel_run, Claimed, DeploymentView, Deployments, Engine, FailurePolicy, Reader, StartOutcome,
    TargetVerdict, TeardownTarget, ALERT_ADDRESS, DEPLOYMENTS_LISTED,
};
pub use kinds::RunRequest;
pub use plan::{PlanAction, PlanItem, ProvisionPlan};
pub use policy::{PollPolicy, Timing, HEARTBEAT, STALE_AFTER};
pub use settings::ProvisionSettings;
pub use steps::{strong_password, workflow_name, DnsRecord, DomainStatus, Spends, StepTable};
