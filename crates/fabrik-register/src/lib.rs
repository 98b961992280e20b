//! The register as a file: its export and import (a spreadsheet's formulas written as text) and
//! the portal's `organizations` table. It stands on the foundation, the customer and the register
//! (`fabrik-store`); the core passes the module on as `fabrik::register`.

pub mod register;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{environment, error, messages, spreadsheet, vocabulary};
use fabrik_customer::customer;
use fabrik_store::store;
