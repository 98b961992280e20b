//! The names of the steps of a run. What each step does, needs and undoes is declared in the
//! step table (`provision::steps`), which also gives `StepKey` its `def()`, `needs()`, `label()`.

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
        /// A logical, encrypted backup of the customer's own schemas.
        SupabaseBackup => "supabase.backup",
        /// The roll-out's migration files not yet in the instance's history, each with its row.
        SupabaseMigrate => "supabase.migrate",
        /// Expected tables present, row-level security on every table, history as planned.
        SupabaseVerify => "supabase.verify",
        /// The customer's schemas replaced by a backup's.
        SupabaseRestoreBackup => "supabase.restore_backup",
        /// The customer's schemas and people replaced by a move archive's, then checked.
        SupabaseImport => "supabase.import",
        /// The template's changes since the repository's base, merged onto its own, as one
        /// commit on a branch of Fabrik's and one pull request.
        GithubTemplatePr => "github.template_pr",
        /// The customer's workflows exported, normalized, and committed to the backup
        /// repository if any file changed.
        N8nBackup => "n8n.backup",
        /// One backed-up version of a workflow written back by its id.
        N8nRestore => "n8n.restore",
        /// A READY production deployment of the customer's project made production, the site
        /// visited, and the deployment it replaced recorded.
        VercelPromote => "vercel.promote",
        /// Supabase's own restore of the database to a point in time or a physical backup,
        /// waited for until the project is healthy again.
        SupabaseRecover => "supabase.recover",
        EmailWelcomeAgain => "email.welcome_again",
        /// The instance's Auth set to send through the agency's Resend, as the agency.
        SupabaseAuthMail => "supabase.auth_mail",
        /// The instance's own Resend key: it may only send, from the agency's domain.
        ResendSendingKey => "resend.sending_key",
        /// A claim token for the Supabase project, for the customer's own organization.
        SupabaseClaimToken => "supabase.claim_token",
        /// A transfer request for the Vercel project, for the customer's own team.
        VercelTransferRequest => "vercel.transfer_request",
        /// The workflow exported (normalized, redacted) beside the handover letter.
        N8nHandoverExport => "n8n.handover_export",
        /// The repository transferred to the customer's account or organization.
        GithubTransfer => "github.transfer",
        /// The handover letter, with every link, code and step, to the customer's contact.
        EmailHandover => "email.handover",
    }
);

impl StepKey {
    /// Whether what the step does cannot be taken back: an email, once sent, is read. Such a
    /// step waits for every other step of its run (a test holds every kind to it), so a run
    /// that fails tells nobody anything. The email steps are the ones named `email.…`.
    pub fn irreversible(self) -> bool {
        self.as_str().starts_with("email.")
    }
}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(STEP_KEYS: "step_keys" => StepKey);

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
