//! The seven providers' declarations. Every figure names where it is documented: the section of
//! `contracts/README.md` (the official descriptions kept with the code) or the provider's page.
//! Adding a provider: a variant of `Provider`, its entry here (in the same place), its client,
//! checks and choices in `providers` (`providers/declared.rs`), and its steps.

use std::time::Duration;

use super::{
    per, Counted, Declaration, Errors, Limit, Named, Page, PlanLimit, Provider, Rates, Reset,
    ResetWait, Scope, TokenPage,
};
use crate::messages::Say;

/// GitHub's secondary limits on content-generating requests (a repository, a commit):
/// "≤80 content-generating requests per minute and ≤500 per hour" (contracts/README.md,
/// "3. GitHub REST", Rate limits).
pub const GITHUB_CONTENT_MINUTE: Named = Named {
    name: "content",
    limit: per(80, 60),
};
pub const GITHUB_CONTENT_HOUR: Named = Named {
    name: "content per hour",
    limit: per(500, 3600),
};

/// Supabase's free plan: at most 2 active free projects per user, across organizations
/// (contracts/README.md, "1. Supabase Management API").
pub const SUPABASE_FREE_ACTIVE: PlanLimit = PlanLimit {
    what: "active free projects per user",
    count: 2,
    per: None,
};
/// Supabase's free plan per project: a 500 MB database, 50,000 monthly active users, 1 GB of
/// file storage, and a project paused after 7 days without activity (supabase.com/pricing,
/// "Free"; supabase.com/docs/guides/platform/billing-on-supabase). Compared with each instance's
/// figures (`usage::limits`).
pub const SUPABASE_FREE_DATABASE_MB: PlanLimit = PlanLimit {
    what: "database size in MB on the free plan",
    count: 500,
    per: None,
};
pub const SUPABASE_FREE_MONTHLY_USERS: PlanLimit = PlanLimit {
    what: "monthly active users on the free plan",
    count: 50_000,
    per: None,
};
pub const SUPABASE_FREE_STORAGE_MB: PlanLimit = PlanLimit {
    what: "file storage in MB on the free plan",
    count: 1024,
    per: None,
};
pub const SUPABASE_FREE_IDLE_DAYS: PlanLimit = PlanLimit {
    what: "days without activity before a free project is paused",
    count: 7,
    per: None,
};
/// Vercel's Hobby plan: 200 projects, 100 deployments created a day (contracts/README.md,
/// "4. Vercel REST", Plan limits; vercel.com/docs/limits).
pub const VERCEL_HOBBY_PROJECTS: PlanLimit = PlanLimit {
    what: "projects on Hobby",
    count: 200,
    per: None,
};
pub const VERCEL_HOBBY_DEPLOYS_A_DAY: PlanLimit = PlanLimit {
    what: "deployments created a day on Hobby",
    count: 100,
    per: Some(DAY),
};
/// Resend's free plan: 100 emails a day (resend.com/pricing).
pub const RESEND_FREE_A_DAY: PlanLimit = PlanLimit {
    what: "emails a day on the free plan",
    count: 100,
    per: Some(DAY),
};

/// And 3,000 emails a month (resend.com/pricing, "Free").
pub const RESEND_FREE_A_MONTH: PlanLimit = PlanLimit {
    what: "emails a month on the free plan",
    count: 3_000,
    per: Some(MONTH),
};

const DAY: Duration = Duration::from_secs(24 * 3600);
const MONTH: Duration = Duration::from_secs(30 * 24 * 3600);

const fn need(name: &'static str, why: Say) -> Scope {
    Scope {
        name,
        why,
        optional: false,
    }
}

const fn may(name: &'static str, why: Say) -> Scope {
    Scope {
        name,
        why,
        optional: true,
    }
}

/// One way of making its token, called "Token".
const fn token(page: Page, scopes: &'static [Scope]) -> TokenPage {
    TokenPage {
        name: Say::GuideToken,
        page,
        scopes,
    }
}

/// A provider whose answers carry no rate-limit figure Fabrik paces by.
const fn unpaced(limit: Option<Limit>, counted: Counted) -> Rates {
    Rates {
        counted,
        limit,
        writes_also: &[],
        headers: "x-ratelimit-",
        reset: Reset::SecondsLeft,
        reset_is_wait: ResetWait::Never,
        forbidden_when_limited: false,
        unsaid_wait: None,
        token_expiry_header: None,
        not_counted_under: &[],
    }
}

/// `{message}` and nothing else (n8n; Gitea's APIError is `{message, url}`).
const MESSAGE_ONLY: Errors = Errors {
    code: &[],
    message: &["/message"],
    invalid_token: None,
    details: None,
    exists_is_conflict: false,
};

pub(super) const TABLE: [Declaration; 7] = [
    Declaration {
        provider: Provider::Github,
        name: "github",
        label: "GitHub",
        token_env: "FABRIK_GITHUB_TOKEN",
        keyring: "token:github",
        optional: None,
        api_setting: "github.api_url",
        purpose: Say::GuideGithubPurpose,
        tokens: &[
            TokenPage {
                name: Say::GuideGithubClassic,
                page: Page::At(
                    "https://github.com/settings/tokens/new?scopes=repo,delete_repo&description=Fabrik",
                ),
                scopes: &[
                    need("repo", Say::GuideGithubRepo),
                    may("delete_repo", Say::GuideGithubDeleteRepo),
                ],
            },
            TokenPage {
                name: Say::GuideGithubFineGrained,
                page: Page::At("https://github.com/settings/personal-access-tokens/new"),
                scopes: &[
                    need(
                        "Administration: Read and write",
                        Say::GuideGithubAdministration,
                    ),
                    need("Contents: Read and write", Say::GuideGithubContents),
                    need("Metadata: Read-only", Say::GuideGithubMetadata),
                    may(
                        "Pull requests: Read and write",
                        Say::GuideGithubPullRequests,
                    ),
                ],
            },
        ],
        // Primary: 5,000 requests an hour for a user token; reset in epoch seconds; a refusal
        // is a 403 or 429, and a secondary limit without any header waits at least a minute
        // (contracts/README.md, "3. GitHub REST", Rate limits). Every write may count as
        // content-generating: GitHub does not list which do, and a ref moved (PATCH) or a
        // repository deleted is a change.
        rates: Rates {
            counted: Counted::Named("core"),
            limit: Some(per(5000, 3600)),
            writes_also: &[GITHUB_CONTENT_MINUTE, GITHUB_CONTENT_HOUR],
            headers: "x-ratelimit-",
            reset: Reset::Epoch,
            reset_is_wait: ResetWait::WhenSpent,
            forbidden_when_limited: true,
            unsaid_wait: Some(Duration::from_secs(60)),
            token_expiry_header: Some("github-authentication-token-expiration"),
            not_counted_under: &[],
        },
        plans: &[GITHUB_CONTENT_HOUR_PLAN],
        // `{message, errors: [{message}]}`; "Could not clone: Name already exists on this
        // account" is a 422.
        errors: Errors {
            code: &[],
            message: &["/message"],
            invalid_token: None,
            details: Some("/errors"),
            exists_is_conflict: true,
        },
    },
    Declaration {
        provider: Provider::Supabase,
        name: "supabase",
        label: "Supabase",
        token_env: "FABRIK_SUPABASE_TOKEN",
        keyring: "token:supabase",
        optional: None,
        api_setting: "supabase.api_url",
        purpose: Say::GuideSupabasePurpose,
        tokens: &[token(
            Page::At("https://supabase.com/dashboard/account/tokens"),
            &[need("Personal access token", Say::GuideSupabaseToken)],
        )],
        // 120 requests a minute, per project or organization scope and endpoint; reset in
        // seconds remaining (contracts/README.md, "1. Supabase Management API", Rate limits).
        // The limit is the Management API's: a project's own Auth and Storage document none.
        rates: Rates {
            reset_is_wait: ResetWait::Always,
            not_counted_under: &["/auth/v1/", "/storage/v1/"],
            ..unpaced(Some(per(120, 60)), Counted::PerPath)
        },
        plans: &[SUPABASE_FREE_ACTIVE],
        // Supabase Auth sends {error_code, msg} or {code, message} depending on the API version.
        errors: Errors {
            code: &["/error_code", "/code"],
            message: &["/message", "/msg", "/error_description"],
            ..MESSAGE_ONLY
        },
    },
    Declaration {
        provider: Provider::Vercel,
        name: "vercel",
        label: "Vercel",
        token_env: "FABRIK_VERCEL_TOKEN",
        keyring: "token:vercel",
        optional: None,
        api_setting: "vercel.api_url",
        purpose: Say::GuideVercelPurpose,
        tokens: &[token(
            Page::At("https://vercel.com/account/settings/tokens"),
            &[need("Scope", Say::GuideVercelScope)],
        )],
        // Per token and endpoint; reset in epoch seconds. Vercel publishes no figure per
        // endpoint; 100 a minute is the common value its answers report (contracts/README.md,
        // "4. Vercel REST", Rate limits).
        rates: Rates {
            reset: Reset::Epoch,
            reset_is_wait: ResetWait::WhenSpent,
            ..unpaced(Some(per(100, 60)), Counted::PerEndpoint)
        },
        plans: &[VERCEL_HOBBY_PROJECTS, VERCEL_HOBBY_DEPLOYS_A_DAY],
        // `{"error": {code, message}}`; an unknown token is a 403 with `invalidToken: true`,
        // not a missing permission.
        errors: Errors {
            code: &["/error/code"],
            message: &["/error/message"],
            invalid_token: Some("/error/invalidToken"),
            ..MESSAGE_ONLY
        },
    },
    Declaration {
        provider: Provider::N8n,
        name: "n8n",
        label: "n8n",
        token_env: "FABRIK_N8N_API_KEY",
        keyring: "token:n8n",
        optional: None,
        api_setting: "n8n.api_url",
        purpose: Say::GuideN8nPurpose,
        tokens: &[token(
            Page::OnInstance("/settings/api"),
            &[need("API key", Say::GuideN8nKey)],
        )],
        // None documented for the public API (contracts/README.md, "5. n8n Public API v1").
        rates: unpaced(None, Counted::NotPaced),
        plans: &[],
        errors: MESSAGE_ONLY,
    },
    Declaration {
        provider: Provider::Resend,
        name: "resend",
        label: "Resend",
        token_env: "FABRIK_RESEND_API_KEY",
        keyring: "token:resend",
        optional: None,
        api_setting: "resend.api_url",
        purpose: Say::GuideResendPurpose,
        tokens: &[token(
            Page::At("https://resend.com/api-keys"),
            &[need("Full access", Say::GuideResendSending)],
        )],
        // 2 requests a second per team; `ratelimit-*` headers, reset in seconds
        // (contracts/README.md, "6. Resend").
        rates: Rates {
            headers: "ratelimit-",
            reset_is_wait: ResetWait::Always,
            ..unpaced(Some(per(2, 1)), Counted::Named("team"))
        },
        plans: &[RESEND_FREE_A_DAY],
        // `{statusCode, name, message}`.
        errors: Errors {
            code: &["/name"],
            ..MESSAGE_ONLY
        },
    },
    Declaration {
        provider: Provider::Gitea,
        name: "gitea",
        label: "Gitea",
        token_env: "FABRIK_GITEA_TOKEN",
        keyring: "token:gitea",
        optional: Some(Say::GuideOptionalGitea),
        api_setting: "gitea.api_url",
        purpose: Say::GuideGiteaPurpose,
        tokens: &[token(
            Page::OnInstance("/user/settings/applications"),
            &[
                need("write:repository", Say::GuideGiteaWrite),
                need("read:user", Say::GuideGiteaReadUser),
            ],
        )],
        // Off unless its admin turns it on (contracts/README.md, "7. Gitea").
        rates: unpaced(None, Counted::NotPaced),
        plans: &[],
        errors: MESSAGE_ONLY,
    },
    Declaration {
        provider: Provider::Stripe,
        name: "stripe",
        label: "Stripe",
        token_env: "FABRIK_STRIPE_KEY",
        keyring: "token:stripe",
        optional: Some(Say::GuideOptionalStripe),
        api_setting: "stripe.api_url",
        purpose: Say::GuideStripePurpose,
        tokens: &[TokenPage {
            name: Say::GuideStripeRestricted,
            page: Page::At("https://dashboard.stripe.com/apikeys/create"),
            scopes: &[
                need("Events: Read", Say::GuideStripeEvents),
                need("Checkout Sessions: Read", Say::GuideStripeCheckout),
                need("Prices: Read", Say::GuideStripePrices),
                may("Products: Read", Say::GuideStripeProducts),
                need("Subscriptions: Read", Say::GuideStripeSubscriptions),
                need("Invoices: Read", Say::GuideStripeInvoices),
            ],
        }],
        // 25 read requests a second in test mode, 100 live (contracts/README.md, "Stripe API",
        // Rate limits): the lower one, as a poll is a handful of requests either way. No reset
        // is sent; its 429 is retried after the pacer's own wait.
        rates: unpaced(Some(per(25, 1)), Counted::Named("account")),
        plans: &[],
        // `{"error": {type, code, message, param}}`; `code` is absent on some types.
        errors: Errors {
            code: &["/error/code", "/error/type"],
            message: &["/error/message"],
            ..MESSAGE_ONLY
        },
    },
];

/// GitHub's content-creating requests an hour, as the plan limit a run meets.
const GITHUB_CONTENT_HOUR_PLAN: PlanLimit = PlanLimit {
    what: GITHUB_CONTENT_HOUR.name,
    count: GITHUB_CONTENT_HOUR.limit.requests as u64,
    per: Some(GITHUB_CONTENT_HOUR.limit.window),
};

/// `Provider::ALL`, from the table.
pub(super) const fn all() -> [Provider; TABLE.len()] {
    let mut out = [Provider::Github; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        out[i] = TABLE[i].provider;
        i += 1;
    }
    out
}

/// `Provider::REQUIRED`, from the table (its length is checked as the table is read).
pub(super) const fn required<const N: usize>() -> [Provider; N] {
    let mut out = [Provider::Github; N];
    let (mut i, mut n) = (0, 0);
    while i < TABLE.len() {
        if TABLE[i].optional.is_none() {
            out[n] = TABLE[i].provider;
            n += 1;
        }
        i += 1;
    }
    assert!(
        n == N,
        "Provider::REQUIRED's length is the number of required entries"
    );
    out
}
