//! What each kind of run is, declared once (`run_kinds!` below): what a person asks for (its
//! `RunRequest` variant, the typed input, which is also what the ledger keeps), its steps, the
//! state the customer's instance must be in, what is checked before it starts, how a stopped
//! run is continued, how the engine drives it, how the finished run settles the instance card,
//! and what follows it. The engine, the supervisor, the window and the CLI read only these
//! declarations; adding a kind is a declaration here, the kind's word in `RunKind`, and its
//! step functions. The compiler refuses a kind missing from either side.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer::Status;
use crate::ledger::{RunKind, StepKey, StepKey as S};
use crate::messages::{Say, Text};

/// The state the customer's instance must be in for a run of this kind to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requires {
    /// Any customer in the register (provisioning, teardown).
    Customer,
    /// A delivered instance in this environment, with this status.
    Delivered(Status),
}

/// Whether a stopped run of this kind is continued rather than started anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Continues {
    /// A failed or cancelled run that was not rolled back, asked the same, is continued.
    WhenAskedTheSame,
    /// Always a new run (a repair is for the findings of now; a teardown reads targets anew).
    Never,
}

/// What is checked before a run of this kind starts or is resumed, beyond its input and what
/// it `requires` (both checked when it is recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// The preflight (every problem at once: the keyring, the settings, tokens that create, the
    /// sender's domain), then the readiness gate.
    Preflight,
    /// The preflight and the gate, then what the provider itself would refuse of this request,
    /// asked before a run exists (a recovery to a moment Supabase cannot restore).
    PreflightAndProvider,
    /// Nothing more: the run only deletes, and nothing a creating run needs may stand between
    /// the owner and removing an instance (teardown).
    Nothing,
}

/// Which steps a run of this kind records, and how the engine drives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drive {
    /// Every step of its table forward, in DAG order; on failure, the kind's failure policy.
    Forward,
    /// Forward, only the steps of its table that the last health check's findings can mend
    /// (a repair); refused when there is nothing to mend.
    Mend,
    /// The compensations of what provisioning recorded and still stands, every one (a
    /// teardown). Asked again while one stands interrupted, that one is continued.
    Compensate,
}

/// What a finished run leaves on the instance card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settles {
    Nothing,
    /// The customer's status becomes this one.
    Status(Status),
    /// A workflow the run made anew becomes the card's workflow.
    Workflow,
    /// The card is cleared and the customer inactive (teardown).
    Clears,
}

/// One kind of run: everything but its input, which is its `RunRequest` variant.
pub struct KindDef {
    pub kind: RunKind,
    /// The steps a run of this kind may record, in DAG order (a repair records the ones its
    /// findings named; a teardown the undoable provisioning steps it finds). Named by key, so
    /// the declaration needs nothing of the step functions (`StepKey::def` finds each).
    pub steps: &'static [StepKey],
    pub requires: Requires,
    /// What it says when the instance already is where this run would take it (pausing a
    /// paused one); otherwise a wrong status is named as it is.
    pub already: Option<Say>,
    pub checks: Checks,
    pub continues: Continues,
    pub drive: Drive,
    /// Whether the run moves the customer's status while it runs (provisioning only: a
    /// delivered instance keeps serving while a day-two run works on it).
    pub marks_customer: bool,
    /// Whether its steps read what provisioning recorded (the repository, the projects).
    pub reads_delivery: bool,
    pub settles: Settles,
    /// Whether the instance is checked when the run succeeded, before the window hears so.
    pub checks_after: bool,
    /// What it is called, in Swedish and English (the window, notifications, the alert email).
    pub label: (&'static str, &'static str),
    /// The notification's title when it succeeds; a run that stops says so in one sentence.
    pub done: Say,
    /// The run that follows a success of this kind, when the clients allow it (provisioning:
    /// the new workflow to the backup repository, when a Gitea is set).
    pub then: Option<fn(&crate::providers::Clients) -> Option<RunRequest>>,
}

/// What most kinds are: a day-two run on an active, delivered instance, checked afterwards.
const DAY_TWO: KindDef = KindDef {
    kind: RunKind::Redeploy,
    steps: &[S::VercelRedeploy],
    requires: Requires::Delivered(Status::Active),
    already: None,
    checks: Checks::Preflight,
    continues: Continues::WhenAskedTheSame,
    drive: Drive::Forward,
    marks_customer: false,
    reads_delivery: true,
    settles: Settles::Nothing,
    checks_after: true,
    label: ("Ny driftsättning", "Redeploy"),
    done: Say::DoneDayTwo,
    then: None,
};

/// Declares every kind of run in one list: `Kind { its input's fields } => { its KindDef's
/// fields }` (a kind without input has no braces before `=>`). It makes `RunRequest` (what a
/// caller asks for, and what the ledger keeps), `RunRequest::kind`, and `def`, whose match
/// names every `RunKind`: a kind declared in the ledger but not here, or here but not there,
/// does not compile.
macro_rules! run_kinds {
    ($(
        $(#[$doc:meta])*
        $kind:ident $({ $($(#[$fattr:meta])* $field:ident : $ty:ty),* $(,)? })? => { $($def:tt)* }
    ),* $(,)?) => {
        /// What a caller asks for: one variant per kind of run, with what that kind needs to
        /// know. The window sends it as `{ "kind": "domain_add", "domain": "…" }`; the CLI
        /// builds it from its arguments; both go through `Supervisor::start_run`. The ledger
        /// keeps it as the run's input (`runs.input`, `RunRequest::to_stored`).
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum RunRequest {
            $(
                $(#[$doc])*
                $kind $({ $($(#[$fattr])* $field: $ty),* })?,
            )*
        }

        impl RunRequest {
            pub fn kind(&self) -> RunKind {
                match self {
                    $(RunRequest::$kind { .. } => RunKind::$kind,)*
                }
            }
        }

        /// The declaration of a kind.
        pub fn def(kind: RunKind) -> &'static KindDef {
            match kind {
                $(RunKind::$kind => {
                    static DEF: KindDef = KindDef { kind: RunKind::$kind, $($def)* };
                    &DEF
                })*
            }
        }
    };
}

run_kinds! {
    Provision => {
        label: ("Provisionering", "Provisioning"),
        steps: &[
            S::SupabaseProject,
            S::SupabaseReady,
            S::SupabaseKeys,
            S::SupabaseSchema,
            S::SupabaseAdminUser,
            S::GithubRepo,
            S::VercelProject,
            S::VercelEnv,
            S::VercelDeploy,
            S::N8nWorkflow,
            S::ResendSendingKey,
            S::SupabaseAuthMail,
            S::Finalize,
            S::EmailWelcome,
        ],
        requires: Requires::Customer,
        already: None,
        checks: Checks::Preflight,
        continues: Continues::WhenAskedTheSame,
        drive: Drive::Forward,
        marks_customer: true,
        reads_delivery: false,
        settles: Settles::Nothing,
        checks_after: false,
        done: Say::DoneProvision,
        then: Some(|clients| {
            clients
                .gitea
                .is_some()
                .then_some(RunRequest::WorkflowBackup {
                    scheduled: None,
                    provisioned: Some(true),
                })
        }),
    },
    /// "Avveckla": `confirmation` must be the customer's slug, typed.
    Teardown { confirmation: String } => {
        label: ("Avveckling", "Teardown"),
        steps: &[],
        requires: Requires::Customer,
        already: None,
        checks: Checks::Nothing,
        continues: Continues::Never,
        drive: Drive::Compensate,
        marks_customer: false,
        reads_delivery: false,
        settles: Settles::Clears,
        checks_after: false,
        done: Say::DoneTeardown,
        then: None,
    },
    /// "Uppdatera moduler": the file, the variable, a deployment that reads both.
    UpdateModules => {
        label: ("Uppdatera moduler", "Update modules"),
        steps: &[S::ModulesConfig, S::ModulesEnv, S::ModulesDeploy],
        ..DAY_TWO
    },
    /// "Reparera": the steps the last health check said can mend what it found (a new
    /// deployment follows mended variables, which only a new deployment reads).
    Repair => {
        label: ("Reparation", "Repair"),
        steps: &[S::VercelEnv, S::N8nWorkflow, S::VercelRedeploy],
        drive: Drive::Mend,
        continues: Continues::Never,
        settles: Settles::Workflow,
        ..DAY_TWO
    },
    /// The workflow off first, so nothing runs against a database on its way down. `cause`:
    /// the Stripe event billing's policy started it for (the ledger keeps it).
    Pause {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        cause: Option<String>,
    } => {
        label: ("Paus", "Pause"),
        steps: &[S::N8nDeactivate, S::SupabasePause],
        already: Some(Say::AlreadyPaused),
        settles: Settles::Status(Status::Inactive),
        ..DAY_TWO
    },
    /// The database up first, then the workflow that uses it. `cause` as a pause's.
    Resume {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        cause: Option<String>,
    } => {
        label: ("Återstart", "Resume"),
        steps: &[S::SupabaseRestore, S::N8nActivate],
        requires: Requires::Delivered(Status::Inactive),
        already: Some(Say::AlreadyRunning),
        settles: Settles::Status(Status::Active),
        ..DAY_TWO
    },
    Redeploy => { ..DAY_TWO },
    ResetPassword => {
        label: ("Nytt adminlösenord", "New admin password"),
        steps: &[S::SupabaseAdminPassword, S::EmailNewPassword],
        ..DAY_TWO
    },
    DomainAdd { domain: String } => {
        label: ("Lägg till domän", "Add domain"),
        steps: &[S::VercelDomainAdd, S::VercelDomainVerify, S::VercelDomainProduction],
        ..DAY_TWO
    },
    /// The domain off the customer's site, through the guarded gate: `confirmation` must be
    /// the domain, typed.
    DomainRemove { domain: String, confirmation: String } => {
        label: ("Ta bort domän", "Remove domain"),
        steps: &[S::VercelDomainRemove],
        ..DAY_TWO
    },
    /// One instance's part of a schema roll-out: the roll-out's files it does not have yet,
    /// nothing applied before its backup is on disk. A paused project's database does not
    /// answer: like every day-two run it needs an active instance (a roll-out skips a paused
    /// one and says so).
    Migrate { rollout: i64 } => {
        label: ("Schemauppdatering", "Schema update"),
        steps: &[S::SupabaseBackup, S::SupabaseMigrate, S::SupabaseVerify],
        checks_after: false,
        ..DAY_TWO
    },
    /// A backup of the customer's database now ("Säkerhetskopiera"); `scheduled` when the
    /// schedule took it (`backup.schedule_hours`), so the register says why.
    Backup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        scheduled: Option<bool>,
    } => {
        label: ("Säkerhetskopia", "Backup"),
        steps: &[S::SupabaseBackup],
        checks_after: false,
        continues: Continues::Never,
        ..DAY_TWO
    },
    /// The customer's database put back to a backup: `confirmation` must be the slug, typed.
    /// What it replaces is backed up first, so a restore can itself be undone.
    Restore { backup: i64, confirmation: String } => {
        label: ("Återställning av databas", "Database restore"),
        steps: &[S::SupabaseBackup, S::SupabaseRestoreBackup, S::SupabaseVerify],
        checks_after: false,
        ..DAY_TWO
    },
    /// Another instance's move archive (`archive`: its path on this seat) put into this one:
    /// `confirmation` must be the slug, typed. What it replaces is backed up first, the
    /// archive's schema version must be the instance's, and every table and the users are
    /// checked against the archive afterwards.
    Import { archive: String, confirmation: String } => {
        label: ("Flytt in av data", "Data moved in"),
        steps: &[S::SupabaseBackup, S::SupabaseImport, S::SupabaseVerify],
        checks_after: false,
        ..DAY_TWO
    },
    /// One repository's part of a template roll-out: a pull request carrying the template to
    /// the roll-out's commit, on an active instance (a roll-out skips a paused one, saying so).
    TemplateSync { rollout: i64 } => {
        label: ("Malluppdatering", "Template update"),
        steps: &[S::GithubTemplatePr],
        checks_after: false,
        ..DAY_TWO
    },
    /// "Säkerhetskopiera flöden": the workflow to the backup repository, one commit if it
    /// changed; `scheduled` or `provisioned` say what asked for it. A backup is of the
    /// workflow as it is now: a stopped one is not continued but taken again, and finds the
    /// repository holding what the stopped one committed.
    WorkflowBackup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        scheduled: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        provisioned: Option<bool>,
    } => {
        label: ("Säkerhetskopia av flöden", "Workflow backup"),
        steps: &[S::N8nBackup],
        checks_after: false,
        continues: Continues::Never,
        ..DAY_TWO
    },
    /// A backed-up version (`workflow_backups` id) of the instance's workflow written back,
    /// the current one backed up first.
    WorkflowRestore {
        #[ts(type = "number")]
        version: i64,
    } => {
        label: ("Återställning av flöde", "Workflow restore"),
        steps: &[S::N8nBackup, S::N8nRestore],
        ..DAY_TWO
    },
    /// Deployment rollback: this READY production deployment of the customer's own Vercel
    /// project (its `dpl_…` id, from `DeploymentsApi::list`) becomes production again, checked
    /// afterwards like a redeploy. Undone by a `promote` of the deployment it replaced
    /// (`DeploymentsApi::undo`). Never continued: each request names its deployment, and a
    /// stopped one is rolled back or resumed from its run.
    Promote { deployment: String } => {
        label: (
            "Återgång till tidigare driftsättning",
            "Rollback to an earlier deployment",
        ),
        steps: &[S::VercelPromote],
        continues: Continues::Never,
        ..DAY_TWO
    },
    /// The customer's database put back by Supabase's own backups to `target` (unix seconds):
    /// any moment in the point-in-time window, or a physical backup's own time.
    /// `confirmation` must be the slug, typed. What it replaces is backed up by Fabrik first,
    /// the restore waited for, then the schema checked as after any restore. The instance must
    /// be active (a paused project cannot be restored); a stopped one asked the same
    /// continues, and its step does not ask twice.
    Recover { target: i64, confirmation: String } => {
        label: (
            "Återställning med Supabases säkerhetskopior",
            "Recovery from Supabase's backups",
        ),
        steps: &[S::SupabaseBackup, S::SupabaseRecover, S::SupabaseVerify],
        checks: Checks::PreflightAndProvider,
        ..DAY_TWO
    },
    /// The welcome email again, to the first administrator (one that was lost), without a
    /// password: it went once, and the email points to the password reset instead. Asked again
    /// after it stopped, the same run goes on, and Resend sends its email once.
    ResendWelcome => {
        label: ("Välkomstmejl igen", "Welcome email again"),
        steps: &[S::EmailWelcomeAgain],
        checks_after: false,
        ..DAY_TWO
    },
    /// "Skicka som byrån": the instance's Auth sends through the agency's Resend on a sending
    /// key of its own (a new one; the one it had goes), from the agency's sender, under
    /// `team.emails_per_hour` (what provisioning does now, for an instance delivered before it
    /// did, or after the agency's sender changed).
    AuthMail => {
        label: ("Skicka e-post som byrån", "Send email as the agency"),
        steps: &[S::ResendSendingKey, S::SupabaseAuthMail],
        checks_after: false,
        ..DAY_TWO
    },
    /// "Lämna över", through the guarded gate (`confirmation`: the slug, typed): a claim
    /// link for the customer's Supabase organization, a transfer request for their Vercel
    /// team, the workflow exported, the repository transferred to their GitHub account or
    /// organization, and a letter with every link, code and step to the customer's contact. Fabrik
    /// then follows until the customer took all three (`services::handover`). The letter goes
    /// to `letter_to` when the owner typed one, else to the proven first administrator.
    Handover {
        to_github: String,
        to_vercel_team: String,
        to_supabase_org: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        letter_to: Option<String>,
        confirmation: String,
    } => {
        label: ("Överlämning", "Handover"),
        steps: &[
            S::SupabaseClaimToken,
            S::VercelTransferRequest,
            S::N8nHandoverExport,
            S::GithubTransfer,
            S::EmailHandover,
        ],
        checks_after: false,
        ..DAY_TWO
    },
}

/// Every kind's declaration, in `RunKind` order.
pub fn all() -> impl Iterator<Item = &'static KindDef> {
    RunKind::ALL.iter().map(|k| def(*k))
}

impl KindDef {
    pub fn label_text(&self) -> Text {
        Text::new(self.label.0, self.label.1)
    }

    /// Why a run of this kind waits for another instance status, and what to do instead.
    pub fn refusal(&self, status: Status) -> Text {
        match (self.settles, self.already, status) {
            (Settles::Status(target), Some(already), now) if now == target => already.text(),
            (_, _, Status::Inactive) => Say::PausedResumeFirst.text(),
            (_, _, other) => {
                Say::NotDelivered.with(crate::messages::params! { "status" => other.as_str() })
            }
        }
    }
}

mod request;
#[cfg(test)]
mod tests;
