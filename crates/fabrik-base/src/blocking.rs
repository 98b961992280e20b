//! The one way async code does blocking work (SQLite, the OS keyring): on tokio's blocking
//! pool, never on an async worker thread, where it would stall every task sharing that worker.

/// Runs `f` on the blocking pool and waits for it. A panic inside `f` continues as a panic
/// here, as if `f` had been called inline.
pub async fn run<T, F>(f: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Only when the runtime shuts down under us; nothing useful remains to be done.
        Err(e) => panic!("blocking task cancelled: {e}"),
    }
}
