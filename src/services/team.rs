//! The customer's team (issue #44), one core behind the window's Team tab and `fabrik team`:
//! who is in the instance, a list checked before anyone is invited, invitations (each person's
//! result told as it comes), an invitation again, and a person's access taken away. The
//! instance's own mail (`supabase.auth_mail`) is a run like any day-two action.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::customer::{Invitee, TeamPreview};
use crate::error::ApiResult;
use crate::supervisor::Supervisor;
use crate::team::{InviteReport, InviteResult, Revoked, Team, TeamView};

/// One person's invitation done, of how many (sent to the window as it goes).
#[derive(Debug, Clone, Serialize, TS)]
pub struct TeamProgress {
    pub slug: String,
    pub done: u32,
    pub total: u32,
    pub result: InviteResult,
}

pub struct TeamApi {
    supervisor: Arc<Supervisor>,
}

impl TeamApi {
    pub fn new(supervisor: Arc<Supervisor>) -> TeamApi {
        TeamApi { supervisor }
    }

    async fn team(&self) -> ApiResult<Team> {
        let me = self.supervisor.clone();
        crate::blocking::run(move || Ok(Team::new(&me.engine()?))).await
    }

    /// The team as the instance and the register hold it now. Only reads.
    pub async fn list(&self, slug: &str) -> ApiResult<TeamView> {
        Ok(self.team().await?.list(slug).await?)
    }

    /// What inviting the list would do: everyone, or every bad row and nobody. Only reads.
    pub async fn preview(&self, slug: &str, csv: &str) -> ApiResult<TeamPreview> {
        Ok(self.team().await?.preview(slug, csv).await?)
    }

    /// Invites `people` (all checked first: all or nothing), telling `progress` each result.
    pub async fn invite(
        &self,
        slug: &str,
        people: &[Invitee],
        progress: impl Fn(&TeamProgress) + Send + Sync,
    ) -> ApiResult<InviteReport> {
        let name = slug.to_string();
        let tell = move |done: u32, total: u32, result: &InviteResult| {
            progress(&TeamProgress {
                slug: name.clone(),
                done,
                total,
                result: result.clone(),
            })
        };
        Ok(self.team().await?.invite(slug, people, &tell).await?)
    }

    pub async fn resend(&self, slug: &str, email: &str) -> ApiResult<InviteReport> {
        Ok(self.team().await?.resend(slug, email).await?)
    }

    /// Takes the person's access away (their data stays); an owner or admin only with their
    /// address typed as `confirmation`.
    pub async fn revoke(
        &self,
        slug: &str,
        email: &str,
        confirmation: Option<&str>,
    ) -> ApiResult<Revoked> {
        Ok(self.team().await?.revoke(slug, email, confirmation).await?)
    }
}
