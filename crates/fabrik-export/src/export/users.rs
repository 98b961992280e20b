//! The instance's people (`auth/users.csv`, `auth/users.json`): who they are and when they came
//! and last signed in. Only the columns named here are read, so a password hash, a token or a
//! recovery code cannot reach the archive, whatever `auth.users` holds.

use super::archive::Archive;
use super::tables::Rows;
use super::{ExportError, Source};
use crate::database::backup::Table;

/// The files' name in the archive, without the extension.
pub const FILE: &str = "auth/users";

/// Each column as the files name it, and what it is read as.
const COLUMNS: [(&str, &str); 6] = [
    ("id", "_r.id::text"),
    ("email", "_r.email::text"),
    // What the person's own sign-up or invitation said; Supabase keeps it in user metadata.
    (
        "name",
        "coalesce(_r.raw_user_meta_data->>'full_name', _r.raw_user_meta_data->>'name')",
    ),
    ("role", "_r.role::text"),
    ("created_at", "_r.created_at::text"),
    ("last_sign_in_at", "_r.last_sign_in_at::text"),
];

/// Writes the people; how many.
pub(super) async fn write(
    archive: Archive,
    from: &Source<'_>,
) -> Result<(Archive, u64), ExportError> {
    let users = Table {
        schema: "auth".into(),
        name: "users".into(),
        columns: Vec::new(),
        always_identity: false,
        key: vec![("\"id\"".into(), "uuid".into())],
    };
    let object = COLUMNS
        .iter()
        .map(|(name, expr)| format!("'{name}', {expr}"))
        .collect::<Vec<_>>()
        .join(", ");
    let cells = COLUMNS
        .iter()
        .map(|(_, expr)| *expr)
        .collect::<Vec<_>>()
        .join(", ");
    let rows = Rows {
        json: format!("json_build_object({object})::text"),
        cells: format!("json_build_array({cells})::text"),
    };
    let header: Vec<String> = COLUMNS.iter().map(|(n, _)| n.to_string()).collect();
    rows.write(archive, from, &users, &header, FILE).await
}
