//! The agency's keeping of the archives in its export folder (issue #59): one the window, a
//! teardown or the tick wrote there is kept for the owner's `export.keep_days` (a register
//! setting: on a shared register only an owner may set it), then deleted by the seat that wrote
//! it, its row kept with when. What Fabrik deletes is only what it wrote: a file is deleted when
//! its size and SHA-256 are still those the register recorded; one changed since, or a name that
//! is not a plain file name, is left where it is and said. An archive a person wrote elsewhere
//! (`fabrik export --out`) is theirs and never looked at.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

use crate::error::Result;
use crate::export::rows::ExportRecord;
use crate::export::rows::ExportRows;
use crate::store::Store;

/// The register setting that says how many days the agency keeps an archive.
pub const KEEP_DAYS_SETTING: &str = "export.keep_days";
/// Kept this long when the owner has not said: a quarter, long enough to answer a customer who
/// comes back, short enough that a leaver's data does not linger.
pub const DEFAULT_KEEP_DAYS: u32 = 90;

/// How long archives are kept: `None` when the owner set 0 (kept until deleted by hand).
pub fn keep_days(store: &Store) -> Option<u32> {
    let set = store
        .get_setting(KEEP_DAYS_SETTING)
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u32>().ok());
    match set.unwrap_or(DEFAULT_KEEP_DAYS) {
        0 => None,
        days => Some(days),
    }
}

/// When the keeping of `record` ends, by `days` (`None`: never).
pub fn kept_until(record: &ExportRecord, days: Option<u32>) -> Option<DateTime<Utc>> {
    let taken = DateTime::parse_from_rfc3339(&record.taken_at).ok()?;
    Some(taken.with_timezone(&Utc) + Duration::days(i64::from(days?)))
}

/// The keeping as a person is told it before an export: how long, where, and the customer's
/// newest archive.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Keeping {
    /// Days an archive in the export folder is kept; `None`: until deleted by hand.
    pub days: Option<u32>,
    /// The export folder on this seat's disk.
    pub folder: String,
    /// The customer's newest export, and until when it is kept (`None` for one a person
    /// wrote elsewhere, or kept until deleted by hand).
    pub latest: Option<ExportRecord>,
    pub latest_until: Option<String>,
}

/// The keeping, with the newest of `exports` (newest first, as the register lists them).
pub fn keeping(store: &Store, exports: Vec<ExportRecord>) -> Keeping {
    let days = keep_days(store);
    let latest = exports.into_iter().find(|e| e.removed_at.is_none());
    let latest_until = latest
        .as_ref()
        .filter(|e| e.in_folder)
        .and_then(|e| kept_until(e, days))
        .map(|t| t.to_rfc3339());
    Keeping {
        days,
        folder: crate::paths::export_dir().display().to_string(),
        latest,
        latest_until,
    }
}

/// The archives of this seat's export folder whose keeping has ended at `now`, by reading only.
pub fn due(store: &Store, now: DateTime<Utc>) -> Result<Vec<ExportRecord>> {
    let days = keep_days(store);
    Ok(store
        .own_kept_exports()?
        .into_iter()
        .filter(|r| kept_until(r, days).is_some_and(|until| until <= now))
        .collect())
}

/// What one sweep did.
#[derive(Debug, Default)]
pub struct Swept {
    /// Deleted (or found already gone), their rows marked.
    pub removed: Vec<ExportRecord>,
    /// Left where they are, with why (a person decides).
    pub left: Vec<(ExportRecord, String)>,
}

/// Deletes every archive in the export folder whose keeping has ended, each proven the file
/// Fabrik wrote right before. Blocking (files and the register).
pub fn sweep(store: &Store, now: DateTime<Utc>) -> Result<Swept> {
    sweep_in(store, &crate::paths::export_dir(), now)
}

/// `sweep` of the archives in `folder` (a test's own, where the process's folder is shared).
pub fn sweep_in(store: &Store, folder: &Path, now: DateTime<Utc>) -> Result<Swept> {
    let mut swept = Swept::default();
    for record in due(store, now)? {
        match remove_written(folder, &record) {
            Ok(()) => {
                if store.mark_export_removed(record.id)? {
                    swept.removed.push(record);
                }
            }
            Err(why) => {
                tracing::warn!(export = record.id, file = %record.file, "kept: {why}");
                swept.left.push((record, why));
            }
        }
    }
    Ok(swept)
}

/// Deletes `record`'s file in `folder` if it is still the archive that was written.
fn remove_written(folder: &Path, record: &ExportRecord) -> std::result::Result<(), String> {
    let path = plain_file(folder, &record.file)?;
    let (bytes, sha256) = match super::hash_file(&path) {
        Ok(read) => read,
        // Gone already (a person tidied the folder): nothing left to keep.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{} could not be read: {e}", path.display())),
    };
    if i64::try_from(bytes).ok() != Some(record.bytes) || sha256 != record.sha256 {
        return Err(format!(
            "{} is not the archive Fabrik wrote (its size or SHA-256 differs from the register's); delete it by hand if it should go",
            path.display()
        ));
    }
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{} could not be deleted: {e}", path.display())),
    }
}

/// `name` in `folder`, when it is a plain file name (a register row cannot point elsewhere).
fn plain_file(folder: &Path, name: &str) -> std::result::Result<PathBuf, String> {
    let plain = !name.is_empty()
        && Path::new(name).file_name().and_then(|n| n.to_str()) == Some(name)
        && name != ".."
        && !name.contains(['/', '\\']);
    if plain {
        Ok(folder.join(name))
    } else {
        Err(format!("{name:?} is not a file name in the export folder"))
    }
}

#[cfg(test)]
mod tests {
    use super::plain_file;
    use std::path::Path;

    #[test]
    fn only_a_plain_file_name_is_looked_for() {
        let dir = Path::new("/exports");
        assert_eq!(
            plain_file(dir, "fabrik-export-kund-2026.zip").unwrap(),
            dir.join("fabrik-export-kund-2026.zip")
        );
        for bad in [
            "",
            "..",
            ".",
            "../x.zip",
            "a/b.zip",
            "/etc/passwd",
            "a\\b.zip",
        ] {
            assert!(plain_file(dir, bad).is_err(), "{bad:?}");
        }
    }
}
