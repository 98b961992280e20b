//! Fabrik's workflow backups, the pure part: an n8n workflow as a stable file, what one commit
//! changes, the two targets a backup goes to, and what the register keeps of each backup
//! (`workflows::backups`). It stands on the foundation, the register and the
//! provider clients; the core passes the module on as `fabrik::workflows`.

pub mod workflows;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{environment, error, secrets, vocabulary, words};
use fabrik_providers::providers;
use fabrik_store::store;
