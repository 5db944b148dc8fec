//! The history screen (H): one day's sales from the journal, newest first, with totals by
//! outcome; another day by date; and, for PayU sales, "Check status" to ask PayU again.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use time::Date;

use super::style::{FAILED_RED, PAID_GREEN, bold};
use crate::journal::{self, Journal, Outcome, SaleRecord};

/// The screen's state between frames.
pub struct HistoryPanel {
    pub day: Date,
    /// The date field as typed.
    pub day_text: String,
    pub records: Vec<SaleRecord>,
    /// Why the day could not be shown, or what a status check found.
    pub problem: Option<String>,
    pub message: Option<String>,
    /// The sale whose status is being asked for.
    pub checking: Option<String>,
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
    Check(String),
}

impl HistoryPanel {
    /// The panel on `day`, read from `journal`.
    pub fn open(journal: &Journal, day: Date) -> Self {
        let mut panel = Self {
            day,
            day_text: day.to_string(),
            records: Vec::new(),
            problem: None,
            message: None,
            checking: None,
            offset: journal.offset(),
        };
        panel.load(journal, day);
        panel
    }

    /// Shows `day`'s sales; a journal that cannot be read is said so, and the list is emptied.
    pub fn load(&mut self, journal: &Journal, day: Date) {
        self.day = day;
        self.day_text = day.to_string();
        match journal.sales_between(day, day) {
            Ok(records) => {
                self.records = records;
                self.problem = None;
            }
            Err(e) => {
                self.records.clear();
                self.problem = Some(e.to_string());
            }
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

/// Draws the screen. `can_check`: the gateway in use can be asked about a past PayU sale.
pub fn history_ui(ui: &mut Ui, panel: &mut HistoryPanel, can_check: bool) -> Option<HistoryAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading("Sales history");
        if ui.button("Close (Esc)").clicked() {
            action = Some(HistoryAction::Close);
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
    if let Some(problem) = &panel.problem {
        ui.label(RichText::new(format!("✖ {problem}")).color(FAILED_RED));
    }
    if let Some(message) = &panel.message {
        ui.label(RichText::new(message).font(bold(18.0)));
    }
    ui.add_space(6.0);
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
    ui.separator();
    if panel.records.is_empty() {
        ui.label("No sales on this day.");
        return action;
    }
    let checking = panel.checking.clone();
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
                        ui.label(local_time(&record.created_at, panel.offset));
                    });
                    row.col(|ui| {
                        ui.label(RichText::new(record.amount().to_string()).font(bold(18.0)));
                    });
                    row.col(|ui| {
                        ui.label(outcome_words(record.outcome));
                    });
                    row.col(|ui| {
                        ui.label(&record.provider);
                    });
                    row.col(|ui| {
                        ui.label(&record.reference);
                    });
                    row.col(|ui| {
                        ui.label(details(record));
                        let checkable = can_check
                            && record.provider == "payu"
                            && record.outcome != Outcome::Paid;
                        if checkable {
                            if checking.as_deref() == Some(record.reference.as_str()) {
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

/// A stored UTC time as the shop's clock shows it (`HH:MM:SS`).
fn local_time(created_at: &str, offset: time::UtcOffset) -> String {
    time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339)
        .map(|t| {
            let t = t.to_offset(offset);
            format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
        })
        .unwrap_or_else(|_| created_at.to_owned())
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
        record.customer_name.clone(),
        record.paid_how.as_deref().map(|h| match h {
            "by_hand" => "marked by hand".to_owned(),
            _ => "confirmed by the gateway".to_owned(),
        }),
        record.payer_vpa.clone(),
        record
            .bank_reference
            .as_ref()
            .map(|b| format!("bank ref {b}")),
        record.reason.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(" · ")
}
