//! The update feed: Tauri's static `latest.json` (the updater plugin's format, so one file on
//! GitHub Releases or any static host serves both the window's installer and `fabrik update
//! check`), read into what this system is offered.
//!
//! ```json
//! { "version": "0.2.0", "notes": "…", "pub_date": "2026-12-01T10:00:00Z",
//!   "platforms": { "linux-x86_64": { "url": "https://…/Fabrik_0.2.0_amd64.AppImage",
//!                                    "signature": "<the .sig file's text>" } } }
//! ```

use std::collections::BTreeMap;

use semver::Version;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Release notes longer than this are cut when shown (the feed is someone else's file).
const MAX_NOTES_CHARS: usize = 4_000;

#[derive(Deserialize)]
struct Feed {
    version: String,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    pub_date: Option<String>,
    /// The static format: one entry per system. The dynamic one (a server answering for one
    /// system) has `url` and `signature` at the top instead.
    #[serde(default)]
    platforms: Option<BTreeMap<String, Platform>>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    signature: Option<String>,
}

#[derive(Deserialize)]
struct Platform {
    url: String,
    signature: String,
}

/// What the feed says about this system, next to the version that runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Offer {
    /// A newer version, installable here.
    Newer {
        version: String,
        notes: String,
        /// `pub_date` as the feed gives it (RFC 3339), when it does.
        date: Option<String>,
    },
    /// The feed offers the version that runs.
    UpToDate { version: String },
    /// The feed offers an older version than the one that runs: nothing is installed (a feed
    /// rolled back, or a mirror behind).
    Older { version: String },
    /// A newer version exists but not for this system (`platform`, e.g. `linux-x86_64`).
    NotForThisSystem { version: String, platform: String },
}

/// Why a feed could not be read as one; in words both languages can show (JSON field names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Reads `body` for `platform` (`platform_key()`) against the running `current` version.
pub fn offer(body: &[u8], current: &Version, platform: &str) -> Result<Offer, Unreadable> {
    let feed: Feed = serde_json::from_slice(body).map_err(|e| Unreadable(e.to_string()))?;
    let offered = parse_version(&feed.version)
        .ok_or_else(|| Unreadable(format!("version \"{}\"", feed.version.trim())))?;
    let version = offered.to_string();
    if offered == *current {
        return Ok(Offer::UpToDate { version });
    }
    if offered < *current {
        return Ok(Offer::Older { version });
    }
    let available = match &feed.platforms {
        Some(map) => map.contains_key(platform),
        None => feed.url.is_some() && feed.signature.is_some(),
    };
    // An entry without a download or a signature is a broken feed, not a missing system.
    if let Some(map) = &feed.platforms {
        if let Some((key, p)) = map
            .iter()
            .find(|(_, p)| p.url.trim().is_empty() || p.signature.trim().is_empty())
        {
            let what = if p.url.trim().is_empty() {
                "url"
            } else {
                "signature"
            };
            return Err(Unreadable(format!("platforms.{key}.{what}")));
        }
    }
    if !available {
        return Ok(Offer::NotForThisSystem {
            version,
            platform: platform.to_string(),
        });
    }
    let mut notes = feed.notes.unwrap_or_default().trim().to_string();
    if let Some((cut, _)) = notes.char_indices().nth(MAX_NOTES_CHARS) {
        notes.truncate(cut);
        notes.push('…');
    }
    Ok(Offer::Newer {
        version,
        notes,
        date: feed.pub_date,
    })
}

/// A version as the updater reads it: semver, a leading `v` allowed.
pub fn parse_version(text: &str) -> Option<Version> {
    Version::parse(text.trim().trim_start_matches('v')).ok()
}

/// The feed's key for this system, as Tauri's updater (2.9) names it: `{os}-{arch}`, e.g.
/// `linux-x86_64`, `darwin-aarch64`, `windows-x86_64`.
pub fn platform_key() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86" => "i686",
        "arm" => "armv7",
        other => other,
    };
    format!("{os}-{arch}")
}
