//! The data directory: where the journal, the logs and the window's lock live
//! (`~/.local/share/counterqr` on Linux, or `--data-dir` / `COUNTERQR_DATA_DIR`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;

use crate::journal::{self, Journal};

/// The data directory: `explicit`, or the platform's.
pub fn data_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    directories::ProjectDirs::from("in", "counterqr", "counterqr")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .context("no data directory is known for this user; pass --data-dir DIR")
}

/// The window's lock file: held by the one running window, so a second one is refused and the
/// journal knows whether the window's open sales are live. `None` when another process holds it.
pub fn window_lock(data_dir: &Path) -> anyhow::Result<Option<std::fs::File>> {
    journal::private_dir(data_dir)
        .with_context(|| format!("could not create {}", data_dir.display()))?;
    let path = data_dir.join("window.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("could not open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("could not lock {}", path.display()))
        }
    }
}

/// Opens the journal in the data directory, marks the sales a stopped till left open, and
/// erases customer details older than `keep_customer_days`.
/// `holding_window_lock`: this process is the window.
pub fn open_journal(
    data_dir: &Path,
    offset: Option<time::UtcOffset>,
    holding_window_lock: bool,
    keep_customer_days: u64,
) -> anyhow::Result<Arc<Journal>> {
    let path = data_dir.join(journal::JOURNAL_FILE_NAME);
    let journal = Journal::open(&path, offset.unwrap_or(time::UtcOffset::UTC))?;
    // Only a process that can take the window's lock knows that no window is running.
    let window_gone = holding_window_lock || window_lock(data_dir)?.is_some();
    let now = time::OffsetDateTime::now_utc();
    journal.mark_interrupted(window_gone, now)?;
    journal.erase_customer_details(journal::customer_cutoff(
        journal.today(now),
        keep_customer_days,
    ))?;
    Ok(Arc::new(journal))
}
