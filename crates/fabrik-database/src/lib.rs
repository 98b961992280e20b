//! Fabrik's work on a customer's database: migration files and the instance's own history, sealed
//! logical backups, their restore and what the register keeps of them (`database::backup::rows`),
//! Supabase's recovery (`database`), and a customer's instance
//! moved into another: the move archive, the auth users and what an import is held to
//! (`relocation`). It stands on the foundation, the register and the provider clients; the core
//! passes both modules on under their names.

pub mod database;
pub mod relocation;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{environment, error, messages, paths, secrets, vocabulary, words, Result};
use fabrik_providers::providers;
use fabrik_store::store;
