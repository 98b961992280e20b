//! One project's Storage API (contract: supabase/storage-api-subset.openapi.json, from
//! supabase/storage's route schemas): every object of every bucket listed, and one object's bytes
//! streamed to a writer. Read with the project's service_role key, which RLS lets read private
//! buckets too; the same key and project URL as the Auth admin API (`auth.rs`).
//!
//! Storage answers its errors with HTTP 400 and the real status in the body (`statusCode: "404"`,
//! `code: NoSuchBucket | NoSuchKey`): those are read back into `NotFound` here.

use std::collections::VecDeque;
use std::time::Duration;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{ApiKeys, Supabase, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::http;

/// One page of a folder's listing (the API allows up to 1500; its default is 100).
const PAGE: usize = 1000;
/// The most objects one project's listing reads: beyond it the listing is refused rather than
/// held in memory without bound.
pub const MAX_OBJECTS: usize = 200_000;
/// Folders nest at most this deep (a deeper one is a loop or hostile answer).
const MAX_DEPTH: usize = 64;
/// The most bytes one object may have: Supabase's own ceiling for a file on the largest plans is
/// far above what an export should carry without the agency deciding so.
pub const MAX_OBJECT_BYTES: u64 = 5 * 1024 * 1024 * 1024;
/// How long one download may take in all, and how long it may stand still between pieces.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60 * 60);
const STALL_TIMEOUT: Duration = http::CALL_TIMEOUT;

/// One file in a project's storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StorageObject {
    pub bucket: String,
    /// The full path inside the bucket (`folder/sub/cat.png`).
    pub name: String,
    pub size: u64,
    pub content_type: Option<String>,
    pub updated_at: Option<String>,
}

/// What one download wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub size: u64,
    /// SHA-256 of the bytes written, lowercase hex.
    pub sha256: String,
}

#[derive(Deserialize)]
struct Bucket {
    id: String,
}

/// An entry of `POST /object/list/{bucket}` (`objectSchema`): a folder has `id: null`.
#[derive(Deserialize)]
struct Entry {
    name: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    metadata: Option<Value>,
}

impl Supabase {
    fn storage(
        &self,
        method: Method,
        project_ref: &str,
        path: &str,
        keys: &ApiKeys,
    ) -> reqwest::RequestBuilder {
        self.as_service(method, project_ref, "/storage/v1", path, keys)
    }

    /// Every object in every bucket of the project, bucket by bucket, each folder read in pages
    /// and its sub-folders after it.
    pub async fn storage_objects(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
    ) -> Result<Vec<StorageObject>, ProviderError> {
        let req = self.storage(Method::GET, project_ref, "/bucket", keys);
        let buckets: Vec<Bucket> = http::json(P, send(req).await?).await?;
        let mut all = Vec::new();
        for b in buckets {
            self.list_bucket(project_ref, keys, &b.id, &mut all).await?;
        }
        Ok(all)
    }

    async fn list_bucket(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        bucket: &str,
        out: &mut Vec<StorageObject>,
    ) -> Result<(), ProviderError> {
        let mut folders = VecDeque::from([String::new()]);
        while let Some(prefix) = folders.pop_front() {
            if prefix.matches('/').count() > MAX_DEPTH {
                return Err(too_many(format!("folders deeper than {MAX_DEPTH}")));
            }
            let mut offset = 0;
            loop {
                let path = format!("/object/list/{}", segment(bucket));
                let req = self
                    .storage(Method::POST, project_ref, &path, keys)
                    .json(&json!({
                        "prefix": prefix, "limit": PAGE, "offset": offset,
                        "sortBy": { "column": "name", "order": "asc" },
                    }));
                let page: Vec<Entry> = http::json(P, send(req).await?).await?;
                let n = page.len();
                for e in page {
                    // A name is relative to the prefix; one with a slash or none at all is not
                    // an entry of this folder.
                    if e.name.is_empty() || e.name.contains('/') {
                        return Err(ProviderError::new(
                            P,
                            ErrorKind::Invalid,
                            format!("unexpected storage entry {:?}", e.name),
                        ));
                    }
                    let full = format!("{prefix}{}", e.name);
                    if e.id.is_none() {
                        folders.push_back(format!("{full}/"));
                        continue;
                    }
                    if out.len() >= MAX_OBJECTS {
                        return Err(too_many(format!("more than {MAX_OBJECTS} objects")));
                    }
                    let meta = e.metadata.unwrap_or(Value::Null);
                    out.push(StorageObject {
                        bucket: bucket.to_string(),
                        name: full,
                        size: meta["size"].as_u64().unwrap_or(0),
                        content_type: meta["mimetype"].as_str().map(str::to_string),
                        updated_at: e.updated_at,
                    });
                }
                if n < PAGE {
                    break;
                }
                offset += n;
            }
        }
        Ok(())
    }

    /// Streams one object's bytes into `out` (`GET /object/{bucket}/{name}`), piece by piece:
    /// memory stays flat whatever its size. Refused past `MAX_OBJECT_BYTES`, after
    /// `DOWNLOAD_TIMEOUT` in all, or when the answer stands still for `STALL_TIMEOUT`; what was
    /// written before a refusal is the caller's to discard.
    pub async fn storage_download<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        bucket: &str,
        name: &str,
        out: &mut W,
    ) -> Result<Downloaded, ProviderError> {
        let path = format!(
            "/object/{}/{}",
            segment(bucket),
            name.split('/').map(segment).collect::<Vec<_>>().join("/")
        );
        let req = self
            .storage(Method::GET, project_ref, &path, keys)
            .timeout(DOWNLOAD_TIMEOUT);
        let mut resp = send(req).await?;
        if resp.content_length().is_some_and(|n| n > MAX_OBJECT_BYTES) {
            return Err(http::too_large(P));
        }
        let mut hash = Sha256::new();
        let mut size = 0u64;
        loop {
            let chunk = match tokio::time::timeout(STALL_TIMEOUT, resp.chunk()).await {
                Err(_) => {
                    let mut e =
                        ProviderError::new(P, ErrorKind::Transient, "did not answer in time");
                    e.timed_out = true;
                    return Err(e);
                }
                Ok(r) => r.map_err(|e| http::transport(P, &e))?,
            };
            let Some(chunk) = chunk else { break };
            size += chunk.len() as u64;
            if size > MAX_OBJECT_BYTES {
                return Err(http::too_large(P));
            }
            hash.update(&chunk);
            out.write_all(&chunk).await.map_err(|e| {
                ProviderError::new(P, ErrorKind::Invalid, format!("could not write: {e}"))
            })?;
        }
        out.flush().await.map_err(|e| {
            ProviderError::new(P, ErrorKind::Invalid, format!("could not write: {e}"))
        })?;
        Ok(Downloaded {
            size,
            sha256: hash.finalize().iter().map(|b| format!("{b:02x}")).collect(),
        })
    }
}

/// `http::send`, with Storage's "404 in a 400" read back as `NotFound`.
async fn send(req: reqwest::RequestBuilder) -> Result<reqwest::Response, ProviderError> {
    http::send(P, req).await.map_err(|mut e| {
        if matches!(e.code.as_deref(), Some("NoSuchBucket" | "NoSuchKey")) {
            e.kind = ErrorKind::NotFound;
        }
        e
    })
}

fn too_many(what: String) -> ProviderError {
    ProviderError::new(P, ErrorKind::TooLarge, what)
}

/// One path segment, percent-encoded (a name may hold spaces, `#`, `?`, `%`).
fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        // form encoding writes a space as '+', which a path reads as a plus.
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_segment_keeps_its_characters_as_themselves() {
        assert_eq!(super::segment("a b+c#?%"), "a%20b%2Bc%23%3F%25");
        assert_eq!(super::segment("katt.png"), "katt.png");
    }
}
