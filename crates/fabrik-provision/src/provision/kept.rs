//! A record a seat keeps between processes in a file of its folder, beside its register: every
//! CLI command is a process of its own, and what one run learned the next would otherwise ask
//! the providers again (issue #60). Only hints and public ids, never a secret; each is checked
//! by the call that uses it, and a missing or unreadable file is a start from nothing. Which
//! records there are, and their files: `provision::seat_files`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Values by key, for this process and, once `keep_in` named a file, for the next ones.
#[derive(Debug)]
pub struct Kept<V> {
    values: Mutex<BTreeMap<String, V>>,
    file: Mutex<Option<PathBuf>>,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Kept {
            values: Mutex::new(BTreeMap::new()),
            file: Mutex::new(None),
        }
    }
}

impl<V: Clone + Serialize + DeserializeOwned> Kept<V> {
    /// Reads what an earlier process kept in `file` (what this one knows already wins) and
    /// keeps every change there from now on.
    pub fn keep_in(&self, file: &Path) {
        let kept: BTreeMap<String, V> = std::fs::read(file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let mut values = self.lock();
        for (key, v) in kept {
            values.entry(key).or_insert(v);
        }
        drop(values);
        *self.file.lock().unwrap_or_else(|p| p.into_inner()) = Some(file.to_path_buf());
    }

    pub fn forget(&self) {
        self.lock().clear();
        *self.file.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn get(&self, key: &str) -> Option<V> {
        self.lock().get(key).cloned()
    }

    /// Every key and value, to read a record whole.
    pub fn all(&self) -> Vec<(String, V)> {
        self.lock()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    pub fn put(&self, key: String, value: V) {
        self.update(key, |_| value);
    }

    /// Sets `key` from what it held, in one step (runs side by side record at once).
    pub fn update(&self, key: String, f: impl FnOnce(Option<&V>) -> V) {
        let mut values = self.lock();
        let new = f(values.get(&key));
        values.insert(key, new);
        self.save(&values);
    }

    pub fn remove(&self, key: &str) {
        let mut values = self.lock();
        if values.remove(key).is_some() {
            self.save(&values);
        }
    }

    /// Writes the file whole and at once (best effort: what is kept is only ever a hint).
    fn save(&self, values: &BTreeMap<String, V>) {
        let Some(file) = self.file.lock().unwrap_or_else(|p| p.into_inner()).clone() else {
            return;
        };
        let tmp = file.with_extension("json.tmp");
        let written = serde_json::to_vec_pretty(values)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, &file));
        if let Err(e) = written {
            tracing::debug!("{} was not written: {e}", file.display());
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, V>> {
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }
}
