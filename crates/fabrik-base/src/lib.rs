//! Fabrik's foundation: what every area of the core stands on and nothing of theirs. The words
//! (`vocabulary!`, the messages and their codes, the seat's language), the error every command
//! returns, the secrets and the OS keyring, the provider table, the figures read of an instance, the ledger's vocabulary (kinds,
//! states, steps, events, the journal's interface), paths, the seat and its settings, the SQL
//! values both register dialects share. It uses no crate of Fabrik's; the core (`fabrik`)
//! re-exports each module under the same name, so `crate::messages` reads the same everywhere.

pub mod blocking;
pub mod environment;
pub mod error;
pub mod figures;
pub mod fnv;
pub mod ledger;
pub mod logging;
pub mod messages;
pub mod paths;
pub mod provider;
pub mod seat;
pub mod seat_settings;
pub mod secrets;
#[cfg(test)]
mod sources;
pub mod spreadsheet;
pub mod sql;
pub mod vocabulary;
pub mod words;

pub use error::{ApiError, Error, Result};
