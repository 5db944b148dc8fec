//! Late payments on the cashier's screen: a payment for a sale that is no longer on screen stays
//! in a strip of its own, naming that sale (amount, time, reference), until the cashier
//! acknowledges it. It never looks like the sale on screen: another colour, the words "EARLIER
//! SALE", and no tick or PAID heading.

use egui::{Color32, RichText, Ui};

use super::style::{LATE_BLUE, bold};
use crate::flow::LateNotice;

/// The key that acknowledges the oldest notice.
pub const ACKNOWLEDGE_KEY: egui::Key = egui::Key::F4;

/// The strip's text for one notice.
pub fn notice_text(notice: &LateNotice, offset: time::UtcOffset) -> String {
    let at = notice.since.to_offset(offset);
    let mut text = format!(
        "EARLIER SALE paid: {} from {:02}:{:02} (sale {})",
        notice.sale.amount,
        at.hour(),
        at.minute(),
        notice.sale.reference
    );
    if let Some(bank) = &notice.details.bank_reference {
        text.push_str(&format!(", bank reference {bank}"));
    }
    text.push_str(" — ");
    text.push_str(notice.how.words());
    text
}

/// Draws the notices, oldest first; true when the cashier clicked to acknowledge the oldest.
pub fn notices_ui(ui: &mut Ui, notices: &[LateNotice], offset: time::UtcOffset) -> bool {
    let mut acknowledged = false;
    egui::Frame::new()
        .fill(LATE_BLUE)
        .inner_margin(egui::Margin::symmetric(12, 8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            for (i, notice) in notices.iter().enumerate() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(notice_text(notice, offset))
                            .font(bold(20.0))
                            .color(Color32::WHITE),
                    );
                    if i == 0 && ui.button("Seen (F4)").clicked() {
                        acknowledged = true;
                    }
                });
            }
        });
    acknowledged
}
