//! Användning: what each customer uses, costs and pays, the fleet as CSV, and the price book.
//! The days are read from the register; collecting them is the tick's (`collect_usage`).

use super::app::Fabrik;
use crate::error::ApiResult;
use crate::services::register::ExportedFile;
use crate::services::usage::UsageApi;
use crate::usage::view::{CustomerUsage, FleetUsage, PriceBook};

impl Fabrik {
    fn usage(&self) -> ApiResult<UsageApi> {
        Ok(UsageApi::new(self.register()?.shared_store()))
    }

    pub(crate) fn usage_fleet(&self, days: i64) -> ApiResult<FleetUsage> {
        self.usage()?.fleet(days)
    }

    pub(crate) fn usage_customer(&self, slug: String, days: i64) -> ApiResult<CustomerUsage> {
        self.usage()?.customer(&slug, days)
    }

    pub(crate) fn usage_csv(&self, days: i64) -> ApiResult<ExportedFile> {
        self.usage()?.csv(days)
    }

    pub(crate) fn price_book(&self) -> ApiResult<PriceBook> {
        self.usage()?.price_book()
    }

    pub(crate) fn set_price_book(&self, book: PriceBook) -> ApiResult<PriceBook> {
        self.usage()?.set_price_book(book)
    }
}
