//! Desktop notifications for what the overview lists as new (issue #68): a failed or stuck run,
//! a health finding, a payment failed, a decision or a request waiting, a limit near. Each is
//! said once per episode: an item's key is remembered while the overview lists it and forgotten
//! when it leaves, so the same thing coming back is said again (as the alert emails are). What
//! was said and which kinds this person turned off are kept in the seat's own folder
//! (`notifications.json`): on a shared register every person has their own desktop.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Attention, AttentionKind, Overview};
use crate::error::{Error, Result};
use crate::messages::{params, Say, Text};

/// The kinds a notification is given for; the others wait on Översikt.
pub const NOTIFYING: [AttentionKind; 7] = [
    AttentionKind::RunFailed,
    AttentionKind::RunStuck,
    AttentionKind::Health,
    AttentionKind::PaymentFailed,
    AttentionKind::DecisionWaiting,
    AttentionKind::RequestWaiting,
    AttentionKind::LimitNear,
];

/// More new things than this at once are said in one notification that opens Översikt.
pub const AT_ONCE: usize = 3;

/// The file, in the seat's own folder.
const FILE: &str = "notifications.json";

/// What is kept between starts.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Kept {
    /// Kinds this person turned off.
    #[serde(default)]
    off: BTreeSet<String>,
    /// The keys of what the overview listed at the last look (said, or turned off then).
    #[serde(default)]
    said: BTreeSet<String>,
    /// Whether the overview was looked at before: the first look says what waits in one line.
    #[serde(default)]
    looked: bool,
}

/// One kind's setting, for the settings page.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NotificationSetting {
    pub kind: AttentionKind,
    pub on: bool,
}

/// One desktop notification: its words in the reader's language and what a click opens
/// (`None`: Översikt itself).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub item: Option<Attention>,
}

/// This seat's notification memory and settings.
#[derive(Debug)]
pub struct Notices {
    /// `None`: held in memory only (tests, a seat with no folder).
    path: Option<PathBuf>,
    kept: Mutex<Kept>,
}

impl Notices {
    /// The memory kept in `dir`; none yet, or an unreadable file, reads as nothing said.
    pub fn open(dir: &Path) -> Notices {
        let path = dir.join(FILE);
        let kept = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Notices {
            path: Some(path),
            kept: Mutex::new(kept),
        }
    }

    pub fn in_memory() -> Notices {
        Notices {
            path: None,
            kept: Mutex::new(Kept::default()),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every notifying kind, on unless this person turned it off.
    pub fn settings(&self) -> Vec<NotificationSetting> {
        let kept = self.kept();
        NOTIFYING
            .iter()
            .map(|&kind| NotificationSetting {
                kind,
                on: !kept.off.contains(kind.as_str()),
            })
            .collect()
    }

    /// Turns one kind on or off; a kind that is never notified is refused by name.
    pub fn set(&self, kind: AttentionKind, on: bool) -> Result<Vec<NotificationSetting>> {
        if !NOTIFYING.contains(&kind) {
            return Err(Error::InvalidSetting {
                key: FILE.to_string(),
                reason: Say::NoticeKindSilent.with(params! { "kind" => kind.as_str() }),
            });
        }
        {
            let mut kept = self.kept();
            if on {
                kept.off.remove(kind.as_str());
            } else {
                kept.off.insert(kind.as_str().to_string());
            }
            self.save(&kept)?;
        }
        Ok(self.settings())
    }

    /// What to show for the overview as it is now, in `lang` (`en` or Swedish): the items new
    /// since the last look, of the kinds turned on, most urgent first; more than `AT_ONCE`
    /// become one. The look is remembered, so each is said once while it lasts.
    pub fn due(&self, overview: &Overview, english: bool) -> Vec<Notice> {
        let mut kept = self.kept();
        let listed: Vec<&Attention> = overview
            .items
            .iter()
            .filter(|i| NOTIFYING.contains(&i.kind))
            .collect();
        let new: Vec<&Attention> = listed
            .iter()
            .copied()
            .filter(|i| !kept.said.contains(&i.key) && !kept.off.contains(i.kind.as_str()))
            .collect();
        let first_look = !kept.looked;
        kept.said = listed.iter().map(|i| i.key.clone()).collect();
        kept.looked = true;
        if let Err(e) = self.save(&kept) {
            // Said again after a restart, at worst: better than not at all.
            tracing::warn!("the notifications' memory could not be kept: {e}");
        }
        let pick = |t: &Text| if english { t.en.clone() } else { t.sv.clone() };
        if new.len() > AT_ONCE || (first_look && new.len() > 1) {
            let n = params! { "count" => new.len() };
            return vec![Notice {
                title: pick(&Say::NoticeManyTitle.with(n.clone())),
                body: pick(&Say::NoticeManyBody.with(n)),
                item: None,
            }];
        }
        new.into_iter()
            .map(|i| Notice {
                title: pick(&i.title),
                body: i
                    .detail
                    .as_ref()
                    .map(&pick)
                    .unwrap_or_else(|| pick(&Say::NoticeOpen.text())),
                item: Some(i.clone()),
            })
            .collect()
    }

    fn save(&self, kept: &Kept) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let text =
            serde_json::to_string_pretty(kept).map_err(|e| Error::Internal(e.to_string()))?;
        // Whole or not at all: a half-written file would read as nothing said (all said again).
        let part = path.with_extension("json.part");
        std::fs::write(&part, text)?;
        std::fs::rename(&part, path)?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "notices_tests.rs"]
mod tests;
