//! Fabrik's core: everything the app does, with no Tauri dependency. The window (src-tauri),
//! the CLI (src/bin/fabrik/) and the tests all stand on this crate.

pub mod api;
pub mod credentials;
pub mod export;
pub mod fleet;
pub mod handover;
pub mod intake;
pub mod overview;
pub mod provision;
pub mod register;
pub mod sandbox;
pub mod schedule;
pub mod services;
pub mod setup;
pub mod supervisor;
pub mod team;

// The foundation (crates/fabrik-base), under the names the core has always used.
pub use fabrik_base::{
    blocking, environment, error, fnv, ledger, logging, messages, paths, provider, seat,
    seat_settings, secrets, spreadsheet, sql, vocabulary,
};
// The model crates above it: the customer (crates/fabrik-customer) and its usage
// (crates/fabrik-usage).
pub use fabrik_customer::customer;
pub use fabrik_usage::usage;
// The provider clients (crates/fabrik-providers).
pub use fabrik_providers::providers;
// The register (crates/fabrik-store).
pub use fabrik_store::store;
// The first business area of its own (crates/fabrik-billing).
pub use fabrik_billing::billing;
pub use fabrik_database::{database, relocation};
pub use fabrik_health::health;
pub use fabrik_metering::metering;
pub use fabrik_template::template;
pub use fabrik_update::update;
pub use fabrik_workflows::workflows;

pub use error::{ApiError, Error, Result};
