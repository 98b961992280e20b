//! What only this seat decides: where its tokens go (every provider endpoint and URL template)
//! and which files on its own disk a run reads (the template paths). They are kept in
//! `seat-settings.json` in the seat's own folder, never in the register: on a shared register
//! any seat could otherwise point every other seat's tokens at a server of its choosing
//! (issue #29). The environment (`FABRIK_*_API_URL`) still comes first, then this file, then
//! the real services' defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The settings only a seat may decide, each read from this seat's file and nowhere else.
pub const SEAT_KEYS: [&str; 20] = [
    "supabase.api_url",
    "supabase.project_url_template",
    "github.api_url",
    "vercel.api_url",
    "n8n.api_url",
    "resend.api_url",
    "gitea.api_url",
    "stripe.api_url",
    "site.url_template",
    // The portal's database this seat reads requests from and writes back to (`intake`).
    "portal.database_url",
    // Where this seat's Gitea token writes the workflows: the seat's to decide, like the address.
    "backup.repository",
    "backup.target",
    "schema.template_path",
    "n8n.workflow_template_path",
    "modules.manifest_path",
    // Where this seat's setup guide stopped, and what it skipped (`setup::guide`).
    "setup.step",
    "setup.skipped",
    // The guide's proof under way on this seat (`setup::test_customer`).
    "setup.proof",
    // The environment this seat's command line works in (`fabrik use`), never the window's.
    "cli.environment",
    // The language this seat's command line speaks (`fabrik use sv|en`, the window's switch).
    CLI_LANGUAGE_KEY,
];

/// The seat's language for its command line; the window's language switch sets it too.
pub const CLI_LANGUAGE_KEY: &str = "cli.language";

/// The file, in the seat's own folder.
const FILE: &str = "seat-settings.json";

pub fn is_seat_key(key: &str) -> bool {
    SEAT_KEYS.contains(&key)
}

/// This seat's own settings; cheap to clone (one shared map).
#[derive(Debug, Clone, Default)]
pub struct SeatSettings {
    /// `None`: a seat with no folder (a register in memory, a test): nothing kept.
    path: Option<PathBuf>,
    values: Arc<Mutex<BTreeMap<String, String>>>,
}

impl SeatSettings {
    /// The settings kept in `dir`; none yet (or an unreadable file) reads as none set.
    pub fn open(dir: &Path) -> SeatSettings {
        let path = dir.join(FILE);
        let values: BTreeMap<String, String> = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let values = values
            .into_iter()
            .filter(|(k, v)| is_seat_key(k) && !v.trim().is_empty())
            .collect();
        SeatSettings {
            path: Some(path),
            values: Arc::new(Mutex::new(values)),
        }
    }

    /// Settings held in memory only (tests, a register in memory).
    pub fn in_memory(values: &[(&str, &str)]) -> SeatSettings {
        let values = values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        SeatSettings {
            path: None,
            values: Arc::new(Mutex::new(values)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.lock().get(key).cloned()
    }

    pub fn all(&self) -> BTreeMap<String, String> {
        self.lock().clone()
    }

    /// Takes over, once, the seat settings a register only this seat uses still holds (they
    /// lived there before they moved here); a key already set here is kept. The caller passes
    /// a shared register's settings never: another seat may have written them.
    pub fn adopt_from_own_register(&self, read: impl Fn(&str) -> Option<String>) {
        for key in SEAT_KEYS {
            if self.get(key).is_some() {
                continue;
            }
            if let Some(v) = read(key).filter(|v| !v.trim().is_empty()) {
                if let Err(e) = self.set(key, &v) {
                    tracing::warn!("{key} could not be kept on this seat: {e}");
                }
            }
        }
    }

    /// Sets (or, with an empty value, removes) one of `SEAT_KEYS` and writes the file whole
    /// (a temporary file renamed over it: never half written). Other keys are not kept here.
    pub fn set(&self, key: &str, value: &str) -> std::io::Result<()> {
        if !is_seat_key(key) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{key} is not a seat setting"),
            ));
        }
        let mut values = self.lock();
        let mut next = values.clone();
        match value.trim() {
            "" => next.remove(key),
            v => next.insert(key.to_string(), v.to_string()),
        };
        if let Some(path) = &self.path {
            let text = serde_json::to_string_pretty(&next).unwrap_or_default();
            let tmp = path.with_extension(format!("json.{}", std::process::id()));
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, path)?;
        }
        *values = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_seat_keys_are_kept_and_the_file_is_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let seat = SeatSettings::open(dir.path());
        seat.set("github.api_url", "https://ghe.example.se/api/v3")
            .unwrap();
        assert!(seat.set("alerts.email", "a@b.se").is_err());
        let again = SeatSettings::open(dir.path());
        assert_eq!(
            again.get("github.api_url").as_deref(),
            Some("https://ghe.example.se/api/v3")
        );
        again.set("github.api_url", " ").unwrap();
        assert_eq!(SeatSettings::open(dir.path()).get("github.api_url"), None);
    }
}
