//! Fabrik's template updates: the three-way classification and merge per file between the agency's
//! template and a customer's repository, its GitHub side, and what the register keeps of it (each
//! instance's base and pull requests, `template::rows`). It stands on the foundation, the
//! register and the provider clients; the core passes the module on as `fabrik::template`.

pub mod template;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{environment, error, ledger, secrets};
use fabrik_providers::providers;
use fabrik_store::store;
