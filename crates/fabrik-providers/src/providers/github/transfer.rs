//! A repository handed to the customer's account or organization (`POST
//! /repos/{owner}/{repo}/transfer`, spec: repos/transfer). GitHub answers 202 with the
//! repository under its original owner and moves it asynchronously; to a user it waits until
//! that user accepts. The API offers no way to withdraw a pending transfer.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::{Github, Owner};
use crate::providers::error::ProviderError;

/// What the 202 answers (`minimal-repository`, the fields Fabrik reads).
#[derive(Debug, Clone, Deserialize)]
pub struct Transferring {
    pub id: u64,
    pub full_name: String,
    pub owner: Owner,
}

impl Github {
    /// Asks GitHub to transfer `owner/name` to `new_owner` (a user or an organization).
    pub async fn transfer(
        &self,
        owner: &str,
        name: &str,
        new_owner: &str,
    ) -> Result<Transferring, ProviderError> {
        let body = json!({ "new_owner": new_owner });
        let path = format!("/repos/{owner}/{name}/transfer");
        let resp = self
            .call(Method::POST, |o| o._post(path.as_str(), Some(&body)))
            .await?;
        self.json(resp).await
    }
}
