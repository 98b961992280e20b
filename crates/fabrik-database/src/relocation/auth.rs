//! The instance's people as GoTrue keeps them: every row of `auth.users` (the password hash
//! included) and of `auth.identities`, read through the query endpoint in pages, and put back
//! in the import's one transaction.

use serde_json::Value;

use crate::database::backup::{text, BackupError};
use crate::providers::supabase::Supabase;

/// Rows a page reads (a user's row is well under a kilobyte: no answer near the HTTP limit).
const PAGE: usize = 1_000;

/// The two tables a move carries, in the order they are put back (identities point at users).
pub const TABLES: [&str; 2] = ["users", "identities"];

/// The columns of `auth.users` that hold a live one-time token (a recovery link, an email
/// confirmation or change, a reauthentication): never carried by a move, written empty, as
/// GoTrue writes a token it does not hold (it reads them as text, so not NULL).
pub const TOKEN_COLUMNS: [&str; 6] = [
    "confirmation_token",
    "recovery_token",
    "email_change_token_new",
    "email_change_token_current",
    "phone_change_token",
    "reauthentication_token",
];

/// A user's row without its live tokens.
fn without_tokens(mut row: Value) -> Value {
    if let Some(obj) = row.as_object_mut() {
        for c in TOKEN_COLUMNS {
            if obj.get(c).is_some_and(|v| !v.is_null()) {
                obj.insert(c.to_string(), Value::from(""));
            }
        }
    }
    row
}

/// Every row of `auth.<table>` as JSON objects (`row_to_json`: each column by its name, as its
/// type's JSON), in id order; a user's live one-time tokens left out (`TOKEN_COLUMNS`).
pub async fn rows(
    supabase: &Supabase,
    project_ref: &str,
    table: &str,
) -> Result<Vec<Value>, BackupError> {
    let mut out = Vec::new();
    // Every id's text is after the empty one; text order is the uuid's order.
    let mut after = String::new();
    loop {
        let page = supabase
            .run_query_with(
                project_ref,
                &format!(
                    "SELECT row_to_json(r)::text AS j, r.id::text AS k FROM auth.{table} r \
                     WHERE r.id::text > $1 ORDER BY r.id::text LIMIT {PAGE}"
                ),
                &[Value::from(after.clone())],
            )
            .await?;
        let n = page.len();
        for row in page {
            let json = text(&row["j"]).unwrap_or_default();
            let value: Value = serde_json::from_str(&json).map_err(|e| {
                BackupError::Unreadable(format!("auth.{table}: a row is not JSON: {e}"))
            })?;
            after = text(&row["k"]).unwrap_or_default();
            out.push(if table == "users" {
                without_tokens(value)
            } else {
                value
            });
        }
        if n < PAGE {
            return Ok(out);
        }
    }
}

/// How many rows `auth.<table>` holds.
pub async fn count(
    supabase: &Supabase,
    project_ref: &str,
    table: &str,
) -> Result<u64, BackupError> {
    let rows = supabase
        .run_query(
            project_ref,
            &format!("SELECT count(*)::text AS n FROM auth.{table}"),
        )
        .await?;
    Ok(rows
        .first()
        .and_then(|r| text(&r["n"]))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0))
}

/// The columns of `auth.<table>` a row can be written into on this instance (not dropped, not
/// generated).
pub async fn writable_columns(
    supabase: &Supabase,
    project_ref: &str,
    table: &str,
) -> Result<Vec<String>, BackupError> {
    let rows = supabase
        .run_query(
            project_ref,
            &format!(
                "SELECT attname::text AS c FROM pg_attribute WHERE attrelid = 'auth.{table}'::regclass \
                 AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum"
            ),
        )
        .await?;
    Ok(rows.iter().filter_map(|r| text(&r["c"])).collect())
}

/// The statements that replace the instance's people with `rows` (per table, in `TABLES`
/// order): every user deleted (their identities and sessions go with them), then the archive's
/// written into the columns both sides have. A column the archive has and the target does not
/// is left out; the password hash and the id are in every version of GoTrue's table.
pub fn replace_sql(tables: &[(&str, Vec<String>, &[Value])]) -> String {
    let mut sql = String::from("DELETE FROM auth.users;\n");
    for (table, target_columns, rows) in tables {
        if rows.is_empty() {
            continue;
        }
        let carried: Vec<&String> = target_columns
            .iter()
            .filter(|c| rows.iter().any(|r| r.get(c.as_str()).is_some()))
            .collect();
        let list = carried
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(", ");
        let json = Value::from(rows.to_vec()).to_string();
        sql.push_str(&format!(
            "INSERT INTO auth.{table} ({list}) SELECT {list} FROM \
             jsonb_populate_recordset(NULL::auth.{table}, '{}'::jsonb);\n",
            json.replace('\'', "''")
        ));
    }
    sql
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_users_live_tokens_are_not_carried() {
        let row = serde_json::json!({
            "id": "u1", "email": "a@kund.se", "encrypted_password": "$2a$10$hash",
            "recovery_token": "SENTINEL-recovery", "confirmation_token": "SENTINEL-confirm",
            "email_change_token_new": null,
        });
        let kept = super::without_tokens(row);
        assert_eq!(kept["recovery_token"], "");
        assert_eq!(kept["confirmation_token"], "");
        assert!(kept["email_change_token_new"].is_null());
        assert_eq!(
            kept["encrypted_password"], "$2a$10$hash",
            "the hash moves: the person's login"
        );
        assert!(!kept.to_string().contains("SENTINEL"));
    }

    #[test]
    fn the_people_are_replaced_in_the_columns_both_sides_have() {
        let users = vec![
            json!({"id": "u1", "email": "o'neil@kund.se", "encrypted_password": "$2a$x", "old_col": 1}),
        ];
        let columns = vec![
            "id".to_string(),
            "email".into(),
            "encrypted_password".into(),
            "phone".into(),
        ];
        let sql = super::replace_sql(&[
            ("users", columns, &users),
            ("identities", vec!["id".into()], &[]),
        ]);
        assert!(sql.starts_with("DELETE FROM auth.users;\n"), "{sql}");
        assert!(
            sql.contains(
                "INSERT INTO auth.users (\"id\", \"email\", \"encrypted_password\") SELECT"
            ),
            "{sql}"
        );
        assert!(sql.contains("o''neil@kund.se"), "quotes doubled: {sql}");
        assert!(!sql.contains("auth.identities"), "no empty insert: {sql}");
    }
}
