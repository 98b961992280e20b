//! Fabrik's inbox as the register keeps it (issue #42): the portal's requests and Stripe's
//! payments before they are customers, who approved each and what the portal was told, each
//! source's state, and their words (`requests`). It stands on the foundation, the customer and
//! the register; reading the sources and approving a request into a run is the core's
//! (`src/intake/`). The core passes the module on as `fabrik::requests`.

pub mod requests;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{error, ledger, messages, vocabulary, words};
use fabrik_customer::customer;
use fabrik_store::store;
