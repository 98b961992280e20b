//! The subscription's life beside the instance's (issue #58): which subscription is whose.

pub mod drift;
pub mod link;
pub mod plans;
pub mod reconcile;
pub mod view;
