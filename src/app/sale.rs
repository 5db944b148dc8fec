//! The sale's screens in the window, and the flow's commands carried out: what the cashier's
//! keys and clicks mean, the records handed to the journal's writer, the QR request, the watch,
//! the sounds, the QR's texture and when to draw again.

use std::time::{Duration, Instant};

use egui::{TextureHandle, TextureOptions, Ui};

use super::views::{self, EntryView, QrView, UiAction};
use super::{CounterApp, notices, style, worker};
use crate::config::CustomerDisplay;
use crate::domain::SaleForm;
use crate::flow::{Command, Event, PAID_SCREEN_TIME, Screen};
use crate::gateway;
use crate::sell::QrRequest;
use crate::sound::Cue;
use crate::watch::WatchedSale;

impl CounterApp {
    /// The sale's screen with its keys.
    pub(super) fn sale_frame(&mut self, ui: &mut Ui, ctx: &egui::Context, now: Instant) {
        // Keys first, so Enter in the amount field submits instead of leaving the field.
        let key_action = self.screen_keys(ctx);
        let drawn_action = style::central_panel(ui)
            .show(ui, |ui| self.screen_ui(ui, now))
            .inner;
        if let Some(action) = key_action.or(drawn_action) {
            self.apply_action(action, now, ctx);
        }
    }

    fn screen_ui(&mut self, ui: &mut Ui, now: Instant) -> Option<UiAction> {
        let provider_name = self.gateway.id().display_name();
        match self.flow.screen() {
            Screen::Entry => {
                let logo = self.logo_texture(ui.ctx());
                let view = EntryView {
                    form: &mut self.form,
                    error: self.form_error.as_ref(),
                    notice: self.notice.as_deref(),
                    max_amount: self.gateway.max_amount(),
                    provider_name,
                    customer_required: self.gateway.customer_details_required(),
                    shop_name: &self.config.shop_name,
                    logo: logo.as_ref(),
                    has_history: self.journal.is_some(),
                    focus_amount: std::mem::take(&mut self.focus_amount),
                };
                views::entry_ui(ui, view)
            }
            Screen::Requesting { sale, .. } => views::requesting_ui(ui, sale, provider_name),
            Screen::ShowingQr(shown) => {
                let view = QrView {
                    shown,
                    texture: self.shown_qr_texture(),
                    now,
                    by_hand: !self.gateway.confirms_payment(),
                    compact: self.config.customer_display == CustomerDisplay::SecondWindow,
                    languages: self.one_window_languages(),
                };
                views::qr_ui(ui, &view)
            }
            Screen::Expired {
                sale,
                watched_until,
            } => {
                let watching = watched_until.is_some_and(|until| now < until);
                views::expired_ui(ui, sale, watching, self.one_window_languages())
            }
            Screen::Paid {
                sale, how, details, ..
            } => views::paid_ui(ui, sale, (*how, details), self.one_window_languages()),
            Screen::Failed { sale, message } => views::failed_ui(ui, sale, message),
        }
    }

    pub(super) fn apply_action(&mut self, action: UiAction, now: Instant, ctx: &egui::Context) {
        let event = match action {
            UiAction::Submit => {
                let reference = crate::reference::new_sale_ref();
                match gateway::check_form(self.gateway.as_ref(), &self.form, reference) {
                    Ok(sale) => Event::Submit(sale),
                    Err(error) => {
                        tracing::info!("entry refused: {error}");
                        self.form_error = Some(error);
                        self.focus_amount = true;
                        return;
                    }
                }
            }
            UiAction::Confirm => Event::Enter,
            UiAction::Back => Event::Escape,
            UiAction::MarkPaid => Event::MarkPaid,
            UiAction::MarkNotPaid => Event::MarkNotPaid,
            UiAction::OpenSettings => return self.open_settings(),
            UiAction::OpenHistory => return self.open_history(),
        };
        if let (Screen::ShowingQr(shown), Event::MarkPaid | Event::MarkNotPaid) =
            (self.flow.screen(), &event)
        {
            let paid = matches!(event, Event::MarkPaid);
            tracing::info!(sale = %shown.sale.reference, amount = %shown.sale.amount, paid,
                gateway_ids = ?shown.qr.grant.gateway_ids, "sale marked by the cashier");
        }
        self.dispatch(event, now, ctx);
    }

    /// Hands `event` to the flow and carries out what it says.
    pub(super) fn dispatch(&mut self, event: Event, now: Instant, ctx: &egui::Context) {
        if matches!(event, Event::Submit(_)) {
            self.form_error = None;
            self.notice = None;
        }
        for command in self.flow.handle(event, now) {
            self.run_command(command, now);
        }
        self.refresh_qr_texture(ctx);
        self.publish_screen();
    }

    /// The QR's texture follows the screen: made when a QR shows, dropped (off the GPU) as soon
    /// as it leaves.
    fn refresh_qr_texture(&mut self, ctx: &egui::Context) {
        let Screen::ShowingQr(shown) = self.flow.screen() else {
            self.qr_texture = None;
            return;
        };
        if self.qr_texture.as_ref().map(|(p, _)| p) == Some(&shown.qr.grant.payload) {
            return;
        }
        // The gateway's own picture where it sent one (already read back and checked), else the
        // modules drawn here, each a whole number of pixels.
        let (image, options) = match &shown.qr.grant.picture {
            Some(picture) => (
                egui::ColorImage::from_rgba_unmultiplied(picture.size(), picture.rgba()),
                TextureOptions::LINEAR,
            ),
            None => {
                let size = shown.qr.matrix.size();
                let luma = shown.qr.matrix.luma_bytes();
                (
                    egui::ColorImage::from_gray([size, size], &luma),
                    TextureOptions::NEAREST,
                )
            }
        };
        let texture = ctx.load_texture("payment-qr", image, options);
        self.qr_texture = Some((shown.qr.grant.payload.clone(), texture));
    }

    /// The texture of the QR on screen, if it is the one for that QR.
    pub(super) fn shown_qr_texture(&self) -> Option<&TextureHandle> {
        let Screen::ShowingQr(shown) = self.flow.screen() else {
            return None;
        };
        self.qr_texture
            .as_ref()
            .filter(|(payload, _)| *payload == shown.qr.grant.payload)
            .map(|(_, texture)| texture)
    }

    fn run_command(&mut self, command: Command, now: Instant) {
        match command {
            Command::Record(record) => {
                self.publish_record(&record);
                self.last_receipt = self
                    .journal
                    .as_ref()
                    .map(|journal| journal.record(record, self.clock.now_utc()));
            }
            Command::RequestQr { sale, attempt } => {
                let request = QrRequest {
                    sale,
                    attempt,
                    requested_at: now,
                    expected_payee_vpa: self.expected_payee_vpa.clone(),
                    recorded: self.last_receipt.take(),
                };
                let gateway = self.gateway.clone();
                let outbox = self.outbox.clone();
                self.request = Some(worker::spawn_request(
                    &self.runtime,
                    gateway,
                    request,
                    outbox,
                ));
            }
            Command::StopRequest => self.request = None,
            Command::Watch {
                sale,
                expires_in,
                grace,
            } => {
                let watched = WatchedSale::shown(sale, self.clock.now_utc(), expires_in, grace);
                self.watcher.watch(self.gateway.clone(), watched);
            }
            Command::Play(cue) => self.play(cue),
            Command::ClearForm => {
                self.form = SaleForm::default();
                self.form_error = None;
            }
            Command::FocusAmount => self.focus_amount = true,
            Command::Notice(text) => self.notice = Some(text),
        }
    }

    /// Plays `cue` at the configured volume, unless the till is muted; a payment is then also
    /// said out loud (when the voice is on).
    fn play(&self, cue: Cue) {
        if self.config.sound_volume > 0 {
            (self.sounds)(cue, self.config.sound_volume);
            self.announce(cue);
        }
    }

    /// "₹500 received" in the customer's first language, after the chime: for the sale on
    /// screen, or for the earlier sale a late payment was for (said as such).
    fn announce(&self, cue: Cue) {
        // Training money is not money: nothing is said that a listener could take for a payment.
        if !self.config.voice || self.gateway.is_training() {
            return;
        }
        let (amount, earlier) = match (cue, self.flow.screen()) {
            (Cue::Paid, Screen::Paid { sale, .. }) => (sale.amount, false),
            (Cue::LatePaid, _) => match self.flow.notices().last() {
                Some(notice) => (notice.sale.amount, true),
                None => return,
            },
            _ => return,
        };
        let language = self.languages().first().copied().unwrap_or_default();
        let volume = self.config.sound_volume;
        self.say_received(
            amount,
            earlier,
            (language, volume),
            crate::speech::AFTER_CHIME,
        );
    }

    /// Says a sample announcement in `language` at `volume`, at once (the panel's Test voice).
    pub(super) fn test_voice(&self, language: crate::domain::Language, volume: u8) {
        let sample = crate::domain::Paise::new(125_050);
        self.say_received(sample, false, (language, volume.max(1)), Duration::ZERO);
    }

    /// Hands "`amount` received" (of an `earlier` sale or not), in a language at a volume, to
    /// the voice, to be said `after` a while.
    fn say_received(
        &self,
        amount: crate::domain::Paise,
        earlier: bool,
        (language, volume): (crate::domain::Language, u8),
        after: Duration,
    ) {
        if let Some(text) = crate::i18n::announcement(amount, language, earlier) {
            (self.voice)(crate::speech::Announcement {
                text,
                language,
                volume,
                after,
            });
        }
    }

    /// The late-payment notices, on every screen, until each is acknowledged.
    pub(super) fn notices_ui(&mut self, ui: &mut Ui, now: Instant) {
        if self.flow.notices().is_empty() {
            return;
        }
        let offset = self
            .journal
            .as_ref()
            .map_or(time::UtcOffset::UTC, |j| j.journal().offset());
        let notices = self.flow.notices().to_vec();
        let acknowledged = egui::Panel::top("late_notices")
            .show(ui, |ui| notices::notices_ui(ui, &notices, offset))
            .inner;
        if acknowledged {
            let ctx = ui.ctx().clone();
            self.dispatch(Event::Acknowledge, now, &ctx);
        }
    }

    /// Draw again only when something on screen will change: the countdown each whole second,
    /// the Paid screen when it times out. The spinner asks for its own frames while waiting.
    pub(super) fn schedule_repaint(&self, ctx: &egui::Context, now: Instant) {
        match self.flow.screen() {
            Screen::ShowingQr(shown) => {
                let remaining = shown.remaining(now);
                let into_second = Duration::from_nanos(u64::from(remaining.subsec_nanos()));
                let wait = if into_second.is_zero() {
                    Duration::from_secs(1)
                } else {
                    into_second
                };
                ctx.request_repaint_after(wait);
            }
            Screen::Paid { since, .. } => {
                let end = since.checked_add(PAID_SCREEN_TIME).unwrap_or(now);
                ctx.request_repaint_after(end.saturating_duration_since(now));
            }
            Screen::Expired {
                watched_until: Some(until),
                ..
            } if *until > now => {
                // The "still checking" line goes when the watch does.
                ctx.request_repaint_after(until.saturating_duration_since(now));
            }
            _ => {}
        }
    }
}
