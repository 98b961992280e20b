//! The one guarded gate (issue #55). Nothing a customer was delivered is destroyed, replaced or
//! handed away except through `pass`: a teardown, a restore or a recovery of their database, a
//! custom domain removed, their first administrator revoked. A person passes it with
//!
//! - the right, asked of the register first: an owner's (PostgreSQL decides on a shared
//!   register, and refuses the statement that records the act once more: the policy on `runs`,
//!   the ledger guard of migration 028);
//! - the name of what goes, typed (the slug, the domain, the address): consent given on purpose,
//!   not a click that slipped;
//!
//! and the act itself then proves every resource it touches right before the call (each step's
//! `owns`, the marker and the ledger's id, under the driver's fence). Who passed is recorded
//! with what the act writes: the run (its login, stamped by the server, and its seat) or the
//! register's row. A succeeded run's resources are never rolled back around the gate
//! (`claims::finished`), and nothing unattended (the inbox, the tick) passes it: they have no
//! person to type.

use crate::error::{Error, Result};
use crate::messages::Right;
use crate::store::Store;

/// The typed confirmation: what was typed, trimmed, is the name of what goes (a slug or a
/// domain, neither of which knows case). Nothing is written either way.
pub fn typed(expected: &str, typed: &str) -> Result<()> {
    let expected = expected.trim();
    match !expected.is_empty() && typed.trim().eq_ignore_ascii_case(expected) {
        true => Ok(()),
        false => Err(Error::NotConfirmed),
    }
}

/// The gate: `right` held by this login (refused, named with the right, before anything is
/// written), then `expected` typed.
pub fn pass(store: &Store, right: Right, expected: &str, typed_text: &str) -> Result<()> {
    store.require(right)?;
    typed(expected, typed_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_name_typed_passes() {
        assert!(typed("kund-ab", " kund-ab\n").is_ok());
        assert!(
            typed("kund.se", "Kund.SE").is_ok(),
            "a domain knows no case"
        );
        for wrong in ["", "kund", "kund_ab", "kund-ab-2"] {
            assert!(
                matches!(typed("kund-ab", wrong), Err(Error::NotConfirmed)),
                "{wrong:?}"
            );
        }
        assert!(
            typed("", "").is_err(),
            "nothing typed for nothing named is no consent"
        );
    }

    #[test]
    fn a_register_file_is_its_one_persons_who_holds_every_right() {
        let store = Store::open_in_memory().unwrap();
        assert!(pass(&store, Right::Teardown, "kund-ab", "kund-ab").is_ok());
        assert!(matches!(
            pass(&store, Right::Teardown, "kund-ab", "annan"),
            Err(Error::NotConfirmed)
        ));
    }
}
