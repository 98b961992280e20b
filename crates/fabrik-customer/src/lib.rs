//! Fabrik's customer, the model every area shares: a customer and its instance per environment,
//! its plan, status, modules and team roles, the rules its fields must satisfy (slug, email,
//! domain), the health summary the register's list shows, and the example agency. It stands on
//! the foundation alone (`fabrik-base`); the core passes the module on as `fabrik::customer`.

pub mod customer;

// The foundation's modules under the names every crate of Fabrik uses (`crate::messages`, …).
use fabrik_base::{environment, error, ledger, messages, vocabulary, words};
