//! Drawing each screen. Each `*_ui` function draws into a [`Ui`] and returns what the cashier asked
//! for, if anything; the app applies it after the frame.

use std::time::{Duration, Instant};

use egui::{Align, Color32, Layout, RichText, TextureHandle, Ui, UiBuilder, Vec2};

use super::customer::{Voice, say};
use super::style::{self, EXPIRED_AMBER, FAILED_RED, INK, PAID_GREEN, bold};
use crate::domain::{
    AmountError, FormError, Language, PaidDetails, PaidHow, Paise, Sale, SaleForm,
};
use crate::flow::ShownQr;
use crate::i18n::{Msg, messages};

/// The cashier's own language: what the cashier's copy of a screen says when the customer has
/// a window of their own.
pub const CASHIER: &[Language] = &[Language::En];

/// Whether the customer reads anything but English alone.
fn translated(languages: &[Language]) -> bool {
    languages != CASHIER
}

/// What the cashier asked for on a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum UiAction {
    /// Check the form and ask for a QR.
    Submit,
    /// Enter's meaning on this screen (retry, new QR, next sale).
    Confirm,
    /// Esc's meaning on this screen (cancel, back, new sale).
    Back,
    MarkPaid,
    MarkNotPaid,
    /// The gear button.
    OpenSettings,
    /// H, or the History button.
    OpenHistory,
}

/// The remaining time as `m:ss`, rounded up so `0:00` is never shown while the QR is valid.
pub fn format_countdown(remaining: Duration) -> String {
    let secs = remaining.as_nanos().div_ceil(1_000_000_000);
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// A size for big text: a share of the available height, within bounds.
fn scaled(ui: &Ui, share: f32, min: f32, max: f32) -> f32 {
    (ui.available_height() * share).clamp(min, max)
}

/// The entry screen's state that the app keeps between frames.
pub struct EntryView<'a> {
    pub form: &'a mut SaleForm,
    pub error: Option<&'a FormError>,
    pub notice: Option<&'a str>,
    pub max_amount: Paise,
    pub provider_name: &'a str,
    /// The provider needs the customer's details (they are not optional).
    pub customer_required: bool,
    /// The shop's name, shown in the heading; empty for none.
    pub shop_name: &'a str,
    /// The shop's logo, shown before the name.
    pub logo: Option<&'a TextureHandle>,
    /// A sales journal is open, so the history screen can be shown.
    pub has_history: bool,
    /// Put the keyboard focus in the amount field this frame.
    pub focus_amount: bool,
}

/// The amount field's id, to tell whether the keyboard is in it.
pub fn amount_field_id() -> egui::Id {
    egui::Id::unique("counterqr-amount")
}

/// The amount field, customer fields, and what the typed amount reads as.
pub fn entry_ui(ui: &mut Ui, view: EntryView<'_>) -> Option<UiAction> {
    let mut action = None;
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        if let Some(logo) = view.logo {
            let [w, h] = logo.size().map(|n| n.max(1) as f32);
            let height = 64.0_f32.min(h);
            ui.add(
                egui::Image::from_texture((logo.id(), Vec2::new(w * height / h, height)))
                    .alt_text("Shop logo"),
            );
        }
        if view.shop_name.is_empty() {
            ui.heading("New sale");
        } else {
            ui.heading(format!("{} — new sale", view.shop_name));
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.button("⚙ Settings (F2)").clicked() {
                action = Some(UiAction::OpenSettings);
            }
            if view.has_history && ui.button("History (H)").clicked() {
                action = Some(UiAction::OpenHistory);
            }
            ui.label(format!("Payment by: {}", view.provider_name));
        });
    });
    ui.add_space(12.0);
    egui::Grid::new("entry_form")
        .num_columns(2)
        .spacing([16.0, 14.0])
        .show(ui, |ui| {
            let label = ui.label(RichText::new("Amount (₹)").font(bold(26.0)));
            let amount = ui.add(
                egui::TextEdit::singleline(&mut view.form.amount)
                    .id(amount_field_id())
                    .font(bold(40.0))
                    .hint_text("0.00")
                    .desired_width(340.0),
            );
            let amount = amount.labelled_by(label.id);
            if view.focus_amount {
                amount.request_focus();
            }
            ui.end_row();

            ui.label("");
            amount_echo_ui(ui, &view.form.amount, view.max_amount);
            ui.end_row();

            let fields = [
                ("Customer name", &mut view.form.customer.name),
                ("Mobile", &mut view.form.customer.mobile),
                ("E-mail", &mut view.form.customer.email),
            ];
            let suffix = if view.customer_required {
                ""
            } else {
                " (optional)"
            };
            for (text, value) in fields {
                let label = ui.label(format!("{text}{suffix}"));
                ui.add(egui::TextEdit::singleline(value).desired_width(340.0))
                    .labelled_by(label.id);
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    if let Some(error) = view.error {
        ui.label(
            RichText::new(format!("✖ {error}"))
                .color(FAILED_RED)
                .size(22.0),
        );
    }
    if ui
        .add(egui::Button::new(
            RichText::new("Show QR (Enter)").font(bold(24.0)),
        ))
        .clicked()
    {
        action = Some(UiAction::Submit);
    }
    if let Some(notice) = view.notice {
        ui.add_space(8.0);
        ui.label(RichText::new(notice).italics());
    }
    action
}

/// Echoes the typed amount in Indian grouping as it is typed, so a slip of a zero is seen before
/// Enter; what cannot be sold is said in amber (the red error comes only on Enter).
fn amount_echo_ui(ui: &mut Ui, typed: &str, max: Paise) {
    let text = match Paise::parse_typed(typed, max) {
        Ok(amount) => RichText::new(amount.to_string()).font(bold(28.0)),
        Err(AmountError::Empty) => RichText::new(format!("Up to {max}")).weak(),
        Err(error) => RichText::new(error.to_string()).color(EXPIRED_AMBER),
    };
    ui.label(text);
}

/// Waiting for the gateway: a spinner and a way out.
pub fn requesting_ui(ui: &mut Ui, sale: &Sale, provider_name: &str) -> Option<UiAction> {
    let mut action = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.25);
        ui.add(egui::Spinner::new().size(64.0));
        ui.add_space(16.0);
        ui.label(RichText::new(format!("Getting a QR for {}", sale.amount)).font(bold(36.0)));
        ui.label(format!("from {provider_name}…"));
        ui.add_space(24.0);
        if ui.button("Cancel (Esc)").clicked() {
            action = Some(UiAction::Back);
        }
    });
    action
}

/// What the QR screen needs besides the QR itself.
pub struct QrView<'a> {
    pub shown: &'a ShownQr,
    pub texture: Option<&'a TextureHandle>,
    pub now: Instant,
    /// The cashier ends the sale by hand (the gateway cannot confirm payment).
    pub by_hand: bool,
    /// The customer has a window of their own: this is the cashier's smaller copy.
    pub compact: bool,
    /// The languages the customer lines are in (the cashier's alone on the compact copy).
    pub languages: &'a [Language],
}

/// The customer-facing QR: as large as fits, the amount, the payee and the countdown.
pub fn qr_ui(ui: &mut Ui, view: &QrView<'_>) -> Option<UiAction> {
    let rect = ui.available_rect_before_wrap();
    let landscape = rect.width() > rect.height() * 1.15;
    let largest = if view.compact { 260.0 } else { f32::INFINITY };
    let (qr_rect, info_rect) = if landscape {
        let side = rect.height().min(rect.width() * 0.56).min(largest);
        let (left, right) = rect.split_left_right_at_x(rect.left() + side);
        (left, right.shrink2(egui::vec2(16.0, 0.0)))
    } else {
        let side = rect.width().min(rect.height() * 0.58).min(largest);
        let (top, bottom) = rect.split_top_bottom_at_y(rect.top() + side);
        (top, bottom)
    };
    qr_image_ui(ui, qr_rect, view.texture);
    let mut builder = UiBuilder::new().max_rect(info_rect);
    builder = builder.layout(Layout::top_down(if landscape {
        Align::Min
    } else {
        Align::Center
    }));
    // Two rows of buttons at most; the text gets the rest.
    let buttons_height = 100.0_f32.min(info_rect.height() * 0.4);
    let (text_rect, buttons_rect) =
        info_rect.split_top_bottom_at_y(info_rect.bottom() - buttons_height);
    ui.scope_builder(builder.clone().max_rect(text_rect), |ui| {
        qr_info_ui(ui, view)
    });
    let action = ui
        .scope_builder(builder.max_rect(buttons_rect), |ui| {
            qr_buttons_ui(ui, view.by_hand)
        })
        .inner;
    ui.advance_cursor_after_rect(rect);
    action
}

/// Draws the QR texture centred in `area`, as large as fits. When it can be enlarged, it is by a
/// whole number of pixels per texel, so every module is the same size and edges stay sharp (a
/// gateway's own picture larger than the area is scaled down smoothly instead).
pub(super) fn qr_image_ui(ui: &mut Ui, area: egui::Rect, texture: Option<&TextureHandle>) {
    let Some(texture) = texture else { return };
    let pixels_per_point = ui.ctx().pixels_per_point();
    let [w, h] = texture.size().map(|n| n.max(1) as f32);
    let fit = (area.width() * pixels_per_point / w).min(area.height() * pixels_per_point / h);
    let scale = if fit >= 1.0 { fit.floor() } else { fit };
    let size = Vec2::new(w, h) * scale / pixels_per_point;
    let min_px = ((area.center() - size / 2.0) * pixels_per_point).round();
    let rect = egui::Rect::from_min_size(min_px / pixels_per_point, size);
    ui.put(
        rect,
        egui::Image::from_texture((texture.id(), rect.size()))
            .alt_text("Payment QR code: scan with any UPI app"),
    );
}

fn qr_info_ui(ui: &mut Ui, view: &QrView<'_>) {
    let shown = view.shown;
    let amount = shown.sale.amount.to_string();
    // As large as the height allows, but never wider than the column (bold digits are ~0.7 em).
    let by_width = ui.available_width() / (amount.chars().count() as f32 * 0.7);
    let big = scaled(ui, 0.16, 36.0, 150.0).min(by_width.max(24.0));
    let languages = view.languages;
    // Every customer line twice in two languages: each a little smaller, so the column holds.
    let line = big.clamp(20.0, 40.0) * if languages.len() > 1 { 0.8 } else { 1.0 };
    ui.add_space(ui.available_height() * 0.04);
    say(ui, languages, Msg::ScanAndPay, Voice::plain(line, INK));
    ui.add(egui::Label::new(RichText::new(amount).font(bold(big))).extend());
    if let Some(bill) = &shown.sale.extra.bill_ref {
        // A bill from the billing software: the cashier sees which one is on the till.
        ui.label(RichText::new(format!("Bill {bill}")).size(line * 0.7));
    }
    if shown.qr.payload.customer_enters_amount() {
        // A static QR carries no amount: the customer must type it, so say so in large type.
        let msg = Msg::EnterAmountYourself {
            amount: shown.sale.amount,
        };
        say(
            ui,
            languages,
            msg,
            Voice::bold(line, FAILED_RED).marked("⚠"),
        );
    }
    let payee = shown.qr.payee_name();
    say(
        ui,
        languages,
        Msg::PayTo { payee },
        Voice::bold(line * 0.8, INK),
    );
    if let Some(vpa) = shown.qr.payee_vpa() {
        let first = languages.first().copied().unwrap_or_default();
        let text = messages().text(first, Msg::UpiId { vpa });
        ui.label(RichText::new(text).size(line * 0.75));
    }
    ui.add_space(line * 0.5);

    let remaining = shown.remaining(view.now);
    let total = shown.qr.grant.expires_in.as_secs_f32().max(1.0);
    let urgent = remaining < Duration::from_secs(30);
    let colour = if urgent { EXPIRED_AMBER } else { PAID_GREEN };
    let countdown = format_countdown(remaining);
    let time = countdown.as_str();
    say(
        ui,
        languages,
        Msg::ValidFor { time },
        Voice::bold(line * 1.2, colour),
    );
    ui.add(
        egui::ProgressBar::new(remaining.as_secs_f32() / total)
            .desired_width(ui.available_width().min(420.0))
            .fill(colour),
    );
    ui.add_space(line * 0.5);

    if !view.by_hand {
        ui.label("Waiting for the payment to arrive…");
    }
    if let Some(reason) = &shown.attempt_failed {
        ui.label(
            RichText::new(format!(
                "⚠ A payment attempt failed ({reason}). The customer may try again while the QR \
                 is valid."
            ))
            .color(FAILED_RED),
        );
    }
}

/// The cashier's buttons, pinned to the bottom of the info column so a long payee name can never
/// push them off the screen.
fn qr_buttons_ui(ui: &mut Ui, by_hand: bool) -> Option<UiAction> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        if by_hand {
            if ui
                .button(RichText::new("Mark paid (P)").color(PAID_GREEN))
                .clicked()
            {
                action = Some(UiAction::MarkPaid);
            }
            if ui
                .button(RichText::new("Not paid (N)").color(FAILED_RED))
                .clicked()
            {
                action = Some(UiAction::MarkNotPaid);
            }
        }
        if ui.button("New sale (Esc)").clicked() {
            action = Some(UiAction::Back);
        }
    });
    action
}

/// A large status block: a symbol and a word, so the state is told by shape and text, not colour
/// alone.
fn status_heading_ui(ui: &mut Ui, symbol: &str, word: &str, colour: Color32) {
    let size = scaled(ui, 0.12, 40.0, 120.0);
    egui::Frame::new()
        .fill(colour)
        .corner_radius(12.0)
        .inner_margin(egui::Margin::symmetric(32, 12))
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!("{symbol} {word}"))
                    .font(bold(size))
                    .color(Color32::WHITE),
            );
        });
}

/// The QR is gone; offer a new one for the same amount. `watching_late`: a payment made at the
/// last moment is still being looked for.
pub fn expired_ui(
    ui: &mut Ui,
    sale: &Sale,
    watching_late: bool,
    languages: &[Language],
) -> Option<UiAction> {
    let mut action = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.15);
        status_heading_ui(ui, "◷", "QR expired", EXPIRED_AMBER);
        customer_lines(ui, languages, &[Msg::ExpiredTitle, Msg::ExpiredDoNotPay]);
        ui.add_space(16.0);
        ui.label(
            RichText::new(format!("The QR for {} is no longer valid.", sale.amount)).size(26.0),
        );
        if watching_late {
            ui.label(
                RichText::new(
                    "Still checking for a payment made at the last moment: if it arrives, \
                     this screen shows PAID.",
                )
                .size(18.0),
            );
        }
        ui.add_space(16.0);
        let again = RichText::new(format!("Enter: new QR for {}", sale.amount)).font(bold(26.0));
        if ui.button(again).clicked() {
            action = Some(UiAction::Confirm);
        }
        if ui.button("Esc: back to the amount").clicked() {
            action = Some(UiAction::Back);
        }
    });
    action
}

/// The money arrived (or the cashier says it did).
pub fn paid_ui(
    ui: &mut Ui,
    sale: &Sale,
    (how, details): (PaidHow, &PaidDetails),
    languages: &[Language],
) -> Option<UiAction> {
    let mut action = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.15);
        status_heading_ui(ui, "✔", "PAID", PAID_GREEN);
        let amount = sale.amount;
        customer_lines(
            ui,
            languages,
            &[Msg::PaidTitle, Msg::PaidThankYou { amount }],
        );
        ui.add_space(16.0);
        ui.label(RichText::new(sale.amount.to_string()).font(bold(56.0)));
        let mut words = how.words().to_owned();
        if let Some(first) = words.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        ui.label(words);
        if let Some(vpa) = &details.payer_vpa {
            ui.label(format!("From: {vpa}"));
        }
        if let Some(reference) = &details.bank_reference {
            ui.label(format!("Bank reference: {reference}"));
        }
        if let Some(id) = &details.gateway_payment_id {
            ui.label(format!("Gateway payment id: {id}"));
        }
        ui.label(RichText::new(format!("Sale {}", sale.reference)).weak());
        ui.add_space(16.0);
        if ui
            .button(RichText::new("Next sale (Enter)").font(bold(24.0)))
            .clicked()
        {
            action = Some(UiAction::Confirm);
        }
    });
    action
}

/// No QR could be had; the sale is kept for a retry.
pub fn failed_ui(ui: &mut Ui, sale: &Sale, message: &str) -> Option<UiAction> {
    let mut action = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.15);
        status_heading_ui(ui, "✖", "Not paid: no QR", FAILED_RED);
        ui.add_space(16.0);
        ui.label(RichText::new(message).size(24.0));
        ui.label(
            RichText::new(format!(
                "Sale {} for {} is kept.",
                sale.reference, sale.amount
            ))
            .weak(),
        );
        ui.add_space(16.0);
        if ui
            .button(RichText::new("Retry (Enter)").font(bold(26.0)))
            .clicked()
        {
            action = Some(UiAction::Confirm);
        }
        if ui.button("Esc: back to the amount").clicked() {
            action = Some(UiAction::Back);
        }
    });
    action
}

/// In one window turned to the customer: what the customer's own display would say, in their
/// languages, under the cashier's English heading (nothing more when that is English alone).
fn customer_lines(ui: &mut Ui, languages: &[Language], lines: &[Msg<'_>]) {
    if !translated(languages) {
        return;
    }
    ui.add_space(8.0);
    let size = scaled(ui, 0.045, 20.0, 40.0);
    for msg in lines {
        say(ui, languages, *msg, Voice::bold(size, INK));
    }
}

/// The strip on every screen in training mode, in the customer's `languages` (one window) or
/// the cashier's.
pub fn training_strip_ui(ui: &mut Ui, languages: &[Language]) {
    egui::Frame::new()
        .fill(style::TRAINING_YELLOW)
        .inner_margin(egui::Margin::symmetric(12, 6))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.vertical_centered(|ui| {
                let text = messages().texts(languages, Msg::Training).join(" · ");
                ui.label(RichText::new(text).font(bold(22.0)).color(Color32::BLACK));
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_rounds_up_and_pads() {
        assert_eq!(format_countdown(Duration::from_secs(300)), "5:00");
        assert_eq!(format_countdown(Duration::from_millis(299_001)), "5:00");
        assert_eq!(format_countdown(Duration::from_secs(299)), "4:59");
        assert_eq!(format_countdown(Duration::from_millis(61_000)), "1:01");
        assert_eq!(format_countdown(Duration::from_millis(1)), "0:01");
        assert_eq!(format_countdown(Duration::ZERO), "0:00");
    }
}
