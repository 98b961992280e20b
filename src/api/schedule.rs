//! Schemat: the system's scheduler running `fabrik tick`, shown, put in place and taken away;
//! and the tick's usage collection run on demand.

use super::app::Fabrik;
use crate::error::ApiResult;
use crate::metering::collect::Collected;
use crate::schedule::{app_command, schedule_error, schedule_view, ScheduleView};
use crate::schedule::{system, units::Plan};

impl Fabrik {
    pub(crate) fn schedule_status(&self) -> ApiResult<ScheduleView> {
        schedule_view(self.register()?.store(), &self.data_dir)
    }

    pub(crate) fn schedule_install(&self, plan: Plan) -> ApiResult<ScheduleView> {
        let cmd = app_command()?;
        system::install(&cmd, &plan, &self.data_dir).map_err(schedule_error)?;
        self.schedule_status()
    }

    /// Every delivered instance's usage read afresh and kept, as the tick's job reads it.
    pub(crate) async fn collect_usage(&self) -> ApiResult<Collected> {
        crate::schedule::usage::collect(self.cloud().await?, None).await
    }

    pub(crate) fn schedule_remove(&self) -> ApiResult<ScheduleView> {
        system::remove(&self.data_dir).map_err(schedule_error)?;
        self.schedule_status()
    }
}
