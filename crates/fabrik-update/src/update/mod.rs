//! Fabrik's own updates. The feed (a static `latest.json`, see `feed`) is named when Fabrik is
//! built (`FABRIK_UPDATE_FEED`); the key that signs the bundles is built into the window
//! (`src-tauri/src/update.rs`), which downloads, verifies and installs through Tauri's updater.
//! Here: where the feed is, what it offers this system, and every way an update can fail, in
//! words (`fabrik update check` and the window's Om Fabrik say the same).

pub mod feed;
pub mod signed;
#[cfg(test)]
pub(crate) mod tests;
pub mod window;

use std::time::Duration;

use semver::Version;
use serde::Serialize;
use ts_rs::TS;

use crate::messages::{params, ErrorCode, Params};
pub use feed::Offer;

/// The feed's answer is small; beyond this it is not a feed.
pub const MAX_FEED_BYTES: usize = 256 * 1024;
/// Per request (the feed, and each read of the download).
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// Redirects followed to the feed (GitHub Releases answers with one).
const MAX_REDIRECTS: usize = 5;

/// The workspace's version, which the core, the CLI, the window and the UI share unless a build
/// sets the executable's apart (a test build's `TAURI_CONFIG`): see [`running_version`].
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

static RUNNING: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The version that runs, as the executable knows it (`fabrik --version`, Om Fabrik): set by its
/// `main` before anything asks; the workspace's in a program that sets none (the tests').
pub fn running_version() -> &'static str {
    RUNNING.get().map_or(VERSION, String::as_str)
}

/// Records the executable's version, once per process; a second call changes nothing.
pub fn set_running_version(version: &str) {
    let _ = RUNNING.set(version.to_owned());
}

/// The feed this program reads: `FABRIK_UPDATE_FEED` when it runs (a mirror, a test's server;
/// harmless, since what it offers must still carry the built-in key's signature), else the one
/// set when it was built; `None` for a build that names none (a developer's).
pub fn feed_url() -> Option<String> {
    std::env::var("FABRIK_UPDATE_FEED")
        .ok()
        .or_else(|| option_env!("FABRIK_UPDATE_FEED").map(str::to_string))
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
}

/// The feed as shown: scheme, host and path (a query or a login in it stays unshown).
pub fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.port().map(|p| format!(":{p}")).unwrap_or_default(),
            u.path()
        ),
        Err(_) => url.chars().take(80).collect(),
    }
}

/// What `fabrik update check` and Om Fabrik show.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UpdateCheck {
    /// The version that runs.
    pub current: String,
    /// The feed, as shown.
    pub feed: String,
    pub offer: Offer,
}

/// Where an update stands, as the window follows it (the `update` event).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum UpdateProgress {
    /// Runs this window drives are in progress: the update waits for them.
    Waiting { runs: Vec<i64> },
    /// Bytes received of `total` (when the server said).
    Downloading {
        version: String,
        received: u64,
        total: Option<u64>,
    },
    /// Downloaded and its signature verified: being put in place.
    Installing { version: String },
    /// Installed: the window starts again as `version`.
    Restarting { version: String },
    /// Nothing was installed; the running version goes on. `error` says why.
    Failed { error: crate::ApiError },
}

/// Every way an update does not happen. Each leaves the running version in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateError {
    /// This build names no feed.
    NoFeed,
    /// This build carries no key to verify a bundle with.
    NoKey,
    /// The feed is not `https:` (only a loopback address may be plain `http:`).
    InsecureFeed {
        feed: String,
    },
    Unreachable {
        feed: String,
        detail: String,
    },
    FeedInvalid {
        feed: String,
        detail: String,
    },
    /// Nothing newer for this system (asked to install anyway).
    NothingNewer,
    /// The download stopped or came back short.
    Download {
        version: String,
        detail: String,
    },
    /// The bundle's signature is not the built-in key's (tampered, or signed by another key).
    Signature {
        version: String,
        detail: String,
    },
    /// The bundle is validly signed, but as `signed` (none when its signature names no
    /// version), which is not the `version` the feed offered or not newer than the `current`
    /// one that runs: an older release under a newer number (`signed::check`).
    NotNewer {
        version: String,
        signed: Option<String>,
        current: String,
    },
    Install {
        version: String,
        detail: String,
    },
    /// The runs (`#12, #13`) this window drives did not end within the update's wait.
    RunsStillActive {
        version: String,
        runs: String,
    },
    /// This installation is not one Fabrik replaces itself (a system package, a developer's
    /// build): `how` names it.
    NotInstallable {
        how: String,
    },
}

impl UpdateError {
    pub fn code(&self) -> ErrorCode {
        match self {
            UpdateError::NoFeed => ErrorCode::UpdateNoFeed,
            UpdateError::NoKey => ErrorCode::UpdateNoKey,
            UpdateError::InsecureFeed { .. } => ErrorCode::UpdateInsecureFeed,
            UpdateError::Unreachable { .. } => ErrorCode::UpdateUnreachable,
            UpdateError::FeedInvalid { .. } => ErrorCode::UpdateFeedInvalid,
            UpdateError::NothingNewer => ErrorCode::UpdateNothingNewer,
            UpdateError::Download { .. } => ErrorCode::UpdateDownload,
            UpdateError::Signature { .. } => ErrorCode::UpdateSignature,
            UpdateError::NotNewer { .. } => ErrorCode::UpdateNotNewer,
            UpdateError::Install { .. } => ErrorCode::UpdateInstall,
            UpdateError::RunsStillActive { .. } => ErrorCode::UpdateRunsActive,
            UpdateError::NotInstallable { .. } => ErrorCode::UpdateNotInstallable,
        }
    }

    pub fn params(&self) -> Params {
        let mut p = match self {
            UpdateError::NoFeed | UpdateError::NoKey | UpdateError::NothingNewer => Params::new(),
            UpdateError::InsecureFeed { feed } => params! { "feed" => feed },
            UpdateError::Unreachable { feed, detail }
            | UpdateError::FeedInvalid { feed, detail } => {
                params! { "feed" => feed, "detail" => detail }
            }
            UpdateError::Download { version, detail }
            | UpdateError::Signature { version, detail }
            | UpdateError::Install { version, detail } => {
                params! { "version" => version, "detail" => detail }
            }
            UpdateError::NotInstallable { how } => params! { "how" => how },
            UpdateError::RunsStillActive { version, runs } => {
                params! { "version" => version, "runs" => runs }
            }
            UpdateError::NotNewer {
                version, signed, ..
            } => {
                let (sv, en) = match signed {
                    Some(v) => (format!("Fabrik {v}"), format!("Fabrik {v}")),
                    None => ("ingen version".to_string(), "no version".to_string()),
                };
                params! { "version" => version, "signed" => sv, "signed_en" => en }
            }
        };
        p.insert("current".into(), running_version().into());
        // The version the install compared, which the window gave it.
        if let UpdateError::NotNewer { current, .. } = self {
            p.insert("current".into(), current.clone());
        }
        p
    }
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code().sv(&self.params()))
    }
}

impl std::error::Error for UpdateError {}

/// As the front ends receive it (the core's `Error` sits below this module and does not know it).
impl From<UpdateError> for crate::ApiError {
    fn from(e: UpdateError) -> Self {
        crate::ApiError {
            code: e.code(),
            message: e.to_string(),
            params: e.params(),
            fields: Vec::new(),
        }
    }
}

/// The feed's address, checked: `https:`, or `http:` to this machine only.
pub fn checked_feed(url: &str) -> Result<url::Url, UpdateError> {
    let parsed = url::Url::parse(url).map_err(|e| UpdateError::FeedInvalid {
        feed: shown(url),
        detail: e.to_string(),
    })?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback => Ok(parsed),
        _ => Err(UpdateError::InsecureFeed { feed: shown(url) }),
    }
}

/// Reads the feed and says what it offers this system next to `current`.
pub async fn check(feed: &str, current: &str) -> Result<UpdateCheck, UpdateError> {
    let url = checked_feed(feed)?;
    let current_version = feed::parse_version(current).unwrap_or(Version::new(0, 0, 0));
    let body = fetch(&url).await?;
    let offer = feed::offer(&body, &current_version, &feed::platform_key()).map_err(|e| {
        UpdateError::FeedInvalid {
            feed: shown(feed),
            detail: e.0,
        }
    })?;
    Ok(UpdateCheck {
        current: current.to_string(),
        feed: shown(feed),
        offer,
    })
}

/// The feed's bytes: at most `MAX_FEED_BYTES`, within `TIMEOUT`, a few redirects followed.
async fn fetch(url: &url::Url) -> Result<Vec<u8>, UpdateError> {
    let feed = shown(url.as_str());
    let unreachable = |e: reqwest::Error| UpdateError::Unreachable {
        feed: feed.clone(),
        detail: cause(e),
    };
    let client = crate::providers::http::with_redirects(
        TIMEOUT,
        reqwest::redirect::Policy::limited(MAX_REDIRECTS),
    );
    let mut resp = client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(unreachable)?;
    if !resp.status().is_success() {
        return Err(UpdateError::Unreachable {
            feed: feed.clone(),
            detail: format!("HTTP {}", resp.status().as_u16()),
        });
    }
    let too_large = || UpdateError::FeedInvalid {
        feed: feed.clone(),
        detail: format!("> {} KB", MAX_FEED_BYTES / 1024),
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_FEED_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_FEED_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What went wrong, without the address reqwest adds (shown once, as `feed`): the root
/// cause says it (connection refused, timed out).
fn cause(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = if e.is_timeout() {
        format!("timeout {} s", TIMEOUT.as_secs())
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text = s.to_string();
        source = s.source();
    }
    text
}
