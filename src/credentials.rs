//! The agency's tokens as the settings screen and `fabrik secrets` see them: whether each is
//! saved, whether it was verified and for which account, or what is wrong. The token itself
//! only ever goes in (save) — nothing here returns it.

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::providers::choices::AccountChoices;
use crate::providers::declared::{choices, verify};
use crate::providers::verify::{Expectations, Verification, VerifyState};
use crate::providers::Endpoints;
use crate::secrets::{Provider, Secret, SecretKey, SecretStore};
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CredentialState {
    /// "Saknas"
    Missing,
    /// "Sparad": saved, not (yet) verified.
    Saved,
    /// "Verifierad"
    Verified,
    /// Saved, and the last check found a problem (the message says which).
    Problem,
}

impl CredentialState {
    /// Its word beside a token, from the catalogue.
    pub fn label(self) -> crate::messages::Say {
        use crate::messages::Say;
        match self {
            CredentialState::Missing => Say::CredentialMissing,
            CredentialState::Saved => Say::CredentialSaved,
            CredentialState::Verified => Say::CredentialVerified,
            CredentialState::Problem => Say::CredentialProblem,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CredentialStatus {
    pub provider: Provider,
    pub state: CredentialState,
    /// The token comes from an environment variable (headless use), not the keyring.
    pub from_env: bool,
    pub verification: Option<Verification>,
}

pub struct Credentials<'a> {
    pub store: &'a Store,
    pub secrets: &'a SecretStore,
    pub environment: &'a str,
    pub endpoints: Endpoints,
    /// Settings that take precedence (the sandbox's world).
    pub overrides: &'a [(&'static str, String)],
    /// This seat's own settings: where its Gitea token writes (`backup.repository`).
    pub seat: &'a crate::seat_settings::SeatSettings,
    pub timeout: Duration,
}

impl Credentials<'_> {
    fn cache_key(&self, p: Provider) -> String {
        format!("credentials.{}.{}", self.environment, p.as_str())
    }

    fn setting(&self, key: &str) -> Option<String> {
        self.overrides
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .or_else(|| self.store.get_setting(key).ok().flatten())
            .filter(|v| !v.is_empty())
    }

    fn token(&self, p: Provider) -> Result<(Option<Secret>, bool)> {
        if let Some(v) = std::env::var(p.token_env()).ok().filter(|v| !v.is_empty()) {
            return Ok((Some(Secret::new(v)), true));
        }
        Ok((self.secrets.get(&SecretKey::Token(p))?, false))
    }

    pub fn status(&self, p: Provider) -> Result<CredentialStatus> {
        let (token, from_env) = self.token(p)?;
        let verification: Option<Verification> = self
            .store
            .get_setting(&self.cache_key(p))?
            .and_then(|j| serde_json::from_str(&j).ok());
        let state = match (&token, &verification) {
            (None, _) => CredentialState::Missing,
            (Some(_), None) => CredentialState::Saved,
            (Some(_), Some(v)) if v.state == VerifyState::Verified => CredentialState::Verified,
            (Some(_), Some(_)) => CredentialState::Problem,
        };
        Ok(CredentialStatus {
            provider: p,
            state,
            from_env,
            verification: token.and(verification),
        })
    }

    pub fn all(&self) -> Result<Vec<CredentialStatus>> {
        Provider::ALL.into_iter().map(|p| self.status(p)).collect()
    }

    /// Saves a token to the keyring. Whitespace around it (a paste) is removed; a token with
    /// whitespace inside, or an empty one, is refused before anything is written.
    pub fn save(&self, p: Provider, token: &str) -> Result<CredentialStatus> {
        let token = token.trim();
        if token.is_empty() {
            return Err(Error::InvalidToken(crate::messages::Say::TokenEmpty.text()));
        }
        if token.chars().any(char::is_whitespace) || token.len() > 4096 {
            return Err(Error::InvalidToken(
                crate::messages::Say::TokenHasSpaces.text(),
            ));
        }
        self.secrets
            .set(&SecretKey::Token(p), &Secret::new(token))?;
        self.store.remove_setting(&self.cache_key(p))?;
        self.status(p)
    }

    pub fn delete(&self, p: Provider) -> Result<CredentialStatus> {
        self.secrets.delete(&SecretKey::Token(p))?;
        self.store.remove_setting(&self.cache_key(p))?;
        self.status(p)
    }

    /// What verifying a token needs from the keyring and the settings (blocking), so the
    /// network part can run without them; `None` when no token is saved.
    pub fn prepare_test(&self, p: Provider) -> Result<Option<PreparedTest>> {
        let (token, _) = self.token(p)?;
        Ok(token.map(|token| PreparedTest {
            provider: p,
            token,
            template: self.setting("github.template"),
            supabase_org: self.setting("supabase.organization"),
            vercel_team_id: self.setting("vercel.team_id"),
            backup_repository: Some(self.seat.get("backup.repository").unwrap_or_else(|| {
                crate::provision::settings::DEFAULT_BACKUP_REPOSITORY.to_string()
            })),
            strict_format: self.environment == "production",
            endpoints: self.endpoints.clone(),
            timeout: self.timeout,
        }))
    }

    /// Remembers a verification's answer (account names and a message, never the token).
    pub fn record(&self, v: &Verification) -> Result<CredentialStatus> {
        let json = serde_json::to_string(v).map_err(|e| Error::Internal(e.to_string()))?;
        self.store.set_setting(&self.cache_key(v.provider), &json)?;
        self.status(v.provider)
    }

    /// Verifies the saved token with read-only calls and remembers the answer. (The window
    /// runs the same three parts with the blocking ones off the async workers.)
    pub async fn test(&self, p: Provider) -> Result<CredentialStatus> {
        match self.prepare_test(p)? {
            Some(prepared) => self.record(&prepared.verify().await),
            None => self.status(p),
        }
    }

    /// "Skicka testmejl": one email from the configured sender to itself, with the saved Resend
    /// key; the verification is remembered like any other.
    pub async fn send_test_email(&self) -> Result<CredentialStatus> {
        match self.prepare_test_email()? {
            Some(prepared) => self.record(&prepared.send().await),
            None => self.status(Provider::Resend),
        }
    }

    /// The keyring and settings part of a test email; `None` without a saved Resend key.
    pub fn prepare_test_email(&self) -> Result<Option<PreparedEmail>> {
        let (Some(token), _) = self.token(Provider::Resend)? else {
            return Ok(None);
        };
        let Some(address) = self.setting("email.sender_address") else {
            return Err(crate::provision::settings::invalid(
                "email.sender_address",
                crate::messages::Say::SettingSetSenderAddressFirst.text(),
            ));
        };
        let name = self
            .setting("email.sender_name")
            .unwrap_or_else(|| "Fabrik".into());
        Ok(Some(PreparedEmail {
            token,
            from: format!("{name} <{address}>"),
            address,
            resend_api: self.endpoints.resend_api.clone(),
            timeout: self.timeout,
        }))
    }

    /// Which providers a run still lacks a token for (the "Provisionera" gate).
    pub fn missing_for_run(&self) -> Result<Vec<Provider>> {
        Ok(self
            .all()?
            .into_iter()
            .filter(|s| s.state == CredentialState::Missing)
            .filter(|s| Provider::REQUIRED.contains(&s.provider))
            .map(|s| s.provider)
            .collect())
    }
}

/// A token check ready to go out: owned, so it can leave the thread that read the keyring.
pub struct PreparedTest {
    provider: Provider,
    token: Secret,
    template: Option<String>,
    supabase_org: Option<String>,
    vercel_team_id: Option<String>,
    backup_repository: Option<String>,
    strict_format: bool,
    endpoints: Endpoints,
    timeout: Duration,
}

impl PreparedTest {
    fn expect(&self) -> Expectations<'_> {
        Expectations {
            template: self.template.as_deref(),
            supabase_org: self.supabase_org.as_deref(),
            vercel_team_id: self.vercel_team_id.as_deref(),
            backup_repository: self.backup_repository.as_deref(),
            strict_format: self.strict_format,
        }
    }

    pub async fn verify(&self) -> Verification {
        verify(
            self.provider,
            &self.token,
            &self.endpoints,
            &self.expect(),
            self.timeout,
        )
        .await
    }

    /// Makes the backup repository the settings name (`backup.repository`), private, when the
    /// Gitea token's account has none by that name: asked by the owner in the guide. Then the
    /// choices read again, the new one among them.
    pub async fn create_backup_repository(
        &self,
    ) -> std::result::Result<AccountChoices, crate::providers::ProviderError> {
        let wanted = self.backup_repository.clone().unwrap_or_default();
        let gitea = crate::providers::gitea::Gitea::new(
            &self.endpoints.gitea_api,
            self.token.clone(),
            self.timeout,
        );
        let description = crate::messages::Say::BackupRepositoryDescription.text().sv;
        gitea.create_repository(wanted.trim(), &description).await?;
        Ok(self.choices().await)
    }

    /// What the token's account offers for the provider's settings (the setup guide's
    /// choices): read-only calls, nothing remembered.
    pub async fn choices(&self) -> AccountChoices {
        choices(
            self.provider,
            &self.token,
            &self.endpoints,
            &self.expect(),
            self.timeout,
        )
        .await
    }
}

/// A test email ready to go out, owned (see `PreparedTest`).
pub struct PreparedEmail {
    token: Secret,
    from: String,
    address: String,
    resend_api: String,
    timeout: Duration,
}

impl PreparedEmail {
    pub async fn send(self) -> Verification {
        let p = Provider::Resend;
        let (from, address) = (self.from, self.address);
        let resend =
            crate::providers::resend::Resend::new(&self.resend_api, self.token, self.timeout);
        let mail = crate::providers::resend::Email {
            from: &from,
            to: &address,
            subject: "Testmejl från Fabrik",
            html: "<p>Det här är ett testmejl från Fabrik. Nyckeln till Resend fungerar.</p>",
            text: "Det här är ett testmejl från Fabrik. Nyckeln till Resend fungerar.",
        };
        let key = format!("fabrik-test-{}", chrono::Utc::now().timestamp_millis());
        match resend.send(&mail, &key).await {
            Ok(id) => Verification {
                provider: p,
                state: VerifyState::Verified,
                account: Some(address.clone()),
                message: crate::messages::Say::TokenTestEmailWasSentId
                    .with(crate::messages::params! { "address" => address, "id" => id }),
                warnings: Vec::new(),
            },
            Err(e) => {
                let state = match e.kind {
                    crate::providers::ErrorKind::Unauthorized
                    | crate::providers::ErrorKind::Forbidden => VerifyState::Rejected,
                    _ => VerifyState::Unreachable,
                };
                Verification {
                    provider: p,
                    state,
                    account: None,
                    message: crate::messages::Say::TokenTestEmailCouldNotSent
                        .with(crate::messages::params! { "message" => e.message }),
                    warnings: Vec::new(),
                }
            }
        }
    }
}
