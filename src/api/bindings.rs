//! Generates `ui/src/bindings.ts` (every IPC payload type, the command table) from the Rust
//! types; `cargo test` fails on a stale file, `UPDATE_BINDINGS=1 cargo test bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::billing::drift::{DriftFinding, DriftKind, DriftOffer};
use crate::billing::policy::{PolicyCell, PolicyView, TransitionChoice};
use crate::billing::reconcile::{Reconciled, Unlinked};
use crate::billing::rows::{DecisionRow, DecisionState, Step as BillingStep, Transition};
use crate::billing::view::SubscriptionView;
use crate::credentials::{CredentialState, CredentialStatus};
use crate::customer::rows::{ExamplesRemoved, KeptExample};
use crate::customer::{
    Applied, BadRow, Customer, CustomerDraft, CustomerListing, CustomerPatch, CustomerQuery,
    CustomerRow, FieldError, Instance, InstanceLinks, Invitee, Module, ModuleInfo, ModuleManifest,
    Plan, SortKey, Status, TeamPreview, TeamRole,
};
use crate::database::backup::rows::{Backup, BackupReason};
use crate::database::recovery::{PhysicalBackup, RecoveryView};
use crate::error::ApiError;
use crate::fleet::{DEFAULT_HALT_SHARE, DEFAULT_WAVES};
use crate::health::{FindingKind, Health, HealthFinding, HealthPart, HealthSummary, SiteProbe};
use crate::intake::{Inbox, PollReport, SourceView};
use crate::ledger::{BaseHow, MemberState, PrState, RolloutKind, RolloutState};
use crate::messages::typescript::{label_table, members};
use crate::messages::{ErrorCode, Text};
use crate::overview as ov;
use crate::providers::choices::{AccountChoices, Also, Choice, ChoiceKind, ChoiceList};
use crate::providers::guide::{Guide, Permission, ProviderInfo, TokenKind};
use crate::providers::pacer::Left;
use crate::providers::verify::{Verification, VerifyState};
use crate::provision::adoptions::Adoption;
use crate::provision::plan::{PlanAction, PlanItem, ProvisionPlan};
use crate::provision::preflight::Finding;
use crate::provision::rollouts::{MemberRow, RolloutRow};
use crate::provision::{
    AdoptionState, AllowedBy, DeploymentView, Deployments, DnsRecord, DomainStatus, LogLevel,
    RunEvent, RunKind, RunRequest, RunState, StartOutcome, StepKey, StepOutcome, StepState,
    StepTable, TargetVerdict, TeardownTarget,
};
use crate::register::{
    ExportFormat, ImportPreview, ImportReport, ImportRow, PortalRows, PortalSource,
};
use crate::relocation::MovedTable;
use crate::requests::{IntakeChoices, IntakeItem, IntakeSource, IntakeSourceState, IntakeState};
use crate::schedule::rows::{Job, TickOutcome, TickRow};
use crate::schedule::system::{Installed, Scheduler};
use crate::schedule::units::Plan as SchedulePlan;
use crate::schedule::{JobReport, JobState, ScheduleView, TickReport};
use crate::secrets::Provider;
use crate::services::backups::{BackupAge, BackupView};
use crate::services::billing::{BillingCell, CustomerBilling};
use crate::services::register::{AppInfo, DraftCheck, ExportedFile, Language, Preferences};
use crate::services::relocation::{MoveCheck, MoveExport};
use crate::services::rollout_desk::{RolloutsOverview, TemplatesOverview};
use crate::services::rollouts::{
    FileHead, InstanceSchemaView, RolloutSource, RolloutView, WaveView,
};
use crate::services::runs::RunDetail;
use crate::services::team::TeamProgress;
use crate::services::templates::{RepoPlan, TemplateInstance, TemplateRolloutView};
use crate::setup::accounts_left::{AccountsLeft, PlanLimit, ProviderLeft, RateLimits};
use crate::setup::budget::Budget;
use crate::setup::guide::{SetupGuide, SetupStep, StepGuide};
use crate::setup::test_customer::{ProofItem, ProofPhase, ProofPlan, ProofReport, ProofResource};
use crate::store::db::{LiveStatus, RegisterChange};
use crate::store::location::SharedRegister;
use crate::store::people::{NewPerson, Person, Role};
use crate::store::runs::{LogLine, RunRow, StepRow};
use crate::store::transfer::{MoveReport, TableCheck};
use crate::supervisor::cloud::{Environment, SettingEntry};
use crate::supervisor::host::Sweep;
use crate::supervisor::Readiness;
use crate::team::{
    InviteOutcome, InviteReport, InviteResult, Member, MemberStatus, Revoked, TeamView,
};
use crate::template::rows::{TemplateBase, TemplatePr};
use crate::template::{
    Action, Attention, CustomerChange, FileChange, NeedsPerson, Summary, TemplateChange,
};
use crate::update::{Offer, UpdateCheck, UpdateProgress};
use crate::usage::view::{
    CostLine, CustomerUsage, Economics, FleetRow, FleetUsage, Latest, LimitKind, Money, PlanFit,
    Point, PriceBook, PriceLine, Series, Warning,
};
use crate::usage::{Figure, FigureDef, Per, Unit};
use crate::workflows::backups::{WorkflowBackup, WorkflowBackupReason, WorkflowFile};

/// The TypeScript `Commands` type, from the one command table (`super::commands`).
macro_rules! command_table {
    ($( $kind:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty ;)*) => {
        fn command_table(cfg: &Config) -> String {
            let mut out = String::from("export type Commands = {\n");
            $(
                let args: Vec<String> = vec![$(format!("{}: {}", stringify!($arg), <$ty as TS>::name(cfg))),*];
                out.push_str(&format!(
                    "  {}: {{ args: {{ {} }}; result: {} }};\n",
                    stringify!($name),
                    args.join("; "),
                    <$ret as TS>::name(cfg),
                ));
            )*
            out.push_str("};\n");
            out
        }
    };
}

crate::with_commands!(command_table);

/// The TypeScript `Events` type, from the one event table (`super::events`): each event's name
/// and payload.
macro_rules! events_table {
    ($( $(#[$doc:meta])* $variant:ident $name:literal => $ty:ty ;)*) => {
        fn events_table(cfg: &Config) -> String {
            let mut out = String::from("export type Events = {\n");
            $( out.push_str(&format!("  '{}': {};\n", $name, <$ty as TS>::name(cfg))); )*
            out.push_str("};\n");
            out
        }
    };
}

crate::with_events!(events_table);

macro_rules! decls {
    ($cfg:expr; $($t:ty),* $(,)?) => { vec![$(format!("export {}", <$t as TS>::decl($cfg))),*] };
}

/// Each step's label in both languages, from the step table.
fn step_labels() -> String {
    let rows = StepKey::ALL
        .iter()
        .map(|k| (format!("'{k}'"), k.label_text()));
    label_table("STEP_LABEL", "StepKey", rows)
}

/// Each kind of run's name, from its declaration (`provision::kinds::def`): the window's
/// labels, the notifications and the alert email say the same.
fn kind_labels() -> String {
    let rows = RunKind::ALL
        .iter()
        .map(|k| (k.to_string(), crate::provision::kinds::def(*k).label_text()));
    label_table("RUN_KIND_LABEL", "RunKind", rows)
}

/// Each scheduled job's name, from its declaration (`schedule::jobs`): the CLI says the same.
fn job_labels() -> String {
    let rows = Job::ALL
        .iter()
        .map(|j| (j.to_string(), crate::schedule::jobs::label(*j)));
    label_table("JOB_LABEL", "Job", rows)
}

/// Each kind's declared steps (a teardown's, a repair's: none), for the UI tests' fake backend.
fn kind_steps() -> String {
    let mut out =
        String::from("export const RUN_KIND_STEPS: Record<RunKind, readonly StepKey[]> = {\n");
    for k in RunKind::ALL {
        let steps = crate::provision::kinds::def(*k).steps.iter();
        let steps: Vec<String> = steps.map(|s| format!("'{s}'")).collect();
        out.push_str(&format!("  {k}: [{}],\n", steps.join(", ")));
    }
    out.push_str("};\n");
    out
}

/// Every vocabulary's members, so the UI keeps no copy of a list the core owns.
fn vocabularies() -> String {
    [
        members("RUN_KINDS", "RunKind", RunKind::ALL),
        members("RUN_STATES", "RunState", RunState::ALL),
        members("ACTIVE_RUN_STATES", "RunState", &RunState::ACTIVE),
        members("STEP_KEYS", "StepKey", StepKey::ALL),
        members("STEP_STATES", "StepState", StepState::ALL),
        members(
            "UNFINISHED_STEP_STATES",
            "StepState",
            &StepState::UNFINISHED,
        ),
        members("LOG_LEVELS", "LogLevel", LogLevel::ALL),
        members("PLANS", "Plan", Plan::ALL),
        members("JOBS", "Job", Job::ALL),
        members("MODULES", "Module", Module::ALL),
        members("STATUSES", "Status", Status::ALL),
        members("ENVIRONMENTS", "Environment", Environment::ALL),
        members("TARGET_VERDICTS", "TargetVerdict", TargetVerdict::ALL),
        members("ADOPTION_STATES", "AdoptionState", AdoptionState::ALL),
        members("ROLLOUT_STATES", "RolloutState", RolloutState::ALL),
        members("MEMBER_STATES", "MemberState", MemberState::ALL),
        members("PR_STATES", "PrState", PrState::ALL),
        members("ATTENTION_KINDS", "AttentionKind", ov::AttentionKind::ALL),
    ]
    .concat()
}

pub fn typescript() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls: Vec<String> = decls!(&cfg;
        ErrorCode, Text, ApiError, FieldError, AppInfo, UpdateCheck, Offer, UpdateProgress, DraftCheck, Language, Preferences,
        Plan, Module, Status, SortKey, Instance, InstanceLinks, Applied, Customer, CustomerRow, CustomerListing,
        CustomerDraft, CustomerPatch, CustomerQuery, ModuleInfo, ModuleManifest,
        Environment, Provider, VerifyState, Verification, CredentialState, CredentialStatus, SettingEntry,
        SetupGuide, SetupStep, StepGuide, Guide, ProviderInfo, TokenKind, Permission, AccountChoices, ChoiceList, ChoiceKind, Choice, Also,
        ProofPlan, ProofItem, ProofPhase, ProofReport, ProofResource,
        Inbox, SourceView, PollReport, IntakeItem, IntakeSource, IntakeState, IntakeSourceState, IntakeChoices,
        ScheduleView, Installed, Scheduler, SchedulePlan, TickRow, TickOutcome, TickReport, JobReport, JobState, Job,
        TeamView, Member, MemberStatus, TeamPreview, BadRow, Invitee, TeamRole, InviteReport, InviteResult, InviteOutcome, Revoked, TeamProgress,
        crate::handover::HandoverStatus, crate::provision::handovers::Handover, crate::handover::Withdrawal,
        RateLimits, ProviderLeft, AccountsLeft, PlanLimit, Left, Budget,
        Readiness, RunDetail, RunRow, StepRow, LogLine, ProvisionPlan, PlanAction, PlanItem, Finding, StartOutcome, RunRequest, StepKey, StepOutcome, RunKind, RunState, StepState, LogLevel, RunEvent,
        TeardownTarget, TargetVerdict, Adoption, AdoptionState, AllowedBy,
        Health, HealthFinding, HealthPart, FindingKind, HealthSummary, SiteProbe, Sweep, crate::metering::collect::Collected,
        DomainStatus, DnsRecord,
        ImportPreview, ImportReport, ImportRow, ExportFormat, ExportedFile, PortalSource, PortalRows, ExamplesRemoved, KeptExample,
        RegisterChange, LiveStatus, SharedRegister, MoveReport, TableCheck, Person, Role, NewPerson,
        BackupView, Backup, BackupReason, WorkflowBackup, WorkflowFile, WorkflowBackupReason, BackupAge,
        Deployments, DeploymentView, RecoveryView, PhysicalBackup,
        MoveExport, MoveCheck, MovedTable,
        RolloutsOverview, RolloutSource, RolloutView, RolloutRow, MemberRow, FileHead, WaveView, InstanceSchemaView, RolloutState, MemberState,
        RolloutKind, TemplatesOverview, TemplateRolloutView, RepoPlan, TemplateInstance, TemplateBase, TemplatePr, BaseHow, PrState,
        FileChange, TemplateChange, CustomerChange, Action, Summary, NeedsPerson, Attention,
        Figure, FigureDef, Unit, Per, Money, Point, Series, Latest, LimitKind, Warning, PlanFit, CostLine, Economics,
        CustomerUsage, FleetRow, FleetUsage, crate::usage::view::FleetOrder, crate::usage::order::FleetSort, PriceBook, PriceLine,
        DriftKind, DriftOffer, DriftFinding, crate::billing::candidates::Candidate, crate::billing::candidates::Match, SubscriptionView, Unlinked, Reconciled, CustomerBilling, BillingCell,
        DecisionRow, DecisionState, Transition, BillingStep, PolicyView, PolicyCell, TransitionChoice,
        crate::export::deliver::Exported, crate::export::deliver::OmittedPart, crate::export::rows::ExportRecord, crate::export::rows::ExportReason, crate::export::keeping::Keeping, crate::export::ExportPart,
        ov::Overview, ov::Attention, ov::AttentionKind, ov::Urgency, ov::Place, ov::Glance, ov::notices::NotificationSetting, ov::notices::Notice,
    );
    let mut out = String::from(
        "// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p fabrik bindings`. Do not edit.\n\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.push_str(&command_table(&cfg));
    out.push('\n');
    out.push_str(&events_table(&cfg));
    out.push('\n');
    out.push_str(&vocabularies());
    out.push_str(&format!(
        "export const MAX_IMPORT_BYTES = {};\n",
        crate::register::MAX_IMPORT_BYTES
    ));
    out.push_str(&format!(
        "export const PORTAL_TABLE = '{}';\n",
        crate::register::PORTAL_TABLE
    ));
    out.push_str(&format!(
        "export const DEFAULT_WAVES = '{DEFAULT_WAVES}';\n"
    ));
    out.push_str(&format!(
        "export const DEFAULT_HALT_SHARE = {DEFAULT_HALT_SHARE};\n"
    ));
    out.push_str(&crate::services::usage::typescript());
    out.push_str(&crate::services::billing::typescript());
    out.push_str(&crate::providers::guide::typescript());
    out.push('\n');
    out.push_str(&step_labels());
    out.push('\n');
    out.push_str(&kind_labels());
    out.push('\n');
    out.push_str(&job_labels());
    out.push_str(&kind_steps());
    out.push('\n');
    out.push_str(&crate::messages::typescript_catalog());
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// A file generated from the Rust code is committed: the test fails when it is stale, and
    /// rewrites it when `update_var` is set.
    fn assert_current(relative: &str, fresh: &str, update_var: &str) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
        if std::env::var_os(update_var).is_some() {
            std::fs::write(&path, fresh).expect("write the generated file");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{relative} is stale: run `{update_var}=1 cargo test -p fabrik --lib` and commit it"
        );
    }

    #[test]
    fn bindings_are_current() {
        assert_current(
            "ui/src/bindings.ts",
            &super::typescript(),
            "UPDATE_BINDINGS",
        );
    }
}
