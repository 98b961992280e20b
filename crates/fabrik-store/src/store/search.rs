//! What the register's search box asks, as the register's indexes answer it: on SQLite a query
//! of the full-text table `customers_find` (migration 019), on PostgreSQL a substring.

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use super::db::Dialect;
use crate::environment::Environment;
use crate::error::Result;

/// Put around every character of the `pairs` column. A control character no one types into a
/// search box; one in the text itself is left out, so every trigram with it is the mark's.
const MARK: char = '\u{1}';

/// The `pairs` column of `customers_find`: the text with `MARK` around every character, so one
/// character `a` is the trigram `MARK a MARK` and two characters `ab` are `a MARK b`.
pub fn pairs(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2 + 1);
    out.push(MARK);
    for c in text.chars().filter(|&c| c != MARK) {
        out.push(c);
        out.push(MARK);
    }
    out
}

/// The functions migration 019's triggers call, on every connection that may write.
pub fn register_functions(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        "fabrik_pairs",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(pairs(&ctx.get::<String>(0)?)),
    )?;
    Ok(())
}

/// The search box's text, as the register answers it.
pub enum Search {
    All,
    /// SQLite: `query` for `customers_find MATCH` (the status included), and the lower-cased
    /// needle for checking a row while walking the list in order.
    Find {
        query: String,
        needle: String,
    },
    /// PostgreSQL: the lower-cased needle, found in `search_text` by `strpos` (no pattern, so
    /// nothing typed is syntax). A scan of one narrow column: the register's role may not
    /// create pg_trgm, and at 10,000 customers a scan answers within the target.
    Contains(String),
}

impl Search {
    /// `status` is the word of a customer's status, when the list is filtered by one.
    pub fn parse(
        text: Option<&str>,
        status: Option<&str>,
        env: Environment,
        dialect: Dialect,
    ) -> Search {
        let Some(text) = text.map(str::trim).filter(|s| !s.is_empty()) else {
            return Search::All;
        };
        let needle = text.to_lowercase();
        if dialect == Dialect::Postgres {
            return Search::Contains(needle);
        }
        // One FTS5 string per column: the user's quotes are doubled, so nothing typed is syntax.
        let phrase = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let mut query = match needle.chars().count() {
            1 | 2 => {
                // "a" is MARK a MARK; "ab" is a MARK b: the middle of `pairs(needle)`.
                let spread = pairs(&needle);
                let inner = if needle.chars().count() == 1 {
                    spread.as_str()
                } else {
                    &spread[MARK.len_utf8()..spread.len() - MARK.len_utf8()]
                };
                format!("pairs : {}", phrase(inner))
            }
            _ => format!("text : {}", phrase(&needle)),
        };
        if let Some(status) = status {
            query.push_str(&format!(" AND {} : {}", env.as_str(), phrase(&status[..3])));
        }
        Search::Find { query, needle }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_needles_are_one_trigram_of_the_pairs() {
        assert_eq!(pairs("ab"), "\u{1}a\u{1}b\u{1}");
        let q = |t: &str, s| match Search::parse(Some(t), s, Environment::Sandbox, Dialect::Sqlite)
        {
            Search::Find { query, needle } => (query, needle),
            _ => unreachable!(),
        };
        assert_eq!(
            q(" Ö ", None),
            ("pairs : \"\u{1}ö\u{1}\"".into(), "ö".into())
        );
        assert_eq!(q("ab", None).0, "pairs : \"a\u{1}b\"");
        assert_eq!(
            q("Malmö \"x", Some("failed")).0,
            "text : \"malmö \"\"x\" AND sandbox : \"fai\""
        );
    }
}
