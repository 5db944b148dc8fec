//! Fonts, colours and text sizes for a screen read from across a counter.

use std::collections::BTreeSet;
use std::sync::Arc;

use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, TextStyle};

use crate::domain::Script;

/// DejaVu Sans: carries the ₹ sign and clear Latin digits (Bitstream Vera licence, see README).
const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Noto Sans for an Indic script, regular and bold (SIL Open Font License 1.1, see README):
/// its name, and the two faces. DejaVu comes first in every family, so Latin letters, digits and
/// ₹ look the same in every language; these only add the script's own letters.
fn noto(script: Script) -> Option<(&'static str, &'static [u8], &'static [u8])> {
    macro_rules! faces {
        ($name:literal) => {
            (
                $name,
                include_bytes!(concat!(
                    "../../assets/fonts/NotoSans",
                    $name,
                    "-Regular.ttf"
                ))
                .as_slice(),
                include_bytes!(concat!("../../assets/fonts/NotoSans", $name, "-Bold.ttf"))
                    .as_slice(),
            )
        };
    }
    Some(match script {
        Script::Latin => return None,
        Script::Devanagari => faces!("Devanagari"),
        Script::Bengali => faces!("Bengali"),
        Script::Gurmukhi => faces!("Gurmukhi"),
        Script::Gujarati => faces!("Gujarati"),
        Script::Odia => faces!("Oriya"),
        Script::Tamil => faces!("Tamil"),
        Script::Telugu => faces!("Telugu"),
        Script::Kannada => faces!("Kannada"),
        Script::Malayalam => faces!("Malayalam"),
    })
}

/// The family name of the bold face, used for amounts and big status words.
pub const BOLD: &str = "bold";

/// Strong green for "Paid": white text on it passes WCAG AA.
pub const PAID_GREEN: Color32 = Color32::from_rgb(0x1b, 0x6e, 0x2a);
/// Strong red for failures: white text on it passes WCAG AA.
pub const FAILED_RED: Color32 = Color32::from_rgb(0xb0, 0x1c, 0x1c);
/// Dark amber for expiry.
pub const EXPIRED_AMBER: Color32 = Color32::from_rgb(0x8a, 0x4b, 0x00);
/// Text on the customer's display: near-black on the light background.
pub const INK: Color32 = Color32::from_rgb(0x1f, 0x1f, 0x1f);
/// Late payments for earlier sales: white on a deep blue, unlike any state of the sale on screen.
pub const LATE_BLUE: Color32 = Color32::from_rgb(0x1f, 0x3a, 0x93);
/// The training strip: black on yellow.
pub const TRAINING_YELLOW: Color32 = Color32::from_rgb(0xff, 0xd4, 0x00);

/// A bold font of `size` points.
pub fn bold(size: f32) -> FontId {
    FontId::new(size, FontFamily::Name(BOLD.into()))
}

/// Installs the fonts (Latin only, until [`set_fonts`] adds scripts) and the light, large-text
/// style. Call once when the window is created.
pub fn install(ctx: &egui::Context) {
    set_fonts(ctx, &BTreeSet::new());
    install_style(ctx);
}

/// Loads exactly the fonts of `scripts` besides the Latin ones: each script's Noto Sans goes
/// after DejaVu in the regular and the bold family. Takes effect from the next frame.
pub fn set_fonts(ctx: &egui::Context, scripts: &BTreeSet<Script>) {
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
    for (at, (name, regular, bold)) in (1..).zip(scripts.iter().filter_map(|s| noto(*s))) {
        let (r, b) = (format!("noto-{name}"), format!("noto-{name}-bold"));
        fonts
            .font_data
            .insert(r.clone(), Arc::new(FontData::from_static(regular)));
        fonts
            .font_data
            .insert(b.clone(), Arc::new(FontData::from_static(bold)));
        if let Some(family) = fonts.families.get_mut(&FontFamily::Proportional) {
            family.insert(at, r);
        }
        bold_family.push(b);
    }
    bold_family.extend(fallbacks);
    fonts
        .families
        .insert(FontFamily::Name(BOLD.into()), bold_family);
    ctx.set_fonts(fonts);
}

/// The light theme, large text, no blinking cursor.
fn install_style(ctx: &egui::Context) {
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

/// egui makes its font atlas as wide as the widest texture the GL takes: 16384 pixels on Mesa's
/// software renderer, an 8 MiB atlas held twice (egui's copy and the GL's) for a few hundred
/// glyphs. Each window (viewport) is told a smaller maximum, as wide as any picture the till
/// shows: the same glyphs in a quarter of the width, about 11 MiB less. Every window must be
/// told the same, or the atlas is rebuilt at every change of window. With glow the patched
/// eframe already tells egui so from each window's first frame (`NativeOptions::max_texture_side`,
/// set in `run_window`), and this changes nothing; it is what narrows the atlas under wgpu, from
/// each window's second frame on.
pub fn narrow_font_atlas(ctx: &egui::Context) {
    let side = crate::render::MAX_PICTURE_SIDE as usize;
    if ctx.input(|i| i.max_texture_side) > side {
        ctx.input_mut(|i| i.max_texture_side = side);
    }
}

/// A window's central panel with no fill of its own: with glow the window is cleared to the
/// background colour before egui draws ([`CounterApp`'s `clear_color`](eframe::App::clear_color);
/// eframe's patched copy clears the customer's window to it too), which costs a software
/// renderer far less than shading a window-sized rectangle every frame.
pub fn central_panel(ui: &egui::Ui) -> egui::CentralPanel {
    egui::CentralPanel::default_margins()
        .frame(egui::Frame::central_panel(ui.style()).fill(Color32::TRANSPARENT))
}

/// WCAG 2 contrast ratio between two colours (1 to 21).
pub fn contrast_ratio(a: Color32, b: Color32) -> f32 {
    fn luminance(c: Color32) -> f32 {
        let channel = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest area (in points) any mesh of a frame covers.
    fn frame_of(draw: impl FnMut(&mut egui::Ui)) -> f32 {
        let ctx = egui::Context::default();
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1280.0, 800.0),
            )),
            ..Default::default()
        };
        let mut output = ctx.run_ui(input, draw);
        output.textures_delta.clear();
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        primitives
            .iter()
            .filter_map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(mesh) => Some(mesh),
                egui::epaint::Primitive::Callback(_) => None,
            })
            .flat_map(|mesh| {
                mesh.indices.chunks(3).map(|triangle| {
                    let mut bounds = egui::Rect::NOTHING;
                    for &i in triangle {
                        bounds.extend_with(mesh.vertices[i as usize].pos);
                    }
                    bounds.area()
                })
            })
            .fold(0.0, f32::max)
    }

    #[test]
    fn the_background_is_a_clear_not_a_window_sized_rectangle() {
        let window = 1280.0 * 800.0;
        // A plain panel shades the whole window every frame: the check can tell.
        let largest = frame_of(|ui| {
            egui::CentralPanel::default_margins().show(ui, |ui| ui.label("₹500.00"));
        });
        assert!(largest > 0.4 * window, "{largest}");
        let largest = frame_of(|ui| {
            central_panel(ui).show(ui, |ui| ui.label("₹500.00"));
        });
        assert!(largest < 0.01 * window, "{largest}");
    }

    #[test]
    fn every_colour_pair_on_screen_passes_wcag_aa() {
        // The light theme's panel background, and white (the QR's paper, buttons).
        let backgrounds = [egui::Visuals::light().panel_fill, Color32::WHITE];
        for background in backgrounds {
            for (name, text) in [
                ("ink", INK),
                ("paid", PAID_GREEN),
                ("failed", FAILED_RED),
                ("expired", EXPIRED_AMBER),
            ] {
                let ratio = contrast_ratio(text, background);
                assert!(ratio >= 4.5, "{name} on {background:?}: {ratio:.2}");
            }
        }
        // White marks and words on the coloured status bars and circles.
        for fill in [PAID_GREEN, FAILED_RED, EXPIRED_AMBER, LATE_BLUE] {
            assert!(contrast_ratio(Color32::WHITE, fill) >= 4.5, "{fill:?}");
        }
        assert!(contrast_ratio(Color32::BLACK, TRAINING_YELLOW) >= 4.5);
        // The check itself: black on white is 21:1, a colour on itself 1:1.
        assert!((contrast_ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast_ratio(PAID_GREEN, PAID_GREEN) - 1.0).abs() < 0.001);
    }
}
