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
    /// `FABRIK_DATABASE_URL` when it is set, else the shared register chosen in Inställningar
    /// (kept beside the file), else the register file at `file`.
    pub fn from_env(file: &Path) -> Result<Location> {
        match std::env::var(DATABASE_URL_ENV) {
            Ok(url) if !url.trim().is_empty() => Location::postgres(url.trim()),
            _ => match chosen(file) {
                Some(url) => Location::postgres(&url),
                None => Ok(Location::File(file.to_path_buf())),
            },
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

/// The shared register's password this seat keeps in its keyring, if any (no keyring: none).
pub fn saved_password(config: &PgConfig) -> Option<Secret> {
    keyring().get(&password_key(config)).ok().flatten()
}

/// Keeps the shared register's password in this seat's keyring.
pub fn save_password(config: &PgConfig, password: &str) -> Result<()> {
    let password = password.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(Error::DatabaseOpen("lösenordet är tomt".into()));
    }
    Ok(keyring().set(&password_key(config), &Secret::new(password.to_string()))?)
}

/// The file, beside the register file, that names the shared register this seat uses when
/// `FABRIK_DATABASE_URL` is not set (the choice made in Inställningar). It holds the URL without
/// its password.
const CHOICE_FILE: &str = "shared-register.url";

fn choice_path(file: &Path) -> PathBuf {
    file.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(CHOICE_FILE)
}

/// The shared register chosen in Inställningar, if any.
pub fn chosen(file: &Path) -> Option<String> {
    std::fs::read_to_string(choice_path(file))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// What this seat's register is, for Inställningar.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct SharedRegister {
    /// `user@host:port/db` of the shared register in use; none: this computer's file.
    pub shared: Option<String>,
    /// The URL comes from `FABRIK_DATABASE_URL` (the screen cannot change it).
    pub from_env: bool,
    /// The file used when no shared register is.
    pub file: String,
}

pub fn describe(file: &Path) -> SharedRegister {
    let from_env = std::env::var(DATABASE_URL_ENV).is_ok_and(|u| !u.trim().is_empty());
    let shared = match Location::from_env(file) {
        Ok(Location::Postgres(c)) => Some(c.describe()),
        _ => None,
    };
    SharedRegister {
        shared,
        from_env,
        file: file.display().to_string(),
    }
}

/// Uses the shared register at `url` from now on (after a restart): checks that it opens (and
/// brings its schema up to date), keeps `password` in the keyring, and, when `move_file`, first
/// moves this computer's register into it. Returns the move's report, if one was made.
pub fn use_shared(
    file: &Path,
    url: &str,
    password: Option<&str>,
    move_file: bool,
) -> Result<Option<super::transfer::MoveReport>> {
    let Location::Postgres(config) = Location::postgres(url)? else {
        return Err(Error::DatabaseOpen(
            "ange en adress som börjar med postgres://".into(),
        ));
    };
    // Typed in the field, else the one in the URL: the URL is kept without it, so either
    // way the keyring must hold it for the next start.
    let password = password
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .or_else(|| config.password());
    let target = match &password {
        // Tried as typed; kept in the keyring only once it works.
        Some(p) => {
            let mut typed = (*config).clone();
            typed.set_password(p);
            Store::connect(&typed)?
        }
        None => Location::Postgres(config.clone()).open()?,
    };
    let report = if move_file && file.exists() {
        Some(Store::open(file)?.move_into(&target)?)
    } else {
        None
    };
    // Written last, and without the password: a failed check or move changes nothing.
    let kept = without_password(url)?;
    if let Some(p) = &password {
        save_password(&config, p)?;
    }
    write_choice(file, &kept)?;
    Ok(report)
}

/// The shared register's address this seat uses (`FABRIK_DATABASE_URL`, else the one chosen in
/// Inställningar), without its password; none on a register file.
pub fn register_url(file: &Path) -> Option<String> {
    let url = std::env::var(DATABASE_URL_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| chosen(file))?;
    without_password(url.trim()).ok()
}

/// The URL with no password in it, neither in its user part nor as `?password=` (both are
/// read by the driver): what may be shown, kept in a file or put on a command line.
pub fn without_password(url: &str) -> Result<String> {
    let mut u = url::Url::parse(url)
        .map_err(|_| Error::DatabaseOpen("ange en adress som börjar med postgres://".into()))?;
    let _ = u.set_password(None);
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| k != "password")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    u.set_query(None);
    if !kept.is_empty() {
        u.query_pairs_mut().extend_pairs(kept);
    }
    Ok(u.to_string())
}

/// Back to this computer's register file (after a restart); the shared register is untouched.
pub fn stop_sharing(file: &Path) -> Result<()> {
    match std::fs::remove_file(choice_path(file)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io(e)),
        _ => Ok(()),
    }
}

pub(super) fn write_choice(file: &Path, url: &str) -> Result<()> {
    let path = choice_path(file);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Whole or not at all: a half-written choice must not point the next start somewhere odd.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, url)?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
}
