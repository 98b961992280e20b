//! What a leaving customer's export takes from the providers, against the simulator: the
//! repository as a git bundle (`Github::bundle`) and the files in the project's storage
//! (`Supabase::storage_objects`, `Supabase::storage_download`). A sentinel token is searched
//! for afterwards in the bundle, in what git was given and in every error.

use std::path::Path;
use std::time::Duration;

use fabrik::providers::github::Github;
use fabrik::providers::supabase::{ApiKeys, Supabase};
use fabrik::providers::ErrorKind;
use fabrik::secrets::Secret;
use fabrik_sim::{SimConfig, SimHandle, Tokens};
use serde_json::{json, Value};
use sha2::Digest;

const SENTINEL: &str = "ghp_SENTINEL_repo_storage_token_0042";

async fn sim() -> SimHandle {
    fabrik::providers::install_crypto_provider();
    fabrik_sim::start(SimConfig {
        tokens: Tokens::single(SENTINEL),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn no_sentinel(what: &str, text: &str) {
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("x-access-token:{SENTINEL}"),
    );
    assert!(
        !text.contains(SENTINEL) && !text.contains(&basic),
        "the token is in {what}: {text}"
    );
}

/// A repository generated from the seeded template, ready, with a second branch and a tag.
async fn customer_repo(sim: &SimHandle, gh: &Github) -> (String, String, String) {
    let seed = sim.seed();
    let (towner, tname) = seed.github_template.split_once('/').unwrap();
    let owner = seed.github_org.clone();
    let repo = gh
        .generate(towner, tname, &owner, "kund-export", "Fabrik: kund-export")
        .await
        .unwrap();
    for _ in 0..100 {
        if gh
            .branch_head(&owner, &repo.name, "main")
            .await
            .ok()
            .flatten()
            .is_some()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let head = gh
        .branch_head(&owner, &repo.name, "main")
        .await
        .unwrap()
        .expect("main");
    gh.create_branch(&owner, &repo.name, "utkast", &head)
        .await
        .unwrap();
    let r = reqwest::Client::new()
        .post(format!(
            "{}/repos/{owner}/{}/git/refs",
            sim.github_api_url(),
            repo.name
        ))
        .bearer_auth(SENTINEL)
        .json(&json!({"ref": "refs/tags/v1.0", "sha": head}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    (owner, repo.name, head)
}

#[tokio::test]
async fn a_repository_bundles_verifies_and_clones_with_the_apis_head_and_files() {
    let sim = sim().await;
    let gh = Github::new(
        &sim.github_api_url(),
        &Secret::new(SENTINEL),
        Duration::from_secs(30),
    )
    .unwrap();
    let (owner, name, head) = customer_repo(&sim, &gh).await;
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("repo.bundle");

    let b = gh.bundle(&owner, &name, &dest).await.unwrap();
    let bytes = std::fs::read(&dest).unwrap();
    assert_eq!(b.bytes, bytes.len() as u64);
    assert_eq!(b.sha256, format!("{:x}", sha2::Sha256::digest(&bytes)));
    let refs: Vec<(&str, &str)> = b
        .refs
        .iter()
        .map(|r| (r.name.as_str(), r.sha.as_str()))
        .collect();
    for want in [
        "HEAD",
        "refs/heads/main",
        "refs/heads/utkast",
        "refs/tags/v1.0",
    ] {
        assert!(refs.contains(&(want, head.as_str())), "{want} in {refs:?}");
    }
    no_sentinel("the bundle", &String::from_utf8_lossy(&bytes));
    // Nothing of the work is left beside it.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, ["repo.bundle"]);

    // A person opens it with git alone.
    git(tmp.path(), &["clone", "-q", "repo.bundle", "kund"]);
    let work = tmp.path().join("kund");
    git(&work, &["bundle", "verify", "-q", "../repo.bundle"]);
    assert_eq!(git(&work, &["rev-parse", "HEAD"]).trim(), head);
    let tree = gh.tree(&owner, &name, &head).await.unwrap();
    let mut api_files: Vec<String> = tree
        .tree
        .iter()
        .filter(|e| e.kind == "blob")
        .map(|e| e.path.clone())
        .collect();
    api_files.sort();
    let mut cloned: Vec<String> = git(&work, &["ls-files"])
        .lines()
        .map(str::to_string)
        .collect();
    cloned.sort();
    assert!(!cloned.is_empty());
    assert_eq!(cloned, api_files);
    assert!(git(&work, &["branch", "-r"]).contains("origin/utkast"));
    assert_eq!(git(&work, &["tag"]).trim(), "v1.0");
}

#[cfg(unix)]
#[tokio::test]
async fn the_token_reaches_git_only_through_its_environment_and_no_error_carries_it() {
    let sim = sim().await;
    let gh = Github::new(
        &sim.github_api_url(),
        &Secret::new(SENTINEL),
        Duration::from_secs(30),
    )
    .unwrap();
    let (owner, name, _) = customer_repo(&sim, &gh).await;
    let tmp = tempfile::tempdir().unwrap();

    // git's own refusal (the clone answered 500) comes back in git's words, without the token.
    let path = format!("/github-git/{owner}/{name}.git/info/refs");
    let r = reqwest::Client::new()
        .post(format!("{}/__sim/faults", sim.base_url()))
        .json(&json!({"path": path, "status": 500}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let dest = tmp.path().join("repo.bundle");
    let e = gh.bundle(&owner, &name, &dest).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transient, "{e}");
    assert!(e.message.contains("500"), "{e}");
    no_sentinel("the error", &format!("{e} {e:?}"));
    assert!(!dest.exists(), "nothing half-written");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);

    // A repository that is not there, and a bundle of the right one once the fault is gone.
    reqwest::Client::new()
        .delete(format!("{}/__sim/faults", sim.base_url()))
        .send()
        .await
        .unwrap();
    let e = gh.bundle(&owner, "finns-inte", &dest).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    no_sentinel("the error", &format!("{e} {e:?}"));

    // What git was started with, as the process table shows it: the arguments name no token.
    let log = tmp.path().join("argv.log");
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let real = String::from_utf8(
        std::process::Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let wrapper = bin.join("git");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real.trim()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // nextest runs this test in a process of its own; under cargo test another test's git
    // would only pass through the same logging wrapper until PATH is put back.
    let before = std::env::var_os("PATH");
    std::env::set_var("PATH", path);
    let bundled = gh.bundle(&owner, &name, &dest).await;
    if let Some(p) = before {
        std::env::set_var("PATH", p);
    }
    bundled.unwrap();
    let argv = std::fs::read_to_string(&log).unwrap();
    assert!(argv.contains("clone --mirror"), "{argv}");
    no_sentinel("git's arguments", &argv);
}

/// A project with its keys, made through the Management API.
async fn project(sim: &SimHandle) -> (Supabase, String, ApiKeys) {
    let sb = Supabase::new(
        &sim.supabase_api_url(),
        &sim.supabase_project_url_template(),
        Secret::new(SENTINEL),
        Duration::from_secs(30),
    );
    let org = sim.seed().supabase_org_slug.clone();
    let p = sb
        .create_project(
            &org,
            "kund-filer",
            "eu-north-1",
            &Secret::new("Db-pass-0001!"),
        )
        .await
        .unwrap();
    for _ in 0..100 {
        if sb.get_project(&p.project_ref).await.unwrap().status == "ACTIVE_HEALTHY" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let keys = sb.api_keys(&p.project_ref).await.unwrap();
    (sb, p.project_ref, keys)
}

/// Uploads through the real route (`POST /storage/v1/object/{bucket}/{path}`).
async fn upload(base: &str, key: &str, path: &str, body: Vec<u8>, kind: &str) {
    let r = reqwest::Client::new()
        .post(format!("{base}/object/{path}"))
        .header("apikey", key)
        .bearer_auth(key)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
}

#[tokio::test]
async fn storage_is_listed_through_folders_and_pages_and_downloaded_byte_for_byte() {
    let sim = sim().await;
    let (sb, r, keys) = project(&sim).await;
    let key = keys.service_role.expose().to_string();
    let base = format!("{}/storage/v1", sb.project_url(&r));
    for (name, public) in [("dokument", false), ("webb", true)] {
        let resp = reqwest::Client::new()
            .post(format!("{base}/bucket"))
            .header("apikey", &key)
            .bearer_auth(&key)
            .json(&json!({"name": name, "public": public}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    // Larger than any one piece of the answer: it arrives in many chunks.
    let big: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    upload(
        &base,
        &key,
        "dokument/avtal/2026/stort avtal.bin",
        big.clone(),
        "application/octet-stream",
    )
    .await;
    upload(
        &base,
        &key,
        "dokument/avtal/kort.txt",
        b"kort\n".to_vec(),
        "text/plain",
    )
    .await;
    upload(
        &base,
        &key,
        "dokument/readme.md",
        b"# hej\n".to_vec(),
        "text/markdown",
    )
    .await;
    upload(
        &base,
        &key,
        "webb/index.html",
        b"<h1>hej</h1>".to_vec(),
        "text/html",
    )
    .await;
    // More entries in one folder than one page of the listing holds.
    for i in 0..1003 {
        upload(
            &base,
            &key,
            &format!("dokument/bilder/{i:04}.txt"),
            format!("{i}").into_bytes(),
            "text/plain",
        )
        .await;
    }

    let all = sb.storage_objects(&r, &keys).await.unwrap();
    assert_eq!(all.len(), 1007);
    let find = |bucket: &str, name: &str| {
        all.iter()
            .find(|o| o.bucket == bucket && o.name == name)
            .unwrap_or_else(|| panic!("{bucket}/{name}"))
    };
    let o = find("dokument", "avtal/2026/stort avtal.bin");
    assert_eq!(
        (o.size, o.content_type.as_deref()),
        (3_000_000, Some("application/octet-stream"))
    );
    assert!(o.updated_at.is_some());
    assert_eq!(
        find("webb", "index.html").content_type.as_deref(),
        Some("text/html")
    );
    find("dokument", "bilder/1002.txt");
    find("dokument", "readme.md");

    let mut out: Vec<u8> = Vec::new();
    let d = sb
        .storage_download(
            &r,
            &keys,
            "dokument",
            "avtal/2026/stort avtal.bin",
            &mut out,
        )
        .await
        .unwrap();
    assert!(out == big, "the bytes differ");
    assert_eq!(d.size, 3_000_000);
    assert_eq!(d.sha256, format!("{:x}", sha2::Sha256::digest(&big)));

    // Missing things are NotFound, though Storage answers them with HTTP 400.
    let mut sink: Vec<u8> = Vec::new();
    for (bucket, name) in [("dokument", "finns-inte.txt"), ("finns-inte", "x.txt")] {
        let e = sb
            .storage_download(&r, &keys, bucket, name, &mut sink)
            .await
            .unwrap_err();
        assert_eq!((e.kind, e.status), (ErrorKind::NotFound, Some(400)), "{e}");
        no_sentinel("the error", &format!("{e} {e:?}"));
        assert!(!format!("{e} {e:?}").contains(&key));
    }
    assert!(sink.is_empty());
    let listed: Value = serde_json::to_value(&all).unwrap();
    no_sentinel("the listing", &listed.to_string());
}
