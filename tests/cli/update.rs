//! `fabrik update check`: what a feed offers, said as the window says it, and a feed that
//! cannot be read named with the running version left as it is.

use std::io::{Read, Write};
use std::net::TcpListener;

use super::*;

/// A feed on loopback answering every request with `body` (HTTP 200), until the test ends.
fn serve(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/latest.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut sock in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf);
            let _ = write!(
                sock,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn feed(version: &str) -> String {
    serde_json::json!({
        "version": version,
        "notes": "Snabbare kundlista",
        "pub_date": "2026-12-01T10:00:00Z",
        "platforms": { fabrik::update::feed::platform_key(): { "url": "https://x.test/Fabrik.AppImage", "signature": "c2ln" } }
    })
    .to_string()
}

fn check(feed_url: &str, json: bool) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut c = fabrik(&dir.path().join("reg.sqlite3"));
    c.args(["update", "check"])
        .env("FABRIK_UPDATE_FEED", feed_url);
    if json {
        c.arg("--json");
    }
    c.output().unwrap()
}

#[test]
fn a_newer_version_is_named_with_its_notes_and_where_to_install_it() {
    let out = check(&serve(feed("99.0.0")), false);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Fabrik 99.0.0 finns (2026-12-01T10:00:00Z)"),
        "{said}"
    );
    assert!(said.contains("  Snabbare kundlista"), "{said}");
    assert!(said.contains("Om Fabrik → Sök efter uppdatering"), "{said}");

    let out = check(&serve(feed("99.0.0")), true);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["current"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["offer"]["kind"], "newer");
    assert_eq!(v["offer"]["version"], "99.0.0");
}

#[test]
fn the_same_or_an_older_version_is_said_and_nothing_offered() {
    let out = check(&serve(feed(env!("CARGO_PKG_VERSION"))), false);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Du har den senaste versionen"));
    let out = check(&serve(feed("0.0.1")), false);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Källan erbjuder 0.0.1, som är äldre än"),
        "{said}"
    );
}

#[test]
fn a_feed_that_cannot_be_read_fails_with_its_reason() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cases = [
        (
            format!("http://127.0.0.1:{port}/latest.json"),
            "update_unreachable",
        ),
        (
            "http://releases.example.test/latest.json".to_string(),
            "update_insecure_feed",
        ),
        (serve("<html>".into()), "update_feed_invalid"),
    ];
    for (url, code) in cases {
        let out = check(&url, false);
        assert_eq!(out.status.code(), Some(1), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("fel [{code}]")), "{url}: {err}");
        assert!(
            err.contains(&format!("Fabrik {} körs vidare", env!("CARGO_PKG_VERSION"))),
            "{err}"
        );
    }
    // A build without a feed, and none given when it runs.
    if option_env!("FABRIK_UPDATE_FEED").is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = fabrik(&dir.path().join("reg.sqlite3"))
        .args(["update", "check"])
        .env_remove("FABRIK_UPDATE_FEED")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fel [update_no_feed]"));
}

/// Issue #55: the feed's release notes are printed without their control characters (an
/// escape sequence, a bell, a carriage return, a right-to-left override), line by line.
#[test]
fn release_notes_are_printed_without_their_control_characters() {
    let body = serde_json::json!({
        "version": "99.0.0",
        "notes": "Snabbare\u{1b}[2J lista\u{7}\r\nRad två\u{202e}",
        "platforms": { fabrik::update::feed::platform_key(): { "url": "https://x.test/Fabrik.AppImage", "signature": "c2ln" } }
    })
    .to_string();
    let out = check(&serve(body), false);
    assert!(out.status.success());
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("  Snabbare"), "{said:?}");
    assert!(said.contains("  Rad två"), "{said:?}");
    for bad in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
        assert!(!said.contains(bad), "{bad:?} in {said:?}");
    }
}
