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
