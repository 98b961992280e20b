//! `client-config.json`: the customer's modules as the template's app reads them at build time
//! (the build spec's "module manifest"). Fabrik commits it to the customer's repository before
//! the first deployment, so the first build already has it.

use serde_json::{json, Map, Value};

use crate::customer::{Customer, ModuleManifest};

/// Where the file lives in the customer's repository.
pub const PATH: &str = "client-config.json";

/// The file's blob in each template tree seen generated (`None`: the tree has no such file),
/// by tree id. A tree is named by its content, so the answer never goes stale: kept with the
/// seat, a repository generated from a tree seen before needs no read of the file before the
/// commit (issue #60).
pub fn kept_in_trees() -> &'static crate::provision::kept::Kept<Option<String>> {
    static KEPT: std::sync::LazyLock<crate::provision::kept::Kept<Option<String>>> =
        std::sync::LazyLock::new(Default::default);
    &KEPT
}

/// The file's text: every module the manifest knows, enabled or not for this customer, with
/// its names and what it covers; stable (sorted keys, a final newline) so an unchanged
/// customer gives the same bytes and a resumed run commits nothing.
pub fn render(customer: &Customer, manifest: &ModuleManifest) -> String {
    let mut modules = Map::new();
    for m in &manifest.modules {
        modules.insert(
            m.key.as_str().to_string(),
            json!({
                "enabled": customer.modules.contains(&m.key),
                "name": m.name,
                "features": m.description,
            }),
        );
    }
    let config = json!({
        "version": manifest.version,
        "customer": { "id": customer.uid, "slug": customer.slug, "name": customer.name },
        "plan": customer.plan.as_str(),
        "modules": Value::Object(modules),
    });
    let mut text = serde_json::to_string_pretty(&config).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// The modules a `client-config.json` enables, in the manifest's order of keys; `None` when
/// the text is not such a file.
pub fn enabled_modules(text: &str) -> Option<Vec<crate::customer::Module>> {
    let v: Value = serde_json::from_str(text).ok()?;
    Some(
        v["modules"]
            .as_object()?
            .iter()
            .filter(|(_, m)| m["enabled"] == true)
            .filter_map(|(k, _)| crate::customer::Module::parse(k))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::rows::CustomerRows;
    use crate::customer::{CustomerDraft, Module, Plan};
    use crate::store::Store;

    /// The plan's modules are on, the others off, each with its names and features.
    #[test]
    fn the_config_lists_every_module_and_enables_the_customers() {
        let store = Store::open_in_memory().unwrap();
        let manifest = ModuleManifest::bundled();
        let c = store
            .create_customer(
                CustomerDraft {
                    name: "Modul AB".into(),
                    admin_email: "a@modul.se".into(),
                    plan: Some(Plan::Professional),
                    ..Default::default()
                },
                &manifest,
            )
            .unwrap();
        let text = render(&c, &manifest);
        assert!(text.ends_with('\n'));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["plan"], "professional");
        assert_eq!(v["customer"]["slug"], "modul-ab");
        assert_eq!(v["customer"]["id"], c.uid.as_str());
        let enabled: Vec<&str> = v["modules"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, m)| m["enabled"] == true)
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(enabled, ["content", "crm", "email"]);
        assert_eq!(
            enabled_modules(&text),
            Some(vec![Module::Content, Module::Crm, Module::Email])
        );
        assert_eq!(enabled_modules("{}"), None);
        assert_eq!(v["modules"]["social"]["enabled"], false);
        assert_eq!(
            v["modules"]["crm"]["features"]["sv"],
            "Kontakter, företag, affärer och aktiviteter"
        );
        assert_eq!(
            render(&c, &manifest),
            text,
            "the same customer, the same bytes"
        );
        assert!(c.modules.contains(&Module::Crm));
    }
}
