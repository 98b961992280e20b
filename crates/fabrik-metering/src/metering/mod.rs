//! Reading what each delivered instance uses (issue #57): one instance at every provider into a
//! `usage::Reading` (`read.rs`), and every delivered instance a few at a time, kept in the
//! register (`collect.rs`; the usage rows are `kept.rs`, the days' text `kept_day.rs`, the fleet
//! view's series `kept_series.rs`), and what the kept days warn of (`warnings.rs`). Only reads:
//! nothing here changes a provider or an instance.

pub mod collect;
pub mod kept;
mod kept_day;
pub mod kept_series;
pub mod read;
pub mod warnings;

pub use kept::UsageRows;
