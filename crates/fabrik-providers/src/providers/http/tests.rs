use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What `flood` sends: far more than the limit plus every buffer the kernel may keep
/// between the two ends (loopback receive buffers grow to 32 MB).
pub(crate) const FLOOD: usize = 16 * MAX_RESPONSE_BYTES;

/// A request's head read whole off `sock` (and whatever came with it); `None` when the client
/// hung up before its end.
async fn request_head(sock: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    Some(request)
}

/// A server for one request that answers `status` with a JSON string of `FLOOD` bytes, in
/// 64 KiB pieces, with or without announcing its length. The task's result is how much the
/// client took before it hung up: all of it when the client reads without a bound.
pub(crate) async fn flood(status: u16, announce: bool) -> (String, tokio::task::JoinHandle<usize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let task = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        if request_head(&mut sock).await.is_none() {
            return 0;
        }
        let length = if announce {
            format!("content-length: {FLOOD}\r\n")
        } else {
            String::new()
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{length}connection: close\r\n\r\n\""
        );
        if sock.write_all(head.as_bytes()).await.is_err() {
            return 0;
        }
        let piece = vec![b'x'; 64 * 1024];
        let mut n = 1;
        while n < FLOOD - 1 {
            let take = piece.len().min(FLOOD - 1 - n);
            if sock.write_all(&piece[..take]).await.is_err() {
                return sent.load(Ordering::SeqCst);
            }
            n += take;
            sent.store(n, Ordering::SeqCst);
        }
        let _ = sock.write_all(b"\"").await;
        let _ = sock.shutdown().await;
        FLOOD
    });
    (url, task)
}

/// A server that reads each request whole and hangs up after the first line of its answer
/// on the first `drop` of them, then answers `{"login":"x"}`; the task's result is how many requests came, by
/// method. A connection the server closed just as the client sent on it looks like this.
pub(crate) async fn hangs_up(
    drop: usize,
    requests: usize,
) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut seen = Vec::new();
        while seen.len() < requests {
            let accepted = tokio::time::timeout(Duration::from_secs(2), listener.accept());
            let Ok(Ok((mut sock, _))) = accepted.await else {
                break;
            };
            let request = request_head(&mut sock).await.unwrap_or_default();
            let method = String::from_utf8_lossy(&request);
            seen.push(method.split(' ').next().unwrap_or("").to_string());
            if seen.len() > drop {
                let body = r#"{"login":"x"}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
            } else {
                // The answer's first line, then nothing: no client may take it for one.
                let _ = sock.write_all(b"HTTP/1.1 200 OK\r\n").await;
            }
            let _ = sock.shutdown().await;
        }
        seen
    });
    (url, task)
}

/// A read whose connection broke before any answer is sent once more and succeeds; twice
/// is an error (one resend, not a loop); a write is never sent again, since the provider
/// may have acted on it (issue #38: a health check's read failed on such a connection).
#[tokio::test]
async fn a_read_is_sent_once_more_when_its_connection_broke_unanswered() {
    let (url, server) = hangs_up(1, 2).await;
    let resp = send(Provider::N8n, client(CALL_TIMEOUT).get(&url)).await;
    assert_eq!(resp.map(|r| r.status().as_u16()).unwrap(), 200);
    assert_eq!(server.await.unwrap(), ["GET", "GET"]);

    let (url, server) = hangs_up(2, 3).await;
    let err = send(Provider::N8n, client(CALL_TIMEOUT).get(&url))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Transient, "{err}");
    assert_eq!(server.await.unwrap(), ["GET", "GET"]);

    let (url, server) = hangs_up(1, 2).await;
    let err = send(
        Provider::N8n,
        client(CALL_TIMEOUT).post(&url).body("{}".to_string()),
    )
    .await
    .unwrap_err();
    assert!(err.unanswered, "{err}");
    assert_eq!(server.await.unwrap(), ["POST"]);
}

/// An answer larger than the limit is a typed error, read no further than the limit (plus
/// what the kernel buffers): announced or not, and as an error body too, where what was
/// read is enough for the message.
#[tokio::test]
async fn an_answer_over_the_limit_is_refused_without_reading_it_all() {
    for announce in [false, true] {
        let (url, server) = flood(200, announce).await;
        let resp = send(Provider::N8n, client(CALL_TIMEOUT).get(&url))
            .await
            .unwrap();
        let read = json::<serde_json::Value>(Provider::N8n, resp).await;
        let sent = server.await.unwrap();
        let err = read.map(|_| "a value").unwrap_err();
        assert_eq!(err.kind, ErrorKind::TooLarge, "{err}");
        assert_eq!(err.code(), crate::messages::ErrorCode::ProviderTooLarge);
        assert!(!err.is_retryable());
        assert!(
            sent < FLOOD / 2,
            "announced {announce}: the client took {sent} bytes"
        );
        eprintln!("{FLOOD} bytes sent to a bounded reader: it took {sent}");
    }
    let (url, server) = flood(502, false).await;
    let err = send(Provider::N8n, client(CALL_TIMEOUT).get(&url))
        .await
        .unwrap_err();
    let sent = server.await.unwrap();
    assert_eq!(err.kind, ErrorKind::Transient, "{err}");
    assert!(
        sent < FLOOD / 2,
        "an error body: the client took {sent} bytes"
    );
    eprintln!("{FLOOD} bytes sent to a bounded reader: it took {sent}");
}

/// A header map from pairs (the pacer's tests use it too).
pub(crate) fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, v.parse().unwrap());
    }
    h
}

/// A provider's wait is data, not an instruction to obey blindly: a huge value is clamped
/// (the retry policy then reports it instead of sitting through it), and an HTTP date works.
#[test]
fn retry_after_is_clamped_and_reads_http_dates() {
    let huge = headers(&[("retry-after", "18446744073709551615")]);
    assert_eq!(retry_after(Provider::Vercel, &huge), Some(MAX_RETRY_AFTER));
    let far_reset = headers(&[("x-ratelimit-reset", "18446744073709551615")]);
    assert_eq!(
        retry_after(Provider::Supabase, &far_reset),
        Some(MAX_RETRY_AFTER)
    );
    let in_90s = (chrono::Utc::now() + chrono::Duration::seconds(90))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let dated = headers(&[("retry-after", &in_90s)]);
    let wait = retry_after(Provider::Github, &dated).unwrap();
    assert!(
        wait > Duration::from_secs(80) && wait <= Duration::from_secs(90),
        "{wait:?}"
    );
    let past = headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]);
    assert_eq!(retry_after(Provider::Github, &past), Some(Duration::ZERO));
    assert_eq!(
        retry_after(Provider::Github, &headers(&[("retry-after", "soon")])),
        None
    );
}

#[test]
fn github_limits_conflicts_and_plain_refusals() {
    let limited = classify(
        Provider::Github,
        StatusCode::FORBIDDEN,
        &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "0")]),
        r#"{"message":"API rate limit exceeded"}"#,
    );
    assert_eq!(limited.kind, ErrorKind::RateLimited);
    let secondary = classify(
        Provider::Github,
        StatusCode::FORBIDDEN,
        &HeaderMap::new(),
        r#"{"message":"You have exceeded a secondary rate limit"}"#,
    );
    assert_eq!(
        (secondary.kind, secondary.retry_after),
        (
            ErrorKind::RateLimited,
            Some(std::time::Duration::from_secs(60))
        )
    );
    let forbidden = classify(
        Provider::Github,
        StatusCode::FORBIDDEN,
        &HeaderMap::new(),
        r#"{"message":"Must have admin rights"}"#,
    );
    assert_eq!(forbidden.kind, ErrorKind::Forbidden);
    let taken = classify(
        Provider::Github,
        StatusCode::UNPROCESSABLE_ENTITY,
        &HeaderMap::new(),
        r#"{"message":"Could not clone: Name already exists on this account"}"#,
    );
    assert_eq!(taken.kind, ErrorKind::Conflict);
}

#[test]
fn reset_units_and_codes_per_provider() {
    let sb = classify(
        Provider::Supabase,
        StatusCode::TOO_MANY_REQUESTS,
        &headers(&[("x-ratelimit-reset", "17")]),
        r#"{"message":"Too many requests"}"#,
    );
    assert_eq!(sb.retry_after, Some(std::time::Duration::from_secs(17)));
    let rs = classify(
        Provider::Resend,
        StatusCode::TOO_MANY_REQUESTS,
        &headers(&[("retry-after", "1")]),
        r#"{"name":"rate_limit_exceeded","message":"slow down"}"#,
    );
    assert_eq!(
        (rs.retry_after, rs.code.as_deref()),
        (
            Some(std::time::Duration::from_secs(1)),
            Some("rate_limit_exceeded")
        )
    );
    let vc = classify(
        Provider::Vercel,
        StatusCode::FORBIDDEN,
        &HeaderMap::new(),
        r#"{"error":{"code":"forbidden","message":"Not authorized","invalidToken":true}}"#,
    );
    assert_eq!(
        (vc.kind, vc.code.as_deref()),
        (ErrorKind::Forbidden, Some("invalid_token"))
    );
    let auth = classify(
        Provider::Supabase,
        StatusCode::UNPROCESSABLE_ENTITY,
        &HeaderMap::new(),
        r#"{"code":422,"error_code":"email_exists","msg":"A user with this email address has already been registered"}"#,
    );
    assert_eq!(auth.code.as_deref(), Some("email_exists"));
    assert_eq!(
        classify(
            Provider::N8n,
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            ""
        )
        .kind,
        ErrorKind::Transient
    );
}

/// A server for one request that answers with `head` (status line and headers) and no body.
async fn answers(head: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        if request_head(&mut sock).await.is_none() {
            return;
        }
        let _ = sock
            .write_all(format!("{head}content-length: 0\r\nconnection: close\r\n\r\n").as_bytes())
            .await;
    });
    url
}

/// A redirect that is the answer (Supabase's claim flow) is read, never followed: its address
/// resolved against the request's; a 2xx without one is `None`; an address too long, or not a
/// web address, is a typed error; and a redirect to a plain call is still `Moved`.
#[tokio::test]
async fn a_redirect_is_read_as_the_answer_and_never_followed() {
    let get = |url: &str| client(CALL_TIMEOUT).get(format!("{url}/v1/claim"));
    let url = answers("HTTP/1.1 302 Found\r\nlocation: /page?token=a&b=1\r\n".into()).await;
    let link = redirect(Provider::Supabase, get(&url)).await.unwrap();
    assert_eq!(link, Some(format!("{url}/page?token=a&b=1")));
    let elsewhere = "https://supabase.example/claim?t=1";
    let url = answers(format!(
        "HTTP/1.1 303 See Other\r\nlocation: {elsewhere}\r\n"
    ))
    .await;
    let link = redirect(Provider::Supabase, get(&url)).await.unwrap();
    assert_eq!(link.as_deref(), Some(elsewhere));
    let url = answers("HTTP/1.1 204 No Content\r\n".into()).await;
    assert_eq!(redirect(Provider::Supabase, get(&url)).await.unwrap(), None);
    for location in [
        format!("/{}", "x".repeat(MAX_LOCATION_BYTES)),
        "javascript:alert(1)".to_string(),
    ] {
        let url = answers(format!("HTTP/1.1 302 Found\r\nlocation: {location}\r\n")).await;
        let err = redirect(Provider::Supabase, get(&url)).await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Invalid, "{err}");
    }
    let url = answers("HTTP/1.1 302 Found\r\nlocation: /elsewhere\r\n".into()).await;
    let err = send(Provider::Supabase, get(&url)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Moved, "{err}");
    let url = answers("HTTP/1.1 403 Forbidden\r\n".into()).await;
    let err = redirect(Provider::Supabase, get(&url)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Forbidden, "{err}");
}
