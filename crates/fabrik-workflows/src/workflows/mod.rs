//! Workflow backups (issue #32), the pure part: an n8n workflow as a stable file (`normalize`)
//! and what one commit must change in the backup repository to hold a customer's workflows
//! (`changes`). The runs that read n8n and write the repository are `provision::steps`.

pub mod backups;
mod changes;
#[cfg(test)]
mod corpus;
mod normalize;
mod target;

pub use changes::{changes, folder_of, path_of, Planned};
pub use normalize::{normalize, unredact, NormalizeError};
pub use target::{Listing, Target, TargetKind};
