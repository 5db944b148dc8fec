//! The customer's display: what a customer reads from two metres away, on a second window that
//! can sit full-screen on the monitor facing them. Idle, it shows the shop; during a sale the QR,
//! the amount, the payee and the countdown; then PAID or expired. Every state is told by words
//! and by a shape, not by colour alone.

use std::time::Instant;

use egui::{Color32, FontId, RichText, Stroke, TextureHandle, Ui, Vec2};

use super::style::{EXPIRED_AMBER, FAILED_RED, INK, PAID_GREEN, TRAINING_YELLOW, bold};
use super::views::{format_countdown, qr_image_ui};
use crate::domain::{Language, Paise};
use crate::flow::{Screen, ShownQr};
use crate::i18n::{Msg, messages};

/// What the customer's display needs.
pub struct CustomerView<'a> {
    pub screen: &'a Screen,
    pub now: Instant,
    pub shop_name: &'a str,
    pub logo: Option<&'a TextureHandle>,
    /// The QR on screen, when there is one.
    pub qr: Option<&'a TextureHandle>,
    pub training: bool,
    /// The customer's languages: every message in each, the first larger.
    pub languages: &'a [Language],
}

/// A second language's text, as a share of the first's size.
pub const SECOND_LANGUAGE_SHARE: f32 = 0.62;

/// How a customer's message is drawn: its size, face and colour.
#[derive(Clone, Copy)]
pub struct Voice {
    pub size: f32,
    pub bold: bool,
    pub colour: Color32,
    /// A symbol before the first language's text (◷, ⚠).
    pub mark: Option<&'static str>,
}

impl Voice {
    pub fn plain(size: f32, colour: Color32) -> Self {
        Self {
            size,
            bold: false,
            colour,
            mark: None,
        }
    }

    pub fn bold(size: f32, colour: Color32) -> Self {
        Self {
            size,
            bold: true,
            colour,
            mark: None,
        }
    }

    /// The same voice with `mark` before the first line.
    pub fn marked(self, mark: &'static str) -> Self {
        Self {
            mark: Some(mark),
            ..self
        }
    }
}

/// `msg` in each of the customer's `languages`, with its size as a share of the first's: the
/// first whole, with `mark` before it; a second [`SECOND_LANGUAGE_SHARE`] of it.
fn in_each_language(
    languages: &[Language],
    msg: Msg<'_>,
    mark: Option<&str>,
) -> Vec<(String, f32)> {
    messages()
        .texts(languages, msg)
        .into_iter()
        .enumerate()
        .map(|(i, text)| match (i, mark) {
            (0, Some(mark)) => (format!("{mark} {text}"), 1.0),
            (0, None) => (text, 1.0),
            _ => (text, SECOND_LANGUAGE_SHARE),
        })
        .collect()
}

/// Draws `msg` in each of the customer's `languages`: the first in `voice`, a second under it
/// smaller ([`SECOND_LANGUAGE_SHARE`]).
pub fn say(ui: &mut Ui, languages: &[Language], msg: Msg<'_>, voice: Voice) {
    for (text, share) in in_each_language(languages, msg, voice.mark) {
        let size = voice.size * share;
        let font = if voice.bold {
            bold(size)
        } else {
            FontId::proportional(size)
        };
        ui.label(RichText::new(text).font(font).color(voice.colour));
    }
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
pub fn sale_layout(size: Vec2, chars: usize, languages: usize) -> SaleLayout {
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
        qr_side: size.x.min(size.y - text_block_height(size.y, languages)),
        amount_size,
        beside: false,
    }
}

/// The height of the text under the QR: "Scan & pay", the amount, the payee, the countdown (each
/// line again, smaller, in a second language).
fn text_block_height(height: f32, languages: usize) -> f32 {
    let line = (height * 0.05).clamp(18.0, 60.0);
    let lines = if languages > 1 {
        3.0 * (1.0 + SECOND_LANGUAGE_SHARE)
    } else {
        3.0
    };
    // Line heights run about 1.2 em, with 10 points between items.
    height * AMOUNT_SHARE * 1.25 + line * 1.2 * lines + 10.0 * lines + 10.0
}

/// Draws the customer's display into `ui` (the whole window).
pub fn customer_ui(ui: &mut Ui, view: &CustomerView<'_>) {
    let height = ui.available_height().max(200.0);
    let amount_size = height * AMOUNT_SHARE;
    let line = (height * 0.05).clamp(18.0, 60.0);
    let languages = view.languages;
    if view.training {
        ui.vertical_centered(|ui| {
            let text = messages().texts(languages, Msg::Training).join(" · ");
            ui.label(
                RichText::new(text)
                    .font(bold(line))
                    .color(Color32::BLACK)
                    .background_color(TRAINING_YELLOW),
            );
        });
    }
    match view.screen {
        Screen::Entry => idle_ui(ui, view, line),
        Screen::Requesting { sale, .. } => {
            ui.vertical_centered(|ui| {
                ui.add_space(height * 0.2);
                ui.label(
                    RichText::new(sale.amount.to_string())
                        .font(bold(amount_size))
                        .color(INK),
                );
                ui.add(egui::Spinner::new().size(line * 2.0));
                say(ui, languages, Msg::Preparing, Voice::plain(line, INK));
            });
        }
        Screen::ShowingQr(shown) => qr_screen_ui(ui, view, shown, line, height),
        Screen::Paid { sale, .. } => status_ui(
            ui,
            languages,
            Status {
                mark: Mark::Tick,
                colour: PAID_GREEN,
                word: Msg::PaidTitle,
                text: Msg::PaidThankYou {
                    amount: sale.amount,
                },
            },
            height,
        ),
        Screen::Expired { .. } => status_ui(
            ui,
            languages,
            Status {
                mark: Mark::Cross,
                colour: EXPIRED_AMBER,
                word: Msg::ExpiredTitle,
                text: Msg::ExpiredDoNotPay,
            },
            height,
        ),
        Screen::Failed { .. } => status_ui(
            ui,
            languages,
            Status {
                mark: Mark::Cross,
                colour: FAILED_RED,
                word: Msg::FailedTitle,
                text: Msg::FailedAskCashier,
            },
            height,
        ),
    }
}

/// The QR as large as fits, and beside or under it what to pay, to whom, and for how long. The
/// amount keeps its size; the other lines shrink together until the longest translation fits.
fn qr_screen_ui(ui: &mut Ui, view: &CustomerView<'_>, shown: &ShownQr, line: f32, height: f32) {
    let rect = ui.available_rect_before_wrap();
    let amount = shown.sale.amount.to_string();
    let layout = sale_layout(rect.size(), amount.chars().count(), view.languages.len());
    let (qr_rect, info_rect) = if layout.beside {
        let (left, right) = rect.split_left_right_at_x(rect.left() + layout.qr_side);
        (left, right.shrink2(egui::vec2(24.0, 0.0)))
    } else {
        rect.split_top_bottom_at_y(rect.top() + layout.qr_side)
    };
    qr_image_ui(ui, qr_rect, view.qr);
    let left = format_countdown(shown.remaining(view.now));
    let text = QrText {
        amount: shown.sale.amount,
        payee: shown.qr.payee_name(),
        vpa: shown.qr.payee_vpa(),
        left: &left,
        enters_amount: shown.qr.payload.customer_enters_amount(),
    };
    let lines = qr_lines(view.languages, &text);
    let top = if layout.beside { height * 0.06 } else { 0.0 };
    let room = info_rect.height() - top;
    let galleys = fit_lines(
        ui,
        &lines,
        info_rect.width(),
        room,
        line,
        layout.amount_size,
    );
    let info = egui::UiBuilder::new()
        .max_rect(info_rect)
        .layout(egui::Layout::top_down(if layout.beside {
            egui::Align::Min
        } else {
            egui::Align::Center
        }));
    ui.scope_builder(info, |ui| {
        ui.add_space(top);
        for galley in galleys {
            ui.add(egui::Label::new(galley));
        }
    });
    ui.advance_cursor_after_rect(rect);
}

/// A line of text beside the QR: its size as a share of the line size (`None`: the amount's
/// own size), its face and colour.
struct TextLine {
    text: String,
    share: Option<f32>,
    bold: bool,
    colour: Color32,
}

/// What the QR screen's text needs.
struct QrText<'a> {
    amount: Paise,
    payee: &'a str,
    vpa: Option<&'a str>,
    /// The countdown, `m:ss`.
    left: &'a str,
    /// The QR carries no amount: the customer types it.
    enters_amount: bool,
}

/// What the QR screen says, each message in each of the customer's `languages`, in order.
fn qr_lines(languages: &[Language], qr: &QrText<'_>) -> Vec<TextLine> {
    let mut lines = Vec::new();
    let add = |lines: &mut Vec<TextLine>, msg: Msg<'_>, share: f32, voice: Voice| {
        for (text, of_first) in in_each_language(languages, msg, voice.mark) {
            lines.push(TextLine {
                text,
                share: Some(share * of_first),
                bold: voice.bold,
                colour: voice.colour,
            });
        }
    };
    add(&mut lines, Msg::ScanAndPay, 1.0, Voice::plain(0.0, INK));
    lines.push(TextLine {
        text: qr.amount.to_string(),
        share: None,
        bold: true,
        colour: INK,
    });
    if qr.enters_amount {
        let msg = Msg::EnterAmountYourself { amount: qr.amount };
        add(
            &mut lines,
            msg,
            1.0,
            Voice::bold(0.0, FAILED_RED).marked("⚠"),
        );
    }
    let payee = qr.payee;
    add(&mut lines, Msg::PayTo { payee }, 0.9, Voice::bold(0.0, INK));
    // The VPA under the name: what the customer's app will show, to check. Said once: "UPI ID"
    // reads the same in every language.
    if let Some(vpa) = qr.vpa {
        let first = languages.first().copied().unwrap_or_default();
        lines.push(TextLine {
            text: messages().text(first, Msg::UpiId { vpa }),
            share: Some(0.75),
            bold: false,
            colour: INK,
        });
    }
    let countdown = Voice::bold(0.0, PAID_GREEN).marked("◷");
    add(&mut lines, Msg::ValidFor { time: qr.left }, 1.0, countdown);
    lines
}

/// The smallest a line may be made to fit: still legible at arm's length.
const MIN_LINE: f32 = 14.0;

/// The lines laid out in `width`, at the largest line size up to `line` at which they fit in
/// `room` (or at [`MIN_LINE`]); the amount stays at `amount_size`.
fn fit_lines(
    ui: &Ui,
    lines: &[TextLine],
    width: f32,
    room: f32,
    line: f32,
    amount_size: f32,
) -> Vec<std::sync::Arc<egui::Galley>> {
    let spacing = ui.spacing().item_spacing.y;
    let mut size = line;
    loop {
        let galleys: Vec<_> = lines
            .iter()
            .map(|l| {
                let points = l.share.map_or(amount_size, |share| size * share);
                let font = if l.bold {
                    bold(points)
                } else {
                    FontId::proportional(points)
                };
                ui.painter().layout(l.text.clone(), font, l.colour, width)
            })
            .collect();
        let total: f32 = galleys.iter().map(|g| g.size().y + spacing).sum();
        if total <= room || size <= MIN_LINE {
            return galleys;
        }
        // Wrapped text grows about with the square of its size: a few steps reach the fit, each
        // a whole point (every size tried is a size of glyphs drawn into the font atlas).
        let ratio = (room.max(0.0) / total).sqrt().min(0.95);
        size = (size * ratio).floor().max(MIN_LINE);
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
        say(ui, view.languages, Msg::Idle, Voice::plain(line, INK));
    });
}

/// The shape that tells a state without colour.
#[derive(Clone, Copy)]
enum Mark {
    Tick,
    Cross,
}

/// A state told to the customer: its mark, colour, word and explanation.
struct Status<'a> {
    mark: Mark,
    colour: Color32,
    word: Msg<'a>,
    text: Msg<'a>,
}

/// A large mark in a ring, a word, and a line of explanation.
fn status_ui(ui: &mut Ui, languages: &[Language], status: Status<'_>, height: f32) {
    let Status {
        mark,
        colour,
        word,
        text,
    } = status;
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
        say(ui, languages, word, Voice::bold(height * 0.1, colour));
        let size = (height * 0.045).clamp(18.0, 54.0);
        say(ui, languages, text, Voice::plain(size, INK));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Script;

    /// A context with every font loaded.
    fn context() -> egui::Context {
        let ctx = egui::Context::default();
        crate::app::style::set_fonts(&ctx, &Script::INDIC.into_iter().collect());
        // The fonts take effect from the next pass.
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear();
        ctx
    }

    /// The QR screen's text for `languages` in a customer window of `size`: the room beside or
    /// under the QR, and the height of the text at its first size and once fitted.
    fn text_heights(ctx: &egui::Context, size: Vec2, languages: &[Language]) -> (f32, f32, f32) {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
            ..Default::default()
        };
        let mut found = (0.0, 0.0, 0.0);
        let mut output = ctx.run_ui(input, |ui| {
            let height = ui.available_height();
            let line = (height * 0.05).clamp(18.0, 60.0);
            let qr = QrText {
                amount: Paise::from_rupees(1_23_456),
                payee: "Sharma General Stores and Provisions",
                vpa: Some("sharmageneralstores@okaxis"),
                left: "4:59",
                enters_amount: true,
            };
            let lines = qr_lines(languages, &qr);
            let layout = sale_layout(ui.available_size(), 12, languages.len());
            let (width, room) = if layout.beside {
                (size.x - layout.qr_side - 48.0, height - height * 0.06)
            } else {
                (size.x, height - layout.qr_side)
            };
            let total = |galleys: Vec<std::sync::Arc<egui::Galley>>| -> f32 {
                let spacing = ui.spacing().item_spacing.y;
                galleys.iter().map(|g| g.size().y + spacing).sum()
            };
            let first = fit_lines(ui, &lines, width, f32::INFINITY, line, layout.amount_size);
            let fitted = fit_lines(ui, &lines, width, room, line, layout.amount_size);
            found = (room, total(first), total(fitted));
        });
        output.textures_delta.clear();
        found
    }

    #[test]
    fn the_longest_translation_fits_beside_or_under_the_qr_in_small_windows() {
        let ctx = context();
        let mut squeezed = 0;
        for size in [
            Vec2::new(800.0, 600.0),
            Vec2::new(1024.0, 720.0),
            Vec2::new(1280.0, 1024.0),
        ] {
            for language in Language::ALL {
                let languages = [language, Language::En];
                let languages = if language == Language::En {
                    &languages[..1]
                } else {
                    &languages[..]
                };
                let (room, first, fitted) = text_heights(&ctx, size, languages);
                assert!(
                    fitted <= room,
                    "{language} in {size:?}: {fitted} high in {room}"
                );
                if first > room {
                    squeezed += 1;
                }
            }
        }
        // The check has teeth: unfitted, some of these would run off the window.
        assert!(squeezed > 0, "no translation needed fitting");
    }

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
                let l = sale_layout(Vec2::new(w, h), amount.chars().count(), 1);
                let what = format!("{amount} on {w}x{h}: {l:?}");
                assert!(l.amount_size >= h / 10.0, "{what}");
                assert!(l.qr_side >= w.min(h) * 0.35, "{what}");
                let text = chars * DIGIT_EM * l.amount_size;
                if l.beside {
                    assert!(l.qr_side + text <= w, "{what} overflows");
                } else {
                    assert!(
                        text <= w && l.qr_side + text_block_height(h, 1) <= h,
                        "{what}"
                    );
                }
            }
        }
        // A portrait screen is too narrow for a lakh at a tenth of its height: the amount then
        // fills the width.
        let l = sale_layout(Vec2::new(720.0, 1280.0), 12, 1);
        let text = 12.0 * DIGIT_EM * l.amount_size;
        assert!(
            !l.beside && (720.0 - 48.0 - 1.0..=720.0).contains(&text),
            "{l:?}"
        );
        // Wide screens keep the text beside the QR; a 4:3 screen and a lakh put it under.
        assert!(sale_layout(Vec2::new(1920.0, 1080.0), 12, 2).beside);
        assert!(!sale_layout(Vec2::new(800.0, 600.0), 12, 2).beside);
    }
}
