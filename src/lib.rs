//! Fabrik's core: everything the app does, with no Tauri dependency. The window (src-tauri),
//! the CLI (src/bin/fabrik/) and the tests all stand on this crate.

pub mod api;
pub mod billing;
pub mod blocking;
pub mod credentials;
pub mod customer;
pub mod database;
pub mod environment;
pub mod error;
pub mod export;
pub mod fleet;
pub mod fnv;
pub mod handover;
pub mod health;
pub mod intake;
pub mod ledger;
pub mod logging;
pub mod messages;
pub mod metering;
pub mod overview;
pub mod paths;
pub mod provider;
pub mod providers;
pub mod provision;
pub mod register;
pub mod relocation;
pub mod sandbox;
pub mod schedule;
pub mod seat;
pub mod seat_settings;
pub mod secrets;
pub mod services;
pub mod setup;
pub mod spreadsheet;
pub mod sql;
pub mod store;
pub mod supervisor;
pub mod team;
pub mod template;
pub mod update;
pub mod usage;
pub mod vocabulary;
pub mod workflows;

pub use error::{ApiError, Error, Result};
