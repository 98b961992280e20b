//! Översikt: what needs a person now, and the business at a glance (`crate::overview`).

use super::app::Fabrik;
use crate::error::{ApiResult, Error};
use crate::overview::Overview;

impl Fabrik {
    pub(crate) fn overview(&self) -> ApiResult<Overview> {
        let store = self.register()?.shared_store();
        // The register's clock: a token's days left are counted as every seat counts them.
        let now = chrono::DateTime::parse_from_rfc3339(&store.register_now()?)
            .map_err(|e| Error::Internal(e.to_string()))?
            .with_timezone(&chrono::Utc);
        Ok(crate::overview::gather(&store, now)?)
    }
}
