//! The ledger's vocabularies: what kind of run, where a run and a step stand, which step, how
//! loud a log line is, where an adoption stands. They sit below the store (which keeps them as
//! text) and below the engine (which moves runs through them), so both point down to one place.

pub mod input;
pub mod state;
pub mod step;

pub use input::RunInput;
pub use state::{AdoptionState, AllowedBy, LogLevel, RunKind, RunState, StepState};
pub use step::StepKey;
