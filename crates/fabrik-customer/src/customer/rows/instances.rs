//! An instance's card in the register, per environment: its status, its links and what it was
//! last built with.

use crate::customer::{Applied, Instance, Module, Plan, Status};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::store::db::{params, Conn, Optional};
use crate::store::{now, Rows, Store};

/// The register's rows of this part of the customer: bring it into scope to read or write them.
pub trait InstanceRows: Rows {
    /// What a run writes on the customer's card in its own environment: the status, and the
    /// instance when one is given (`finalize`, or empty after a teardown).
    fn set_instance(
        &self,
        customer_id: i64,
        env: Environment,
        status: Status,
        instance: Option<&Instance>,
    ) -> Result<()> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let current = match instance {
            Some(i) => i.clone(),
            None => instance_in(&tx, customer_id, env)?,
        };
        write_instance(&tx, customer_id, env, status, &current)?;
        tx.execute(
            "UPDATE customers SET updated_at = ?2, version = version + 1 WHERE id = ?1",
            params![customer_id, now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The instance's production URL in `env` (a custom domain made production, or taken off).
    fn set_production_url(
        &self,
        customer_id: i64,
        env: Environment,
        url: Option<&str>,
    ) -> Result<()> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE instances SET production_url = ?3, updated_at = ?4
             WHERE customer_id = ?1 AND environment = ?2",
            params![customer_id, env, url, now()],
        )?;
        if changed == 0 {
            return Err(Error::CustomerNotFound(customer_id.to_string()));
        }
        tx.execute(
            "UPDATE customers SET updated_at = ?2, version = version + 1 WHERE id = ?1",
            params![customer_id, now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records what the instance in `env` now runs (a provisioning run's last step, or a
    /// finished "Uppdatera moduler").
    fn set_applied(
        &self,
        customer_id: i64,
        env: Environment,
        plan: Plan,
        modules: &[Module],
    ) -> Result<()> {
        let modules = serde_json::to_string(modules).map_err(|e| Error::Internal(e.to_string()))?;
        let changed = self.store().conn().execute(
            "UPDATE instances SET applied_plan = ?3, applied_modules = ?4, updated_at = ?5
             WHERE customer_id = ?1 AND environment = ?2",
            params![customer_id, env, plan.as_str(), modules, now()],
        )?;
        if changed == 0 {
            return Err(Error::CustomerNotFound(customer_id.to_string()));
        }
        Ok(())
    }

    /// What the instance in `env` was last built with, when known.
    fn applied(&self, customer_id: i64, env: Environment) -> Result<Option<(Plan, Vec<Module>)>> {
        let row: Option<(Option<String>, Option<String>)> = self
            .store()
            .conn()
            .query_row(
                "SELECT applied_plan, applied_modules FROM instances
                 WHERE customer_id = ?1 AND environment = ?2",
                params![customer_id, env],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row
            .and_then(|(p, m)| applied_from(p, m))
            .map(|a| (a.plan, a.modules)))
    }

    /// The customer's instance card in `env` (empty when nothing was written there).
    fn instance(&self, customer_id: i64, env: Environment) -> Result<Instance> {
        instance_in(&self.store().conn(), customer_id, env)
    }
}

impl InstanceRows for Store {}

/// The applied plan and modules as stored; anything unreadable counts as unknown.
pub(super) fn applied_from(plan: Option<String>, modules: Option<String>) -> Option<Applied> {
    Some(Applied {
        plan: Plan::parse(&plan?)?,
        modules: serde_json::from_str(&modules?).ok()?,
    })
}

/// The customer's card and status in one environment (the row is made on first write).
pub(super) fn write_instance(
    tx: &Conn,
    customer_id: i64,
    env: Environment,
    status: Status,
    i: &Instance,
) -> Result<()> {
    tx.execute(
        "INSERT INTO instances (customer_id, environment, status, production_url, github_repo_url,
            supabase_project_ref, vercel_project_id, n8n_workflow_id, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (customer_id, environment) DO UPDATE SET status = ?3, production_url = ?4,
            github_repo_url = ?5, supabase_project_ref = ?6, vercel_project_id = ?7,
            n8n_workflow_id = ?8, updated_at = ?9",
        params![
            customer_id,
            env,
            status.as_str(),
            i.production_url,
            i.github_repo_url,
            i.supabase_project_ref,
            i.vercel_project_id,
            i.n8n_workflow_id,
            now(),
        ],
    )?;
    Ok(())
}

pub(super) fn instance_in(tx: &Conn, customer_id: i64, env: Environment) -> Result<Instance> {
    Ok(tx
        .query_row(
            "SELECT production_url, github_repo_url, supabase_project_ref, vercel_project_id, n8n_workflow_id
             FROM instances WHERE customer_id = ?1 AND environment = ?2",
            params![customer_id, env],
            |r| {
                Ok(Instance {
                    production_url: r.get(0)?,
                    github_repo_url: r.get(1)?,
                    supabase_project_ref: r.get(2)?,
                    vercel_project_id: r.get(3)?,
                    n8n_workflow_id: r.get(4)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}
