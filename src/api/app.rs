//! `Fabrik`: the one implementation of the command table (`commands.rs`) behind the window.
//! The register opens at once; the clouds (the sandbox's simulator, keyring tokens) come up in
//! the background so the window paints the register first, and commands that need them wait.
//! What only a window can do (events, notifications, opening a link, restarting) goes through
//! the `Host` the shell supplies.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::OnceCell;

use super::commands::Commands;
use super::health::{HealthApi, Sweep};
use super::rollout_desk::{RolloutDesk, RolloutsOverview, TemplatesOverview};
use super::rollouts::{RolloutSource, RolloutView};
use super::runs::{Readiness, RunDetail, RunHost, RunsApi};
use super::templates::TemplateRolloutView;
use super::updates::{UpdateHost, Updates};
use super::{Api, ApiResult, AppInfo, DraftCheck, Language, Preferences};
use crate::credentials::CredentialStatus;
use crate::customer::{
    Customer, CustomerDraft, CustomerListing, CustomerPatch, CustomerQuery, ModuleManifest,
};
use crate::environment::Environment;
use crate::error::ApiError;
use crate::providers::choices::AccountChoices;
use crate::provision::preflight::Finding;
use crate::provision::{DomainStatus, ProvisionPlan, RunRequest, StartOutcome, TeardownTarget};
use crate::secrets::Provider;
use crate::setup::accounts_left::{AccountsLeft, RateLimits};
use crate::setup::budget::Budget;
use crate::setup::guide::{SetupGuide, SetupStep};
use crate::setup::test_customer::{ProofPlan, ProofReport};
use crate::store::adoptions::Adoption;
use crate::store::runs::RunRow;
use crate::supervisor::cloud::{CloudApi, SettingEntry};
use crate::supervisor::Supervisor;

/// What the window does for the core.
pub trait Host: RunHost + UpdateHost {
    /// Opens an `https:` link (already checked) in the system browser.
    fn open_url(&self, url: &str) -> Result<(), String>;
    /// Starts the app again (after the environment changed).
    fn restart(&self);
    /// Another seat changed the shared register (a customer, a run): the window reads it again.
    fn register_changed(&self, _change: &crate::store::db::RegisterChange) {}
    /// Live changes stopped (since when) or resumed (the window reads everything it shows
    /// again: what changed meanwhile was never announced).
    fn live_updates(&self, _status: &crate::store::db::LiveStatus) {}
    /// One person of a team invitation done.
    fn team(&self, _progress: &super::team::TeamProgress) {}
}

type Clouds = Result<
    (
        Arc<CloudApi>,
        Arc<RunsApi>,
        Arc<HealthApi>,
        Arc<RolloutDesk>,
    ),
    ApiError,
>;

pub struct Fabrik {
    /// The register, or why it could not be opened (shown by every command, so the window can
    /// explain a broken or too-new database instead of failing to start).
    api: Result<Arc<Api>, ApiError>,
    clouds: OnceCell<Clouds>,
    data_dir: PathBuf,
    /// The register file (used, or moved from, when no shared register is).
    db: PathBuf,
    host: Arc<dyn Host>,
    updates: Arc<Updates>,
    /// Live changes from other seats, while the register is a shared one.
    _listener: Option<crate::store::db::Listener>,
}

impl Fabrik {
    pub fn open(db: &Path, data_dir: &Path, host: Arc<dyn Host>) -> Fabrik {
        let api = Api::open(db).map(Arc::new).map_err(|e| {
            tracing::error!(code = %e.code(), "could not open the register: {e}");
            e.to_api()
        });
        let listener = api.as_ref().ok().and_then(|api| {
            let host = host.clone();
            api.store().watch(move |event| match event {
                crate::store::db::Live::Change(change) => host.register_changed(&change),
                crate::store::db::Live::Status(status) => host.live_updates(&status),
            })
        });
        Fabrik {
            api,
            clouds: OnceCell::new(),
            data_dir: data_dir.to_path_buf(),
            db: db.to_path_buf(),
            updates: Arc::new(Updates::new(host.clone(), crate::update::feed_url())),
            host,
            _listener: listener,
        }
    }

    fn api(&self) -> ApiResult<&Api> {
        self.api.as_deref().map_err(Clone::clone)
    }

    /// The environment's APIs, started on first use: the window asks for them once its list
    /// is painted (ui/src/state/startup.ts), so start-up reads the register only.
    async fn clouds(&self) -> Clouds {
        let api = self.api.clone()?;
        let data_dir = self.data_dir.clone();
        let host = self.run_host();
        self.clouds
            .get_or_init(|| async move {
                let cloud = CloudApi::open(api.shared_store(), &data_dir)
                    .await
                    .map(Arc::new)
                    .map_err(|e| {
                        tracing::error!(code = %e.code(), "could not open the cloud environment: {e}");
                        e.to_api()
                    })?;
                let runs = RunsApi::window(api.shared_store(), cloud.clone());
                let health = HealthApi::new(api.shared_store(), cloud.clone());
                health.schedule(host.clone());
                // The scheduled jobs the window does while it is open (the backups and the
                // alerts), leased through the register like `fabrik tick`'s.
                Arc::new(super::tick::Ticker::new(
                    cloud.clone(),
                    runs.supervisor().clone(),
                    &data_dir,
                ))
                .in_window(host);
                // Roll-outs run their instances through the window's supervisor: one pacer,
                // one lease per run, and a failed instance kept as it failed (its backup is
                // the way back).
                let rollouts = Arc::new(RolloutDesk::new(
                    api.shared_store(),
                    runs.supervisor().clone(),
                ));
                Ok((cloud, runs, health, rollouts))
            })
            .await
            .clone()
    }

    async fn cloud(&self) -> ApiResult<Arc<CloudApi>> {
        Ok(self.clouds().await?.0)
    }

    async fn runs(&self) -> ApiResult<Arc<RunsApi>> {
        Ok(self.clouds().await?.1)
    }

    async fn supervisor(&self) -> ApiResult<Arc<Supervisor>> {
        Ok(self.clouds().await?.1.supervisor().clone())
    }

    async fn backups_api(&self) -> ApiResult<Arc<super::backups::BackupsApi>> {
        let cloud = self.cloud().await?;
        Ok(Arc::new(super::backups::BackupsApi::new(
            cloud.shared_store(),
            self.supervisor().await?,
            cloud.secrets.clone(),
        )))
    }

    async fn health(&self) -> ApiResult<Arc<HealthApi>> {
        Ok(self.clouds().await?.2)
    }

    async fn rollouts(&self) -> ApiResult<Arc<RolloutDesk>> {
        Ok(self.clouds().await?.3)
    }

    async fn intake(&self) -> ApiResult<Arc<super::intake::Intake>> {
        Ok(Arc::new(super::intake::Intake::new(
            self.cloud().await?,
            self.supervisor().await?,
        )))
    }

    fn run_host(&self) -> Arc<dyn RunHost> {
        Arc::new(HostRef(self.host.clone()))
    }
}

/// A `Host` seen as the `RunHost` the runs API takes.
struct HostRef(Arc<dyn Host>);

impl RunHost for HostRef {
    fn emit(&self, event: &crate::provision::RunEvent) {
        self.0.emit(event)
    }
    fn notify(&self, title: &str, body: &str) {
        self.0.notify(title, body)
    }
    fn sweep(&self, status: &Sweep) {
        self.0.sweep(status)
    }
}

/// Runs keyring or SQLite work of a cloud command on the blocking pool.
async fn blocking<T, C>(
    target: Arc<C>,
    f: impl FnOnce(&Arc<C>) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T>
where
    T: Send + 'static,
    C: Send + Sync + 'static,
{
    crate::blocking::run(move || f(&target)).await
}

impl Commands for Fabrik {
    fn app_info(&self) -> ApiResult<AppInfo> {
        let info = self.api()?.app_info()?;
        Ok(AppInfo {
            version: self.host.version(),
            ..info
        })
    }

    fn schedule_status(&self) -> ApiResult<super::tick::ScheduleView> {
        super::tick::schedule_view(self.api()?.store(), &self.data_dir)
    }

    fn schedule_install(
        &self,
        plan: crate::schedule::units::Plan,
    ) -> ApiResult<super::tick::ScheduleView> {
        let cmd = super::tick::app_command()?;
        crate::schedule::system::install(&cmd, &plan, &self.data_dir)
            .map_err(super::tick::schedule_error)?;
        self.schedule_status()
    }

    fn schedule_remove(&self) -> ApiResult<super::tick::ScheduleView> {
        crate::schedule::system::remove(&self.data_dir).map_err(super::tick::schedule_error)?;
        self.schedule_status()
    }

    fn list_customers(&self, query: CustomerQuery) -> ApiResult<CustomerListing> {
        self.api()?.list_customers(query)
    }

    fn get_customer(&self, slug: String) -> ApiResult<Customer> {
        self.api()?.get_customer(slug)
    }

    fn instance_health(&self, slug: String) -> ApiResult<Option<crate::health::Health>> {
        self.api()?.instance_health(slug)
    }

    fn create_customer(&self, draft: CustomerDraft) -> ApiResult<Customer> {
        self.api()?.create_customer(draft)
    }

    fn update_customer(&self, slug: String, patch: CustomerPatch) -> ApiResult<Customer> {
        self.api()?.update_customer(slug, patch)
    }

    fn delete_customer(&self, slug: String) -> ApiResult<()> {
        self.api()?.delete_customer(slug)
    }

    fn check_draft(&self, draft: CustomerDraft) -> ApiResult<DraftCheck> {
        self.api()?.check_draft(draft)
    }

    fn check_patch(&self, slug: String, patch: CustomerPatch) -> ApiResult<DraftCheck> {
        self.api()?.check_patch(slug, patch)
    }

    fn load_examples(&self) -> ApiResult<u32> {
        self.api()?.load_examples()
    }

    fn remove_examples(&self) -> ApiResult<crate::store::ExamplesRemoved> {
        self.api()?.remove_examples()
    }

    fn preview_import(&self, contents: String) -> ApiResult<crate::register::ImportPreview> {
        self.api()?.preview_import(contents)
    }

    fn import_customers(&self, contents: String) -> ApiResult<crate::register::ImportReport> {
        self.api()?.import_customers(contents)
    }

    fn read_portal(
        &self,
        source: crate::register::PortalSource,
    ) -> ApiResult<crate::register::PortalRows> {
        self.api()?.read_portal(source)
    }

    fn export_register(
        &self,
        format: crate::register::ExportFormat,
    ) -> ApiResult<super::ExportedFile> {
        self.api()?.export_register(format)
    }

    fn shared_register(&self) -> ApiResult<crate::store::location::SharedRegister> {
        Ok(crate::store::location::describe(&self.db))
    }

    /// Moves (optionally) this computer's register into the shared one and uses it from the
    /// next start; the app restarts into it.
    fn use_shared_register(
        &self,
        url: String,
        password: String,
        move_file: bool,
    ) -> ApiResult<Option<crate::store::transfer::MoveReport>> {
        let report = crate::store::location::use_shared(
            &self.db,
            url.trim(),
            Some(password.as_str()),
            move_file,
        )?;
        self.host.restart();
        Ok(report)
    }

    fn stop_shared_register(&self) -> ApiResult<()> {
        crate::store::location::stop_sharing(&self.db)?;
        self.host.restart();
        Ok(())
    }

    fn people(&self) -> ApiResult<Vec<crate::store::people::Person>> {
        self.api()?.people()
    }

    fn add_person(
        &self,
        name: String,
        role: crate::store::people::Role,
    ) -> ApiResult<crate::store::people::NewPerson> {
        self.api()?.add_person(&name, role)
    }

    fn remove_person(&self, name: String) -> ApiResult<Vec<crate::store::people::Person>> {
        self.api()?.remove_person(&name)
    }

    fn module_manifest(&self) -> ApiResult<ModuleManifest> {
        self.api()?.module_manifest()
    }

    fn get_preferences(&self) -> ApiResult<Preferences> {
        self.api()?.get_preferences()
    }

    fn set_language(&self, language: Language) -> ApiResult<Preferences> {
        self.api()?.set_language(language)
    }

    fn open_external(&self, url: String) -> ApiResult<()> {
        let url = super::checked_external_link(&url)?;
        self.host
            .open_url(&url)
            .map_err(|e| crate::Error::OpenFailed(e).to_api())
    }

    /// Sandlåda ⇄ Produktion: stored, then the app restarts into it; a run in progress is
    /// left to go stale and is offered in the resume banner when its environment is back.
    fn set_environment(&self, environment: Environment) -> ApiResult<()> {
        self.api()?.store().store_environment_choice(environment)?;
        self.host.restart();
        Ok(())
    }

    /// The stored choice, which the clouds open in too: read from the register, so the window
    /// has it for its first frame instead of after the sandbox has started.
    fn environment(&self) -> ApiResult<Environment> {
        Ok(self.api()?.store().stored_environment())
    }

    async fn credentials_status(&self) -> ApiResult<Vec<CredentialStatus>> {
        blocking(self.cloud().await?, |c| c.credentials_status()).await
    }

    /// The token comes in and never goes back out: the answer is its status only.
    async fn save_credential(
        &self,
        provider: Provider,
        token: String,
    ) -> ApiResult<CredentialStatus> {
        blocking(self.cloud().await?, move |c| {
            c.save_credential(provider, token)
        })
        .await
    }

    async fn test_credential(&self, provider: Provider) -> ApiResult<CredentialStatus> {
        self.cloud().await?.test_credential(provider).await
    }

    async fn delete_credential(&self, provider: Provider) -> ApiResult<CredentialStatus> {
        blocking(self.cloud().await?, move |c| c.delete_credential(provider)).await
    }

    async fn send_test_email(&self) -> ApiResult<CredentialStatus> {
        self.cloud().await?.send_test_email().await
    }

    async fn setup_guide(&self) -> ApiResult<SetupGuide> {
        Ok(super::setup::setup_guide(&*self.cloud().await?))
    }

    async fn setup_progress(
        &self,
        at: SetupStep,
        skipped: Vec<SetupStep>,
    ) -> ApiResult<SetupGuide> {
        super::setup::setup_progress(self.cloud().await?, at, skipped).await
    }

    async fn setup_choices(&self, provider: Provider) -> ApiResult<AccountChoices> {
        self.cloud().await?.setup_choices(provider).await
    }

    async fn create_backup_repository(&self) -> ApiResult<AccountChoices> {
        self.cloud().await?.create_backup_repository().await
    }

    async fn setup_proof_plan(&self) -> ApiResult<ProofPlan> {
        let (cloud, supervisor) = (self.cloud().await?, self.supervisor().await?);
        super::setup::setup_proof_plan(cloud, supervisor).await
    }

    async fn start_setup_proof(&self) -> ApiResult<ProofReport> {
        let (cloud, supervisor) = (self.cloud().await?, self.supervisor().await?);
        super::setup::start_setup_proof(cloud, supervisor, self.run_host()).await
    }

    async fn setup_proof(&self) -> ApiResult<ProofReport> {
        let (cloud, supervisor) = (self.cloud().await?, self.supervisor().await?);
        super::setup::setup_proof(cloud, supervisor).await
    }

    async fn intake_list(&self) -> ApiResult<crate::api::intake::Inbox> {
        self.intake().await?.inbox().await
    }

    async fn intake_poll(&self) -> ApiResult<crate::api::intake::PollReport> {
        let host = self.run_host();
        self.intake().await?.poll(host).await
    }

    async fn intake_approve(
        &self,
        id: i64,
        plan: Option<crate::customer::Plan>,
    ) -> ApiResult<crate::store::intake::IntakeItem> {
        let host = self.run_host();
        self.intake().await?.approve(id, plan, host).await
    }

    async fn intake_reject(
        &self,
        id: i64,
        reason: String,
    ) -> ApiResult<crate::store::intake::IntakeItem> {
        self.intake().await?.reject(id, reason).await
    }

    async fn intake_set_source(
        &self,
        source: crate::store::intake::IntakeSource,
        choices: crate::store::intake::IntakeChoices,
    ) -> ApiResult<crate::store::intake::IntakeSourceState> {
        self.intake().await?.set_source(source, choices).await
    }

    async fn intake_set_portal(
        &self,
        url: String,
        password: String,
    ) -> ApiResult<crate::api::intake::Inbox> {
        let intake = self.intake().await?;
        let i = intake.clone();
        crate::blocking::run(move || i.set_portal(&url, &password)).await?;
        intake.inbox().await
    }

    fn rate_limits(&self) -> ApiResult<RateLimits> {
        Ok(super::setup::rate_limits(self.api()?.store().environment()))
    }

    async fn accounts_left(&self) -> ApiResult<AccountsLeft> {
        super::setup::accounts_left(&self.cloud().await?).await
    }

    async fn bulk_budget(&self, kind: crate::ledger::RunKind, count: u32) -> ApiResult<Budget> {
        super::setup::bulk_budget(&self.cloud().await?, kind, count).await
    }

    async fn list_settings(&self) -> ApiResult<Vec<SettingEntry>> {
        blocking(self.cloud().await?, |c| c.list_settings()).await
    }

    async fn set_setting(&self, key: String, value: String) -> ApiResult<Vec<SettingEntry>> {
        blocking(self.cloud().await?, move |c| c.set_setting(key, value)).await
    }

    async fn readiness(&self) -> ApiResult<Readiness> {
        let supervisor = self.supervisor().await?;
        blocking(supervisor, |s| s.readiness()).await
    }

    async fn plan_provision(&self, slug: String) -> ApiResult<ProvisionPlan> {
        self.runs().await?.plan(slug).await
    }

    async fn preflight(&self) -> ApiResult<Vec<Finding>> {
        self.runs().await?.preflight().await
    }

    async fn start_run(&self, slug: String, request: RunRequest) -> ApiResult<StartOutcome> {
        let host = self.run_host();
        let supervisor = self.supervisor().await?;
        Ok(supervisor.start_run(slug, request, host).await?.outcome)
    }

    async fn domains(&self, slug: String) -> ApiResult<Vec<DomainStatus>> {
        self.runs().await?.domains(slug).await
    }

    async fn deployments(&self, slug: String) -> ApiResult<crate::provision::Deployments> {
        let api = super::deployments::DeploymentsApi::new(self.supervisor().await?);
        api.list(&slug).await
    }

    async fn team(&self, slug: String) -> ApiResult<crate::provision::engine::team::TeamView> {
        super::team::TeamApi::new(self.supervisor().await?)
            .list(&slug)
            .await
    }

    async fn team_preview(
        &self,
        slug: String,
        csv: String,
    ) -> ApiResult<crate::customer::TeamPreview> {
        super::team::TeamApi::new(self.supervisor().await?)
            .preview(&slug, &csv)
            .await
    }

    async fn team_invite(
        &self,
        slug: String,
        people: Vec<crate::customer::Invitee>,
    ) -> ApiResult<crate::provision::engine::team::InviteReport> {
        let host = self.host.clone();
        super::team::TeamApi::new(self.supervisor().await?)
            .invite(&slug, &people, move |p| host.team(p))
            .await
    }

    async fn team_resend(
        &self,
        slug: String,
        email: String,
    ) -> ApiResult<crate::provision::engine::team::InviteReport> {
        super::team::TeamApi::new(self.supervisor().await?)
            .resend(&slug, &email)
            .await
    }

    async fn team_revoke(
        &self,
        slug: String,
        email: String,
        confirmation: Option<String>,
    ) -> ApiResult<crate::provision::engine::team::Revoked> {
        super::team::TeamApi::new(self.supervisor().await?)
            .revoke(&slug, &email, confirmation.as_deref())
            .await
    }

    async fn promote_deployment(
        &self,
        slug: String,
        deployment: String,
    ) -> ApiResult<StartOutcome> {
        let api = super::deployments::DeploymentsApi::new(self.supervisor().await?);
        let host = self.run_host();
        Ok(api.promote(&slug, &deployment, host).await?.outcome)
    }

    async fn undo_promotion(&self, slug: String) -> ApiResult<StartOutcome> {
        let api = super::deployments::DeploymentsApi::new(self.supervisor().await?);
        let host = self.run_host();
        Ok(api.undo(&slug, host).await?.outcome)
    }

    async fn cancel_run(&self, run: i64, rollback: bool) -> ApiResult<bool> {
        blocking(self.supervisor().await?, move |s| s.cancel(run, rollback)).await
    }

    async fn resume_run(&self, run: i64) -> ApiResult<()> {
        let host = self.run_host();
        self.supervisor().await?.resume(run, host).await.map(|_| ())
    }

    async fn rollback_run(&self, run: i64) -> ApiResult<()> {
        let host = self.run_host();
        self.supervisor()
            .await?
            .rollback(run, host)
            .await
            .map(|_| ())
    }

    async fn teardown_preview(&self, slug: String) -> ApiResult<Vec<TeardownTarget>> {
        self.runs().await?.teardown_preview(slug).await
    }

    async fn check_health(&self, slug: String) -> ApiResult<crate::health::Health> {
        let host = self.run_host();
        self.health().await?.check(slug, host.as_ref()).await
    }

    async fn check_all_health(&self) -> ApiResult<Sweep> {
        let host = self.run_host();
        self.health().await?.start_all(host).await
    }

    async fn backups(&self, slug: String) -> ApiResult<Vec<crate::api::backups::BackupView>> {
        blocking(self.backups_api().await?, move |b| {
            b.list(Some(&slug), false)
        })
        .await
    }

    async fn workflow_backups(
        &self,
        slug: String,
    ) -> ApiResult<Vec<crate::store::workflow_backups::WorkflowBackup>> {
        let api = self.backups_api().await?;
        blocking(api, move |b| b.workflow_backups(&slug)).await
    }

    async fn backup_ages(&self) -> ApiResult<Vec<crate::api::backups::BackupAge>> {
        blocking(self.backups_api().await?, |b| b.ages()).await
    }

    async fn recovery(&self, slug: String) -> ApiResult<crate::database::recovery::RecoveryView> {
        let cloud = self.cloud().await?;
        let api = super::backups::BackupsApi::new(
            cloud.shared_store(),
            self.supervisor().await?,
            cloud.secrets.clone(),
        );
        api.recovery(&slug).await
    }

    async fn health_sweep(&self) -> ApiResult<Sweep> {
        Ok(self.health().await?.sweep())
    }

    async fn adoptions(&self, slug: String) -> ApiResult<Vec<Adoption>> {
        blocking(self.runs().await?, move |r| r.adoptions(slug)).await
    }

    async fn adopt_resource(
        &self,
        slug: String,
        name: String,
        confirmation: String,
    ) -> ApiResult<Adoption> {
        blocking(self.runs().await?, move |r| {
            r.adopt(slug, name, confirmation)
        })
        .await
    }

    async fn list_runs(&self, slug: Option<String>) -> ApiResult<Vec<RunRow>> {
        blocking(self.runs().await?, move |r| r.list_runs(slug)).await
    }

    async fn run_detail(&self, run: i64) -> ApiResult<RunDetail> {
        blocking(self.runs().await?, move |r| r.run_detail(run)).await
    }

    async fn interrupted_runs(&self) -> ApiResult<Vec<RunRow>> {
        blocking(self.runs().await?, |r| r.interrupted_runs()).await
    }

    async fn rollouts_overview(&self) -> ApiResult<RolloutsOverview> {
        blocking(self.rollouts().await?, |r| r.overview()).await
    }

    async fn plan_rollout(
        &self,
        source: RolloutSource,
        waves: String,
        halt_share: f64,
    ) -> ApiResult<RolloutView> {
        self.rollouts().await?.plan(source, waves, halt_share).await
    }

    async fn rollout(&self, id: i64) -> ApiResult<RolloutView> {
        blocking(self.rollouts().await?, move |r| r.view(id)).await
    }

    async fn start_rollout(&self, id: i64) -> ApiResult<RolloutView> {
        let host = self.run_host();
        self.rollouts().await?.start(id, host).await
    }

    async fn pause_rollout(&self, id: i64) -> ApiResult<RolloutView> {
        blocking(self.rollouts().await?, move |r| r.pause(id)).await
    }

    /// Resuming is starting again: the core continues from where the roll-out stands.
    async fn resume_rollout(&self, id: i64) -> ApiResult<RolloutView> {
        self.start_rollout(id).await
    }

    async fn abort_rollout(&self, id: i64) -> ApiResult<RolloutView> {
        blocking(self.rollouts().await?, move |r| r.abort(id)).await
    }

    async fn templates_overview(&self) -> ApiResult<TemplatesOverview> {
        blocking(self.rollouts().await?, |r| r.templates_overview()).await
    }

    async fn refresh_templates(&self) -> ApiResult<TemplatesOverview> {
        self.rollouts().await?.refresh_templates().await
    }

    async fn plan_template(
        &self,
        at: Option<String>,
        waves: String,
        halt_share: f64,
    ) -> ApiResult<TemplateRolloutView> {
        self.rollouts()
            .await?
            .plan_template(at, waves, halt_share)
            .await
    }

    async fn template_rollout(&self, id: i64) -> ApiResult<TemplateRolloutView> {
        blocking(self.rollouts().await?, move |r| r.template_rollout(id)).await
    }

    async fn update_check(&self) -> ApiResult<crate::update::UpdateCheck> {
        self.updates.check().await
    }

    async fn update_install(&self) -> ApiResult<crate::update::UpdateProgress> {
        // The runs this window drives; none when the clouds never came up.
        let supervisor = match self.clouds.get() {
            Some(Ok(clouds)) => Some(clouds.1.supervisor().clone()),
            _ => None,
        };
        self.updates
            .install(move || {
                supervisor
                    .as_ref()
                    .map(|s| s.active_here())
                    .unwrap_or_default()
            })
            .await
    }
}
