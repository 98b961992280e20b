//! The customer register's queries.

use crate::store::db::{params, Conn, DbError, Optional, Row};

use super::instances::{applied_from, write_instance};
use crate::customer::validate::ValidFields;
use crate::customer::{
    example_customers, validate_draft, validate_patch, Customer, CustomerDraft, CustomerPatch,
    FieldError, Instance, InstanceLinks, ModuleManifest, Plan, Status,
};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::ledger::{RunKind, RunState, StepState};
use crate::messages::{param_text, Right, Say, Text};
use crate::store::delivery::{has_resources, may_have_resources};
use crate::store::{now, Rows, Store};
use serde::Serialize;
use ts_rs::TS;

/// The setting that names the Vercel scope for dashboard links.
pub const VERCEL_SCOPE_SETTING: &str = "vercel.team_slug";

/// A customer with its instance in one environment (`?2`); no instance row reads as pending
/// with an empty card.
fn customer_select() -> String {
    format!(
        "SELECT c.id, c.slug, c.name, c.admin_email, c.contact_name, c.plan, c.modules,
                COALESCE(i.status, 'pending'), c.notes, c.is_example,
                i.production_url, i.github_repo_url, i.supabase_project_ref, i.vercel_project_id,
                i.n8n_workflow_id, c.created_at, c.updated_at, c.version, c.uid, ?2,
                i.applied_plan, i.applied_modules,
                (SELECT MAX(x.cancelled_at) FROM intake x WHERE x.customer_id = c.id),
                {}
         FROM customers c LEFT JOIN instances i ON i.customer_id = c.id AND i.environment = ?2",
        may_have_resources("c.id", Some("?2"))
    )
}

pub(super) fn parse_enum<T: std::str::FromStr>(
    row: &Row,
    idx: usize,
) -> crate::store::db::Result<T> {
    let text: String = row.get(idx)?;
    text.parse()
        .map_err(|_| DbError::conversion(idx, format!("unknown value {text}")))
}

fn customer_from_row(row: &Row, vercel_scope: Option<&str>) -> crate::store::db::Result<Customer> {
    let modules_json: String = row.get(6)?;
    let modules: Vec<crate::customer::Module> =
        serde_json::from_str(&modules_json).map_err(|e| DbError::conversion(6, e.to_string()))?;
    let instance = Instance {
        production_url: row.get(10)?,
        github_repo_url: row.get(11)?,
        supabase_project_ref: row.get(12)?,
        vercel_project_id: row.get(13)?,
        n8n_workflow_id: row.get(14)?,
    };
    let slug: String = row.get(1)?;
    let applied = applied_from(row.get(20)?, row.get(21)?);
    let (plan, status): (Plan, Status) = (parse_enum(row, 5)?, parse_enum(row, 7)?);
    Ok(Customer {
        id: row.get(0)?,
        links: InstanceLinks::derive(&instance, &slug, vercel_scope),
        slug,
        name: row.get(2)?,
        admin_email: row.get(3)?,
        contact_name: row.get(4)?,
        modules_outdated: Customer::outdated(status, plan, &modules, applied.as_ref()),
        applied,
        plan,
        modules,
        status,
        notes: row.get(8)?,
        is_example: row.get(9)?,
        instance,
        created_at: row.get(15)?,
        updated_at: row.get(16)?,
        version: row.get(17)?,
        uid: row.get(18)?,
        cancelled_at: row.get(22)?,
        made_by_fabrik: row.get(23)?,
        environment: row.get(19)?,
    })
}

fn search_text(f: &ValidFields) -> String {
    format!("{}\n{}\n{}", f.name, f.slug, f.admin_email).to_lowercase()
}

fn slug_taken(slug: &str) -> Error {
    Error::Validation(vec![FieldError::slug_taken(slug)])
}

fn map_unique(e: DbError, slug: &str) -> Error {
    if e.is_constraint() {
        slug_taken(slug)
    } else {
        // Through `From`, so that the database's refusal of a login becomes `forbidden`.
        e.into()
    }
}

/// The Vercel team (or account) slug the dashboard links need, when it is set.
pub(super) fn vercel_scope(conn: &Conn) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [VERCEL_SCOPE_SETTING],
            |r| r.get(0),
        )
        .optional()?)
}

fn load(tx: &Conn, slug: &str, env: Environment) -> Result<Option<Customer>> {
    let scope = vercel_scope(tx)?;
    Ok(tx
        .query_row(
            &format!("{} WHERE c.slug = ?1", customer_select()),
            params![slug, env],
            |r| customer_from_row(r, scope.as_deref()),
        )
        .optional()?)
}

fn insert(tx: &Conn, f: &ValidFields, is_example: bool, env: Environment) -> Result<()> {
    let ts = now();
    let modules =
        serde_json::to_string(&f.modules).map_err(|e| Error::DatabaseOpen(e.to_string()))?;
    let id: i64 = tx
        .query_row(
            "INSERT INTO customers (slug, name, admin_email, contact_name, plan, modules, notes, is_example,
                search_text, created_at, updated_at, version, uid)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1, ?11) RETURNING id",
            params![
                f.slug, f.name, f.admin_email, f.contact_name, f.plan.as_str(), modules, f.notes,
                is_example, search_text(f), ts, uuid::Uuid::new_v4().to_string(),
            ],
            |r| r.get(0),
        )
        .map_err(|e| map_unique(e, &f.slug))?;
    write_instance(tx, id, env, f.status, &f.instance)
}

/// The register's rows of this part of the customer: bring it into scope to read or write them.
pub trait CustomerRows: Rows {
    /// The customer with its instance in this process's environment.
    fn get_customer(&self, slug: &str) -> Result<Customer> {
        self.get_customer_in(slug, self.store().environment())
    }

    /// The customer with its instance in `env` (the engine reads its own environment).
    fn get_customer_in(&self, slug: &str, env: Environment) -> Result<Customer> {
        load(&self.store().conn(), slug, env)?
            .ok_or_else(|| Error::CustomerNotFound(slug.to_string()))
    }

    /// The slug and name of the customer with this id (a backup or a roll-out names it).
    fn customer_names(&self, customer_id: i64) -> Result<(String, String)> {
        self.store()
            .conn()
            .query_row(
                "SELECT slug, name FROM customers WHERE id = ?1",
                [customer_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|_| Error::CustomerNotFound(format!("#{customer_id}")))
    }

    fn create_customer(&self, draft: CustomerDraft, manifest: &ModuleManifest) -> Result<Customer> {
        self.create_customer_then(draft, manifest, |_, _| Ok(()))
    }

    /// `create_customer`, and `then` in the same transaction: what refers to the new customer
    /// is written with it or not at all (a process killed in between leaves neither).
    fn create_customer_then(
        &self,
        draft: CustomerDraft,
        manifest: &ModuleManifest,
        then: impl FnOnce(&Conn, &Customer) -> Result<()>,
    ) -> Result<Customer> {
        let fields = validate_draft(draft, manifest).map_err(Error::Validation)?;
        create_unrefused(self.store(), fields, then).map_err(self.store().refused(Right::Customers))
    }

    /// Applies `patch` atomically: the read, the validation and the write happen inside one
    /// IMMEDIATE transaction, so a concurrent writer in another process cannot be overwritten.
    fn update_customer(
        &self,
        slug: &str,
        patch: CustomerPatch,
        manifest: &ModuleManifest,
    ) -> Result<Customer> {
        update_unrefused(self.store(), slug, patch, manifest)
            .map_err(self.store().refused(Right::Customers))
    }

    /// Removes a customer from the register. Refused while a run drives it or anything Fabrik
    /// made for it may still exist ("Avveckla" first). A customer with runs is archived rather
    /// than deleted: its ledger is kept and its slug stays taken.
    fn delete_customer(&self, slug: &str) -> Result<()> {
        delete_unrefused(self.store(), slug).map_err(self.store().refused(Right::Customers))
    }

    /// Adds the example customers whose slugs are free; returns how many were added.
    fn insert_examples(&self, manifest: &ModuleManifest) -> Result<usize> {
        let env = self.store().environment();
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let mut added = 0;
        for ex in example_customers() {
            let mut f = validate_draft(ex.draft, manifest).map_err(Error::Validation)?;
            f.status = ex.status;
            f.instance = ex.instance;
            if load(&tx, &f.slug, env)?.is_none() {
                insert(&tx, &f, true, env)?;
                added += 1;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// "Ta bort exempel": removes the examples Fabrik never worked on. An example with a run
    /// going, or whose ledger says Fabrik may have made something for it in a cloud, is kept
    /// (deleting it would cascade that ledger away while the resources stay); one whose runs
    /// left nothing (torn down, rolled back) is archived with its ledger, as `delete_customer`
    /// does. The answer names each kept example and why, in both languages.
    fn delete_examples(&self) -> Result<ExamplesRemoved> {
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let examples: Vec<(i64, String, String)> = tx.query_map(
            "SELECT id, slug, name FROM customers WHERE is_example AND archived_at IS NULL ORDER BY id",
            (),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let (mut removed, mut kept) = (0u32, Vec::new());
        for (id, slug, name) in examples {
            let reason = if has_active_run(&tx, id)? {
                Some(Say::ExampleKeptBusy)
            } else if may_have_anything(&tx, id)? {
                Some(Say::ExampleKeptResources)
            } else {
                None
            };
            if let Some(reason) = reason {
                kept.push(KeptExample {
                    slug,
                    name,
                    reason: reason.text(),
                });
                continue;
            }
            let has_runs: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM runs WHERE customer_id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if has_runs {
                tx.execute(
                    "UPDATE customers SET archived_at = ?2, version = version + 1 WHERE id = ?1",
                    params![id, now().to_rfc3339()],
                )?;
            } else {
                tx.execute("DELETE FROM adoptions WHERE customer_id = ?1", [id])?;
                tx.execute("DELETE FROM customers WHERE id = ?1", [id])?;
            }
            removed += 1;
        }
        tx.commit()?;
        Ok(ExamplesRemoved::new(removed, kept))
    }

    /// Every live customer that is not an example, by name, with its card in `env`: what an
    /// export writes. Read in one transaction on a connection of its own, so the export is one
    /// consistent picture and the window's own queries do not wait behind it.
    fn each_customer(
        &self,
        env: Environment,
        mut each: impl FnMut(Customer) -> Result<()>,
    ) -> Result<usize> {
        // A file gets a read-only connection of its own; an in-memory register or a shared
        // PostgreSQL one is read on the store's connection (PostgreSQL serves many at once).
        let (mut own, mut shared) = (None, None);
        let conn: &mut Conn = match self.store().own_reader()? {
            Some(c) => own.insert(c),
            None => &mut *shared.insert(self.store().conn()),
        };
        let snapshot = conn.dialect() == crate::store::db::Dialect::Sqlite;
        if snapshot {
            conn.execute_batch("BEGIN DEFERRED")?;
        }
        let scope = vercel_scope(conn)?;
        let mut n = 0;
        // `?1` is the slug in the other uses of the select; here it is only typed (PostgreSQL
        // must know every parameter's type).
        let walked = conn.for_each(
            &format!(
                "{} WHERE c.archived_at IS NULL AND NOT c.is_example
                   AND CAST(?1 AS TEXT) IS NULL
                 ORDER BY {}, c.id",
                customer_select(),
                conn.dialect().nocase("c.name")
            ),
            params![Option::<String>::None, env],
            |row| {
                n += 1;
                each(customer_from_row(row, scope.as_deref())?)
            },
        );
        if snapshot {
            conn.execute_batch("COMMIT")?;
        }
        walked?;
        Ok(n)
    }

    /// Every slug the register holds, archived customers' too (their slugs stay taken).
    fn taken_slugs(&self) -> Result<std::collections::HashSet<String>> {
        let slugs: Vec<String> =
            self.store()
                .conn()
                .query_map("SELECT slug FROM customers", (), |r| r.get(0))?;
        Ok(slugs.into_iter().collect())
    }

    /// Adds imported customers, each with its status and card in this process's environment,
    /// in one transaction: all of them or none. A slug taken since the preview was made is
    /// left out and returned, not overwritten.
    fn import_customers(&self, customers: &[ValidFields]) -> Result<Vec<String>> {
        let env = self.store().environment();
        // Not the store's connection: an import may take long, and heartbeats go through it.
        let (mut own, mut shared) = (None, None);
        let conn: &mut Conn = match self.store().own_writer()? {
            Some(c) => own.insert(c),
            None => &mut *shared.insert(self.store().conn()),
        };
        let tx = conn.transaction()?;
        let mut taken = Vec::new();
        for f in customers {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM customers WHERE slug = ?1)",
                [&f.slug],
                |r| r.get(0),
            )?;
            if exists {
                taken.push(f.slug.clone());
            } else {
                insert(&tx, f, false, env)?;
            }
        }
        tx.commit()?;
        Ok(taken)
    }

    /// Bulk insert for benchmarks and load tests: one transaction, no per-row lookups.
    fn insert_many(&self, drafts: Vec<CustomerDraft>, manifest: &ModuleManifest) -> Result<usize> {
        let env = self.store().environment();
        let mut conn = self.store().conn();
        let tx = conn.transaction()?;
        let mut n = 0;
        for d in drafts {
            let f = validate_draft(d, manifest).map_err(Error::Validation)?;
            insert(&tx, &f, false, env)?;
            n += 1;
        }
        tx.commit()?;
        Ok(n)
    }
}

impl CustomerRows for Store {}

fn delete_unrefused(store: &Store, slug: &str) -> Result<()> {
    let mut conn = store.conn();
    let tx = conn.transaction()?;
    let customer = load(&tx, slug, store.environment())?
        .ok_or_else(|| Error::CustomerNotFound(slug.to_string()))?;
    let active: bool = tx.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM runs WHERE customer_id = ?1 AND state IN {})",
            crate::vocabulary::sql_list(RunState::ACTIVE.map(RunState::as_str))
        ),
        [customer.id],
        |r| r.get(0),
    )?;
    if active {
        return Err(Error::CustomerBusy(slug.to_string()));
    }
    // The ledger, not the instance card: ids typed by hand prove nothing Fabrik made.
    if has_resources(&tx, customer.id)? {
        return Err(Error::CustomerHasInstance(slug.to_string()));
    }
    let has_runs: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM runs WHERE customer_id = ?1)",
        [customer.id],
        |r| r.get(0),
    )?;
    if has_runs {
        tx.execute(
            "UPDATE customers SET archived_at = ?2, version = version + 1 WHERE id = ?1",
            params![customer.id, now().to_rfc3339()],
        )?;
    } else {
        // Adoptions allowed ahead of any run (`--adopt`) go with it: nothing was taken.
        tx.execute(
            "DELETE FROM adoptions WHERE customer_id = ?1",
            [customer.id],
        )?;
        tx.execute("DELETE FROM customers WHERE id = ?1", [customer.id])?;
    }
    tx.commit()?;
    Ok(())
}

fn update_unrefused(
    store: &Store,
    slug: &str,
    patch: CustomerPatch,
    manifest: &ModuleManifest,
) -> Result<Customer> {
    let env = store.environment();
    let mut conn = store.conn();
    let tx = conn.transaction()?;
    let current = load(&tx, slug, env)?.ok_or_else(|| Error::CustomerNotFound(slug.to_string()))?;
    if patch.expected_version.is_some_and(|v| v != current.version) {
        return Err(Error::StaleVersion);
    }
    let f = validate_patch(&current, patch, manifest).map_err(Error::Validation)?;
    // The ledger, not only the instance card: a failed run may have left resources named
    // after the slug before anything reached the card.
    if f.slug != current.slug && has_resources(&tx, current.id)? {
        return Err(Error::Validation(vec![FieldError::plain(
            "slug",
            crate::messages::ErrorCode::SlugLocked,
        )]));
    }
    if f.slug != current.slug && load(&tx, &f.slug, env)?.is_some() {
        return Err(slug_taken(&f.slug));
    }
    let modules =
        serde_json::to_string(&f.modules).map_err(|e| Error::DatabaseOpen(e.to_string()))?;
    tx.execute(
        "UPDATE customers SET slug = ?2, name = ?3, admin_email = ?4, contact_name = ?5, plan = ?6, modules = ?7,
            notes = ?8, search_text = ?9, updated_at = ?10, version = version + 1
         WHERE id = ?1",
        params![
            current.id, f.slug, f.name, f.admin_email, f.contact_name, f.plan.as_str(), modules,
            f.notes, search_text(&f), now(),
        ],
    )
    .map_err(|e| map_unique(e, &f.slug))?;
    // The card and the status belong to this environment only.
    if f.status != current.status || f.instance != current.instance {
        write_instance(&tx, current.id, env, f.status, &f.instance)?;
    }
    let updated =
        load(&tx, &f.slug, env)?.ok_or_else(|| Error::CustomerNotFound(f.slug.clone()))?;
    tx.commit()?;
    Ok(updated)
}

fn create_unrefused(
    store: &Store,
    fields: ValidFields,
    then: impl FnOnce(&Conn, &Customer) -> Result<()>,
) -> Result<Customer> {
    let env = store.environment();
    let mut conn = store.conn();
    let tx = conn.transaction()?;
    if load(&tx, &fields.slug, env)?.is_some() {
        return Err(slug_taken(&fields.slug));
    }
    insert(&tx, &fields, false, env)?;
    let created = load(&tx, &fields.slug, env)?
        .ok_or_else(|| Error::CustomerNotFound(fields.slug.clone()))?;
    then(&tx, &created)?;
    tx.commit()?;
    Ok(created)
}

/// Whether the ledger says something Fabrik created (or was about to create) for this customer
/// may still exist: a created or intended resource that was not compensated, in a run that was
/// not rolled back and not followed by a successful teardown.
fn has_active_run(tx: &Conn, customer_id: i64) -> Result<bool> {
    Ok(tx.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM runs WHERE customer_id = ?1 AND state IN {})",
            crate::vocabulary::sql_list(RunState::ACTIVE.map(RunState::as_str))
        ),
        [customer_id],
        |r| r.get(0),
    )?)
}

/// Whether the ledger records anything of the customer's that may still exist in a cloud,
/// adopted resources included: a resource or an intent of a run that was not rolled back, not
/// compensated since, and not followed by a teardown that succeeded in its environment. A
/// teardown's own rows are what it removed or left alone as not Fabrik's.
fn may_have_anything(tx: &Conn, customer_id: i64) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (
            SELECT 1 FROM run_steps s JOIN runs r ON r.id = s.run_id
            WHERE r.customer_id = ?1
              AND (s.external_id IS NOT NULL OR s.intent IS NOT NULL)
              AND s.state NOT IN (?2, ?3) AND r.state != ?4
              AND NOT (r.kind = ?5 AND r.state = ?6)
              AND NOT EXISTS (SELECT 1 FROM runs t WHERE t.customer_id = r.customer_id
                              AND t.environment = r.environment
                              AND t.kind = ?5 AND t.state = ?6 AND t.id > r.id))",
        params![
            customer_id,
            StepState::Compensated,
            StepState::Skipped,
            RunState::RolledBack,
            RunKind::Teardown,
            RunState::Succeeded
        ],
        |r| r.get(0),
    )?)
}

/// What "Ta bort exempel" did: how many examples were removed, and which were kept and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExamplesRemoved {
    pub removed: u32,
    pub kept: Vec<KeptExample>,
    /// All of it in a sentence or two, in both languages (the CLI prints `sv`).
    pub message: Text,
}

/// An example left in the register, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeptExample {
    pub slug: String,
    pub name: String,
    pub reason: Text,
}

impl ExamplesRemoved {
    fn new(removed: u32, kept: Vec<KeptExample>) -> ExamplesRemoved {
        let mut said =
            vec![Say::ExamplesRemoved.with(crate::messages::params! { "removed" => removed })];
        if !kept.is_empty() {
            let items: Vec<Text> = kept
                .iter()
                .map(|k| {
                    let mut p =
                        crate::messages::params! { "name" => k.name.as_str(), "slug" => k.slug.as_str() };
                    param_text(&mut p, "reason", &k.reason);
                    Say::ExampleKeptItem.with(p)
                })
                .collect();
            let mut p = crate::messages::params! {};
            param_text(&mut p, "list", &Text::join(&items, "; "));
            said.push(Say::ExamplesKeptTeardownFirst.with(p));
        }
        ExamplesRemoved {
            removed,
            kept,
            message: Text::join(&said, " "),
        }
    }
}
