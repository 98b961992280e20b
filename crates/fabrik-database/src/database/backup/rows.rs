//! The register of backups (issue #30): one row per logical backup a run took of a customer's
//! database, naming its encrypted file (relative to the backups folder of the seat that took
//! it), the file's sha256, the key id it was sealed with, and each table's row count and
//! checksum when it was read, so a restore can be proved. A backup that retention deleted
//! keeps its row, with `removed_at`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::store::db::{params, Dialect, Optional, Row};
use crate::store::{now, Rows, Store};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// Why a backup was taken.
    pub enum BackupReason {
        BeforeMigration => "before_migration",
        BeforeRestore => "before_restore",
        OnDemand => "on_demand",
        Scheduled => "scheduled",
    }
);

/// One table's rows as a backup or a check saw them: how many, and a checksum of their
/// content that does not depend on their order (`database::backup::checksums`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSum {
    pub schema: String,
    pub table: String,
    pub rows: u64,
    pub checksum: String,
}

/// A backup as the register keeps it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Backup {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub customer_id: i64,
    pub environment: Environment,
    pub project_ref: String,
    /// The run that took it (`None` once that run was deleted).
    #[ts(type = "number | null")]
    pub run_id: Option<i64>,
    pub reason: BackupReason,
    /// The encrypted file, relative to the backups folder (`<customer uid>/<name>.fbk`).
    pub file: String,
    #[ts(type = "number")]
    pub bytes: i64,
    pub sha256: String,
    pub key_id: String,
    pub schema_version: Option<String>,
    #[ts(skip)]
    pub tables: Vec<TableSum>,
    pub created_at: String,
    /// The seat whose computer holds the file.
    pub seat: Option<String>,
    pub removed_at: Option<String>,
    /// The customer's uid, from the customer's record (empty when that is gone).
    #[ts(skip)]
    #[serde(skip)]
    pub customer_uid: String,
}

/// What a run records when it has written a backup's file.
#[derive(Debug, Clone)]
pub struct NewBackup {
    pub customer_id: i64,
    pub environment: Environment,
    pub project_ref: String,
    pub run_id: Option<i64>,
    pub reason: BackupReason,
    pub file: String,
    pub bytes: i64,
    pub sha256: String,
    pub key_id: String,
    pub schema_version: Option<String>,
    pub tables: Vec<TableSum>,
}

/// A backup with its customer's uid: the register's, not the row's, names the file's folder.
const COLUMNS: &str = "b.id, b.customer_id, b.environment, b.project_ref, b.run_id, b.reason, b.file, b.bytes, b.sha256, b.key_id, b.schema_version, b.tables, b.created_at, b.seat, b.removed_at, COALESCE(c.uid, '') FROM backups b LEFT JOIN customers c ON c.id = b.customer_id";

fn row(r: &Row) -> crate::store::db::Result<Backup> {
    let tables: String = r.get(11)?;
    Ok(Backup {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        environment: r.get(2)?,
        project_ref: r.get(3)?,
        run_id: r.get(4)?,
        reason: r.get(5)?,
        file: r.get(6)?,
        bytes: r.get(7)?,
        sha256: r.get(8)?,
        key_id: r.get(9)?,
        schema_version: r.get(10)?,
        // Written by `insert_backup` only; a row that does not read has no checks to offer.
        tables: serde_json::from_str(&tables).unwrap_or_default(),
        created_at: r.get(12)?,
        seat: r.get(13)?,
        removed_at: r.get(14)?,
        customer_uid: r.get(15)?,
    })
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait BackupRows: Rows {
    /// Records a backup whose file is written, taken now by this seat.
    fn insert_backup(&self, new: &NewBackup) -> Result<Backup> {
        let tables = serde_json::to_string(&new.tables)
            .map_err(|e| Error::Internal(format!("backup tables: {e}")))?;
        let id: i64 = self.store().conn().query_row(
            "INSERT INTO backups (customer_id, environment, project_ref, run_id, reason, file, bytes, sha256,
                                  key_id, schema_version, tables, created_at, seat)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
            params![
                new.customer_id,
                new.environment,
                new.project_ref,
                new.run_id,
                new.reason,
                new.file,
                new.bytes,
                new.sha256,
                new.key_id,
                new.schema_version,
                tables,
                now().to_rfc3339(),
                self.store().seat()
            ],
            |r| r.get(0),
        )?;
        self.backup(id)?
            .ok_or_else(|| Error::Internal(format!("backup {id} was not written")))
    }

    /// One backup by id (removed ones too).
    fn backup(&self, id: i64) -> Result<Option<Backup>> {
        Ok(self
            .store()
            .conn()
            .query_row(&format!("SELECT {COLUMNS} WHERE b.id = ?1"), [id], row)
            .optional()?)
    }

    /// The backup a run took, if it recorded one (a resumed run reuses it).
    fn backup_of_run(&self, run_id: i64) -> Result<Option<Backup>> {
        Ok(self
            .store()
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} WHERE b.run_id = ?1 ORDER BY b.id DESC LIMIT 1"),
                [run_id],
                row,
            )
            .optional()?)
    }

    /// A customer's backups in one environment, newest first; removed ones only when asked.
    fn backups(
        &self,
        customer_id: i64,
        environment: Environment,
        with_removed: bool,
    ) -> Result<Vec<Backup>> {
        let sql = format!(
            "SELECT {COLUMNS} WHERE b.customer_id = ?1 AND b.environment = ?2 {}
             ORDER BY b.created_at DESC, b.id DESC",
            if with_removed {
                ""
            } else {
                "AND b.removed_at IS NULL"
            }
        );
        Ok(self
            .store()
            .conn()
            .query_map(&sql, params![customer_id, environment], row)?)
    }

    /// The backups of a customer this seat took, newest first, not removed: what its
    /// retention counts and may delete. On a shared register only rows its own login wrote
    /// (the server stamps the login): rows another person wrote in this seat's name are not
    /// counted, so they cannot push its real backups out.
    fn own_backups(&self, customer_id: i64, environment: Environment) -> Result<Vec<Backup>> {
        let conn = self.store().conn();
        let login = match conn.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => "AND b.person = session_user",
        };
        let sql = format!(
            "SELECT {COLUMNS} WHERE b.customer_id = ?1 AND b.environment = ?2 AND b.seat = ?3
                AND b.removed_at IS NULL {login}
             ORDER BY b.created_at DESC, b.id DESC"
        );
        Ok(conn.query_map(
            &sql,
            params![customer_id, environment, self.store().seat()],
            row,
        )?)
    }

    /// Every customer's backups in one environment, newest first; removed ones only when asked.
    fn all_backups(&self, environment: Environment, with_removed: bool) -> Result<Vec<Backup>> {
        let sql = format!(
            "SELECT {COLUMNS} WHERE b.environment = ?1 {}
             ORDER BY b.created_at DESC, b.id DESC",
            if with_removed {
                ""
            } else {
                "AND b.removed_at IS NULL"
            }
        );
        Ok(self
            .store()
            .conn()
            .query_map(&sql, params![environment], row)?)
    }

    /// Marks a backup's file as deleted (retention, or by hand); `false` when it already was.
    fn mark_backup_removed(&self, id: i64) -> Result<bool> {
        let changed = self.store().conn().execute(
            "UPDATE backups SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL",
            params![id, now().to_rfc3339()],
        )?;
        Ok(changed > 0)
    }
}

impl BackupRows for Store {}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(BACKUP_REASONS: "backup_reasons" => BackupReason);
