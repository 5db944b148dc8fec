//! The command line: parsing and dispatch only. `counterqr` opens the window
//! ([`crate::app::run`]); each command has a module of its own: `request` (one sale, for scripts
//! and billing software), `history` and `reconcile` (the journal), `secret` and `config`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::app::run::{WindowArgs, run_window};
use crate::config;
use crate::secrets::SecretName;
use crate::{data, logging};

mod journal;
mod request;
mod secret;
mod speak;
mod through_window;

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

    /// Where the journal and the logs are kept [default: the platform data directory, e.g.
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
    /// Ask the gateway again about every sale of a day that is not recorded as paid, and record
    /// what it says (a payment found late, a failure, or no payment).
    Reconcile(ReconcileArgs),
    /// The local sales API for billing software.
    #[command(subcommand)]
    Api(ApiCommand),
    /// Say the announcement for an amount received, as the till does on PAID (or write it to a
    /// WAV file), to try a language's voice.
    Speak(SpeakArgs),
}

#[derive(Debug, Args)]
pub struct SpeakArgs {
    /// The amount in rupees, e.g. 1250.50
    #[arg(long)]
    pub amount: String,
    /// The language: en, hi, bn, mr, te, ta, gu, kn, ml, pa or or [default: the first of the
    /// settings' customer_languages]
    #[arg(long)]
    pub language: Option<String>,
    /// Write the speech to this WAV file instead of playing it
    #[arg(long)]
    pub wav: Option<PathBuf>,
    /// As a payment for an earlier sale ("Earlier sale of … received")
    #[arg(long)]
    pub earlier: bool,
}

#[derive(Debug, Subcommand)]
pub enum ApiCommand {
    /// Make a new random API token, store it in the OS keyring as api-token, and print it once
    /// (give it to the billing software; it is never shown again).
    NewToken,
}

#[derive(Debug, Args)]
struct ReconcileArgs {
    /// The day, YYYY-MM-DD [default: today]
    #[arg(long, value_parser = parse_day)]
    day: Option<time::Date>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The first day, YYYY-MM-DD [default: today]
    #[arg(long, value_parser = parse_day)]
    pub from: Option<time::Date>,
    /// The last day, YYYY-MM-DD [default: the first day]
    #[arg(long, value_parser = parse_day)]
    pub to: Option<time::Date>,
    /// Print CSV (one row per sale, with a header) instead of a table
    #[arg(long)]
    pub csv: bool,
    /// Replace customers' names, mobiles and e-mails (and payers' VPAs) by [redacted]
    #[arg(long)]
    pub redact: bool,
    /// Only the sale of this bill (the billing software's bill reference), whatever its day
    #[arg(long, value_name = "REF")]
    pub bill: Option<String>,
}

fn parse_day(text: &str) -> Result<time::Date, String> {
    time::Date::parse(
        text.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| format!("\"{text}\" is not a date like 2026-11-22"))
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Store a secret. The value is read from standard input (typed without echo on a terminal),
    /// never from the command line. Names: payu-key, payu-salt, oqpay-registration-id, manager-pin,
    /// api-token.
    Set {
        /// payu-key | payu-salt | oqpay-registration-id | manager-pin | api-token
        name: SecretName,
    },
    /// Remove a secret from the keyring.
    Delete {
        /// payu-key | payu-salt | oqpay-registration-id | manager-pin | api-token
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
pub struct RequestArgs {
    /// The amount in rupees, as a cashier would type it: 500, 500.5, 1,250.50
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// The customer's name
    #[arg(long)]
    pub name: Option<String>,
    /// The customer's 10-digit mobile number (+91, spaces and dashes allowed)
    #[arg(long)]
    pub mobile: Option<String>,
    /// The customer's e-mail address
    #[arg(long)]
    pub email: Option<String>,
    /// Print a JSON object (provider, amount_paise, payload, expires_in_secs, ids) instead of the
    /// bare payload
    #[arg(long)]
    pub json: bool,
    /// Also write the QR as a PNG image to FILE
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// The customer's city (PayU)
    #[arg(long)]
    pub city: Option<String>,
    /// The customer's 6-digit PIN code (PayU)
    #[arg(long)]
    pub pin_code: Option<String>,
    /// The customer's address, up to 100 characters (PayU)
    #[arg(long)]
    pub address: Option<String>,
    /// GST details for a PayU UPI QR, as a JSON object with all of gst, cgst, sgst, igst, cess,
    /// gstIncentive, gstPercentage, gstIn, invoiceName, invoiceNo, invoiceDate
    #[arg(long, value_name = "JSON")]
    pub gst: Option<String>,
    /// After printing the payload, wait for the payment and print the outcome (paid, failed or
    /// expired). Exit code 0 only when paid; 3 failed; 4 expired. Needs a provider that confirms
    /// payments (payu).
    #[arg(long)]
    pub wait: bool,
    /// The billing software's bill reference: one bill is one sale (the same bill again answers
    /// its sale, or gives an unpaid one a new QR). With a window running whose sales API is on,
    /// the sale goes on that till through the API
    #[arg(long, value_name = "REF")]
    pub bill: Option<String>,
}

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
    let data_dir = data::data_dir(cli.data_dir.as_deref())?;
    let _log_guard = logging::init(&data_dir.join("logs"), stderr_level);
    if offset.is_none() {
        tracing::warn!("the local time zone is unknown; the journal's days are UTC days");
    }
    let config_path = config::config_path(cli.config.as_deref())?;
    match cli.command {
        None => {
            let args = WindowArgs {
                fullscreen: cli.fullscreen,
                kiosk: cli.kiosk,
                renderer: cli.renderer,
            };
            run_window(&config_path, &data_dir, offset, args).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Request(args)) => request::run(&config_path, &data_dir, offset, &args),
        Some(Command::History(args)) => journal::history(&config_path, &data_dir, offset, &args),
        Some(Command::Reconcile(args)) => {
            journal::reconcile(&config_path, &data_dir, offset, args.day)
        }
        Some(Command::Secret(command)) => secret::secret(&command),
        Some(Command::Api(ApiCommand::NewToken)) => secret::new_api_token(),
        Some(Command::Config(ConfigCommand::Path)) => {
            println!("{}", config_path.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config(ConfigCommand::Show)) => secret::config_show(&config_path),
        Some(Command::Speak(args)) => speak::speak(&config_path, &args),
    }
}
