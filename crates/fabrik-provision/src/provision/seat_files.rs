//! What a seat keeps between processes, each record in a file of the seat's folder
//! (`kept::Kept`): read as the seat opens, so a CLI command's first run is as informed as the
//! window's tenth.

use std::path::Path;

/// How long each kind of wait took (`policy::Observed`).
pub const WAITS_FILE: &str = "waits.json";
/// The agency's sender domain at Resend (`steps::sending_key`).
pub const SENDER_DOMAIN_FILE: &str = "sender-domain.json";
/// `client-config.json` in the template trees repositories were generated from.
pub const CONFIG_IN_TREES_FILE: &str = "client-config-in-trees.json";

/// Points every record this process keeps at its file in the seat's folder `dir`, reading
/// what an earlier process kept there.
pub fn keep_in(dir: &Path) {
    super::policy::observed().keep_in(&dir.join(WAITS_FILE));
    super::steps::kept_domain().keep_in(&dir.join(SENDER_DOMAIN_FILE));
    super::client_config::kept_in_trees().keep_in(&dir.join(CONFIG_IN_TREES_FILE));
}

/// Forgets what this process kept and where, as a new process starts (benches, tests).
#[doc(hidden)]
pub fn forget() {
    super::policy::observed().forget();
    super::steps::kept_domain().forget();
    super::client_config::kept_in_trees().forget();
}
