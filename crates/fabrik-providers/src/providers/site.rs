//! A customer's site as an anonymous visitor meets it: no token, no cookie. Only reads, so
//! redirects are followed the way a browser would (a few), unlike the API clients.

use std::time::Duration;

use super::error::ProviderError;
use super::http;
use crate::secrets::Provider;

/// Redirects a visit follows (an apex to `www`, a trailing slash); more is a loop.
const MAX_REDIRECTS: usize = 5;

pub struct Site {
    http: reqwest::Client,
    /// `{host}` is replaced by the site's domain (`https://{host}` outside the sandbox).
    url_template: String,
}

impl Site {
    pub fn new(url_template: &str, timeout: Duration) -> Site {
        Site {
            http: http::with_redirects(timeout, reqwest::redirect::Policy::limited(MAX_REDIRECTS)),
            url_template: url_template.to_string(),
        }
    }

    /// Where a visit to `host` goes.
    pub fn url(&self, host: &str) -> String {
        self.url_template.replace("{host}", host)
    }

    /// The HTTP status a visitor gets on the site's front page. A connection that fails or
    /// times out is an error (transient: the domain may not be served yet).
    /// The body is never read, so no size bound applies: dropping the answer closes it.
    pub async fn visit(&self, host: &str) -> Result<u16, ProviderError> {
        let resp = self
            .http
            .get(self.url(host))
            .send()
            .await
            .map_err(|e| http::transport(Provider::Vercel, &e))?;
        Ok(resp.status().as_u16())
    }
}
