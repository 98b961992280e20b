//! The customer's team in their own instance, outside runs: the instance proven theirs and what it
//! holds of the team, a list checked against it, invitations sent through the agency's mail in its
//! budget, an invitation again and a person's access taken away, and the invitations as the
//! register keeps them (`team::rows`). It stands on the run engine and
//! what is below it; the core passes the module on as `fabrik::team`.

pub mod team;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{blocking, environment, error, ledger, messages, vocabulary, words};
use fabrik_customer::customer;
use fabrik_providers::providers;
use fabrik_provision::provision;
use fabrik_store::store;
