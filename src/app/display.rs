//! The customer's window (a second viewport for the monitor facing the customer, F10 to put it
//! full-screen and remember where it is) and the shop's logo, read off the UI thread.

use std::time::Instant;

use egui::TextureOptions;

use super::customer::{self, CustomerView};
use super::{CounterApp, Logo, style, worker};
use crate::domain::Picture;

impl CounterApp {
    /// The customer's own window. Its close button is ignored: only the settings take it away.
    pub(super) fn customer_window(&mut self, ctx: &egui::Context, now: Instant) {
        let mut builder = egui::ViewportBuilder::default()
            .with_title("counterqr — customer display")
            .with_app_id("counterqr-customer")
            .with_inner_size([1024.0, 720.0])
            .with_fullscreen(self.config.customer_window_fullscreen);
        if let Some([x, y]) = self.config.customer_window_position {
            builder = builder.with_position([x as f32, y as f32]);
        }
        let logo = self.logo_texture(ctx);
        let qr = self.shown_qr_texture().cloned();
        let view = CustomerView {
            screen: self.flow.screen(),
            now,
            shop_name: &self.config.shop_name,
            logo: logo.as_ref(),
            qr: qr.as_ref(),
            training: self.gateway.is_training(),
            languages: &self.config.customer_languages,
        };
        let id = egui::ViewportId::from_hash_of("counterqr-customer");
        let glow = self.glow;
        let placed = ctx.show_viewport_immediate(id, builder, |ui, _class| {
            style::narrow_font_atlas(ui.ctx());
            if ui.ctx().input(|i| i.viewport().close_requested()) {
                ui.ctx()
                    .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            }
            // With glow, eframe (the patched copy in vendor/eframe) clears this window to the
            // app's clear colour, the panel's: the panel need not paint it. wgpu clears it to
            // black, so there the panel paints the background.
            let panel = if glow {
                style::central_panel(ui)
            } else {
                egui::CentralPanel::default_margins()
            };
            panel.show(ui, |ui| customer::customer_ui(ui, &view));
            ui.ctx().input(|i| i.viewport().outer_rect).map(|r| r.min)
        });
        self.customer_position = placed.or(self.customer_position);
    }

    /// F10: the customer's window fills its monitor (or stops), and where it is is remembered in
    /// the settings file (written off the UI thread), so it opens there tomorrow.
    pub(super) fn toggle_customer_fullscreen(&mut self) {
        let mut config = self.config.clone();
        config.customer_window_fullscreen = !config.customer_window_fullscreen;
        if let Some(at) = self.customer_position {
            config.customer_window_position = Some([at.x.round() as i32, at.y.round() as i32]);
        }
        let state = if config.customer_window_fullscreen {
            "full screen"
        } else {
            "a window"
        };
        match &self.config_path {
            Some(path) if self.config_problem.is_none() => {
                worker::save_config(
                    &self.runtime,
                    path.clone(),
                    config.clone(),
                    format!("Customer display: {state}"),
                    self.outbox.clone(),
                );
            }
            _ => {
                self.notice = Some(format!(
                    "Customer display: {state} (not remembered: the settings file cannot be \
                     written)."
                ));
            }
        }
        self.config = config;
    }

    /// The logo's texture, once read. Its file is read off the UI thread, once per configured
    /// path; a file that cannot be read is logged and shown as no logo (the settings panel
    /// refuses such a file when it is chosen).
    pub(super) fn logo_texture(&mut self, _ctx: &egui::Context) -> Option<egui::TextureHandle> {
        let path = self.config.shop_logo.trim();
        if path.is_empty() {
            return None;
        }
        if self.logo.as_ref().is_none_or(|logo| logo.path != path) {
            self.logo = Some(Logo {
                path: path.to_owned(),
                texture: None,
            });
            worker::load_logo(&self.runtime, path.to_owned(), self.outbox.clone());
        }
        self.logo.as_ref().and_then(|logo| logo.texture.clone())
    }

    /// The logo's file was read.
    pub(super) fn logo_loaded(
        &mut self,
        ctx: &egui::Context,
        path: String,
        picture: Result<Picture, String>,
    ) {
        let Some(logo) = self.logo.as_mut().filter(|logo| logo.path == path) else {
            return;
        };
        match picture {
            Ok(picture) => {
                logo.texture = Some(ctx.load_texture(
                    "shop-logo",
                    egui::ColorImage::from_rgba_unmultiplied(picture.size(), picture.rgba()),
                    TextureOptions::LINEAR,
                ));
            }
            Err(problem) => tracing::warn!("shop logo not shown: {problem}"),
        }
    }
}
