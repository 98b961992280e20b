//! `fabrik settings …`: the non-secret settings, each checked before it is saved.

use clap::Subcommand;
use fabrik::api::Api;
use fabrik::ApiError;

#[derive(Subcommand)]
pub enum SettingsCmd {
    /// Every setting with its value and what it is for.
    List,
    /// One setting's value.
    Get {
        /// The setting's key (see `fabrik settings list`).
        key: String,
    },
    /// Change a setting (checked before it is saved).
    Set {
        /// The setting's key (see `fabrik settings list`).
        key: String,
        /// The new value.
        value: String,
    },
    /// Remove a setting (back to its default).
    Unset {
        /// The setting's key (see `fabrik settings list`).
        key: String,
    },
}

pub fn run(api: &Api, cmd: SettingsCmd) -> Result<(), ApiError> {
    use fabrik::provision::settings::SETTING_KEYS;
    let known = |k: &str| {
        SETTING_KEYS
            .iter()
            .any(|(key, _, _)| *key == k)
            .then_some(())
            .ok_or_else(|| {
                ApiError::from(fabrik::provision::settings::invalid(
                    k,
                    fabrik::messages::Text::new(
                        "okänd inställning (se `fabrik settings list`)",
                        "unknown setting (see `fabrik settings list`)",
                    ),
                ))
            })
    };
    match cmd {
        SettingsCmd::List => {
            let stored = api.store().list_settings()?;
            for (key, help, _) in SETTING_KEYS {
                let v = stored.get(*key).map(String::as_str).unwrap_or("–");
                println!("{key:<32} {v:<40} {help}");
            }
        }
        SettingsCmd::Get { key } => {
            known(&key)?;
            println!("{}", api.store().get_setting(&key)?.unwrap_or_default());
        }
        SettingsCmd::Set { key, value } => {
            known(&key)?;
            fabrik::provision::settings::check_setting(&key, &value)?;
            api.store().set_setting(&key, value.trim())?;
            println!("{key} = {}", value.trim());
        }
        SettingsCmd::Unset { key } => {
            known(&key)?;
            api.store().remove_setting(&key)?;
        }
    }
    Ok(())
}
