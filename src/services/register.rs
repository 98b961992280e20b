//! The register's own service: customers (listed, read, checked as they are typed, saved),
//! the example customers, people, the module manifest, import and export, the seat's language.
//! It answers from the register alone (`Register`), so the window paints the list before the
//! clouds are up and the CLI's register commands need no token.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer::rows::CustomerRows;
use crate::customer::rows::HealthRows;
use crate::customer::rows::ListingRows;
use crate::customer::{
    derive_slug, validate_draft, validate_patch, validate_slug, Customer, CustomerDraft,
    CustomerListing, CustomerPatch, CustomerQuery, FieldError, ModuleManifest,
};
use crate::error::{ApiResult, Error, Result};
use crate::register::{self, ExportFormat, ImportPreview, ImportReport};
use crate::store::{Store, SCHEMA_VERSION};

pub const LANGUAGE_SETTING: &str = "ui.language";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Sv,
    En,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Preferences {
    pub language: Language,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub database_path: String,
    pub schema_version: u32,
    pub customer_count: u32,
}

/// Where an export was written, and how many customers it holds.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportedFile {
    pub path: String,
    pub count: u32,
}

/// The outcome of checking a form before it is saved: the slug that would be used and every
/// problem, uniqueness included.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DraftCheck {
    pub slug: Option<String>,
    pub errors: Vec<FieldError>,
}

/// Writes a new file `{stem}-{time}[-n].{extension}` in `dir` with `write` (which makes it,
/// never over an existing one, and says how many rows it wrote) and says where.
pub fn new_export(
    dir: &Path,
    stem: &str,
    extension: &str,
    mut write: impl FnMut(&Path) -> Result<usize>,
) -> ApiResult<ExportedFile> {
    std::fs::create_dir_all(dir).map_err(Error::Io)?;
    let stamp = crate::store::now().format("%Y-%m-%d-%H%M%S");
    for n in 0..100 {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let name = format!("{stem}-{stamp}{suffix}.{extension}");
        let path = dir.join(&name);
        if path.exists() {
            continue;
        }
        // Written under a hidden name and linked in whole: whoever watches the folder (a sync
        // client, the owner's spreadsheet) never sees a file half-written.
        let part = dir.join(format!(".{name}.part"));
        let _ = std::fs::remove_file(&part);
        let written = write(&part);
        let placed = written.and_then(|count| {
            std::fs::hard_link(&part, &path).map_err(Error::Io)?;
            Ok(count)
        });
        let _ = std::fs::remove_file(&part);
        match placed {
            Ok(count) => {
                return Ok(ExportedFile {
                    path: path.display().to_string(),
                    count: count.try_into().unwrap_or(u32::MAX),
                })
            }
            Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Io(std::io::Error::other(format!(
        "kan inte skapa en ny fil i {}",
        dir.display()
    )))
    .into())
}

pub struct Register {
    store: std::sync::Arc<Store>,
    manifest: ModuleManifest,
}

impl Register {
    pub fn new(store: Store) -> Register {
        Register {
            store: std::sync::Arc::new(store),
            manifest: ModuleManifest::bundled(),
        }
    }

    /// The register this seat uses (`FABRIK_DATABASE_URL`, else the file at `path`).
    pub fn open(path: &Path) -> Result<Register> {
        Ok(Register::new(Store::open_register(path)?))
    }

    pub fn shared_store(&self) -> std::sync::Arc<Store> {
        self.store.clone()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn manifest(&self) -> &ModuleManifest {
        &self.manifest
    }

    pub fn app_info(&self) -> ApiResult<AppInfo> {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            database_path: self.store.path().display().to_string(),
            schema_version: SCHEMA_VERSION as u32,
            customer_count: self.store.count_customers()?.try_into().unwrap_or(u32::MAX),
        })
    }

    pub fn list_customers(&self, query: CustomerQuery) -> ApiResult<CustomerListing> {
        Ok(self.store.list_customers(&query)?)
    }

    pub fn get_customer(&self, slug: String) -> ApiResult<Customer> {
        Ok(self.store.get_customer(&slug)?)
    }

    /// The instance's last health check in the chosen environment, if it was ever checked.
    pub fn instance_health(&self, slug: String) -> ApiResult<Option<crate::health::Health>> {
        let c = self.store.get_customer(&slug)?;
        Ok(self.store.health(c.id, c.environment)?)
    }

    pub fn create_customer(&self, draft: CustomerDraft) -> ApiResult<Customer> {
        Ok(self.store.create_customer(draft, &self.manifest)?)
    }

    pub fn update_customer(&self, slug: String, patch: CustomerPatch) -> ApiResult<Customer> {
        Ok(self.store.update_customer(&slug, patch, &self.manifest)?)
    }

    pub fn delete_customer(&self, slug: String) -> ApiResult<()> {
        Ok(self.store.delete_customer(&slug)?)
    }

    /// Inline validation for the new-customer form.
    pub fn check_draft(&self, draft: CustomerDraft) -> ApiResult<DraftCheck> {
        // The slug preview shows as soon as the name or slug allows one, whatever else is wrong.
        let preview = match draft
            .slug
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => validate_slug(s).ok().map(|_| s.to_string()),
            None => derive_slug(draft.name.trim()).ok(),
        };
        match validate_draft(draft, &self.manifest) {
            Ok(f) => {
                let mut errors = Vec::new();
                if self.slug_in_use(&f.slug, None)? {
                    errors.push(FieldError::slug_taken(&f.slug));
                }
                Ok(DraftCheck {
                    slug: Some(f.slug),
                    errors,
                })
            }
            Err(errors) => Ok(DraftCheck {
                slug: preview,
                errors,
            }),
        }
    }

    /// Inline validation for the edit form.
    pub fn check_patch(&self, slug: String, patch: CustomerPatch) -> ApiResult<DraftCheck> {
        let current = self.store.get_customer(&slug)?;
        match validate_patch(&current, patch, &self.manifest) {
            Ok(f) => {
                let mut errors = Vec::new();
                if self.slug_in_use(&f.slug, Some(current.id))? {
                    errors.push(FieldError::slug_taken(&f.slug));
                }
                Ok(DraftCheck {
                    slug: Some(f.slug),
                    errors,
                })
            }
            Err(errors) => Ok(DraftCheck { slug: None, errors }),
        }
    }

    fn slug_in_use(&self, slug: &str, except_id: Option<i64>) -> Result<bool> {
        match self.store.get_customer(slug) {
            Ok(c) => Ok(Some(c.id) != except_id),
            Err(Error::CustomerNotFound(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn load_examples(&self) -> ApiResult<u32> {
        Ok(self.store.insert_examples(&self.manifest)? as u32)
    }

    pub fn remove_examples(&self) -> ApiResult<crate::customer::rows::ExamplesRemoved> {
        Ok(self.store.delete_examples()?)
    }

    pub fn people(&self) -> ApiResult<Vec<crate::store::people::Person>> {
        Ok(self.store.people()?)
    }

    /// Adds a login for `name`, and the one-time invitation to the register at `register_url`
    /// (this seat's own address) that carries its first password.
    pub fn add_person(
        &self,
        name: &str,
        role: crate::store::people::Role,
        register_url: Option<&str>,
    ) -> ApiResult<crate::store::people::NewPerson> {
        let name = name.trim().to_lowercase();
        let password = self.store.add_person(&name, role)?;
        let invitation = register_url
            .map(|url| crate::store::invitation::make(url, &name, &password))
            .transpose()?;
        Ok(crate::store::people::NewPerson {
            name,
            password: password.expose().to_string(),
            invitation,
        })
    }

    pub fn remove_person(&self, name: &str) -> ApiResult<Vec<crate::store::people::Person>> {
        self.store.remove_person(name)?;
        self.people()
    }

    pub fn module_manifest(&self) -> ApiResult<ModuleManifest> {
        Ok(self.manifest.clone())
    }

    /// What importing the file the user picked would add and skip; nothing is written.
    pub fn preview_import(&self, contents: String) -> ApiResult<ImportPreview> {
        Ok(register::preview_import(
            &self.store,
            contents.as_bytes(),
            &self.manifest,
        )?)
    }

    /// Adds the rows of the file the preview called good, in one transaction.
    pub fn import_customers(&self, contents: String) -> ApiResult<ImportReport> {
        Ok(register::apply_import(
            &self.store,
            contents.as_bytes(),
            &self.manifest,
        )?)
    }

    /// The portal's `organizations` table, read-only, as rows the preview and the import take
    /// like a file's.
    pub fn read_portal(&self, source: register::PortalSource) -> ApiResult<register::PortalRows> {
        Ok(register::read_portal(&source)?)
    }

    /// Writes the register in the chosen environment to a new file in the export folder
    /// (never over an existing file) and says where.
    pub fn export_register(&self, format: ExportFormat) -> ApiResult<ExportedFile> {
        self.export_into(&crate::paths::export_dir(), format)
    }

    fn export_into(&self, dir: &Path, format: ExportFormat) -> ApiResult<ExportedFile> {
        let env = self.store.environment();
        new_export(
            dir,
            &format!("fabrik-register-{env}"),
            format.extension(),
            |path| register::export_file(&self.store, env, format, path),
        )
    }

    pub fn get_preferences(&self) -> ApiResult<Preferences> {
        let language = match self.store.get_setting(LANGUAGE_SETTING)?.as_deref() {
            Some("en") => Language::En,
            _ => Language::Sv,
        };
        Ok(Preferences { language })
    }

    pub fn set_language(&self, language: Language) -> ApiResult<Preferences> {
        let code = match language {
            Language::Sv => "sv",
            Language::En => "en",
        };
        self.store.set_setting(LANGUAGE_SETTING, code)?;
        self.get_preferences()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slug_preview_does_not_wait_for_the_rest_of_the_form() {
        let api = Register::new(Store::open_in_memory().unwrap());
        let check = api
            .check_draft(CustomerDraft {
                name: "Åsa's Bageri & Café AB".into(),
                admin_email: String::new(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(check.slug.as_deref(), Some("asas-bageri-cafe-ab"));
        assert_eq!(check.errors[0].field, "admin_email");
    }

    #[test]
    fn an_export_from_the_window_never_writes_over_an_earlier_one() {
        let api = Register::new(Store::open_in_memory().unwrap());
        api.create_customer(CustomerDraft {
            name: "Åkeri Nord".into(),
            admin_email: "ola@akeri.se".into(),
            ..Default::default()
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("Hämtningar");
        let paths: Vec<String> = (0..3)
            .map(|_| api.export_into(&out, ExportFormat::Csv).unwrap())
            .inspect(|f| assert_eq!(f.count, 1))
            .map(|f| f.path)
            .collect();
        let distinct: std::collections::HashSet<_> = paths.iter().collect();
        assert_eq!(distinct.len(), 3, "{paths:?}");
        for p in &paths {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(text.starts_with("slug,name,"), "{text}");
            assert!(text.contains("akeri-nord"));
        }
    }

    #[test]
    fn an_export_appears_only_when_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut seen_while_writing = Vec::new();
        let file = new_export(dir.path(), "fabrik-usage-test", "csv", |path| {
            std::fs::write(path, "slug\n")?;
            let visible: Vec<String> = std::fs::read_dir(dir.path())?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect();
            seen_while_writing.extend(visible);
            Ok(1)
        })
        .unwrap();
        assert!(seen_while_writing.is_empty(), "{seen_while_writing:?}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the export itself stays");
        assert_eq!(std::fs::read_to_string(&file.path).unwrap(), "slug\n");
    }
}
