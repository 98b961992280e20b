//! A customer's export as the window and `fabrik export` ask for it (and the teardown offers
//! it): this process's engine handed to the one core (`crate::export::deliver`), which the tick
//! also calls at a subscription's end; and the agency's keeping of them (`crate::export::keeping`).

use std::path::Path;
use std::sync::Arc;

use crate::customer::rows::CustomerRows;
use crate::error::ApiResult;
use crate::export::deliver;
pub use crate::export::deliver::{Exported, OmittedPart};
pub use crate::export::keeping::Keeping;
use crate::export::rows::ExportRows;
use crate::export::rows::{ExportReason, ExportRecord};
use crate::provision::Engine;
use crate::store::Store;
use crate::supervisor::Supervisor;

pub struct ExportApi {
    store: Arc<Store>,
    supervisor: Arc<Supervisor>,
}

impl ExportApi {
    pub fn new(store: Arc<Store>, supervisor: Arc<Supervisor>) -> ExportApi {
        ExportApi { store, supervisor }
    }

    async fn engine(&self) -> ApiResult<Engine> {
        let me = self.supervisor.clone();
        Ok(crate::blocking::run(move || me.engine()).await?)
    }

    /// The window's export: a new file `fabrik-export-SLUG-TIME.zip` in the export folder.
    pub async fn to_export_folder(&self, slug: &str) -> ApiResult<Exported> {
        let engine = self.engine().await?;
        deliver::to_export_folder(&self.store, &engine, slug, ExportReason::Asked).await
    }

    /// The export a teardown offers, behind the teardown's gate (`typed`: the slug).
    pub async fn before_teardown(&self, slug: &str, typed: &str) -> ApiResult<Exported> {
        let engine = self.engine().await?;
        deliver::before_teardown(&self.store, &engine, slug, typed).await
    }

    /// The customer's archive written to `out` (never over a file, into a folder that exists).
    pub async fn to_file(&self, slug: &str, out: &Path) -> ApiResult<Exported> {
        let engine = self.engine().await?;
        deliver::to_file(&self.store, &engine, slug, out).await
    }

    /// How long the export folder's archives are kept, and the customer's newest.
    pub fn keeping(&self, slug: &str) -> ApiResult<Keeping> {
        let exports = self.list(slug)?;
        Ok(crate::export::keeping::keeping(&self.store, exports))
    }

    /// The customer's exports, newest first.
    pub fn list(&self, slug: &str) -> ApiResult<Vec<ExportRecord>> {
        let env = self.supervisor.environment();
        let c = self.store.get_customer_in(slug, env)?;
        Ok(self.store.exports(c.id, env)?)
    }
}
