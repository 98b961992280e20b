//! Fleet changes: one change brought to every delivered instance as per-instance runs, in
//! waves, with a halt rule between waves, a lease-held driver and a journal in the register.
//!
//! - `waves.rs`: the rules (the waves a plan is cut into, the halt rule), apart from driving;
//! - `definition.rs`: what a kind of roll-out is to the driver, and what it starts runs through;
//! - `driver.rs`: plan, drive, pause, abort, restore a wave, for every kind;
//! - `view.rs`: a roll-out as the front ends show it;
//! - `schema.rs`, `template.rs`: the two kinds; `kinds.rs` names each once.

pub mod definition;
pub mod driver;
pub mod kinds;
pub mod schema;
pub mod template;
pub mod view;
pub mod waves;

pub use waves::{assign, halt, parse_waves, Wave, DEFAULT_HALT_SHARE, DEFAULT_WAVES};
