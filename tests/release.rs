//! What a release is made of (issue #40). One version number: the workspace's, which the core,
//! the CLI, the window's shell and the simulator inherit; the UI's package says the same, and
//! the Tauri configuration has none of its own, so the bundler and the updater take the
//! shell's, which is the workspace's.

use std::path::Path;

use serde_json::Value;

fn json(path: &str) -> Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap()
}

#[test]
fn the_app_the_core_the_cli_and_the_ui_have_one_version() {
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        json("ui/package.json")["version"],
        version,
        "ui/package.json"
    );
    let lock = json("ui/package-lock.json");
    assert_eq!(lock["version"], version, "ui/package-lock.json");
    assert_eq!(
        lock["packages"][""]["version"], version,
        "ui/package-lock.json"
    );
    assert!(
        json("tauri.conf.json").get("version").is_none(),
        "tauri.conf.json names a version of its own: leave it out, the shell's Cargo.toml has it"
    );
    let out = std::process::Command::new(crate::common::fabrik_exe())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("fabrik {version}")
    );
}

fn text(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The release workflow builds the three systems' installers from a tag with the script and the
/// bundle configuration a developer uses, and every secret it reads is named in its header.
#[test]
fn the_release_workflow_builds_every_system_with_the_one_script_and_configuration() {
    let (file, flow) = workflow();
    assert_eq!(
        flow["on"]["push"]["tags"][0], "v*",
        "a version tag starts it"
    );
    let job = &flow["jobs"]["installers"];
    let systems: Vec<(&str, &str)> = job["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["system"].as_str().unwrap(), m["runner"].as_str().unwrap()))
        .collect();
    assert_eq!(
        systems.iter().map(|s| s.0).collect::<Vec<_>>(),
        ["linux", "macos", "windows"]
    );
    for (system, runner) in &systems {
        let os = if *system == "linux" { "ubuntu" } else { system };
        assert!(runner.starts_with(os), "{system} runs on {runner}");
    }
    let steps = job["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter().any(|r| r.trim() == "bash scripts/package.sh"),
        "the installers come from scripts/package.sh: {runs:?}"
    );
    for r in &runs {
        assert!(
            !r.contains("tauri build") && !r.contains("--config") && !r.contains(".conf.json"),
            "a step builds with a configuration of its own: {r}"
        );
    }
    // Only the one configuration: no per-system files the bundler would merge in.
    for other in [
        "tauri.linux.conf.json",
        "tauri.macos.conf.json",
        "tauri.windows.conf.json",
    ] {
        assert!(
            !Path::new(env!("CARGO_MANIFEST_DIR")).join(other).exists(),
            "{other} would change one system's bundle"
        );
    }
    let conf = json("tauri.conf.json");
    assert_eq!(conf["bundle"]["active"], true);
    assert_eq!(
        conf["bundle"]["targets"], "all",
        "every system's installers"
    );

    // Each secret it reads is named in the header, and none is written into the file.
    let header: String = file
        .lines()
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let used = regex::Regex::new(r"secrets\.([A-Z0-9_]+)").unwrap();
    let names: Vec<&str> = used
        .captures_iter(&file)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        assert!(
            header.contains(name),
            "{name} is not named in release.yml's header"
        );
    }
    assert!(
        !file.contains("BEGIN") && !file.contains("MII"),
        "a key in the file"
    );

    // Updates: the installers are built with the update key's public half and the feed's
    // address (variables, named in the header), and the feed is made by the script the update
    // test serves its feed with (tests/e2e/update.test.mjs).
    for var in ["FABRIK_UPDATE_PUBKEY", "FABRIK_UPDATE_FEED"] {
        assert!(
            header.contains(var),
            "{var} is not named in release.yml's header"
        );
        assert!(
            file.contains(&format!("vars.{var}")),
            "{var} is not given to the build"
        );
    }
    let release = &flow["jobs"]["release"];
    let feed = runs_of(release);
    assert!(
        feed.iter()
            .any(|r| r.contains("node scripts/update-feed.mjs")),
        "latest.json comes from scripts/update-feed.mjs: {feed:?}"
    );
    assert_eq!(
        release["needs"],
        serde_json::json!(["installers", "sign"]),
        "the release is made of the installers and their signatures"
    );
}

fn workflow() -> (String, Value) {
    let file = text(".github/workflows/release.yml");
    let flow = serde_norway::from_str(&file).expect("release.yml is YAML");
    (file, flow)
}

fn jobs(flow: &Value) -> Vec<(&str, &Value)> {
    let jobs = flow["jobs"].as_object().expect("jobs");
    jobs.iter()
        .map(|(name, job)| (name.as_str(), job))
        .collect()
}

fn steps(job: &Value) -> &[Value] {
    job["steps"].as_array().map_or(&[], Vec::as_slice)
}

fn runs_of(job: &Value) -> Vec<&str> {
    steps(job)
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect()
}

/// What a job says anywhere (its steps, environment, inputs), as one text to search.
fn said(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

/// Every action the release runs is the commit it was reviewed at (issue #55): a full commit
/// SHA, which no one can move the way a tag or a branch moves, with the tag it was in a comment
/// for the next person who bumps it.
#[test]
fn every_action_is_pinned_by_a_full_commit_with_its_tag_named() {
    let (file, flow) = workflow();
    let line = regex::Regex::new(r"^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*(?:#\s*(.*))?$").unwrap();
    let pinned = regex::Regex::new(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$").unwrap();
    let mut lines = 0;
    for l in file.lines() {
        let Some(c) = line.captures(l) else { continue };
        lines += 1;
        assert!(
            pinned.is_match(&c[1]),
            "not pinned by a full commit SHA: {}",
            l.trim()
        );
        let tag = c.get(2).map_or("", |m| m.as_str().trim());
        assert!(
            !tag.is_empty(),
            "the tag the commit is, in a comment after it: {}",
            l.trim()
        );
    }
    // Every `uses` of the workflow is one of those lines (none written another way YAML has).
    let uses = jobs(&flow)
        .into_iter()
        .map(|(_, job)| {
            usize::from(job.get("uses").is_some())
                + steps(job)
                    .iter()
                    .filter(|s| s.get("uses").is_some())
                    .count()
        })
        .sum::<usize>();
    assert_eq!(uses, lines, "a `uses` not on a line of its own");
    assert!(uses >= 5, "{uses} actions");
}

/// The token of each job may do what that job does and no more, and no checkout leaves it in
/// the working copy (where every later step, and every package's install script, reads it).
#[test]
fn every_job_has_least_permissions_and_no_checkout_keeps_its_token() {
    let (_, flow) = workflow();
    let top = flow
        .get("permissions")
        .expect("permissions at the top: `{}` (each job says its own)");
    let read_only = |p: &Value| {
        p.as_object()
            .is_some_and(|m| m.values().all(|v| v == "read" || v == "none"))
    };
    assert!(read_only(top), "the workflow's permissions: {top}");
    let mut writers = Vec::new();
    for (name, job) in jobs(&flow) {
        let p = job
            .get("permissions")
            .unwrap_or_else(|| panic!("{name}: no permissions of its own"));
        let map = p
            .as_object()
            .unwrap_or_else(|| panic!("{name}: permissions {p}"));
        for (scope, level) in map {
            assert!(
                level == "read" || level == "none" || (scope == "contents" && level == "write"),
                "{name}: {scope}: {level}"
            );
        }
        if !read_only(p) {
            writers.push(name);
            // The job that writes the release builds nothing, installs nothing and holds no
            // secret: what it uploads was made and signed by the jobs before it.
            for r in runs_of(job) {
                for build in ["npm ", "npx ", "cargo ", "package.sh", "tauri "] {
                    assert!(!r.contains(build), "{name} writes and runs {build}: {r}");
                }
            }
            assert!(
                !said(job).contains("secrets."),
                "{name} writes and holds a secret"
            );
        }
        for step in steps(job) {
            let uses = step["uses"].as_str().unwrap_or("");
            if uses.starts_with("actions/checkout@") {
                let keep = &step["with"]["persist-credentials"];
                assert!(
                    keep == false || keep == "false",
                    "{name}: a checkout keeps the token in .git/config: {step}"
                );
            }
        }
    }
    assert_eq!(writers, ["release"], "the jobs that write");
}

/// The update key signs in a job of its own, which builds nothing and runs no package's install
/// script, and binds the version into each signature: the window refuses a bundle signed as a
/// version not newer than its own, whatever the feed calls it (src-tauri/src/update.rs).
#[test]
fn the_update_key_is_in_a_job_of_its_own_without_install_scripts() {
    let (_, flow) = workflow();
    let key = "secrets.TAURI_SIGNING_PRIVATE_KEY";
    assert!(
        !said(&flow["env"]).contains("secrets."),
        "a secret in the workflow's environment"
    );
    let holders: Vec<&str> = jobs(&flow)
        .into_iter()
        .filter(|(_, job)| said(job).contains(key))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(holders, ["sign"], "the jobs the update key is given to");
    let sign = &flow["jobs"]["sign"];
    assert!(
        !said(&sign["env"]).contains("secrets."),
        "the key in the sign job's environment: every step's"
    );
    let permissions = sign["permissions"].as_object().expect("permissions");
    assert!(
        permissions.values().all(|v| v == "read" || v == "none"),
        "the sign job's token writes: {permissions:?}"
    );
    let mut signed = 0;
    for step in steps(sign) {
        let uses = step["uses"].as_str().unwrap_or("");
        assert!(
            step["with"].get("cache").is_none() && !uses.starts_with("actions/cache"),
            "the sign job restores a cache another run wrote: {step}"
        );
        let run = step["run"].as_str().unwrap_or("");
        for build in [
            "cargo ",
            "package.sh",
            "tauri build",
            "npx ",
            "npm install",
            "npm i ",
        ] {
            assert!(!run.contains(build), "the sign job runs {build}: {run}");
        }
        if said(step).contains(key) {
            assert!(
                run.contains("signer sign") && run.contains("--app-version"),
                "the key goes to the step that signs, which binds the version: {step}"
            );
            signed += 1;
        }
    }
    assert_eq!(signed, 1, "one step holds the key");
    // No package's install script runs in the release at all: the installers job holds the
    // Apple and Windows certificates, the sign job the update key.
    let install = regex::Regex::new(r"npm\b[^\n]*\bci\b[^\n]*").unwrap();
    for (name, job) in jobs(&flow) {
        for r in runs_of(job) {
            for m in install.find_iter(r) {
                assert!(
                    m.as_str().contains("--ignore-scripts"),
                    "{name}: {} runs the packages' install scripts",
                    m.as_str()
                );
            }
        }
    }
}

/// One binary (#71): the window's package builds `fabrik` and the bundler installs it under that
/// name; no other package builds a program of that name, the script adds no second program to
/// any system's installer (only the licences), and the test command drives the window from the
/// Linux one.
#[test]
fn the_packages_carry_one_binary_and_the_licences_and_the_window_tests_use_it() {
    for conf in ["tauri.conf.json", "src-tauri/tauri.conf.json"] {
        assert_eq!(json(conf)["mainBinaryName"], "fabrik", "{conf}");
    }
    assert!(
        text("src-tauri/Cargo.toml").contains("[[bin]]\nname = \"fabrik\"\npath = \"src/main.rs\""),
        "the shell's binary is `fabrik`"
    );
    assert!(
        !text("Cargo.toml").contains("[[bin]]")
            && !Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src/bin")
                .exists(),
        "the core builds no program of its own: the command line is the shell's binary"
    );
    let script = text("scripts/package.sh");
    // The release .deb in dpkg's xz (7.8 MiB where the bundler's gzip made 11.4).
    for needle in ["THIRD-PARTY-LICENSES.txt", "scripts/licenses.mjs", "-Zxz"] {
        assert!(script.contains(needle), "package.sh lacks {needle}");
    }
    for second in [
        "/usr/bin/fabrik",
        "MacOS/fabrik",
        "fabrik.exe",
        "--bin fabrik",
        "lipo",
    ] {
        assert!(
            !script.contains(second),
            "package.sh adds a second program ({second})"
        );
    }
    let test = text("scripts/test.sh");
    assert!(test.contains("bash scripts/package.sh --debug deb"));
    assert!(test.contains("FABRIK_APP=\"$WORK/installed/usr/bin/fabrik\""));
}
