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

impl Store {
    /// The succeeded runs of the customer in `env`, since its last teardown that succeeded,
    /// whose steps name `external_id` as their resource, with the step that names it: what was
    /// delivered, which only a teardown removes (`provision::creation`). Read at the moment of
    /// a rollback's delete, whatever the rolled-back run's own steps say.
    pub fn delivered_resource(
        &self,
        customer_id: i64,
        env: Environment,
        external_id: &str,
    ) -> Result<Vec<(i64, crate::ledger::StepKey)>> {
        Ok(self.conn().query_map(
            "SELECT r.id, s.key FROM run_steps s JOIN runs r ON r.id = s.run_id
             WHERE r.customer_id = ?1 AND r.environment = ?2 AND r.state = ?3
               AND s.external_id = ?4
               AND r.id > COALESCE((SELECT MAX(t.id) FROM runs t
                                    WHERE t.customer_id = ?1 AND t.environment = ?2
                                      AND t.kind = ?5 AND t.state = ?3), 0)
             ORDER BY r.id",
            params![
                customer_id,
                env,
                RunState::Succeeded,
                external_id,
                RunKind::Teardown
            ],
            |r| Ok((r.get::<i64>(0)?, r.get::<crate::ledger::StepKey>(1)?)),
        )?)
    }
}
