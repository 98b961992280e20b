//! The register of workflow backups (issue #32): one row per backup run of a customer's n8n
//! workflows, naming the repository, the commit it made (none when nothing had changed: the
//! check itself says the repository holds the current workflows) and each workflow's file.
//! The files live in the backup repository; the register only says where and when.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::store::db::{params, Optional, Row};
use crate::store::{now, Rows, Store};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// Which server holds the backup repository (`backup.target`), as a backup's row names it.
    pub enum TargetKind {
        Gitea => "gitea",
        Github => "github",
    }
);

vocabulary!(
    /// Why the workflows were backed up.
    pub enum WorkflowBackupReason {
        Provisioned => "provisioned",
        OnDemand => "on_demand",
        Scheduled => "scheduled",
        BeforeRestore => "before_restore",
    }
);

/// One workflow's file in a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkflowFile {
    /// The workflow's n8n id.
    pub workflow: String,
    pub name: String,
    /// The file in the repository (`<slug>/workflows/<id>.json`).
    pub path: String,
    /// Its git blob SHA: two backups with the same one hold the same bytes.
    pub blob: String,
    /// Whether the workflow was active when it was read (not part of the file).
    pub active: bool,
}

/// A workflow backup as the register keeps it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkflowBackup {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub customer_id: i64,
    pub environment: Environment,
    #[ts(type = "number | null")]
    pub run_id: Option<i64>,
    /// `gitea` (the agency's server) or `github`.
    pub target: String,
    /// `owner/name`.
    pub repository: String,
    /// The commit that holds this version (one this backup made when `changed` > 0, else the
    /// file's last commit as the repository showed it); `None` only if Gitea did not say.
    pub commit_sha: Option<String>,
    pub files: Vec<WorkflowFile>,
    /// How many files this backup committed; 0: nothing had changed, no commit was made.
    #[ts(type = "number")]
    pub changed: i64,
    pub reason: WorkflowBackupReason,
    pub taken_at: String,
}

/// What a backup run records once its commit is made (or found needless).
pub struct NewWorkflowBackup<'a> {
    pub customer_id: i64,
    pub environment: Environment,
    pub run_id: Option<i64>,
    pub target: &'a str,
    pub repository: &'a str,
    pub commit_sha: Option<&'a str>,
    pub files: &'a [WorkflowFile],
    pub changed: i64,
    pub reason: WorkflowBackupReason,
}

const COLUMNS: &str =
    "id, customer_id, environment, run_id, target, repository, commit_sha, files, changed, reason, taken_at";

fn row(r: &Row) -> crate::store::db::Result<WorkflowBackup> {
    let files: String = r.get(7)?;
    Ok(WorkflowBackup {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        environment: r.get(2)?,
        run_id: r.get(3)?,
        target: r.get(4)?,
        repository: r.get(5)?,
        commit_sha: r.get(6)?,
        // Written by `insert_workflow_backup` only.
        files: serde_json::from_str(&files).unwrap_or_default(),
        changed: r.get(8)?,
        reason: r.get(9)?,
        taken_at: r.get(10)?,
    })
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait WorkflowBackupRows: Rows {
    /// Records a workflow backup; a run records one at most (a resumed run finds its own).
    fn insert_workflow_backup(&self, new: &NewWorkflowBackup<'_>) -> Result<WorkflowBackup> {
        let files = serde_json::to_string(new.files)
            .map_err(|e| Error::Internal(format!("workflow backup files: {e}")))?;
        let id: i64 = self.store().conn().query_row(
            "INSERT INTO workflow_backups (customer_id, environment, run_id, target, repository,
                                           commit_sha, files, changed, reason, taken_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            params![
                new.customer_id,
                new.environment,
                new.run_id,
                new.target,
                new.repository,
                new.commit_sha,
                files,
                new.changed,
                new.reason,
                now().to_rfc3339()
            ],
            |r| r.get(0),
        )?;
        self.workflow_backup(id)?
            .ok_or_else(|| Error::Internal(format!("workflow backup {id} was not written")))
    }

    fn workflow_backup(&self, id: i64) -> Result<Option<WorkflowBackup>> {
        Ok(self
            .store()
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM workflow_backups WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?)
    }

    /// The backup a run recorded, if it got that far.
    fn workflow_backup_of_run(&self, run_id: i64) -> Result<Option<WorkflowBackup>> {
        Ok(self
            .store()
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM workflow_backups WHERE run_id = ?1"),
                [run_id],
                row,
            )
            .optional()?)
    }

    /// A customer's workflow backups in one environment, newest first.
    fn workflow_backups(
        &self,
        customer_id: i64,
        environment: Environment,
    ) -> Result<Vec<WorkflowBackup>> {
        Ok(self.store().conn().query_map(
            &format!(
                "SELECT {COLUMNS} FROM workflow_backups WHERE customer_id = ?1 AND environment = ?2
                 ORDER BY id DESC"
            ),
            params![customer_id, environment],
            row,
        )?)
    }
}

impl WorkflowBackupRows for Store {}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(WORKFLOW_BACKUP_REASONS: "workflow_backup_reasons" => WorkflowBackupReason);
crate::words::words_table!(WORKFLOW_BACKUP_TARGETS: "workflow_backup_targets" => TargetKind);
