//! The portal's database, as the inbox uses it: its pending `agency_onboarding_requests` read,
//! and what Fabrik built written back into the columns the Phase 2 plan names, into
//! `provisioning_jobs` where that table exists, and into the `production_url`,
//! `github_repo_url` and `supabase_project_ref` (the sprint document) of the organization the
//! request is linked to by id (its `organization_id`, where the portal has that column). Every
//! write names its row by id, never by a name someone typed. The login is the least-privileged
//! one `scripts/postgres/portal-intake-role.sql` makes: it reads the request columns it needs
//! and organizations' ids, and updates only these columns; anything else the portal refuses.

use serde_json::{Map, Value};

use crate::sql::ToValue;
use crate::store::db::{Conn, PgConfig, PgConn};

/// The most requests one read takes: a portal with more waiting is read again after these.
pub const MAX_PENDING: i64 = 500;

/// A pending request as the portal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalRequest {
    pub id: String,
    pub agency_name: String,
    pub admin_email: String,
    pub created_at: Option<String>,
    /// The organization it belongs to, by id (when the portal's requests have that column).
    pub organization_id: Option<String>,
}

/// One write the portal refused or could not take, in its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A connection to the portal's database (blocking: on the blocking pool).
pub struct Portal {
    conn: Conn,
    pub place: String,
}

impl Portal {
    pub fn connect(config: &PgConfig) -> Result<Portal, Refused> {
        let place = config.describe();
        let pg = PgConn::connect(config).map_err(|e| Refused(format!("{place}: {e}")))?;
        Ok(Portal {
            conn: Conn::postgres(pg),
            place,
        })
    }

    fn refused(&self, e: impl std::fmt::Display) -> Refused {
        Refused(format!("{}: {e}", self.place))
    }

    /// The requests waiting (`status = 'pending'`), oldest first, each with the organization
    /// it is linked to by id where the portal's requests have an `organization_id`.
    pub fn pending(&self) -> Result<Vec<PortalRequest>, Refused> {
        let linked: bool = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                                 WHERE attrelid = to_regclass('public.agency_onboarding_requests')
                                   AND attname = 'organization_id' AND attnum > 0 AND NOT attisdropped)",
                (),
                |r| r.get(0),
            )
            .map_err(|e| self.refused(e))?;
        let organization = if linked {
            "organization_id::text"
        } else {
            "NULL::text"
        };
        self.conn
            .query_map(
                &format!(
                    "SELECT id::text, agency_name::text, admin_email::text, created_at::text, {organization}
                     FROM public.agency_onboarding_requests WHERE status = 'pending'
                     ORDER BY created_at NULLS LAST, id LIMIT ?1"
                ),
                [MAX_PENDING],
                |r| {
                    Ok(PortalRequest {
                        id: r.get(0)?,
                        agency_name: r.get::<Option<String>>(1)?.unwrap_or_default(),
                        admin_email: r.get::<Option<String>>(2)?.unwrap_or_default(),
                        created_at: r.get(3)?,
                        organization_id: r.get(4)?,
                    })
                },
            )
            .map_err(|e| self.refused(e))
    }

    /// Writes `columns` (name → text or null) to the request `id`; a row that is gone is a
    /// refusal (the write is kept and tried again).
    pub fn write_request(&self, id: &str, columns: &Map<String, Value>) -> Result<(), Refused> {
        let changed = self.update(
            "public.agency_onboarding_requests",
            "id::text = ",
            id,
            columns,
        )?;
        if changed == 0 {
            return Err(self.refused(format!(
                "the request {id} is no longer in agency_onboarding_requests"
            )));
        }
        Ok(())
    }

    /// The request's `provisioning_jobs` row (made on the first write), when the table exists.
    pub fn write_job(&self, request: &str, columns: &Map<String, Value>) -> Result<(), Refused> {
        let exists: bool = self
            .conn
            .query_row(
                "SELECT to_regclass('public.provisioning_jobs') IS NOT NULL",
                (),
                |r| r.get(0),
            )
            .map_err(|e| self.refused(e))?;
        if !exists {
            return Ok(());
        }
        let mut columns = columns.clone();
        columns.insert(
            "updated_at".into(),
            Value::String(chrono::Utc::now().to_rfc3339()),
        );
        if self.update(
            "public.provisioning_jobs",
            "request_id::text = ",
            request,
            &columns,
        )? == 0
        {
            let names: Vec<&String> = columns.keys().collect();
            let sql =
                format!(
                "INSERT INTO public.provisioning_jobs (request_id, {}) VALUES (?1::text::uuid, {})",
                names.iter().map(|n| quoted(n)).collect::<Vec<_>>().join(", "),
                (0..names.len())
                    .map(|i| format!("?{}::text::{}", i + 2, cast(names[i])))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let values = std::iter::once(Some(request.to_string()))
                .chain(columns.values().map(text))
                .map(|v| v.to_value())
                .collect::<Vec<_>>();
            self.conn
                .execute(&sql, values)
                .map_err(|e| self.refused(e))?;
        }
        Ok(())
    }

    /// The instance columns of the organization `id` (the one the request is linked to).
    pub fn write_organization(
        &self,
        id: &str,
        columns: &Map<String, Value>,
    ) -> Result<(), Refused> {
        if self.update("public.organizations", "id::text = ", id, columns)? == 0 {
            return Err(self.refused(format!(
                "the organization {id} is no longer in organizations"
            )));
        }
        Ok(())
    }

    fn update(
        &self,
        table: &str,
        key: &str,
        id: &str,
        columns: &Map<String, Value>,
    ) -> Result<usize, Refused> {
        if columns.is_empty() {
            return Ok(1);
        }
        let sets: Vec<String> = columns
            .keys()
            .enumerate()
            .map(|(i, c)| format!("{} = ?{}::text::{}", quoted(c), i + 2, cast(c)))
            .collect();
        let sql = format!("UPDATE {table} SET {} WHERE {key}?1", sets.join(", "));
        let values = std::iter::once(Some(id.to_string()))
            .chain(columns.values().map(text))
            .map(|v| v.to_value())
            .collect::<Vec<_>>();
        self.conn.execute(&sql, values).map_err(|e| self.refused(e))
    }
}

/// Times go to the portal's timestamp columns; everything else is text.
fn cast(column: &str) -> &'static str {
    if column.ends_with("_at") {
        "timestamptz"
    } else {
        "text"
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}
