//! The journal's sales for people and spreadsheets: totals by outcome, and CSV.

use super::SaleRecord;
use crate::domain::{Outcome, Paise};

/// Count and amount of sales for each outcome, in [`Outcome::ALL`] order, skipping empty ones.
/// The sums saturate: no number of sales can overflow them.
pub fn totals(records: &[SaleRecord]) -> Vec<(Outcome, usize, Paise)> {
    Outcome::ALL
        .into_iter()
        .filter_map(|outcome| {
            let matching: Vec<_> = records.iter().filter(|r| r.outcome == outcome).collect();
            (!matching.is_empty()).then(|| {
                let sum = matching
                    .iter()
                    .fold(0_u64, |sum, r| sum.saturating_add(r.amount.paise()));
                (outcome, matching.len(), Paise::new(sum))
            })
        })
        .collect()
}

/// The CSV header, in column order.
const HEADER: [&str; 16] = [
    "created_at",
    "local_date",
    "reference",
    "bill_ref",
    "provider",
    "amount",
    "outcome",
    "paid_how",
    "customer_name",
    "customer_mobile",
    "customer_email",
    "payer_vpa",
    "bank_reference",
    "gateway_payment_id",
    "reason",
    "settled",
];

/// What a redacted export shows instead of a customer's details.
pub const REDACTED: &str = "[redacted]";

/// A cell a spreadsheet will not run: one that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return (a formula, or the start of one) gets a leading `'`, as OWASP advises for
/// CSV injection; so does one that starts with their full-width or small forms (`＝＋－＠`,
/// `﹢﹣﹦﹫`, the minus sign `−`, which some spreadsheets read as the same), with a zero-width
/// joiner, or with any other control, space or invisible character a
/// formula could hide behind. The text is otherwise kept, so nothing is lost.
fn inert(cell: String) -> String {
    let risky = cell.chars().next().is_some_and(|first| {
        matches!(
            first,
            '=' | '+'
                | '-'
                | '@'
                | '\u{FF1D}'
                | '\u{FF0B}'
                | '\u{FF0D}'
                | '\u{FF20}'
                | '\u{FE62}'
                | '\u{FE63}'
                | '\u{FE66}'
                | '\u{FE6B}'
                | '\u{2212}'
                | '\u{200C}'
                | '\u{200D}'
        ) || first.is_control()
            || first.is_whitespace()
            || crate::domain::text::is_invisible_format(first)
    });
    if risky { format!("'{cell}") } else { cell }
}

/// The records as CSV, with a header row; names with commas, quotes or line breaks are quoted,
/// and every cell is made inert for spreadsheets. With `redact`, customers' names, mobiles and
/// e-mails (and payers' VPAs) are replaced by [`REDACTED`] where there was one.
pub fn to_csv(records: &[SaleRecord], redact: bool) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for r in records {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let personal = |v: &Option<String>| match v {
            Some(_) if redact => REDACTED.to_owned(),
            _ => text(v),
        };
        let row = [
            super::time_text(r.created_at),
            r.local_date.to_string(),
            r.reference.to_string(),
            text(&r.bill_ref),
            r.provider.as_str().to_owned(),
            r.amount.to_decimal_string(),
            r.outcome.as_str().to_owned(),
            r.paid_how
                .map(|h| h.as_str().to_owned())
                .unwrap_or_default(),
            personal(&r.customer.name),
            personal(&r.customer.mobile),
            personal(&r.customer.email),
            personal(&r.paid.payer_vpa),
            text(&r.paid.bank_reference),
            text(&r.paid.gateway_payment_id),
            text(&r.reason),
            if r.settled_at.is_some() { "yes" } else { "no" }.to_owned(),
        ];
        writer.write_record(row.map(inert))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
