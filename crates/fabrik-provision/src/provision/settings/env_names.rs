//! The names of the environment variables the customer's app reads, their defaults, and the
//! rule that keeps a secret's variable from being shipped to every visitor's browser.

use crate::error::{invalid_setting as invalid, Result};

/// The env-name settings and their defaults (the names the customer's app reads).
pub(super) const ENV_DEFAULTS: [(&str, &str); 5] = [
    ("env.supabase_url", "NEXT_PUBLIC_SUPABASE_URL"),
    ("env.supabase_anon_key", "NEXT_PUBLIC_SUPABASE_ANON_KEY"),
    ("env.supabase_service_role_key", "SUPABASE_SERVICE_ROLE_KEY"),
    ("env.customer_slug", "FABRIK_CUSTOMER_SLUG"),
    ("env.modules", "FABRIK_MODULES"),
];

/// Prefixes that frameworks inline into the code they send to every visitor's browser.
pub const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "VITE_",
    "PUBLIC_",
    "NUXT_PUBLIC_",
    "REACT_APP_",
    "GATSBY_",
    "EXPO_PUBLIC_",
];

/// The env settings whose variable holds a secret: never a public name.
const SECRET_ENV_KEYS: &[&str] = &["env.supabase_service_role_key"];

/// An environment variable's name (`[A-Za-z_][A-Za-z0-9_]*`), and never a public one for a
/// secret: a service role key named `NEXT_PUBLIC_…` would be shipped to every browser.
pub(super) fn check_env_name(key: &str, name: &str) -> Result<()> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 256;
    if !valid {
        return Err(invalid(
            key,
            crate::messages::Say::SettingVariableNameZ09.text(),
        ));
    }
    let upper = name.to_ascii_uppercase();
    if SECRET_ENV_KEYS.contains(&key) && PUBLIC_PREFIXES.iter().any(|p| upper.starts_with(p)) {
        return Err(invalid(
            key,
            crate::messages::Say::SettingPublicSentVisitorsBrowsersSecret
                .with(crate::messages::params! { "name" => name }),
        ));
    }
    Ok(())
}
