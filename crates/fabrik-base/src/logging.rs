//! Logging for the window and the CLI: `tracing` to stderr and to a daily-rolling file, both
//! through the redactor, so no secret the process has seen can reach a log line.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

use crate::secrets::RedactingWriter;

struct Redacted<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacted<M> {
    type Writer = RedactingWriter<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter::new(self.0.make_writer())
    }
}

/// Logs to `dir/fabrik.YYYY-MM-DD.log` (14 days kept) and, when `stderr` is set, to stderr.
/// `FABRIK_LOG` sets the filter (default `info`). Keep the guard alive for the process.
pub fn init(dir: &Path, stderr: bool) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("FABRIK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file = std::fs::create_dir_all(dir).ok().and_then(|_| {
        tracing_appender::rolling::Builder::new()
            .filename_prefix("fabrik")
            .filename_suffix("log")
            .max_log_files(14)
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .build(dir)
            .ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (
                Some(fmt::layer().with_ansi(false).with_writer(Redacted(writer))),
                Some(guard),
            )
        }
        None => (None, None),
    };
    let stderr_layer = stderr.then(|| fmt::layer().with_writer(Redacted(std::io::stderr)));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr_layer)
        .with(file_layer)
        .try_init();
    guard
}
