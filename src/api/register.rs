//! The register as a whole: a file or the portal's table imported, the register exported, the
//! shared register taken into use or left, and the people who may use it.

use super::app::Fabrik;
use crate::error::ApiResult;
use crate::register::{ExportFormat, ImportPreview, ImportReport, PortalRows, PortalSource};
use crate::services::register::ExportedFile;
use crate::store::location::{self, SharedRegister};
use crate::store::people::{NewPerson, Person, Role};
use crate::store::transfer::MoveReport;

impl Fabrik {
    pub(crate) fn preview_import(&self, contents: String) -> ApiResult<ImportPreview> {
        self.register()?.preview_import(contents)
    }

    pub(crate) fn import_customers(&self, contents: String) -> ApiResult<ImportReport> {
        self.register()?.import_customers(contents)
    }

    pub(crate) fn read_portal(&self, source: PortalSource) -> ApiResult<PortalRows> {
        self.register()?.read_portal(source)
    }

    pub(crate) fn export_register(&self, format: ExportFormat) -> ApiResult<ExportedFile> {
        self.register()?.export_register(format)
    }

    pub(crate) fn shared_register(&self) -> ApiResult<SharedRegister> {
        Ok(location::describe(&self.db))
    }

    /// Moves (optionally) this computer's register into the shared one and uses it from the
    /// next start; the app restarts into it.
    pub(crate) fn use_shared_register(
        &self,
        url: String,
        password: String,
        move_file: bool,
    ) -> ApiResult<Option<MoveReport>> {
        let report =
            location::use_shared(&self.db, url.trim(), Some(password.as_str()), move_file)?;
        self.host.restart();
        Ok(report)
    }

    pub(crate) fn stop_shared_register(&self) -> ApiResult<()> {
        location::stop_sharing(&self.db)?;
        self.host.restart();
        Ok(())
    }

    pub(crate) fn people(&self) -> ApiResult<Vec<Person>> {
        self.register()?.people()
    }

    pub(crate) fn add_person(&self, name: String, role: Role) -> ApiResult<NewPerson> {
        let url = location::register_url(&self.db);
        self.register()?.add_person(&name, role, url.as_deref())
    }

    /// Joins the shared register a pasted invitation names (its password changed at once to one
    /// only this seat keeps) and uses it from the next start; the app restarts into it.
    pub(crate) fn join_shared_register(&self, invitation: String) -> ApiResult<String> {
        let person = crate::store::invitation::join(&self.db, &invitation)?;
        self.host.restart();
        Ok(person)
    }

    pub(crate) fn remove_person(&self, name: String) -> ApiResult<Vec<Person>> {
        self.register()?.remove_person(&name)
    }
}
