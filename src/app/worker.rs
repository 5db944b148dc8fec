//! Background work for the GUI: gateway requests and payment-status polling run on tokio tasks;
//! their results come back over a channel and wake the UI. Dropping a [`Task`] cancels it.

use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::flow::Event;
use crate::domain::Sale;
use crate::gateway::{self, Gateway, Settled};
use crate::journal::{self, Source};
use crate::vetting;
use time::OffsetDateTime;

/// A running background task, aborted when dropped (so leaving a screen cancels its work).
#[derive(Debug)]
pub struct Task(JoinHandle<()>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends events to the UI thread and wakes it.
#[derive(Clone)]
pub struct Outbox {
    tx: Sender<Event>,
    ctx: egui::Context,
}

impl Outbox {
    pub fn new(tx: Sender<Event>, ctx: egui::Context) -> Self {
        Self { tx, ctx }
    }

    fn send(&self, event: Event) {
        // The receiver lives as long as the app; if it is gone the window is closing anyway.
        let _ = self.tx.send(event);
        self.ctx.request_repaint();
    }
}

/// Asks the gateway for a QR for `sale`, checks the payload against the sale (and the shop's VPA,
/// where known), and reports [`Event::QrReady`] or [`Event::QrFailed`].
pub fn spawn_request(
    runtime: &Handle,
    gateway: Arc<dyn Gateway>,
    request: QrRequest,
    outbox: Outbox,
) -> Task {
    Task(runtime.spawn(async move {
        let QrRequest {
            sale,
            attempt,
            requested_at,
            expected_payee_vpa,
            journal,
        } = request;
        let provider = gateway.id().as_str();
        if let Some(journal) = journal {
            let (id, recorded) = (gateway.id(), sale.clone());
            let written = journal
                .write_confirmed(move |j| {
                    j.record_requested(&recorded, id, Source::Window, OffsetDateTime::now_utc())
                })
                .await
                .unwrap_or_else(|_| Err("the journal writer stopped".to_owned()));
            if let Err(e) = written {
                tracing::error!(sale = %sale.reference, "sale not recorded, no QR asked for: {e}");
                outbox.send(Event::QrFailed {
                    attempt,
                    message: format!(
                        "The sale could not be recorded in the sales journal, so no QR was asked \
                         for: {e}"
                    ),
                });
                return;
            }
        }
        let event = match gateway.request_qr(&sale).await {
            Ok(grant) => match vetting::vet(&sale, grant, expected_payee_vpa.as_deref()) {
                Ok(qr) => {
                    tracing::info!(sale = %sale.reference, amount = %sale.amount, provider,
                        expires_in_secs = qr.grant.expires_in.as_secs(), "QR issued");
                    Event::QrReady {
                        attempt,
                        qr: Box::new(qr),
                        requested_at,
                    }
                }
                // Logged by `vet`.
                Err(e) => Event::QrFailed {
                    attempt,
                    message: e.to_string(),
                },
            },
            Err(e) => {
                tracing::warn!(sale = %sale.reference, provider, "QR request failed: {e}");
                Event::QrFailed {
                    attempt,
                    message: e.to_string(),
                }
            }
        };
        outbox.send(event);
    }))
}

/// One QR request: the sale, which attempt it is, when it was made, whom it must pay.
pub struct QrRequest {
    pub sale: Sale,
    pub attempt: u64,
    pub requested_at: Instant,
    pub expected_payee_vpa: Option<String>,
    /// Where the sale is recorded before the gateway is asked.
    pub journal: Option<journal::Writer>,
}

/// Polls the gateway every `interval` (backing off to a minute after errors) until the sale is
/// paid or failed, then reports it. Cancelled by dropping the task when the QR leaves the screen.
pub fn spawn_status_watch(
    runtime: &Handle,
    gateway: Arc<dyn Gateway>,
    sale: Sale,
    attempt: u64,
    outbox: Outbox,
) -> Task {
    Task(runtime.spawn(async move {
        let backoff = Duration::from_secs(60);
        match gateway::watch_payment(gateway.as_ref(), &sale, None, backoff).await {
            Some(Settled::Paid(details)) => {
                tracing::info!(sale = %sale.reference, amount = %sale.amount, "payment confirmed");
                outbox.send(Event::StatusPaid { attempt, details });
            }
            Some(Settled::Failed { reason }) => {
                tracing::info!(sale = %sale.reference, "payment failed: {reason}");
                outbox.send(Event::StatusFailed { attempt, reason });
            }
            // Without a deadline the watch ends only by being cancelled.
            None => {}
        }
    }))
}
