//! What each kind of run is, in one place beside the step table (`steps`): what a person asks
//! for (`RunRequest`, its typed input), the steps, the state the customer's instance must be
//! in, how a stopped run is continued, how the engine drives it, how the finished run settles
//! the instance card, and what follows it. The engine, the supervisor, the window and the CLI
//! read only this table; adding a kind is a row here and its step functions.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::steps::{self, StepDef};
use crate::customer::Status;
use crate::error::{Error, Result};
pub use crate::ledger::RunInput;
use crate::ledger::RunKind;
use crate::messages::{Say, Text};

/// What a caller asks for: one variant per kind of run, with what that kind needs to know.
/// The window sends it as `{ "kind": "domain_add", "domain": "…" }`; the CLI builds it from its
/// arguments. Both go through `Supervisor::start_run`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunRequest {
    Provision,
    /// "Avveckla": `confirmation` must be the customer's slug, typed.
    Teardown {
        confirmation: String,
    },
    UpdateModules,
    Repair,
    Pause,
    Resume,
    Redeploy,
    ResetPassword,
    DomainAdd {
        domain: String,
    },
    DomainRemove {
        domain: String,
    },
    /// One instance's part of a schema roll-out: the roll-out's files it does not have yet.
    Migrate {
        rollout: i64,
    },
    /// A backup of the customer's database now ("Säkerhetskopiera"); `scheduled` when the
    /// schedule took it (`backup.schedule_hours`), so the register says why.
    Backup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        scheduled: Option<bool>,
    },
    /// The customer's database put back to a backup: `confirmation` must be the slug, typed.
    Restore {
        backup: i64,
        confirmation: String,
    },
    /// One repository's part of a template roll-out: a pull request carrying the template to
    /// the roll-out's commit.
    TemplateSync {
        rollout: i64,
    },
    /// "Säkerhetskopiera flöden": the workflow to the backup repository, one commit if it
    /// changed; `scheduled` or `provisioned` say what asked for it.
    WorkflowBackup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        scheduled: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        provisioned: Option<bool>,
    },
    /// A backed-up version (`workflow_backups` id) of the instance's workflow written back.
    WorkflowRestore {
        #[ts(type = "number")]
        version: i64,
    },
    /// Deployment rollback: this READY production deployment of the customer's own Vercel
    /// project (its `dpl_…` id, from `DeploymentsApi::list`) becomes production again. Undone
    /// by a `promote` of the deployment it replaced (`DeploymentsApi::undo`).
    Promote {
        deployment: String,
    },
    /// The customer's database put back by Supabase's own backups to `target` (unix seconds):
    /// any moment in the point-in-time window, or a physical backup's own time. `confirmation`
    /// must be the slug, typed.
    Recover {
        target: i64,
        confirmation: String,
    },
}

impl RunRequest {
    pub fn kind(&self) -> RunKind {
        match self {
            RunRequest::Provision => RunKind::Provision,
            RunRequest::Teardown { .. } => RunKind::Teardown,
            RunRequest::UpdateModules => RunKind::UpdateModules,
            RunRequest::Repair => RunKind::Repair,
            RunRequest::Pause => RunKind::Pause,
            RunRequest::Resume => RunKind::Resume,
            RunRequest::Redeploy => RunKind::Redeploy,
            RunRequest::ResetPassword => RunKind::ResetPassword,
            RunRequest::DomainAdd { .. } => RunKind::DomainAdd,
            RunRequest::DomainRemove { .. } => RunKind::DomainRemove,
            RunRequest::Migrate { .. } => RunKind::Migrate,
            RunRequest::Backup { .. } => RunKind::Backup,
            RunRequest::Restore { .. } => RunKind::Restore,
            RunRequest::TemplateSync { .. } => RunKind::TemplateSync,
            RunRequest::WorkflowBackup { .. } => RunKind::WorkflowBackup,
            RunRequest::WorkflowRestore { .. } => RunKind::WorkflowRestore,
            RunRequest::Promote { .. } => RunKind::Promote,
            RunRequest::Recover { .. } => RunKind::Recover,
        }
    }

    /// What the ledger keeps of the request (`runs.input`), checked: bad input (a domain, an
    /// empty deployment, a confirmation that is not the slug) is refused before anything is
    /// written. Every kind has its arm, so the compiler names a new one left out.
    pub fn checked_input(&self, slug: &str) -> Result<Option<RunInput>> {
        let confirmed = |confirmation: &str| match confirmation.trim() == slug {
            true => Ok(()),
            false => Err(Error::NotConfirmed),
        };
        Ok(match self {
            RunRequest::Provision
            | RunRequest::UpdateModules
            | RunRequest::Repair
            | RunRequest::Pause
            | RunRequest::Resume
            | RunRequest::Redeploy
            | RunRequest::ResetPassword => None,
            RunRequest::Teardown { confirmation } => {
                confirmed(confirmation)?;
                None
            }
            RunRequest::DomainAdd { domain } | RunRequest::DomainRemove { domain } => {
                let domain = crate::customer::validate_domain(domain)
                    .map_err(|e| Error::Validation(vec![e]))?;
                Some(RunInput::Domain { domain })
            }
            RunRequest::Migrate { rollout } | RunRequest::TemplateSync { rollout } => {
                Some(RunInput::Rollout { rollout: *rollout })
            }
            // A restore replaces the customer's data: typed as a teardown is.
            RunRequest::Restore {
                backup,
                confirmation,
            } => {
                confirmed(confirmation)?;
                Some(RunInput::Restore { backup: *backup })
            }
            RunRequest::Promote { deployment } => {
                let deployment = deployment.trim().to_string();
                if deployment.is_empty() {
                    return Err(Error::Validation(vec![crate::messages::FieldError::new(
                        "deployment",
                        crate::messages::ErrorCode::Required,
                        crate::messages::params! { "label" => "Driftsättning", "label_en" => "Deployment" },
                    )]));
                }
                Some(RunInput::Deployment { deployment })
            }
            // Supabase's restore replaces the customer's data too: typed the same way.
            RunRequest::Recover {
                target,
                confirmation,
            } => {
                confirmed(confirmation)?;
                Some(RunInput::Recover {
                    recover_to: *target,
                })
            }
            RunRequest::Backup { scheduled } => scheduled
                .filter(|s| *s)
                .map(|_| RunInput::Scheduled { scheduled: true }),
            RunRequest::WorkflowBackup {
                scheduled,
                provisioned,
            } => match (scheduled, provisioned) {
                (Some(true), _) => Some(RunInput::Scheduled { scheduled: true }),
                (_, Some(true)) => Some(RunInput::Provisioned { provisioned: true }),
                _ => None,
            },
            RunRequest::WorkflowRestore { version } => Some(RunInput::WorkflowVersion {
                version: *version,
                workflow: None,
            }),
        })
    }

    /// The request for a kind that needs nothing more than the customer; `None` for one that
    /// needs input (a domain, a typed confirmation).
    pub fn without_input(kind: RunKind) -> Option<RunRequest> {
        Some(match kind {
            RunKind::Provision => RunRequest::Provision,
            RunKind::UpdateModules => RunRequest::UpdateModules,
            RunKind::Repair => RunRequest::Repair,
            RunKind::Pause => RunRequest::Pause,
            RunKind::Resume => RunRequest::Resume,
            RunKind::Redeploy => RunRequest::Redeploy,
            RunKind::ResetPassword => RunRequest::ResetPassword,
            RunKind::Backup => RunRequest::Backup { scheduled: None },
            RunKind::WorkflowBackup => RunRequest::WorkflowBackup {
                scheduled: None,
                provisioned: None,
            },
            RunKind::Teardown
            | RunKind::DomainAdd
            | RunKind::DomainRemove
            | RunKind::Migrate
            | RunKind::Restore
            | RunKind::TemplateSync
            | RunKind::WorkflowRestore
            | RunKind::Promote
            | RunKind::Recover => return None,
        })
    }
}

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

/// How the engine drives a run of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drive {
    /// The steps forward, in DAG order; on failure, the kind's failure policy.
    Forward,
    /// The compensations of what the run recorded, every one (teardown).
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

/// One kind of run.
pub struct KindDef {
    pub kind: RunKind,
    /// The steps a run of this kind may record, in DAG order (a repair records the ones its
    /// findings named; a teardown the undoable provisioning steps it finds).
    pub steps: &'static [&'static StepDef],
    pub requires: Requires,
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
    /// What it is called, in Swedish and English (notifications, the alert email).
    pub label: (&'static str, &'static str),
    /// The notification's title when it succeeds; a run that stops says so in one sentence.
    pub done: Say,
    /// The run that follows a success of this kind, when the clients allow it (provisioning:
    /// the new workflow to the backup repository, when a Gitea is set).
    pub then: Option<fn(&crate::providers::Clients) -> Option<RunRequest>>,
}

const DAY_TWO: KindDef = KindDef {
    kind: RunKind::Redeploy,
    steps: &steps::REDEPLOY,
    requires: Requires::Delivered(Status::Active),
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

/// Every kind, in `RunKind` order (a test holds the two together).
pub static KINDS: [KindDef; 18] = [
    KindDef {
        kind: RunKind::Provision,
        label: ("Provisionering", "Provisioning"),
        steps: &steps::PROVISION,
        requires: Requires::Customer,
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
    KindDef {
        kind: RunKind::Teardown,
        label: ("Avveckling", "Teardown"),
        steps: &[],
        requires: Requires::Customer,
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
    KindDef {
        kind: RunKind::UpdateModules,
        label: ("Uppdatera moduler", "Update modules"),
        steps: &steps::UPDATE_MODULES,
        ..DAY_TWO
    },
    KindDef {
        kind: RunKind::Repair,
        label: ("Reparation", "Repair"),
        steps: &steps::REPAIR,
        continues: Continues::Never,
        settles: Settles::Workflow,
        ..DAY_TWO
    },
    KindDef {
        kind: RunKind::Pause,
        label: ("Paus", "Pause"),
        steps: &steps::PAUSE,
        settles: Settles::Status(Status::Inactive),
        ..DAY_TWO
    },
    KindDef {
        kind: RunKind::Resume,
        label: ("Återstart", "Resume"),
        steps: &steps::RESUME,
        requires: Requires::Delivered(Status::Inactive),
        settles: Settles::Status(Status::Active),
        ..DAY_TWO
    },
    DAY_TWO,
    KindDef {
        kind: RunKind::ResetPassword,
        label: ("Nytt adminlösenord", "New admin password"),
        steps: &steps::RESET_PASSWORD,
        ..DAY_TWO
    },
    KindDef {
        kind: RunKind::DomainAdd,
        label: ("Lägg till domän", "Add domain"),
        steps: &steps::DOMAIN_ADD,
        ..DAY_TWO
    },
    KindDef {
        kind: RunKind::DomainRemove,
        label: ("Ta bort domän", "Remove domain"),
        steps: &steps::DOMAIN_REMOVE,
        ..DAY_TWO
    },
    // A paused project's database does not answer: the database runs need an active instance,
    // like every day-two run (a roll-out skips a paused one and says so).
    KindDef {
        kind: RunKind::Migrate,
        label: ("Schemauppdatering", "Schema update"),
        steps: &steps::MIGRATE,
        checks_after: false,
        continues: Continues::WhenAskedTheSame,
        done: Say::DoneDayTwo,
        ..DAY_TWO
    },
    KindDef {
        kind: RunKind::Backup,
        label: ("Säkerhetskopia", "Backup"),
        steps: &steps::BACKUP,
        checks_after: false,
        continues: Continues::Never,
        ..DAY_TWO
    },
    KindDef {
        kind: RunKind::Restore,
        label: ("Återställning av databas", "Database restore"),
        steps: &steps::RESTORE,
        checks_after: false,
        continues: Continues::WhenAskedTheSame,
        ..DAY_TWO
    },
    // Like every day-two run, on an active instance (a roll-out skips a paused one, saying so).
    KindDef {
        kind: RunKind::TemplateSync,
        label: ("Malluppdatering", "Template update"),
        steps: &steps::TEMPLATE_SYNC,
        requires: Requires::Delivered(Status::Active),
        checks_after: false,
        continues: Continues::WhenAskedTheSame,
        ..DAY_TWO
    },
    // A backup is of the workflow as it is now: a stopped one is not continued but taken
    // again, and finds the repository holding what the stopped one committed.
    KindDef {
        kind: RunKind::WorkflowBackup,
        label: ("Säkerhetskopia av flöden", "Workflow backup"),
        steps: &steps::WORKFLOW_BACKUP,
        checks_after: false,
        continues: Continues::Never,
        ..DAY_TWO
    },
    KindDef {
        kind: RunKind::WorkflowRestore,
        label: ("Återställning av flöde", "Workflow restore"),
        steps: &steps::WORKFLOW_RESTORE,
        continues: Continues::WhenAskedTheSame,
        ..DAY_TWO
    },
    // A rollback of the site on an active instance, checked afterwards like a redeploy. Never
    // continued: each request names its deployment, and a stopped one is rolled back or
    // resumed from its run.
    KindDef {
        kind: RunKind::Promote,
        label: (
            "Återgång till tidigare driftsättning",
            "Rollback to an earlier deployment",
        ),
        steps: &steps::PROMOTE,
        continues: Continues::Never,
        ..DAY_TWO
    },
    // Supabase's own restore: the instance must be active (a paused project cannot be
    // restored); a stopped one asked the same continues, and its step does not ask twice.
    KindDef {
        kind: RunKind::Recover,
        label: (
            "Återställning med Supabases säkerhetskopior",
            "Recovery from Supabase's backups",
        ),
        steps: &steps::RECOVER,
        checks: Checks::PreflightAndProvider,
        checks_after: true,
        continues: Continues::WhenAskedTheSame,
        ..DAY_TWO
    },
];

/// The declaration of a kind.
pub fn def(kind: RunKind) -> &'static KindDef {
    KINDS
        .iter()
        .find(|k| k.kind == kind)
        .expect("every run kind has a row in KINDS (checked by a test)")
}

impl KindDef {
    pub fn label_text(&self) -> Text {
        Text::new(self.label.0, self.label.1)
    }

    /// Why a run of this kind waits for another instance status, and what to do instead.
    pub fn refusal(&self, status: Status) -> Text {
        match (self.kind, status) {
            (RunKind::Pause, Status::Inactive) => Say::AlreadyPaused.text(),
            (RunKind::Resume, Status::Active) => Say::AlreadyRunning.text(),
            (_, Status::Inactive) => Say::PausedResumeFirst.text(),
            (_, other) => {
                Say::NotDelivered.with(crate::messages::params! { "status" => other.as_str() })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_declared_once_in_run_kind_order() {
        let kinds: Vec<RunKind> = KINDS.iter().map(|k| k.kind).collect();
        assert_eq!(kinds, RunKind::ALL);
    }

    #[test]
    fn a_request_names_its_kind_as_the_ledger_does() {
        for kind in RunKind::ALL {
            let request = RunRequest::without_input(*kind).unwrap_or(match kind {
                RunKind::Teardown => RunRequest::Teardown {
                    confirmation: "x".into(),
                },
                RunKind::DomainAdd => RunRequest::DomainAdd {
                    domain: "a.se".into(),
                },
                RunKind::Migrate => RunRequest::Migrate { rollout: 1 },
                RunKind::TemplateSync => RunRequest::TemplateSync { rollout: 1 },
                RunKind::WorkflowRestore => RunRequest::WorkflowRestore { version: 1 },
                RunKind::Promote => RunRequest::Promote {
                    deployment: "dpl_1".into(),
                },
                RunKind::Restore => RunRequest::Restore {
                    backup: 1,
                    confirmation: "x".into(),
                },
                RunKind::Recover => RunRequest::Recover {
                    target: 1,
                    confirmation: "x".into(),
                },
                _ => RunRequest::DomainRemove {
                    domain: "a.se".into(),
                },
            });
            assert_eq!(request.kind(), *kind);
            let json = serde_json::to_value(&request).unwrap();
            assert_eq!(json["kind"], kind.as_str(), "{json}");
        }
    }

    #[test]
    fn stored_input_reads_as_it_was_written_before_it_was_typed() {
        let domain = serde_json::json!({ "domain": "kund.se" });
        assert_eq!(
            RunInput::from_stored(Some(&domain)),
            Some(RunInput::Domain {
                domain: "kund.se".into()
            })
        );
        let steps = serde_json::json!({ "steps": ["vercel.env", "vercel.redeploy"] });
        let typed = RunInput::from_stored(Some(&steps)).unwrap();
        assert_eq!(typed.to_stored(), steps);
        let deployment = serde_json::json!({ "deployment": "dpl_1" });
        assert_eq!(
            RunInput::from_stored(Some(&deployment)),
            Some(RunInput::Deployment {
                deployment: "dpl_1".into()
            })
        );
        assert_eq!(RunInput::from_stored(None), None);
    }

    #[test]
    fn every_refusal_says_something_in_both_languages() {
        for k in &KINDS {
            for s in Status::ALL {
                let t = k.refusal(*s);
                assert!(!t.sv.is_empty() && !t.en.is_empty());
            }
        }
    }
}
