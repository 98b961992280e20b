use super::feed::{offer, parse_version, platform_key};
use super::*;

fn v(text: &str) -> Version {
    parse_version(text).unwrap()
}

const KEY: &str = "linux-x86_64";

pub(crate) fn feed(version: &str, platform: &str) -> Vec<u8> {
    serde_json::json!({
        "version": version,
        "notes": "Snabbare lista\nRättad export",
        "pub_date": "2026-12-01T10:00:00Z",
        "platforms": { platform: { "url": "https://example.test/Fabrik.AppImage", "signature": "c2ln" } }
    })
    .to_string()
    .into_bytes()
}

#[test]
fn a_newer_version_for_this_system_is_offered_with_its_notes() {
    let got = offer(&feed("v0.2.0", "linux-x86_64"), &v("0.1.0"), KEY).unwrap();
    assert_eq!(
        got,
        Offer::Newer {
            version: "0.2.0".into(),
            notes: "Snabbare lista\nRättad export".into(),
            date: Some("2026-12-01T10:00:00Z".into()),
        }
    );
    // Only this system's key counts (Tauri's updater 2.9 reads no other).
    let got = offer(&feed("0.2.0", "linux-x86_64-appimage"), &v("0.1.0"), KEY).unwrap();
    assert!(matches!(got, Offer::NotForThisSystem { .. }), "{got:?}");
}

#[test]
fn the_same_or_an_older_version_is_not_offered() {
    assert_eq!(
        offer(&feed("0.1.0", "linux-x86_64"), &v("0.1.0"), KEY).unwrap(),
        Offer::UpToDate {
            version: "0.1.0".into()
        }
    );
    assert_eq!(
        offer(&feed("0.0.9", "linux-x86_64"), &v("0.1.0"), KEY).unwrap(),
        Offer::Older {
            version: "0.0.9".into()
        }
    );
    // A pre-release of the running version is older than it (semver).
    assert!(matches!(
        offer(&feed("0.1.0-rc.1", "linux-x86_64"), &v("0.1.0"), KEY).unwrap(),
        Offer::Older { .. }
    ));
}

#[test]
fn a_newer_version_for_other_systems_only_is_named_as_such() {
    let got = offer(&feed("0.2.0", "darwin-aarch64"), &v("0.1.0"), KEY).unwrap();
    assert_eq!(
        got,
        Offer::NotForThisSystem {
            version: "0.2.0".into(),
            platform: "linux-x86_64".into(),
        }
    );
}

#[test]
fn a_broken_feed_names_what_is_wrong() {
    let cases: [(&[u8], &str); 5] = [
        (b"<html>Not Found</html>", "expected value"),
        (br#"{"notes":"x"}"#, "missing field `version`"),
        (br#"{"version":"senaste"}"#, "version \"senaste\""),
        (
            br#"{"version":"0.2.0","platforms":{"linux-x86_64":{"url":"https://x.test/a","signature":""}}}"#,
            "platforms.linux-x86_64.signature",
        ),
        (
            br#"{"version":"0.2.0","platforms":{"linux-x86_64":{"url":"https://x.test/a"}}}"#,
            "missing field `signature`",
        ),
    ];
    for (body, says) in cases {
        let err = offer(body, &v("0.1.0"), KEY).unwrap_err();
        assert!(err.0.contains(says), "{} does not say {says}", err.0);
    }
}

#[test]
fn long_notes_are_cut() {
    let body = serde_json::json!({
        "version": "0.2.0",
        "notes": "å".repeat(10_000),
        "platforms": { "linux-x86_64": { "url": "https://x.test/a", "signature": "s" } }
    })
    .to_string();
    let Offer::Newer { notes, .. } = offer(body.as_bytes(), &v("0.1.0"), KEY).unwrap() else {
        panic!("not offered");
    };
    assert_eq!(notes.chars().count(), 4_001);
}

#[test]
fn this_systems_key_is_the_updaters() {
    let os = if cfg!(target_os = "macos") {
        "darwin"
    } else {
        std::env::consts::OS
    };
    assert_eq!(platform_key(), format!("{os}-{}", std::env::consts::ARCH));
}

#[test]
fn only_https_or_this_computer_is_read() {
    assert!(checked_feed("https://github.com/a/b/releases/latest/download/latest.json").is_ok());
    assert!(checked_feed("http://127.0.0.1:4000/latest.json").is_ok());
    assert!(checked_feed("http://localhost/latest.json").is_ok());
    assert_eq!(
        checked_feed("http://releases.example.test/latest.json?token=hemligt"),
        Err(UpdateError::InsecureFeed {
            feed: "http://releases.example.test/latest.json".into()
        })
    );
    assert!(matches!(
        checked_feed("inte en adress"),
        Err(UpdateError::FeedInvalid { .. })
    ));
}

#[test]
fn every_failure_says_the_running_version_stays() {
    let all = [
        UpdateError::NoFeed,
        UpdateError::NoKey,
        UpdateError::InsecureFeed {
            feed: "http://x".into(),
        },
        UpdateError::Unreachable {
            feed: "f".into(),
            detail: "d".into(),
        },
        UpdateError::FeedInvalid {
            feed: "f".into(),
            detail: "d".into(),
        },
        UpdateError::Download {
            version: "9.9.9".into(),
            detail: "d".into(),
        },
        UpdateError::Signature {
            version: "9.9.9".into(),
            detail: "d".into(),
        },
        UpdateError::Install {
            version: "9.9.9".into(),
            detail: "d".into(),
        },
        UpdateError::NotNewer {
            version: "9.9.9".into(),
            signed: Some("0.0.1".into()),
            current: VERSION.into(),
        },
        UpdateError::NotNewer {
            version: "9.9.9".into(),
            signed: None,
            current: VERSION.into(),
        },
    ];
    for e in all {
        let (sv, en) = (e.code().sv(&e.params()), e.code().en(&e.params()));
        assert!(sv.contains(VERSION) && en.contains(VERSION), "{sv} / {en}");
        assert!(!sv.contains('{') && !en.contains('{'), "{sv} / {en}");
    }
}

/// A signature as the feed carries it (base64 of the `.sig` file), with `trusted` as its trusted
/// comment; the signature lines are `tauri signer sign`'s shape, not checked here (Tauri's
/// updater verifies them before `signed::check` reads the comment).
fn sig(trusted: &str) -> String {
    sig_with("signature from tauri secret key", trusted)
}

fn sig_with(untrusted: &str, trusted: &str) -> String {
    use base64::Engine;
    let text = format!(
        "untrusted comment: {untrusted}\nRUSDygM0RqwFQQzbxJVlQi+9QlkTBM8a\ntrusted comment: {trusted}\nmmOdbY5oExsn7Kfd2R1XtSfUWnafCCcg\n"
    );
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn a_signature_names_the_version_its_bundle_was_signed_as() {
    let at = "timestamp:1795763419\tfile:Fabrik_0.2.0_amd64.AppImage";
    assert_eq!(
        signed::version(&sig(&format!("{at}\tversion:0.2.0"))),
        Some(v("0.2.0"))
    );
    // Signed before versions were (or by hand without --app-version): none, not the file's name.
    assert_eq!(signed::version(&sig(at)), None);
    // Only the trusted comment counts; two versions in it name none.
    assert_eq!(signed::version(&sig_with("version:9.9.9", at)), None);
    assert_eq!(
        signed::version(&sig(&format!("{at}\tversion:0.2.0\tversion:9.9.9"))),
        None
    );
    assert_eq!(signed::version("c2ln"), None);
    assert_eq!(signed::version("inte base64"), None);
}

#[test]
fn a_bundle_signed_as_older_than_the_running_version_is_refused_whatever_the_feed_says() {
    let signed_as = |version: &str| sig(&format!("timestamp:1\tfile:f\tversion:{version}"));
    // What a release is: signed as the version the feed offers, newer than the running one.
    assert_eq!(
        signed::check(&signed_as("0.2.0"), "0.2.0", "0.1.0"),
        Ok(v("0.2.0"))
    );
    // An older release's genuine bundle labelled newer (a downgrade), the running version's own
    // bundle labelled newer, a pre-release of it, and a bundle the feed names wrongly.
    for (bundle, current) in [
        ("0.1.0", "0.1.1"),
        ("0.1.0", "0.1.0"),
        ("0.1.0-rc.1", "0.1.0"),
        ("0.3.0", "0.1.0"),
    ] {
        assert_eq!(
            signed::check(&signed_as(bundle), "0.2.0", current),
            Err(UpdateError::NotNewer {
                version: "0.2.0".into(),
                signed: Some(bundle.into()),
                current: current.into(),
            }),
            "{bundle} offered as 0.2.0 to {current}"
        );
    }
    let unsigned = signed::check(
        &sig("timestamp:1\tfile:Fabrik_0.2.0_amd64.AppImage"),
        "0.2.0",
        "0.1.0",
    );
    assert_eq!(
        unsigned,
        Err(UpdateError::NotNewer {
            version: "0.2.0".into(),
            signed: None,
            current: "0.1.0".into(),
        })
    );

    // Said with the bundle's version and the running one's (the window's, which a test build
    // may set apart from the workspace's).
    let e = signed::check(&signed_as("0.1.0"), "0.1.2", "0.1.1").unwrap_err();
    assert_eq!(e.code(), crate::messages::ErrorCode::UpdateNotNewer);
    let (sv, en) = (e.code().sv(&e.params()), e.code().en(&e.params()));
    assert!(
        sv.starts_with(
            "Uppdateringskällan erbjuder Fabrik 0.1.2, men paketets signatur säger Fabrik 0.1.0"
        ) && sv.ends_with("Fabrik 0.1.1 körs vidare."),
        "{sv}"
    );
    assert!(
        en.contains("the bundle's signature says Fabrik 0.1.0") && en.contains("newer than 0.1.1"),
        "{en}"
    );
    let e = unsigned.unwrap_err();
    assert!(e
        .code()
        .sv(&e.params())
        .contains("signatur säger ingen version"));
    assert!(e
        .code()
        .en(&e.params())
        .contains("signature says no version"));
}

/// A one-connection-at-a-time HTTP server on loopback answering every request with `answer`.
pub(crate) async fn serve(answer: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let _ = sock.write_all(&answer).await;
            let _ = sock.shutdown().await;
        }
    });
    format!("http://{addr}/latest.json")
}

pub(crate) fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

#[tokio::test]
async fn check_reads_the_feed_over_http() {
    let url = serve(http(
        "200 OK",
        "Content-Type: application/json\r\n",
        &feed("0.2.0", &platform_key()),
    ))
    .await;
    let got = check(&url, "0.1.0").await.unwrap();
    assert_eq!(got.current, "0.1.0");
    assert_eq!(got.feed, url);
    assert!(matches!(got.offer, Offer::Newer { ref version, .. } if version == "0.2.0"));
}

#[tokio::test]
async fn a_feed_that_is_missing_refused_or_too_large_is_named() {
    let missing = serve(http("404 Not Found", "", b"no")).await;
    let err = check(&missing, "0.1.0").await.unwrap_err();
    assert!(
        matches!(&err, UpdateError::Unreachable { detail, .. } if detail == "HTTP 404"),
        "{err:?}"
    );

    // Announced larger than a feed can be: not read.
    let huge = serve(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{{",
            MAX_FEED_BYTES + 1
        )
        .into_bytes(),
    )
    .await;
    let err = check(&huge, "0.1.0").await.unwrap_err();
    assert!(
        matches!(&err, UpdateError::FeedInvalid { detail, .. } if detail.contains("KB")),
        "{err:?}"
    );

    // Nobody listens: the port of a listener that was closed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = check(&format!("http://127.0.0.1:{port}/latest.json"), "0.1.0")
        .await
        .unwrap_err();
    let UpdateError::Unreachable { detail, feed } = &err else {
        panic!("{err:?}");
    };
    assert!(
        !detail.contains("127.0.0.1"),
        "the address is said once, as the feed: {detail}"
    );
    assert!(feed.contains(&port.to_string()));
}
