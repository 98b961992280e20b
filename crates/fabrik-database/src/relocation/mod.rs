//! A customer's instance moved (issue #59): the move archive, the instance's full form sealed
//! with the agency's backup key, and what an import into another delivered instance is checked
//! against. The archive is one file (`archive.rs`), written and read a chunk at a time: the auth
//! users with their password hashes and identities (`auth.rs`: so the customer's people keep
//! their logins), the logical backup's script (`database::backup::dump_into`, reused as it
//! is), and a manifest (source, schema version, every table's rows and checksum, the users). Sealed and opened by
//! `database::backup::crypt`, the same key from the same keyring as backups. What an import
//! compares (`check.rs`): the schema version before anything changes, every table and the users
//! after.
//!
//! It stands below the run engine: the import is a run (`RunKind::Import`), and its step opens
//! the archive.

pub mod archive;
pub mod auth;
pub mod check;

pub use archive::{export, open, Manifest, Opened, Written};
pub use check::{version_refusal, MovedTable};
