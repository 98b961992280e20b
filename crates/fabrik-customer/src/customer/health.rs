//! What a health check of an instance found, as the register keeps it (`store::health`) and
//! the register's list shows it. The check itself is `crate::health`, above the providers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::environment::Environment;
use crate::ledger::StepKey;
use crate::messages::Text;

/// What kind of difference a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Fabrik delivered it and it is gone.
    Missing,
    /// It is there but not as Fabrik left it (a variable's targets, a deactivated workflow, a
    /// repository made public or archived, protection on the site).
    Changed,
    /// It is there and reports itself broken (a service, a failed deployment, a 5xx).
    Unhealthy,
    /// The Supabase project is paused.
    Paused,
    /// The provider or the site did not answer, so this part could not be checked.
    Unreachable,
}

impl FindingKind {
    /// Its word beside a finding, from the catalogue.
    pub fn label(self) -> crate::messages::Say {
        use crate::messages::Say;
        match self {
            FindingKind::Missing => Say::FindingMissing,
            FindingKind::Changed => Say::FindingChanged,
            FindingKind::Unhealthy => Say::FindingUnhealthy,
            FindingKind::Paused => Say::FindingPaused,
            FindingKind::Unreachable => Say::FindingUnreachable,
        }
    }
}

/// Which part of the instance a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HealthPart {
    SupabaseProject,
    SupabaseService,
    VercelProject,
    VercelEnv,
    Deployment,
    Site,
    Repository,
    Workflow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HealthFinding {
    pub part: HealthPart,
    pub kind: FindingKind,
    /// Exactly what: a variable's key, a service's name, a URL, a project's ref.
    pub subject: String,
    /// What is wrong.
    pub message: Text,
    /// What to do about it.
    pub action: Text,
    /// The provisioning step that can mend it ("Reparera"), when one can.
    pub repair: Option<StepKey>,
}

/// The production site as an anonymous visitor met it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SiteProbe {
    pub url: String,
    /// The HTTP status, or `None` when no answer came (timeout, no connection).
    pub status: Option<u16>,
    #[ts(type = "number")]
    pub ms: u64,
}

/// The last check as the register's list shows it: a dot, and how many findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthSummary {
    pub healthy: bool,
    pub findings: u32,
    pub checked_at: DateTime<Utc>,
}

/// One check of one instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Health {
    pub slug: String,
    pub environment: Environment,
    pub checked_at: DateTime<Utc>,
    /// No findings.
    pub healthy: bool,
    pub site: Option<SiteProbe>,
    pub findings: Vec<HealthFinding>,
    /// Beside the findings: the usage warnings of the instance's stored days (a limit days
    /// away, an idle pause coming), read from the register, not the providers. They do not
    /// make the instance unhealthy; the usage job alerts on them.
    #[serde(default)]
    pub usage: Vec<Text>,
}

impl Health {
    pub fn new(
        slug: &str,
        environment: Environment,
        site: Option<SiteProbe>,
        findings: Vec<HealthFinding>,
    ) -> Health {
        Health {
            slug: slug.to_string(),
            environment,
            checked_at: Utc::now(),
            healthy: findings.is_empty(),
            site,
            findings,
            usage: Vec::new(),
        }
    }
}
