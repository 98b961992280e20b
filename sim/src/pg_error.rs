//! A PostgreSQL error as Supabase's API renders it (postgres-meta's `formattedError`).

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PgError(pub String);

impl From<tokio_postgres::Error> for PgError {
    fn from(e: tokio_postgres::Error) -> Self {
        PgError(format_pg_error(&e))
    }
}

/// The error as Supabase puts it after "Failed to run sql query: " (postgres-meta's
/// `formattedError`), without the `LINE` excerpt (see [`format_pg_error_in`]).
pub fn format_pg_error(e: &tokio_postgres::Error) -> String {
    format_pg_error_in(e, "", "")
}

/// `ERROR:  42P01: relation "x" does not exist\nLINE 1: select * from x\n   ^\n` and the
/// server's `DETAIL`/`HINT`/`QUERY`/`CONTEXT` lines, as postgres-meta formats an error for the
/// Management API. `sent` is the text the server ran and `shown` the caller's query: a position
/// in `sent` (e.g. inside the `json_agg` wrapper) is moved to the same spot of `shown`.
pub fn format_pg_error_in(e: &tokio_postgres::Error, sent: &str, shown: &str) -> String {
    use tokio_postgres::error::ErrorPosition;
    let Some(db) = e.as_db_error() else {
        return format!("ERROR:  {e}\n");
    };
    let mut out = format!(
        "{}:  {}: {}\n",
        db.severity(),
        db.code().code(),
        db.message()
    );
    if let Some(ErrorPosition::Original(p)) = db.position() {
        if let Some(pos) = position_in(sent, shown, *p as usize) {
            // postgres-meta's rendering: the line holding the (1-based) position and a caret.
            let mut offset = 0usize;
            for (i, line) in shown.split('\n').enumerate() {
                let len = line.chars().count();
                if offset + len > pos {
                    let n = i + 1;
                    let pad = 5 + n.to_string().len() + 2 + (pos - offset);
                    out.push_str(&format!("LINE {n}: {line}\n{}^\n", " ".repeat(pad)));
                    break;
                }
                offset += len + 1;
            }
        }
    }
    if let Some(d) = db.detail() {
        out.push_str(&format!("DETAIL:  {d}\n"));
    }
    if let Some(h) = db.hint() {
        out.push_str(&format!("HINT:  {h}\n"));
    }
    if let Some(ErrorPosition::Internal { query, .. }) = db.position() {
        out.push_str(&format!("QUERY:  {query}\n"));
    }
    if let Some(w) = db.where_() {
        out.push_str(&format!("CONTEXT:  {w}\n"));
    }
    out
}

/// A 1-based character position in `sent` as a 0-based one in `shown`, when `shown`'s trimmed
/// text appears in `sent` and the position falls inside it.
fn position_in(sent: &str, shown: &str, p: usize) -> Option<usize> {
    let body = shown.trim().trim_end_matches(';').trim_end();
    if body.is_empty() || p == 0 {
        return None;
    }
    let in_sent = sent.find(body).map(|b| sent[..b].chars().count())?;
    let in_shown = shown.find(body).map(|b| shown[..b].chars().count())?;
    let rel = (p - 1).checked_sub(in_sent)?;
    (rel < body.chars().count()).then_some(in_shown + rel)
}
