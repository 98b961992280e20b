//! Översikt: what needs a person now, and the business at a glance (`crate::overview`).

use super::app::Fabrik;
use crate::error::ApiResult;
use crate::overview::Overview;

impl Fabrik {
    pub(crate) fn overview(&self) -> ApiResult<Overview> {
        Ok(crate::overview::read(&self.register()?.shared_store())?)
    }
}
