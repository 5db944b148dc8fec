//! Background work for the window: gateway requests, the journal's reads for the history screen,
//! status checks and reconciliation, picking up the payment watch after a restart, the keyring
//! and the settings file for the settings panel, and the logo's file. Each runs on the tokio
//! runtime (blocking work on its blocking threads, the journal on its own thread) and reports
//! through the one event channel, which wakes the UI. Nothing here runs on the UI thread.
//! Dropping a [`Task`] cancels it.

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::sync::{Arc, OnceLock};

use time::{Date, OffsetDateTime};
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::settings::{self, FieldError, SaveJob, Saved, SecretStatus, SecretsOpener};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::domain::{PaidHow, Picture, SaleRef};
use crate::flow::{self, WatchReport};
use crate::gateway::Gateway;
use crate::journal::{SaleRecord, UNSETTLED_HORIZON, Writer};
use crate::reconcile;
use crate::sell::{self, QrRequest};
use crate::watch::{WatchedSale, Watcher};

/// Something that happened off the UI thread.
pub enum AppEvent {
    /// For the flow.
    Flow(Box<flow::Event>),
    /// The history screen's day, read again (after a check or a reconciliation, with what it
    /// found).
    History(HistoryUpdate),
    /// For the settings panel: which secrets are set, and whether the autostart entry is there.
    PanelState {
        secrets: SecretStatus,
        autostart: Option<bool>,
    },
    /// A settings save finished.
    SettingsSaved(Result<Box<Saved>, Vec<FieldError>>),
    /// The logo's file was read.
    Logo {
        path: String,
        picture: Result<Picture, String>,
    },
    /// Something to tell the cashier on the entry screen.
    Notice(String),
    /// A call from billing software, through the sales API.
    Api(crate::api::Call),
}

/// A day of the journal, for the history screen.
#[derive(Debug)]
pub struct HistoryUpdate {
    pub day: Date,
    pub records: Result<Vec<SaleRecord>, String>,
    /// What a check or a reconciliation found.
    pub message: Option<String>,
}

/// A running background task, aborted when dropped (so leaving a screen cancels its work).
#[derive(Debug)]
pub struct Task(JoinHandle<()>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends events to the UI thread and wakes it (once the window has a context to wake).
#[derive(Clone)]
pub struct Outbox {
    tx: Sender<AppEvent>,
    ctx: Arc<OnceLock<egui::Context>>,
}

impl Outbox {
    pub fn new(tx: Sender<AppEvent>) -> Self {
        Self {
            tx,
            ctx: Arc::new(OnceLock::new()),
        }
    }

    /// The window's context, to wake it; set on the first frame.
    pub fn set_context(&self, ctx: &egui::Context) {
        let _ = self.ctx.set(ctx.clone());
    }

    pub fn send(&self, event: AppEvent) {
        // The receiver lives as long as the app; if it is gone the window is closing anyway.
        let _ = self.tx.send(event);
        if let Some(ctx) = self.ctx.get() {
            ctx.request_repaint();
        }
    }

    /// Where the payment watch reports: each finding becomes the flow's event.
    pub fn watch_report(&self) -> crate::watch::Report {
        let outbox = self.clone();
        Arc::new(move |watched: WatchedSale, report: WatchReport| {
            outbox.send(AppEvent::Flow(Box::new(flow::Event::Watched {
                sale: watched.sale,
                since: watched.since,
                resumed: watched.resumed,
                report,
            })));
        })
    }
}

/// Asks the gateway for a QR (after the sale's record is on disk) and reports the flow's event.
pub fn spawn_request(
    runtime: &Handle,
    gateway: Arc<dyn Gateway>,
    request: QrRequest,
    outbox: Outbox,
) -> Task {
    Task(runtime.spawn(async move {
        let event = sell::obtain_qr(gateway, request).await;
        outbox.send(AppEvent::Flow(Box::new(event)));
    }))
}

/// How often the journal is looked through for open sales nobody watches (a QR printed by
/// `counterqr request` without `--wait` while this window runs).
pub const ADOPT_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Picks up the watch after a restart: `gateway`'s sales whose payment may still be unknown are
/// watched again while their grace lasts, and asked about once when it is over. Then, every
/// [`ADOPT_EVERY`], open sales written by another process (the command line) are watched too.
pub fn resume_watch(
    runtime: &Handle,
    writer: &Writer,
    gateway: Arc<dyn Gateway>,
    watcher: Watcher,
    clock: SharedClock,
) {
    if !gateway.confirms_payment() {
        return;
    }
    let writer = writer.clone();
    runtime.spawn(async move {
        let Some(records) = unsettled(&writer, gateway.id(), clock.now_utc()).await else {
            return;
        };
        let now = clock.now_utc();
        // Those still in their grace first: each watch is set up before any single check reports.
        let (live, past): (Vec<_>, Vec<_>) = records
            .into_iter()
            .partition(|r| r.watch_until.is_some_and(|until| until > now));
        for record in live.into_iter().chain(past) {
            let until = record.watch_until.unwrap_or(now);
            let sale = WatchedSale {
                sale: record.to_sale(),
                since: record.created_at,
                until,
                resumed: true,
            };
            if until > now {
                tracing::info!(sale = %record.reference, "watching again after a restart");
                watcher.watch(gateway.clone(), sale);
            } else {
                tracing::info!(sale = %record.reference, "asking once after a restart");
                watcher.check_once(gateway.clone(), sale);
            }
        }
        loop {
            clock.sleep(ADOPT_EVERY).await;
            let Some(records) = unsettled(&writer, gateway.id(), clock.now_utc()).await else {
                return;
            };
            let now = clock.now_utc();
            for record in records {
                let Some(until) = record.watch_until.filter(|until| *until > now) else {
                    continue;
                };
                if watcher.is_watching(&record.reference) {
                    continue;
                }
                tracing::info!(sale = %record.reference, "watching a sale another process opened");
                let sale = WatchedSale {
                    sale: record.to_sale(),
                    since: record.created_at,
                    until,
                    resumed: false,
                };
                watcher.watch(gateway.clone(), sale);
            }
        }
    });
}

/// `provider`'s sales of the last [`UNSETTLED_HORIZON`] whose payment may still be unknown;
/// `None` (logged) when the journal cannot be read.
async fn unsettled(
    writer: &Writer,
    provider: crate::domain::ProviderId,
    now: OffsetDateTime,
) -> Option<Vec<crate::journal::SaleRecord>> {
    let since = now
        .checked_sub(UNSETTLED_HORIZON)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    match writer
        .read(move |journal| journal.unsettled(provider, since))
        .await
    {
        Ok(Ok(records)) => Some(records),
        Ok(Err(e)) => {
            tracing::error!("the watch cannot resume: {e}");
            None
        }
        Err(_) => {
            tracing::error!("the watch cannot resume: the journal stopped");
            None
        }
    }
}

/// Reads `day` from the journal for the history screen.
pub fn load_history(writer: &Writer, runtime: &Handle, day: Date, outbox: Outbox) {
    let records = writer.read(move |journal| journal.sales_between(day, day));
    runtime.spawn(async move {
        let records = records
            .await
            .unwrap_or_else(|_| Err("the journal stopped".to_owned()));
        outbox.send(AppEvent::History(HistoryUpdate {
            day,
            records,
            message: None,
        }));
    });
}

/// What the history screen asks the gateway about.
pub enum Ask {
    /// One sale ("Check status").
    Sale(SaleRef),
    /// Every sale of the day that is not paid ("Reconcile day").
    Day,
}

/// Asks the gateway about one sale, or every unpaid sale of `day`, records what it says (the one
/// recorder), and sends the day again with a summary.
pub fn ask_gateway(
    writer: &Writer,
    runtime: &Handle,
    gateway: Arc<dyn Gateway>,
    day: Date,
    ask: Ask,
    outbox: Outbox,
) {
    let records = writer.read(move |journal| journal.sales_between(day, day));
    let writer = writer.clone();
    runtime.spawn(async move {
        let records = match records.await {
            Ok(Ok(records)) => records,
            Ok(Err(e)) => return outbox.send(history_problem(day, e)),
            Err(_) => return outbox.send(history_problem(day, "the journal stopped".to_owned())),
        };
        let (how, chosen): (PaidHow, Vec<&SaleRecord>) = match &ask {
            Ask::Sale(reference) => (
                PaidHow::Checked,
                records
                    .iter()
                    .filter(|r| &r.reference == reference)
                    .collect(),
            ),
            Ask::Day => (
                PaidHow::Reconciled,
                reconcile::candidates(&records, gateway.id()),
            ),
        };
        let findings = reconcile::ask_each(gateway.as_ref(), &chosen).await;
        let now = OffsetDateTime::now_utc();
        for finding in &findings {
            if let Some(record) = finding.record(how, now) {
                let written = writer.record(record, now).await;
                if let Ok(Err(e)) = written {
                    tracing::error!("history: what the gateway said was not recorded: {e}");
                }
            }
        }
        let message = match ask {
            Ask::Sale(_) => findings.first().map(reconcile::Finding::describe),
            Ask::Day => Some(reconcile::summary(&findings)),
        };
        let records = writer
            .read(move |journal| journal.sales_between(day, day))
            .await
            .unwrap_or_else(|_| Err("the journal stopped".to_owned()));
        outbox.send(AppEvent::History(HistoryUpdate {
            day,
            records,
            message,
        }));
    });
}

fn history_problem(day: Date, problem: String) -> AppEvent {
    AppEvent::History(HistoryUpdate {
        day,
        records: Err(problem),
        message: None,
    })
}

/// Reads what the settings panel shows about the keyring and the autostart entry.
pub fn read_panel_state(
    runtime: &Handle,
    opener: SecretsOpener,
    autostart_entry: Option<PathBuf>,
    outbox: Outbox,
) {
    runtime.spawn_blocking(move || {
        let autostart = autostart_entry.map(|path| crate::autostart::is_enabled(&path));
        let secrets = settings::save::secret_status(&opener);
        outbox.send(AppEvent::PanelState { secrets, autostart });
    });
}

/// Saves the settings panel (the keyring, the file, the autostart entry).
pub fn save_settings(runtime: &Handle, job: SaveJob, outbox: Outbox) {
    runtime.spawn_blocking(move || {
        let result = settings::save::run(job).map(Box::new);
        outbox.send(AppEvent::SettingsSaved(result));
    });
}

/// Writes `config` to `path` (F10's remembered place), then tells the cashier `what`.
pub fn save_config(runtime: &Handle, path: PathBuf, config: Config, what: String, outbox: Outbox) {
    runtime.spawn_blocking(move || {
        let notice = match config.save(&path) {
            Ok(()) => format!("{what}, remembered for the next start."),
            Err(e) => format!("{what} (not remembered: {e})."),
        };
        outbox.send(AppEvent::Notice(notice));
    });
}

/// Reads the shop's logo file.
pub fn load_logo(runtime: &Handle, path: String, outbox: Outbox) {
    runtime.spawn_blocking(move || {
        let picture = crate::render::load_picture(std::path::Path::new(&path));
        outbox.send(AppEvent::Logo { path, picture });
    });
}
