//! Flytt: a customer's instance as a move archive, the archive into another delivered instance
//! (a run through the guarded gate), and what that instance holds against the archive.

use std::path::PathBuf;

use super::app::Fabrik;
use crate::error::ApiResult;
use crate::provision::StartOutcome;
use crate::services::relocation::{MoveCheck, MoveExport, RelocationApi};

impl Fabrik {
    async fn relocation(&self) -> ApiResult<RelocationApi> {
        let cloud = self.cloud().await?;
        Ok(RelocationApi::new(
            cloud.shared_store(),
            self.supervisor().await?,
            cloud.secrets.clone(),
        ))
    }

    pub(crate) async fn export_for_move(&self, slug: String, out: String) -> ApiResult<MoveExport> {
        self.relocation()
            .await?
            .export(&slug, &PathBuf::from(out))
            .await
    }

    pub(crate) async fn import_archive(
        &self,
        file: String,
        into: String,
        confirmation: String,
    ) -> ApiResult<StartOutcome> {
        let host = self.run_host();
        let api = self.relocation().await?;
        let launched = api
            .import(&PathBuf::from(file), &into, confirmation, host)
            .await?;
        Ok(launched.outcome)
    }

    pub(crate) async fn move_check(&self, file: String, into: String) -> ApiResult<MoveCheck> {
        self.relocation()
            .await?
            .check(&PathBuf::from(file), &into)
            .await
    }
}
