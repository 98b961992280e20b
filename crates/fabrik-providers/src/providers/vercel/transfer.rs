//! A project handed to the customer's own team: the transfer request the agency's team makes
//! (`POST /projects/{idOrName}/transfer-request`, spec: createProjectTransferRequest). The
//! receiving team accepts it with the code (`PUT /projects/transfer-request/{code}`), which
//! Fabrik never calls. The API offers no way to withdraw a request: its code lapses after 24
//! hours.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::{Vercel, P};
use crate::providers::error::ProviderError;
use crate::providers::http;
use crate::secrets::Secret;

/// How long a transfer request's code is valid (the operation's description).
pub const TRANSFER_CODE_HOURS: i64 = 24;

#[derive(Deserialize)]
struct Requested {
    code: String,
}

impl Vercel {
    /// A transfer request for the project: its code, as a `Secret` (whoever holds it may take
    /// the project).
    pub async fn request_transfer(&self, project_id: &str) -> Result<Secret, ProviderError> {
        let path = format!("/projects/{project_id}/transfer-request");
        let r = http::send(P, self.req(Method::POST, &path).json(&json!({}))).await?;
        let c: Requested = http::json(P, r).await?;
        Ok(Secret::new(c.code))
    }
}
