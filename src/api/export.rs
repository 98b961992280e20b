//! Exportera data: a customer's data as one archive for them, written to the export folder,
//! and the exports the register keeps of them.

use super::app::Fabrik;
use crate::error::ApiResult;
use crate::export::rows::ExportRecord;
use crate::services::export::{ExportApi, Exported, Keeping};

impl Fabrik {
    async fn export_service(&self) -> ApiResult<ExportApi> {
        let cloud = self.cloud().await?;
        Ok(ExportApi::new(
            cloud.shared_store(),
            self.supervisor().await?,
        ))
    }

    pub(crate) async fn export_customer(&self, slug: String) -> ApiResult<Exported> {
        self.export_service().await?.to_export_folder(&slug).await
    }

    pub(crate) async fn export_before_teardown(
        &self,
        slug: String,
        confirmation: String,
    ) -> ApiResult<Exported> {
        let api = self.export_service().await?;
        api.before_teardown(&slug, &confirmation).await
    }

    pub(crate) async fn export_keeping(&self, slug: String) -> ApiResult<Keeping> {
        let api = self.export_service().await?;
        crate::blocking::run(move || api.keeping(&slug)).await
    }

    pub(crate) async fn exports(&self, slug: String) -> ApiResult<Vec<ExportRecord>> {
        let api = self.export_service().await?;
        crate::blocking::run(move || api.list(&slug)).await
    }
}
