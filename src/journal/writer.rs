//! The window's recorder: the journal's writes (and the history's reads) in order on a thread of
//! their own, so the window never waits for the disk. Each write gives a [`Receipt`] that says
//! when it is on disk; a QR request waits for the receipt of its sale's record before it asks.

use std::sync::Arc;
use std::sync::mpsc::{SendError, Sender, channel};

use time::OffsetDateTime;
use tokio::sync::oneshot;

use super::{Journal, JournalError};
use crate::domain::Record;

/// A job on the writer thread.
type Job = Box<dyn FnOnce(&Journal) + Send>;

/// Whether a write reached the disk: `Ok` once it did, `Err` with the reason if it did not.
pub type Receipt = oneshot::Receiver<Result<(), String>>;

/// The journal's thread. Cloning shares the one thread.
#[derive(Clone)]
pub struct Writer {
    tx: Sender<Job>,
    journal: Arc<Journal>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("journal::Writer")
    }
}

impl Writer {
    /// Starts the writer thread for `journal`.
    pub fn start(journal: Arc<Journal>) -> std::io::Result<Self> {
        let (tx, rx) = channel::<Job>();
        let on_thread = journal.clone();
        std::thread::Builder::new()
            .name("counterqr-journal".to_owned())
            .spawn(move || {
                for job in rx {
                    job(&on_thread);
                }
            })?;
        Ok(Self { tx, journal })
    }

    /// The journal itself, for code that is already off the UI thread (start-up, tests).
    pub fn journal(&self) -> &Arc<Journal> {
        &self.journal
    }

    /// Writes one step of a sale's life after every earlier one. A failure is logged here and
    /// reported on the receipt.
    pub fn record(&self, record: Record, at: OffsetDateTime) -> Receipt {
        self.run(move |journal| {
            journal.record(&record, at).map(drop).map_err(|e| {
                let message = e.to_string();
                tracing::error!(sale = %record.reference(), step = record.name(),
                    "sales journal: not recorded: {message}");
                message
            })
        })
    }

    /// Runs `job` on the journal's thread, after every earlier job, and hands back its result.
    pub fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Journal) -> T + Send + 'static,
    ) -> oneshot::Receiver<T> {
        let (done, result) = oneshot::channel();
        let queued = self.tx.send(Box::new(move |journal| {
            let _ = done.send(job(journal));
        }));
        if let Err(SendError(job)) = queued {
            // The thread is gone: run it here instead, so the caller still gets an answer.
            tracing::error!("sales journal: the writer thread stopped; writing in place");
            job(&self.journal);
        }
        result
    }

    /// Reads on the journal's thread, after every earlier write.
    pub fn read<T: Send + 'static>(
        &self,
        query: impl FnOnce(&Journal) -> Result<T, JournalError> + Send + 'static,
    ) -> oneshot::Receiver<Result<T, String>> {
        self.run(move |journal| query(journal).map_err(|e| e.to_string()))
    }
}
