//! The steps of a run, their dependencies (the DAG) and how the UI names them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secrets::Provider;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum StepKey {
    #[serde(rename = "supabase.project")]
    SupabaseProject,
    #[serde(rename = "supabase.ready")]
    SupabaseReady,
    #[serde(rename = "supabase.keys")]
    SupabaseKeys,
    #[serde(rename = "supabase.schema")]
    SupabaseSchema,
    #[serde(rename = "supabase.admin_user")]
    SupabaseAdminUser,
    #[serde(rename = "github.repo")]
    GithubRepo,
    #[serde(rename = "vercel.project")]
    VercelProject,
    #[serde(rename = "vercel.env")]
    VercelEnv,
    #[serde(rename = "vercel.deploy")]
    VercelDeploy,
    #[serde(rename = "n8n.workflow")]
    N8nWorkflow,
    #[serde(rename = "email.welcome")]
    EmailWelcome,
    #[serde(rename = "finalize")]
    Finalize,
}

use StepKey::*;

impl StepKey {
    pub const ALL: [StepKey; 12] = [
        SupabaseProject,
        SupabaseReady,
        SupabaseKeys,
        SupabaseSchema,
        SupabaseAdminUser,
        GithubRepo,
        VercelProject,
        VercelEnv,
        VercelDeploy,
        N8nWorkflow,
        EmailWelcome,
        Finalize,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SupabaseProject => "supabase.project",
            SupabaseReady => "supabase.ready",
            SupabaseKeys => "supabase.keys",
            SupabaseSchema => "supabase.schema",
            SupabaseAdminUser => "supabase.admin_user",
            GithubRepo => "github.repo",
            VercelProject => "vercel.project",
            VercelEnv => "vercel.env",
            VercelDeploy => "vercel.deploy",
            N8nWorkflow => "n8n.workflow",
            EmailWelcome => "email.welcome",
            Finalize => "finalize",
        }
    }

    pub fn parse(s: &str) -> Option<StepKey> {
        StepKey::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What must have succeeded before this step may start. Independent chains (Supabase,
    /// GitHub → Vercel, n8n) run side by side.
    pub fn needs(self) -> &'static [StepKey] {
        match self {
            SupabaseProject | GithubRepo | N8nWorkflow => &[],
            SupabaseReady => &[SupabaseProject],
            SupabaseKeys => &[SupabaseReady],
            SupabaseSchema => &[SupabaseReady],
            SupabaseAdminUser => &[SupabaseKeys],
            VercelProject => &[GithubRepo],
            VercelEnv => &[VercelProject, SupabaseKeys],
            VercelDeploy => &[VercelEnv, SupabaseSchema],
            EmailWelcome => &[SupabaseAdminUser, VercelDeploy],
            Finalize => &[EmailWelcome, N8nWorkflow],
        }
    }

    pub fn provider(self) -> Option<Provider> {
        match self {
            SupabaseProject | SupabaseReady | SupabaseKeys | SupabaseSchema | SupabaseAdminUser => {
                Some(Provider::Supabase)
            }
            GithubRepo => Some(Provider::Github),
            VercelProject | VercelEnv | VercelDeploy => Some(Provider::Vercel),
            N8nWorkflow => Some(Provider::N8n),
            EmailWelcome => Some(Provider::Resend),
            Finalize => None,
        }
    }

    /// Swedish label for the CLI (the UI has its own table per language).
    pub fn label(self) -> &'static str {
        match self {
            SupabaseProject => "Skapa Supabase-projekt",
            SupabaseReady => "Vänta på att projektet startar",
            SupabaseKeys => "Hämta API-nycklar",
            SupabaseSchema => "Lägg in databasschema",
            SupabaseAdminUser => "Skapa första administratör",
            GithubRepo => "Skapa GitHub-repo från mallen",
            VercelProject => "Skapa Vercel-projekt",
            VercelEnv => "Sätt miljövariabler",
            VercelDeploy => "Driftsätt till produktion",
            N8nWorkflow => "Skapa n8n-flöde",
            EmailWelcome => "Skicka välkomstmejl",
            Finalize => "Spara instansens uppgifter",
        }
    }
}

impl std::fmt::Display for StepKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dag_is_acyclic_and_ordered() {
        // ALL lists every step after the steps it needs, so a topological order exists.
        for (i, k) in StepKey::ALL.iter().enumerate() {
            for dep in k.needs() {
                let j = StepKey::ALL.iter().position(|x| x == dep).unwrap();
                assert!(j < i, "{k} needs {dep}, listed later");
            }
            assert_eq!(StepKey::parse(k.as_str()), Some(*k));
            assert_eq!(
                serde_json::to_string(k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
    }
}
