//! What each token is for, where it is made and what it must be allowed to do: the least that
//! works, with why. Said once, for the setup guide (`fabrik setup`; the window's guide reads
//! the same through the command table).

use serde::Serialize;
use ts_rs::TS;

use crate::messages::{Say, Text};
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

fn need(name: &'static str, why: Say) -> Permission {
    Permission {
        name,
        why: why.text(),
        optional: false,
    }
}

fn may(name: &'static str, why: Say) -> Permission {
    Permission {
        name,
        why: why.text(),
        optional: true,
    }
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
    let one = |url: String, permissions: Vec<Permission>| {
        vec![TokenKind {
            name: Say::GuideToken.text(),
            url,
            permissions,
        }]
    };
    let (purpose, kinds) = match provider {
        Provider::Github => (
            Say::GuideGithubPurpose.text(),
            vec![
                TokenKind {
                    name: Say::GuideGithubClassic.text(),
                    url: "https://github.com/settings/tokens/new?scopes=repo,delete_repo&description=Fabrik".into(),
                    permissions: vec![
                        need("repo", Say::GuideGithubRepo),
                        may("delete_repo", Say::GuideGithubDeleteRepo),
                    ],
                },
                TokenKind {
                    name: Say::GuideGithubFineGrained.text(),
                    url: "https://github.com/settings/personal-access-tokens/new".into(),
                    permissions: vec![
                        need("Administration: Read and write", Say::GuideGithubAdministration),
                        need("Contents: Read and write", Say::GuideGithubContents),
                        need("Metadata: Read-only", Say::GuideGithubMetadata),
                        may("Pull requests: Read and write", Say::GuideGithubPullRequests),
                    ],
                },
            ],
        ),
        Provider::Supabase => (
            Say::GuideSupabasePurpose.text(),
            one(
                "https://supabase.com/dashboard/account/tokens".into(),
                vec![need("Personal access token", Say::GuideSupabaseToken)],
            ),
        ),
        Provider::Vercel => (
            Say::GuideVercelPurpose.text(),
            one(
                "https://vercel.com/account/settings/tokens".into(),
                vec![need("Scope", Say::GuideVercelScope)],
            ),
        ),
        Provider::N8n => (
            Say::GuideN8nPurpose.text(),
            one(
                under(n8n_api, "/settings/api"),
                vec![need("API key", Say::GuideN8nKey)],
            ),
        ),
        Provider::Resend => (
            Say::GuideResendPurpose.text(),
            one(
                "https://resend.com/api-keys".into(),
                vec![need("Full access", Say::GuideResendSending)],
            ),
        ),
        Provider::Gitea => (
            Say::GuideGiteaPurpose.text(),
            one(
                under(gitea_api, "/user/settings/applications"),
                vec![
                    need("write:repository", Say::GuideGiteaWrite),
                    need("read:user", Say::GuideGiteaReadUser),
                ],
            ),
        ),
        Provider::Stripe => (
            Say::GuideStripePurpose.text(),
            vec![TokenKind {
                name: Say::GuideStripeRestricted.text(),
                url: "https://dashboard.stripe.com/apikeys/create".into(),
                permissions: vec![
                    need("Events: Read", Say::GuideStripeEvents),
                    need("Checkout Sessions: Read", Say::GuideStripeCheckout),
                    need("Prices: Read", Say::GuideStripePrices),
                    may("Products: Read", Say::GuideStripeProducts),
                ],
            }],
        ),
    };
    Guide {
        provider,
        purpose,
        kinds,
        optional: !Provider::REQUIRED.contains(&provider),
    }
}
