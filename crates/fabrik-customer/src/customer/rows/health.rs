//! The last health check of each instance (`health::Health`), per environment.

use crate::store::db::{params, Optional};

use crate::customer::health::Health;
use crate::environment::Environment;
use crate::error::Result;
use crate::store::{Rows, Store};

/// The register's rows of this part of the customer: bring it into scope to read or write them.
pub trait HealthRows: Rows {
    /// Keeps `health` as the instance's last check, replacing the one before.
    fn save_health(&self, customer_id: i64, health: &Health) -> Result<()> {
        let report = serde_json::to_string(health).expect("a health report serializes");
        self.store().conn().execute(
            "INSERT INTO health_checks (customer_id, environment, checked_at, healthy, findings_n, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (customer_id, environment) DO UPDATE SET
               checked_at = excluded.checked_at, healthy = excluded.healthy,
               findings_n = excluded.findings_n, report = excluded.report",
            params![
                customer_id,
                health.environment,
                health.checked_at,
                health.healthy,
                health.findings.len() as i64,
                report
            ],
        )?;
        Ok(())
    }

    /// The slugs of every customer whose instance in `env` is delivered (active or paused),
    /// by name: what "Kontrollera alla" and `fabrik status` check, and the one list every
    /// roll-out, template update and scheduled job covers. An instance handed over to its
    /// customer is not Fabrik's any more: it is never in it.
    fn delivered_slugs(&self, env: Environment) -> Result<Vec<String>> {
        let conn = self.store().conn();
        let sql = format!(
            "SELECT c.slug FROM customers c
             JOIN instances i ON i.customer_id = c.id AND i.environment = ?1
             WHERE c.archived_at IS NULL AND i.status IN ('active', 'inactive')
               AND NOT EXISTS (SELECT 1 FROM handovers h
                               WHERE h.customer_id = c.id AND h.environment = ?1
                                 AND h.handed_over_at IS NOT NULL AND h.withdrawn_at IS NULL)
             ORDER BY {}, c.id",
            conn.dialect().nocase("c.name")
        );
        let slugs = conn.query_map(&sql, params![env], |r| r.get(0))?;
        Ok(slugs)
    }

    /// The instance's last check in `env`, if it was ever checked. A report this build cannot
    /// read (written by a newer one) counts as never checked.
    fn health(&self, customer_id: i64, env: Environment) -> Result<Option<Health>> {
        let report: Option<String> = self
            .store()
            .conn()
            .query_row(
                "SELECT report FROM health_checks WHERE customer_id = ?1 AND environment = ?2",
                params![customer_id, env],
                |r| r.get(0),
            )
            .optional()?;
        Ok(report.and_then(|r| serde_json::from_str(&r).ok()))
    }
}

impl HealthRows for Store {}
