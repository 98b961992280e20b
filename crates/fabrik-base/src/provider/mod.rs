//! What a cloud provider is, declared once: its name and label, its token's keyring entry and
//! environment variable, the page where the token is made and what it must be allowed, its
//! documented rate limits and plan limits, and the shape of its error answers. The entries are
//! in `table.rs`; everything else reads them. Behaviour (a client, its checks) lives in
//! `providers`, keyed by the same `Provider` (`providers::declared`).
//!
//! No `match` on `Provider` outside this module and `providers/declared.rs`
//! (`tests/layers.rs` holds it): a per-provider difference is a field here.

mod table;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::messages::Say;

pub use table::{
    GITHUB_CONTENT_HOUR, GITHUB_CONTENT_MINUTE, RESEND_FREE_A_DAY, RESEND_FREE_A_MONTH,
    SUPABASE_FREE_ACTIVE, SUPABASE_FREE_DATABASE_MB, SUPABASE_FREE_IDLE_DAYS,
    SUPABASE_FREE_MONTHLY_USERS, SUPABASE_FREE_STORAGE_MB, VERCEL_HOBBY_DEPLOYS_A_DAY,
    VERCEL_HOBBY_PROJECTS,
};

/// The clouds Fabrik holds a token for, in the order the agency sets them up (the order of
/// `table::TABLE`, which a test holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Github,
    Supabase,
    Vercel,
    N8n,
    Resend,
    /// The agency's own Gitea, where workflow backups go. Not needed to provision.
    Gitea,
    /// The agency's Stripe account, read for paid checkouts (the inbox). A restricted key that
    /// only reads; not needed to provision.
    Stripe,
}

/// One provider's declaration.
#[derive(Debug)]
pub struct Declaration {
    pub provider: Provider,
    /// Its serialised name: the CLI's word, the keyring entry's and the settings' suffix.
    pub name: &'static str,
    /// What the UI and CLI call it.
    pub label: &'static str,
    /// For headless use the token may come from this variable instead of the keyring.
    pub token_env: &'static str,
    /// The keyring entry its token is kept under (never renamed: saved tokens are found by it).
    pub keyring: &'static str,
    /// `None`: every run needs its token. Otherwise why it is optional (only the runs that use
    /// it ask for it).
    pub optional: Option<Say>,
    /// The setting that holds its API's address (a self-hosted service's token page is on it).
    pub api_setting: &'static str,
    /// What the token is for (the setup guide).
    pub purpose: Say,
    /// Where a token is made and what it must be allowed, one way per entry.
    pub tokens: &'static [TokenPage],
    pub rates: Rates,
    /// The plan limits that stop a run (`api::left` reads them).
    pub plans: &'static [PlanLimit],
    pub errors: Errors,
}

/// A way of making a token (GitHub has two: classic and fine-grained).
#[derive(Debug)]
pub struct TokenPage {
    pub name: Say,
    pub page: Page,
    pub scopes: &'static [Scope],
}

#[derive(Debug, Clone, Copy)]
pub enum Page {
    /// A fixed address, with the permissions filled in where the page takes them.
    At(&'static str),
    /// A path on the agency's own instance (under `Declaration::api_setting`'s address).
    OnInstance(&'static str),
}

/// One thing a token must be allowed to do, and why Fabrik needs it.
#[derive(Debug)]
pub struct Scope {
    /// As the provider's page names it (`repo`, "Administration: Read and write").
    pub name: &'static str,
    pub why: Say,
    /// Without it Fabrik still works, with less (the text says what is lost).
    pub optional: bool,
}

/// A documented limit: this many requests per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub requests: u32,
    pub window: Duration,
}

pub const fn per(requests: u32, secs: u64) -> Limit {
    Limit {
        requests,
        window: Duration::from_secs(secs),
    }
}

/// A budget the provider counts by name, with its documented limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub name: &'static str,
    pub limit: Limit,
}

/// What one request is counted by, for its first budget (the one its headers describe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Per method and path (per scope the path names, and endpoint).
    PerPath,
    /// Per method and endpoint (`/v13/deployments/{}`).
    PerEndpoint,
    /// One budget of this name for the account.
    Named(&'static str),
    /// No limit is documented or counted: not paced.
    NotPaced,
}

/// How an answer's reset header counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reset {
    /// Seconds remaining.
    SecondsLeft,
    /// A UTC epoch timestamp in seconds.
    Epoch,
}

/// Whether the reset header is the wait a refused call is to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetWait {
    Always,
    /// It is sent on every answer; it is a wait only once the budget is spent.
    WhenSpent,
    Never,
}

#[derive(Debug)]
pub struct Rates {
    pub counted: Counted,
    /// The documented limit of the first budget; `None` until a header names one.
    pub limit: Option<Limit>,
    /// Budgets a write (any method but GET and HEAD) spends besides the first.
    pub writes_also: &'static [Named],
    /// The rate-limit headers' prefix (`x-ratelimit-`).
    pub headers: &'static str,
    pub reset: Reset,
    pub reset_is_wait: ResetWait,
    /// A refusal may come as a 403 (remaining 0, or a message naming the rate limit).
    pub forbidden_when_limited: bool,
    /// The wait after a refusal that names none.
    pub unsaid_wait: Option<Duration>,
    /// The header that says when the token stops working.
    pub token_expiry_header: Option<&'static str>,
    /// Services at the same provider that the limit is not documented for (a path holding one
    /// of these): not paced, so no budget is invented for them. A 429 they answer is still
    /// waited out as it says.
    pub not_counted_under: &'static [&'static str],
}

/// A plan limit, as the provider documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimit {
    /// What is counted (for a reader of the table; the UI's words are in the catalogue).
    pub what: &'static str,
    pub count: u64,
    /// The window it is counted over; `None`: at any one time.
    pub per: Option<Duration>,
}

/// The shape of an error answer's JSON body.
#[derive(Debug)]
pub struct Errors {
    /// JSON pointers to the error's code, the first present wins.
    pub code: &'static [&'static str],
    /// JSON pointers to its message, the first present wins.
    pub message: &'static [&'static str],
    /// A flag that marks an unknown token (rather than a missing permission).
    pub invalid_token: Option<&'static str>,
    /// A list of validation errors: the first one's message is added, the code is `validation`.
    pub details: Option<&'static str>,
    /// A 422 saying "already exists" is a conflict (a name taken).
    pub exists_is_conflict: bool,
}

impl Provider {
    /// Every provider, in the table's order.
    pub const ALL: [Provider; table::TABLE.len()] = table::all();

    /// The tokens a run of any kind needs; the others are asked for by the runs that use them.
    pub const REQUIRED: [Provider; 5] = table::required();

    /// Its declaration.
    pub fn declared(self) -> &'static Declaration {
        &table::TABLE[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.declared().name
    }

    /// What the UI and CLI call it.
    pub fn display_name(self) -> &'static str {
        self.declared().label
    }

    /// For headless use the token may come from the environment instead of the keyring.
    pub fn token_env(self) -> &'static str {
        self.declared().token_env
    }
}

impl std::str::FromStr for Provider {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == s.to_ascii_lowercase())
            .ok_or_else(|| {
                let names: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
                let (last, rest) = names.split_last().expect("there are providers");
                format!("okänd tjänst {s} (välj {} eller {last})", rest.join(", "))
            })
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is in the enum's order (`declared` indexes it), and each entry's name is the
    /// serialised one, which the keyring entry and the environment variable were always named by.
    #[test]
    fn each_entry_is_its_providers_and_named_as_it_serialises() {
        for (i, p) in Provider::ALL.into_iter().enumerate() {
            let d = p.declared();
            assert_eq!(d.provider, p);
            assert_eq!(p as usize, i);
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", d.name)
            );
            assert_eq!(d.keyring, format!("token:{}", d.name));
            assert!(d.token_env.starts_with("FABRIK_"), "{}", d.token_env);
            assert!(d.api_setting.starts_with(d.name), "{}", d.api_setting);
            assert!(!d.tokens.is_empty(), "{p}: where is its token made?");
            assert_eq!(Provider::REQUIRED.contains(&p), d.optional.is_none());
        }
        assert_eq!(
            "Nope".parse::<Provider>().unwrap_err(),
            "okänd tjänst Nope (välj github, supabase, vercel, n8n, resend, gitea eller stripe)"
        );
        assert_eq!("GitHub".parse::<Provider>(), Ok(Provider::Github));
    }

    /// Whether a line is an arm of a `match` on `Provider` (`Provider::X =>`, `Some(Provider::X)
    /// | … =>`), a `matches!` on one, or a `let` that takes one apart.
    fn matches_a_provider(line: &str) -> bool {
        let l = line.trim_start();
        let l = l.strip_prefix('|').unwrap_or(l).trim_start();
        let l = l.strip_prefix("Some(").unwrap_or(l);
        let l = [
            "crate::secrets::",
            "crate::provider::",
            "fabrik::secrets::",
            "secrets::",
        ]
        .iter()
        .find_map(|p| l.strip_prefix(p))
        .unwrap_or(l);
        let arm = l.starts_with("Provider::") && l.contains("=>");
        let squeezed: String = line.split_whitespace().collect();
        arm || (squeezed.contains("matches!(") && squeezed.contains(",Provider::"))
            || (squeezed.contains("letProvider::") || squeezed.contains("letSome(Provider::"))
    }

    /// A provider is one declaration: no `match` on `Provider` outside this module, so what
    /// differs between providers is a field of `table.rs` (or an entry of the providers
    /// layer's `providers/declared.rs`), never an arm somewhere else.
    #[test]
    fn no_match_on_a_provider_outside_its_declaration() {
        let mut found = Vec::new();
        for (rel, file) in crate::sources::every_rust_file() {
            if rel.starts_with("crates/fabrik-base/src/provider/") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                if matches_a_provider(line) {
                    found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "a per-provider difference belongs in the declaration (crates/fabrik-base/src/provider/table.rs):\n{}",
            found.join("\n")
        );
        // The check sees what it is for.
        assert!(matches_a_provider("        Provider::Github => 1,"));
        assert!(matches_a_provider(
            "    Some(crate::secrets::Provider::Gitea) | None => {"
        ));
        assert!(matches_a_provider(
            "if matches!(p, Provider::N8n | Provider::Gitea) {"
        ));
        assert!(!matches_a_provider("    let p = Provider::Github;"));
        assert!(!matches_a_provider(
            "    step!(A: B, \"x\", Some(Provider::N8n), a);"
        ));
    }
}
