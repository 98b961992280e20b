//! Which clouds Fabrik talks to: the sandbox (an in-process simulator) or production (the real
//! APIs). Every run, token and setting belongs to exactly one of them.

use crate::store::Store;
use crate::vocabulary::vocabulary;

vocabulary!(
    pub enum Environment {
        Sandbox => "sandbox",
        Production => "production",
    }
);

pub const ENVIRONMENT_SETTING: &str = "app.environment";

impl Environment {
    /// Remembers the choice; it takes effect when the app starts again (the shell restarts it).
    pub fn store_choice(self, store: &Store) -> crate::Result<()> {
        store.set_setting(ENVIRONMENT_SETTING, self.as_str())
    }

    /// The stored choice; a fresh install starts in the sandbox.
    pub fn stored(store: &Store) -> Environment {
        match store
            .get_setting(ENVIRONMENT_SETTING)
            .ok()
            .flatten()
            .as_deref()
        {
            Some("production") => Environment::Production,
            _ => Environment::Sandbox,
        }
    }
}
