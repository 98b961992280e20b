//! Putting a backup back: the customer's schemas as they are now are dropped and the script
//! runs, all in one transaction, so a restore that fails anywhere leaves the customer's
//! database exactly as it was.

use serde_json::Value;

use super::{not_extension, BackupError, CUSTOMER_SCHEMA, HEADER};
use crate::providers::supabase::Supabase;
use crate::providers::ProviderError;

/// Where the script's own transaction starts (its statements follow).
const BEGIN: &str = "\nBEGIN;\n";

/// Drops what the backup replaces: every customer schema but `public`, which Supabase made
/// with its grants and default privileges, so only its own objects go (an extension's stay).
/// Dropping cascades to triggers and policies elsewhere that use them; the backup carries
/// those (`catalog::triggers`, `catalog::policies`).
fn drop_sql() -> String {
    format!(
        "DO $fabrik_drop$
DECLARE stmts text[]; s text;
BEGIN
  SELECT coalesce(array_agg(x ORDER BY o, x), '{{}}') INTO stmts FROM (
    SELECT 0 AS o, format('DROP SCHEMA %I CASCADE', n.nspname) AS x
      FROM pg_namespace n WHERE {CUSTOMER_SCHEMA} AND n.nspname <> 'public'
    UNION ALL
    SELECT 1, format('DROP %s IF EXISTS public.%I CASCADE', CASE c.relkind WHEN 'v' THEN 'VIEW'
             WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
             ELSE 'TABLE' END, c.relname)
      FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {rel_ext}
       -- A serial's or identity's sequence goes with its table (an identity's cannot alone).
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
             AND d.objid = c.oid AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i'))
    UNION ALL
    SELECT 2, format('DROP ROUTINE IF EXISTS public.%I(%s) CASCADE', p.proname, pg_get_function_identity_arguments(p.oid))
      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p') AND {proc_ext}
    UNION ALL
    SELECT 3, format('DROP TYPE IF EXISTS public.%I CASCADE', t.typname)
      FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND {type_ext}
       AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
  ) q;
  FOREACH s IN ARRAY stmts LOOP EXECUTE s; END LOOP;
END $fabrik_drop$;
",
        rel_ext = not_extension("pg_class", "c.oid"),
        proc_ext = not_extension("pg_proc", "p.oid"),
        type_ext = not_extension("pg_type", "t.oid"),
    )
}

/// A schema of Fabrik's own where the script waits, in parts, for the one statement that
/// runs it: a request body has a size limit (the simulator's is 2 MB) that a script passes.
const STAGE: &str = "_fabrik_restore";
/// Runs the staged script. The database's error is raised again with its code, message and
/// detail and the start of its context (the failing statement), not the whole script: an error
/// quoting the internal query would carry megabytes, past what an error answer may be.
const RUN: &str = "DO $fabrik_run$
DECLARE m text; d text; c text; x text;
BEGIN
  EXECUTE (SELECT string_agg(part, '' ORDER BY n) FROM _fabrik_restore.script);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, c = RETURNED_SQLSTATE, x = PG_EXCEPTION_CONTEXT;
  RAISE EXCEPTION USING ERRCODE = c, MESSAGE = m, DETAIL = coalesce(d, ''), HINT = left(coalesce(x, ''), 300);
END $fabrik_run$;";
/// How long the one statement that replaces the database may take: it loads every row.
const RUN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// The most of the script one request carries: its JSON is at most twice that (escaping),
/// under the 2 MB a request body may be.
const PART_BYTES: usize = 900 * 1024;

/// Replaces the customer's schemas of `project_ref` with the backup's `sql` (a script
/// `dump` wrote, decrypted), in one transaction. The script is first uploaded in parts to a
/// staging table (committed, but outside the customer's schemas and dropped after), then one
/// statement drops what the backup replaces and runs it. A failure carries the database's
/// own message and changes nothing of the customer's.
pub async fn restore(supabase: &Supabase, project_ref: &str, sql: &str) -> Result<(), BackupError> {
    let body = script_body(sql)?;
    let staged = stage(supabase, project_ref, body).await;
    let run = match staged {
        Ok(()) => {
            let run = format!(
                "BEGIN;\n{}\n{RUN}\nDROP SCHEMA {STAGE} CASCADE;\nCOMMIT;\n",
                drop_sql()
            );
            supabase
                .run_query_within(project_ref, &run, RUN_TIMEOUT)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    if run.is_err() {
        // The transaction rolled back; the staged parts are all that is left to clear.
        let _ = supabase
            .run_query(
                project_ref,
                &format!("DROP SCHEMA IF EXISTS {STAGE} CASCADE"),
            )
            .await;
    }
    Ok(run?)
}

/// The statements between the script's `BEGIN;` and its last `COMMIT;` (the restore runs
/// them inside its own transaction).
fn script_body(sql: &str) -> Result<&str, BackupError> {
    let not_ours = || {
        BackupError::Unreadable(
            "not a Fabrik backup script (its header or transaction is missing)".into(),
        )
    };
    if !sql.starts_with(HEADER) {
        return Err(not_ours());
    }
    let from = sql.find(BEGIN).ok_or_else(not_ours)? + BEGIN.len();
    let to = sql
        .rfind("COMMIT;")
        .filter(|to| *to >= from)
        .ok_or_else(not_ours)?;
    Ok(&sql[from..to])
}

async fn stage(supabase: &Supabase, project_ref: &str, body: &str) -> Result<(), ProviderError> {
    supabase
        .run_query(
            project_ref,
            &format!(
                "DROP SCHEMA IF EXISTS {STAGE} CASCADE; CREATE SCHEMA {STAGE};
                 REVOKE ALL ON SCHEMA {STAGE} FROM PUBLIC;
                 CREATE TABLE {STAGE}.script (n integer PRIMARY KEY, part text NOT NULL);"
            ),
        )
        .await?;
    for (n, part) in parts(body, PART_BYTES).into_iter().enumerate() {
        supabase
            .run_query_with(
                project_ref,
                &format!("INSERT INTO {STAGE}.script (n, part) VALUES ($1, $2)"),
                &[Value::from(n), Value::from(part)],
            )
            .await?;
    }
    Ok(())
}

/// `text` cut into pieces of at most `max` bytes whose JSON string is at most twice that
/// (control characters escape to six bytes each), each on a character boundary.
fn parts(text: &str, max: usize) -> Vec<&str> {
    let boundary = |s: &str, mut cut: usize| {
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        cut
    };
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = boundary(rest, rest.len().min(max));
        while cut > 1 && Value::from(&rest[..cut]).to_string().len() > 2 * max {
            cut = boundary(rest, cut / 2);
        }
        // At least one character, whatever its size, so the cutting ends.
        cut = cut.max(rest.chars().next().map_or(1, char::len_utf8));
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn parts_cut_on_character_boundaries_and_join_back() {
        let text = "åäö🦐x".repeat(1000);
        let parts = super::parts(&text, 7);
        assert!(parts.iter().all(|p| p.len() <= 7 && !p.is_empty()));
        assert_eq!(parts.concat(), text);
        assert_eq!(super::parts("🦐🦐", 1), ["🦐", "🦐"]);
        let control = "\u{1}".repeat(100);
        let parts = super::parts(&control, 40);
        assert!(parts
            .iter()
            .all(|p| serde_json::Value::from(*p).to_string().len() <= 80));
        assert_eq!(parts.concat(), control);
    }
}
