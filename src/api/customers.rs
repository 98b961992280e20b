//! The register's customers: listed, read, checked as they are typed, saved, removed; the
//! example customers and the module manifest. Each answers from the register alone.

use super::app::Fabrik;
use crate::customer::rows::ExamplesRemoved;
use crate::customer::{
    Customer, CustomerDraft, CustomerListing, CustomerPatch, CustomerQuery, ModuleManifest,
};
use crate::error::ApiResult;
use crate::services::register::DraftCheck;

impl Fabrik {
    pub(crate) fn list_customers(&self, query: CustomerQuery) -> ApiResult<CustomerListing> {
        self.register()?.list_customers(query)
    }

    pub(crate) fn get_customer(&self, slug: String) -> ApiResult<Customer> {
        self.register()?.get_customer(slug)
    }

    pub(crate) fn create_customer(&self, draft: CustomerDraft) -> ApiResult<Customer> {
        self.register()?.create_customer(draft)
    }

    pub(crate) fn update_customer(
        &self,
        slug: String,
        patch: CustomerPatch,
    ) -> ApiResult<Customer> {
        self.register()?.update_customer(slug, patch)
    }

    pub(crate) fn delete_customer(&self, slug: String) -> ApiResult<()> {
        self.register()?.delete_customer(slug)
    }

    pub(crate) fn check_draft(&self, draft: CustomerDraft) -> ApiResult<DraftCheck> {
        self.register()?.check_draft(draft)
    }

    pub(crate) fn check_patch(&self, slug: String, patch: CustomerPatch) -> ApiResult<DraftCheck> {
        self.register()?.check_patch(slug, patch)
    }

    pub(crate) fn load_examples(&self) -> ApiResult<u32> {
        self.register()?.load_examples()
    }

    pub(crate) fn remove_examples(&self) -> ApiResult<ExamplesRemoved> {
        self.register()?.remove_examples()
    }

    pub(crate) fn module_manifest(&self) -> ApiResult<ModuleManifest> {
        self.register()?.module_manifest()
    }
}
