//! The subscription's life beside the instance's (issue #58): which subscription is whose
//! (`link.rs`), its state kept from Stripe's events and reads (`state.rs`), the owner's policy
//! (`policy.rs`) and what it asks of the instance now (`decide.rs`); the drift between billing
//! and the fleet (`drift.rs`), the price's plan (`plans.rs`), a reconciliation from Stripe's
//! list (`reconcile.rs`) and the subscription as shown (`view.rs`).

pub mod decide;
pub mod drift;
pub mod link;
pub mod plans;
pub mod policy;
pub mod reconcile;
pub mod state;
pub mod view;
