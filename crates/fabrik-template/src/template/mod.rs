//! Template updates: bring a new release of the agency's template into a customer repository
//! generated from an older one, file by file, without losing what the customer changed.
//!
//! Pure: the caller reads the three trees (the template at the repository's base commit and
//! at the target, the customer's default branch), hands over blobs by SHA, and turns the
//! outcomes into git blobs, one tree and one pull request.

pub mod apply;
pub mod classify;
pub mod merge;
pub mod rows;
pub mod sync;

pub use apply::{apply, blob_sha, Applied, Attention, Blobs, MissingBlob, NeedsPerson, Outcome};
pub use classify::{
    classify, Action, CustomerChange, FileChange, Rules, Summary, TemplateChange, Tree,
    IGNORE_FILE, OWN_FILES,
};
pub use merge::{merge3, Merged};

/// The corpus integration tests use too (tests/common), included here for the unit tests.
#[cfg(test)]
#[path = "../../../../tests/common/template_corpus.rs"]
mod corpus;
#[cfg(test)]
mod corpus_tests;
