//! The seat's tokens and settings: each token's status, saved (it comes in and never goes back
//! out), tested, deleted; a test email; the settings screen's values.

use super::app::{blocking, Fabrik};
use crate::credentials::CredentialStatus;
use crate::error::ApiResult;
use crate::secrets::Provider;
use crate::supervisor::cloud::SettingEntry;

impl Fabrik {
    pub(crate) async fn credentials_status(&self) -> ApiResult<Vec<CredentialStatus>> {
        blocking(self.cloud().await?, |c| c.credentials_status()).await
    }

    /// The token comes in and never goes back out: the answer is its status only.
    pub(crate) async fn save_credential(
        &self,
        provider: Provider,
        token: String,
    ) -> ApiResult<CredentialStatus> {
        blocking(self.cloud().await?, move |c| {
            c.save_credential(provider, token)
        })
        .await
    }

    pub(crate) async fn test_credential(&self, provider: Provider) -> ApiResult<CredentialStatus> {
        self.cloud().await?.test_credential(provider).await
    }

    pub(crate) async fn delete_credential(
        &self,
        provider: Provider,
    ) -> ApiResult<CredentialStatus> {
        blocking(self.cloud().await?, move |c| c.delete_credential(provider)).await
    }

    pub(crate) async fn send_test_email(&self) -> ApiResult<CredentialStatus> {
        self.cloud().await?.send_test_email().await
    }

    pub(crate) async fn list_settings(&self) -> ApiResult<Vec<SettingEntry>> {
        blocking(self.cloud().await?, |c| c.list_settings()).await
    }

    pub(crate) async fn set_setting(
        &self,
        key: String,
        value: String,
    ) -> ApiResult<Vec<SettingEntry>> {
        blocking(self.cloud().await?, move |c| c.set_setting(key, value)).await
    }
}
