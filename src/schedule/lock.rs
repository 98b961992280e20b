//! This computer's side of a tick: its lock file (one tick at a time on a seat, released by
//! the OS when the process dies) and the tick that ended before it began, kept in the register
//! when it answers and in the seat's folder when it does not.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;

use super::report::TickReport;
use crate::error::{ApiError, Error};
use crate::messages::{params, ErrorCode};
use crate::schedule::rows::ScheduleRows;
use crate::schedule::rows::TickOutcome;
use crate::store::Store;

/// The seat's tick lock: held while a tick runs on this computer (the OS releases it when
/// the process dies, so a killed tick never blocks the next).
pub struct SeatLock {
    _file: std::fs::File,
}

/// The lock file of a seat's ticks.
fn lock_path(data_dir: &Path) -> PathBuf {
    data_dir.join("tick.lock")
}

/// This computer's tick lock, or `TickBusy` naming since when another tick holds it.
pub fn lock_seat(data_dir: &Path) -> Result<SeatLock, ApiError> {
    use std::io::{Read, Seek, Write};
    let path = lock_path(data_dir);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| ApiError::from(Error::Io(e)))?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = write!(file, "{}", chrono::Utc::now().to_rfc3339());
            Ok(SeatLock { _file: file })
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut since = String::new();
            let _ = file.read_to_string(&mut since);
            Err(Error::Refused {
                code: ErrorCode::TickBusy,
                params: params! { "since" => since.trim() },
            }
            .into())
        }
        Err(std::fs::TryLockError::Error(e)) => Err(Error::Io(e).into()),
    }
}

/// Where a seat keeps the tick it could not write to the register (the register unreachable):
/// the window shows it in Aktivitet the next time it opens.
fn refusal_path(data_dir: &Path) -> PathBuf {
    data_dir.join("logs").join("tick-refused.json")
}

/// The last tick refused on this seat before it reached the register, if any.
pub fn last_refusal_here(data_dir: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(refusal_path(data_dir)).ok()?;
    serde_json::from_str(&text).ok()
}

/// A tick that ends before it begins: logged, kept on the seat, and in the register when the
/// register answers.
pub fn refuse(
    data_dir: &Path,
    store: Option<&Store>,
    error: ApiError,
    started: Instant,
) -> TickReport {
    tracing::warn!(code = %error.code, "the scheduled tick did not begin: {}", error.message);
    let mut report = TickReport {
        id: None,
        seat: store
            .map(|s| s.seat().to_string())
            .unwrap_or_else(|| crate::seat::this().to_string()),
        outcome: TickOutcome::Refused,
        refused: Some(error.clone()),
        jobs: Vec::new(),
        ms: started.elapsed().as_millis() as u64,
    };
    let value = serde_json::to_value(&report).unwrap_or_default();
    report.id = store.and_then(|s| s.begin_tick(Some((error.code.as_str(), &value))).ok());
    if report.id.is_none() {
        let mut kept = value;
        kept["at"] = json!(chrono::Utc::now().to_rfc3339());
        let path = refusal_path(data_dir);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(path, kept.to_string());
    }
    report
}

/// The refusal when the register cannot be opened at all.
pub fn unreachable(data_dir: &Path, error: ApiError) -> TickReport {
    refuse(data_dir, None, error, Instant::now())
}
