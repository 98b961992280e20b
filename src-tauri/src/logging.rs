//! Logs to stderr and to a daily-rolling file in the app-data folder.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init(data_dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("FABRIK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let dir = data_dir.join("logs");
    let file = std::fs::create_dir_all(&dir).ok().and_then(|_| {
        tracing_appender::rolling::Builder::new()
            .filename_prefix("fabrik")
            .filename_suffix("log")
            .max_log_files(14)
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .build(&dir)
            .ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (
                Some(fmt::layer().with_ansi(false).with_writer(writer)),
                Some(guard),
            )
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
    guard
}
