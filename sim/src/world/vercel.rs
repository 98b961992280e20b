//! Vercel in the simulated world: projects, their domains, environment variables and
//! deployments.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VercelState {
    pub projects: Vec<VProject>,
    pub deployments: Vec<Deployment>,
    /// Custom domains added to projects (a world saved before they existed has none). A name
    /// is on at most one project in the whole world.
    #[serde(default)]
    pub domains: Vec<ProjectDomain>,
    /// The teams besides the seed's that the user belongs to (`getTeams` items), added by a
    /// test (`POST /__sim/vercel/teams`).
    #[serde(default)]
    pub other_teams: Vec<serde_json::Value>,
}

/// A custom domain of a project (addProjectDomain).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectDomain {
    /// Lower-case host name, e.g. `www.kund.se`.
    pub name: String,
    /// The registrable domain it belongs to, e.g. `kund.se`.
    pub apex_name: String,
    pub project_id: String,
    pub redirect: Option<String>,
    pub redirect_status_code: Option<u16>,
    pub git_branch: Option<String>,
    pub custom_environment_id: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Verified for use on the project (the TXT challenge was met).
    pub verified: bool,
    /// The TXT value the challenge asks for at `_vercel.<apex>`
    /// (`vc-domain-verify=<name>,<hex>`); new on every add.
    pub challenge: String,
    /// The customer's DNS carries the challenge and points the name at Vercel. Only a test
    /// sets it (`POST /__sim/vercel/domains/{domain}/verifiable`): the simulator has no DNS.
    #[serde(default)]
    pub dns_configured: bool,
}

impl ProjectDomain {
    /// The project's production site answers on it: no branch, no custom environment.
    pub fn is_production(&self) -> bool {
        self.git_branch.is_none() && self.custom_environment_id.is_none()
    }

    /// What getDomainConfig calls configured: verified, and the DNS points at Vercel.
    pub fn configured(&self) -> bool {
        self.verified && self.dns_configured
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VProject {
    pub id: String,
    pub name: String,
    /// User id or team id.
    pub account_id: String,
    pub framework: Option<String>,
    pub link: Option<GitLink>,
    pub env: Vec<EnvVar>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Optional settings from the create body (buildCommand, rootDirectory, ...), echoed back.
    pub settings: serde_json::Map<String, Value>,
    /// The deployment a promote (an Instant Rollback, or promoting an older one) pinned
    /// production to. While set, Vercel stops moving the production domains to new
    /// production deployments by itself, until one is promoted on purpose.
    #[serde(default)]
    pub promoted: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GitLink {
    pub kind: String,
    pub org: String,
    pub repo: String,
    pub repo_id: u64,
    pub production_branch: String,
    pub created_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnvVar {
    pub id: String,
    pub key: String,
    pub value: String,
    pub kind: String,
    pub target: Vec<String>,
    pub git_branch: Option<String>,
    pub comment: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub owner_id: String,
    pub url: String,
    pub target: Option<String>,
    pub created_ms: i64,
    pub queue_ms: i64,
    pub build_ms: i64,
    /// `Some((code, message))`: the deployment ends in `ERROR`.
    pub error: Option<(String, String)>,
    /// Git errors surface when the build would start (no build happens).
    pub error_before_build: bool,
    pub git_source: Option<Value>,
    /// What the Git provider said about the commit built (`githubCommitSha`, `githubCommitRef`),
    /// as the deployment's `meta` carries it; empty for a deployment not made from Git.
    #[serde(default)]
    pub meta: serde_json::Map<String, Value>,
}

impl Deployment {
    /// `readyState` at `now`.
    pub fn ready_state(&self, now: i64) -> &'static str {
        let elapsed = now - self.created_ms;
        if self.error_before_build && self.error.is_some() {
            return if elapsed < self.queue_ms {
                "QUEUED"
            } else {
                "ERROR"
            };
        }
        if elapsed < self.queue_ms {
            "QUEUED"
        } else if elapsed < self.queue_ms + self.build_ms {
            "BUILDING"
        } else if self.error.is_some() {
            "ERROR"
        } else {
            "READY"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Deployment;

    fn deployment(error: Option<&str>, before_build: bool) -> Deployment {
        Deployment {
            id: "dpl_1".into(),
            name: "acme-app".into(),
            project_id: "prj_1".into(),
            owner_id: "team_1".into(),
            url: "acme-app-1.vercel.app".into(),
            target: Some("production".into()),
            created_ms: 1_000,
            queue_ms: 200,
            build_ms: 2_000,
            error: error.map(|m| ("BUILD_FAILED".into(), m.into())),
            error_before_build: before_build,
            git_source: None,
            meta: Default::default(),
        }
    }

    #[test]
    fn ready_state_follows_the_clock() {
        let d = deployment(None, false);
        let at = |ms: i64| d.ready_state(1_000 + ms);
        assert_eq!(
            [at(0), at(199), at(200), at(2_199), at(2_200)],
            ["QUEUED", "QUEUED", "BUILDING", "BUILDING", "READY"]
        );
        let failed = deployment(Some("build failed"), false);
        assert_eq!(failed.ready_state(1_500), "BUILDING");
        assert_eq!(failed.ready_state(3_200), "ERROR");
        // A Git error ends the deployment when the build would have started.
        let refused = deployment(Some("no access"), true);
        assert_eq!(refused.ready_state(1_199), "QUEUED");
        assert_eq!(refused.ready_state(1_200), "ERROR");
    }
}
