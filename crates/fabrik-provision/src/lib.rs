//! Fabrik's runs, the engine and its ledger: the kinds (`kinds/`), the step table (`steps/`), the
//! engine that drives a run step by step and rolls back only what its own run made, proven by the
//! resource (`engine/`), polling policy, what a seat keeps between processes, preflight, plan,
//! ownership proof, typed step outputs and the welcome email, and the rows its steps keep in the
//! register beside the ledger: roll-outs, adoptions and handovers (`rollouts`, `adoptions`,
//! `handovers`). It stands on every crate below it but
//! none above; the core passes the module on as `fabrik::provision`.

pub mod provision;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{
    blocking, environment, error, fnv, ledger, messages, paths, seat_settings, secrets, vocabulary,
    Error, Result,
};
use fabrik_billing::billing;
use fabrik_customer::customer;
use fabrik_database::{database, relocation};
use fabrik_health::health;
use fabrik_metering::metering;
use fabrik_providers::providers;
use fabrik_store::store;
use fabrik_template::template;
use fabrik_workflows::workflows;
