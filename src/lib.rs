//! Fabrik's core: the supervisor every run starts through, the sandbox, the seat's tokens, the
//! setup guide, the inbox, the scheduled tick, Översikt, the services and the command surface,
//! with no Tauri dependency. The window (src-tauri), the CLI (crates/fabrik-cli/) and the tests all
//! stand on this crate. Everything below it is a crate of its own (`crates/`, docs/ARCHITECTURE.md
//! "Layers"), each module passed on here under its own name, so `fabrik::store` and
//! `crate::store` read the same in every crate.

pub mod api;
pub mod credentials;
pub mod intake;
pub mod overview;
pub mod sandbox;
pub mod schedule;
pub mod services;
pub mod setup;
pub mod supervisor;

// The foundation: words, messages, errors, secrets, the provider table, the ledger's vocabulary.
pub use fabrik_base::{
    blocking, environment, error, figures, fnv, ledger, logging, messages, paths, provider, seat,
    seat_settings, secrets, spreadsheet, sql, vocabulary, words,
};
// The model every area shares, the register and the provider clients.
pub use fabrik_customer::customer;
pub use fabrik_providers::providers;
pub use fabrik_store::store;
// The inbox's requests as the register keeps them (reading the sources is `intake`'s, below).
pub use fabrik_intake::requests;
pub use fabrik_usage::usage;

// The areas below the run engine.
pub use fabrik_billing::billing;
pub use fabrik_database::{database, relocation};
pub use fabrik_health::health;
pub use fabrik_metering::metering;
pub use fabrik_template::template;
pub use fabrik_update::update;
pub use fabrik_workflows::workflows;

// The run engine and its ledger, and the areas on it.
pub use fabrik_export::{export, handover};
pub use fabrik_fleet::fleet;
pub use fabrik_provision::provision;
pub use fabrik_register::register;
pub use fabrik_team::team;

pub use error::{ApiError, Error, Result};
