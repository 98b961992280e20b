//! Logical backups of a customer's database (issue #30): taken through the query endpoint,
//! encrypted at rest with a key from the OS keyring, restorable by Fabrik and readable by
//! standard PostgreSQL tools once decrypted.
//!
//! A backup is a plain SQL script (`dump_into`): the customer's own schemas (every schema that is
//! not PostgreSQL's or Supabase's, `supabase_migrations` included so the history comes back
//! with the schema), built from the catalogs and the rows, all through
//! `POST /v1/projects/{ref}/database/query`, the one way in every Supabase implementation
//! offers. `psql -v ON_ERROR_STOP=1 -f` runs it into any database that has the Supabase roles
//! and the `auth` schema; `restore` runs it in one transaction that first drops what it
//! replaces. `checksums` proves a restore brought the rows back exactly.

mod after_data;
mod catalog;
pub mod crypt;
mod data;
pub mod files;
mod restore;
pub mod rows;

use serde_json::Value;

use crate::providers::supabase::Supabase;
use crate::providers::ProviderError;

/// Kept with the register's rows (`database::backup::rows`), which record one per table.
pub use crate::database::backup::rows::TableSum;
/// The catalog's table list and the key order its rows are read in, for the customer's export.
pub use catalog::{tables, Table};
pub use data::checksums;
pub use data::{ident, Pages};
pub use restore::{
    first_part, open_to_restore, parts, restore, restore_coming, Coming, Opened, PART_BYTES,
};

/// The first line of every script Fabrik writes; `restore` refuses anything else.
pub const HEADER: &str = "-- Fabrik logical backup v1";

/// Why a backup could not be taken, read or put back. The database's own words are kept
/// (`Query`); the key and the plaintext never are.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Query(#[from] ProviderError),
    /// The database holds something a logical backup of this kind cannot carry faithfully
    /// (a partitioned or inherited table, a foreign table): refused rather than half-copied.
    #[error("{0}")]
    Unsupported(String),
    /// Not a Fabrik backup, or one changed since it was written (the AEAD tag or the
    /// recorded sha256 does not match).
    #[error("{0}")]
    Unreadable(String),
    /// The key the file names is not in this computer's keyring.
    #[error("backup key {0} is not in the keyring")]
    KeyMissing(String),
    #[error("{0}")]
    Keyring(#[from] crate::secrets::SecretError),
    #[error("{0}")]
    Io(String),
}

impl From<std::io::Error> for BackupError {
    fn from(e: std::io::Error) -> Self {
        BackupError::Io(e.to_string())
    }
}

/// The customer's own schemas, as a condition on `n.nspname` (a `pg_namespace n`): not
/// PostgreSQL's, not one Supabase manages, not an extension's. `supabase_migrations` is the
/// customer's history and is included.
pub const CUSTOMER_SCHEMA: &str = "(n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT LIKE 'pgsodium%'
    AND n.nspname NOT IN ('information_schema', 'auth', 'storage', 'extensions', 'graphql',
        'graphql_public', 'realtime', 'supabase_functions', 'vault', 'net', 'cron', '_realtime',
        'pgbouncer', '_analytics', '_supavisor', 'pgtle', 'pgmq', 'tiger', 'tiger_data', 'topology',
        'supabase_admin', 'pg_toast', '_fabrik_restore')
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass
        AND e.objid = n.oid AND e.deptype = 'e'))";

/// A condition that the object `oid` of catalog `class` is not an extension's member.
pub fn not_extension(class: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{class}'::regclass \
         AND e.objid = {oid} AND e.deptype = 'e')"
    )
}

/// The roles every Supabase database has, whose grants a backup carries: as SQL literals,
/// and as the names a statement lists.
pub(super) const API_ROLES: &str = "'anon', 'authenticated', 'service_role'";
pub(super) const API_ROLE_NAMES: &str = "anon, authenticated, service_role";

/// A condition that a relation `alias` (joined with `pg_namespace n`) is the customer's own:
/// in a customer schema, and no extension's member.
pub(super) fn rel(alias: &str) -> String {
    format!(
        "{alias}.relnamespace = n.oid AND {CUSTOMER_SCHEMA} AND {}",
        not_extension("pg_class", &format!("{alias}.oid"))
    )
}

/// Where a backup's script goes as its rows are read: a sealed file as it is written (a
/// backup, `files::Sealing`; a move archive, `relocation::archive`), so that the rows of a
/// large instance need not be held at once; or a `String`.
pub trait Script {
    fn put(&mut self, text: &str) -> Result<(), BackupError>;
}

impl Script for String {
    fn put(&mut self, text: &str) -> Result<(), BackupError> {
        self.push_str(text);
        Ok(())
    }
}

/// What a script holds, once written: its tables' counts and checksums, and the newest
/// version in the instance's migration history.
#[derive(Debug, Clone)]
pub struct Dumped {
    pub tables: Vec<TableSum>,
    pub schema_version: Option<String>,
}

/// Writes a logical backup of the customer's schemas of `project_ref` to `out`. The schema
/// comes in one call; then which tables have rows (an empty one costs no call), then the rows
/// of the others, in pages read in key order (no answer near the HTTP layer's limit, no row
/// twice), each page put to `out` as it comes. The counts and checksums recorded are of
/// exactly the rows the script holds, so a restore's check proves the file. The calls are not
/// one snapshot: a row written while it runs may or may not be in it, and tables are read one
/// after another (a row that references one added after its table was read makes the restore
/// fail whole, on the foreign key).
pub async fn dump_into<S: Script + Send>(
    supabase: &Supabase,
    project_ref: &str,
    out: &mut S,
) -> Result<Dumped, BackupError> {
    let schema = catalog::read(supabase, project_ref).await?;
    let counted = checksums(supabase, project_ref).await?;
    out.put(HEADER)?;
    out.put(&format!(
        "\n-- project {project_ref}, taken {}\n-- Run with: psql -v ON_ERROR_STOP=1 -f FILE\n\nBEGIN;\n",
        chrono::Utc::now().to_rfc3339()
    ))?;
    out.put(&schema.before_data)?;
    let mut tables = Vec::with_capacity(schema.tables.len());
    for t in &schema.tables {
        // An empty table costs no call (the Management API counts them).
        let empty = counted
            .iter()
            .any(|s| s.schema == t.schema && s.table == t.name && s.rows == 0);
        let (rows, checksum) = match empty {
            true => (0, "0-0".into()),
            false => data::rows(supabase, project_ref, t, out).await?,
        };
        tables.push(TableSum {
            schema: t.schema.clone(),
            table: t.name.clone(),
            rows,
            checksum,
        });
    }
    tables.sort_by(|a, b| (&a.schema, &a.table).cmp(&(&b.schema, &b.table)));
    out.put(&schema.after_data)?;
    out.put("COMMIT;\n")?;
    Ok(Dumped {
        tables,
        schema_version: schema.version,
    })
}

/// The newest version in `supabase_migrations.schema_migrations`, `None` when the instance
/// keeps no such history (or it is empty).
pub async fn schema_version(
    supabase: &Supabase,
    project_ref: &str,
) -> Result<Option<String>, BackupError> {
    let rows = supabase.run_query(project_ref, catalog::VERSION).await?;
    Ok(rows.first().and_then(|r| text(&r["s"])))
}

/// A column's value as text, whichever JSON type the endpoint rendered it as. (No query here
/// names a column `t`: an endpoint may wrap the query as a subquery aliased `t`.)
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The one column `col` of every row, in order; a NULL is an empty string.
pub fn column(rows: &[Value], col: &str) -> Vec<String> {
    rows.iter()
        .map(|r| text(&r[col]).unwrap_or_default())
        .collect()
}
