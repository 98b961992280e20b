//! The ledger's vocabularies: what kind of run, where a run and a step stand, which step, how
//! loud a log line is, where an adoption stands; the events a run sends; and the journal that
//! writes a transition, its log line and its event in one call. They sit below the store
//! (which keeps them as text, and is the journal's `Ledger`) and below the engine (which moves
//! runs through them), so both point down to one place.

pub mod driver;
pub mod events;
pub mod journal;
pub mod rollout;
pub mod state;
pub mod step;

pub use driver::Driver;
pub use events::{EventSink, RunEvent, StepOutcome};
pub use journal::{Entry, Journal, Ledger, StepUpdate};
pub use rollout::{BaseHow, MemberState, PrState, RolloutKind, RolloutState};
pub use state::{AdoptionState, AllowedBy, LogLevel, RunKind, RunState, StepState};
pub use step::StepKey;
