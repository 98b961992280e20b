use super::*;
use crate::providers::http::tests::{flood, hangs_up, FLOOD};

/// GitHub's reads are sent once more when their connection broke unanswered, as reqwest's
/// are; a write is not.
#[tokio::test]
async fn a_github_read_is_sent_once_more_when_its_connection_broke_unanswered() {
    crate::providers::install_crypto_provider();
    let (url, server) = hangs_up(1, 2).await;
    let github = Github::new(&url, &Secret::new("t"), Duration::from_secs(30)).unwrap();
    assert_eq!(github.user().await.unwrap().login, "x");
    assert_eq!(server.await.unwrap(), ["GET", "GET"]);

    let (url, server) = hangs_up(1, 2).await;
    let github = Github::new(&url, &Secret::new("t"), Duration::from_secs(30)).unwrap();
    let err = github.delete("o", "r").await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Transient, "{err}");
    assert_eq!(server.await.unwrap(), ["DELETE"]);
}

/// GitHub's answers (read through octocrab, not reqwest) have the same bound: a success
/// over the limit is refused, an error body is read only as far as the message needs.
#[tokio::test]
async fn a_github_answer_over_the_limit_is_refused_without_reading_it_all() {
    crate::providers::install_crypto_provider();
    for (status, kind) in [(200, ErrorKind::TooLarge), (502, ErrorKind::Transient)] {
        let (url, server) = flood(status, false).await;
        let github = Github::new(&url, &Secret::new("t"), Duration::from_secs(30)).unwrap();
        let err = github.user().await.unwrap_err();
        let sent = server.await.unwrap();
        assert_eq!(err.kind, kind, "{err}");
        assert!(
            sent < FLOOD / 2,
            "HTTP {status}: the client took {sent} bytes"
        );
        eprintln!("{FLOOD} bytes sent to a bounded reader: it took {sent}");
    }
}
