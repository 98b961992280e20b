//! Putting a backup back: the customer's schemas as they are now are dropped and the script
//! runs, all in the script's one transaction, so a restore that fails anywhere leaves the
//! database exactly as it was.

use super::{not_extension, BackupError, CUSTOMER_SCHEMA, HEADER};
use crate::providers::supabase::Supabase;

/// Where the script's transaction starts; the drop goes right after it.
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

/// Replaces the customer's schemas of `project_ref` with the backup's `sql` (a script
/// `dump` wrote, decrypted), in one transaction. A failure carries the database's own
/// message and changes nothing.
pub async fn restore(supabase: &Supabase, project_ref: &str, sql: &str) -> Result<(), BackupError> {
    let at = match sql.find(BEGIN) {
        Some(at) if sql.starts_with(HEADER) => at + BEGIN.len(),
        _ => {
            return Err(BackupError::Unreadable(
                "not a Fabrik backup script (its header or transaction is missing)".into(),
            ))
        }
    };
    let mut script = String::with_capacity(sql.len() + 2048);
    script.push_str(&sql[..at]);
    script.push_str(&drop_sql());
    script.push_str(&sql[at..]);
    supabase.run_query(project_ref, &script).await?;
    Ok(())
}
