//! Fabrik's health check: the read-only check of a delivered instance at every provider and its
//! typed findings. It stands on the foundation, the customer and the provider clients; the core
//! passes the module on as `fabrik::health`.

pub mod health;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{ledger, messages};
use fabrik_customer::customer;
use fabrik_providers::providers;
