//! `git clone` against the simulator: the repository's `clone_url` is served by git's smart
//! HTTP protocol with the token as the HTTP password, every branch and tag with the same commit
//! ids as the REST API; no token, a wrong one or a missing repository is refused as GitHub does.

use super::*;

/// `git` with no user or system configuration, never prompting, with `extra` as `-c` settings
/// passed through the environment.
async fn git(
    dir: &std::path::Path,
    args: &[&str],
    extra: &[(&str, String)],
) -> std::process::Output {
    let mut cmd = tokio::process::Command::new("git");
    cmd.args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_COUNT", extra.len().to_string());
    for (i, (k, v)) in extra.iter().enumerate() {
        cmd.env(format!("GIT_CONFIG_KEY_{i}"), k)
            .env(format!("GIT_CONFIG_VALUE_{i}"), v);
    }
    cmd.output().await.unwrap()
}

fn basic(token: &str) -> String {
    let pair = format!("x-access-token:{token}");
    format!(
        "Authorization: Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

#[tokio::test]
async fn a_repository_clones_with_every_branch_and_tag() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let feature = gh
        .person_commit(REPO, "feature", json!({"docs/note.md": "a note\n"}))
        .await;
    let main = gh.head(REPO, "main").await;
    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/refs"),
            json!({"ref": "refs/tags/v1", "sha": main}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, repo) = gh.get(&format!("/repos/{REPO}")).await;
    let url = repo["clone_url"].as_str().unwrap().to_string();
    assert!(url.starts_with(sim.base_url()), "{url}");

    let tmp = tempfile::tempdir().unwrap();
    let auth = [("http.extraHeader", basic(TOKEN))];
    let out = git(
        tmp.path(),
        &["clone", "--mirror", "-q", &url, "m.git"],
        &auth,
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = git(
        &tmp.path().join("m.git"),
        &["for-each-ref", "--format=%(refname) %(objectname)"],
        &[],
    )
    .await;
    let refs = String::from_utf8(out.stdout).unwrap();
    assert!(refs.contains(&format!("refs/heads/main {main}")), "{refs}");
    assert!(
        refs.contains(&format!("refs/heads/feature {feature}")),
        "{refs}"
    );
    assert!(refs.contains(&format!("refs/tags/v1 {main}")), "{refs}");
    let out = git(&tmp.path().join("m.git"), &["fsck", "--no-dangling"], &[]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A working clone (protocol v2, as git speaks by default) checks out the default branch.
    let out = git(tmp.path(), &["clone", "-q", &url, "work"], &auth).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = git(&tmp.path().join("work"), &["rev-parse", "HEAD"], &[]).await;
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), main);

    // Refusals: no token, a wrong one, a repository that is not there.
    let out = git(tmp.path(), &["ls-remote", &url], &[]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(
        err.contains("could not read username") || err.contains("authentication"),
        "{err}"
    );
    let out = git(
        tmp.path(),
        &["ls-remote", &url],
        &[("http.extraHeader", basic("ghp_wrong_token_000"))],
    )
    .await;
    assert!(!out.status.success());
    let missing = url.replace("saas-template", "no-such-repo");
    let out = git(tmp.path(), &["ls-remote", &missing], &auth).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not found"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
