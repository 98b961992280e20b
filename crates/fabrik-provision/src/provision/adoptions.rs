//! The adoption ledger: resources Fabrik found by a customer's name without the customer's
//! marker (refused), the ones the owner then confirmed taking over (allowed) and the ones a run
//! marked and took (adopted). One row per customer, environment and resource name, bound to
//! the provider id Fabrik showed the owner: a name can be given to something else.

use crate::store::db::{params, Conn, Optional, Row};
use serde::Serialize;
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::ledger::{AdoptionState, AllowedBy, StepKey};
use crate::store::{now, Rows, Store};

#[derive(Debug, Clone, Serialize, TS)]
pub struct Adoption {
    #[ts(type = "number")]
    pub id: i64,
    pub environment: Environment,
    /// The name Fabrik looked it up by (`owner/repo`, a project or workflow name).
    pub resource: String,
    pub step: Option<StepKey>,
    pub state: AdoptionState,
    pub refused_at: Option<String>,
    pub allowed_at: Option<String>,
    pub allowed_by: Option<AllowedBy>,
    pub adopted_at: Option<String>,
    #[ts(type = "number | null")]
    pub adopted_run: Option<i64>,
    /// The provider's id of the resource as Fabrik last met it: shown with the refusal, named
    /// by the permission, marked by the adoption.
    pub external_id: Option<String>,
}

const COLUMNS: &str = "id, environment, resource, step, state, refused_at, allowed_at, allowed_by, adopted_at, adopted_run, external_id";

fn row(r: &Row) -> crate::store::db::Result<Adoption> {
    Ok(Adoption {
        id: r.get(0)?,
        environment: r.get(1)?,
        resource: r.get(2)?,
        step: r.get(3)?,
        state: r.get(4)?,
        refused_at: r.get(5)?,
        allowed_at: r.get(6)?,
        allowed_by: r.get(7)?,
        adopted_at: r.get(8)?,
        adopted_run: r.get(9)?,
        external_id: r.get(10)?,
    })
}

/// The row for one resource name of one customer in one environment.
fn one(
    conn: &Conn,
    customer_id: i64,
    environment: Environment,
    resource: &str,
) -> Result<Option<Adoption>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM adoptions WHERE customer_id = ?1 AND environment = ?2 AND resource = ?3"
            ),
            params![customer_id, environment, resource],
            row,
        )
        .optional()?)
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait AdoptionRows: Rows {
    /// Every adoption row of a customer, newest first.
    fn adoptions(&self, customer_id: i64) -> Result<Vec<Adoption>> {
        let conn = self.store().conn();
        let sql =
            format!("SELECT {COLUMNS} FROM adoptions WHERE customer_id = ?1 ORDER BY id DESC");
        let rows = conn.query_map(&sql, [customer_id], row)?;
        Ok(rows)
    }

    /// The row for one resource name in one environment, if Fabrik met it.
    fn adoption(
        &self,
        customer_id: i64,
        environment: Environment,
        resource: &str,
    ) -> Result<Option<Adoption>> {
        one(&self.store().conn(), customer_id, environment, resource)
    }

    /// A run (or a plan, `run_id` None) met `resource`, with the provider id `external_id`,
    /// without the customer's marker and left it alone; the id is what the owner is shown and
    /// what a permission will name. A permission for this very id is kept (a refusal never
    /// withdraws what the owner allowed); one for another id was for a resource that is gone
    /// (replaced under the same name), so the row is refused again and names the new id.
    fn record_refusal(
        &self,
        customer_id: i64,
        environment: Environment,
        step: StepKey,
        resource: &str,
        external_id: &str,
        run_id: Option<i64>,
    ) -> Result<()> {
        self.store().conn().execute(
            "INSERT INTO adoptions (customer_id, environment, resource, step, state, refused_at, refused_run, external_id)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (customer_id, environment, resource) DO UPDATE
               SET step = excluded.step, refused_at = excluded.refused_at, refused_run = excluded.refused_run,
                   state = CASE WHEN adoptions.state = ?9 AND adoptions.external_id = excluded.external_id
                                THEN adoptions.state ELSE ?5 END,
                   allowed_at = CASE WHEN adoptions.external_id = excluded.external_id
                                     THEN adoptions.allowed_at END,
                   allowed_by = CASE WHEN adoptions.external_id = excluded.external_id
                                     THEN adoptions.allowed_by END,
                   external_id = excluded.external_id",
            params![
                customer_id,
                environment,
                resource,
                step,
                AdoptionState::Refused,
                now().to_rfc3339(),
                run_id,
                external_id,
                AdoptionState::Allowed,
            ],
        )?;
        Ok(())
    }

    /// The owner confirmed taking `resource` over, as Fabrik last showed it: the permission
    /// names the provider id recorded with the refusal (shown in the plan and the run's
    /// refusal), so a resource replaced since under the same name is not covered by it. A name
    /// Fabrik never showed with an id (`--adopt NAME` before any plan or run) cannot be allowed.
    fn allow_adoption(
        &self,
        customer_id: i64,
        slug: &str,
        environment: Environment,
        resource: &str,
        by: AllowedBy,
    ) -> Result<Adoption> {
        allow_unrefused(self.store(), customer_id, slug, environment, resource, by)
            .map_err(self.store().refused(crate::messages::Right::Adopt))
    }

    /// A run wrote the customer's marker on an allowed resource: recorded with the run. Changes
    /// exactly the row allowed for this id, or fails.
    fn record_adopted(
        &self,
        customer_id: i64,
        environment: Environment,
        resource: &str,
        run_id: i64,
        external_id: &str,
    ) -> Result<()> {
        let changed = self.store().conn().execute(
            "UPDATE adoptions SET state = ?4, adopted_at = ?5, adopted_run = ?6
              WHERE customer_id = ?1 AND environment = ?2 AND resource = ?3 AND state = ?8
                AND external_id = ?7",
            params![
                customer_id,
                environment,
                resource,
                AdoptionState::Adopted,
                now().to_rfc3339(),
                run_id,
                external_id,
                AdoptionState::Allowed
            ],
        )?;
        crate::store::exactly_one(changed, run_id, None)
    }
}

impl AdoptionRows for Store {}

fn allow_unrefused(
    store: &Store,
    customer_id: i64,
    slug: &str,
    environment: Environment,
    resource: &str,
    by: AllowedBy,
) -> Result<Adoption> {
    let mut conn = store.conn();
    let tx = conn.transaction()?;
    let known = one(&tx, customer_id, environment, resource)?;
    match known.as_ref().map(|a| (a.state, a.external_id.is_some())) {
        Some((AdoptionState::Adopted, _)) => {}
        Some((_, true)) => {
            tx.execute(
                "UPDATE adoptions SET state = ?4, allowed_at = ?5, allowed_by = ?6
                  WHERE customer_id = ?1 AND environment = ?2 AND resource = ?3",
                params![
                    customer_id,
                    environment,
                    resource,
                    AdoptionState::Allowed,
                    now().to_rfc3339(),
                    by
                ],
            )?;
        }
        Some((_, false)) | None => {
            return Err(Error::AdoptionNotFound {
                slug: slug.to_string(),
                name: resource.to_string(),
            })
        }
    }
    let adoption = one(&tx, customer_id, environment, resource)?;
    tx.commit()?;
    adoption.ok_or_else(|| Error::Internal(format!("the adoption of {resource} was not written")))
}
