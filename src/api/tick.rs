//! The scheduler's commands (Inställningar → Schemalagt arbete) reach it through these names;
//! the scheduler itself, its jobs and the tick are `crate::schedule`'s.

pub use crate::schedule::{
    app_command, schedule_error, schedule_view, JobReport, JobState, ScheduleView, TickReport,
    Ticker,
};
