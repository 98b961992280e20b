//! The module manifest: which modules exist and which a plan enables by default. It ships with
//! the app (assets/module-manifest.json); the agency may point the settings at its own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{Module, Plan};

const BUNDLED: &str = include_str!("../../../../assets/module-manifest.json");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModuleInfo {
    pub key: Module,
    pub name: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModuleManifest {
    pub version: u32,
    pub modules: Vec<ModuleInfo>,
    pub plans: BTreeMap<Plan, Vec<Module>>,
}

impl ModuleManifest {
    pub fn bundled() -> Self {
        // The bundled file is checked by a unit test, so this cannot fail in a release.
        Self::parse(BUNDLED).expect("bundled module manifest is valid")
    }

    pub fn parse(json: &str) -> Result<Self, String> {
        let m: ModuleManifest =
            serde_json::from_str(json).map_err(|e| format!("modulmanifestet är ogiltigt: {e}"))?;
        for plan in Plan::ALL {
            if !m.plans.contains_key(plan) {
                return Err(format!("modulmanifestet saknar planen {plan}"));
            }
        }
        Ok(m)
    }

    pub fn defaults_for(&self, plan: Plan) -> Vec<Module> {
        self.plans.get(&plan).cloned().unwrap_or_default()
    }

    /// Deduplicates and orders modules as the manifest lists them.
    pub fn normalize(&self, mut modules: Vec<Module>) -> Vec<Module> {
        modules.sort_by_key(|m| {
            self.modules
                .iter()
                .position(|i| i.key == *m)
                .unwrap_or(usize::MAX)
        });
        modules.dedup();
        modules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_manifest_covers_every_plan_and_module() {
        let m = ModuleManifest::bundled();
        assert_eq!(m.modules.len(), Module::ALL.len());
        assert_eq!(m.defaults_for(Plan::Starter), vec![Module::Crm]);
        assert!(m.defaults_for(Plan::Professional).contains(&Module::Email));
    }

    #[test]
    fn missing_plan_is_refused() {
        let err = ModuleManifest::parse(r#"{"version":1,"modules":[],"plans":{"starter":[]}}"#)
            .unwrap_err();
        assert!(err.contains("professional"), "{err}");
    }
}
