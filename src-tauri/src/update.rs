//! The window's half of an update (the core decides when, `fabrik::update::window`): Tauri's
//! updater, with the public key built in when Fabrik is built (`FABRIK_UPDATE_PUBKEY`, the
//! public half of the key the release is signed with; docs/INSTALL.md). A bundle whose
//! signature is not that key's is never put in place, nor one that key signed as a version not
//! newer than the running one, whatever the feed calls it (`fabrik::update::signed`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fabrik::update::window::Installing;
use fabrik::update::{UpdateError, UpdateProgress};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Error, UpdaterExt};

/// The public key (minisign, as `tauri signer generate` prints it), or none for a developer's
/// build, which then never installs an update.
const PUBKEY: Option<&str> = option_env!("FABRIK_UPDATE_PUBKEY");
/// One download, start to end: a bundle is some 100 MB, and a slow line is not an error.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(20 * 60);
/// More than any bundle of Fabrik; beyond it the download is stopped unread.
const MAX_BUNDLE_BYTES: u64 = 1024 * 1024 * 1024;
/// Progress goes to the window at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

fn pubkey() -> Option<&'static str> {
    PUBKEY.map(str::trim).filter(|k| !k.is_empty())
}

pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
    match pubkey() {
        Some(key) => tauri_plugin_updater::Builder::new().pubkey(key).build(),
        None => tauri_plugin_updater::Builder::new().build(),
    }
}

/// How this copy was installed, when Fabrik replaces it itself.
pub fn installer(app: &AppHandle) -> Result<&'static str, UpdateError> {
    pubkey().ok_or(UpdateError::NoKey)?;
    if cfg!(target_os = "linux") {
        // The AppImage is one file Fabrik can replace; a .deb or .rpm belongs to the system's
        // package manager, and a build in a checkout to its developer.
        return match app.env().appimage {
            Some(_) => Ok("appimage"),
            None => Err(UpdateError::NotInstallable {
                how: match tauri::utils::platform::bundle_type() {
                    Some(kind) => format!("{kind:?}").to_lowercase(),
                    None => "cargo".into(),
                },
            }),
        };
    }
    Ok(if cfg!(target_os = "macos") {
        "app"
    } else {
        "nsis"
    })
}

/// Downloads, verifies and puts in place what `feed` offers; `progress` hears how far it got.
pub fn install(
    app: AppHandle,
    feed: String,
    progress: impl Fn(&UpdateProgress) + Send + Sync + 'static,
) -> Installing {
    Box::pin(async move {
        let url = feed
            .parse::<tauri::Url>()
            .map_err(|e| UpdateError::FeedInvalid {
                feed: fabrik::update::shown(&feed),
                detail: e.to_string(),
            })?;
        let shown = fabrik::update::shown(&feed);
        let unreachable = |e: Error| UpdateError::Unreachable {
            feed: shown.clone(),
            detail: e.to_string(),
        };
        let update = app
            .updater_builder()
            .endpoints(vec![url])
            .map_err(&unreachable)?
            .timeout(DOWNLOAD_TIMEOUT)
            .build()
            .map_err(&unreachable)?
            .check()
            .await
            .map_err(&unreachable)?
            .ok_or(UpdateError::NothingNewer)?;
        let version = update.version.clone();

        let (mut received, mut said) = (0_u64, Instant::now() - PROGRESS_EVERY);
        let too_large = Arc::new(AtomicBool::new(false));
        let stop = too_large.clone();
        let download = update.download(
            |chunk, total| {
                received += chunk as u64;
                if received > MAX_BUNDLE_BYTES || total.is_some_and(|t| t > MAX_BUNDLE_BYTES) {
                    stop.store(true, Ordering::SeqCst);
                }
                if said.elapsed() >= PROGRESS_EVERY || total == Some(received) {
                    said = Instant::now();
                    progress(&UpdateProgress::Downloading {
                        version: version.clone(),
                        received,
                        total,
                    });
                }
            },
            || {},
        );
        // Dropping the download stops it; the flag is looked at between chunks.
        let watch = async {
            while !too_large.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        let bytes = tokio::select! {
            bytes = download => bytes.map_err(|e| refused(e, &version))?,
            _ = watch => return Err(UpdateError::Download {
                version,
                detail: format!("> {} MB", MAX_BUNDLE_BYTES / 1_048_576),
            }),
        };
        // `download` verified the bytes against `update.signature`, the trusted comment in it
        // included; the version that comment names is the release's, the feed's is only a label.
        // An older bundle, validly signed, offered as newer is refused here (a downgrade).
        fabrik::update::signed::check(&update.signature, &version, &update.current_version)?;
        progress(&UpdateProgress::Installing {
            version: version.clone(),
        });
        update.install(bytes).map_err(|e| UpdateError::Install {
            version: version.clone(),
            detail: e.to_string(),
        })?;
        tracing::info!(%version, "update installed");
        Ok(version)
    })
}

/// Why a download was not taken: its signature, or the transfer.
fn refused(e: Error, version: &str) -> UpdateError {
    let version = version.to_string();
    match e {
        Error::Minisign(_) | Error::Base64(_) | Error::SignatureUtf8(_) => UpdateError::Signature {
            version,
            detail: e.to_string(),
        },
        _ => UpdateError::Download {
            version,
            detail: e.to_string(),
        },
    }
}
