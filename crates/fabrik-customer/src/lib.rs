//! Fabrik's customer, the model every area shares: a customer and its instance per environment,
//! its plan, status, modules and team roles, the rules its fields must satisfy (slug, email,
//! domain), the health summary the register's list shows, the example agency, and the customer
//! as the register keeps it (`customer::rows`: its rows, read and written over the register's
//! connection). It stands on the foundation and the register (`fabrik-store`, which knows none
//! of it); the core passes the module on as `fabrik::customer`.

pub mod customer;

// The foundation's modules under the names every crate of Fabrik uses (`crate::messages`, …).
use fabrik_base::{environment, error, ledger, messages, vocabulary, words};
// The register, whose connection the customer's rows are read and written over (`customer::rows`).
use fabrik_store::store;
