//! A delivered instance: its health (one, all, the last check), its custom domains, its
//! deployments (one made production again, and "Ångra"), and its team.

use super::app::Fabrik;
use crate::customer::{Invitee, TeamPreview};
use crate::error::ApiResult;
use crate::health::Health;
use crate::provision::{Deployments, DomainStatus, StartOutcome};
use crate::services::deployments::DeploymentsApi;
use crate::services::team::TeamApi;
use crate::supervisor::host::Sweep;
use crate::team::{InviteReport, Revoked, TeamView};

impl Fabrik {
    /// The instance's last health check in the chosen environment, if it was ever checked.
    pub(crate) fn instance_health(&self, slug: String) -> ApiResult<Option<Health>> {
        self.register()?.instance_health(slug)
    }

    pub(crate) async fn check_health(&self, slug: String) -> ApiResult<Health> {
        let checked = self.health().await?.check(slug).await;
        // A finding is notified from the overview.
        self.poke_notices();
        checked
    }

    pub(crate) async fn check_all_health(&self) -> ApiResult<Sweep> {
        let host = self.run_host();
        self.health().await?.start_all(host).await
    }

    pub(crate) async fn health_sweep(&self) -> ApiResult<Sweep> {
        Ok(self.health().await?.sweep())
    }

    pub(crate) async fn domains(&self, slug: String) -> ApiResult<Vec<DomainStatus>> {
        self.runs().await?.domains(slug).await
    }

    pub(crate) async fn deployments(&self, slug: String) -> ApiResult<Deployments> {
        let api = DeploymentsApi::new(self.supervisor().await?);
        api.list(&slug).await
    }

    pub(crate) async fn promote_deployment(
        &self,
        slug: String,
        deployment: String,
    ) -> ApiResult<StartOutcome> {
        let api = DeploymentsApi::new(self.supervisor().await?);
        let host = self.run_host();
        Ok(api.promote(&slug, &deployment, host).await?.outcome)
    }

    pub(crate) async fn undo_promotion(&self, slug: String) -> ApiResult<StartOutcome> {
        let api = DeploymentsApi::new(self.supervisor().await?);
        let host = self.run_host();
        Ok(api.undo(&slug, host).await?.outcome)
    }

    pub(crate) async fn team(&self, slug: String) -> ApiResult<TeamView> {
        TeamApi::new(self.supervisor().await?).list(&slug).await
    }

    pub(crate) async fn team_preview(&self, slug: String, csv: String) -> ApiResult<TeamPreview> {
        TeamApi::new(self.supervisor().await?)
            .preview(&slug, &csv)
            .await
    }

    pub(crate) async fn team_invite(
        &self,
        slug: String,
        people: Vec<Invitee>,
    ) -> ApiResult<InviteReport> {
        let host = self.host.clone();
        TeamApi::new(self.supervisor().await?)
            .invite(&slug, &people, move |p| host.team(p))
            .await
    }

    pub(crate) async fn team_resend(&self, slug: String, email: String) -> ApiResult<InviteReport> {
        TeamApi::new(self.supervisor().await?)
            .resend(&slug, &email)
            .await
    }

    pub(crate) async fn team_revoke(
        &self,
        slug: String,
        email: String,
        confirmation: Option<String>,
    ) -> ApiResult<Revoked> {
        TeamApi::new(self.supervisor().await?)
            .revoke(&slug, &email, confirmation.as_deref())
            .await
    }
}
