//! The command line: `counterqr` opens the window; `counterqr request …` runs one sale's QR request
//! through the same checks and provider as the window, for scripts and billing software.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::app::{AppOptions, CounterApp};
use crate::config::{self, Config};
use std::time::{Duration, Instant};

use crate::app::flow::LATE_PAYMENT_GRACE;
use crate::domain::{CustomerInput, Sale, SaleExtra, SaleForm};
use crate::gateway::{Gateway, PaidDetails, QrGrant, Settled};
use crate::journal::{self, Journal, Outcome as JournalOutcome, PaidHow, Source};
use crate::secrets::{self, Secret, SecretName};
use crate::{logging, setup, vetting};

/// Turns this PC into a dynamic UPI QR payment display for a shop counter.
///
/// With no command, opens the counter window. Settings are read from a TOML file (see the README
/// for every key); with no file, the till starts in training mode.
#[derive(Debug, Parser)]
#[command(name = "counterqr", version, about, long_about)]
pub struct Cli {
    /// The settings file [default: the platform config directory, e.g.
    /// ~/.config/counterqr/config.toml]
    #[arg(long, global = true, env = "COUNTERQR_CONFIG", value_name = "PATH")]
    config: Option<PathBuf>,

    /// Where logs are written [default: the platform data directory, e.g.
    /// ~/.local/share/counterqr]
    #[arg(long, global = true, env = "COUNTERQR_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Open the window full-screen (F11 toggles it).
    #[arg(long)]
    fullscreen: bool,

    /// Kiosk start: full-screen with no window decorations (or `kiosk = true` in the settings).
    #[arg(long)]
    kiosk: bool,

    /// How the window is drawn [default: the settings' `renderer`, else glow]
    #[arg(long, value_enum)]
    renderer: Option<config::Renderer>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ask the configured provider for one sale's QR and print its payload.
    ///
    /// Exits 0 with the payload on stdout, or non-zero with a one-line reason on stderr.
    Request(Box<RequestArgs>),
    /// Set, delete or list the gateway secrets kept in the OS keyring.
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Where the settings file is, and what it says.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The sales journal: every sale of the days asked for, newest first, with totals.
    History(HistoryArgs),
}

#[derive(Debug, Args)]
struct HistoryArgs {
    /// The first day, YYYY-MM-DD [default: today]
    #[arg(long, value_parser = parse_day)]
    from: Option<time::Date>,
    /// The last day, YYYY-MM-DD [default: the first day]
    #[arg(long, value_parser = parse_day)]
    to: Option<time::Date>,
    /// Print CSV (one row per sale, with a header) instead of a table
    #[arg(long)]
    csv: bool,
}

fn parse_day(text: &str) -> Result<time::Date, String> {
    time::Date::parse(
        text.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| format!("\"{text}\" is not a date like 2026-11-22"))
}

#[derive(Debug, Subcommand)]
enum SecretCommand {
    /// Store a secret. The value is read from standard input (typed without echo on a terminal),
    /// never from the command line. Names: payu-key, payu-salt, oqpay-registration-id, manager-pin.
    Set {
        /// payu-key | payu-salt | oqpay-registration-id | manager-pin
        name: SecretName,
    },
    /// Remove a secret from the keyring.
    Delete {
        /// payu-key | payu-salt | oqpay-registration-id | manager-pin
        name: SecretName,
    },
    /// Say which secrets are set (never their values).
    Status,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the settings file's path.
    Path,
    /// Print the settings in effect, and which secrets are set (never their values).
    Show,
}

#[derive(Debug, Args)]
struct RequestArgs {
    /// The amount in rupees, as a cashier would type it: 500, 500.5, 1,250.50
    #[arg(long, allow_hyphen_values = true)]
    amount: String,
    /// The customer's name
    #[arg(long)]
    name: Option<String>,
    /// The customer's 10-digit mobile number (+91, spaces and dashes allowed)
    #[arg(long)]
    mobile: Option<String>,
    /// The customer's e-mail address
    #[arg(long)]
    email: Option<String>,
    /// Print a JSON object (provider, amount_paise, payload, expires_in_secs, ids) instead of the
    /// bare payload
    #[arg(long)]
    json: bool,
    /// Also write the QR as a PNG image to FILE
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// The customer's city (PayU)
    #[arg(long)]
    city: Option<String>,
    /// The customer's 6-digit PIN code (PayU)
    #[arg(long)]
    pin_code: Option<String>,
    /// The customer's address, up to 100 characters (PayU)
    #[arg(long)]
    address: Option<String>,
    /// GST details for a PayU UPI QR, as a JSON object with all of gst, cgst, sgst, igst, cess,
    /// gstIncentive, gstPercentage, gstIn, invoiceName, invoiceNo, invoiceDate
    #[arg(long, value_name = "JSON")]
    gst: Option<String>,
    /// After printing the payload, wait for the payment and print the outcome (paid, failed or
    /// expired). Exit code 0 only when paid; 3 failed; 4 expired. Needs a provider that confirms
    /// payments (payu).
    #[arg(long)]
    wait: bool,
}

/// Exit code of `request --wait` when the payment failed.
const EXIT_FAILED: u8 = 3;
/// Exit code of `request --wait` when the QR expired unpaid.
const EXIT_EXPIRED: u8 = 4;

/// Runs the program; prints an error once, here, and turns it into the exit code.
pub fn main() -> ExitCode {
    // Read while the process has one thread: the platform call is not thread-safe after that.
    let offset = time::UtcOffset::current_local_offset().ok();
    let cli = Cli::parse();
    match run(cli, offset) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("counterqr: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, offset: Option<time::UtcOffset>) -> anyhow::Result<ExitCode> {
    let stderr_level = if cli.command.is_some() {
        "warn"
    } else {
        "info"
    };
    let data_dir = data_dir(cli.data_dir.as_deref())?;
    let _log_guard = logging::init(&data_dir.join("logs"), stderr_level);
    if offset.is_none() {
        tracing::warn!("the local time zone is unknown; the journal's days are UTC days");
    }
    let config_path = config::config_path(cli.config.as_deref())?;
    match cli.command {
        None => {
            let look = Look {
                fullscreen: cli.fullscreen,
                kiosk: cli.kiosk,
                renderer: cli.renderer,
            };
            run_gui(&config_path, &data_dir, offset, look).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Request(args)) => {
            let config = Config::load(&config_path)?;
            let journal = open_journal(&data_dir, offset, false)?;
            request(&config, &args, &journal)
        }
        Some(Command::History(args)) => {
            let journal = open_journal(&data_dir, offset, false)?;
            history(&journal, &args)
        }
        Some(Command::Secret(command)) => secret(&command),
        Some(Command::Config(ConfigCommand::Path)) => {
            println!("{}", config_path.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config(ConfigCommand::Show)) => config_show(&config_path),
    }
}

fn secret(command: &SecretCommand) -> anyhow::Result<ExitCode> {
    let store = secrets::os_keyring()?;
    match command {
        SecretCommand::Set { name } => {
            let value = read_secret_value(*name)?;
            store.set(*name, &value)?;
            eprintln!("{name} stored in the OS keyring");
        }
        SecretCommand::Delete { name } => {
            store.delete(*name)?;
            eprintln!("{name} deleted from the OS keyring");
        }
        SecretCommand::Status => {
            for (name, set) in store.status()? {
                println!("{name}: {}", if set { "set" } else { "not set" });
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads one value: without echo from a terminal, else the first line of standard input.
fn read_secret_value(name: SecretName) -> anyhow::Result<Secret> {
    let text = if std::io::stdin().is_terminal() {
        eprint!("{} for {name} (not shown): ", name.description());
        rpassword::read_password().context("could not read the value")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("could not read the value from standard input")?;
        line
    };
    let secret = Secret::new(&text);
    anyhow::ensure!(
        !secret.is_empty(),
        "no value given for {name}; nothing was changed"
    );
    Ok(secret)
}

fn config_show(config_path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    println!("# {}", config_path.display());
    print!("{}", toml::to_string(&config)?);
    println!();
    println!("# Secrets in the OS keyring (values are never shown):");
    match secrets::os_keyring().and_then(|store| store.status()) {
        Ok(status) => {
            for (name, set) in status {
                println!("#   {name}: {}", if set { "set" } else { "not set" });
            }
        }
        Err(e) => println!("#   unknown: {e}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The data directory: `--data-dir`, `COUNTERQR_DATA_DIR`, or the platform's.
fn data_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    directories::ProjectDirs::from("in", "counterqr", "counterqr")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .context("no data directory is known for this user; pass --data-dir DIR")
}

/// The JSON `counterqr request --json` prints.
#[derive(Serialize)]
struct RequestOutput<'a> {
    provider: &'static str,
    sale_reference: &'a str,
    amount_paise: u64,
    #[serde(flatten)]
    grant: &'a QrGrant,
}

/// The window's lock file: held by the one running window, so a second one is refused and the
/// journal knows whether the window's open sales are live.
fn window_lock(data_dir: &Path) -> anyhow::Result<Option<std::fs::File>> {
    std::fs::create_dir_all(data_dir)
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

/// Opens the journal in the data directory and marks the sales a stopped till left open.
/// `holding_window_lock`: this process is the window.
fn open_journal(
    data_dir: &Path,
    offset: Option<time::UtcOffset>,
    holding_window_lock: bool,
) -> anyhow::Result<Arc<Journal>> {
    let path = data_dir.join(journal::JOURNAL_FILE_NAME);
    let journal = Journal::open(&path, offset.unwrap_or(time::UtcOffset::UTC))?;
    // Only a process that can take the window's lock knows that no window is running.
    let window_gone = holding_window_lock || window_lock(data_dir)?.is_some();
    journal.mark_interrupted(window_gone, time::OffsetDateTime::now_utc())?;
    Ok(Arc::new(journal))
}

fn history(journal: &Journal, args: &HistoryArgs) -> anyhow::Result<ExitCode> {
    let from = args
        .from
        .unwrap_or_else(|| journal.today(time::OffsetDateTime::now_utc()));
    let to = args.to.unwrap_or(from);
    anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    let records = journal.sales_between(from, to)?;
    if args.csv {
        print!("{}", journal::to_csv(&records)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("Sales from {from} to {to}: {}", records.len());
    for r in &records {
        println!(
            "{}  {:>14}  {:<11}  {:<8}  {}  {}",
            r.created_at,
            r.amount().to_string(),
            r.outcome.as_str(),
            r.provider,
            r.reference,
            r.customer_name.as_deref().unwrap_or("")
        );
    }
    for (outcome, count, amount) in journal::totals(&records) {
        println!("{:<11} {count:>5}  {amount}", outcome.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

fn request(config: &Config, args: &RequestArgs, journal: &Journal) -> anyhow::Result<ExitCode> {
    let gateway = setup::gateway_from_config(config, &secrets::os_keyring)?;
    anyhow::ensure!(
        !args.wait || gateway.confirms_payment(),
        "{} cannot confirm payments, so --wait cannot tell when the money arrives; use the payu \
         provider",
        gateway.id().display_name()
    );
    let sale = checked_sale(gateway.as_ref(), args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    let requested_at = Instant::now();
    let now = time::OffsetDateTime::now_utc;
    journal
        .record_requested(&sale, gateway.id(), Source::Cli, now())
        .context("the sale could not be recorded, so no QR was asked for")?;
    let fail = |e: &dyn std::fmt::Display| {
        let reason = e.to_string();
        if let Err(e) = journal.record_outcome(
            &sale.reference,
            JournalOutcome::Failed,
            Some(&reason),
            now(),
        ) {
            tracing::error!("sales journal: failure not recorded: {e}");
        }
    };
    let grant = runtime
        .block_on(gateway.request_qr(&sale))
        .inspect_err(|e| fail(e))?;
    let expected_vpa = setup::expected_payee_vpa(config);
    let ready = vetting::vet(&sale, grant, expected_vpa.as_deref()).inspect_err(|e| fail(e))?;
    journal.record_shown(
        &sale.reference,
        &ready.grant,
        now() + ready.grant.expires_in,
        now(),
    )?;
    if let Some(path) = &args.png {
        ready
            .matrix
            .to_image(10)
            .save(path)
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    if args.json {
        let output = RequestOutput {
            provider: gateway.id().as_str(),
            sale_reference: sale.reference.as_str(),
            amount_paise: sale.amount.paise(),
            grant: &ready.grant,
        };
        println!("{}", serde_json::to_string(&output)?);
    } else {
        println!("{}", ready.grant.payload);
    }
    if !args.wait {
        return Ok(ExitCode::SUCCESS);
    }
    std::io::Write::flush(&mut std::io::stdout())?;
    let watch_until = requested_at + ready.grant.expires_in + LATE_PAYMENT_GRACE;
    let outcome = runtime.block_on(wait_for_payment(gateway.as_ref(), &sale, watch_until));
    match &outcome {
        Outcome::Paid(details) => {
            journal.record_paid(&sale.reference, PaidHow::Polled, details, now())?;
        }
        Outcome::Failed(reason) => {
            journal.record_outcome(&sale.reference, JournalOutcome::Failed, Some(reason), now())?;
        }
        Outcome::Expired => {
            journal.record_outcome(&sale.reference, JournalOutcome::Expired, None, now())?;
        }
    }
    print_outcome(&outcome, &sale, args.json)?;
    Ok(match outcome {
        Outcome::Paid(_) => ExitCode::SUCCESS,
        Outcome::Failed(_) => ExitCode::from(EXIT_FAILED),
        Outcome::Expired => ExitCode::from(EXIT_EXPIRED),
    })
}

/// How `request --wait` ended.
enum Outcome {
    Paid(PaidDetails),
    Failed(String),
    Expired,
}

/// Polls the gateway until the sale is paid or failed, or until `until` (the QR's expiry plus
/// the grace for a late payment). A failed status check is logged and retried with backoff.
async fn wait_for_payment(gateway: &dyn Gateway, sale: &Sale, until: Instant) -> Outcome {
    let backoff = Duration::from_secs(30);
    match crate::gateway::watch_payment(gateway, sale, Some(until), backoff).await {
        Some(Settled::Paid(details)) => Outcome::Paid(details),
        Some(Settled::Failed { reason }) => Outcome::Failed(reason),
        None => Outcome::Expired,
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
    tracing::info!(sale = %sale.reference, amount = %sale.amount, outcome = word, "request --wait ended");
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

/// The same checks as the entry screen (amount, customer details, the provider's rules), then
/// the details only the command line takes.
fn checked_sale(gateway: &dyn Gateway, args: &RequestArgs) -> anyhow::Result<Sale> {
    let form = SaleForm {
        amount: args.amount.clone(),
        customer: CustomerInput {
            name: args.name.clone().unwrap_or_default(),
            mobile: args.mobile.clone().unwrap_or_default(),
            email: args.email.clone().unwrap_or_default(),
        },
    };
    let mut sale = crate::gateway::check_form(gateway, &form)?;
    let text = |value: &Option<String>| value.as_deref().unwrap_or_default().to_owned();
    sale.extra = SaleExtra::check(
        &text(&args.city),
        &text(&args.pin_code),
        &text(&args.address),
        args.gst.as_deref(),
    )?;
    Ok(sale)
}

/// How the window is asked to look on the command line.
struct Look {
    fullscreen: bool,
    kiosk: bool,
    renderer: Option<config::Renderer>,
}

/// The eframe renderer for a choice; wgpu only where this build has it.
fn eframe_renderer(choice: config::Renderer) -> anyhow::Result<eframe::Renderer> {
    match choice {
        config::Renderer::Glow => Ok(eframe::Renderer::Glow),
        #[cfg(feature = "wgpu")]
        config::Renderer::Wgpu => Ok(eframe::Renderer::Wgpu),
        #[cfg(not(feature = "wgpu"))]
        config::Renderer::Wgpu => anyhow::bail!(
            "this build draws with glow (OpenGL) only; for wgpu, build with \
             `cargo build --release --features wgpu`, or use --renderer glow"
        ),
    }
}

/// The window's icon (the same picture the desktop entry uses).
fn window_icon() -> Arc<egui::IconData> {
    const PNG: &[u8] = include_bytes!("../assets/icons/counterqr-64.png");
    Arc::new(eframe::icon_data::from_png_bytes(PNG).unwrap_or_else(|e| {
        tracing::warn!("the window icon could not be read: {e}");
        egui::IconData::default()
    }))
}

/// Opens the window. A settings problem does not stop the till: it runs in training mode (which
/// cannot take money) with the problem shown on every screen until it is fixed.
fn run_gui(
    config_path: &Path,
    data_dir: &Path,
    offset: Option<time::UtcOffset>,
    look: Look,
) -> anyhow::Result<()> {
    let (config, config_problem) = match Config::load(config_path) {
        Ok(config) => (config, None),
        Err(e) => (Config::default(), Some(e.to_string())),
    };
    let renderer = eframe_renderer(look.renderer.unwrap_or(config.renderer))?;
    let _window_lock = window_lock(data_dir)?.context(
        "counterqr is already open on this PC (one window per till); switch to it instead",
    )?;
    let journal = open_journal(data_dir, offset, true)?;
    let journal = journal::Writer::start(journal).context("could not start the journal writer")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    // The panel edits the file's settings even when they cannot sell; the till meanwhile runs the
    // training gateway, which cannot take money.
    let (gateway, expected_payee_vpa, gateway_problem) =
        match setup::gateway_from_config(&config, &secrets::os_keyring) {
            Ok(gateway) => (gateway, setup::expected_payee_vpa(&config), None),
            Err(e) => {
                let fallback = Config::default();
                let gateway = setup::gateway_from_config(&fallback, &secrets::os_keyring)?;
                (
                    gateway,
                    setup::expected_payee_vpa(&fallback),
                    Some(e.to_string()),
                )
            }
        };
    let banner = config_problem
        .clone()
        .or(gateway_problem)
        .map(|problem| format!("{problem} Running in TRAINING mode until it is fixed."));
    if let Some(problem) = &banner {
        tracing::error!("{problem}");
    }
    tracing::info!(provider = gateway.id().as_str(), config = %config_path.display(), "starting");
    let kiosk = look.kiosk || config.kiosk;
    let fullscreen = look.fullscreen || config.start_fullscreen || kiosk;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("counterqr")
            .with_app_id("counterqr")
            .with_inner_size([1024.0, 720.0])
            .with_min_inner_size([640.0, 480.0])
            .with_fullscreen(fullscreen)
            .with_decorations(!kiosk)
            .with_icon(window_icon()),
        renderer,
        ..Default::default()
    };
    let handle = runtime.handle().clone();
    let gateway: Arc<dyn Gateway> = gateway;
    eframe::run_native(
        "counterqr",
        options,
        Box::new(move |cc| {
            CounterApp::install_style(&cc.egui_ctx);
            let app = CounterApp::new(
                gateway,
                handle,
                Arc::new(std::time::Instant::now),
                AppOptions {
                    banner,
                    fullscreen,
                    expected_payee_vpa,
                    config,
                    config_path: Some(config_path.to_path_buf()),
                    config_problem,
                    secrets: Arc::new(secrets::os_keyring),
                    sounds: crate::sound::speaker(),
                    journal: Some(journal),
                    autostart: crate::autostart::default_path().zip(std::env::current_exe().ok()),
                },
            );
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))
}
