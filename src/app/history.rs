//! The history screen (H): one day's sales from the journal, newest first, with totals by
//! outcome; another day by date; and, where the gateway confirms payments, "Check status" on a
//! sale and "Reconcile day" to ask the gateway again about every unpaid sale of the day. The
//! journal is read off the UI thread; the screen shows what arrives.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use time::Date;

use super::style::{FAILED_RED, PAID_GREEN, bold};
use super::worker::HistoryUpdate;
use crate::domain::{Outcome, ProviderId, SaleRef};
use crate::journal::{self, SaleRecord};

/// The screen's state between frames.
pub struct HistoryPanel {
    pub day: Date,
    /// The date field as typed.
    pub day_text: String,
    pub records: Vec<SaleRecord>,
    /// The day is being read from the journal.
    pub loading: bool,
    /// Why the day could not be shown.
    pub problem: Option<String>,
    /// What a status check or a reconciliation found.
    pub message: Option<String>,
    /// The gateway is being asked (about one sale, or the whole day when `None` inside).
    pub asking: Option<Option<SaleRef>>,
    /// The shop's time zone, for the times shown.
    pub offset: time::UtcOffset,
}

/// What the cashier asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum HistoryAction {
    Close,
    /// Show the day typed in the date field.
    ShowTyped,
    /// Move by this many days.
    Step(i64),
    /// Ask the gateway about this sale again.
    Check(SaleRef),
    /// Ask the gateway about every unpaid sale of the day.
    Reconcile,
}

impl HistoryPanel {
    /// The panel on `day`, waiting for its sales.
    pub fn open(day: Date, offset: time::UtcOffset) -> Self {
        Self {
            day,
            day_text: day.to_string(),
            records: Vec::new(),
            loading: true,
            problem: None,
            message: None,
            asking: None,
            offset,
        }
    }

    /// `day` is being read.
    pub fn loading(&mut self, day: Date) {
        self.day = day;
        self.day_text = day.to_string();
        self.loading = true;
        self.problem = None;
    }

    /// The day `days` away is being read; `None` past the calendar's end (nothing changes).
    pub fn step(&mut self, days: i64) -> Option<Date> {
        let day = self.day.checked_add(time::Duration::days(days))?;
        self.loading(day);
        Some(day)
    }

    /// The gateway is being asked about `sale` (or, with `None`, the whole day).
    pub fn asking(&mut self, sale: Option<SaleRef>) {
        self.asking = Some(sale);
        self.message = None;
    }

    /// A day's sales arrived (with what a check found, if one was made).
    pub fn update(&mut self, update: HistoryUpdate) {
        if update.day != self.day {
            return;
        }
        self.loading = false;
        match update.records {
            Ok(records) => {
                self.records = records;
                self.problem = None;
            }
            Err(problem) => {
                self.records.clear();
                self.problem = Some(problem);
            }
        }
        if update.message.is_some() || self.asking.is_some() {
            self.asking = None;
            self.message = update.message;
        }
    }

    /// The typed date, or why it is not one.
    pub fn typed_day(&self) -> Result<Date, String> {
        Date::parse(
            self.day_text.trim(),
            &time::format_description::well_known::Iso8601::DATE,
        )
        .map_err(|_| format!("\"{}\" is not a date like 2026-11-22", self.day_text.trim()))
    }
}

/// Draws the screen. `ask`: the provider in use, when it confirms payments: its own sales (and
/// only those; another provider's sales cannot be asked through it) can be asked about again.
pub fn history_ui(
    ui: &mut Ui,
    panel: &mut HistoryPanel,
    ask: Option<ProviderId>,
) -> Option<HistoryAction> {
    let mut action = header_ui(ui, panel, ask.is_some());
    if let Some(problem) = &panel.problem {
        ui.label(RichText::new(format!("✖ {problem}")).color(FAILED_RED));
    }
    if let Some(message) = &panel.message {
        ui.label(RichText::new(message).font(bold(18.0)));
    }
    ui.add_space(6.0);
    totals_ui(ui, panel);
    ui.separator();
    if panel.loading {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Reading the journal…");
        });
    } else if panel.records.is_empty() {
        ui.label("No sales on this day.");
    } else if let Some(asked) = table_ui(ui, panel, ask) {
        action = Some(asked);
    }
    action
}

/// The title, Close and Reconcile day; the day to show.
fn header_ui(ui: &mut Ui, panel: &mut HistoryPanel, can_ask: bool) -> Option<HistoryAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading("Sales history");
        if ui.button("Close (Esc)").clicked() {
            action = Some(HistoryAction::Close);
        }
        if can_ask {
            if panel.asking == Some(None) {
                ui.spinner();
                ui.label("Asking the gateway about the day's unpaid sales…");
            } else if ui.button("Reconcile day").clicked() {
                action = Some(HistoryAction::Reconcile);
            }
        }
    });
    ui.horizontal(|ui| {
        if ui.button("◀ Previous day").clicked() {
            action = Some(HistoryAction::Step(-1));
        }
        let label = ui.label("Day (YYYY-MM-DD)");
        let field = ui
            .add(egui::TextEdit::singleline(&mut panel.day_text).desired_width(150.0))
            .labelled_by(label.id);
        if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            action = Some(HistoryAction::ShowTyped);
        }
        if ui.button("Show").clicked() {
            action = Some(HistoryAction::ShowTyped);
        }
        if ui.button("Next day ▶").clicked() {
            action = Some(HistoryAction::Step(1));
        }
    });
    action
}

/// The day's count, and the count and sum of each outcome.
fn totals_ui(ui: &mut Ui, panel: &HistoryPanel) {
    let totals = journal::totals(&panel.records);
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("{}: {} sales", panel.day, panel.records.len())).font(bold(18.0)),
        );
        for (outcome, count, amount) in &totals {
            let text = format!("{}: {count} · {amount}", outcome_words(*outcome));
            let colour = match outcome {
                Outcome::Paid => PAID_GREEN,
                Outcome::Failed | Outcome::Interrupted => FAILED_RED,
                _ => ui.visuals().text_color(),
            };
            ui.label(RichText::new(text).color(colour));
        }
    });
}

/// The day's sales, newest first, each with Check status where it can be asked about.
fn table_ui(ui: &mut Ui, panel: &HistoryPanel, ask: Option<ProviderId>) -> Option<HistoryAction> {
    let mut action = None;
    TableBuilder::new(ui)
        .striped(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::auto().at_least(70.0))
        .column(Column::auto().at_least(110.0))
        .column(Column::auto().at_least(110.0))
        .column(Column::auto().at_least(70.0))
        .column(Column::auto().at_least(150.0))
        .column(Column::remainder().clip(true))
        .header(26.0, |mut header| {
            for title in ["Time", "Amount", "Outcome", "Provider", "Sale", "Details"] {
                header.col(|ui| {
                    ui.label(RichText::new(title).font(bold(16.0)));
                });
            }
        })
        .body(|mut body| {
            for record in &panel.records {
                body.row(36.0, |mut row| {
                    row.col(|ui| {
                        ui.label(local_time(record.created_at, panel.offset));
                    });
                    row.col(|ui| {
                        ui.label(RichText::new(record.amount.to_string()).font(bold(18.0)));
                    });
                    row.col(|ui| {
                        ui.label(outcome_words(record.outcome));
                    });
                    row.col(|ui| {
                        ui.label(record.provider.as_str());
                    });
                    row.col(|ui| {
                        ui.label(record.reference.as_str());
                    });
                    row.col(|ui| {
                        ui.label(details(record));
                        if ask == Some(record.provider) && record.outcome != Outcome::Paid {
                            if panel.asking == Some(Some(record.reference.clone())) {
                                ui.spinner();
                            } else if ui.button("Check status").clicked() {
                                action = Some(HistoryAction::Check(record.reference.clone()));
                            }
                        }
                    });
                });
            }
        });
    action
}

/// A moment as the shop's clock shows it (`HH:MM:SS`).
fn local_time(at: time::OffsetDateTime, offset: time::UtcOffset) -> String {
    let t = at.to_offset(offset);
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

/// An outcome as the cashier reads it.
pub fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Requested => "asking",
        Outcome::Shown => "QR shown",
        Outcome::Expired => "expired",
        Outcome::Paid => "✔ paid",
        Outcome::NotPaid => "not paid",
        Outcome::Failed => "✖ failed",
        Outcome::Cancelled => "cancelled",
        Outcome::Interrupted => "⚠ interrupted",
    }
}

/// The customer, the payment's references, or the reason, on one line.
fn details(record: &SaleRecord) -> String {
    let parts: Vec<String> = [
        record.bill_ref.as_ref().map(|b| format!("bill {b}")),
        record.customer.name.clone(),
        record.paid_how.map(|h| h.words().to_owned()),
        record.paid.payer_vpa.clone(),
        record
            .paid
            .bank_reference
            .as_ref()
            .map(|b| format!("bank ref {b}")),
        record.reason.clone(),
        (record.settled_at.is_none() && record.outcome != Outcome::Paid)
            .then(|| "payment may still arrive".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(" · ")
}
