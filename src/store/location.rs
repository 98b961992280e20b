//! Where the register is: the embedded SQLite file (one seat, nothing to set up) or a shared
//! PostgreSQL database every seat of the agency points at (`FABRIK_DATABASE_URL`). Its password
//! is kept in the OS keyring, never in the URL the seat stores.

use std::path::{Path, PathBuf};

use super::db::PgConfig;
use super::Store;
use crate::error::{Error, Result};
use crate::secrets::{Secret, SecretKey, SecretStore};

/// The shared register's address; when set it wins over the file.
pub const DATABASE_URL_ENV: &str = "FABRIK_DATABASE_URL";

/// The keyring service the register's password is kept under (one per seat, whatever the
/// environment: the register holds both).
const KEYRING_SERVICE: &str = "register";

#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Postgres(Box<PgConfig>),
}

impl Location {
    /// `FABRIK_DATABASE_URL` when it is set, else the register file at `file`.
    pub fn from_env(file: &Path) -> Result<Location> {
        match std::env::var(DATABASE_URL_ENV) {
            Ok(url) if !url.trim().is_empty() => Location::postgres(url.trim()),
            _ => Ok(Location::File(file.to_path_buf())),
        }
    }

    pub fn postgres(url: &str) -> Result<Location> {
        PgConfig::parse(url)
            .map(|c| Location::Postgres(Box::new(c)))
            .map_err(|e| Error::DatabaseOpen(format!("{DATABASE_URL_ENV}: {e}")))
    }

    /// Opens the register; a PostgreSQL URL without a password takes the one in the keyring.
    pub fn open(&self) -> Result<Store> {
        match self {
            Location::File(path) => Store::open(path),
            Location::Postgres(config) => {
                let mut config = (**config).clone();
                if !config.has_password() {
                    // No keyring (a server with trust or peer auth) is not an error here; the
                    // server says whether it needs a password.
                    if let Ok(Some(p)) = keyring().get(&password_key(&config)) {
                        config.set_password(p.expose());
                    }
                }
                Store::connect(&config).map_err(|e| match e {
                    Error::DatabaseOpen(d) if d.contains("password authentication failed") => {
                        Error::DatabaseOpen(format!(
                            "{d} (spara lösenordet för {} med `fabrik register password`)",
                            config.describe()
                        ))
                    }
                    other => other,
                })
            }
        }
    }
}

fn keyring() -> SecretStore {
    SecretStore::new(KEYRING_SERVICE)
}

fn password_key(config: &PgConfig) -> SecretKey {
    SecretKey::Database(config.describe())
}

/// Keeps the shared register's password in this seat's keyring.
pub fn save_password(config: &PgConfig, password: &str) -> Result<()> {
    let password = password.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(Error::DatabaseOpen("lösenordet är tomt".into()));
    }
    Ok(keyring().set(&password_key(config), &Secret::new(password.to_string()))?)
}
