//! Översikt: what needs a person now, and the business at a glance (`crate::overview`); which
//! of it this person is notified of (`overview::notices`).

use super::app::Fabrik;
use crate::error::ApiResult;
use crate::overview::notices::NotificationSetting;
use crate::overview::{AttentionKind, Overview};

impl Fabrik {
    pub(crate) fn overview(&self) -> ApiResult<Overview> {
        let overview = crate::overview::read(&self.register()?.shared_store())?;
        // The window looks: what is new is notified now, not at the watch's next round.
        self.poke_notices();
        Ok(overview)
    }

    pub(crate) fn notification_settings(&self) -> ApiResult<Vec<NotificationSetting>> {
        Ok(self.notices.settings())
    }

    pub(crate) fn set_notification(
        &self,
        kind: AttentionKind,
        on: bool,
    ) -> ApiResult<Vec<NotificationSetting>> {
        Ok(self.notices.set(kind, on)?)
    }
}
