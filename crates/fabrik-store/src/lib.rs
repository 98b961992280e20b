//! Fabrik's register: one SQLite file (WAL, embedded migrations) or the shared register on
//! PostgreSQL (per-person logins, rights the database enforces, leases on the server's clock),
//! the tables of words fed from the Rust declarations, and the reads and writes of the tables
//! that are not an area's own (usage's are `metering::kept`, over `Store::conn`). It stands on
//! the foundation and the customer; the core passes the module on as `fabrik::store`.

pub mod store;

// The names every crate of Fabrik uses (`crate::messages`, `crate::customer`, …).
use fabrik_base::{
    environment, error, figures, fnv, ledger, messages, seat, secrets, sql, vocabulary,
};
use fabrik_customer::customer;
