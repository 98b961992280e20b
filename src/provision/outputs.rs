//! What a step records as its output, typed: each struct names the step that writes it, and a
//! later step reads it with `ctx.out::<T>()` instead of a field by its name. The ledger keeps
//! outputs as JSON, so a run recorded by an older Fabrik reads the same.

use serde::de::DeserializeOwned;
use serde::Deserialize;

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
