//! Logical backups of a customer's database (issue #30): taken through the query endpoint,
//! encrypted at rest with a key from the OS keyring, restorable by Fabrik and readable by
//! standard PostgreSQL tools once decrypted.
