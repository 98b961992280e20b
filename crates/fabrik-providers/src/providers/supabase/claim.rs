//! A project handed to the customer's own organization: the claim token the agency makes, reads
//! and revokes (Management API `/v1/projects/{ref}/claim-token`; the customer's organization
//! redeems it at `/v1/organizations/{slug}/project-claim/{token}`, which Fabrik never calls).

use reqwest::Method;
use serde::Deserialize;

use super::{found, Supabase, P};
use crate::providers::error::ProviderError;
use crate::providers::http;
use crate::secrets::Secret;

/// A new claim token (`CreateProjectClaimTokenResponse`): the token itself only here, once, as a
/// `Secret` (registered with the redactor, never serialised).
pub struct NewClaimToken {
    pub token: Secret,
    pub token_alias: String,
    pub expires_at: String,
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

#[derive(Deserialize)]
struct Created {
    token: String,
    token_alias: String,
    expires_at: String,
}

impl Supabase {
    /// A claim token for the project (spec: v1-create-project-claim-token, 200); a new one
    /// replaces the one before.
    pub async fn create_claim_token(
        &self,
        project_ref: &str,
    ) -> Result<NewClaimToken, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/claim-token");
        let c: Created = http::json(P, http::send(P, self.req(Method::POST, &path)).await?).await?;
        Ok(NewClaimToken {
            token: Secret::new(c.token),
            token_alias: c.token_alias,
            expires_at: c.expires_at,
        })
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
