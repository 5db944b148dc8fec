//! Fonts, colours and text sizes for a screen read from across a counter.

use std::sync::Arc;

use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, TextStyle};

/// DejaVu Sans: carries the ₹ sign and clear Latin digits (Bitstream Vera licence, see README).
const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The family name of the bold face, used for amounts and big status words.
pub const BOLD: &str = "bold";

/// Strong green for "Paid": white text on it passes WCAG AA.
pub const PAID_GREEN: Color32 = Color32::from_rgb(0x1b, 0x6e, 0x2a);
/// Strong red for failures: white text on it passes WCAG AA.
pub const FAILED_RED: Color32 = Color32::from_rgb(0xb0, 0x1c, 0x1c);
/// Dark amber for expiry.
pub const EXPIRED_AMBER: Color32 = Color32::from_rgb(0x8a, 0x4b, 0x00);
/// The training strip: black on yellow.
pub const TRAINING_YELLOW: Color32 = Color32::from_rgb(0xff, 0xd4, 0x00);

/// A bold font of `size` points.
pub fn bold(size: f32) -> FontId {
    FontId::new(size, FontFamily::Name(BOLD.into()))
}

/// Installs the fonts and the light, large-text style. Call once when the window is created.
pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "dejavu".into(),
        Arc::new(FontData::from_static(REGULAR_TTF)),
    );
    fonts.font_data.insert(
        "dejavu-bold".into(),
        Arc::new(FontData::from_static(BOLD_TTF)),
    );
    let fallbacks = fonts
        .families
        .get(&FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    fonts
        .families
        .entry(FontFamily::Proportional)
        .or_default()
        .insert(0, "dejavu".into());
    let mut bold_family = vec!["dejavu-bold".to_owned()];
    bold_family.extend(fallbacks);
    fonts
        .families
        .insert(FontFamily::Name(BOLD.into()), bold_family);
    ctx.set_fonts(fonts);

    ctx.set_theme(egui::Theme::Light);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Small, FontId::proportional(15.0)),
            (TextStyle::Body, FontId::proportional(20.0)),
            (TextStyle::Button, FontId::proportional(20.0)),
            (TextStyle::Heading, bold(30.0)),
            (TextStyle::Monospace, FontId::monospace(18.0)),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(10.0, 10.0);
        style.spacing.button_padding = egui::vec2(14.0, 8.0);
        // A blinking cursor wakes the app twice a second all day long; a steady one reads as well.
        style.visuals.text_cursor.blink = false;
    });
}
