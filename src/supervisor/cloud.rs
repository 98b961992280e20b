//! The commands that reach the clouds: the agency's tokens (set, test, delete, status — never
//! read back) and the non-secret settings. One environment at a time: the sandbox (an
//! in-process fabrik-sim) or production (the real APIs).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::credentials::{CredentialStatus, Credentials};
use crate::customer::rows::CustomerRows;
use crate::error::ApiResult;
use crate::messages::Text;
use crate::providers::choices::AccountChoices;
use crate::providers::Endpoints;
use crate::provision::preflight::{self, Finding, Inputs};
use crate::provision::settings::{check_setting, invalid, SETTING_KEYS};
use crate::provision::{
    Clients, Engine, FailurePolicy, ProvisionPlan, ProvisionSettings, Timing, Tokens,
};
use crate::sandbox::Sandbox;
use crate::seat_settings::{is_seat_key, SeatSettings};
use crate::secrets::{Provider, SecretKey, SecretStore};
use crate::store::Store;

pub use crate::environment::{Environment, ENVIRONMENT_SETTING};

#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingEntry {
    pub key: String,
    pub value: String,
    /// What it is for.
    pub help: Text,
    /// Set by the sandbox's simulated world (shown, not editable there).
    pub fixed_by_sandbox: bool,
    /// Kept on this computer only (an endpoint, a URL template, a file path): pinned here,
    /// never read from or written to the shared register.
    pub on_this_seat: bool,
}

pub struct CloudApi {
    store: Arc<Store>,
    pub environment: Environment,
    pub secrets: SecretStore,
    /// Where this seat's calls go. In production an address set here (`set_setting`) takes
    /// effect at once: the setup guide checks a token right after its address is typed.
    endpoints: std::sync::RwLock<Endpoints>,
    pub overrides: Vec<(&'static str, String)>,
    /// This seat's own settings (endpoints, URL templates, file paths): in its own folder,
    /// never in the register (`seat_settings`).
    pub seat: SeatSettings,
    pub sandbox: Option<Sandbox>,
    pub timeout: Duration,
    /// When the preflight last passed. Several customers started together are checked once
    /// (a bulk start would otherwise repeat the same ~6 calls per customer, against Resend's
    /// 2 requests a second); any change to a token or a setting forgets it.
    passed: std::sync::Mutex<Option<std::time::Instant>>,
    /// Held while a preflight for `require_preflight` runs: starts at the same moment (a bulk
    /// backup's first `parallel` runs) wait for that one instead of each sending its own.
    checking: tokio::sync::Mutex<()>,
}

/// A register only this seat uses held its endpoints and paths in its settings before they
/// moved to the seat's own file: they are taken over once, so nothing changes for it. A shared
/// register's are never read (another seat may have written them).
pub fn adopt_own_register_settings(store: &Store, seat: &SeatSettings) {
    if store.is_own() {
        seat.adopt_from_own_register(|k| store.get_setting(k).ok().flatten());
    }
}

/// This seat's record of how long each kind of wait took (`policy::Observed::keep_in`).
pub const WAITS_FILE: &str = crate::provision::seat_files::WAITS_FILE;

/// How long a passing preflight stands for the starts that follow it.
const PREFLIGHT_FRESH: Duration = Duration::from_secs(60);

impl CloudApi {
    /// Opens the environment the user chose; the sandbox starts its simulator here.
    pub async fn open(store: Arc<Store>, data_dir: &Path) -> crate::Result<CloudApi> {
        let environment = store.stored_environment();
        Self::open_in(store, environment, data_dir).await
    }

    /// Opens a given environment (the CLI's `--sandbox` flag) rather than the stored choice.
    pub async fn open_in(
        store: Arc<Store>,
        environment: Environment,
        data_dir: &Path,
    ) -> crate::Result<CloudApi> {
        let secrets = SecretStore::new(environment.as_str());
        Self::open_with(store, environment, secrets, data_dir).await
    }

    /// Opens an environment over a given keyring namespace. The app's is the environment's
    /// name; tests running side by side each take their own, so one test's saved token is
    /// never another's.
    pub async fn open_with(
        store: Arc<Store>,
        environment: Environment,
        secrets: SecretStore,
        data_dir: &Path,
    ) -> crate::Result<CloudApi> {
        crate::providers::install_crypto_provider();
        // How long each kind of wait took on this seat before, and its sender domain: a CLI
        // command's first run is then as informed as the window's tenth.
        crate::provision::seat_files::keep_in(data_dir);
        let seat = SeatSettings::open(data_dir);
        adopt_own_register_settings(&store, &seat);
        let (endpoints, overrides, sandbox) = match environment {
            Environment::Sandbox => {
                // A missing keyring must not keep the sandbox from starting; tokens are optional there.
                let sb = Sandbox::start(data_dir, Some(&secrets)).await?;
                (sb.endpoints(), sb.settings(), Some(sb))
            }
            Environment::Production => (Endpoints::resolve(|k| seat.get(k)), Vec::new(), None),
        };
        Ok(CloudApi {
            store,
            environment,
            secrets,
            endpoints: std::sync::RwLock::new(endpoints),
            overrides,
            seat,
            sandbox,
            timeout: crate::providers::http::CALL_TIMEOUT,
            passed: std::sync::Mutex::new(None),
            checking: tokio::sync::Mutex::new(()),
        })
    }

    /// The one place an engine is assembled: this environment's endpoints and tokens (the
    /// sandbox's own unless one is saved; production's from the environment or the keyring),
    /// the settings with the sandbox's fixed world on top, and the clients.
    pub fn engine(&self, timing: Timing, on_failure: FailurePolicy) -> crate::Result<Engine> {
        let (settings, clients) = self.settings_and_clients(timing.call_timeout)?;
        Ok(Engine::new(
            self.store.clone(),
            clients,
            settings,
            self.secrets.clone(),
            self.environment,
        )
        .with_timing(timing)
        .with_failure_policy(on_failure))
    }

    /// What an engine is made of, for a read that starts no run (the setup proof's plan, what
    /// the accounts have left): the settings and the clients, as `engine` assembles them.
    /// Blocking (the keyring, the register, the template's files).
    pub fn settings_and_clients(
        &self,
        call_timeout: Duration,
    ) -> crate::Result<(ProvisionSettings, Clients)> {
        self.check_endpoints()?;
        let tokens = match (&self.sandbox, self.environment) {
            (Some(sb), Environment::Sandbox) => sb.tokens(Some(&self.secrets)),
            _ => Tokens::resolve(&self.secrets)?,
        };
        let settings = self.settings()?;
        let clients = Clients::new(
            &self.endpoints(),
            &tokens,
            settings.vercel_team_id.clone(),
            call_timeout,
        )?;
        Ok((settings, clients))
    }

    /// The settings as runs read them, the sandbox's fixed world on top (blocking: the
    /// register and the template's files).
    pub fn settings(&self) -> crate::Result<ProvisionSettings> {
        ProvisionSettings::load_with(&self.store, &self.seat, &self.overrides)
    }

    /// The token runs would use for `provider` (the sandbox's own there, unless one is saved);
    /// blocking (the keyring).
    pub fn token(&self, provider: Provider) -> crate::Result<Option<crate::secrets::Secret>> {
        let tokens = match (&self.sandbox, self.environment) {
            (Some(sb), Environment::Sandbox) => sb.tokens(Some(&self.secrets)),
            _ => Tokens::resolve(&self.secrets)?,
        };
        Ok(tokens.get(provider).cloned())
    }

    /// Everything the preflight looks at, read here (keyring, SQLite: call it on the blocking
    /// pool) so the checks only wait for the network.
    fn preflight_inputs(&self) -> Inputs {
        let keyring = self
            .secrets
            .exists(&SecretKey::Token(Provider::Github))
            .map(|_| ());
        let tokens = match (&self.sandbox, self.environment, &keyring) {
            (Some(sb), Environment::Sandbox, _) => Ok(sb.tokens(Some(&self.secrets))),
            // An unreachable keyring is said once, by its own finding.
            (_, _, Err(e)) => Err(e.clone()),
            _ => Tokens::resolve(&self.secrets),
        };
        Inputs {
            endpoints: self.check_endpoints().map(|_| self.endpoints()),
            settings: ProvisionSettings::check_with(&self.store, &self.seat, &self.overrides),
            tokens,
            keyring,
            strict_format: self.environment == Environment::Production,
            timeout: self.timeout,
            // A provider asking for a long wait is a problem to report before a run, not to sit out.
            retry: crate::providers::retry::RetryPolicy {
                max_honoured_wait: Duration::from_secs(30),
                ..Timing::default().retry
            },
        }
    }

    /// Every problem that would stop a run, found before its first call (see `preflight`).
    pub async fn preflight(self: &Arc<Self>) -> crate::Result<Vec<Finding>> {
        let me = self.clone();
        let inputs =
            crate::blocking::run(move || Ok::<_, crate::Error>(me.preflight_inputs())).await?;
        let found = preflight::check(inputs).await;
        let passed = !preflight::blocks(&found);
        *self.passed.lock().unwrap_or_else(|p| p.into_inner()) =
            passed.then(std::time::Instant::now);
        Ok(found)
    }

    /// Forgets a passing preflight (a token or a setting changed).
    fn forget_preflight(&self) {
        *self.passed.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The preflight as a gate: `Err` with every blocking finding, or its caveats. A pass
    /// younger than `PREFLIGHT_FRESH` stands (the starts of one bulk dialog).
    pub async fn require_preflight(self: &Arc<Self>) -> crate::Result<Vec<Finding>> {
        let fresh = || {
            self.passed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_some_and(|t| t.elapsed() < PREFLIGHT_FRESH)
        };
        if fresh() {
            return Ok(Vec::new());
        }
        // Starts at the same moment share one preflight: the others wait for it and find it
        // fresh (a failing one is run again by the next, as before).
        let _one_at_a_time = self.checking.lock().await;
        if fresh() {
            return Ok(Vec::new());
        }
        preflight::gate(self.preflight().await?)
    }

    /// The plan for one customer, after the preflight: with a blocking finding the plan lists
    /// the findings alone (its provider calls could not be trusted), otherwise the steps and
    /// any caveats.
    pub async fn plan(
        self: &Arc<Self>,
        engine: impl FnOnce() -> crate::Result<Engine>,
        slug: &str,
    ) -> crate::Result<ProvisionPlan> {
        let found = self.preflight().await?;
        self.plan_with(engine, slug, found).await
    }

    /// `plan` with the preflight's findings already in hand (the CLI checks before it builds
    /// an engine); `engine` is only called when nothing blocks.
    pub async fn plan_with(
        self: &Arc<Self>,
        engine: impl FnOnce() -> crate::Result<Engine>,
        slug: &str,
        found: Vec<Finding>,
    ) -> crate::Result<ProvisionPlan> {
        if preflight::blocks(&found) {
            let (me, s) = (self.clone(), slug.to_string());
            let customer =
                crate::blocking::run(move || me.store.get_customer_in(&s, me.environment)).await?;
            return Ok(ProvisionPlan {
                slug: customer.slug,
                items: Vec::new(),
                preflight: found,
                feasible: false,
            });
        }
        let mut plan = engine()?.reader().plan(slug).await?;
        plan.preflight = found;
        Ok(plan)
    }

    /// Production talks to the real clouds only over https (see `Endpoints::check_production`).
    pub fn check_endpoints(&self) -> crate::Result<()> {
        match self.environment {
            Environment::Production => self.endpoints().check_production(),
            Environment::Sandbox => Ok(()),
        }
    }

    /// This environment's endpoints as they are now.
    pub fn endpoints(&self) -> Endpoints {
        self.endpoints
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn shared_store(&self) -> Arc<Store> {
        self.store.clone()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn credentials(&self) -> Credentials<'_> {
        Credentials {
            store: &self.store,
            secrets: &self.secrets,
            environment: self.environment.as_str(),
            endpoints: self.endpoints(),
            overrides: &self.overrides,
            seat: &self.seat,
            timeout: self.timeout,
        }
    }

    pub fn credentials_status(&self) -> ApiResult<Vec<CredentialStatus>> {
        Ok(self.credentials().all()?)
    }

    pub fn save_credential(
        &self,
        provider: Provider,
        token: String,
    ) -> ApiResult<CredentialStatus> {
        self.forget_preflight();
        let status = self.credentials().save(provider, &token)?;
        if let Some(sb) = &self.sandbox {
            sb.accept(&crate::secrets::Secret::new(token.trim()));
        }
        Ok(status)
    }

    /// Reads the token (keyring) and records the answer (SQLite) on the blocking pool; only
    /// the provider calls run on the async workers.
    pub async fn test_credential(
        self: &Arc<Self>,
        provider: Provider,
    ) -> ApiResult<CredentialStatus> {
        self.check_endpoints()?;
        let me = self.clone();
        let prepared =
            crate::blocking::run(move || me.credentials().prepare_test(provider)).await?;
        let me = self.clone();
        match prepared {
            Some(p) => {
                let v = p.verify().await;
                Ok(crate::blocking::run(move || me.credentials().record(&v)).await?)
            }
            None => Ok(crate::blocking::run(move || me.credentials().status(provider)).await?),
        }
    }

    pub async fn send_test_email(self: &Arc<Self>) -> ApiResult<CredentialStatus> {
        self.check_endpoints()?;
        let me = self.clone();
        let prepared = crate::blocking::run(move || me.credentials().prepare_test_email()).await?;
        let me = self.clone();
        match prepared {
            Some(p) => {
                let v = p.send().await;
                Ok(crate::blocking::run(move || me.credentials().record(&v)).await?)
            }
            None => {
                Ok(crate::blocking::run(move || me.credentials().status(Provider::Resend)).await?)
            }
        }
    }

    /// What the saved token's account offers for its provider's settings (read-only calls).
    pub async fn setup_choices(self: &Arc<Self>, provider: Provider) -> ApiResult<AccountChoices> {
        self.check_endpoints()?;
        let me = self.clone();
        let prepared =
            crate::blocking::run(move || me.credentials().prepare_test(provider)).await?;
        Ok(match prepared {
            Some(p) => p.choices().await,
            None => AccountChoices {
                provider,
                lists: Vec::new(),
                problem: Some(crate::messages::Say::ChoiceNoToken.text()),
                about: Vec::new(),
            },
        })
    }

    /// "Skapa repot": the backup repository the settings name, made in the Gitea token's
    /// account (the guide offers it only when it does not exist). Then the choices again.
    pub async fn create_backup_repository(self: &Arc<Self>) -> ApiResult<AccountChoices> {
        self.check_endpoints()?;
        let me = self.clone();
        let prepared =
            crate::blocking::run(move || me.credentials().prepare_test(Provider::Gitea)).await?;
        let Some(p) = prepared else {
            return Err(
                crate::Error::MissingTokens(Provider::Gitea.display_name().into()).to_api(),
            );
        };
        p.create_backup_repository()
            .await
            .map_err(|e| crate::Error::Provider(e.to_string()).to_api())
    }

    pub fn delete_credential(&self, provider: Provider) -> ApiResult<CredentialStatus> {
        self.forget_preflight();
        Ok(self.credentials().delete(provider)?)
    }

    pub fn list_settings(&self) -> ApiResult<Vec<SettingEntry>> {
        let stored = self.store.list_settings()?;
        let own = self.seat.all();
        Ok(SETTING_KEYS
            .iter()
            .map(|(key, help, help_en)| {
                let fixed = self
                    .overrides
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone());
                SettingEntry {
                    key: key.to_string(),
                    value: fixed
                        .clone()
                        .or_else(|| match is_seat_key(key) {
                            true => own.get(*key).cloned(),
                            false => stored.get(*key).cloned(),
                        })
                        .unwrap_or_default(),
                    help: Text::new(*help, *help_en),
                    fixed_by_sandbox: fixed.is_some(),
                    on_this_seat: is_seat_key(key),
                }
            })
            .collect())
    }

    pub fn set_setting(&self, key: String, value: String) -> ApiResult<Vec<SettingEntry>> {
        if !SETTING_KEYS.iter().any(|(k, _, _)| *k == key) {
            return Err(invalid(&key, crate::messages::Say::SettingUnknownSetting.text()).into());
        }
        check_setting(&key, &value)?;
        self.forget_preflight();
        if is_seat_key(&key) {
            // This seat's own: its file, never the register (which other seats read).
            self.seat
                .set(&key, &value)
                .map_err(crate::error::Error::Io)?;
            if self.environment == Environment::Production {
                *self.endpoints.write().unwrap_or_else(|p| p.into_inner()) =
                    Endpoints::resolve(|k| self.seat.get(k));
            }
        } else if value.trim().is_empty() {
            self.store.remove_setting(&key)?;
        } else {
            self.store.set_setting(&key, value.trim())?;
        }
        self.list_settings()
    }
}
