//! Whether Fabrik delivered the instance a customer's card shows: the ledger's word, never the
//! card's, which can be imported or typed by hand.

use super::db::{params, Conn};

use super::Store;
use crate::environment::Environment;
use crate::error::Result;
use crate::ledger::{RunKind, RunState, StepState};

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

/// Whether Fabrik's runs may have made something for the customer (`customer`, an SQL
/// expression) that no teardown has removed since, in one environment or in any: a step that
/// created its resource, or meant to and recorded no id (it may exist), not compensated, in a
/// run not rolled back. The ledger's word, never the card's: ids typed by hand prove nothing.
/// The one rule behind "Avveckla" being offered and "Ta bort" being refused.
pub fn may_have_resources(customer: &str, env: Option<&str>) -> String {
    let (in_env, teardown_in_env) = match env {
        Some(e) => (
            format!("AND r.environment = {e}"),
            format!("AND t.environment = {e}"),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "EXISTS (
            SELECT 1 FROM run_steps s JOIN runs r ON r.id = s.run_id
            WHERE r.customer_id = {customer} {in_env}
              AND (s.created OR (s.intent IS NOT NULL AND s.external_id IS NULL))
              AND s.state != '{compensated}' AND r.state != '{rolled_back}'
              AND NOT EXISTS (SELECT 1 FROM runs t WHERE t.customer_id = r.customer_id
                              {teardown_in_env}
                              AND t.kind = '{teardown}' AND t.state = '{succeeded}'
                              AND t.id > r.id))",
        compensated = StepState::Compensated.as_str(),
        rolled_back = RunState::RolledBack.as_str(),
        teardown = RunKind::Teardown.as_str(),
        succeeded = RunState::Succeeded.as_str(),
    )
}

/// [`may_have_resources`] in any environment, for the customer `customer_id`.
pub fn has_resources(tx: &Conn, customer_id: i64) -> Result<bool> {
    Ok(tx.query_row(
        &format!("SELECT {}", may_have_resources("?1", None)),
        [customer_id],
        |r| r.get(0),
    )?)
}
