//! Logging with `tracing`: to stderr and to a daily-rotated file in the data directory.
//! `RUST_LOG` overrides the levels. Nothing that is logged may carry a secret.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// How many daily log files are kept.
const KEPT_LOG_FILES: usize = 14;

/// Starts logging. `stderr_level` is the default for the terminal (`info` for the window, `warn`
/// for scripted commands); the file always gets `info`. Returns the guard that flushes the file;
/// keep it alive until exit. A log directory that cannot be made only loses the file log.
pub fn init(log_dir: &Path, stderr_level: &str) -> Option<WorkerGuard> {
    let env_or = |default: &str| {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(env_or(&format!("counterqr={stderr_level},warn")));
    // The data directory and its logs are this user's alone (0700).
    let private = log_dir
        .parent()
        .map_or(Ok(()), crate::journal::private_dir)
        .and_then(|()| crate::journal::private_dir(log_dir));
    let appender = private.ok().and_then(|()| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("counterqr")
            .filename_suffix("log")
            .max_log_files(KEPT_LOG_FILES)
            .build(log_dir)
            .ok()
    });
    let (file_layer, guard) = match appender {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(env_or("counterqr=info,warn"));
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    // A second init (only in tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init();
    if guard.is_none() {
        tracing::warn!(
            "cannot write logs to {}; logging to the terminal only",
            log_dir.display()
        );
    }
    guard
}
