//! Migration files.
