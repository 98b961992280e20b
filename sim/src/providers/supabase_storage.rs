//! The Storage API of each simulated project (`/supabase-project/{ref}/storage/v1`; contract:
//! supabase/storage-api-subset.openapi.json): buckets made and listed, objects uploaded, listed
//! one folder level at a time and served.
//!
//! As the real server: every error is HTTP 400 with the real status in the body's `statusCode`
//! (500 stays 500); a list of a bucket that does not exist is an empty list (`storage.search`
//! does not look the bucket up), while a download from it is `NoSuchBucket`; a folder is an
//! entry with `id: null`; names are relative to the prefix. Gateway rule as for Auth (`apikey`
//! one of the project's keys); the bearer must be one of the project's keys. The service_role
//! key passes RLS; another role (no storage policies in a new project) lists nothing and reads
//! only public buckets. With PostgreSQL behind the project, each upload is also its row in
//! `storage.objects` (the sim's schema has no `storage.buckets`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::bearer;
use crate::errors::json_response;
use crate::state::AppState;
use crate::world::{iso, now_ms, Bucket, Project, StoredObject};

type St = State<Arc<AppState>>;

pub fn router(_st: Arc<AppState>) -> Router<Arc<AppState>> {
    let base = "/supabase-project/{ref}/storage/v1";
    Router::new()
        .route(
            &format!("{base}/bucket"),
            get(list_buckets).post(create_bucket),
        )
        .route(
            &format!("{base}/bucket/"),
            get(list_buckets).post(create_bucket),
        )
        .route(
            &format!("{base}/object/list/{{bucket}}"),
            post(list_objects),
        )
        .route(
            &format!("{base}/object/{{bucket}}/{{*name}}"),
            get(get_object).post(create_object),
        )
        // A file is larger than axum's default 2 MB; the request log reads up to 32 MB.
        .layer(axum::extract::DefaultBodyLimit::max(32 << 20))
}

/// A storage error as `src/http/error-handler.ts` answers it: HTTP 400 unless it is a 500.
fn storage_error(status: u16, code: &str, error: &str, message: &str) -> Response {
    json_response(
        if status == 500 { 500 } else { 400 },
        json!({"statusCode": status.to_string(), "code": code, "error": error, "message": message}),
    )
}

fn no_such_bucket() -> Response {
    storage_error(404, "NoSuchBucket", "Bucket not found", "Bucket not found")
}

fn no_such_key() -> Response {
    storage_error(404, "NoSuchKey", "not_found", "Object not found")
}

/// Whether the caller passes RLS (the service_role key), after the gateway and the JWT check.
fn caller(st: &AppState, r: &str, h: &HeaderMap) -> Result<(Project, bool), Response> {
    let p = super::supabase_auth::gateway(st, r, h)?;
    let Some(token) = bearer(h) else {
        return Err(storage_error(
            403,
            "AccessDenied",
            "Unauthorized",
            "Access denied: JWT is not authenticated",
        ));
    };
    let claims = super::supabase_keys::jwt_claims(&token)
        .filter(|_| p.keys.all().contains(&token.as_str()))
        .ok_or_else(|| storage_error(400, "InvalidJWT", "InvalidJWT", "invalid signature"))?;
    Ok((p, claims["role"].as_str() == Some("service_role")))
}

fn bucket_json(b: &Bucket) -> Value {
    json!({
        "id": b.id, "name": b.name, "owner": "", "public": b.public, "type": "STANDARD",
        "file_size_limit": b.file_size_limit, "allowed_mime_types": b.allowed_mime_types,
        "created_at": iso(b.created_ms), "updated_at": iso(b.updated_ms),
    })
}

async fn list_buckets(State(st): St, Path(r): Path<String>, h: HeaderMap) -> Response {
    let (_, admin) = match caller(&st, &r, &h) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let buckets: Vec<Value> = if admin {
        st.read(|w| {
            w.storage
                .get(&r)
                .map(|s| s.buckets.values().map(bucket_json).collect())
                .unwrap_or_default()
        })
    } else {
        vec![]
    };
    json_response(200, Value::Array(buckets))
}

async fn create_bucket(
    State(st): St,
    Path(r): Path<String>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    let (_, admin) = match caller(&st, &r, &h) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(name) = body["name"].as_str().filter(|n| !n.is_empty()) else {
        return storage_error(
            400,
            "InvalidRequest",
            "Bad Request",
            "body must have required property 'name'",
        );
    };
    if !admin {
        return storage_error(
            403,
            "Unauthorized",
            "Unauthorized",
            "new row violates row-level security policy",
        );
    }
    let id = body["id"].as_str().unwrap_or(name).to_string();
    let now = now_ms();
    let bucket = Bucket {
        id: id.clone(),
        name: name.to_string(),
        public: body["public"].as_bool().unwrap_or(false),
        file_size_limit: body["file_size_limit"].as_u64(),
        allowed_mime_types: serde_json::from_value(body["allowed_mime_types"].clone()).ok(),
        created_ms: now,
        updated_ms: now,
        objects: Default::default(),
    };
    let made = st.mutate(|w| {
        let s = w.storage.entry(r.clone()).or_default();
        if s.buckets.contains_key(&id) {
            return false;
        }
        s.buckets.insert(id.clone(), bucket);
        true
    });
    if !made {
        return storage_error(
            409,
            "BucketAlreadyExists",
            "Duplicate",
            "The resource already exists",
        );
    }
    json_response(200, json!({ "name": name }))
}

/// One level under `prefix`, as `storage.search` sorted by name answers it.
fn search(bucket: &Bucket, prefix: &str, search: &str) -> Vec<Value> {
    let mut entries: Vec<(String, Value)> = vec![];
    for (name, o) in bucket.objects.range(prefix.to_string()..) {
        let Some(rel) = name.strip_prefix(prefix) else {
            break;
        };
        if !rel.to_lowercase().starts_with(&search.to_lowercase()) {
            continue;
        }
        match rel.split_once('/') {
            Some((folder, _)) => {
                if entries.last().is_none_or(|(n, _)| n != folder) {
                    entries.push((
                        folder.to_string(),
                        json!({"name": folder, "id": null, "updated_at": null, "created_at": null,
                               "last_accessed_at": null, "metadata": null}),
                    ));
                }
            }
            None => entries.push((
                rel.to_string(),
                json!({
                    "name": rel, "id": o.id, "updated_at": iso(o.updated_ms),
                    "created_at": iso(o.created_ms), "last_accessed_at": iso(o.updated_ms),
                    "metadata": {
                        "eTag": format!("\"{}\"", etag(&o.data)), "size": o.data.len(),
                        "mimetype": o.mimetype, "cacheControl": o.cache_control,
                        "lastModified": iso(o.updated_ms), "contentLength": o.data.len(),
                        "httpStatusCode": 200,
                    },
                }),
            )),
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().map(|(_, v)| v).collect()
}

fn etag(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn list_objects(
    State(st): St,
    Path((r, bucket)): Path<(String, String)>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    let (_, admin) = match caller(&st, &r, &h) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(prefix) = body["prefix"].as_str() else {
        return storage_error(
            400,
            "InvalidRequest",
            "Bad Request",
            "body must have required property 'prefix'",
        );
    };
    let number = |name: &str, min: i64, default: i64| match &body[name] {
        Value::Null => Ok(default),
        v => v.as_i64().filter(|n| *n >= min).ok_or_else(|| {
            storage_error(
                400,
                "InvalidRequest",
                "Bad Request",
                &format!("body/{name} must be >= {min}"),
            )
        }),
    };
    let (limit, offset) = match (number("limit", 1, 100), number("offset", 0, 0)) {
        (Ok(l), Ok(o)) => (l.min(1500) as usize, o as usize),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let mut prefix = prefix.to_string();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    let needle = body["search"].as_str().unwrap_or("");
    let desc = body["sortBy"]["order"].as_str() == Some("desc");
    // Without a policy on storage.objects, RLS shows another role nothing.
    let mut found = if admin {
        st.read(|w| {
            w.storage
                .get(&r)
                .and_then(|s| s.buckets.get(&bucket))
                .map(|b| search(b, &prefix, needle))
                .unwrap_or_default()
        })
    } else {
        vec![]
    };
    if desc {
        found.reverse();
    }
    let page: Vec<Value> = found.into_iter().skip(offset).take(limit).collect();
    json_response(200, Value::Array(page))
}

async fn get_object(
    State(st): St,
    Path((r, bucket, name)): Path<(String, String, String)>,
    h: HeaderMap,
) -> Response {
    let (_, admin) = match caller(&st, &r, &h) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let found = st.read(|w| {
        let b = w.storage.get(&r)?.buckets.get(&bucket)?;
        Some((b.public, b.objects.get(&name).cloned()))
    });
    match found {
        None => no_such_bucket(),
        Some((public, Some(o))) if admin || public => (
            [
                (axum::http::header::CONTENT_TYPE, o.mimetype),
                (axum::http::header::CACHE_CONTROL, o.cache_control),
                (axum::http::header::ETAG, format!("\"{}\"", etag(&o.data))),
            ],
            o.data,
        )
            .into_response(),
        // A private object RLS hides reads as missing.
        Some(_) => no_such_key(),
    }
}

async fn create_object(
    State(st): St,
    Path((r, bucket, name)): Path<(String, String, String)>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    let (_, admin) = match caller(&st, &r, &h) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let header = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
    let upsert = header("x-upsert").as_deref() == Some("true");
    let mimetype = header("content-type").unwrap_or_else(|| "application/octet-stream".into());
    let cache_control = format!(
        "max-age={}",
        header("cache-control")
            .and_then(|c| c.trim_start_matches("max-age=").parse::<u64>().ok())
            .unwrap_or(3600)
    );
    if name.is_empty() || name.split('/').any(str::is_empty) {
        return storage_error(
            400,
            "InvalidKey",
            "InvalidKey",
            &format!("Invalid key: {name}"),
        );
    }
    let now = now_ms();
    let outcome = st.mutate(|w| {
        let id = w.ids.uuid_v4();
        let b = w.storage.get_mut(&r)?.buckets.get_mut(&bucket)?;
        if !admin {
            return Some(Err(storage_error(
                403,
                "Unauthorized",
                "Unauthorized",
                "new row violates row-level security policy",
            )));
        }
        if b.file_size_limit.is_some_and(|l| body.len() as u64 > l) {
            return Some(Err(storage_error(
                413,
                "EntityTooLarge",
                "Payload too large",
                "The object exceeded the maximum allowed size",
            )));
        }
        let created_ms = match b.objects.get(&name) {
            Some(_) if !upsert => {
                return Some(Err(storage_error(
                    409,
                    "ResourceAlreadyExists",
                    "Duplicate",
                    "The resource already exists",
                )))
            }
            Some(o) => o.created_ms,
            None => now,
        };
        let o = StoredObject {
            id,
            mimetype,
            cache_control,
            created_ms,
            updated_ms: now,
            data: body.to_vec(),
        };
        let id = o.id.clone();
        b.objects.insert(name.clone(), o);
        Some(Ok(id))
    });
    match outcome {
        None => no_such_bucket(),
        Some(Err(resp)) => resp,
        Some(Ok(id)) => {
            mirror(&st, &r, &bucket, &name, &id).await;
            json_response(200, json!({"Id": id, "Key": format!("{bucket}/{name}")}))
        }
    }
}

/// Writes the object's row into the project's `storage.objects` (PostgreSQL mode only), as
/// Storage keeps it there: what the database says of the project's files agrees with the API.
async fn mirror(st: &AppState, r: &str, bucket: &str, name: &str, id: &str) {
    let Some(pg) = &st.pg else {
        return;
    };
    let row = st.read(|w| {
        let o = w.storage.get(r)?.buckets.get(bucket)?.objects.get(name)?;
        Some((iso(o.created_ms), iso(o.updated_ms), json!({
            "eTag": format!("\"{}\"", etag(&o.data)), "size": o.data.len(), "mimetype": o.mimetype,
            "cacheControl": o.cache_control, "lastModified": iso(o.updated_ms),
            "contentLength": o.data.len(), "httpStatusCode": 200,
        })))
    });
    let Some((created, updated, metadata)) = row else {
        return;
    };
    let db = pg.db_name(&st.read(|w| w.instance.clone()), r);
    let sql = "WITH gone AS (DELETE FROM storage.objects WHERE bucket_id = $1 AND name = $2) \
               INSERT INTO storage.objects (id, bucket_id, name, metadata, created_at, updated_at) \
               VALUES ($3::uuid, $1, $2, $4::jsonb, $5::timestamptz, $6::timestamptz)";
    let params = [
        json!(bucket),
        json!(name),
        json!(id),
        metadata,
        json!(created),
        json!(updated),
    ];
    if let Err(e) = pg
        .run(&db, sql, &params, crate::sqlexec::Access::Write)
        .await
    {
        tracing::warn!("fabrik-sim: cannot mirror a storage object into {db}: {e}");
    }
}
