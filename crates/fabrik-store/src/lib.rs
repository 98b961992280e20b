//! Fabrik's register: one SQLite file (WAL, embedded migrations) or the shared register on
//! PostgreSQL (per-person logins, rights the database enforces, leases on the server's clock),
//! the tables of words the crates that declare them hand it (`fabrik_base::words`), and the
//! reads and writes of the tables that are not an area's own. An area reads and writes its own
//! over the register's connection, as a trait it provides for `Store` (`store::Rows`): usage's
//! (`metering::kept`), the customer's, billing's, the inbox's, the exports', the team's, the
//! backups', the workflow backups', the template's, the run engine's roll-outs, adoptions and
//! handovers, and the scheduler's. It stands on the foundation alone and imports no area; the
//! core passes the module on as `fabrik::store`.

pub mod store;

// The names every crate of Fabrik uses (`crate::messages`, `crate::customer`, …).
use fabrik_base::{
    environment, error, fnv, ledger, messages, seat, secrets, sql, vocabulary, words,
};
