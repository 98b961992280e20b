//! Fabrik's usage (the model of usage and metering): what a customer's instance uses (readings,
//! figures per provider), the plans' limits and how near they are, the price book, cost, revenue
//! and margin, and the views the window shows of them. It stands on the foundation and the
//! customer; the core passes the module on as `fabrik::usage`.

pub mod usage;

// The names every crate of Fabrik uses (`crate::messages`, `crate::customer`, …).
use fabrik_base::{error, messages, provider, vocabulary};
use fabrik_customer::customer;
