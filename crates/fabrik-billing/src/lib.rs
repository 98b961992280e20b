//! Fabrik's billing (issue #58), the first business area that is a crate of its own: a
//! customer's subscription beside its instance, which subscription is whose, its state kept from
//! Stripe's events and reads, the owner's policy and what it asks of the instance now, the drift
//! between billing and the fleet, and its own rows and words in the register (`billing::rows`).
//! It stands on the foundation, the customer, the register, the inbox's requests and the
//! provider clients; the runs it asks for are started by the core's tick
//! (`src/schedule/billing.rs`). The core passes the module on as `fabrik::billing`.

pub mod billing;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{blocking, environment, error, ledger, messages, vocabulary, words};
use fabrik_customer::customer;
use fabrik_intake::requests;
use fabrik_providers::providers;
use fabrik_store::store;
