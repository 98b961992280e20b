//! Supabase Storage in the simulated world: each project's buckets and their objects, kept apart
//! from the project itself so that the many requests which read a project do not copy its files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One project's buckets, by id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProjectStorage {
    pub buckets: BTreeMap<String, Bucket>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bucket {
    pub id: String,
    pub name: String,
    pub public: bool,
    pub file_size_limit: Option<u64>,
    pub allowed_mime_types: Option<Vec<String>>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Objects by their full name (`folder/cat.png`); folders are implied by the names.
    pub objects: BTreeMap<String, StoredObject>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredObject {
    pub id: String,
    pub mimetype: String,
    pub cache_control: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    #[serde(with = "crate::git::b64")]
    pub data: Vec<u8>,
}
