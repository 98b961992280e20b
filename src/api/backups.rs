//! Säkerhetskopior: a customer's database backups and workflow backups, how old every
//! instance's newest are, and what Supabase's own backups can bring back.

use super::app::{blocking, Fabrik};
use crate::database::recovery::RecoveryView;
use crate::error::ApiResult;
use crate::services::backups::{BackupAge, BackupView};
use crate::workflows::backups::WorkflowBackup;

impl Fabrik {
    pub(crate) async fn backups(&self, slug: String) -> ApiResult<Vec<BackupView>> {
        blocking(self.backup_service().await?, move |b| {
            b.list(Some(&slug), false)
        })
        .await
    }

    pub(crate) async fn workflow_backups(&self, slug: String) -> ApiResult<Vec<WorkflowBackup>> {
        let api = self.backup_service().await?;
        blocking(api, move |b| b.workflow_backups(&slug)).await
    }

    pub(crate) async fn backup_ages(&self) -> ApiResult<Vec<BackupAge>> {
        blocking(self.backup_service().await?, |b| b.ages()).await
    }

    pub(crate) async fn recovery(&self, slug: String) -> ApiResult<RecoveryView> {
        self.backup_service().await?.recovery(&slug).await
    }
}
