//! What this layer adds to each provider's declaration (`crate::provider`): how its token is
//! checked ("Testa anslutning") and what its account offers the setup guide. One entry per
//! provider, in the declaration's order (a test holds it); the rest of the layer reads the
//! declaration itself.

use std::time::Duration;

use futures_util::future::BoxFuture;

use super::choices::{self, AccountChoices};
use super::verify::{self, Expectations, Verification};
use super::Endpoints;
use crate::secrets::{Provider, Secret};

/// A check or a reading of an account: the token, where the provider is, what the settings
/// expect, and the time a call may take.
type Call<T> =
    for<'a> fn(&'a Secret, &'a Endpoints, &'a Expectations<'a>, Duration) -> BoxFuture<'a, T>;

pub struct Behaviour {
    pub provider: Provider,
    pub verify: Call<Verification>,
    pub choices: Call<AccountChoices>,
}

const TABLE: [Behaviour; 7] = [
    Behaviour {
        provider: Provider::Github,
        verify: |t, e, x, d| Box::pin(verify::github(t, e, x, d)),
        choices: |t, e, _, d| Box::pin(choices::github(t, e, d)),
    },
    Behaviour {
        provider: Provider::Supabase,
        verify: |t, e, x, d| Box::pin(verify::supabase(t, e, x, d)),
        choices: |t, e, x, d| Box::pin(choices::supabase(t, e, x, d)),
    },
    Behaviour {
        provider: Provider::Vercel,
        verify: |t, e, x, d| Box::pin(verify::vercel(t, e, x, d)),
        choices: |t, e, _, d| Box::pin(choices::vercel(t, e, d)),
    },
    Behaviour {
        provider: Provider::N8n,
        verify: |t, e, _, d| Box::pin(verify::n8n(t, e, d)),
        // Nothing to choose (its address is typed); its version is said.
        choices: |t, e, _, d| Box::pin(choices::n8n(t, e, d)),
    },
    Behaviour {
        provider: Provider::Resend,
        verify: |t, _, x, _| Box::pin(std::future::ready(verify::resend(t, x))),
        choices: |t, e, _, d| Box::pin(choices::resend(t, e, d)),
    },
    Behaviour {
        provider: Provider::Gitea,
        verify: |t, e, x, d| Box::pin(verify::gitea(t, e, x, d)),
        choices: |t, e, x, d| Box::pin(choices::gitea(t, e, x, d)),
    },
    Behaviour {
        provider: Provider::Stripe,
        verify: |t, e, _, d| Box::pin(verify::stripe(t, e, d)),
        // The prices the owner maps to plans (Inkorg's settings).
        choices: |t, e, _, d| Box::pin(choices::stripe(t, e, d)),
    },
];

/// `provider`'s entry.
pub fn of(provider: Provider) -> &'static Behaviour {
    &TABLE[provider as usize]
}

/// Checks `token` against `provider` with read-only calls ("Testa anslutning").
pub async fn verify(
    provider: Provider,
    token: &Secret,
    endpoints: &Endpoints,
    expect: &Expectations<'_>,
    timeout: Duration,
) -> Verification {
    (of(provider).verify)(token, endpoints, expect, timeout).await
}

/// What `token`'s account offers for `provider`'s settings.
pub async fn choices(
    provider: Provider,
    token: &Secret,
    endpoints: &Endpoints,
    expect: &Expectations<'_>,
    timeout: Duration,
) -> AccountChoices {
    (of(provider).choices)(token, endpoints, expect, timeout).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_entry_per_provider_in_the_declarations_order() {
        assert_eq!(super::TABLE.len(), crate::secrets::Provider::ALL.len());
        for p in crate::secrets::Provider::ALL {
            assert_eq!(super::of(p).provider, p);
            let api = p.declared().api_setting;
            assert!(
                super::super::endpoints::ENDPOINT_KEYS
                    .iter()
                    .any(|(k, _)| *k == api),
                "{api} is an endpoint setting"
            );
        }
    }
}
