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
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fabrik"))
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
    let file = text(".github/workflows/release.yml");
    let flow: Value = serde_norway::from_str(&file).expect("release.yml is YAML");
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
    let feed: Vec<&str> = flow["jobs"]["feed"]["steps"]
        .as_array()
        .expect("a feed job")
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        feed.iter()
            .any(|r| r.contains("node ../scripts/update-feed.mjs")),
        "latest.json comes from scripts/update-feed.mjs: {feed:?}"
    );
    assert_eq!(flow["jobs"]["feed"]["needs"], "installers");
}

/// The script a developer and the workflow use packs the `fabrik` command and the licences into
/// every system's installer, and the test command drives the window from the Linux one.
#[test]
fn the_packages_carry_the_command_and_the_licences_and_the_window_tests_use_one() {
    let script = text("scripts/package.sh");
    for needle in [
        "\"/usr/bin/fabrik\"",
        "MacOS/fabrik",
        "\"fabrik.exe\"",
        "THIRD-PARTY-LICENSES.txt",
        "scripts/licenses.mjs",
    ] {
        assert!(script.contains(needle), "package.sh lacks {needle}");
    }
    let test = text("scripts/test.sh");
    assert!(test.contains("bash scripts/package.sh --debug deb"));
    assert!(test.contains("FABRIK_APP=\"$WORK/installed/usr/bin/fabrik-app\""));
}
