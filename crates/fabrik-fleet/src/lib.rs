//! Fabrik's fleet changes: the wave driver of every roll-out kind (`driver.rs`), what a kind is to
//! it (`definition.rs`), the schema and template kinds, the waves and the halt rule. It stands on
//! the run engine and what is below it; the core passes the module on as `fabrik::fleet`.

pub mod fleet;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{blocking, environment, error, ledger, messages, secrets, Result};
use fabrik_customer::customer;
use fabrik_database::database;
use fabrik_providers::providers;
use fabrik_provision::provision;
use fabrik_store::store;
use fabrik_template::template;
