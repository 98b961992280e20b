//! What each token is for, where it is made and what it must be allowed to do: the least that
//! works, with why. Said once, for the setup guide (`fabrik setup`; the window's guide reads
//! the same through the command table).

use serde::Serialize;
use ts_rs::TS;

use super::Endpoints;
use crate::messages::Text;
use crate::provider::Page;
use crate::secrets::Provider;

/// One thing a token must be allowed to do, and why Fabrik needs it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Permission {
    /// As the provider's page names it (`repo`, "Administration: Read and write").
    pub name: &'static str,
    pub why: Text,
    /// Without it Fabrik still works, with less (the text says what is lost).
    pub optional: bool,
}

/// A token's way of being made, when a provider has more than one (GitHub's classic and
/// fine-grained tokens).
#[derive(Debug, Clone, Serialize, TS)]
pub struct TokenKind {
    pub name: Text,
    /// The page where it is made, with the permissions filled in where the page takes them.
    pub url: String,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Guide {
    pub provider: Provider,
    pub purpose: Text,
    pub kinds: Vec<TokenKind>,
    /// Provisioning runs without it (workflow backups need it).
    pub optional: bool,
}

/// The page of a self-hosted service, under its address (`n8n.api_url`, `gitea.api_url`).
fn under(api: &str, path: &str) -> String {
    let base = api.trim_end_matches('/');
    let base = base
        .strip_suffix("/api/v1")
        .or_else(|| base.strip_suffix("/api"))
        .unwrap_or(base);
    format!("{base}{path}")
}

/// The guide for `provider`; `n8n_api` and `gitea_api` are the agency's own services'
/// addresses (their token pages are on them), empty when not set yet.
pub fn guide(provider: Provider, n8n_api: &str, gitea_api: &str) -> Guide {
    let instances = Endpoints {
        n8n_api: n8n_api.into(),
        gitea_api: gitea_api.into(),
        ..Endpoints::default()
    };
    guide_at(provider, &instances)
}

/// The guide for `provider`, its self-hosted token page under its address in `endpoints`.
pub fn guide_at(provider: Provider, endpoints: &Endpoints) -> Guide {
    let d = provider.declared();
    let kinds = d
        .tokens
        .iter()
        .map(|k| TokenKind {
            name: k.name.text(),
            url: match k.page {
                Page::At(url) => url.into(),
                Page::OnInstance(path) => {
                    under(&endpoints.get(d.api_setting).unwrap_or_default(), path)
                }
            },
            permissions: k
                .scopes
                .iter()
                .map(|s| Permission {
                    name: s.name,
                    why: s.why.text(),
                    optional: s.optional,
                })
                .collect(),
        })
        .collect();
    Guide {
        provider,
        purpose: d.purpose.text(),
        kinds,
        optional: d.optional.is_some(),
    }
}

/// What the window shows of each provider, from its declaration (`bindings.ts`'s `PROVIDERS`,
/// in `Provider::ALL`'s order), so the window keeps no list of its own.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProviderInfo {
    pub provider: Provider,
    pub label: String,
    /// Why its token is optional; `null`: every run needs it.
    pub optional: Option<Text>,
    /// What the token is for, where it is made and what it must be allowed (a self-hosted
    /// service's page is a path on its address, which the setup guide fills in).
    pub guide: Guide,
}

pub fn declared() -> Vec<ProviderInfo> {
    Provider::ALL
        .into_iter()
        .map(|p| ProviderInfo {
            provider: p,
            label: p.display_name().into(),
            optional: p.declared().optional.map(|why| why.text()),
            guide: guide_at(p, &Endpoints::default()),
        })
        .collect()
}

/// `export const PROVIDERS`, for the generated bindings.
pub fn typescript() -> String {
    let table = serde_json::to_string_pretty(&declared()).expect("the table serialises");
    format!("export const PROVIDERS: readonly ProviderInfo[] = {table};\n")
}
