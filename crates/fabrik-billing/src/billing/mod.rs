//! The subscription's life beside the instance's (issue #58): which subscription is whose
//! (`link.rs`; offered by payer to a person linking it, `candidates.rs`), its state kept from Stripe's events and reads (`state.rs`), the owner's policy
//! (`policy.rs`) and what it asks of the instance now (`decide.rs`); the drift between billing
//! and the fleet (`drift.rs`), Stripe's list compared with the register (`reconcile.rs`), the
//! price-to-plan rule (`plans.rs`) and a subscription as it is shown (`view.rs`).

pub mod candidates;
pub mod decide;
pub mod drift;
pub mod link;
pub mod plans;
pub mod policy;
pub mod reconcile;
pub mod rows;
pub mod state;
pub mod view;
pub mod words;
