//! The names of the steps of a run. What each step does, needs and undoes is declared in
//! the tables in `steps`; these methods read them.

use crate::secrets::Provider;
use crate::vocabulary::vocabulary;

vocabulary!(
    /// One step of a provisioning run, named `provider.resource`.
    pub enum StepKey {
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
        ModulesConfig => "modules.config",
        ModulesEnv => "modules.env",
        ModulesDeploy => "modules.deploy",
        SupabasePause => "supabase.pause",
        SupabaseRestore => "supabase.restore",
        SupabaseAdminPassword => "supabase.admin_password",
        N8nDeactivate => "n8n.deactivate",
        N8nActivate => "n8n.activate",
        VercelRedeploy => "vercel.redeploy",
        EmailNewPassword => "email.new_password",
        VercelDomainAdd => "vercel.domain_add",
        VercelDomainVerify => "vercel.domain_verify",
        VercelDomainProduction => "vercel.domain_production",
        VercelDomainRemove => "vercel.domain_remove",
    }
);

impl StepKey {
    pub fn def(self) -> &'static super::steps::StepDef {
        super::steps::def(self)
    }

    /// What must have succeeded before this step may start. Independent chains (Supabase,
    /// GitHub → Vercel, n8n) run side by side.
    pub fn needs(self) -> &'static [StepKey] {
        self.def().needs
    }

    pub fn provider(self) -> Option<Provider> {
        self.def().provider
    }

    /// What the step does, in Swedish (the CLI) and in both languages.
    pub fn label(self) -> &'static str {
        self.def().label
    }

    pub fn label_text(self) -> crate::messages::Text {
        crate::messages::Text::new(self.def().label, self.def().label_en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_serialise_as_their_stored_text() {
        for k in StepKey::ALL {
            assert_eq!(StepKey::parse(k.as_str()), Some(*k));
            assert_eq!(
                serde_json::to_string(k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
    }
}
