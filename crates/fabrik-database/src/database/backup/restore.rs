//! Putting a backup back: the customer's schemas as they are now are dropped and the script
//! runs, all in one transaction, so a restore that fails anywhere leaves the customer's
//! database exactly as it was.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{not_extension, BackupError, CUSTOMER_SCHEMA, HEADER};
use crate::providers::supabase::Supabase;

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

/// Replaces the customer's schemas of `project_ref` with the backup's `sql` (a script
/// `dump_into` wrote, decrypted), in one transaction (`restore_from`).
pub async fn restore(supabase: &Supabase, project_ref: &str, sql: &str) -> Result<(), BackupError> {
    let body = script_body(sql)?;
    let mut parts = Parts::Whole(parts(body, PART_BYTES).into_iter());
    restore_from(supabase, project_ref, &mut parts).await
}

/// A script's body (what lies between its `BEGIN;` and its last `COMMIT;`) as it is read, a
/// part at a time: each `Ok(Some(part))` at most `PART_BYTES` whose JSON string is at most
/// twice that, then `Ok(None)` once the whole was read and proven; an `Err` or a channel that
/// closes without `Ok(None)` stops the restore before it changes anything.
pub type Coming = tokio::sync::mpsc::Receiver<Result<Option<Zeroizing<String>>, BackupError>>;

/// `restore` of a body too large to hold (a move archive's, `relocation::archive`): its parts
/// are staged as they come, and the one statement that replaces the customer's schemas runs
/// only once the last has come and the reader said the whole was authentic.
pub async fn restore_coming(
    supabase: &Supabase,
    project_ref: &str,
    coming: Coming,
) -> Result<(), BackupError> {
    restore_from(supabase, project_ref, &mut Parts::Coming(coming)).await
}

/// The most a part of the script may be as a JSON string: the request that carries it (the
/// part and a short statement) stays under the 2 MiB a request body may be. Counted on the
/// JSON, not the text (which escaping can double), so that a part is as large as it may be: a
/// million rows' script went in 313 requests with parts of 900 KiB of text, and the query
/// endpoint takes 120 a minute.
pub const PART_BYTES: usize = 1_900 * 1024;

enum Parts<'a> {
    Whole(std::vec::IntoIter<&'a str>),
    Coming(Coming),
}

impl Parts<'_> {
    async fn next(&mut self) -> Result<Option<Zeroizing<String>>, BackupError> {
        match self {
            Parts::Whole(parts) => Ok(parts.next().map(|p| Zeroizing::new(p.to_string()))),
            Parts::Coming(rx) => rx.recv().await.unwrap_or_else(|| {
                Err(BackupError::Io(
                    "the archive's reading stopped before its end".into(),
                ))
            }),
        }
    }
}

/// The script is first uploaded in parts to a staging table (committed, but outside the
/// customer's schemas and dropped after), then one statement drops what the backup replaces
/// and runs it. A failure carries the database's own message and changes nothing of the
/// customer's.
async fn restore_from(
    supabase: &Supabase,
    project_ref: &str,
    parts: &mut Parts<'_>,
) -> Result<(), BackupError> {
    let staged = stage(supabase, project_ref, parts).await;
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
                .map_err(BackupError::from)
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
    run
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

async fn stage(
    supabase: &Supabase,
    project_ref: &str,
    parts: &mut Parts<'_>,
) -> Result<(), BackupError> {
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
    let mut n = 0usize;
    while let Some(mut part) = parts.next().await? {
        // Moved into the request rather than copied: a part is up to 1.9 MiB.
        let part = Value::String(std::mem::take(&mut *part));
        supabase
            .run_query_with(
                project_ref,
                &format!("INSERT INTO {STAGE}.script (n, part) VALUES ($1, $2)"),
                &[Value::from(n), part],
            )
            .await?;
        n += 1;
    }
    Ok(())
}

/// `text` cut into pieces whose JSON strings are at most `max` bytes each (quotes and
/// escapes counted as serde_json writes them), each on a character boundary.
pub fn parts(text: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let part = first_part(rest, max);
        out.push(part);
        rest = &rest[part.len()..];
    }
    out
}

/// The longest start of `text` whose JSON string is at most `max` bytes; one character at
/// least, whatever its size, so that cutting always ends.
pub fn first_part(text: &str, max: usize) -> &str {
    let mut json = 2;
    for (i, c) in text.char_indices() {
        let n = match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if (c as u32) < 0x20 => 6,
            c => c.len_utf8(),
        };
        if json + n > max && i > 0 {
            return &text[..i];
        }
        json += n;
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn parts_cut_on_character_boundaries_and_join_back() {
        let json = |p: &str| serde_json::Value::from(p).to_string().len();
        let text = "åäö🦐x\"\\\n\u{1}\u{7f}\t'".repeat(1000);
        for max in [9, 10, 40, 1000] {
            let parts = super::parts(&text, max);
            assert!(
                parts.iter().all(|p| json(p) <= max && !p.is_empty()),
                "{max}"
            );
            assert_eq!(parts.concat(), text);
            // Each part as long as it may be: one more character would not fit.
            for (p, next) in parts.iter().zip(parts.iter().skip(1)) {
                let c = next.chars().next().unwrap();
                assert!(
                    json(&format!("{p}{c}")) > max,
                    "{max}: {p:?} could take {c:?}"
                );
            }
        }
        assert_eq!(super::parts("🦐🦐", 3), ["🦐", "🦐"]);
        let control = "\u{1}".repeat(100);
        let parts = super::parts(&control, 80);
        assert!(parts.iter().all(|p| json(p) <= 80));
        assert_eq!(parts.concat(), control);
    }
}
