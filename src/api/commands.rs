//! The IPC surface, declared once. Each line of `with_commands!` is one command the window may
//! call: how it runs, its name, its arguments as the webview passes them, and its result.
//!
//! - `blocking`: SQLite or the keyring only; the shell runs it on the blocking pool.
//! - `async`: waits for the network (or for the clouds to come up); it does its own blocking
//!   parts on the blocking pool (`crate::blocking`).
//!
//! From this table come the `Commands` trait below and its implementation on `Fabrik` (each
//! command calls the method of the same name its area's file adds to `Fabrik`, so the core fails
//! to compile until every command is implemented), the TypeScript `Commands` type in `ui/src/bindings.ts` (so the UI
//! cannot call what does not exist, nor with the wrong arguments), and in the Tauri shell both
//! the `#[tauri::command]` wrappers and the handler list (so no command can be left out of
//! either). See docs/ARCHITECTURE.md, "One source of truth".

/// Calls `$callback! { … }` with the command table.
#[macro_export]
macro_rules! with_commands {
    ($callback:path) => {
        $callback! {
            blocking app_info() -> $crate::services::register::AppInfo;
            async update_check() -> $crate::update::UpdateCheck;
            async update_install() -> $crate::update::UpdateProgress;
            blocking list_customers(query: $crate::customer::CustomerQuery) -> $crate::customer::CustomerListing;
            blocking get_customer(slug: String) -> $crate::customer::Customer;
            blocking create_customer(draft: $crate::customer::CustomerDraft) -> $crate::customer::Customer;
            blocking update_customer(slug: String, patch: $crate::customer::CustomerPatch) -> $crate::customer::Customer;
            blocking delete_customer(slug: String) -> ();
            blocking check_draft(draft: $crate::customer::CustomerDraft) -> $crate::services::register::DraftCheck;
            blocking check_patch(slug: String, patch: $crate::customer::CustomerPatch) -> $crate::services::register::DraftCheck;
            blocking load_examples() -> u32;
            blocking remove_examples() -> $crate::customer::rows::ExamplesRemoved;
            blocking preview_import(contents: String) -> $crate::register::ImportPreview;
            blocking import_customers(contents: String) -> $crate::register::ImportReport;
            blocking read_portal(source: $crate::register::PortalSource) -> $crate::register::PortalRows;
            blocking export_register(format: $crate::register::ExportFormat) -> $crate::services::register::ExportedFile;
            blocking shared_register() -> $crate::store::location::SharedRegister;
            blocking use_shared_register(url: String, password: String, move_file: bool) -> Option<$crate::store::transfer::MoveReport>;
            blocking stop_shared_register() -> ();
            blocking people() -> Vec<$crate::store::people::Person>;
            blocking add_person(name: String, role: $crate::store::people::Role) -> $crate::store::people::NewPerson;
            blocking join_shared_register(invitation: String) -> String;
            blocking remove_person(name: String) -> Vec<$crate::store::people::Person>;
            blocking module_manifest() -> $crate::customer::ModuleManifest;
            blocking get_preferences() -> $crate::services::register::Preferences;
            blocking set_language(language: $crate::services::register::Language) -> $crate::services::register::Preferences;
            blocking open_external(url: String) -> ();
            blocking set_environment(environment: $crate::environment::Environment) -> ();
            blocking environment() -> $crate::environment::Environment;
            async credentials_status() -> Vec<$crate::credentials::CredentialStatus>;
            async save_credential(provider: $crate::secrets::Provider, token: String) -> $crate::credentials::CredentialStatus;
            async test_credential(provider: $crate::secrets::Provider) -> $crate::credentials::CredentialStatus;
            async delete_credential(provider: $crate::secrets::Provider) -> $crate::credentials::CredentialStatus;
            async send_test_email() -> $crate::credentials::CredentialStatus;
            async setup_guide() -> $crate::setup::guide::SetupGuide;
            async setup_progress(at: $crate::setup::guide::SetupStep, skipped: Vec<$crate::setup::guide::SetupStep>) -> $crate::setup::guide::SetupGuide;
            async setup_choices(provider: $crate::secrets::Provider) -> $crate::providers::choices::AccountChoices;
            async create_backup_repository() -> $crate::providers::choices::AccountChoices;
            async setup_proof_plan() -> $crate::setup::test_customer::ProofPlan;
            async start_setup_proof() -> $crate::setup::test_customer::ProofReport;
            async setup_proof() -> $crate::setup::test_customer::ProofReport;
            blocking rate_limits() -> $crate::setup::accounts_left::RateLimits;
            async intake_list() -> $crate::intake::Inbox;
            async intake_poll() -> $crate::intake::PollReport;
            async intake_approve(id: i64, plan: Option<$crate::customer::Plan>) -> $crate::requests::IntakeItem;
            async intake_reject(id: i64, reason: String) -> $crate::requests::IntakeItem;
            async intake_set_source(source: $crate::requests::IntakeSource, choices: $crate::requests::IntakeChoices) -> $crate::requests::IntakeSourceState;
            async intake_set_portal(url: String, password: String) -> $crate::intake::Inbox;
            blocking schedule_status() -> $crate::schedule::ScheduleView;
            blocking schedule_install(plan: $crate::schedule::units::Plan) -> $crate::schedule::ScheduleView;
            blocking schedule_remove() -> $crate::schedule::ScheduleView;
            async accounts_left() -> $crate::setup::accounts_left::AccountsLeft;
            async bulk_budget(kind: $crate::ledger::RunKind, count: u32) -> $crate::setup::budget::Budget;
            async list_settings() -> Vec<$crate::supervisor::cloud::SettingEntry>;
            async set_setting(key: String, value: String) -> Vec<$crate::supervisor::cloud::SettingEntry>;
            async readiness() -> $crate::supervisor::Readiness;
            async preflight() -> Vec<$crate::provision::preflight::Finding>;
            async plan_provision(slug: String) -> $crate::provision::ProvisionPlan;
            async start_run(slug: String, request: $crate::provision::RunRequest) -> $crate::provision::StartOutcome;
            async domains(slug: String) -> Vec<$crate::provision::DomainStatus>;
            async deployments(slug: String) -> $crate::provision::Deployments;
            async team(slug: String) -> $crate::team::TeamView;
            async team_preview(slug: String, csv: String) -> $crate::customer::TeamPreview;
            async team_invite(slug: String, people: Vec<$crate::customer::Invitee>) -> $crate::team::InviteReport;
            async team_resend(slug: String, email: String) -> $crate::team::InviteReport;
            async team_revoke(slug: String, email: String, confirmation: Option<String>) -> $crate::team::Revoked;
            async promote_deployment(slug: String, deployment: String) -> $crate::provision::StartOutcome;
            async undo_promotion(slug: String) -> $crate::provision::StartOutcome;
            async handover_status(slug: String) -> $crate::handover::HandoverStatus;
            async handover_recipient(slug: String) -> String;
            async handover_withdraw(slug: String, confirmation: String) -> $crate::handover::Withdrawal;
            async cancel_run(run: i64, rollback: bool) -> bool;
            async resume_run(run: i64) -> ();
            async rollback_run(run: i64) -> ();
            async teardown_preview(slug: String) -> Vec<$crate::provision::TeardownTarget>;
            async check_health(slug: String) -> $crate::health::Health;
            async check_all_health() -> $crate::supervisor::host::Sweep;
            async health_sweep() -> $crate::supervisor::host::Sweep;
            blocking instance_health(slug: String) -> Option<$crate::health::Health>;
            async adoptions(slug: String) -> Vec<$crate::provision::adoptions::Adoption>;
            async adopt_resource(slug: String, name: String, confirmation: String) -> $crate::provision::adoptions::Adoption;
            async list_runs(slug: Option<String>) -> Vec<$crate::store::runs::RunRow>;
            async run_detail(run: i64) -> $crate::services::runs::RunDetail;
            async interrupted_runs() -> Vec<$crate::store::runs::RunRow>;
            async backups(slug: String) -> Vec<$crate::services::backups::BackupView>;
            async workflow_backups(slug: String) -> Vec<$crate::workflows::backups::WorkflowBackup>;
            async backup_ages() -> Vec<$crate::services::backups::BackupAge>;
            async recovery(slug: String) -> $crate::database::recovery::RecoveryView;
            async export_for_move(slug: String, out: String) -> $crate::services::relocation::MoveExport;
            async import_archive(file: String, into: String, confirmation: String) -> $crate::provision::StartOutcome;
            async move_check(file: String, into: String) -> $crate::services::relocation::MoveCheck;
            async export_customer(slug: String) -> $crate::services::export::Exported;
            async exports(slug: String) -> Vec<$crate::export::rows::ExportRecord>;
            async export_before_teardown(slug: String, confirmation: String) -> $crate::services::export::Exported;
            async export_keeping(slug: String) -> $crate::services::export::Keeping;
            async rollouts_overview() -> $crate::services::rollout_desk::RolloutsOverview;
            async plan_rollout(source: $crate::services::rollouts::RolloutSource, waves: String, halt_share: f64) -> $crate::services::rollouts::RolloutView;
            async rollout(id: i64) -> $crate::services::rollouts::RolloutView;
            async start_rollout(id: i64) -> $crate::services::rollouts::RolloutView;
            async pause_rollout(id: i64) -> $crate::services::rollouts::RolloutView;
            async resume_rollout(id: i64) -> $crate::services::rollouts::RolloutView;
            async abort_rollout(id: i64) -> $crate::services::rollouts::RolloutView;
            async templates_overview() -> $crate::services::rollout_desk::TemplatesOverview;
            async refresh_templates() -> $crate::services::rollout_desk::TemplatesOverview;
            async plan_template(at: Option<String>, waves: String, halt_share: f64) -> $crate::services::templates::TemplateRolloutView;
            async template_rollout(id: i64) -> $crate::services::templates::TemplateRolloutView;
            blocking overview() -> $crate::overview::Overview;
            blocking notification_settings() -> Vec<$crate::overview::notices::NotificationSetting>;
            blocking set_notification(kind: $crate::overview::AttentionKind, on: bool) -> Vec<$crate::overview::notices::NotificationSetting>;
            blocking usage_fleet(days: i64) -> $crate::usage::view::FleetUsage;
            blocking usage_customer(slug: String, days: i64) -> $crate::usage::view::CustomerUsage;
            blocking usage_csv(days: i64) -> $crate::services::register::ExportedFile;
            blocking price_book() -> $crate::usage::view::PriceBook;
            blocking set_price_book(book: $crate::usage::view::PriceBook) -> $crate::usage::view::PriceBook;
            async collect_usage() -> $crate::metering::collect::Collected;
            blocking billing_column() -> Vec<$crate::services::billing::BillingCell>;
            blocking billing_customer(slug: String) -> $crate::services::billing::CustomerBilling;
            async billing_reconcile() -> $crate::billing::reconcile::Reconciled;
            async billing_candidates(slug: String) -> Vec<$crate::billing::candidates::Candidate>;
            async billing_link(slug: String, subscription: String) -> $crate::services::billing::CustomerBilling;
            blocking billing_settle(id: i64, dismissed: bool) -> bool;
            blocking billing_policy() -> $crate::billing::policy::PolicyView;
            blocking billing_policy_set(plan: $crate::customer::Plan, transition: $crate::billing::rows::Transition, step: $crate::billing::rows::Step) -> $crate::billing::policy::PolicyView;
            blocking billing_policy_grace(plan: $crate::customer::Plan, days: Option<i64>) -> $crate::billing::policy::PolicyView;
        }
    };
}

/// Declares `Commands`: one method per line of the table.
macro_rules! commands_trait {
    ($( $kind:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty ;)*) => {
        /// Everything the window can ask of the core; implemented once, by `app::Fabrik`.
        pub trait Commands: Send + Sync + 'static {
            $( commands_trait!(@method $kind $name ($($arg: $ty),*) -> $ret); )*
        }
    };
    (@method blocking $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        fn $name(&self, $($arg: $ty),*) -> $crate::error::ApiResult<$ret>;
    };
    (@method async $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        fn $name(&self, $($arg: $ty),*)
            -> impl std::future::Future<Output = $crate::error::ApiResult<$ret>> + Send;
    };
}

with_commands!(commands_trait);

/// `impl Commands for Fabrik`: each command is the method of the same name that its area's file
/// (`customers.rs`, `runs.rs`, …) adds to `Fabrik` (an inherent method, found before this one).
macro_rules! commands_impl {
    ($( $kind:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty ;)*) => {
        impl Commands for super::app::Fabrik {
            $( commands_impl!(@method $kind $name ($($arg: $ty),*) -> $ret); )*
        }
    };
    (@method blocking $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        fn $name(&self, $($arg: $ty),*) -> $crate::error::ApiResult<$ret> {
            super::app::Fabrik::$name(self, $($arg),*)
        }
    };
    (@method async $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        async fn $name(&self, $($arg: $ty),*) -> $crate::error::ApiResult<$ret> {
            super::app::Fabrik::$name(self, $($arg),*).await
        }
    };
}

with_commands!(commands_impl);

/// The command names, in declaration order (what the shell registers).
macro_rules! command_names {
    ($( $kind:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty ;)*) => {
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

with_commands!(command_names);
