//! One instance's database as the migrations see it, read and changed through the query
//! endpoint: its history, its tables, a file applied with its row.

use std::collections::BTreeSet;

use super::history::{self, Applied};
use super::migration::Migration;
use crate::providers::supabase::Supabase;
use crate::providers::ProviderError;

/// What the instance says of itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceSchema {
    /// `false` when no migration ever reached it (no `supabase_migrations.schema_migrations`).
    pub has_history: bool,
    pub history: Vec<Applied>,
    /// `schema.table` outside the system's and Supabase's own schemas.
    pub tables: BTreeSet<String>,
}

impl InstanceSchema {
    /// The newest version in its history.
    pub fn version(&self) -> Option<String> {
        super::migration::newest(self.history.iter().map(|a| &a.version))
    }
}

/// Reads the history and the tables (the two queries at once); nothing is written.
pub async fn read(sb: &Supabase, project_ref: &str) -> Result<InstanceSchema, ProviderError> {
    let (history, tables) = futures_util::future::join(
        read_history(sb, project_ref),
        sb.run_query(project_ref, history::TABLES_SQL),
    )
    .await;
    let (has_history, history) = history?;
    let tables = history::tables_from_rows(&tables?);
    Ok(InstanceSchema {
        has_history,
        history,
        tables,
    })
}

/// Reads the history only: whether it exists, and its rows, oldest first.
pub async fn read_history(
    sb: &Supabase,
    project_ref: &str,
) -> Result<(bool, Vec<Applied>), ProviderError> {
    match sb.run_query(project_ref, history::READ_SQL).await {
        Ok(rows) => Ok((true, history::from_rows(&rows))),
        Err(e) if history::is_missing_table(&e.message) => Ok((false, Vec::new())),
        Err(e) => Err(e),
    }
}

/// The newest version in the history (`None` when it is missing or empty).
pub async fn version(sb: &Supabase, project_ref: &str) -> Result<Option<String>, ProviderError> {
    let (_, history) = read_history(sb, project_ref).await?;
    Ok(super::migration::newest(history.iter().map(|a| &a.version)))
}

/// Makes the history table when missing, and gives an instance with an empty history the
/// baseline row: it was delivered with the schema Fabrik carried before templates had files.
/// Returns whether the baseline was written.
pub async fn ensure_history(
    sb: &Supabase,
    project_ref: &str,
    found: &InstanceSchema,
) -> Result<bool, ProviderError> {
    if !found.has_history {
        sb.run_query(project_ref, &history::ensure_sql()).await?;
    }
    if !found.history.is_empty() {
        return Ok(false);
    }
    match sb.run_query(project_ref, &history::baseline_sql()).await {
        Ok(_) => Ok(true),
        // Another driver wrote it a moment ago.
        Err(e) if history::is_already_applied(&e.message) => Ok(false),
        Err(e) => Err(e),
    }
}

/// How applying one file ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applying {
    Applied,
    /// Its version was in the history already (a crashed driver's request that completed, or a
    /// second driver): the whole transaction was refused, nothing was applied twice.
    AlreadyThere,
}

/// The file and its history row, in one transaction.
pub async fn apply(
    sb: &Supabase,
    project_ref: &str,
    m: &Migration,
) -> Result<Applying, ProviderError> {
    apply_ensuring(sb, project_ref, m, false).await
}

/// `apply`, with the history table made first in the same query when `ensure` (a project that
/// has none yet: one call fewer than making it on its own).
pub async fn apply_ensuring(
    sb: &Supabase,
    project_ref: &str,
    m: &Migration,
    ensure: bool,
) -> Result<Applying, ProviderError> {
    match sb
        .run_query(project_ref, &history::apply_sql(m, ensure))
        .await
    {
        Ok(_) => Ok(Applying::Applied),
        Err(e) if history::is_already_applied(&e.message) => Ok(Applying::AlreadyThere),
        Err(e) => Err(e),
    }
}
