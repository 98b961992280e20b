//! A customer's export as the window and `fabrik export` ask for it: this process's engine
//! handed to the one core (`crate::export::deliver`), which the tick also calls at a
//! subscription's end.

use std::path::Path;
use std::sync::Arc;

use crate::error::ApiResult;
use crate::export::deliver;
pub use crate::export::deliver::{Exported, OmittedPart};
use crate::store::exports::ExportRecord;
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

    /// The window's export: a new file `fabrik-export-SLUG-TIME.zip` in the export folder.
    pub async fn to_export_folder(&self, slug: &str) -> ApiResult<Exported> {
        self.to_file(slug, &deliver::in_export_folder(slug)?).await
    }

    /// The customer's archive written to `out` (never over a file, into a folder that exists).
    pub async fn to_file(&self, slug: &str, out: &Path) -> ApiResult<Exported> {
        let me = self.supervisor.clone();
        let engine = crate::blocking::run(move || me.engine()).await?;
        deliver::to_file(&self.store, &engine, slug, out).await
    }

    /// The customer's exports, newest first.
    pub fn list(&self, slug: &str) -> ApiResult<Vec<ExportRecord>> {
        let env = self.supervisor.environment();
        let c = self.store.get_customer_in(slug, env)?;
        Ok(self.store.exports(c.id, env)?)
    }
}
