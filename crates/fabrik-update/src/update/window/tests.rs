use std::sync::Mutex;

use super::*;
use crate::update::tests::{feed, http, serve};

/// A window that records what it was asked and installs nothing real.
#[derive(Default)]
struct Window {
    progress: Mutex<Vec<UpdateProgress>>,
    installs: Mutex<u32>,
    restarted: Mutex<bool>,
    fails: bool,
}

impl UpdateHost for Window {
    fn installer(&self) -> Result<&'static str, UpdateError> {
        Ok("appimage")
    }
    fn install(&self, _feed: String) -> Installing {
        *self.installs.lock().unwrap() += 1;
        let fails = self.fails;
        Box::pin(async move {
            if fails {
                Err(UpdateError::Signature {
                    version: "9.9.9".into(),
                    detail: "signature mismatch".into(),
                })
            } else {
                Ok("9.9.9".into())
            }
        })
    }
    fn progress(&self, p: &UpdateProgress) {
        self.progress.lock().unwrap().push(p.clone());
    }
    fn restart_updated(&self) {
        *self.restarted.lock().unwrap() = true;
    }
}

async fn newer_feed() -> String {
    let platform = crate::update::feed::platform_key();
    serve(http("200 OK", "", &feed("9.9.9", &platform))).await
}

async fn settle(window: &Window, until: impl Fn(&Window) -> bool) {
    for _ in 0..600 {
        if until(window) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the update never got there: {:?}",
        window.progress.lock().unwrap()
    );
}

#[tokio::test]
async fn an_update_waits_for_the_runs_this_window_drives_then_installs_and_restarts() {
    let window = Arc::new(Window::default());
    let updates = Arc::new(Updates::new(window.clone(), Some(newer_feed().await)));
    let runs = Arc::new(Mutex::new(vec![12_i64]));
    let active = {
        let runs = runs.clone();
        move || runs.lock().unwrap().clone()
    };
    let first = updates.install(active).await.unwrap();
    assert!(
        matches!(first, UpdateProgress::Waiting { ref runs } if runs == &[12]),
        "{first:?}"
    );
    // While run 12 goes on, nothing is downloaded or installed.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(*window.installs.lock().unwrap(), 0);
    assert!(!*window.restarted.lock().unwrap());
    runs.lock().unwrap().clear();
    settle(&window, |w| *w.restarted.lock().unwrap()).await;
    assert_eq!(*window.installs.lock().unwrap(), 1);
    let progress = window.progress.lock().unwrap();
    assert!(
        matches!(progress.first(), Some(UpdateProgress::Waiting { .. })),
        "{progress:?}"
    );
    assert!(
        matches!(progress.last(), Some(UpdateProgress::Restarting { version }) if version == "9.9.9")
    );
}

#[tokio::test]
async fn an_update_that_fails_says_why_and_does_not_restart() {
    let window = Arc::new(Window {
        fails: true,
        ..Window::default()
    });
    let updates = Arc::new(Updates::new(window.clone(), Some(newer_feed().await)));
    let first = updates.install(Vec::new).await.unwrap();
    assert!(matches!(first, UpdateProgress::Downloading { ref version, .. } if version == "9.9.9"));
    settle(&window, |w| !w.progress.lock().unwrap().is_empty()).await;
    let progress = window.progress.lock().unwrap();
    let Some(UpdateProgress::Failed { error }) = progress.last() else {
        panic!("{progress:?}");
    };
    assert_eq!(error.code, crate::messages::ErrorCode::UpdateSignature);
    assert!(
        error.message.contains(crate::update::VERSION),
        "{}",
        error.message
    );
    assert!(!*window.restarted.lock().unwrap());
}

#[tokio::test]
async fn nothing_newer_or_no_feed_is_the_answer_not_an_install() {
    let window = Arc::new(Window::default());
    let same = serve(http(
        "200 OK",
        "",
        &feed(crate::update::VERSION, &crate::update::feed::platform_key()),
    ))
    .await;
    let updates = Arc::new(Updates::new(window.clone(), Some(same)));
    let err = updates.install(Vec::new).await.unwrap_err();
    assert_eq!(err.code, crate::messages::ErrorCode::UpdateNothingNewer);
    let updates = Arc::new(Updates::new(window.clone(), None));
    assert_eq!(
        updates.check().await.unwrap_err().code,
        crate::messages::ErrorCode::UpdateNoFeed
    );
    assert_eq!(*window.installs.lock().unwrap(), 0);
}
