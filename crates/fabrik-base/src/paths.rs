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

/// A new file only this user may read (0600 on Unix; on Windows a new file in the user's own
/// folders inherits the user's ACL): for what carries a customer's data or a bearer code (a
/// handover letter, an export, a backup). Refuses to replace a file that exists.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// `bytes` written to `path` readable by this user only, replacing what was there (written
/// beside it first, then moved over it, so no reader sees it half-written or readable by others).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    written_beside(path, |f| std::io::Write::write_all(f, bytes))
}

/// A new file at `path` readable by this user only, written by `write` (beside it first, then
/// moved in): refused when `path` exists (its name is taken first, so no other writer gets it),
/// and on any failure nothing is left at either name. For what is written a piece at a time.
pub fn write_private_new<E: From<std::io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), E>,
) -> Result<(), E> {
    drop(create_private(path)?);
    written_beside(path, write).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

/// `write` into a new private file beside `path`, synced and then moved over `path`; the file
/// beside it removed on any failure.
fn written_beside<E: From<std::io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), E>,
) -> Result<(), E> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = create_private(&tmp).map_err(E::from).and_then(|mut f| {
        write(&mut f)?;
        f.sync_all().map_err(E::from)
    });
    written
        .and_then(|()| std::fs::rename(&tmp, path).map_err(E::from))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

#[cfg(all(test, unix))]
mod private_tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn private_files_are_the_users_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brev.html");
        std::fs::write(&path, "old").unwrap();
        super::write_private(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let made = dir.path().join("export.zip");
        drop(super::create_private(&made).unwrap());
        let mode = std::fs::metadata(&made).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(super::create_private(&made).is_err(), "never replaced");
    }

    #[test]
    fn a_file_written_in_pieces_is_there_whole_or_not_at_all() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("backup.sql");
        let failed = super::write_private_new(&out, |f| {
            f.write_all(b"BEGIN;\n")?;
            Err(std::io::Error::other("the third piece was changed"))
        });
        assert!(failed.is_err());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing left"
        );
        super::write_private_new(&out, |f| f.write_all(b"BEGIN;\nCOMMIT;\n")).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"BEGIN;\nCOMMIT;\n");
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = super::write_private_new(&out, |f| f.write_all(b"other"));
        assert_eq!(again.unwrap_err().kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(
            std::fs::read(&out).unwrap(),
            b"BEGIN;\nCOMMIT;\n",
            "never replaced"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
