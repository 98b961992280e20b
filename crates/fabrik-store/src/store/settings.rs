//! Non-secret key/value settings and preferences.

use std::collections::BTreeMap;

use super::db::{params, Optional};

use super::{now, Store};
use crate::environment::{Environment, ENVIRONMENT_SETTING};
use crate::error::Result;
use crate::messages::Right;

impl Store {
    pub fn get_setting(&self, key: &str) -> Result<Option<String>> {
        let conn = self.conn();
        Ok(conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key, value, now().to_rfc3339()],
        )
        .map_err(|e| self.refused(Right::Settings)(e.into()))?;
        Ok(())
    }

    pub fn remove_setting(&self, key: &str) -> Result<bool> {
        let removed = self
            .conn()
            .execute("DELETE FROM settings WHERE key = ?1", [key])
            .map_err(|e| self.refused(Right::Settings)(e.into()))?;
        Ok(removed > 0)
    }

    pub fn list_settings(&self) -> Result<BTreeMap<String, String>> {
        let conn = self.conn();
        let rows: Vec<(String, String)> =
            conn.query_map("SELECT key, value FROM settings ORDER BY key", (), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(rows.into_iter().collect())
    }

    /// Remembers the window's environment; it takes effect when the app starts again (the
    /// shell restarts it).
    pub fn store_environment_choice(&self, environment: Environment) -> Result<()> {
        self.set_setting(ENVIRONMENT_SETTING, environment.as_str())
    }

    /// The stored choice; a fresh install starts in the sandbox.
    pub fn stored_environment(&self) -> Environment {
        match self
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
