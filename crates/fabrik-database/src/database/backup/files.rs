//! Where backups live on the seat's computer: `backups/<customer uid>/<timestamp>-<reason>.fbk`
//! under the app-data folder (`FABRIK_BACKUP_DIR` overrides it), owner-only, written whole
//! or not at all; and the retention rule that deletes old ones.

use std::path::{Path, PathBuf};

use super::BackupError;
use crate::environment::Environment;
use crate::store::backups::{Backup, BackupReason};
use crate::store::Store;

pub const BACKUP_DIR_ENV: &str = "FABRIK_BACKUP_DIR";
/// Retention keeps at least this many of a customer's newest backups (setting `backup.keep_last`)…
pub const KEEP_NEWEST: usize = 10;
/// …and every backup younger than this many days (setting `backup.keep_days`).
pub const KEEP_DAYS: i64 = 30;

/// The folder every backup file of this seat is under.
pub fn root() -> PathBuf {
    match std::env::var_os(BACKUP_DIR_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => crate::paths::data_dir().join("backups"),
    }
}

/// Where a recorded backup's file is on this computer: under the folder of the customer the
/// register names (its uid), by a plain file name. A row that names anything else (another
/// customer's folder, `..`, an absolute path) is refused: the row is not what decides where a
/// file is read or deleted.
pub fn path_of(backup: &Backup) -> Result<PathBuf, BackupError> {
    let uid = &backup.customer_uid;
    let name = backup
        .file
        .strip_prefix(uid.as_str())
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|name| plain_name(uid) && plain_name(name) && name.ends_with(".fbk"));
    match name {
        Some(name) => Ok(root().join(uid).join(name)),
        None => Err(BackupError::Unreadable(format!(
            "backup {}: the register names the file {:?}, which is not a backup file of \
             customer {uid}'s; nothing was read or deleted (restore another backup)",
            backup.id, backup.file
        ))),
    }
}

/// A name of one path component that cannot climb out of its folder.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The file's sha256, lowercase hex (one function for files and migrations).
pub use crate::database::migration::sha256_hex;

/// A file written: its name relative to `root()`, its size and its sha256.
#[derive(Debug, Clone)]
pub struct Written {
    pub file: String,
    pub bytes: i64,
    pub sha256: String,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> BackupError {
    BackupError::Io(format!("{what} {}: {e}", path.display()))
}

/// The most names `write` tries for backups of one customer and reason in one millisecond.
const SAME_MILLISECOND: usize = 1000;

/// Writes an encrypted backup of the customer `uid` under `root()`: to a temporary name
/// first, then linked under its own name, so a crash never leaves half a file under a
/// backup's name and a second backup never takes the first one's file (two in one millisecond
/// had one name: the second replaced the first's file, and deleting either took both).
pub fn write(uid: &str, reason: BackupReason, sealed: &[u8]) -> Result<Written, BackupError> {
    let dir = root().join(uid);
    std::fs::create_dir_all(&dir).map_err(|e| io("cannot create", &dir, e))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let base = format!("{stamp}-{}", reason.as_str());
    // This process's own temporary name, apart from any other writer's in the same millisecond.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{base}.{}-{n}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(&tmp)
        .map_err(|e| io("cannot write", &tmp, e))?;
    std::io::Write::write_all(&mut f, sealed).map_err(|e| io("cannot write", &tmp, e))?;
    f.sync_all().map_err(|e| io("cannot write", &tmp, e))?;
    drop(f);
    // A hard link never replaces a file that is there: the next free name is taken instead.
    let mut linked = None;
    for n in 1..=SAME_MILLISECOND {
        let name = match n {
            1 => format!("{base}.fbk"),
            n => format!("{base}-{n}.fbk"),
        };
        let path = dir.join(&name);
        match std::fs::hard_link(&tmp, &path) {
            Ok(()) => {
                linked = Some(name);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(io("cannot write", &path, e));
            }
        }
    }
    let _ = std::fs::remove_file(&tmp);
    let name = linked.ok_or_else(|| {
        io(
            "cannot write",
            &dir.join(format!("{base}.fbk")),
            std::io::Error::new(std::io::ErrorKind::AlreadyExists, "every name is taken"),
        )
    })?;
    Ok(Written {
        file: format!("{uid}/{name}"),
        bytes: sealed.len() as i64,
        sha256: sha256_hex(sealed),
    })
}

/// Reads a recorded backup's file and checks it against the sha256 the register holds.
pub fn read(backup: &Backup) -> Result<Vec<u8>, BackupError> {
    let path = path_of(backup)?;
    let bytes = std::fs::read(&path).map_err(|e| io("cannot read", &path, e))?;
    if sha256_hex(&bytes) != backup.sha256 {
        return Err(BackupError::Unreadable(format!(
            "{} is not the file that was recorded (its sha256 differs)",
            path.display()
        )));
    }
    Ok(bytes)
}

/// The retention rule's numbers: the settings when set, else the defaults.
pub fn retention_rule(store: &Store) -> (usize, i64) {
    let get = |key: &str| {
        store
            .get_setting(key)
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse().ok())
    };
    (
        get("backup.keep_last")
            .map(|n: i64| n.max(1) as usize)
            .unwrap_or(KEEP_NEWEST),
        get("backup.keep_days").unwrap_or(KEEP_DAYS),
    )
}

/// Applies retention to a customer's backups taken on this seat: keeps the newest `keep`
/// and every one younger than `days`, deletes the others' files and marks their rows
/// removed. Returns the ids removed. A file already gone is marked all the same. `spare` is
/// never removed: the backup a running restore is about to read.
/// Blocking (files and the register).
pub fn apply_retention(
    store: &Store,
    customer_id: i64,
    environment: Environment,
    keep: usize,
    days: i64,
    spare: Option<i64>,
) -> crate::Result<Vec<i64>> {
    let cutoff = chrono::Utc::now() - chrono::Duration::days(days);
    let mut removed = Vec::new();
    // Another seat's file is on another computer: each seat keeps and deletes its own.
    for b in store
        .own_backups(customer_id, environment)?
        .into_iter()
        .skip(keep)
    {
        let old = chrono::DateTime::parse_from_rfc3339(&b.created_at)
            .map(|t| t < cutoff)
            .unwrap_or(false);
        if !old || Some(b.id) == spare {
            continue;
        }
        let path = match path_of(&b) {
            Ok(path) => path,
            Err(e) => {
                tracing::warn!(backup = b.id, "retention left it: {e}");
                continue;
            }
        };
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(backup = b.id, "retention could not delete the file: {e}");
                continue;
            }
        }
        if store.mark_backup_removed(b.id)? {
            removed.push(b.id);
        }
    }
    Ok(removed)
}
