//! A project handed to the customer's own organization through Supabase's documented claim
//! flow ("Supabase for Platforms", Claim flow): the agency asks
//! `GET /v1/oauth/authorize/project-claim` with its token and its OAuth app, and is answered
//! with the address of Supabase's page where the customer signs in, picks their organization
//! and confirms the move. The description lists 204 for it; the guide follows a redirect
//! (`curl -L`): the redirect's address is the link, taken from either.
//!
//! What the flow leaves behind is the project's claim token, which only the internal
//! `/v1/projects/{ref}/claim-token` shows and revokes (listed in `contracts/README.md`, with
//! what Fabrik does when it is refused): the proof and the undo of a handover.

use reqwest::Method;
use serde::Deserialize;

use super::{found, Supabase, P};
use crate::providers::error::ProviderError;
use crate::providers::http;
use crate::secrets::Secret;

/// The agency's OAuth app at Supabase, which the claim flow names (settings
/// `supabase.oauth_client_id` and `supabase.oauth_redirect_uri`): the customer confirms it with
/// the move, and Supabase sends them to its redirect address afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimApp {
    pub client_id: String,
    pub redirect_uri: String,
}

/// The project's claim token as Supabase shows it afterwards (`ProjectClaimTokenResponse`):
/// its alias and expiry, never the token.
#[derive(Debug, Clone, Deserialize)]
pub struct ClaimToken {
    pub token_alias: String,
    pub expires_at: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

impl Supabase {
    /// The link where the customer claims the project for their organization (spec:
    /// v1-oauth-authorize-project-claim), as a `Secret`: whoever opens it may take the project.
    /// `state` comes back to the app's redirect address with the customer.
    pub async fn claim_link(
        &self,
        project_ref: &str,
        app: &ClaimApp,
        state: &str,
    ) -> Result<Secret, ProviderError> {
        let req = self
            .req(Method::GET, "/v1/oauth/authorize/project-claim")
            .query(&[
                ("project_ref", project_ref),
                ("client_id", app.client_id.as_str()),
                ("response_type", "code"),
                ("redirect_uri", app.redirect_uri.as_str()),
                ("state", state),
            ]);
        match http::redirect(P, req).await? {
            Some(link) => Ok(Secret::new(link)),
            None => Err(ProviderError::new(
                P,
                crate::providers::error::ErrorKind::Invalid,
                "the project claim was answered without the address of its page",
            )),
        }
    }

    /// The project's claim token (spec: v1-get-project-claim-token); `None` when it has none (no
    /// token made, revoked, or redeemed).
    pub async fn claim_token(
        &self,
        project_ref: &str,
    ) -> Result<Option<ClaimToken>, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/claim-token");
        found(self.req(Method::GET, &path)).await
    }

    /// Revokes the project's claim token (spec: v1-delete-project-claim-token, 204).
    pub async fn revoke_claim_token(&self, project_ref: &str) -> Result<(), ProviderError> {
        let path = format!("/v1/projects/{project_ref}/claim-token");
        http::send(P, self.req(Method::DELETE, &path))
            .await
            .map(|_| ())
    }
}
