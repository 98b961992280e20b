//! Where each provider lives. Defaults are the real hosts; settings (SQLite) or environment
//! variables point them elsewhere, e.g. at fabrik-sim.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Endpoints {
    pub supabase_api: String,
    /// The URL of one project's own API; `{ref}` is replaced by the project ref.
    pub supabase_project_url: String,
    pub github_api: String,
    pub vercel_api: String,
    /// The n8n instance's public API root, e.g. `https://n8n.example.se/api/v1`.
    pub n8n_api: String,
    pub resend_api: String,
    /// The agency's Gitea API root, e.g. `https://git.byran.se/api/v1` (workflow backups).
    pub gitea_api: String,
    /// Stripe's API root (`https://api.stripe.com`; paths go on with `/v1/…`): the inbox's
    /// payments.
    pub stripe_api: String,
    /// Where a customer's site is fetched from, as a visitor would; `{host}` is its domain.
    /// The sandbox points it at the simulator.
    pub site_url: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            supabase_api: "https://api.supabase.com".into(),
            supabase_project_url: "https://{ref}.supabase.co".into(),
            github_api: "https://api.github.com".into(),
            vercel_api: "https://api.vercel.com".into(),
            n8n_api: String::new(),
            resend_api: "https://api.resend.com".into(),
            gitea_api: String::new(),
            stripe_api: "https://api.stripe.com".into(),
            site_url: "https://{host}".into(),
        }
    }
}

/// (setting key, environment variable) for each endpoint.
pub const ENDPOINT_KEYS: [(&str, &str); 9] = [
    ("supabase.api_url", "FABRIK_SUPABASE_API_URL"),
    (
        "supabase.project_url_template",
        "FABRIK_SUPABASE_PROJECT_URL_TEMPLATE",
    ),
    ("github.api_url", "FABRIK_GITHUB_API_URL"),
    ("vercel.api_url", "FABRIK_VERCEL_API_URL"),
    ("n8n.api_url", "FABRIK_N8N_API_URL"),
    ("resend.api_url", "FABRIK_RESEND_API_URL"),
    ("gitea.api_url", "FABRIK_GITEA_API_URL"),
    ("stripe.api_url", "FABRIK_STRIPE_API_URL"),
    ("site.url_template", "FABRIK_SITE_URL_TEMPLATE"),
];

impl Endpoints {
    fn slot(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "supabase.api_url" => &mut self.supabase_api,
            "supabase.project_url_template" => &mut self.supabase_project_url,
            "github.api_url" => &mut self.github_api,
            "vercel.api_url" => &mut self.vercel_api,
            "n8n.api_url" => &mut self.n8n_api,
            "resend.api_url" => &mut self.resend_api,
            "gitea.api_url" => &mut self.gitea_api,
            "stripe.api_url" => &mut self.stripe_api,
            "site.url_template" => &mut self.site_url,
            _ => return None,
        })
    }

    /// The address a setting names (`n8n.api_url`), as it is now.
    pub fn get(&self, key: &str) -> Option<String> {
        self.clone().slot(key).map(|v| v.clone())
    }

    /// Defaults, then the stored settings, then the environment (which is never written).
    pub fn resolve(setting: impl Fn(&str) -> Option<String>) -> Endpoints {
        let mut e = Endpoints::default();
        for (key, env) in ENDPOINT_KEYS {
            let value = std::env::var(env)
                .ok()
                .filter(|v| !v.is_empty())
                .or_else(|| setting(key).filter(|v| !v.is_empty()));
            if let (Some(v), Some(slot)) = (value, e.slot(key)) {
                *slot = v.trim_end_matches('/').to_string();
            }
        }
        e
    }

    /// In production every endpoint is `https://`; plain `http://` only to this machine (a
    /// local simulator or proxy). A token must never cross a network in clear text.
    pub fn check_production(&self) -> crate::Result<()> {
        for (key, _) in ENDPOINT_KEYS {
            let mut e = self.clone();
            let Some(url) = e.slot(key).map(|v| filled(v)) else {
                continue;
            };
            if url.is_empty() || secure_or_local(&url) {
                continue;
            }
            return Err(crate::error::invalid_setting(
                key,
                crate::messages::Say::SettingMustStartHttpsHttpOnly2
                    .with(crate::messages::params! { "url" => url }),
            ));
        }
        Ok(())
    }

    pub fn project_url(&self, project_ref: &str) -> String {
        self.supabase_project_url.replace("{ref}", project_ref)
    }
}

/// A URL template with example values in its placeholders, to check it as a URL.
pub fn filled(template: &str) -> String {
    template
        .replace("{ref}", "ref")
        .replace("{host}", "example.vercel.app")
}

/// `https://…`, or `http://` to a loopback address.
pub fn secure_or_local(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    match (u.scheme(), u.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Domain(d))) => d.eq_ignore_ascii_case("localhost"),
        ("http", Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_endpoints_are_https_or_this_machine() {
        assert!(Endpoints::default().check_production().is_ok());
        for ok in [
            "https://api.github.com",
            "http://127.0.0.1:8080/github",
            "http://localhost:9",
            "http://[::1]:80",
        ] {
            assert!(secure_or_local(ok), "{ok}");
        }
        for bad in [
            "http://api.vercel.com",
            "http://10.0.0.5",
            "ftp://x",
            "javascript:alert(1)",
            "api.github.com",
        ] {
            assert!(!secure_or_local(bad), "{bad}");
        }
        let e = Endpoints {
            vercel_api: "http://vercel.example.com".into(),
            ..Endpoints::default()
        };
        let err = e.check_production().unwrap_err();
        assert_eq!(err.code().as_str(), "invalid_setting");
        assert!(err.to_string().contains("vercel.api_url"), "{err}");
        let e = Endpoints {
            supabase_project_url: "http://{ref}.supabase.co".into(),
            ..Endpoints::default()
        };
        assert!(
            e.check_production().is_err(),
            "the project URL template too"
        );
    }
}
