//! Migration files in the Supabase CLI's layout: `supabase/migrations/<version>_<name>.sql`,
//! applied in version order. A set is read whole and checked before anything is applied: a
//! name that is not `<digits>_<name>.sql`, two files with one version, or an empty file refuse
//! the set with the file named.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where the files live inside a template repository (and inside a local folder given as the
/// repository's root; a folder that holds the files directly works too).
pub const MIGRATIONS_DIR: &str = "supabase/migrations";

/// The version of the schema Fabrik carried before templates had migration files
/// (`schema/template.sql`): an instance delivered then gets a history row with it, and a
/// template's own first file may use it to say "this is that schema".
pub const BASELINE_VERSION: &str = "20250101000000";
pub const BASELINE_NAME: &str = "fabrik_template";

/// The largest file read (a migration is SQL a person wrote, not a data dump).
const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// One migration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Migration {
    /// The digits before the first `_` (the Supabase CLI's `version`).
    pub version: String,
    /// The rest of the file name, without `.sql`.
    pub name: String,
    #[ts(skip)]
    pub sql: String,
    /// SHA-256 of the SQL, hex: what was planned is what is applied.
    pub sha256: String,
}

/// Why a set of files is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{file}: the name is not <version>_<name>.sql (the version only digits)")]
    BadName { file: String },
    #[error("{file} and {other} both have version {version}")]
    DuplicateVersion {
        file: String,
        other: String,
        version: String,
    },
    #[error("{file} is empty")]
    Empty { file: String },
    #[error("{file} is larger than 4 MB")]
    TooLarge { file: String },
    #[error("{file} is not UTF-8 text")]
    NotText { file: String },
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
    #[error("{path} holds no migration files (<version>_<name>.sql)")]
    NoFiles { path: String },
}

impl FileError {
    /// What is wrong, in Swedish and English.
    pub fn text(&self) -> crate::messages::Text {
        use crate::messages::Text;
        let en = self.to_string();
        let sv = match self {
            FileError::BadName { file } => {
                format!("{file}: namnet är inte <version>_<namn>.sql (versionen bara siffror)")
            }
            FileError::DuplicateVersion {
                file,
                other,
                version,
            } => format!("{file} och {other} har båda version {version}"),
            FileError::Empty { file } => format!("{file} är tom"),
            FileError::TooLarge { file } => format!("{file} är större än 4 MB"),
            FileError::NotText { file } => format!("{file} är inte UTF-8-text"),
            FileError::Unreadable { path, message } => format!("{path}: {message}"),
            FileError::NoFiles { path } => {
                format!("{path} har inga migreringsfiler (<version>_<namn>.sql)")
            }
        };
        Text::new(sv, en)
    }
}

impl Migration {
    /// The file name it came from.
    pub fn file_name(&self) -> String {
        format!("{}_{}.sql", self.version, self.name)
    }

    pub fn new(version: &str, name: &str, sql: &str) -> Migration {
        Migration {
            version: version.to_string(),
            name: name.to_string(),
            sql: sql.to_string(),
            sha256: sha256_hex(sql.as_bytes()),
        }
    }

    /// The schema Fabrik carried, as the baseline migration.
    pub fn baseline(schema_sql: &str) -> Migration {
        Migration::new(BASELINE_VERSION, BASELINE_NAME, schema_sql)
    }
}

/// `20250301120000_add_invoices.sql` → ("20250301120000", "add_invoices"); the Supabase CLI's
/// rule (`^([0-9]+)_(.*)\.sql$`).
pub fn parse_file_name(file: &str) -> Option<(String, String)> {
    let stem = file.strip_suffix(".sql")?;
    let (version, name) = stem.split_once('_')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version.to_string(), name.to_string()))
}

/// A set from (file name, contents) pairs: checked, in version order. Files whose names do not
/// end in `.sql` are not migrations and are left out, as the Supabase CLI does.
pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Result<Vec<Migration>, FileError> {
    let mut out: Vec<Migration> = Vec::new();
    for (file, bytes) in files {
        if !file.ends_with(".sql") {
            continue;
        }
        let (version, name) =
            parse_file_name(&file).ok_or_else(|| FileError::BadName { file: file.clone() })?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(FileError::TooLarge { file });
        }
        let sql =
            String::from_utf8(bytes).map_err(|_| FileError::NotText { file: file.clone() })?;
        if sql.trim().is_empty() {
            return Err(FileError::Empty { file });
        }
        if let Some(other) = out.iter().find(|m| m.version == version) {
            return Err(FileError::DuplicateVersion {
                file,
                other: other.file_name(),
                version,
            });
        }
        out.push(Migration::new(&version, &name, &sql));
    }
    // Versions are compared as numbers of any length, as the CLI orders them.
    out.sort_by(|a, b| (a.version.len(), &a.version).cmp(&(b.version.len(), &b.version)));
    Ok(out)
}

/// The files of a local folder: `DIR/supabase/migrations` when it exists, else `DIR` itself.
pub fn from_dir(dir: &Path) -> Result<Vec<Migration>, FileError> {
    let nested = dir.join(MIGRATIONS_DIR);
    let dir = if nested.is_dir() {
        nested
    } else {
        dir.to_path_buf()
    };
    let unreadable = |e: std::io::Error| FileError::Unreadable {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        if !entry.file_type().map_err(unreadable)?.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".sql") {
            continue;
        }
        if entry.metadata().map_err(unreadable)?.len() > MAX_FILE_BYTES as u64 {
            return Err(FileError::TooLarge { file: name });
        }
        let bytes = std::fs::read(entry.path()).map_err(unreadable)?;
        files.push((name, bytes));
    }
    let set = from_files(files)?;
    if set.is_empty() {
        return Err(FileError::NoFiles {
            path: dir.display().to_string(),
        });
    }
    Ok(set)
}

/// The newest version of a set (versions are numbers of any length).
pub fn newest(versions: impl Iterator<Item = impl AsRef<str>>) -> Option<String> {
    versions
        .map(|v| v.as_ref().to_string())
        .max_by(|a, b| (a.len(), a).cmp(&(b.len(), b)))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    lower_hex(&sha2::Sha256::digest(bytes))
}

/// A digest as lowercase hex (a hash taken in pieces, as an export's files are).
pub fn lower_hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, sql: &str) -> (String, Vec<u8>) {
        (name.to_string(), sql.as_bytes().to_vec())
    }

    #[test]
    fn files_are_read_in_version_order_and_other_files_left_out() {
        let set = from_files(vec![
            f("20250302000000_b.sql", "select 2"),
            f("README.md", "#"),
            f("20250301000000_a_b.sql", "select 1"),
            f("9_short.sql", "select 0"),
        ])
        .unwrap();
        let names: Vec<String> = set.iter().map(|m| m.file_name()).collect();
        assert_eq!(
            names,
            [
                "9_short.sql",
                "20250301000000_a_b.sql",
                "20250302000000_b.sql"
            ]
        );
        assert_eq!(set[1].name, "a_b");
        assert_eq!(set[1].sha256.len(), 64);
    }

    #[test]
    fn a_bad_set_is_refused_with_the_file_named() {
        assert_eq!(
            from_files(vec![f("v1_x.sql", "select 1")]),
            Err(FileError::BadName {
                file: "v1_x.sql".into()
            })
        );
        assert!(matches!(
            from_files(vec![f("1_a.sql", "select 1"), f("1_b.sql", "select 2")]),
            Err(FileError::DuplicateVersion { .. })
        ));
        assert_eq!(
            from_files(vec![f("1_a.sql", "  \n")]),
            Err(FileError::Empty {
                file: "1_a.sql".into()
            })
        );
        assert!(parse_file_name("_a.sql").is_none());
        assert!(parse_file_name("123.sql").is_none());
    }

    #[test]
    fn a_folder_is_read_from_its_supabase_migrations_when_it_has_one() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join(MIGRATIONS_DIR);
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(nested.join("2_b.sql"), "select 2").unwrap();
        std::fs::write(nested.join("1_a.sql"), "select 1").unwrap();
        let set = from_dir(dir.path()).unwrap();
        assert_eq!(set.len(), 2);
        assert_eq!(set[0].version, "1");
        assert_eq!(newest(set.iter().map(|m| &m.version)).as_deref(), Some("2"));
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            from_dir(empty.path()),
            Err(FileError::NoFiles { .. })
        ));
    }
}
