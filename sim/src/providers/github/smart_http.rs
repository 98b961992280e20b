//! Git's smart HTTP protocol for the simulated repositories (`/github-git/{owner}/{repo}.git`, the
//! `clone_url` the REST answers carry): `GET …/info/refs?service=git-upload-pack` and
//! `POST …/git-upload-pack`, so `git clone` works against the simulator as against github.com.
//!
//! Git itself answers: the repository's objects (real git ids, `crate::git`) are written into a
//! temporary bare repository for each request and `git http-backend` serves it, so the
//! protocol (v0 and v2, gzip'd requests) is git's own, not an imitation. As on GitHub, a token
//! goes as the HTTP password (`x-access-token:<token>`, Basic): none or a bad one is 401 with
//! `WWW-Authenticate`; a repository that does not exist is 404. Only reading is served.

use std::process::Stdio;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use tokio::io::AsyncWriteExt;

use crate::git::Git;
use crate::state::AppState;
use crate::world::now_ms;

type St = State<Arc<AppState>>;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/{owner}/{repo}/info/refs", get(serve))
        .route("/{owner}/{repo}/git-upload-pack", post(serve))
}

fn text(status: u16, body: &str) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn unauthorized() -> Response {
    let mut r = text(
        401,
        "remote: Invalid username or token. Password authentication is not supported for Git operations.\n",
    );
    r.headers_mut().insert(
        axum::http::header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Basic realm=\"GitHub\""),
    );
    r
}

/// The token of `Authorization: Basic base64(user:token)`.
fn basic_password(h: &HeaderMap) -> Option<String> {
    let v = h.get("authorization")?.to_str().ok()?.trim();
    let (scheme, rest) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let pair = String::from_utf8(raw).ok()?;
    Some(pair.split_once(':')?.1.to_string())
}

async fn serve(
    State(st): St,
    Path((owner, repo)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    method: Method,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    let token = basic_password(&h).filter(|t| st.accepts(|x| &x.github, t));
    let Some(token) = token else {
        return unauthorized();
    };
    if st
        .cfg
        .github_token_expiry
        .get(&token)
        .is_some_and(|at| *at <= now_ms())
    {
        return unauthorized();
    }
    let Some(name) = repo.strip_suffix(".git") else {
        return text(404, "Repository not found.\n");
    };
    let Some(r) = super::find(&st, &owner, name) else {
        return text(404, "Repository not found.\n");
    };
    // While a template copy runs the repository has no commits yet.
    let (git, head) = if r.is_empty_at(now_ms()) {
        (Git::default(), r.default_branch.clone())
    } else {
        (r.git.clone(), r.default_branch.clone())
    };
    let rest = if method == Method::GET {
        "info/refs"
    } else {
        "git-upload-pack"
    };
    match backend(&git, &head, rest, query.as_deref(), &method, &h, body).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::warn!("fabrik-sim: git http-backend failed: {e}");
            text(500, "git failed\n")
        }
    }
}

/// Writes `git`'s objects and refs into a new bare repository under `root`.
async fn materialise(git: &Git, head: &str, root: &std::path::Path) -> std::io::Result<()> {
    let repo = root.join("repo.git");
    run(tokio::process::Command::new("git")
        .args(["init", "--bare", "-q"])
        .arg(&repo))
    .await?;
    let bodies = root.join("bodies");
    std::fs::create_dir(&bodies)?;
    for kind in ["blob", "tree", "commit"] {
        let mut list = String::new();
        let mut want = Vec::new();
        for (sha, obj) in &git.objects {
            if obj.kind() == kind {
                let path = bodies.join(sha);
                std::fs::write(&path, obj.body())?;
                list.push_str(&format!("{}\n", path.display()));
                want.push(sha.clone());
            }
        }
        if want.is_empty() {
            continue;
        }
        let mut child = tokio::process::Command::new("git")
            .arg("--git-dir")
            .arg(&repo)
            .args([
                "hash-object",
                "-w",
                "--literally",
                "--stdin-paths",
                "-t",
                kind,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().expect("piped");
        stdin.write_all(list.as_bytes()).await?;
        drop(stdin);
        let out = child.wait_with_output().await?;
        let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        if !out.status.success() || got != want {
            return Err(std::io::Error::other(format!(
                "hash-object disagreed on {kind}s: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
    }
    for (name, sha) in &git.refs {
        let path = repo.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, format!("{sha}\n"))?;
    }
    std::fs::write(repo.join("HEAD"), format!("ref: refs/heads/{head}\n"))?;
    Ok(())
}

async fn run(cmd: &mut tokio::process::Command) -> std::io::Result<()> {
    let out = cmd.stdin(Stdio::null()).output().await?;
    if out.status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    }
}

/// Runs `git http-backend` as a CGI program for one request and turns its output into the
/// answer.
async fn backend(
    git: &Git,
    head: &str,
    rest: &str,
    query: Option<&str>,
    method: &Method,
    h: &HeaderMap,
    body: Bytes,
) -> std::io::Result<Response> {
    let root = tempfile::tempdir()?;
    materialise(git, head, root.path()).await?;
    let header = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root.path())
        .env("GIT_PROJECT_ROOT", root.path())
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", format!("/repo.git/{rest}"))
        .env("REQUEST_METHOD", method.as_str())
        .env("QUERY_STRING", query.unwrap_or(""))
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("HTTP_CONTENT_ENCODING", header("content-encoding"))
        .env("GIT_PROTOCOL", header("git-protocol"))
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    // Written from its own task: git reads its input while it writes its answer.
    let feed = tokio::spawn(async move {
        let _ = stdin.write_all(&body).await;
    });
    let out = child.wait_with_output().await?;
    let _ = feed.await;
    if !out.status.success() {
        return Err(std::io::Error::other(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    Ok(cgi_response(&out.stdout))
}

/// A CGI program's output (headers, a blank line, the body) as an HTTP answer.
fn cgi_response(out: &[u8]) -> Response {
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            out.windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        });
    let Some((end, start)) = split else {
        return text(500, "git answered without headers\n");
    };
    let mut resp = Response::new(Body::from(out[start..].to_vec()));
    for line in String::from_utf8_lossy(&out[..end]).lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if k.eq_ignore_ascii_case("status") {
            let code = v
                .split(' ')
                .next()
                .and_then(|c| c.parse().ok())
                .unwrap_or(500);
            *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
        } else if let (Ok(k), Ok(v)) = (
            axum::http::HeaderName::from_bytes(k.trim().as_bytes()),
            axum::http::HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn cgi_headers_become_the_answer() {
        let r = super::cgi_response(b"Status: 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nno");
        assert_eq!(r.status(), 403);
        assert_eq!(r.headers()["content-type"], "text/plain");
    }
}
