//! Where backups live on the seat's computer: `backups/<customer uid>/<timestamp>-<reason>.fbk`
//! under the app-data folder (`FABRIK_BACKUP_DIR` overrides it), owner-only, written whole
//! or not at all (sealed as the script comes: `Sealing`); and the retention rule that deletes
//! old ones.

use std::path::{Path, PathBuf};

use super::{crypt, BackupError};
use crate::database::backup::rows::BackupRows;
use crate::database::backup::rows::{Backup, BackupReason};
use crate::environment::Environment;
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

/// The most names a backup's file tries for backups of one customer and reason in one
/// millisecond.
const SAME_MILLISECOND: usize = 1000;

/// What a backup file's writing buffers before it writes (the plaintext is sealed a 64 KiB
/// chunk at a time in front of it).
const IO_BUFFER: usize = 256 * 1024;

/// A backup file on its way: to a temporary name of this process's own, owner-only, then linked
/// under its own name (`keep`), so a crash never leaves half a file under a backup's name and a
/// second backup never takes the first one's file (two in one millisecond had one name: the
/// second replaced the first's file, and deleting either took both). Dropped before `keep`, it
/// removes its temporary file and nothing else.
struct Pending {
    dir: PathBuf,
    base: String,
    tmp: Option<PathBuf>,
}

impl Pending {
    fn create(dir: &Path, reason: BackupReason) -> Result<(Pending, std::fs::File), BackupError> {
        std::fs::create_dir_all(dir).map_err(|e| io("cannot create", dir, e))?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
        let base = format!("{stamp}-{}", reason.as_str());
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{base}.{}-{n}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let f = options
            .open(&tmp)
            .map_err(|e| io("cannot write", &tmp, e))?;
        let pending = Pending {
            dir: dir.to_path_buf(),
            base,
            tmp: Some(tmp),
        };
        Ok((pending, f))
    }

    /// Links the written file under the next free name of its own; its name under its
    /// customer's folder.
    fn keep(mut self) -> Result<String, BackupError> {
        let tmp = self.tmp.take().expect("kept once");
        // A hard link never replaces a file that is there: the next free name is taken instead.
        let mut linked = None;
        for n in 1..=SAME_MILLISECOND {
            let name = match n {
                1 => format!("{}.fbk", self.base),
                n => format!("{}-{n}.fbk", self.base),
            };
            let path = self.dir.join(&name);
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
        linked.ok_or_else(|| {
            io(
                "cannot write",
                &self.dir.join(format!("{}.fbk", self.base)),
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "every name is taken"),
            )
        })
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes an encrypted backup of the customer `uid` under `root()`, whole or not at all.
pub fn write(uid: &str, reason: BackupReason, sealed: &[u8]) -> Result<Written, BackupError> {
    let (pending, mut f) = Pending::create(&root().join(uid), reason)?;
    let tmp = pending.tmp.clone().expect("a new file");
    std::io::Write::write_all(&mut f, sealed).map_err(|e| io("cannot write", &tmp, e))?;
    f.sync_all().map_err(|e| io("cannot write", &tmp, e))?;
    drop(f);
    let name = pending.keep()?;
    Ok(Written {
        file: format!("{uid}/{name}"),
        bytes: sealed.len() as i64,
        sha256: sha256_hex(sealed),
    })
}

/// A backup file sealed as its script comes (`backup::dump_into` puts each page of rows to it),
/// so a backup is never held whole in memory while it is taken: the same file `crypt::encrypt`
/// makes of the whole script, written through `crypt::Writer`. `keep` makes it the customer's
/// backup file; dropped before, it leaves nothing behind.
pub struct Sealing {
    uid: String,
    writer: Option<crypt::Writer<std::io::BufWriter<std::fs::File>>>,
    pending: Pending,
}

impl Sealing {
    pub fn begin(
        uid: &str,
        reason: BackupReason,
        key: &crypt::BackupKey,
        binding: &crypt::Binding,
    ) -> Result<Sealing, BackupError> {
        Sealing::begin_in(&root().join(uid), uid, reason, key, binding)
    }

    fn begin_in(
        dir: &Path,
        uid: &str,
        reason: BackupReason,
        key: &crypt::BackupKey,
        binding: &crypt::Binding,
    ) -> Result<Sealing, BackupError> {
        let (pending, f) = Pending::create(dir, reason)?;
        let tmp = pending.tmp.clone().expect("a new file");
        let out = std::io::BufWriter::with_capacity(IO_BUFFER, f);
        let writer =
            crypt::Writer::new(key, binding, out).map_err(|e| io("cannot write", &tmp, e))?;
        Ok(Sealing {
            uid: uid.to_string(),
            writer: Some(writer),
            pending,
        })
    }

    /// Seals the last chunk, syncs the file and links it under its name.
    pub fn keep(mut self) -> Result<Written, BackupError> {
        let tmp = self.pending.tmp.clone().expect("not kept yet");
        let fail = |e: std::io::Error| io("cannot write", &tmp, e);
        let writer = self.writer.take().expect("not kept yet");
        let (out, bytes, sha256) = writer.finish().map_err(fail)?;
        let f = out.into_inner().map_err(|e| fail(e.into_error()))?;
        f.sync_all().map_err(fail)?;
        drop(f);
        let Sealing { uid, pending, .. } = self;
        let name = pending.keep()?;
        Ok(Written {
            file: format!("{uid}/{name}"),
            bytes: bytes as i64,
            sha256,
        })
    }
}

impl super::Script for Sealing {
    fn put(&mut self, text: &str) -> Result<(), BackupError> {
        let tmp = self.pending.tmp.as_deref().unwrap_or(Path::new(""));
        match self.writer.as_mut() {
            Some(w) => w
                .write(text.as_bytes())
                .map_err(|e| io("cannot write", tmp, e)),
            None => Ok(()),
        }
    }
}

/// A backup file opened to be read a chunk at a time (`restore::Opened`).
pub(super) fn reader(path: &Path) -> Result<std::io::BufReader<std::fs::File>, BackupError> {
    std::fs::File::open(path)
        .map(|f| std::io::BufReader::with_capacity(IO_BUFFER, f))
        .map_err(|e| io("cannot read", path, e))
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

#[cfg(test)]
mod tests {
    use super::super::Script;
    use super::*;

    fn binding() -> crypt::Binding {
        crypt::Binding {
            customer_uid: "u-1".into(),
            environment: Environment::Sandbox,
            project_ref: "abcdefghijklmnopqrst".into(),
        }
    }

    /// Names in the folder, hidden ones (a temporary file) too.
    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    /// A script put in pieces is the file `decrypt` reads whole, with the size and sha256
    /// recorded; a backup dropped on the way (a failed dump) leaves nothing in the folder.
    #[test]
    fn a_backup_sealed_as_it_comes_is_the_whole_script_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let key = crypt::BackupKey::generate();
        let script: String = (0..20_000)
            .map(|i| format!("INSERT INTO public.notes VALUES ({i}, 'rad {i}');\n"))
            .collect();
        let mut sealing =
            Sealing::begin_in(dir.path(), "u-1", BackupReason::OnDemand, &key, &binding()).unwrap();
        for piece in script.as_bytes().chunks(7_001) {
            sealing.put(std::str::from_utf8(piece).unwrap()).unwrap();
        }
        let written = sealing.keep().unwrap();
        let listed = names(dir.path());
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert!(listed[0].ends_with("-on_demand.fbk"), "{listed:?}");
        assert_eq!(written.file, format!("u-1/{}", listed[0]));
        let file = std::fs::read(dir.path().join(&listed[0])).unwrap();
        assert_eq!(
            (written.bytes, written.sha256.as_str()),
            (file.len() as i64, sha256_hex(&file).as_str())
        );
        let plain = crypt::decrypt(&key, &file, &binding()).unwrap();
        assert_eq!(plain.as_slice(), script.as_bytes());

        let mut failed =
            Sealing::begin_in(dir.path(), "u-1", BackupReason::Scheduled, &key, &binding())
                .unwrap();
        failed.put("BEGIN;\n").unwrap();
        assert_eq!(
            names(dir.path()).len(),
            2,
            "its temporary file while it is written"
        );
        drop(failed);
        assert_eq!(names(dir.path()), listed, "nothing left of the one dropped");
    }
}
