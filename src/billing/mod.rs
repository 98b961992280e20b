//! The subscription's life beside the instance's (issue #58): which subscription is whose
//! (`link.rs`), its state kept from Stripe's events and reads (`state.rs`), the owner's policy
//! (`policy.rs`) and what it asks of the instance now (`decide.rs`).

pub mod decide;
pub mod link;
pub mod policy;
pub mod state;
