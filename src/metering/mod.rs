//! Reading what each delivered instance uses (issue #57): one instance at every provider into a
//! `usage::Reading` (`read.rs`), and every delivered instance a few at a time, kept in the
//! register (`collect.rs`). Only reads: nothing here changes a provider or an instance.

pub mod read;
