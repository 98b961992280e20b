//! Inställningar → Schemalagt arbete: what the system's scheduler has, the last ticks on the
//! register, and the last tick refused on this seat; what the scheduler is to run from the
//! window; and a scheduler's refusal in words.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::lock::last_refusal_here;
use super::system::{self, Installed, ScheduleError, Scheduler};
use super::units::Command;
use crate::error::{ApiError, ApiResult, Error};
use crate::messages::{params, ErrorCode};
use crate::schedule::rows::ScheduleRows;
use crate::schedule::rows::TickRow;
use crate::store::Store;

/// What the system's scheduler has, the last ticks on the register (who, when, what), and the
/// last tick on this seat that never reached the register.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ScheduleView {
    pub installed: Installed,
    pub ticks: Vec<TickRow>,
    /// JSON of a tick refused here before the register answered (`at`, `refused`).
    pub refused_here: Option<String>,
}

/// The view, read now.
pub fn schedule_view(store: &Store, data_dir: &Path) -> ApiResult<ScheduleView> {
    Ok(ScheduleView {
        installed: system::status(data_dir),
        ticks: store.recent_ticks(10)?,
        refused_here: last_refusal_here(data_dir).map(|v| v.to_string()),
    })
}

/// What the scheduler is to run from the window: this app (the AppImage itself when it runs
/// as one: the program inside is gone once it stops) with `tick`, on the default register.
pub fn app_command() -> ApiResult<Command> {
    let exe = match std::env::var_os("APPIMAGE") {
        Some(image) => PathBuf::from(image),
        None => std::env::current_exe().map_err(|e| ApiError::from(Error::Io(e)))?,
    };
    Ok(Command {
        exe,
        db: None,
        environment: None,
    })
}

/// A scheduler's refusal, or a plan that is not one, as the window and the CLI say it.
pub fn schedule_error(e: ScheduleError) -> ApiError {
    match e {
        ScheduleError::Plan(value) => Error::Refused {
            code: ErrorCode::SchedulePlan,
            params: params! { "value" => value },
        },
        other => Error::Refused {
            code: ErrorCode::ScheduleFailed,
            params: params! { "scheduler" => Scheduler::here().name(), "detail" => other },
        },
    }
    .into()
}
