//! A customer's way out: their data as one ZIP archive they open without Fabrik (`export`: the
//! tables, the Auth users without a secret, the workflow, the repository and the storage, with a
//! manifest and a README), and a handover after its run, each part followed until the customer took
//! it (`handover`); the register's record of each archive written (`export::rows`). It stands on the run engine and what is below it; the core passes both modules
//! on under their names.

pub mod export;
pub mod handover;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{
    blocking, environment, error, ledger, messages, paths, spreadsheet, vocabulary, words,
};
use fabrik_customer::customer;
use fabrik_database::database;
use fabrik_providers::providers;
use fabrik_provision::provision;
use fabrik_store::store;
use fabrik_template::template;
use fabrik_workflows::workflows;
