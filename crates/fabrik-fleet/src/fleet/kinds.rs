//! Every kind of roll-out, each named once: the driver finds a roll-out's definition here by
//! the kind its row carries. A `RolloutKind` without a definition does not compile.

use super::definition::Definition;
use super::schema::Schema;
use super::template::Template;
use crate::ledger::RolloutKind;

/// The definition of a kind of roll-out.
pub fn definition(kind: RolloutKind) -> &'static dyn Definition {
    match kind {
        RolloutKind::Schema => &Schema,
        RolloutKind::Template => &Template,
    }
}
