//! The register's list: one page, filtered, searched and sorted, read from an index range so
//! the time does not grow with the register.

use super::customers::{parse_enum, vercel_scope};
use super::db::{params, Dialect};
use super::Store;
use crate::customer::{
    CustomerListing, CustomerQuery, CustomerRow, Instance, InstanceLinks, SortKey,
};
use crate::error::Result;

/// `INDEXED BY index` on SQLite, whose planner needs the hint for these pages; PostgreSQL
/// picks its own.
fn indexed_by(dialect: Dialect, index: &str) -> &'static str {
    match (dialect, index) {
        (Dialect::Postgres, _) => "",
        (Dialect::Sqlite, "listing_created") => " INDEXED BY listing_created",
        (Dialect::Sqlite, "customers_live_name") => " INDEXED BY customers_live_name",
        (Dialect::Sqlite, "customers_live_created") => " INDEXED BY customers_live_created",
        (Dialect::Sqlite, "customers_examples") => " INDEXED BY customers_examples",
        (Dialect::Sqlite, _) => "",
    }
}

/// What the search box asks for, in the form the register can answer from an index.
enum Search {
    All,
    /// Three characters or more: a phrase of trigrams in `customers_search`.
    Trigram(String),
    /// One or two characters have no trigram: LIKE over the live customers.
    Like(String),
}

impl Search {
    fn parse(text: Option<&str>, dialect: Dialect) -> Search {
        let Some(text) = text.map(str::trim).filter(|s| !s.is_empty()) else {
            return Search::All;
        };
        let lower = text.to_lowercase();
        // PostgreSQL has no FTS5 table: LIKE over the lower-cased text, whatever the length.
        if lower.chars().count() >= 3 && dialect == Dialect::Sqlite {
            // One FTS5 string: the user's quotes are doubled, so nothing they type is syntax.
            Search::Trigram(format!("\"{}\"", lower.replace('"', "\"\"")))
        } else {
            // LIKE wildcards in the user's text are literal characters.
            let escaped = lower
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            Search::Like(format!("%{escaped}%"))
        }
    }

    fn needle(&self) -> Option<&str> {
        match self {
            Search::All => None,
            Search::Trigram(s) | Search::Like(s) => Some(s),
        }
    }
}

impl Store {
    /// One page of the register, filtered and sorted, with the size of the whole filtered
    /// list. Each part is a range of an index (`listing`, `customers_search`; migration 011),
    /// so the time does not grow with the register: only the page's rows are read.
    pub fn list_customers(&self, query: &CustomerQuery) -> Result<CustomerListing> {
        let env = self.environment();
        let descending = matches!(
            query.sort.unwrap_or_default(),
            SortKey::NameDesc | SortKey::CreatedDesc
        );
        let by_name = matches!(
            query.sort.unwrap_or_default(),
            SortKey::NameAsc | SortKey::NameDesc
        );
        let dir = if descending { "DESC" } else { "ASC" };
        let offset = query.offset.unwrap_or(0);
        let limit = query
            .limit
            .unwrap_or(CustomerQuery::PAGE)
            .min(CustomerQuery::MAX_PAGE);
        let conn = self.conn();
        let dialect = conn.dialect();
        let search = Search::parse(query.search.as_deref(), dialect);
        let status = query.status.map(|s| s.as_str());

        // Which customers, in list order: ids only, so a deep page skips index entries, not rows.
        let matches = match &search {
            Search::All => " AND CAST(?3 AS TEXT) IS NULL",
            Search::Trigram(_) => {
                " AND l.customer_id IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ?3)"
            }
            Search::Like(_) => {
                " AND l.customer_id IN (SELECT id FROM customers WHERE archived_at IS NULL AND search_text LIKE ?3 ESCAPE '\\')"
            }
        };
        // `listing.name` is NOCASE on SQLite; PostgreSQL folds case in the expression.
        let sort_col = if by_name {
            dialect.nocase("l.name")
        } else {
            "l.created_at".to_string()
        };
        let (filter, index) = match status {
            Some(_) => (
                "l.status = ?2",
                if by_name {
                    ""
                } else {
                    indexed_by(dialect, "listing_created")
                },
            ),
            None => ("CAST(?2 AS TEXT) IS NULL", ""),
        };
        let needle = search.needle();
        let whole = status.is_none() && matches!(search, Search::All);
        let total: u32 = if whole {
            conn.query_row(
                &format!(
                    "SELECT COUNT(*) FROM customers{} WHERE archived_at IS NULL",
                    indexed_by(dialect, "customers_live_name")
                ),
                (),
                |r| r.get(0),
            )?
        } else {
            conn.query_row(
                &format!(
                    "SELECT COUNT(*) FROM listing l{index} WHERE l.environment = ?1 AND {filter}{matches}"
                ),
                params![env, status, needle],
                |r| r.get(0),
            )?
        };
        let ids = if whole {
            let (col, index) = if by_name {
                (dialect.nocase("c.name"), "customers_live_name")
            } else {
                ("c.created_at".to_string(), "customers_live_created")
            };
            format!(
                // No filter: `?2` and `?3` are NULL, and only typed (PostgreSQL must know them).
                "SELECT c.id AS id FROM customers c{} WHERE c.archived_at IS NULL
                   AND CAST(?2 AS TEXT) IS NULL AND CAST(?3 AS TEXT) IS NULL
                 ORDER BY {col} {dir}, c.id {dir} LIMIT ?4 OFFSET ?5",
                indexed_by(dialect, index)
            )
        } else {
            format!(
                "SELECT l.customer_id AS id FROM listing l{index}
                 WHERE l.environment = ?1 AND {filter}{matches}
                 ORDER BY {sort_col} {dir}, l.customer_id {dir} LIMIT ?4 OFFSET ?5"
            )
        };
        let order = if by_name {
            format!("{} {dir}, c.id {dir}", dialect.nocase("c.name"))
        } else {
            format!("c.created_at {dir}, c.id {dir}")
        };
        let sql = format!(
            "WITH page AS MATERIALIZED ({ids})
             SELECT c.id, c.slug, c.name, c.admin_email, c.plan, COALESCE(i.status, 'pending'),
                    c.is_example, i.production_url, c.created_at,
                    h.healthy, h.findings_n, h.checked_at,
                    i.github_repo_url, i.supabase_project_ref, i.vercel_project_id
             FROM page JOIN customers c ON c.id = page.id
             LEFT JOIN instances i ON i.customer_id = c.id AND i.environment = ?1
             LEFT JOIN health_checks h ON h.customer_id = c.id AND h.environment = ?1
             ORDER BY {order}"
        );
        let scope = vercel_scope(&conn)?;
        let rows = conn.query_map(&sql, params![env, status, needle, limit, offset], |r| {
            let slug: String = r.get(1)?;
            let instance = Instance {
                production_url: r.get(7)?,
                github_repo_url: r.get(12)?,
                supabase_project_ref: r.get(13)?,
                vercel_project_id: r.get(14)?,
                n8n_workflow_id: None,
            };
            Ok(CustomerRow {
                links: InstanceLinks::derive(&instance, &slug, scope.as_deref()),
                id: r.get(0)?,
                slug,
                name: r.get(2)?,
                admin_email: r.get(3)?,
                plan: parse_enum(r, 4)?,
                status: parse_enum(r, 5)?,
                is_example: r.get(6)?,
                production_url: r.get(7)?,
                created_at: r.get(8)?,
                health: match (r.get(9)?, r.get(10)?, r.get(11)?) {
                    (Some(healthy), Some(findings), Some(checked_at)) => {
                        Some(crate::customer::health::HealthSummary {
                            healthy,
                            findings,
                            checked_at,
                        })
                    }
                    _ => None,
                },
            })
        })?;
        let has_examples = conn.query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM customers{}
                                WHERE is_example AND archived_at IS NULL)",
                indexed_by(dialect, "customers_examples")
            ),
            (),
            |r| r.get(0),
        )?;
        Ok(CustomerListing {
            total,
            offset,
            rows,
            has_examples,
        })
    }

    pub fn count_customers(&self) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT COUNT(*) FROM customers WHERE archived_at IS NULL",
            (),
            |r| r.get(0),
        )?)
    }
}
