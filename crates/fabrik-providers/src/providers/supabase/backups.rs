//! What Supabase itself keeps of a project's database: its backups, restore points and
//! schedule, and putting the database back from them (Management API, "database/backups").

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{found, Supabase, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::http;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Backups {
    pub region: String,
    /// Physical backups (WAL-G): the paid plans.
    pub walg_enabled: bool,
    /// Point-in-time recovery: the add-on.
    pub pitr_enabled: bool,
    pub backups: Vec<ProviderBackup>,
    #[serde(default)]
    pub physical_backup_data: PhysicalBackupData,
}

/// One of Supabase's backups of a project (`V1BackupsResponse.backups[]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ProviderBackup {
    pub id: i64,
    pub is_physical_backup: bool,
    /// `COMPLETED`, `FAILED`, `PENDING`, `REMOVED`, `ARCHIVED` or `CANCELLED`.
    pub status: String,
    pub inserted_at: String,
}

/// The span the physical backups (or, with PITR, the restorable window) cover, unix seconds.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PhysicalBackupData {
    #[serde(default)]
    pub earliest_physical_backup_date_unix: Option<i64>,
    #[serde(default)]
    pub latest_physical_backup_date_unix: Option<i64>,
}

/// A named restore point (`V1RestorePointResponse`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RestorePoint {
    pub name: String,
    /// `AVAILABLE`, `PENDING`, `REMOVED` or `FAILED`.
    pub status: String,
    #[serde(default)]
    pub completed_on: Option<String>,
}

/// When the daily backup runs (`V1BackupScheduleResponse`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct BackupSchedule {
    /// Time of day, UTC, `HH:MM:SS`.
    pub schedule_for: String,
    pub updated_at: String,
}

impl Supabase {
    /// Supabase's own backups of the project (spec: v1-list-all-backups).
    pub async fn backups(&self, project_ref: &str) -> Result<Backups, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups");
        http::json(P, http::send(P, self.req(Method::GET, &path)).await?).await
    }

    /// The database put back to a point in time (spec: v1-restore-pitr-backup, 201): only with
    /// the PITR add-on (otherwise 400 "PITR is not enabled for this project.", recorded).
    pub async fn restore_pitr(
        &self,
        project_ref: &str,
        recovery_time_target_unix: i64,
    ) -> Result<(), ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/restore-pitr");
        let body = json!({ "recovery_time_target_unix": recovery_time_target_unix });
        http::send(P, self.req(Method::POST, &path).json(&body))
            .await
            .map(|_| ())
    }

    /// The database put back to one physical backup by its id (spec: v1-restore-physical-backup, 201).
    pub async fn restore_physical(
        &self,
        project_ref: &str,
        backup_id: i64,
    ) -> Result<(), ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/restore");
        http::send(
            P,
            self.req(Method::POST, &path)
                .json(&json!({ "id": backup_id })),
        )
        .await
        .map(|_| ())
    }

    /// A named restore point (spec: v1-get-restore-point); `None` when there is none.
    pub async fn restore_point(
        &self,
        project_ref: &str,
        name: &str,
    ) -> Result<Option<RestorePoint>, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/restore-point");
        let req = self.req(Method::GET, &path).query(&[("name", name)]);
        found(req).await
    }

    /// Makes a named restore point now (spec: v1-create-restore-point; a name of at most 20).
    pub async fn create_restore_point(
        &self,
        project_ref: &str,
        name: &str,
    ) -> Result<RestorePoint, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/restore-point");
        let req = self.req(Method::POST, &path).json(&json!({ "name": name }));
        http::json(P, http::send(P, req).await?).await
    }

    /// When the daily backup runs (spec: v1-get-backup-schedule); `None` on a plan without one
    /// (402 "Feature requires a higher plan") or when there is no schedule (404).
    pub async fn backup_schedule(
        &self,
        project_ref: &str,
    ) -> Result<Option<BackupSchedule>, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/database/backups/schedule");
        match http::send(P, self.req(Method::GET, &path)).await {
            Ok(r) => http::json(P, r).await.map(Some),
            Err(e) if e.status == Some(402) || e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}
