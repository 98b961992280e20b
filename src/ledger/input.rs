//! What a run was asked beyond its kind, typed, as the ledger keeps it (`runs.input`).

use serde::{Deserialize, Serialize};

use super::StepKey;

/// What a run was asked beyond its kind, as the ledger keeps it (`runs.input`, JSON). The same
/// JSON as before it was typed, so a run recorded by an older Fabrik resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RunInput {
    /// The custom domain a domain run adds or removes (validated before the run exists).
    Domain { domain: String },
    /// The steps a repair runs: those its health check said can mend what it found.
    Steps { steps: Vec<StepKey> },
    /// The roll-out whose migration files a `migrate` run applies (they live in its row).
    Rollout { rollout: i64 },
    /// The backup a restore puts back.
    Restore { backup: i64 },
    /// A backup the schedule took.
    Scheduled { scheduled: bool },
    /// A workflow backup that follows a provisioning run.
    Provisioned { provisioned: bool },
    /// The backed-up version (a `workflow_backups` row) a workflow restore writes back, and
    /// which workflow (`None`: the instance's own).
    WorkflowVersion {
        version: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workflow: Option<String>,
    },
    /// The deployment a `promote` run makes production (Vercel's `dpl_…` id).
    Deployment { deployment: String },
}

impl RunInput {
    /// The input as stored; `None` for none, and for JSON this Fabrik does not know (the run's
    /// steps then fail on what they miss, with `ledger_incomplete`, rather than guess).
    pub fn from_stored(v: Option<&serde_json::Value>) -> Option<RunInput> {
        v.and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    pub fn to_stored(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn domain(&self) -> Option<&str> {
        match self {
            RunInput::Domain { domain } => Some(domain),
            _ => None,
        }
    }
}
