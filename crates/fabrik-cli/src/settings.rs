//! `fabrik settings …`: the non-secret settings, each checked before it is saved.

use clap::{Args, Subcommand};
use fabrik::seat_settings::{is_seat_key, SeatSettings};
use fabrik::services::register::Register;
use fabrik::ApiError;

use crate::language::tr;

/// The settings' commands, each with `--json` for a script.
#[derive(Args)]
pub struct SettingsArgs {
    #[command(subcommand)]
    cmd: SettingsCmd,
    /// The result as JSON (`list`: every setting; the others: the one setting).
    #[arg(long, global = true)]
    json: bool,
}

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

/// `seat`: this computer's own settings (endpoints, URL templates, file paths), kept beside
/// the register file and never in the register, which other seats may share.
pub fn run(api: &Register, seat: &SeatSettings, args: SettingsArgs) -> Result<(), ApiError> {
    let SettingsArgs { cmd, json } = args;
    // One setting as a script reads it: its key, its value (none: the default), whose it is.
    let one = |key: &str, value: Option<String>| serde_json::json!({ "key": key, "value": value, "seat": is_seat_key(key) });
    use fabrik::provision::settings::SETTING_KEYS;
    fabrik::supervisor::cloud::adopt_own_register_settings(api.store(), seat);
    let value_of = |k: &str| -> Result<Option<String>, ApiError> {
        Ok(match is_seat_key(k) {
            true => seat.get(k),
            false => api.store().get_setting(k)?,
        })
    };
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
        SettingsCmd::List if json => {
            let mut all = Vec::new();
            for (key, help, _) in SETTING_KEYS {
                let mut v = one(key, value_of(key)?);
                v["help"] = (*help).into();
                all.push(v);
            }
            crate::print::print_json(&all);
        }
        SettingsCmd::List => {
            for (key, help_sv, help_en) in SETTING_KEYS {
                let v = value_of(key)?.unwrap_or_else(|| "–".into());
                let help = tr(*help_sv, *help_en);
                let here = if is_seat_key(key) {
                    tr(" (den här datorn)", " (this computer)")
                } else {
                    ""
                };
                println!("{key:<32} {v:<40} {help}{here}");
            }
        }
        SettingsCmd::Get { key } => {
            known(&key)?;
            match json {
                true => crate::print::print_json(&one(&key, value_of(&key)?)),
                false => println!("{}", value_of(&key)?.unwrap_or_default()),
            }
        }
        SettingsCmd::Set { key, value } => {
            known(&key)?;
            fabrik::provision::settings::check_setting(&key, &value)?;
            if is_seat_key(&key) {
                seat.set(&key, value.trim()).map_err(fabrik::Error::Io)?;
            } else {
                api.store().set_setting(&key, value.trim())?;
            }
            match json {
                true => crate::print::print_json(&one(&key, Some(value.trim().to_string()))),
                false => println!("{key} = {}", value.trim()),
            }
        }
        SettingsCmd::Unset { key } => {
            known(&key)?;
            if is_seat_key(&key) {
                seat.set(&key, "").map_err(fabrik::Error::Io)?;
            } else {
                api.store().remove_setting(&key)?;
            }
            if json {
                crate::print::print_json(&one(&key, None));
            }
        }
    }
    Ok(())
}
