//! The five provider clients of a run, built from the endpoints, the tokens and the timing.

use std::time::Duration;

use super::gitea::Gitea;
use super::github::Github;
use super::n8n::N8n;
use super::resend::Resend;
use super::site::Site;
use super::supabase::Supabase;
use super::vercel::Vercel;
use super::Endpoints;
use crate::error::{Error, Result};
use crate::secrets::{Provider, Secret, SecretError, SecretKey, SecretStore};

/// The agency's tokens, one per provider (in `Provider::ALL`'s order).
#[derive(Clone, Default)]
pub struct Tokens {
    by_provider: [Option<Secret>; Provider::ALL.len()],
}

impl Tokens {
    pub fn get(&self, p: Provider) -> Option<&Secret> {
        self.by_provider[p as usize].as_ref()
    }

    pub fn set(&mut self, p: Provider, s: Option<Secret>) {
        self.by_provider[p as usize] = s;
    }

    /// The same value for every provider (the sandbox's simulator token).
    pub fn all(token: &Secret) -> Tokens {
        let mut t = Tokens::default();
        for p in Provider::ALL {
            t.set(p, Some(token.clone()));
        }
        t
    }

    /// For headless use a token may come from the environment (`FABRIK_GITHUB_TOKEN`, …);
    /// otherwise from the keyring. The keyring is asked only for what the environment lacks.
    pub fn resolve(store: &SecretStore) -> Result<Tokens, SecretError> {
        let mut t = Tokens::default();
        for p in Provider::ALL {
            let from_env = std::env::var(p.token_env())
                .ok()
                .filter(|v| !v.is_empty())
                .map(Secret::new);
            let token = match from_env {
                Some(s) => Some(s),
                None => store.get(&SecretKey::Token(p))?,
            };
            t.set(p, token);
        }
        Ok(t)
    }

    /// The required tokens that are not there (`Provider::REQUIRED`).
    pub fn missing(&self) -> Vec<Provider> {
        Provider::REQUIRED
            .into_iter()
            .filter(|p| self.get(*p).is_none())
            .collect()
    }
}

pub struct Clients {
    pub supabase: Supabase,
    pub github: Github,
    pub vercel: Vercel,
    pub n8n: N8n,
    pub resend: Resend,
    /// The customer's site, fetched as a visitor (no token).
    pub site: Site,
    /// Where workflow backups go; `None` without a Gitea address and token (only backups
    /// need them).
    pub gitea: Option<Gitea>,
}

impl Clients {
    pub fn new(
        endpoints: &Endpoints,
        tokens: &Tokens,
        vercel_team: Option<String>,
        timeout: Duration,
    ) -> Result<Clients> {
        let missing = tokens.missing();
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|p| p.display_name()).collect();
            return Err(Error::MissingTokens(names.join(", ")));
        }
        let t = |p| tokens.get(p).cloned().unwrap_or_else(|| Secret::new(""));
        Ok(Clients {
            supabase: Supabase::new(
                &endpoints.supabase_api,
                &endpoints.supabase_project_url,
                t(Provider::Supabase),
                timeout,
            ),
            github: Github::new(&endpoints.github_api, &t(Provider::Github), timeout).map_err(
                |e| {
                    crate::error::invalid_setting(
                        "github.api_url",
                        crate::messages::Text::new(e.message.clone(), e.message),
                    )
                },
            )?,
            vercel: Vercel::new(
                &endpoints.vercel_api,
                t(Provider::Vercel),
                vercel_team,
                timeout,
            ),
            n8n: N8n::new(&endpoints.n8n_api, t(Provider::N8n), timeout),
            resend: Resend::new(&endpoints.resend_api, t(Provider::Resend), timeout),
            site: Site::new(&endpoints.site_url, timeout),
            gitea: tokens
                .get(Provider::Gitea)
                .filter(|_| !endpoints.gitea_api.is_empty())
                .map(|t| Gitea::new(&endpoints.gitea_api, t.clone(), timeout)),
        })
    }
}
