//! The customer as the register keeps it (issue #69): the customers and their instances, the
//! paged list and its search, what the health check found, and the setup guide's proof customer.
//! Each file is a trait of provided methods over the register's connection (`store::Rows`),
//! provided for `Store`: bring the one you need into scope. The register knows none of them.

pub mod customers;
pub mod health;
pub mod instances;
pub mod listing;
pub mod proof;

pub use customers::{CustomerRows, ExamplesRemoved, KeptExample};
pub use health::HealthRows;
pub use instances::InstanceRows;
pub use listing::ListingRows;
pub use proof::ProofRows;
