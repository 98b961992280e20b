//! The history.
