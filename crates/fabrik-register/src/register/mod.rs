//! The register as a file: what an export writes and an import reads. The columns are declared
//! once here ([`Column`]), with the other names a column goes by in files Fabrik did not write
//! (the portal's `organizations` table, a spreadsheet in Swedish), so export and import cannot
//! drift apart.

mod export;
mod import;
mod portal;

pub use export::{export, export_file, ExportFormat};
pub use import::{
    apply_import, preview_import, ImportPreview, ImportReport, ImportRow, MAX_IMPORT_BYTES,
};
pub use portal::{read_portal, PortalRows, PortalSource, PORTAL_TABLE};

use crate::vocabulary::vocabulary;

vocabulary!(
    /// A column of an exported register, in the order an export writes them.
    pub enum Column {
        Slug => "slug",
        Name => "name",
        AdminEmail => "admin_email",
        ContactName => "contact_name",
        Plan => "plan",
        Modules => "modules",
        Status => "status",
        Notes => "notes",
        ProductionUrl => "production_url",
        GithubRepoUrl => "github_repo_url",
        SupabaseProjectRef => "supabase_project_ref",
        VercelProjectId => "vercel_project_id",
        N8nWorkflowId => "n8n_workflow_id",
        Uid => "uid",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
);

impl Column {
    /// The other names a file may give the column (lower case; compared after trimming).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Slug => &["adress", "address"],
            Column::Name => &[
                "namn",
                "organization_name",
                "organisation",
                "company",
                "company_name",
                "företag",
            ],
            Column::AdminEmail => &[
                "email",
                "e-post",
                "epost",
                "e-postadress",
                "contact_email",
                "admin e-post",
            ],
            Column::ContactName => &["contact", "kontakt", "kontaktperson"],
            Column::Modules => &["moduler"],
            Column::Notes => &["anteckningar", "description", "beskrivning"],
            _ => &[],
        }
    }

    /// The column a header names, if any.
    fn from_header(header: &str) -> Option<Column> {
        let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
        Column::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == h || c.aliases().contains(&h.as_str()))
    }

    /// What the register keeps of its own and an import does not take from a file: a new
    /// customer gets its own id and times (a customer's uid is what proves its resources are
    /// its own, so a copied uid would prove nothing).
    fn kept_by_register(self) -> bool {
        matches!(self, Column::Uid | Column::CreatedAt | Column::UpdatedAt)
    }
}

/// Whether an import reads a column by this header (the portal reader fetches no other).
fn column_read_by_import(header: &str) -> bool {
    Column::from_header(header).is_some_and(|c| !c.kept_by_register())
}

/// Modules in one cell: `crm;email` (commas and spaces are read too).
const MODULE_SEPARATOR: &str = ";";

#[cfg(test)]
mod tests;
