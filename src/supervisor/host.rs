//! What the core tells the window while it works: run events, notifications, and the progress
//! of "Kontrollera alla". The runs and the health checks both speak through it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::provision::RunEvent;

/// Where run events go (the window) and how the user is told a run ended.
pub trait RunHost: Send + Sync + 'static {
    fn emit(&self, event: &RunEvent);
    fn notify(&self, title: &str, body: &str);
    /// A notification the core words in both languages: said in the reader's language where
    /// the host knows it (the window), else in Swedish.
    fn notify_said(&self, title: &crate::messages::Text, body: &crate::messages::Text) {
        self.notify(&title.sv, &body.sv);
    }
    /// "Kontrollera alla" moved on (the window shows its progress).
    fn sweep(&self, _status: &Sweep) {}
}

/// Where "Kontrollera alla" stands (sent to the window as it goes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct Sweep {
    pub running: bool,
    pub total: u32,
    pub done: u32,
    /// Checked so far and not healthy.
    pub unhealthy: u32,
    /// Checked so far with a usage warning beside the findings (a limit near, an idle pause
    /// coming), from the stored days.
    pub usage: u32,
    /// Could not be checked (e.g. the customer was deleted meanwhile).
    pub failed: u32,
    pub finished_at: Option<DateTime<Utc>>,
}
