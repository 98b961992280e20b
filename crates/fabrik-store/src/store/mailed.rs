//! Which seat holds the admin's current password: the one whose email carried it last. Only
//! that seat's keyring copy is the password the admin was told; another seat's copy may be an
//! older one that was replaced on purpose since.

use super::Store;
use crate::environment::Environment;
use crate::error::Result;
use crate::ledger::{RunState, StepKey, StepState};
use crate::store::db::params;

impl Store {
    /// The seat that mailed the admin's password last in `environment` (a welcome or a new
    /// password, in a run not rolled back); `None` when no mailed password is recorded.
    /// An email recorded before the seat was written in its output counts as its run's seat's.
    pub fn admin_password_mailed_by(
        &self,
        customer_id: i64,
        environment: Environment,
    ) -> Result<Option<String>> {
        let conn = self.conn();
        let rows = conn.query_map(
            "SELECT s.output, r.seat FROM run_steps s JOIN runs r ON r.id = s.run_id
             WHERE r.customer_id = ?1 AND r.environment = ?2 AND s.key IN (?3, ?4)
               AND s.state = ?5 AND r.state != ?6
             ORDER BY r.id DESC",
            params![
                customer_id,
                environment,
                StepKey::EmailWelcome,
                StepKey::EmailNewPassword,
                StepState::Succeeded,
                RunState::RolledBack
            ],
            |r| Ok((r.get::<Option<String>>(0)?, r.get::<Option<String>>(1)?)),
        )?;
        for (output, run_seat) in rows {
            let out: serde_json::Value = output
                .and_then(|o| serde_json::from_str(&o).ok())
                .unwrap_or_default();
            // A welcome skipped as sent before, or one that carried no password, told the
            // admin nothing new.
            if out["email_id"].is_null() || out["password"] == false {
                continue;
            }
            return Ok(out["mailed_by"].as_str().map(str::to_string).or(run_seat));
        }
        Ok(None)
    }
}
