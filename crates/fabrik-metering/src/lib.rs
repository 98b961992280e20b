//! Fabrik's metering, the reading and keeping half of usage (the model is `fabrik-usage`, below
//! the provider clients that fill it): one delivered instance read at every provider into a day's reading, each figure a
//! provider does not report left absent and each failure named, the usage rows the register keeps
//! (`metering::kept`), and the warnings a limit near gives.
//! It stands on the foundation, the customer and its usage, the register, the provider clients,
//! billing and the health check; the core passes the module on as `fabrik::metering`.

pub mod metering;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{blocking, environment, error, messages, provider};
use fabrik_billing::billing;
use fabrik_customer::customer;
use fabrik_health::health;
use fabrik_providers::providers;
use fabrik_store::store;
use fabrik_usage::usage;
