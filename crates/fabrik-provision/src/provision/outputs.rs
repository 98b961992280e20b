//! What a step records as its output, typed: each struct names the step that writes it, and a
//! later step reads it with `ctx.out::<T>()` instead of a field by its name. The ledger keeps
//! outputs as JSON, so a run recorded by an older Fabrik reads the same.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ledger::StepKey;

/// An output one step records.
pub trait StepOutput: DeserializeOwned {
    const STEP: StepKey;
}

/// `supabase.project`: the project's immutable ref.
#[derive(Debug, Clone, Deserialize)]
pub struct SupabaseProject {
    #[serde(rename = "ref")]
    pub project_ref: String,
}

/// `supabase.admin_user`: the first administrator Fabrik made or found.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminUser {
    pub user_id: String,
    /// Fabrik made it (rather than finding it): only then does it know a first password.
    #[serde(default)]
    pub created: bool,
}

/// `github.repo`: the repository: its immutable id (absent in runs recorded before ids were,
/// and after a crash that left only the intent), and the owner and name it had then.
#[derive(Debug, Clone, Deserialize)]
pub struct GithubRepo {
    #[serde(default)]
    pub id: Option<u64>,
    pub owner: String,
    pub name: String,
    pub default_branch: Option<String>,
    /// Its page, for the instance card.
    #[serde(default)]
    pub html_url: Option<String>,
}

impl GithubRepo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

/// `vercel.project`: the project's immutable id, and its name.
#[derive(Debug, Clone, Deserialize)]
pub struct VercelProject {
    pub id: String,
    pub name: String,
}

/// `vercel.deploy`: the production deployment and the address it serves.
#[derive(Debug, Clone, Deserialize)]
pub struct Deployment {
    pub id: Option<String>,
    pub url: String,
}

/// `n8n.workflow`: the workflow's id.
#[derive(Debug, Clone, Deserialize)]
pub struct Workflow {
    pub id: String,
}

/// `n8n.backup`: the commit that holds the workflows as the backup read them (`None` when
/// the repository already held them).
#[derive(Debug, Clone, Deserialize)]
pub struct WorkflowBackupDone {
    #[serde(default)]
    pub commit: Option<String>,
}

impl StepOutput for WorkflowBackupDone {
    const STEP: StepKey = StepKey::N8nBackup;
}
impl StepOutput for SupabaseProject {
    const STEP: StepKey = StepKey::SupabaseProject;
}
impl StepOutput for AdminUser {
    const STEP: StepKey = StepKey::SupabaseAdminUser;
}
impl StepOutput for GithubRepo {
    const STEP: StepKey = StepKey::GithubRepo;
}
impl StepOutput for VercelProject {
    const STEP: StepKey = StepKey::VercelProject;
}
impl StepOutput for Deployment {
    const STEP: StepKey = StepKey::VercelDeploy;
}
impl StepOutput for Workflow {
    const STEP: StepKey = StepKey::N8nWorkflow;
}

/// What a day-two step records before it changes something, so a resumed run or its rollback
/// knows what was there: written as JSON in the ledger, read back typed. Each names the step
/// (or steps) that write it; unknown fields are ignored and missing ones default, so a run
/// recorded by an older Fabrik reads the same.
///
/// `modules.config`: `client-config.json` as it was and as this run wrote it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo_id: Option<u64>,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub path: String,
    pub previous_text: Option<String>,
    pub previous_sha: Option<String>,
    pub text: Option<String>,
    pub sha: Option<String>,
}

/// `modules.env`: the modules variable, before and after.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EnvChange {
    pub project_id: Option<String>,
    pub key: Option<String>,
    pub previous: Option<String>,
    pub value: Option<String>,
}

/// `modules.deploy`, `vercel.redeploy`: the new production deployment, and the one production
/// served before (what a rollback promotes again).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewProduction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub project_id: Option<String>,
    pub previous: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `vercel.domain_production`: the production address before and after.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AddressChange {
    pub previous: Option<String>,
    pub url: Option<String>,
}

/// `vercel.domain_add`, `vercel.domain_remove`: the project the domain is on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DomainOnProject {
    pub project_id: Option<String>,
}

/// `supabase.admin_password`: whose password was set, in which project.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AdminPasswordChange {
    pub user_id: Option<String>,
    #[serde(rename = "ref")]
    pub project_ref: Option<String>,
}

/// A recorded output as JSON for the ledger (these types always serialize).
pub fn json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// A step's output read as `T`; the default when it is absent or unreadable (nothing recorded).
pub fn read<T: serde::de::DeserializeOwned + Default>(value: &serde_json::Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_default()
}
