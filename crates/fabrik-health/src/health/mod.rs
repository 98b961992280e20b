//! Day two (issue #13): how a delivered instance stands now, next to what Fabrik delivered.
//! A check only reads: each provider once, and the production site as an anonymous visitor.
//! Every difference is a typed finding that says what to do; the last check of each instance
//! is kept in the register (`store::health`).

mod check;

pub use crate::customer::health::{
    FindingKind, Health, HealthFinding, HealthPart, HealthSummary, SiteProbe,
};
pub use check::{check, AT_ONCE};
