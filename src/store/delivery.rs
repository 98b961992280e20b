//! Whether Fabrik delivered the instance a customer's card shows: the ledger's word, never the
//! card's, which can be imported or typed by hand.

use super::db::params;

use super::Store;
use crate::environment::Environment;
use crate::error::Result;
use crate::ledger::{RunKind, RunState};

impl Store {
    /// The provisioning run that delivered the customer's instance in `env`: the newest one
    /// that succeeded, unless a teardown was started after it. `None` when Fabrik never
    /// finished provisioning it here (an imported card, a run that stopped half-way) or the
    /// instance it delivered is being or was removed.
    pub fn delivered_by(&self, customer_id: i64, env: Environment) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MAX(id) FROM runs
             WHERE customer_id = ?1 AND environment = ?2 AND kind = ?3 AND state = ?4
               AND id > COALESCE((SELECT MAX(id) FROM runs
                                  WHERE customer_id = ?1 AND environment = ?2 AND kind = ?5), 0)",
            params![
                customer_id,
                env,
                RunKind::Provision,
                RunState::Succeeded,
                RunKind::Teardown
            ],
            |r| r.get::<Option<i64>>(0),
        )?)
    }
}
