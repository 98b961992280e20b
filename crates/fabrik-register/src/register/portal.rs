//! The portal's `organizations` table (the sprint document: the agency's own Supabase
//! database, with `production_url`, `github_repo_url`, `supabase_project_ref`), read straight
//! from its database as the rows an import takes.
//!
//! The portal is not Fabrik's: its session is read-only (`default_transaction_read_only`), so
//! not even a mistake here could change it. Only the columns an import reads are fetched; any
//! other column (a key, a note about billing) is named as ignored, its values never read.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Column;
use crate::error::{Error, Result};
use crate::messages::Text;
use crate::store::db::{Conn, PgConfig, PgConn};

/// The table read when none is named.
pub const PORTAL_TABLE: &str = "public.organizations";

/// Where the portal's rows are: its database and table. The password, when it is not in the
/// URL, is used for this one read and kept nowhere.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PortalSource {
    /// `postgres://user@host:5432/postgres` (the Supabase project's connection string).
    pub url: String,
    #[ts(optional)]
    pub password: Option<String>,
    /// `schema.table`; `public.organizations` when empty.
    #[ts(optional)]
    pub table: Option<String>,
}

/// The portal's rows as a JSON list, ready for `preview_import`/`apply_import`, and where they
/// were read from (without the password) for the preview's title.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PortalRows {
    /// `user@host:port/db public.organizations`.
    pub source: String,
    pub rows: u32,
    /// The rows as JSON (`[{"name": …}, …]`): what the import then reads like a file.
    pub contents: String,
}

fn portal_error(reason: Text) -> Error {
    Error::ImportPortal(reason)
}

/// `schema.table` (or `table`, in `public`), each part a plain SQL identifier.
fn table_name(table: &str) -> Result<(String, String)> {
    let table = table.trim();
    let (schema, name) = table.split_once('.').unwrap_or(("public", table));
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if !plain(schema) || !plain(name) {
        return Err(portal_error(
            crate::messages::Say::PortalNotTableNameWriteExample
                .with(crate::messages::params! { "table" => table }),
        ));
    }
    Ok((schema.to_string(), name.to_string()))
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Reads the portal's table (blocking: a connection of its own, within the register's
/// timeouts).
pub fn read_portal(source: &PortalSource) -> Result<PortalRows> {
    let mut config = PgConfig::parse(source.url.trim()).map_err(|e| {
        portal_error(
            crate::messages::Say::PortalAddressCannotRead
                .with(crate::messages::params! { "e" => e }),
        )
    })?;
    if let Some(p) = source.password.as_deref().filter(|p| !p.is_empty()) {
        config.set_password(p);
    }
    let table = source
        .table
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(PORTAL_TABLE);
    let (schema, name) = table_name(table)?;
    let place = format!("{} {schema}.{name}", config.describe());
    let unreachable = |e: crate::store::db::DbError| {
        portal_error(
            crate::messages::Say::PortalCannotRead
                .with(crate::messages::params! { "place" => place, "e" => e }),
        )
    };
    let conn = Conn::postgres(PgConn::connect(&config).map_err(unreachable)?);
    conn.execute_batch("SET default_transaction_read_only = on")
        .map_err(unreachable)?;
    let columns: Vec<String> = conn
        .query_map(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = ?1 AND table_name = ?2 ORDER BY ordinal_position",
            crate::store::db::params![schema, name],
            |r| r.get(0),
        )
        .map_err(unreachable)?;
    if columns.is_empty() {
        return Err(portal_error(
            crate::messages::Say::PortalDoesNotExistRoleMay
                .with(crate::messages::params! { "place" => place }),
        ));
    }
    for needed in [Column::Name, Column::AdminEmail] {
        if !columns
            .iter()
            .any(|c| Column::from_header(c) == Some(needed))
        {
            return Err(portal_error(crate::messages::Say::PortalHasNoColumnColumnsAre.with(crate::messages::params! { "place" => place, "column" => needed.as_str(), "list" => columns.join(", ") })));
        }
    }
    // A column an import reads is fetched (as text, as a file's cell would be); any other is
    // listed with no value, so the preview names it as ignored. json_object keeps the table's
    // column order and takes any number of columns.
    let keys: Vec<String> = columns
        .iter()
        .map(|c| format!("'{}'", c.replace('\'', "''")))
        .collect();
    let values: Vec<String> = columns
        .iter()
        .map(|c| {
            if super::column_read_by_import(c) {
                format!("t.{}::text", quoted(c))
            } else {
                "NULL".into()
            }
        })
        .collect();
    let object = format!(
        "json_object(ARRAY[{}]::text[], ARRAY[{}]::text[])::text",
        keys.join(", "),
        values.join(", ")
    );
    // Oldest first when the table says when a row came; a view (the portal's
    // organizations_with_credits) has no ctid to fall back on, so otherwise as stored.
    let order = if columns.iter().any(|c| c == "created_at") {
        "ORDER BY t.created_at"
    } else {
        ""
    };
    // Row by row, stopping at the import's limit: the portal is not ours and may be of any
    // size. A row over the limit on its own is sent as its length only.
    let max = super::import::MAX_IMPORT_BYTES;
    let read = conn
        .rows_within(
            &format!(
                "SELECT octet_length(r.o), CASE WHEN octet_length(r.o) <= ?1 THEN r.o END
                 FROM {}.{} AS t CROSS JOIN LATERAL (SELECT {object} AS o) AS r {order}",
                quoted(&schema),
                quoted(&name)
            ),
            [max as i64],
            max,
        )
        .map_err(unreachable)?;
    // No text: that row alone was over the limit.
    let objects: Option<Vec<String>> = match read {
        None => None,
        Some(rows) => rows
            .iter()
            .map(|r| r.get::<Option<String>>(1))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(unreachable)?
            .into_iter()
            .collect(),
    };
    // `[` + objects + commas + `]`: the size the limit is about is the size of what is imported.
    let Some(objects) = objects.filter(|o| o.iter().map(|s| s.len() + 1).sum::<usize>() < max)
    else {
        let size = super::import::larger_than_limit();
        return Err(portal_error(
            size.within(|s| format!("{place} {s}"), |s| format!("{place} {s}")),
        ));
    };
    let rows = objects.len();
    let contents = format!("[{}]", objects.join(","));
    tracing::info!(source = %place, rows, "read the portal's organizations");
    Ok(PortalRows {
        source: place,
        rows: u32::try_from(rows).unwrap_or(u32::MAX),
        contents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_table_names_are_read() {
        assert_eq!(
            table_name("public.organizations").unwrap(),
            ("public".into(), "organizations".into())
        );
        assert_eq!(
            table_name("organizations").unwrap(),
            ("public".into(), "organizations".into())
        );
        for bad in [
            "",
            "public.",
            "a;drop table x",
            "Public.Org",
            "x.y.z",
            "\"o\"",
        ] {
            let e = table_name(bad).unwrap_err();
            assert!(e.to_string().contains("inget tabellnamn"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_column_an_import_reads_is_fetched_and_no_other() {
        for c in [
            "name",
            "email",
            "production_url",
            "supabase_project_ref",
            "namn",
        ] {
            assert!(super::super::column_read_by_import(c), "{c}");
        }
        for c in ["id", "uid", "created_at", "service_role_key", "credits"] {
            assert!(!super::super::column_read_by_import(c), "{c}");
        }
    }
}
