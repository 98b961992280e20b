//! Fabrik's template updates: the three-way classification and merge per file between the agency's
//! template and a customer's repository, and its GitHub side. It stands on the foundation and the
//! provider clients; the core passes the module on as `fabrik::template`.

pub mod template;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::secrets;
use fabrik_providers::providers;
