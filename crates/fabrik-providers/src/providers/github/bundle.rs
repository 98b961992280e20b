//! A repository as one git bundle (`git clone repo.bundle` gives it back): every branch and tag
//! with the objects they reach, for a customer's export.
//!
//! Why git itself: a bundle must hold the repository's objects byte for byte, or its commit ids
//! change. GitHub's REST description of a commit (`git/commits`) is a projection of the object,
//! not the object: its dates are ISO 8601 strings where git keeps seconds and the author's own
//! UTC offset, a signed commit's `gpgsig` header and any other extra header (`encoding`,
//! `mergetag`) have no field, and annotated tags and non-UTF-8 messages fare no better. Rebuilt
//! from it, a real repository's history would get other ids. Only git's own protocol hands over
//! the objects as they are, so this clones with the `git` program (`clone --mirror` over smart
//! HTTP, the `clone_url` GitHub names) and lets it write the bundle (`bundle create`), then
//! `bundle verify` checks it before it is kept.
//!
//! The token never reaches an argument, a URL or a log: it goes to git through the environment
//! (`GIT_CONFIG_COUNT`: an `http.<origin>/.extraHeader`, scoped to the clone URL's origin, as
//! GitHub's documented HTTP password with user `x-access-token`), redirects are not followed,
//! no user or system configuration is read (no credential helper, no prompt, no `insteadOf`),
//! only HTTPS is allowed (plain HTTP only to a loopback address, the simulator), and the clone
//! URL must be on the API's own host (or `api.` of it): a hostile answer cannot send the token
//! elsewhere. git's error text is bounded and redacted. The clone is bounded in time and size
//! and made in a temporary folder beside `dest`, so nothing half-written is left: `dest`
//! appears only when the bundle is whole and verified.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::{Github, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::secrets::{redact, Secret};

/// The largest repository bundled: its clone is stopped when its folder passes this.
pub const MAX_BUNDLE_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// How long the clone and the bundle may take in all.
pub const BUNDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// A transfer slower than 1 KB/s for a minute is stopped (git's own low-speed limit).
const LOW_SPEED: [(&str, &str); 2] = [("http.lowSpeedLimit", "1000"), ("http.lowSpeedTime", "60")];
/// Of git's error text only this much is read and kept.
const MAX_STDERR: usize = 16 * 1024;
/// `bundle list-heads` of a repository with very many refs is still far below this.
const MAX_STDOUT: usize = 8 * 1024 * 1024;
/// How often the clone's folder is measured.
const WATCH_EVERY: Duration = Duration::from_millis(500);

/// A ref the bundle carries, with its commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleRef {
    /// `HEAD`, `refs/heads/main`, `refs/tags/v1`.
    pub name: String,
    pub sha: String,
}

/// The bundle written to `dest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundled {
    pub bytes: u64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    pub refs: Vec<BundleRef>,
}

fn refused(kind: ErrorKind, message: impl Into<String>) -> ProviderError {
    ProviderError::new(P, kind, message)
}

/// The clone URL, if the token may go there: HTTPS (HTTP only on a loopback address, to a
/// plain-HTTP API), no credentials, query or fragment, on the API's host or the one it is `api.` of.
fn clone_origin(api: &str, clone_url: &str) -> Result<(url::Url, String), ProviderError> {
    let bad = |why: &str| {
        refused(
            ErrorKind::Invalid,
            format!("clone_url {clone_url:?}: {why}"),
        )
    };
    let api = url::Url::parse(api).map_err(|_| bad("the API address is not a URL"))?;
    let url = url::Url::parse(clone_url).map_err(|_| bad("not a URL"))?;
    let host = url.host_str().ok_or_else(|| bad("no host"))?;
    let loopback = matches!(url.host(), Some(url::Host::Ipv4(a)) if a.is_loopback())
        || matches!(url.host(), Some(url::Host::Ipv6(a)) if a.is_loopback())
        || host == "localhost";
    let scheme_ok =
        url.scheme() == "https" || (url.scheme() == "http" && loopback && api.scheme() == "http");
    if !scheme_ok {
        return Err(bad("not HTTPS"));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(bad("carries credentials, a query or a fragment"));
    }
    let api_host = api.host_str().unwrap_or("");
    let same_host = api_host.eq_ignore_ascii_case(host)
        || api_host.eq_ignore_ascii_case(&format!("api.{host}"));
    if !same_host
        || (api_host.eq_ignore_ascii_case(host)
            && api.port_or_known_default() != url.port_or_known_default())
    {
        return Err(bad("not on the API's host"));
    }
    let origin = url.origin().ascii_serialization();
    Ok((url, origin))
}

/// What one git command left: its exit, its output (bounded) and its error text (bounded).
struct Ran {
    ok: bool,
    stdout: Vec<u8>,
    stderr: String,
}

async fn read_bounded(mut r: impl AsyncRead + Unpin, limit: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    // Read to the end so git never blocks on a full pipe; keep only the first `limit` bytes.
    while let Ok(n) = r.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let room = limit.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
    kept
}

/// The bytes under a folder, followed as far as it can be read.
fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => todo.push(e.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

struct Git<'a> {
    program: &'a OsStr,
    /// `-c` settings, given through the environment.
    config: Vec<(String, String)>,
    /// An empty file standing for the user's configuration.
    empty_config: PathBuf,
    /// What must not appear in an error: the token and the header that carries it.
    hide: Vec<String>,
}

impl Git<'_> {
    fn command(&self, args: &[&OsStr]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(self.program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // None of the caller's git settings (traces, alternates, a configuration of its own).
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("GIT_") {
                cmd.env_remove(&k);
            }
        }
        cmd.env_remove("SSH_ASKPASS")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GCM_INTERACTIVE", "never")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", &self.empty_config)
            .env("GIT_CONFIG_COUNT", self.config.len().to_string());
        for (i, (k, v)) in self.config.iter().enumerate() {
            cmd.env(format!("GIT_CONFIG_KEY_{i}"), k)
                .env(format!("GIT_CONFIG_VALUE_{i}"), v);
        }
        cmd
    }

    /// Runs git to its end, or stops it when `watch`'s folder passes `MAX_BUNDLE_BYTES`.
    async fn run(&self, args: &[&OsStr], watch: Option<&Path>) -> Result<Ran, ProviderError> {
        let mut child = self.command(args).spawn().map_err(|e| missing_git(&e))?;
        let out = tokio::spawn(read_bounded(
            child.stdout.take().expect("piped"),
            MAX_STDOUT,
        ));
        let err = tokio::spawn(read_bounded(
            child.stderr.take().expect("piped"),
            MAX_STDERR,
        ));
        let mut tick = tokio::time::interval(WATCH_EVERY);
        let status = loop {
            tokio::select! {
                s = child.wait() => break s.map_err(|e| refused(ErrorKind::Transient, format!("git: {e}")))?,
                _ = tick.tick(), if watch.is_some() => {
                    let dir = watch.expect("checked").to_path_buf();
                    let used = tokio::task::spawn_blocking(move || folder_bytes(&dir)).await.unwrap_or(0);
                    if used > MAX_BUNDLE_BYTES {
                        let _ = child.kill().await;
                        return Err(refused(ErrorKind::TooLarge, format!("> {} MB", MAX_BUNDLE_BYTES / 1_048_576)));
                    }
                }
            }
        };
        let stdout = out.await.unwrap_or_default();
        let stderr = String::from_utf8_lossy(&err.await.unwrap_or_default()).into_owned();
        Ok(Ran {
            ok: status.success(),
            stdout,
            stderr: self.scrub(&stderr),
        })
    }

    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for h in &self.hide {
            out = out.replace(h.as_str(), crate::secrets::REDACTED);
        }
        redact(out.trim())
    }
}

/// The refusal when the `git` program cannot be started.
fn missing_git(e: &std::io::Error) -> ProviderError {
    if e.kind() == std::io::ErrorKind::NotFound {
        refused(
            ErrorKind::Invalid,
            "programmet git finns inte på den här datorn (git is not installed): installera git och försök igen",
        )
    } else {
        refused(ErrorKind::Invalid, format!("git kunde inte startas: {e}"))
    }
}

/// git's refusal as an error of the right kind, in git's own (redacted) words.
fn git_failed(what: &str, ran: &Ran) -> ProviderError {
    let lower = ran.stderr.to_lowercase();
    let kind =
        if lower.contains("authentication failed") || lower.contains("could not read username") {
            ErrorKind::Unauthorized
        } else if lower.contains("not found") {
            ErrorKind::NotFound
        } else if lower.contains("403") {
            ErrorKind::Forbidden
        } else {
            ErrorKind::Transient
        };
    let last: Vec<&str> = ran.stderr.lines().rev().take(3).collect();
    let text: Vec<&str> = last.into_iter().rev().collect();
    refused(kind, format!("git {what}: {}", text.join(" / ")))
}

/// `git --git-dir <repo> <args…>`.
fn in_repo<'a>(repo: &'a Path, args: &[&'static str]) -> Vec<&'a OsStr> {
    let mut all: Vec<&OsStr> = vec![OsStr::new("--git-dir"), repo.as_os_str()];
    all.extend(args.iter().map(|a| OsStr::new(*a)));
    all
}

async fn sha256_of(path: &Path) -> Result<(u64, String), ProviderError> {
    let io = |e: std::io::Error| {
        refused(
            ErrorKind::Invalid,
            format!("the bundle could not be read: {e}"),
        )
    };
    let mut f = tokio::fs::File::open(path).await.map_err(io)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf).await.map_err(io)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hash.update(&buf[..n]);
    }
    Ok((
        bytes,
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect(),
    ))
}

impl Github {
    /// Writes `owner/repo` as a git bundle to `dest` (every branch and tag, and `HEAD`): the
    /// repository's `clone_url` cloned with the token, bundled and verified by git. Refused
    /// when `git` is not installed, the repository is empty, passes `MAX_BUNDLE_BYTES` or
    /// takes longer than `BUNDLE_TIMEOUT`; `dest` is written only when the bundle is whole.
    pub async fn bundle(
        &self,
        owner: &str,
        repo: &str,
        dest: &Path,
    ) -> Result<Bundled, ProviderError> {
        self.bundle_with(OsStr::new("git"), owner, repo, dest).await
    }

    async fn bundle_with(
        &self,
        program: &OsStr,
        owner: &str,
        repo: &str,
        dest: &Path,
    ) -> Result<Bundled, ProviderError> {
        // Before any call: without git nothing else is worth asking.
        tokio::process::Command::new(program)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .map_err(|e| missing_git(&e))?;
        let r = self
            .lookup(owner, repo)
            .await?
            .ok_or_else(|| refused(ErrorKind::NotFound, format!("{owner}/{repo}")))?;
        if r.size.saturating_mul(1024) > MAX_BUNDLE_BYTES {
            return Err(refused(
                ErrorKind::TooLarge,
                format!("> {} MB", MAX_BUNDLE_BYTES / 1_048_576),
            ));
        }
        let clone_url = r
            .clone_url
            .as_deref()
            .ok_or_else(|| refused(ErrorKind::Invalid, "the repository has no clone_url"))?;
        let (url, origin) = clone_origin(&self.api, clone_url)?;
        match tokio::time::timeout(
            BUNDLE_TIMEOUT,
            self.clone_and_bundle(program, &url, &origin, dest),
        )
        .await
        {
            Ok(done) => done,
            Err(_) => {
                let mut e = refused(ErrorKind::Transient, "git did not finish in time");
                e.timed_out = true;
                Err(e)
            }
        }
    }

    async fn clone_and_bundle(
        &self,
        program: &OsStr,
        url: &url::Url,
        origin: &str,
        dest: &Path,
    ) -> Result<Bundled, ProviderError> {
        let io =
            |e: std::io::Error| refused(ErrorKind::Invalid, format!("{}: {e}", dest.display()));
        let parent = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let work = tempfile::Builder::new()
            .prefix(".fabrik-bundle-")
            .tempdir_in(parent)
            .map_err(io)?;
        let empty_config = work.path().join("empty.gitconfig");
        std::fs::write(&empty_config, b"").map_err(io)?;
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("x-access-token:{}", self.token.expose()));
        // Registered so that the redactor scrubs it from anything, as it does the token.
        let header = Secret::new(format!("Authorization: Basic {basic}"));
        let mut config = vec![
            (
                format!("http.{origin}/.extraHeader"),
                header.expose().to_string(),
            ),
            ("http.followRedirects".into(), "false".into()),
            ("credential.helper".into(), String::new()),
            ("protocol.allow".into(), "never".into()),
            (format!("protocol.{}.allow", url.scheme()), "always".into()),
        ];
        config.extend(
            LOW_SPEED
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let git = Git {
            program,
            config,
            empty_config,
            hide: vec![
                header.expose().to_string(),
                basic,
                self.token.expose().to_string(),
            ],
        };
        let mirror = work.path().join("mirror.git");
        let ran = git
            .run(
                &[
                    OsStr::new("clone"),
                    OsStr::new("--mirror"),
                    OsStr::new("--quiet"),
                    OsStr::new("--"),
                    OsStr::new(url.as_str()),
                    mirror.as_os_str(),
                ],
                Some(work.path()),
            )
            .await?;
        if !ran.ok {
            return Err(git_failed("clone", &ran));
        }
        let in_mirror = |args: &[&'static str]| in_repo(&mirror, args);
        let refs = git
            .run(
                &in_mirror(&["for-each-ref", "--count=1", "refs/heads", "refs/tags"]),
                None,
            )
            .await?;
        if refs.stdout.is_empty() {
            return Err(refused(
                ErrorKind::Invalid,
                "the repository is empty: it has no branch or tag to bundle",
            ));
        }
        let file = work.path().join("repo.bundle");
        let mut create = in_mirror(&["bundle", "create", "--quiet"]);
        create.push(file.as_os_str());
        create.extend(["HEAD", "--branches", "--tags"].map(OsStr::new));
        let ran = git.run(&create, Some(work.path())).await?;
        if !ran.ok {
            return Err(git_failed("bundle create", &ran));
        }
        let mut verify = in_mirror(&["bundle", "verify", "--quiet"]);
        verify.push(file.as_os_str());
        let ran = git.run(&verify, None).await?;
        if !ran.ok {
            return Err(git_failed("bundle verify", &ran));
        }
        let mut heads = in_mirror(&["bundle", "list-heads"]);
        heads.push(file.as_os_str());
        let ran = git.run(&heads, None).await?;
        if !ran.ok {
            return Err(git_failed("bundle list-heads", &ran));
        }
        let refs = String::from_utf8_lossy(&ran.stdout)
            .lines()
            .filter_map(|l| {
                let (sha, name) = l.split_once(' ')?;
                Some(BundleRef {
                    name: name.trim().to_string(),
                    sha: sha.to_string(),
                })
            })
            .collect();
        let (bytes, sha256) = sha256_of(&file).await?;
        tokio::fs::rename(&file, dest).await.map_err(io)?;
        Ok(Bundled {
            bytes,
            sha256,
            refs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_only_to_the_apis_own_host() {
        let ok = |api: &str, url: &str| clone_origin(api, url).map(|(_, o)| o);
        assert_eq!(
            ok("https://api.github.com", "https://github.com/o/r.git").unwrap(),
            "https://github.com"
        );
        assert_eq!(
            ok(
                "https://ghe.example.se/api/v3",
                "https://ghe.example.se/o/r.git"
            )
            .unwrap(),
            "https://ghe.example.se"
        );
        assert_eq!(
            ok(
                "http://127.0.0.1:4010/github",
                "http://127.0.0.1:4010/github-git/o/r.git"
            )
            .unwrap(),
            "http://127.0.0.1:4010"
        );
        for (api, url) in [
            ("https://api.github.com", "https://evil.example/o/r.git"),
            ("https://api.github.com", "http://github.com/o/r.git"),
            (
                "https://api.github.com",
                "https://user:pw@github.com/o/r.git",
            ),
            ("https://api.github.com", "ext::sh -c touch% /tmp/x"),
            ("https://api.github.com", "file:///etc"),
            (
                "http://10.0.0.1:4010/github",
                "http://10.0.0.1:4010/o/r.git",
            ),
            (
                "http://127.0.0.1:4010/github",
                "http://127.0.0.1:4011/o/r.git",
            ),
        ] {
            assert!(ok(api, url).is_err(), "{url} from {api}");
        }
    }

    #[tokio::test]
    async fn without_git_the_answer_is_a_refusal_that_says_so() {
        crate::providers::install_crypto_provider();
        let gh = Github::new(
            "http://127.0.0.1:9",
            &Secret::new("ghp_bundle_test_no_git_0001"),
            Duration::from_secs(1),
        )
        .unwrap();
        let dest = tempfile::tempdir().unwrap();
        let e = gh
            .bundle_with(
                OsStr::new("fabrik-no-such-git"),
                "o",
                "r",
                &dest.path().join("r.bundle"),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert!(e.message.contains("git"), "{e}");
        assert!(!dest.path().join("r.bundle").exists());
    }
}
