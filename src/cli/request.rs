//! `counterqr request`: one sale's QR through the configured provider, with the same checks, the
//! same flow and the same journal steps as the window, for scripts and billing software. With
//! `--wait` it stays to watch the payment (the same watch as the window) and ends with its
//! outcome.

use std::collections::VecDeque;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;

use super::RequestArgs;
use super::through_window::{self, Bill};
use crate::clock::{self, SharedClock};
use crate::config::Config;
use crate::domain::invoice::check_bill_ref;
use crate::domain::{
    CustomerInput, PaidDetails, Paise, QrGrant, Record, Sale, SaleExtra, SaleForm, Source,
};
use crate::flow::{Command, Event, Flow, FlowSettings, Screen, WatchReport};
use crate::gateway::Gateway;
use crate::journal::Journal;
use crate::sell::{self, QrRequest};
use crate::sell::{BillDecision, decide_bill};
use crate::watch::{WatchedSale, Watcher};
use crate::{data, providers, secrets};

/// Exit code of `request --wait` when the payment failed.
pub const EXIT_FAILED: u8 = 3;
/// Exit code of `request --wait` when the QR expired unpaid.
pub const EXIT_EXPIRED: u8 = 4;
/// Exit code of `request --bill --wait` when the cashier withdrew the sale or marked it not paid.
pub const EXIT_CANCELLED: u8 = 5;

/// The JSON `counterqr request --json` prints.
#[derive(Serialize)]
struct RequestOutput<'a> {
    provider: &'static str,
    sale_reference: &'a str,
    amount_paise: u64,
    #[serde(flatten)]
    grant: &'a QrGrant,
}

/// How `request --wait` ended.
enum Outcome {
    Paid(PaidDetails),
    Failed(String),
    Expired,
}

/// Runs `counterqr request`.
/// A window is running with its sales API on: the bill goes on that till.
fn sell_through_window(
    config: &Config,
    bill_ref: &str,
    args: &RequestArgs,
) -> anyhow::Result<ExitCode> {
    let customer = customer_input(args).check()?;
    let amount = Paise::parse_typed(&args.amount, Paise::ABSOLUTE_MAX)?;
    let bill = Bill {
        amount,
        bill_ref,
        customer: &customer,
    };
    through_window::sell(&config.api.listen, &bill, args.json, args.wait)
}

pub fn run(
    config_path: &Path,
    data_dir: &Path,
    offset: Option<time::UtcOffset>,
    args: &RequestArgs,
) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let bill = args
        .bill
        .as_deref()
        .map(check_bill_ref)
        .transpose()
        .map_err(|why| anyhow::anyhow!("--bill {why}"))?;
    // The settings are checked (the payee lock included) before anything is sent anywhere:
    // a hand-edited api.listen gets no token.
    let clock = clock::system();
    let gateway = providers::from_config(
        &config,
        Some(config_path),
        &secrets::os_keyring,
        clock.clone(),
    )?;
    if let Some(bill_ref) = &bill
        && !config.api.listen.trim().is_empty()
        && data::window_lock(data_dir)?.is_none()
    {
        return sell_through_window(&config, bill_ref, args);
    }
    let journal = data::open_journal(data_dir, offset, false, config.customer_details_days)?;
    anyhow::ensure!(
        !args.wait || gateway.confirms_payment(),
        "{} cannot confirm payments, so --wait cannot tell when the money arrives; use the payu \
         provider",
        gateway.id().display_name()
    );
    let mut sale = checked_sale(gateway.as_ref(), args)?;
    if let Some(bill_ref) = bill {
        let known = journal.sale_by_bill(&bill_ref)?;
        sale.extra.bill_ref = Some(bill_ref);
        match decide_bill(sale.amount, known) {
            BillDecision::New => {}
            BillDecision::Again(earlier) => {
                let extra = std::mem::take(&mut sale.extra);
                sale = *earlier;
                sale.extra = SaleExtra {
                    bill_ref: sale.extra.bill_ref.take(),
                    ..extra
                };
                sale.source = Source::Cli;
            }
            BillDecision::Answer(record) => {
                let view = crate::api::model::view_from_record(&record, clock.now_utc());
                let view = serde_json::to_value(view)?;
                through_window::print(&view, args.json, "journal")?;
                return Ok(through_window::exit_code(&view, false));
            }
            BillDecision::Conflict => anyhow::bail!(
                "bill {} is already a sale of another amount",
                sale.extra.bill_ref.unwrap_or_default()
            ),
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    let (report_tx, reports) = tokio::sync::mpsc::unbounded_channel();
    let watcher = args.wait.then(|| {
        let report: crate::watch::Report = Arc::new(move |sale, report| {
            let _ = report_tx.send((sale, report));
        });
        Watcher::new(runtime.handle().clone(), clock.clone(), report)
    });
    let settings = FlowSettings {
        provider: gateway.id(),
        confirms_payment: gateway.confirms_payment(),
        grace: Duration::from_secs(config.late_payment_grace_secs),
    };
    let mut till = Headless {
        flow: Flow::new(settings),
        journal: &journal,
        gateway,
        clock,
        runtime: &runtime,
        expected_payee_vpa: providers::expected_payee_vpa(&config),
        watcher,
        ended: None,
        paid: None,
    };
    till.handle(Event::Submit(sale.clone()))?;
    if let Some(code) = till.show(args)? {
        return Ok(code);
    }
    if !args.wait {
        return Ok(ExitCode::SUCCESS);
    }
    std::io::Write::flush(&mut std::io::stdout())?;
    let outcome = till.wait(reports)?;
    print_outcome(&outcome, &sale, args.json)?;
    Ok(match outcome {
        Outcome::Paid(_) => ExitCode::SUCCESS,
        Outcome::Failed(_) => ExitCode::from(EXIT_FAILED),
        Outcome::Expired => ExitCode::from(EXIT_EXPIRED),
    })
}

/// The flow without a window: its commands carried out in order, its records written to the
/// journal before anything that follows them.
struct Headless<'a> {
    flow: Flow,
    journal: &'a Journal,
    gateway: Arc<dyn Gateway>,
    clock: SharedClock,
    runtime: &'a tokio::runtime::Runtime,
    expected_payee_vpa: Option<String>,
    watcher: Option<Watcher>,
    /// The watch over the sale ended (with the last failed attempt, if any).
    ended: Option<Option<String>>,
    /// The sale was recorded paid.
    paid: Option<PaidDetails>,
}

impl Headless<'_> {
    /// Hands `event` to the flow, and every event its commands lead to.
    fn handle(&mut self, event: Event) -> anyhow::Result<()> {
        let mut events = VecDeque::from([event]);
        while let Some(event) = events.pop_front() {
            let now = self.clock.now();
            for command in self.flow.handle(event, now) {
                events.extend(self.carry_out(command, now)?);
            }
        }
        Ok(())
    }

    fn carry_out(&mut self, command: Command, now: Instant) -> anyhow::Result<Option<Event>> {
        match command {
            Command::Record(record) => {
                let written = self.journal.record(&record, self.clock.now_utc());
                if matches!(record, Record::Requested { .. }) {
                    written.context("the sale could not be recorded, so no QR was asked for")?;
                } else {
                    written?;
                }
                match record {
                    Record::Paid { details, .. } => self.paid = Some(details),
                    Record::WatchEnded { last_failure, .. } => self.ended = Some(last_failure),
                    _ => {}
                }
                Ok(None)
            }
            Command::RequestQr { sale, attempt } => {
                let request = QrRequest {
                    sale,
                    attempt,
                    requested_at: now,
                    expected_payee_vpa: self.expected_payee_vpa.clone(),
                    recorded: None,
                };
                let obtained = sell::obtain_qr(self.gateway.clone(), request);
                Ok(Some(self.runtime.block_on(obtained)))
            }
            Command::Watch {
                sale,
                expires_in,
                grace,
            } => {
                if let Some(watcher) = &self.watcher {
                    let watched = WatchedSale::shown(sale, self.clock.now_utc(), expires_in, grace);
                    watcher.watch(self.gateway.clone(), watched);
                }
                Ok(None)
            }
            Command::StopRequest
            | Command::Play(_)
            | Command::ClearForm
            | Command::FocusAmount
            | Command::Notice(_) => Ok(None),
        }
    }

    /// Prints the QR (payload, JSON, PNG) the flow shows; an exit code when there is none.
    fn show(&self, args: &RequestArgs) -> anyhow::Result<Option<ExitCode>> {
        let shown = match self.flow.screen() {
            Screen::ShowingQr(shown) => shown,
            Screen::Failed { message, .. } => anyhow::bail!("{message}"),
            Screen::Paid { sale, details, .. } => {
                print_outcome(&Outcome::Paid(details.clone()), sale, args.json)?;
                return Ok(Some(ExitCode::SUCCESS));
            }
            other => anyhow::bail!("no QR could be shown ({other:?})"),
        };
        let ready = &shown.qr;
        if let Some(path) = &args.png {
            ready
                .matrix
                .to_image(10)
                .save(path)
                .with_context(|| format!("could not write {}", path.display()))?;
        }
        if args.json {
            let output = RequestOutput {
                provider: self.gateway.id().as_str(),
                sale_reference: shown.sale.reference.as_str(),
                amount_paise: shown.sale.amount.paise(),
                grant: &ready.grant,
            };
            println!("{}", serde_json::to_string(&output)?);
        } else {
            println!("{}", ready.grant.payload);
        }
        Ok(None)
    }

    /// Waits for the watch's findings (and the QR's expiry) until the sale is paid or its watch
    /// ends.
    fn wait(
        &mut self,
        mut reports: tokio::sync::mpsc::UnboundedReceiver<(WatchedSale, WatchReport)>,
    ) -> anyhow::Result<Outcome> {
        loop {
            if let Some(details) = &self.paid {
                return Ok(Outcome::Paid(details.clone()));
            }
            if let Some(last_failure) = &self.ended {
                return Ok(match last_failure {
                    Some(reason) => Outcome::Failed(reason.clone()),
                    None => Outcome::Expired,
                });
            }
            let now = self.clock.now();
            let until_tick = match self.flow.screen() {
                Screen::ShowingQr(shown) => shown.remaining(now),
                _ => Duration::from_secs(3600),
            };
            let sleep = self.clock.sleep(until_tick);
            let found = self.runtime.block_on(async {
                tokio::select! {
                    report = reports.recv() => report,
                    () = sleep => None,
                }
            });
            let event = match found {
                Some((watched, report)) => Event::Watched {
                    sale: watched.sale,
                    since: watched.since,
                    resumed: watched.resumed,
                    report,
                },
                None => Event::Tick,
            };
            self.handle(event)?;
        }
    }
}

/// The JSON line `request --wait --json` ends with.
#[derive(Serialize)]
struct OutcomeOutput<'a> {
    outcome: &'static str,
    sale_reference: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    details: Option<&'a PaidDetails>,
}

fn print_outcome(outcome: &Outcome, sale: &Sale, json: bool) -> anyhow::Result<()> {
    let (word, reason, details) = match outcome {
        Outcome::Paid(details) => ("paid", None, Some(details)),
        Outcome::Failed(reason) => ("failed", Some(reason.as_str()), None),
        Outcome::Expired => ("expired", None, None),
    };
    tracing::info!(sale = %sale.reference, amount = %sale.amount, outcome = word, "request ended");
    if json {
        let output = OutcomeOutput {
            outcome: word,
            sale_reference: sale.reference.as_str(),
            reason,
            details,
        };
        println!("{}", serde_json::to_string(&output)?);
        return Ok(());
    }
    let mut line = format!("{word}: {} (sale {})", sale.amount, sale.reference);
    if let Some(reason) = reason {
        line.push_str(&format!(": {reason}"));
    }
    if let Some(d) = details {
        for (label, value) in [
            ("payer", &d.payer_vpa),
            ("bank reference", &d.bank_reference),
            ("gateway payment id", &d.gateway_payment_id),
        ] {
            if let Some(value) = value {
                line.push_str(&format!(", {label} {value}"));
            }
        }
    }
    println!("{line}");
    Ok(())
}

/// The customer's details as given on the command line.
fn customer_input(args: &RequestArgs) -> CustomerInput {
    CustomerInput {
        name: args.name.clone().unwrap_or_default(),
        mobile: args.mobile.clone().unwrap_or_default(),
        email: args.email.clone().unwrap_or_default(),
    }
}

/// The same checks as the entry screen (amount, customer details, the provider's rules), then
/// the details only the command line takes.
fn checked_sale(gateway: &dyn Gateway, args: &RequestArgs) -> anyhow::Result<Sale> {
    let form = SaleForm {
        amount: args.amount.clone(),
        customer: customer_input(args),
    };
    let reference = crate::reference::new_sale_ref();
    let mut sale = crate::gateway::check_form(gateway, &form, reference)?;
    sale.source = Source::Cli;
    let text = |value: &Option<String>| value.as_deref().unwrap_or_default().to_owned();
    sale.extra = SaleExtra::check(
        &text(&args.city),
        &text(&args.pin_code),
        &text(&args.address),
        args.gst.as_deref(),
    )?;
    Ok(sale)
}
