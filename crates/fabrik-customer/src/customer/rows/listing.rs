//! The register's list: one page, filtered, searched and sorted, read from an index range so
//! the time does not grow with the register.

use super::customers::{parse_enum, vercel_scope};
use crate::customer::{
    CustomerListing, CustomerQuery, CustomerRow, Instance, InstanceLinks, SortKey,
};
use crate::error::Result;
use crate::store::db::{params, Conn, Dialect};
use crate::store::search::Search;
use crate::store::{Rows, Store};

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

/// How many live customers the register holds, from the index of their names.
fn live_customers(conn: &Conn) -> Result<u32> {
    Ok(conn.query_row(
        &format!(
            "SELECT COUNT(*) FROM customers{} WHERE archived_at IS NULL",
            indexed_by(conn.dialect(), "customers_live_name")
        ),
        (),
        |r| r.get(0),
    )?)
}

/// How many live customers (of the status, when one is asked) have `needle` in their text.
fn count_contains(
    conn: &Conn,
    env: crate::environment::Environment,
    status: Option<&str>,
    needle: &str,
) -> Result<u32> {
    Ok(match status {
        None => conn.query_row(
            "SELECT COUNT(*) FROM customers c WHERE c.archived_at IS NULL
               AND strpos(c.search_text, ?1) > 0",
            [needle],
            |r| r.get(0),
        )?,
        Some(_) => conn.query_row(
            // The text's matches first, as the page finds them (`list_customers`).
            "SELECT COUNT(*) FROM (SELECT t.id FROM customers t
                                   WHERE strpos(t.search_text, ?3) > 0 OFFSET 0) c
             JOIN listing l ON l.customer_id = c.id AND l.environment = ?1
             WHERE l.status = ?2",
            params![env, status, needle],
            |r| r.get(0),
        )?,
    })
}

/// The register's rows of this part of the customer: bring it into scope to read or write them.
pub trait ListingRows: Rows {
    /// One page of the register, filtered, searched and sorted, with the size of the whole
    /// filtered list. Each part is a range of an index (`listing`, migration 011) or of the
    /// full-text table (`customers_find`, migration 019), so the time does not grow with the
    /// register: only the page's rows are read.
    fn list_customers(&self, query: &CustomerQuery) -> Result<CustomerListing> {
        let env = self.store().environment();
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
        let conn = self.store().conn();
        let dialect = conn.dialect();
        let search = Search::parse(
            query.search.as_deref(),
            query.status.map(crate::customer::Status::as_str),
            env,
            dialect,
        );
        // The same search without the status, for a walk of the status's own range.
        let text_only = match Search::parse(query.search.as_deref(), None, env, dialect) {
            Search::Find { query, .. } => query,
            _ => String::new(),
        };
        let status = query.status.map(|s| s.as_str());
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
        // `listing.name` is NOCASE on SQLite; PostgreSQL folds case in the expression.
        let sort_col = if by_name {
            dialect.nocase("l.name")
        } else {
            "l.created_at".to_string()
        };
        let whole_list = |index_by_name: &str, index_by_age: &str, matches: &str| {
            let (col, index) = if by_name {
                (dialect.nocase("c.name"), index_by_name)
            } else {
                ("c.created_at".to_string(), index_by_age)
            };
            format!(
                // `?2` is NULL and only typed (PostgreSQL must know every parameter).
                "SELECT c.id AS id FROM customers c{} WHERE c.archived_at IS NULL
                   AND CAST(?2 AS TEXT) IS NULL{matches}
                 ORDER BY {col} {dir}, c.id {dir} LIMIT ?4 OFFSET ?5",
                indexed_by(dialect, index)
            )
        };
        let in_listing = |join: &str, matches: &str| {
            format!(
                "SELECT l.customer_id AS id FROM listing l{index}{join}
                 WHERE l.environment = ?1 AND {filter}{matches}
                 ORDER BY {sort_col} {dir}, l.customer_id {dir} LIMIT ?4 OFFSET ?5"
            )
        };
        // The list in its order, each row checked against the needle (`?3`) on the way.
        let walk = |check: &str| match status {
            None => whole_list("customers_live_name", "customers_live_created", check),
            Some(_) => in_listing(" JOIN customers c ON c.id = l.customer_id", check),
        };
        // Which customers, in list order, as ids (so a deep page skips index entries, not
        // rows), the size of the whole filtered list, and what `?3` is.
        // Whether the page's rows carry the count (`n`), for a search counted as it is found.
        let mut counted = false;
        let (total, ids, needle): (u32, String, Option<&str>) = match &search {
            Search::All if status.is_none() => (
                live_customers(&conn)?,
                whole_list(
                    "customers_live_name",
                    "customers_live_created",
                    " AND CAST(?3 AS TEXT) IS NULL",
                ),
                None,
            ),
            Search::All => (
                conn.query_row(
                    &format!(
                        "SELECT COUNT(*) FROM listing l{index} WHERE l.environment = ?1 AND {filter}"
                    ),
                    params![env, status],
                    |r| r.get(0),
                )?,
                in_listing("", " AND CAST(?3 AS TEXT) IS NULL"),
                None,
            ),
            Search::Find { query: fts, needle } => {
                let total: u32 = conn.query_row(
                    "SELECT COUNT(*) FROM customers_find WHERE customers_find MATCH ?1",
                    [fts],
                    |r| r.get(0),
                )?;
                if total >= self.store().walks_from().1 {
                    // So many match that walking the list in its order and checking each row
                    // finds a page after a few times its length.
                    let ids = walk(" AND instr(c.search_text, ?3) > 0");
                    (total, ids, Some(needle.as_str()))
                } else if total >= self.store().walks_from().0 {
                    // Enough that a page is a short walk: each row looked up among the
                    // matches, which SQLite gathers once (with a Bloom filter in front).
                    let set = " IN (SELECT rowid FROM customers_find WHERE customers_find MATCH ?3)";
                    let ids = match status {
                        None => whole_list(
                            "customers_live_name",
                            "customers_live_created",
                            &format!(" AND c.id{set}"),
                        ),
                        // The status is the listing's range: the matches of the text alone
                        // (the status's term is most of the index), and no row of
                        // `customers` read (at 100,000: 12.9 ms against 43.5 with them).
                        Some(_) => in_listing("", &format!(" AND l.customer_id{set}")),
                    };
                    (total, ids, Some(text_only.as_str()))
                } else {
                    // A few: the matches' sort keys from a narrow index, sorted.
                    let (col, by_id) = if by_name {
                        ("c.name COLLATE NOCASE", "c.id")
                    } else {
                        ("c.created_at", "c.id")
                    };
                    let ids = format!(
                        "SELECT c.id AS id FROM customers_find f
                         JOIN customers c INDEXED BY customers_sort ON c.id = f.rowid
                         WHERE customers_find MATCH ?3
                         ORDER BY {col} {dir}, {by_id} {dir} LIMIT ?4 OFFSET ?5"
                    );
                    (total, ids, Some(fts.as_str()))
                }
            }
            Search::Contains(needle) => {
                // One scan for the page and the count: the matches gathered once (a scan
                // with `strpos` costs about 0.7 µs a row here, a walk in list order several
                // times that a row), then sorted; the count is read off the page's rows.
                // With a status, the text's matches first and then their listing rows: from
                // the status's range, each of its rows looked up in `customers` (8,000 at
                // 10,000 customers) took 24 ms where the planner had no statistics yet (a
                // register just imported), the scan and the matches' lookups 4.
                let (from, name, age) = match status {
                    None => (
                        "customers c WHERE c.archived_at IS NULL AND CAST(?2 AS TEXT) IS NULL
                           AND strpos(c.search_text, CAST(?3 AS TEXT)) > 0",
                        "c.name",
                        "c.created_at",
                    ),
                    Some(_) => (
                        "(SELECT t.id FROM customers t
                          WHERE strpos(t.search_text, CAST(?3 AS TEXT)) > 0 OFFSET 0) c
                         JOIN listing l ON l.customer_id = c.id AND l.environment = ?1
                         WHERE l.status = ?2",
                        "l.name",
                        "l.created_at",
                    ),
                };
                let key = if by_name {
                    dialect.nocase(name)
                } else {
                    age.to_string()
                };
                let ids = format!(
                    "WITH m AS MATERIALIZED (
                         SELECT c.id AS id, {key} AS k FROM {from})
                     SELECT id, (SELECT COUNT(*) FROM m) AS n FROM m
                     ORDER BY k {dir}, id {dir} LIMIT ?4 OFFSET ?5"
                );
                counted = true;
                (0, ids, Some(needle.as_str()))
            }
        };
        let order = if by_name {
            format!("{} {dir}, c.id {dir}", dialect.nocase("c.name"))
        } else {
            format!("c.created_at {dir}, c.id {dir}")
        };
        let n = if counted {
            "page.n"
        } else {
            "CAST(NULL AS BIGINT)"
        };
        let sql = format!(
            "WITH page AS MATERIALIZED ({ids})
             SELECT c.id, c.slug, c.name, c.admin_email, c.plan, COALESCE(i.status, 'pending'),
                    c.is_example, i.production_url, c.created_at,
                    h.healthy, h.findings_n, h.checked_at,
                    i.github_repo_url, i.supabase_project_ref, i.vercel_project_id,
                    (SELECT MAX(x.cancelled_at) FROM intake x WHERE x.customer_id = c.id),
                    {n}
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
            let n: Option<i64> = r.get(16)?;
            let row = CustomerRow {
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
                cancelled_at: r.get(15)?,
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
            };
            Ok((row, n))
        })?;
        let total = match (counted, rows.first()) {
            (false, _) => total,
            (true, Some((_, n))) => n.unwrap_or(0) as u32,
            (true, None) if offset == 0 => 0,
            // Past the end of the matches: counted on their own.
            (true, None) => match &search {
                Search::Contains(needle) => count_contains(&conn, env, status, needle)?,
                _ => total,
            },
        };
        let rows = rows.into_iter().map(|(row, _)| row).collect();
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

    fn count_customers(&self) -> Result<i64> {
        Ok(self.store().conn().query_row(
            "SELECT COUNT(*) FROM customers WHERE archived_at IS NULL",
            (),
            |r| r.get(0),
        )?)
    }
}

impl ListingRows for Store {}

#[cfg(test)]
mod tests {
    use crate::customer::Status;

    /// A status filter searches the first three letters of its word (`store::search::Search`):
    /// each status is one trigram of its own, none inside another's word.
    #[test]
    fn the_status_codes_are_distinct() {
        let codes: std::collections::BTreeSet<&str> =
            Status::ALL.iter().map(|s| &s.as_str()[..3]).collect();
        assert_eq!(codes.len(), Status::ALL.len());
    }
}
