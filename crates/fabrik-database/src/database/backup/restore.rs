//! Putting a backup back: the customer's schemas as they are now are dropped and the script
//! runs, all in one transaction, so a restore that fails anywhere leaves the customer's
//! database exactly as it was.

use std::path::PathBuf;

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypt::{self, BackupKey, Binding, Hashed};
use super::{files, not_extension, BackupError, CUSTOMER_SCHEMA, HEADER};
use crate::database::backup::rows::Backup;
use crate::providers::supabase::Supabase;
use crate::secrets::SecretStore;

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

fn not_ours() -> BackupError {
    BackupError::Unreadable(
        "not a Fabrik backup script (its header or transaction is missing)".into(),
    )
}

/// The statements between the script's `BEGIN;` and its last `COMMIT;` (the restore runs
/// them inside its own transaction).
fn script_body(sql: &str) -> Result<&str, BackupError> {
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

/// A recorded backup's file, its key found and its seal held to the database it must hold,
/// before a byte of it is decrypted: what `parts` reads again to restore it.
pub struct Opened {
    path: PathBuf,
    sha256: String,
    key: BackupKey,
    expected: Binding,
}

/// Opens the file `backup` names with the key it names from this computer's keyring
/// (`KeyMissing` when there is none); `Unreadable` when it holds another database than
/// `expected`. Blocking (the file, the keyring).
pub fn open_to_restore(
    backup: &Backup,
    secrets: &SecretStore,
    expected: Binding,
) -> Result<Opened, BackupError> {
    let path = files::path_of(backup)?;
    let (id, _, _) = crypt::read_header_from(&mut files::reader(&path)?)?;
    let key = crypt::key_by_id(secrets, &id)?;
    crypt::Reader::new(&key, files::reader(&path)?, &expected)?;
    Ok(Opened {
        path,
        sha256: backup.sha256.clone(),
        key,
        expected,
    })
}

/// Bytes held back from the parts until the file's end: they hold the script's last
/// `COMMIT;`, which `dump_into` writes last ("COMMIT;\n").
const TAIL: usize = 64;
/// How far into the script its `BEGIN;` may be (after the header's comment lines).
const HEAD_MAX: usize = 64 * 1024;

impl Opened {
    /// The whole script in clear, written to `to` a piece at a time as it is decrypted (for
    /// standard PostgreSQL tools: `fabrik backup export`): never whole in memory. `Unreadable`
    /// as soon as a piece was changed, and at the end when the file is not the one the register
    /// recorded (its sha256), after which what was written must not be kept. Blocking.
    pub fn write_plain(&self, to: &mut impl std::io::Write) -> Result<u64, BackupError> {
        let mut plain = crypt::Reader::new(
            &self.key,
            Hashed::new(files::reader(&self.path)?),
            &self.expected,
        )?;
        let mut written = 0u64;
        while let Some(piece) = plain.piece()? {
            to.write_all(&piece)
                .map_err(|e| BackupError::Io(e.to_string()))?;
            written += piece.len() as u64;
        }
        self.recorded(plain.into_inner())?;
        Ok(written)
    }

    /// The script in clear as a new file at `out` (`fabrik backup export`), readable by this
    /// user only: written through `write_plain`, and there only once the whole backup proved
    /// authentic (otherwise nothing is left); never over a file. Its size. Blocking.
    pub fn export_to(&self, out: &std::path::Path) -> Result<u64, BackupError> {
        let mut written = 0;
        crate::paths::write_private_new(out, |f| {
            let mut buffered = std::io::BufWriter::new(f);
            written = self.write_plain(&mut buffered)?;
            std::io::Write::flush(&mut buffered).map_err(BackupError::from)
        })?;
        Ok(written)
    }

    /// Whether what was read is the file the register recorded (its sha256).
    fn recorded<R>(&self, read: Hashed<R>) -> Result<(), BackupError> {
        let (_, _, sha256) = read.finish();
        match sha256 == self.sha256 {
            true => Ok(()),
            false => Err(BackupError::Unreadable(format!(
                "{} is not the file that was recorded (its sha256 differs)",
                self.path.display()
            ))),
        }
    }

    /// The script's statements (between its `BEGIN;` and its last `COMMIT;`), read from the
    /// file again on a blocking thread, decrypted a chunk at a time and handed out in parts of
    /// at most `PART_BYTES` (`restore_coming` stages them): a few parts are held at once, never
    /// the script. `Ok(None)` follows the last part only once the whole file was authentic
    /// and is the one the register recorded (its sha256).
    pub fn parts(self) -> Coming {
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        tokio::task::spawn_blocking(move || {
            if let Err(e) = self.send(&tx) {
                let _ = tx.blocking_send(Err(e));
            }
        });
        rx
    }

    fn send(
        &self,
        tx: &tokio::sync::mpsc::Sender<Result<Option<Zeroizing<String>>, BackupError>>,
    ) -> Result<(), BackupError> {
        let send = |part: &str| {
            tx.blocking_send(Ok(Some(Zeroizing::new(part.to_string()))))
                .map_err(|_| BackupError::Io("the restore stopped reading the backup".into()))
        };
        let not_text = || BackupError::Unreadable("the backup is not a text script".into());
        let mut plain = crypt::Reader::new(
            &self.key,
            Hashed::new(files::reader(&self.path)?),
            &self.expected,
        )?;
        let mut pending = Zeroizing::new(Vec::with_capacity(2 * PART_BYTES));
        let mut begun = false;
        while let Some(piece) = plain.piece()? {
            pending.extend_from_slice(&piece);
            if !begun {
                let Some(at) = pending
                    .windows(BEGIN.len())
                    .position(|w| w == BEGIN.as_bytes())
                else {
                    if pending.len() > HEAD_MAX {
                        return Err(not_ours());
                    }
                    continue;
                };
                if !pending.starts_with(HEADER.as_bytes()) {
                    return Err(not_ours());
                }
                pending.drain(..at + BEGIN.len());
                begun = true;
            }
            // Whole parts go as soon as there are enough bytes for one, cut at a character.
            while pending.len() >= PART_BYTES + TAIL {
                let upto = &pending[..pending.len() - TAIL];
                let valid = match std::str::from_utf8(upto) {
                    Ok(text) => text,
                    Err(e) => std::str::from_utf8(&upto[..e.valid_up_to()]).unwrap_or_default(),
                };
                if valid.is_empty() {
                    return Err(not_text());
                }
                let part = first_part(valid, PART_BYTES);
                let n = part.len();
                send(part)?;
                pending.drain(..n);
            }
        }
        self.recorded(plain.into_inner())?;
        let rest = std::str::from_utf8(&pending).map_err(|_| not_text())?;
        let to = rest
            .rfind("COMMIT;")
            .filter(|_| begun)
            .ok_or_else(not_ours)?;
        for part in parts(&rest[..to], PART_BYTES) {
            send(part)?;
        }
        tx.blocking_send(Ok(None))
            .map_err(|_| BackupError::Io("the restore stopped reading the backup".into()))
    }
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
    use super::*;

    fn binding() -> Binding {
        Binding {
            customer_uid: "c-1".into(),
            environment: "production".parse().unwrap(),
            project_ref: "ref-1".into(),
        }
    }

    /// A sealed file of `script`, and the `Opened` that reads it back as the register
    /// recorded it (its sha256).
    fn sealed(dir: &std::path::Path, script: &[u8]) -> Opened {
        let key = BackupKey::generate();
        let path = dir.join("b.fbk");
        let file = std::fs::File::create(&path).unwrap();
        let mut w = crypt::Writer::new(&key, &binding(), file).unwrap();
        for piece in script.chunks(100_000) {
            w.write(piece).unwrap();
        }
        let (_, _, sha256) = w.finish().unwrap();
        Opened {
            path,
            sha256,
            key,
            expected: binding(),
        }
    }

    /// Everything `parts` handed out: the parts, and whether it ended with `Ok(None)` or
    /// with the error's text.
    async fn read_all(opened: Opened) -> (Vec<String>, Result<(), String>) {
        let mut rx = opened.parts();
        let mut got = Vec::new();
        loop {
            match rx.recv().await {
                Some(Ok(Some(part))) => got.push(part.to_string()),
                Some(Ok(None)) => return (got, Ok(())),
                Some(Err(e)) => return (got, Err(e.to_string())),
                None => return (got, Err("closed".into())),
            }
        }
    }

    fn script(rows: usize) -> String {
        let mut s = format!("{HEADER}\n-- a comment\n{BEGIN}");
        for i in 0..rows {
            s.push_str(&format!(
                "INSERT INTO public.t VALUES ({i}, 'Smörgåsbord 🦐 \"{i}\"');\n"
            ));
        }
        s.push_str("COMMIT;\n");
        s
    }

    #[tokio::test]
    async fn a_backup_file_comes_back_as_its_script_body_in_parts_after_it_is_proven() {
        let dir = tempfile::tempdir().unwrap();
        // About 4.3 MB: three parts, each cut where a character ends.
        let text = script(70_000);
        let (parts, end) = read_all(sealed(dir.path(), text.as_bytes())).await;
        assert_eq!(end, Ok(()));
        assert!(parts.len() >= 3, "{} parts", parts.len());
        let json = |p: &str| serde_json::Value::from(p).to_string().len();
        assert!(parts.iter().all(|p| json(p) <= PART_BYTES));
        assert_eq!(parts.concat(), script_body(&text).unwrap());
    }

    #[tokio::test]
    async fn a_file_that_is_not_the_recorded_one_cut_off_or_not_a_script_never_ends_well() {
        let dir = tempfile::tempdir().unwrap();
        // Authentic, but not the file the register recorded: parts go, the end never comes.
        let mut other = sealed(dir.path(), script(40_000).as_bytes());
        other.sha256 = "0".repeat(64);
        let (parts, end) = read_all(other).await;
        assert!(!parts.is_empty());
        assert!(end.unwrap_err().contains("not the file that was recorded"));
        let text = script(5_000);
        // Cut off after its first 100 kB.
        let cut = sealed(dir.path(), text.as_bytes());
        let bytes = std::fs::read(&cut.path).unwrap();
        std::fs::write(&cut.path, &bytes[..100_000]).unwrap();
        let (_, end) = read_all(cut).await;
        assert!(end.unwrap_err().contains("cannot be trusted"));
        // No header, or no COMMIT at its end.
        for bad in [
            text.replacen(HEADER, "-- someone else's", 1),
            text.replace("COMMIT;", "ROLLBACK;"),
        ] {
            let (_, end) = read_all(sealed(dir.path(), bad.as_bytes())).await;
            assert!(end.unwrap_err().contains("not a Fabrik backup script"));
        }
    }

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
