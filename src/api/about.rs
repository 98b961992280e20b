//! Om Fabrik and the seat's own choices: the app's version and register, its updates, the
//! language, the environment, and the links it opens.

use super::app::Fabrik;
use crate::environment::Environment;
use crate::error::{ApiResult, Error};
use crate::services::register::{AppInfo, Language, Preferences};
use crate::update::{UpdateCheck, UpdateProgress};

impl Fabrik {
    pub(crate) fn app_info(&self) -> ApiResult<AppInfo> {
        let info = self.register()?.app_info()?;
        Ok(AppInfo {
            version: self.host.version(),
            ..info
        })
    }

    pub(crate) async fn update_check(&self) -> ApiResult<UpdateCheck> {
        self.updates.check().await
    }

    pub(crate) async fn update_install(&self) -> ApiResult<UpdateProgress> {
        // The runs this window drives; none when the clouds never came up.
        let supervisor = self.driving();
        self.updates
            .install(move || {
                supervisor
                    .as_ref()
                    .map(|s| s.active_here())
                    .unwrap_or_default()
            })
            .await
    }

    pub(crate) fn get_preferences(&self) -> ApiResult<Preferences> {
        self.register()?.get_preferences()
    }

    pub(crate) fn set_language(&self, language: Language) -> ApiResult<Preferences> {
        let prefs = self.register()?.set_language(language)?;
        // The seat's language: its command line speaks it too (`fabrik use sv|en` changes it
        // back for the command line alone). A seat folder that cannot be written costs only that.
        let code = match language {
            Language::Sv => "sv",
            Language::En => "en",
        };
        let seat = crate::seat_settings::SeatSettings::open(&crate::paths::seat_dir(&self.db));
        if let Err(e) = seat.set(crate::seat_settings::CLI_LANGUAGE_KEY, code) {
            tracing::warn!(error = %e, "the seat's language was not kept for its command line");
        }
        Ok(prefs)
    }

    pub(crate) fn open_external(&self, url: String) -> ApiResult<()> {
        let url = checked_external_link(&url)?;
        self.host
            .open_url(&url)
            .map_err(|e| Error::OpenFailed(e).to_api())
    }

    /// Sandlåda ⇄ Produktion: stored, then the app restarts into it; a run in progress is
    /// left to go stale and is offered in the resume banner when its environment is back.
    pub(crate) fn set_environment(&self, environment: Environment) -> ApiResult<()> {
        self.register()?
            .store()
            .store_environment_choice(environment)?;
        self.host.restart();
        Ok(())
    }

    /// The stored choice, which the clouds open in too: read from the register, so the window
    /// has it for its first frame instead of after the sandbox has started.
    pub(crate) fn environment(&self) -> ApiResult<Environment> {
        Ok(self.register()?.store().stored_environment())
    }
}

/// The only links the app opens in the system browser: absolute `https:` URLs.
fn checked_external_link(url: &str) -> crate::Result<String> {
    match url::Url::parse(url) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() => Ok(u.to_string()),
        _ => Err(Error::UnsafeLink(url.chars().take(200).collect())),
    }
}
