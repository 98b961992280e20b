//! The inbox's commands (Inkorg) reach it through these names; the inbox's workflow (reading
//! the sources, approving, the limits a day, telling the portal) is `crate::intake`'s.

pub use crate::intake::{Inbox, Intake, PollReport, SourceView};
