//! The preflight: everything that can be known before a run's first call, checked before it,
//! and every problem named at once. A run that fails here has created nothing.
//!
//! What is checked: the keyring answers (it will hold the customer's secrets); the settings are
//! complete and valid; every token is present and accepted by its provider, for the configured
//! account; the sender's domain is verified in Resend (Resend refuses to send from any other).

use std::time::Duration;

use super::settings::ProvisionSettings;
use crate::error::Error;
use crate::messages::Text;
use crate::providers::declared::verify;
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::resend::Resend;
use crate::providers::retry::RetryPolicy;
use crate::providers::verify::{Expectations, VerifyState};
use crate::providers::Endpoints;
use crate::providers::Tokens;
use crate::secrets::{Provider, SecretError};

pub use crate::error::Finding;

/// Whether any finding stops a run.
pub fn blocks(found: &[Finding]) -> bool {
    found.iter().any(|f| f.blocking)
}

/// The findings as a gate: `Err(Preflight)` with every blocking one, or the caveats.
pub fn gate(found: Vec<Finding>) -> Result<Vec<Finding>, Error> {
    if blocks(&found) {
        return Err(Error::Preflight(
            found.into_iter().filter(|f| f.blocking).collect(),
        ));
    }
    Ok(found)
}

/// What the preflight looks at, gathered on the blocking pool (keyring, SQLite) so the checks
/// themselves only wait for the network.
pub struct Inputs {
    /// Production endpoints must be https; the sandbox's are the simulator.
    pub endpoints: Result<Endpoints, Error>,
    pub settings: Result<ProvisionSettings, Vec<Error>>,
    pub tokens: Result<Tokens, SecretError>,
    /// Whether the keyring answered a read (`Err` says how it did not).
    pub keyring: Result<(), SecretError>,
    /// Production checks the format of Resend keys; the sandbox's are its own.
    pub strict_format: bool,
    pub timeout: Duration,
    /// For the calls of its own (Resend allows 2 requests a second: runs started one after
    /// another meet 429s that waiting cures).
    pub retry: RetryPolicy,
}

fn error_finding(e: &Error) -> Finding {
    let subject = match e {
        Error::InvalidSetting { key, .. } => key.clone(),
        Error::Secret(_) => "keyring".into(),
        _ => e.code().as_str().into(),
    };
    Finding::blocking(subject, Text::of(e.code(), &e.params()))
}

/// Every problem found, blocking ones first; empty when a run may start.
pub async fn check(inputs: Inputs) -> Vec<Finding> {
    let mut found = Vec::new();
    if let Err(e) = &inputs.keyring {
        found.push(error_finding(&Error::Secret(e.clone())));
    }
    if let Err(all) = &inputs.settings {
        found.extend(all.iter().map(error_finding));
    }
    let endpoints = match &inputs.endpoints {
        Ok(e) => Some(e),
        Err(e) => {
            found.push(error_finding(e));
            None
        }
    };
    // The agency's own n8n has no default address; known before any token is tried.
    if endpoints.is_some_and(|e| e.n8n_api.trim().is_empty()) {
        found.push(error_finding(&super::settings::invalid(
            "n8n.api_url",
            crate::messages::Say::SettingMustSetBeforeCustomerCan2.text(),
        )));
    }
    let tokens = match &inputs.tokens {
        Ok(t) => Some(t),
        Err(e) => {
            // The keyring's own finding already says it; a second one would repeat it.
            if inputs.keyring.is_ok() {
                found.push(error_finding(&Error::Secret(e.clone())));
            }
            None
        }
    };
    if let Some(tokens) = tokens {
        let missing = tokens.missing();
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|p| p.display_name()).collect();
            found.push(error_finding(&Error::MissingTokens(names.join(", "))));
        }
    }
    if let (Some(endpoints), Some(tokens)) = (endpoints, tokens) {
        let settings = inputs.settings.as_ref().ok();
        found.extend(check_tokens(endpoints, tokens, settings, &inputs).await);
    }
    found.sort_by_key(|f| !f.blocking);
    found
}

/// Each present token against its provider, side by side; then the sender's domain.
async fn check_tokens(
    endpoints: &Endpoints,
    tokens: &Tokens,
    settings: Option<&ProvisionSettings>,
    inputs: &Inputs,
) -> Vec<Finding> {
    let template = settings.map(|s| format!("{}/{}", s.template_owner, s.template_repo));
    let expect = Expectations {
        template: template.as_deref(),
        supabase_org: settings.map(|s| s.supabase_org.as_str()),
        vercel_team_id: settings.and_then(|s| s.vercel_team_id.as_deref()),
        backup_repository: None,
        strict_format: inputs.strict_format,
    };
    // Provisioning needs the required tokens only; a workflow backup checks its own.
    let checks = Provider::REQUIRED.into_iter().filter_map(|p| {
        // Without an address n8n cannot be asked; `check` already said so.
        if p == Provider::N8n && endpoints.n8n_api.trim().is_empty() {
            return None;
        }
        let token = tokens.get(p)?.clone();
        let expect = &expect;
        Some(async move { verify(p, &token, endpoints, expect, inputs.timeout).await })
    });
    let mut found = Vec::new();
    let mut resend_ok = false;
    for v in futures_util::future::join_all(checks).await {
        let subject = v.provider.display_name();
        if v.state == VerifyState::Verified {
            resend_ok |= v.provider == Provider::Resend;
            found.extend(v.warnings.into_iter().map(|w| Finding::caveat(subject, w)));
        } else {
            found.push(Finding::blocking(
                subject,
                v.message
                    .within(|m| format!("{subject}: {m}"), |m| format!("{subject}: {m}")),
            ));
        }
    }
    if let (true, Some(settings), Some(key)) = (resend_ok, settings, tokens.get(Provider::Resend)) {
        let resend = Resend::new(&endpoints.resend_api, key.clone(), inputs.timeout);
        let listed = inputs.retry.retry(|| resend.domains()).await;
        found.extend(sender_domain(settings.sender_domain(), listed));
    }
    found
}

/// The sender's domain among the account's: present and `verified`, or a finding that says
/// what to do. A sending-only key may not list domains, nor make an instance's own sending key
/// (`resend.sending_key`): a stop.
fn sender_domain(
    domain: &str,
    listed: Result<Vec<crate::providers::resend::Domain>, ProviderError>,
) -> Option<Finding> {
    const S: &str = "email.sender_address";
    match listed {
        Ok(all) => match all.iter().find(|d| d.name.eq_ignore_ascii_case(domain)) {
            Some(d) if d.status == "verified" => None,
            Some(d) => Some(Finding::blocking(
                S,
                crate::messages::Say::PreflightSenderDomainNotVerifiedResend
                    .with(crate::messages::params! { "domain" => domain, "status" => d.status }),
            )),
            None => Some(Finding::blocking(
                S,
                crate::messages::Say::PreflightSenderDomainNotResendAccount
                    .with(crate::messages::params! { "domain" => domain }),
            )),
        },
        Err(e) if e.code.as_deref() == Some("restricted_api_key") => Some(Finding::blocking(
            "Resend",
            crate::messages::Say::PreflightResendKeyMayOnlySend
                .with(crate::messages::params! { "domain" => domain }),
        )),
        Err(e) if matches!(e.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) => {
            Some(Finding::blocking(
                "Resend",
                crate::messages::Say::PreflightResendRejectedKey
                    .with(crate::messages::params! { "message" => e.message }),
            ))
        }
        Err(e) => Some(Finding::blocking(
            S,
            crate::messages::Say::PreflightSenderDomainCouldNotChecked
                .with(crate::messages::params! { "domain" => domain, "e" => e }),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::resend::Domain;

    fn domain(name: &str, status: &str) -> Domain {
        Domain {
            id: name.into(),
            name: name.into(),
            status: status.into(),
        }
    }

    #[test]
    fn only_a_verified_sender_domain_passes() {
        assert!(sender_domain("byra.se", Ok(vec![domain("Byra.se", "verified")])).is_none());
        let pending = sender_domain("byra.se", Ok(vec![domain("byra.se", "pending")])).unwrap();
        assert!(pending.blocking && pending.message.sv.contains("status pending"));
        let absent = sender_domain("byra.se", Ok(vec![domain("annan.se", "verified")])).unwrap();
        assert!(absent.blocking && absent.message.en.contains("not in the Resend account"));
    }

    #[test]
    fn a_sending_only_key_is_a_stop() {
        let mut e = ProviderError::new(Provider::Resend, ErrorKind::Unauthorized, "restricted");
        e.code = Some("restricted_api_key".into());
        let f = sender_domain("byra.se", Err(e)).unwrap();
        assert!(f.blocking && f.message.en.contains("Full access"));
        let rejected = ProviderError::new(Provider::Resend, ErrorKind::Forbidden, "invalid");
        assert!(sender_domain("byra.se", Err(rejected)).unwrap().blocking);
    }
}
