//! A repository's files through the contents API (`repos/get-content`,
//! `repos/create-or-update-file-contents`): one file, a folder, their blob SHAs, and a file
//! written.

use reqwest::Method;
use serde_json::json;

use super::{Github, RepoFile, P};
use crate::providers::error::{ErrorKind, ProviderError};

impl Github {
    /// GET contents of a path (`repos/get-content`), at a ref when given; `None` on 404.
    async fn contents(
        &self,
        owner: &str,
        name: &str,
        path: &str,
        at: Option<&str>,
    ) -> Result<Option<serde_json::Value>, ProviderError> {
        let query = at
            .map(|r| {
                let r: String = url::form_urlencoded::byte_serialize(r.as_bytes()).collect();
                format!("?ref={r}")
            })
            .unwrap_or_default();
        let url = format!("/repos/{owner}/{name}/contents/{path}{query}");
        match self.call(Method::GET, |o| o._get(&url)).await {
            Ok(resp) => Ok(Some(self.json(resp).await?)),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A file item's bytes (GitHub wraps the base64 at 60 columns).
    pub(super) fn decoded(item: &serde_json::Value, path: &str) -> Result<Vec<u8>, ProviderError> {
        use base64::Engine as _;
        let Some(content) = item["content"].as_str() else {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{path} is not a file"),
            ));
        };
        let packed: String = content.split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(packed)
            .map_err(|e| ProviderError::new(P, ErrorKind::Invalid, format!("{path}: {e}")))
    }

    /// One file on the default branch (GET contents, `repos/get-content`): its blob sha and
    /// text; `None` when there is no such file.
    pub async fn file(
        &self,
        owner: &str,
        name: &str,
        path: &str,
    ) -> Result<Option<RepoFile>, ProviderError> {
        let Some(item) = self.contents(owner, name, path, None).await? else {
            return Ok(None);
        };
        let bytes = Self::decoded(&item, path)?;
        let Some(sha) = item["sha"].as_str() else {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{path} is not a file"),
            ));
        };
        Ok(Some(RepoFile {
            sha: sha.to_string(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }))
    }

    /// The files of one folder at a ref (GET contents of a directory, `repos/get-content`,
    /// then each file): (name, bytes), files only; `None` when the folder is not there. At most
    /// `max_files` files are read (a folder of migrations, not a tree).
    pub async fn folder_at(
        &self,
        owner: &str,
        name: &str,
        path: &str,
        at: Option<&str>,
        max_files: usize,
    ) -> Result<Option<Vec<(String, Vec<u8>)>>, ProviderError> {
        let Some(entries) = self.contents(owner, name, path, at).await? else {
            return Ok(None);
        };
        let Some(entries) = entries.as_array() else {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{path} is not a folder"),
            ));
        };
        let files: Vec<&str> = entries
            .iter()
            .filter(|e| e["type"] == "file")
            .filter_map(|e| e["path"].as_str())
            .collect();
        if files.len() > max_files {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{path} holds {} files, more than {max_files}", files.len()),
            ));
        }
        let mut out = Vec::with_capacity(files.len());
        for file in files {
            let item = self.contents(owner, name, file, at).await?.ok_or_else(|| {
                ProviderError::new(
                    P,
                    ErrorKind::NotFound,
                    format!("{file} went away while read"),
                )
            })?;
            let base = file.rsplit('/').next().unwrap_or(file).to_string();
            out.push((base, Self::decoded(&item, file)?));
        }
        Ok(Some(out))
    }

    /// A folder's files at a ref, path → blob sha, without reading them (GET contents of a
    /// directory); empty when the folder is not there.
    pub async fn folder_shas(
        &self,
        owner: &str,
        name: &str,
        path: &str,
        at: Option<&str>,
    ) -> Result<std::collections::BTreeMap<String, String>, ProviderError> {
        let Some(entries) = self.contents(owner, name, path, at).await? else {
            return Ok(Default::default());
        };
        Ok(entries
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|e| e["type"] == "file")
            .filter_map(|e| {
                Some((
                    e["path"].as_str()?.to_string(),
                    e["sha"].as_str()?.to_string(),
                ))
            })
            .collect())
    }

    /// One file's bytes at a ref; `None` when it is not there.
    pub async fn file_at(
        &self,
        owner: &str,
        name: &str,
        path: &str,
        at: &str,
    ) -> Result<Option<Vec<u8>>, ProviderError> {
        match self.contents(owner, name, path, Some(at)).await? {
            Some(item) => Self::decoded(&item, path).map(Some),
            None => Ok(None),
        }
    }

    /// Creates or replaces one file in one commit on the default branch (PUT contents,
    /// `repos/create-or-update-file-contents`); `replacing` is the blob sha of the file being
    /// replaced (GitHub refuses an update without it, and a stale one with 409). Returns the
    /// new blob sha.
    pub async fn put_file(
        &self,
        owner: &str,
        name: &str,
        path: &str,
        text: &str,
        message: &str,
        replacing: Option<&str>,
    ) -> Result<String, ProviderError> {
        use base64::Engine as _;
        let mut body = json!({
            "message": message,
            "content": base64::engine::general_purpose::STANDARD.encode(text),
        });
        if let Some(sha) = replacing {
            body["sha"] = json!(sha);
        }
        let resp = self
            .call(Method::PUT, |o| {
                o._put(
                    format!("/repos/{owner}/{name}/contents/{path}"),
                    Some(&body),
                )
            })
            .await?;
        // The new blob's sha: what a later read compares against to see whether it changed.
        let written: serde_json::Value = self.json(resp).await?;
        written["content"]["sha"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| {
                ProviderError::new(P, ErrorKind::Invalid, format!("{path}: no content.sha"))
            })
    }
}
