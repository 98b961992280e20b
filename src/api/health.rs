//! The health commands ("Kontrollera nu", "Kontrollera alla" and where it stands) reach the
//! checks through these names; the checks, the sweep and their alerts are
//! `crate::supervisor::sweep`'s, below the command layer, so the scheduled tick runs the same
//! sweep.

pub use crate::supervisor::host::Sweep;
pub use crate::supervisor::sweep::HealthChecks as HealthApi;
