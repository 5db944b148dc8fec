//! The customer's display: what a customer reads from two metres away, on a second window that
//! can sit full-screen on the monitor facing them. Idle, it shows the shop; during a sale the QR,
//! the amount, the payee and the countdown; then PAID or expired. Every state is told by words
//! and by a shape, not by colour alone.

use std::time::Instant;

use egui::{Color32, RichText, Stroke, TextureHandle, Ui, Vec2};

use super::style::{EXPIRED_AMBER, FAILED_RED, INK, PAID_GREEN, TRAINING_YELLOW, bold};
use super::views::{format_countdown, qr_image_ui};
use crate::flow::Screen;

/// What the customer's display needs.
pub struct CustomerView<'a> {
    pub screen: &'a Screen,
    pub now: Instant,
    pub shop_name: &'a str,
    pub logo: Option<&'a TextureHandle>,
    /// The QR on screen, when there is one.
    pub qr: Option<&'a TextureHandle>,
    pub training: bool,
}

/// The share of the window's height the amount's digits take: at least a tenth, so it reads
/// from two metres on a 15" screen.
pub const AMOUNT_SHARE: f32 = 0.12;

/// Bold digits are about this many ems wide.
const DIGIT_EM: f32 = 0.68;

/// Where the QR and the amount go on the customer's window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SaleLayout {
    /// The QR's side.
    pub qr_side: f32,
    /// The amount's font size.
    pub amount_size: f32,
    /// The text beside the QR (wide screens), or under it.
    pub beside: bool,
}

/// For a window of `size` showing an amount of `chars` characters: the amount gets
/// [`AMOUNT_SHARE`] of the height (on a landscape screen; a portrait one is too narrow for a
/// lakh at that size, so there it fills the width), and the QR what is left beside it. When the text would not
/// fit beside a QR a third of the width wide (a 4:3 screen and a lakh), it goes under the QR.
pub fn sale_layout(size: Vec2, chars: usize) -> SaleLayout {
    let amount_size = size.y * AMOUNT_SHARE;
    let text_width = |font: f32| chars as f32 * DIGIT_EM * font;
    let need = text_width(amount_size) + 48.0;
    let beside_side = size.y.min(size.x - need);
    if size.x > size.y && beside_side >= size.x * 0.35 {
        return SaleLayout {
            qr_side: beside_side,
            amount_size,
            beside: true,
        };
    }
    let amount_size = amount_size.min((size.x - 48.0) / (chars as f32 * DIGIT_EM));
    SaleLayout {
        qr_side: size.x.min(size.y - text_block_height(size.y)),
        amount_size,
        beside: false,
    }
}

/// The height of the text under the QR: "Scan & pay", the amount, the payee, the countdown.
fn text_block_height(height: f32) -> f32 {
    let line = (height * 0.05).clamp(18.0, 60.0);
    // Line heights run about 1.2 em, with 10 points between items.
    height * AMOUNT_SHARE * 1.25 + line * 1.2 * 3.0 + 40.0
}

/// Draws the customer's display into `ui` (the whole window).
pub fn customer_ui(ui: &mut Ui, view: &CustomerView<'_>) {
    let height = ui.available_height().max(200.0);
    let amount_size = height * AMOUNT_SHARE;
    let line = (height * 0.05).clamp(18.0, 60.0);
    if view.training {
        ui.vertical_centered(|ui| {
            ui.label(
                RichText::new("TRAINING — not a real payment")
                    .font(bold(line))
                    .color(Color32::BLACK)
                    .background_color(TRAINING_YELLOW),
            );
        });
    }
    match view.screen {
        Screen::Entry | Screen::Failed { .. } => idle_ui(ui, view, line),
        Screen::Requesting { sale, .. } => {
            ui.vertical_centered(|ui| {
                ui.add_space(height * 0.2);
                ui.label(
                    RichText::new(sale.amount.to_string())
                        .font(bold(amount_size))
                        .color(INK),
                );
                ui.add(egui::Spinner::new().size(line * 2.0));
                ui.label(RichText::new("Preparing your QR…").size(line));
            });
        }
        Screen::ShowingQr(shown) => {
            let rect = ui.available_rect_before_wrap();
            let amount = shown.sale.amount.to_string();
            let layout = sale_layout(rect.size(), amount.chars().count());
            let size = layout.amount_size;
            let (qr_rect, info_rect) = if layout.beside {
                let (left, right) = rect.split_left_right_at_x(rect.left() + layout.qr_side);
                (left, right.shrink2(egui::vec2(24.0, 0.0)))
            } else {
                rect.split_top_bottom_at_y(rect.top() + layout.qr_side)
            };
            qr_image_ui(ui, qr_rect, view.qr);
            let info = egui::UiBuilder::new()
                .max_rect(info_rect)
                .layout(egui::Layout::top_down(if layout.beside {
                    egui::Align::Min
                } else {
                    egui::Align::Center
                }));
            ui.scope_builder(info, |ui| {
                if layout.beside {
                    ui.add_space(height * 0.06);
                }
                ui.label(RichText::new("Scan & pay").size(line).color(INK));
                ui.label(RichText::new(amount).font(bold(size)).color(INK));
                if shown.qr.payload.customer_enters_amount() {
                    let warning = format!("⚠ Type {} in your UPI app", shown.sale.amount);
                    ui.label(RichText::new(warning).font(bold(line)).color(FAILED_RED));
                }
                ui.label(
                    RichText::new(format!("to {}", shown.qr.payee_name()))
                        .font(bold(line * 0.9))
                        .color(INK),
                );
                // The VPA under the name: what the customer's app will show, to check.
                if let Some(vpa) = shown.qr.payee_vpa() {
                    ui.label(
                        RichText::new(format!("UPI ID: {vpa}"))
                            .size(line * 0.75)
                            .color(INK),
                    );
                }
                if layout.beside {
                    ui.add_space(line);
                }
                let left = format_countdown(shown.remaining(view.now));
                ui.label(
                    RichText::new(format!("◷ Valid for {left}"))
                        .font(bold(line))
                        .color(PAID_GREEN),
                );
            });
            ui.advance_cursor_after_rect(rect);
        }
        Screen::Paid { sale, .. } => status_ui(
            ui,
            Mark::Tick,
            PAID_GREEN,
            "PAID",
            &format!("{} received. Thank you!", sale.amount),
            height,
        ),
        Screen::Expired { .. } => status_ui(
            ui,
            Mark::Cross,
            EXPIRED_AMBER,
            "QR expired",
            "Please do not pay this QR. Ask the cashier for a new one.",
            height,
        ),
    }
}

/// Between sales: the shop, and what to do.
fn idle_ui(ui: &mut Ui, view: &CustomerView<'_>, line: f32) {
    let height = ui.available_height();
    ui.vertical_centered(|ui| {
        ui.add_space(height * 0.15);
        if let Some(logo) = view.logo {
            let [w, h] = logo.size().map(|n| n.max(1) as f32);
            let tall = (height * 0.25).min(h * 4.0);
            ui.add(
                egui::Image::from_texture((logo.id(), Vec2::new(w * tall / h, tall)))
                    .alt_text("Shop logo"),
            );
        }
        if !view.shop_name.is_empty() {
            ui.label(
                RichText::new(view.shop_name)
                    .font(bold(line * 1.6))
                    .color(INK),
            );
        }
        ui.add_space(line);
        ui.label(
            RichText::new("Scan & pay with any UPI app")
                .size(line)
                .color(INK),
        );
    });
}

/// The shape that tells a state without colour.
#[derive(Clone, Copy)]
enum Mark {
    Tick,
    Cross,
}

/// A large mark in a ring, a word, and a line of explanation.
fn status_ui(ui: &mut Ui, mark: Mark, colour: Color32, word: &str, text: &str, height: f32) {
    ui.vertical_centered(|ui| {
        ui.add_space(height * 0.1);
        let side = height * 0.3;
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(side), egui::Sense::hover());
        let painter = ui.painter();
        let c = rect.center();
        let r = side * 0.45;
        painter.circle_filled(c, r, colour);
        let stroke = Stroke::new(side * 0.08, Color32::WHITE);
        match mark {
            Mark::Tick => {
                painter.line(
                    vec![
                        c + Vec2::new(-r * 0.45, 0.0),
                        c + Vec2::new(-r * 0.1, r * 0.35),
                        c + Vec2::new(r * 0.5, -r * 0.35),
                    ],
                    stroke,
                );
            }
            Mark::Cross => {
                let d = r * 0.4;
                painter.line_segment([c + Vec2::new(-d, -d), c + Vec2::new(d, d)], stroke);
                painter.line_segment([c + Vec2::new(-d, d), c + Vec2::new(d, -d)], stroke);
            }
        }
        ui.label(RichText::new(word).font(bold(height * 0.1)).color(colour));
        ui.label(
            RichText::new(text)
                .size((height * 0.045).clamp(18.0, 54.0))
                .color(INK),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_amount_gets_a_tenth_of_the_height_beside_or_under_a_scannable_qr() {
        let screens = [
            (1024.0, 720.0),
            (800.0, 600.0),
            (1920.0, 1080.0),
            (1366.0, 768.0),
        ];
        for (w, h) in screens {
            for amount in ["₹500.00", "₹99,999.99", "₹1,00,000.00"] {
                let chars = amount.chars().count() as f32;
                let l = sale_layout(Vec2::new(w, h), amount.chars().count());
                let what = format!("{amount} on {w}x{h}: {l:?}");
                assert!(l.amount_size >= h / 10.0, "{what}");
                assert!(l.qr_side >= w.min(h) * 0.35, "{what}");
                let text = chars * DIGIT_EM * l.amount_size;
                if l.beside {
                    assert!(l.qr_side + text <= w, "{what} overflows");
                } else {
                    assert!(text <= w && l.qr_side + text_block_height(h) <= h, "{what}");
                }
            }
        }
        // A portrait screen is too narrow for a lakh at a tenth of its height: the amount then
        // fills the width.
        let l = sale_layout(Vec2::new(720.0, 1280.0), 12);
        let text = 12.0 * DIGIT_EM * l.amount_size;
        assert!(
            !l.beside && (720.0 - 48.0 - 1.0..=720.0).contains(&text),
            "{l:?}"
        );
        // Wide screens keep the text beside the QR; a 4:3 screen and a lakh put it under.
        assert!(sale_layout(Vec2::new(1920.0, 1080.0), 12).beside);
        assert!(!sale_layout(Vec2::new(800.0, 600.0), 12).beside);
    }
}
