//! `counterqr history` (the journal's sales of some days, as a table or CSV) and
//! `counterqr reconcile` (ask the gateway again about a day's unpaid sales and record what it
//! says).

use std::path::Path;
use std::process::ExitCode;

use super::HistoryArgs;
use crate::config::Config;
use crate::domain::PaidHow;
use crate::journal;
use crate::{clock, data, providers, reconcile, secrets};

/// Prints the sales of the days asked for, newest first, with totals.
pub fn history(
    config_path: &Path,
    data_dir: &Path,
    offset: Option<time::UtcOffset>,
    args: &HistoryArgs,
) -> anyhow::Result<ExitCode> {
    // History shows what the settings would keep, even when they cannot be read in full.
    let keep = Config::load(config_path).map_or_else(
        |_| Config::default().customer_details_days,
        |c| c.customer_details_days,
    );
    let journal = data::open_journal(data_dir, offset, false, keep)?;
    if let Some(bill) = &args.bill {
        let records: Vec<_> = journal.sale_by_bill(bill.trim())?.into_iter().collect();
        anyhow::ensure!(!records.is_empty(), "no sale for bill {bill}");
        return print_records(&records, args.csv, args.redact, &format!("Bill {bill}"));
    }
    let from = args
        .from
        .unwrap_or_else(|| journal.today(time::OffsetDateTime::now_utc()));
    let to = args.to.unwrap_or(from);
    anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    let records = journal.sales_between(from, to)?;
    print_records(
        &records,
        args.csv,
        args.redact,
        &format!("Sales from {from} to {to}"),
    )
}

/// The records as CSV, or as a table under `title` with totals.
fn print_records(
    records: &[journal::SaleRecord],
    csv: bool,
    redact: bool,
    title: &str,
) -> anyhow::Result<ExitCode> {
    if csv {
        print!("{}", journal::to_csv(records, redact)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{title}: {}", records.len());
    for r in records {
        println!(
            "{}  {:>14}  {:<11}  {:<8}  {}  {}",
            journal::time_text(r.created_at),
            r.amount.to_string(),
            r.outcome.as_str(),
            r.provider.as_str(),
            r.reference,
            crate::domain::text::clean_gateway_text(
                if redact {
                    r.customer.name.as_ref().map_or("", |_| journal::REDACTED)
                } else {
                    r.customer.name.as_deref().unwrap_or("")
                },
                60
            )
        );
    }
    for (outcome, count, amount) in journal::totals(records) {
        println!("{:<11} {count:>5}  {amount}", outcome.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks the configured gateway about every sale of `day` that is not recorded as paid, records
/// what it says, and prints a line per sale and a summary. Exits non-zero when some could not be
/// asked.
pub fn reconcile(
    config_path: &Path,
    data_dir: &Path,
    offset: Option<time::UtcOffset>,
    day: Option<time::Date>,
) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let clock = clock::system();
    let gateway = providers::from_config(
        &config,
        Some(config_path),
        &secrets::os_keyring,
        clock.clone(),
    )?;
    anyhow::ensure!(
        gateway.confirms_payment(),
        "{} cannot tell whether a payment arrived, so there is nothing to reconcile",
        gateway.id().display_name()
    );
    let journal = data::open_journal(data_dir, offset, false, config.customer_details_days)?;
    let day = day.unwrap_or_else(|| journal.today(clock.now_utc()));
    let records = journal.sales_between(day, day)?;
    let chosen = reconcile::candidates(&records, gateway.id());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let findings = runtime.block_on(reconcile::ask_each(gateway.as_ref(), &chosen));
    let now = clock.now_utc();
    for finding in &findings {
        if let Some(record) = finding.record(PaidHow::Reconciled, now) {
            journal.record(&record, now)?;
        }
        println!("{}", finding.describe());
    }
    println!("{day}: {}", reconcile::summary(&findings));
    let unanswered = findings.iter().any(|f| f.status.is_err());
    Ok(if unanswered {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
