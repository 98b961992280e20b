//! Fabrik's register: one SQLite file (WAL, embedded migrations) or the shared register on
//! PostgreSQL (per-person logins, rights the database enforces, leases on the server's clock),
//! the tables of words fed from the Rust declarations, and each table's reads and writes. It
//! stands on the foundation, the customer and its usage (the price book and readings its usage
//! tables keep); the core passes the module on as `fabrik::store`.

pub mod store;

// The names every crate of Fabrik uses (`crate::messages`, `crate::customer`, …).
use fabrik_base::{environment, error, fnv, ledger, messages, seat, secrets, sql, vocabulary};
use fabrik_customer::customer;
use fabrik_usage::usage;
