//! The ledger's vocabularies: what kind of run, where a run stands, where a step stands, how
//! loud a log line is. Stored as their text (with `CHECK` constraints in the migrations), sent to
//! the window as TypeScript unions, and matched exhaustively on both sides.

use crate::messages::Right;
use crate::vocabulary::vocabulary;

vocabulary!(
    /// What a run does.
    pub enum RunKind {
        Provision => "provision",
        Teardown => "teardown",
        /// "Uppdatera moduler": the plan's modules into the repository, the env, a new deployment.
        UpdateModules => "update_modules",
        /// "Reparera": the provisioning steps a health check said can mend what drifted.
        Repair => "repair",
        /// The Supabase project paused (and the workflow off): the customer becomes inactive.
        Pause => "pause",
        Resume => "resume",
        /// A new production deployment of the repository as it is.
        Redeploy => "redeploy",
        /// A new one-time password for the first administrator, and a new welcome email.
        ResetPassword => "reset_password",
        /// A custom domain onto the Vercel project, verified, made the production URL.
        DomainAdd => "domain_add",
        DomainRemove => "domain_remove",
        /// A roll-out's migration files into one instance's database: backed up, applied, verified.
        Migrate => "migrate",
        /// A logical backup of the customer's database, on demand or on a schedule.
        Backup => "backup",
        /// The customer's database put back to a backup, after a backup of what it replaces.
        Restore => "restore",
        /// A template roll-out's part in one repository: the template's changes merged three
        /// ways onto the customer's own, as one pull request.
        TemplateSync => "template_sync",
        /// The customer's n8n workflows exported, normalized and written to the backup
        /// repository as one commit (none when nothing changed).
        WorkflowBackup => "workflow_backup",
        /// A backed-up version of a workflow written back by its id, after a backup of the
        /// current one; activation kept as it was.
        WorkflowRestore => "workflow_restore",
        /// An earlier READY production deployment of the customer's project made production
        /// again (a rollback of the site); undone by promoting the one it replaced.
        Promote => "promote",
        /// The customer's database put back by Supabase itself (point-in-time recovery or a
        /// physical backup), after Fabrik's own backup of what it replaces.
        Recover => "recover",
        /// The welcome email again, to the first administrator, without a password: it went
        /// once, and the email points to the password reset instead.
        ResendWelcome => "resend_welcome",
        /// The instance's Auth set to send its emails (invitations, password resets) through
        /// the agency's Resend, as the agency: for instances delivered before provisioning did.
        AuthMail => "auth_mail",
        /// The instance handed to the customer: the Supabase project claimed by their
        /// organization, the Vercel project accepted by their team, the repository transferred
        /// to them, the workflow exported, and a letter with each code and step.
        Handover => "handover",
        /// Another instance's move archive put into this one (issue #59): its database and its
        /// people replaced, after a backup of what it replaces, and checked table by table.
        Import => "import",
    }
);

impl RunKind {
    /// Who may start a run of this kind. On a shared register the database decides: the word's
    /// row in `run_kinds` says whether only owners may (`owners_only`, written from here when
    /// the register first holds the word), and the policy on `runs` reads it, so a new kind
    /// that only owners may start needs no migration either.
    pub const fn right(self) -> Right {
        match self {
            RunKind::Provision => Right::Provision,
            // Handing the instance away is, for the agency, a teardown: an owner's.
            RunKind::Teardown | RunKind::Handover => Right::Teardown,
            // Each replaces a customer's database: an owner's, like a teardown.
            RunKind::Restore | RunKind::Recover | RunKind::Import => Right::Restore,
            // What the customer's site answers on: through the guarded gate, an owner's.
            RunKind::DomainRemove => Right::Remove,
            RunKind::UpdateModules
            | RunKind::Repair
            | RunKind::Pause
            | RunKind::Resume
            | RunKind::Redeploy
            | RunKind::ResetPassword
            | RunKind::DomainAdd
            | RunKind::Migrate
            | RunKind::Backup
            | RunKind::TemplateSync
            | RunKind::WorkflowBackup
            | RunKind::WorkflowRestore
            | RunKind::Promote
            | RunKind::ResendWelcome
            | RunKind::AuthMail => Right::DayTwo,
        }
    }

    /// Whether only the register's owners may start it.
    pub const fn owners_only(self) -> bool {
        matches!(
            self.right(),
            Right::Teardown | Right::Restore | Right::Remove
        )
    }
}

vocabulary!(
    /// Where a run stands. The first three are active: a driver holds the run.
    pub enum RunState {
        Running => "running",
        Cancelling => "cancelling",
        RollingBack => "rolling_back",
        Succeeded => "succeeded",
        Failed => "failed",
        Cancelled => "cancelled",
        RolledBack => "rolled_back",
        RollbackFailed => "rollback_failed",
    }
);

impl RunState {
    /// States in which a driver holds the run (at most one such run per customer).
    pub const ACTIVE: [RunState; 3] = [
        RunState::Running,
        RunState::Cancelling,
        RunState::RollingBack,
    ];

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }

    /// A stopped run that "Försök igen" may continue (it was not rolled back).
    pub fn is_resumable(self) -> bool {
        matches!(self, RunState::Failed | RunState::Cancelled)
    }
}

vocabulary!(
    /// Where one step of a run stands.
    pub enum StepState {
        Pending => "pending",
        Running => "running",
        /// Polling something outside (a project coming up, a build).
        Waiting => "waiting",
        Retrying => "retrying",
        Succeeded => "succeeded",
        Failed => "failed",
        Skipped => "skipped",
        Compensating => "compensating",
        Compensated => "compensated",
        CompensationFailed => "compensation_failed",
    }
);

impl StepState {
    /// States a resumed run puts back to `pending`: the step had not finished.
    pub const UNFINISHED: [StepState; 3] =
        [StepState::Running, StepState::Waiting, StepState::Retrying];
}

vocabulary!(
    /// How much a log line matters.
    pub enum LogLevel {
        Info => "info",
        Warn => "warn",
        Error => "error",
    }
);

vocabulary!(
    /// Where a resource Fabrik found by its name, without its marker, stands: refused (left
    /// alone), allowed (the owner confirmed adopting it) or adopted (marked and recorded).
    pub enum AdoptionState {
        Refused => "refused",
        Allowed => "allowed",
        Adopted => "adopted",
    }
);

vocabulary!(
    /// Where the owner confirmed an adoption.
    pub enum AllowedBy {
        Window => "window",
        Cli => "cli",
    }
);

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(RUN_KINDS: "run_kinds" => RunKind, with: "owners_only" => |w| RunKind::parse(w).is_some_and(RunKind::owners_only).to_string());
crate::words::words_table!(RUN_STATES: "run_states" => RunState);
crate::words::words_table!(STEP_STATES: "step_states" => StepState);
crate::words::words_table!(LOG_LEVELS: "log_levels" => LogLevel);
crate::words::words_table!(ADOPTION_STATES: "adoption_states" => AdoptionState);
crate::words::words_table!(ADOPTION_APPROVERS: "adoption_approvers" => AllowedBy);
