//! Where Fabrik keeps its files. The window and the CLI resolve the same register file, so a
//! customer added in one is seen by the other.

use std::path::{Path, PathBuf};

/// Same identifier as `tauri.conf.json`, so the data folder is the one Tauri would pick.
pub const APP_IDENTIFIER: &str = "se.fabrik.desktop";
pub const DB_FILE: &str = "fabrik.sqlite3";
pub const DB_ENV: &str = "FABRIK_DB";

/// The OS app-data folder (`$XDG_DATA_HOME/se.fabrik.desktop` on Linux,
/// `~/Library/Application Support/se.fabrik.desktop` on macOS, `%APPDATA%\se.fabrik.desktop` on Windows).
pub fn data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
}

/// A seat's own folder: the one its register file is in (its log, its seat settings, its tick
/// lock), so a test's temporary register gets a folder of its own.
pub fn seat_dir(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// `FABRIK_DB` when set, else the register in the app-data folder.
pub fn default_db_path() -> PathBuf {
    match std::env::var_os(DB_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => data_dir().join(DB_FILE),
    }
}

pub const EXPORT_DIR_ENV: &str = "FABRIK_EXPORT_DIR";

/// Where the window saves an export of the register: `FABRIK_EXPORT_DIR` when set (tests), else
/// the user's Downloads folder (where a browser would put it), else the app-data folder.
pub fn export_dir() -> PathBuf {
    match std::env::var_os(EXPORT_DIR_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => dirs::download_dir().unwrap_or_else(data_dir),
    }
}
