//! The counter window: a thin shell over the [`crate::flow`] state machine. Each frame,
//! [`CounterApp::logic_pass`] takes in what happened off the UI thread and moves the clock
//! (eframe runs it even while the window is hidden or minimised, so a QR still expires on time),
//! and [`CounterApp::show`] draws the sale's screen or an [`Overlay`] over it. Gateway calls,
//! the journal, the keyring and the disk are reached only through [`worker`] and the payment
//! [`Watcher`], whose results come back through one event channel. Where each part lives:
//! `sale` (the sale's screens and the flow's commands), `keys`, `panels` (settings and
//! history), `customer` (the customer's window), `notices` (late payments).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use egui::{TextureHandle, Ui};

mod api;
mod customer;
mod display;
pub mod history;
mod keys;
mod notices;
mod panels;
pub mod run;
mod sale;
pub mod settings;
pub mod style;
mod views;
pub mod worker;

use crate::clock::SharedClock;
use crate::config::{Config, CustomerDisplay};
use crate::domain::{FormError, Language, SaleForm, Script};
use crate::flow::{self, Flow, FlowSettings, Screen};
use crate::gateway::Gateway;
use crate::journal::{self, Receipt};
use crate::secrets::SecretError;
use crate::sound::SoundOut;
use crate::watch::Watcher;
use history::HistoryPanel;
use settings::{SecretsOpener, SettingsPanel};
use worker::{AppEvent, Outbox};

pub use views::format_countdown;

/// How the window starts.
#[derive(Clone)]
pub struct AppOptions {
    /// A line shown above every screen, e.g. a settings problem and how to fix it.
    pub banner: Option<String>,
    /// The window was opened full-screen (so F11 first leaves full screen).
    pub fullscreen: bool,
    /// The shop's own VPA: a QR that pays anyone else is refused.
    pub expected_payee_vpa: Option<String>,
    /// The settings in force.
    pub config: Config,
    /// Where the settings panel saves them; `None`: the panel cannot save.
    pub config_path: Option<PathBuf>,
    /// Why the settings file on disk could not be read, if it could not: the panel then refuses to
    /// overwrite it.
    pub config_problem: Option<String>,
    pub secrets: SecretsOpener,
    /// Where the paid chime and the expired tone go.
    pub sounds: SoundOut,
    /// Where the spoken "₹500 received" goes.
    pub voice: crate::speech::VoiceOut,
    /// Whether a speech engine was found (the settings panel says so when not).
    pub voice_found: bool,
    /// The sales journal; `None`: sales are not recorded (tests that do not look at it).
    pub journal: Option<journal::Writer>,
    /// Where the autostart entry goes, and the program it starts; `None`: no autostart choice.
    pub autostart: Option<(PathBuf, PathBuf)>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            banner: None,
            fullscreen: false,
            expected_payee_vpa: None,
            config: Config::default(),
            config_path: None,
            config_problem: None,
            secrets: Arc::new(|| Err(SecretError::Unreachable("no keyring configured".into()))),
            sounds: crate::sound::silent(),
            voice: crate::speech::silent(),
            voice_found: false,
            journal: None,
            autostart: None,
        }
    }
}

/// What covers the sale's screen, with the way back: Esc closes it and the sale's screen (which
/// went on underneath) is there again.
pub enum Overlay {
    None,
    Settings(Box<SettingsPanel>),
    History(Box<HistoryPanel>),
}

/// The flow's settings for a gateway and the settings file.
fn flow_settings(gateway: &dyn Gateway, config: &Config) -> FlowSettings {
    FlowSettings {
        provider: gateway.id(),
        confirms_payment: gateway.confirms_payment(),
        grace: Duration::from_secs(config.late_payment_grace_secs),
    }
}

/// The shop's logo: the path it is for, and its texture once read.
struct Logo {
    path: String,
    texture: Option<TextureHandle>,
}

/// The whole counter app.
pub struct CounterApp {
    gateway: Arc<dyn Gateway>,
    runtime: tokio::runtime::Handle,
    clock: SharedClock,
    flow: Flow,
    form: SaleForm,
    form_error: Option<FormError>,
    notice: Option<String>,
    banner: Option<String>,
    expected_payee_vpa: Option<String>,
    outbox: Outbox,
    events_rx: Receiver<AppEvent>,
    /// Events that arrived while a test waited for one, handled with the next frame.
    waiting: Vec<AppEvent>,
    /// The QR request in flight; dropping it cancels it.
    request: Option<worker::Task>,
    /// The receipt of the last record written: the next QR request waits for it.
    last_receipt: Option<Receipt>,
    /// The watch over every sale whose payment may still arrive.
    watcher: Watcher,
    /// The texture of the QR on screen, with the payload it shows.
    qr_texture: Option<(String, TextureHandle)>,
    focus_amount: bool,
    fullscreen: bool,
    config: Config,
    config_path: Option<PathBuf>,
    config_problem: Option<String>,
    secrets: SecretsOpener,
    overlay: Overlay,
    logo: Option<Logo>,
    sounds: SoundOut,
    voice: crate::speech::VoiceOut,
    voice_found: bool,
    journal: Option<journal::Writer>,
    autostart: Option<(PathBuf, PathBuf)>,
    /// Where the customer's window last was (top-left, in points), to remember it.
    customer_position: Option<egui::Pos2>,
    /// Where each recent sale stands, for the sales API.
    board: crate::api::SaleBoard,
    /// The sale of each bill the API sold in this session (the journal's writes trail it).
    api_bills: std::collections::HashMap<String, crate::domain::Sale>,
    /// The QR on screen and its end on the wall clock, fixed when it shows.
    qr_expiry: Option<(String, time::OffsetDateTime)>,
    /// The scripts whose fonts are loaded (besides Latin).
    fonts: BTreeSet<Script>,
    /// Painted by glow (OpenGL): the customer's window is cleared to its background colour by
    /// a GL clear instead of a window-sized filled rectangle.
    glow: bool,
}

impl CounterApp {
    /// An app selling through `gateway`, running its background work on `runtime`, timed by
    /// `clock`. The payment watch picks up, from the journal, the sales whose payment may still
    /// arrive.
    pub fn new(
        gateway: Arc<dyn Gateway>,
        runtime: tokio::runtime::Handle,
        clock: SharedClock,
        options: AppOptions,
    ) -> Self {
        let (events_tx, events_rx) = channel();
        let outbox = Outbox::new(events_tx);
        let watcher = Watcher::new(runtime.clone(), clock.clone(), outbox.watch_report());
        if let Some(writer) = &options.journal {
            worker::resume_watch(
                &runtime,
                writer,
                gateway.clone(),
                watcher.clone(),
                clock.clone(),
            );
        }
        Self {
            flow: Flow::new(flow_settings(gateway.as_ref(), &options.config)),
            gateway,
            runtime,
            clock,
            form: SaleForm::default(),
            form_error: None,
            notice: None,
            banner: options.banner,
            expected_payee_vpa: options.expected_payee_vpa,
            outbox,
            events_rx,
            waiting: Vec::new(),
            request: None,
            last_receipt: None,
            watcher,
            qr_texture: None,
            focus_amount: true,
            fullscreen: options.fullscreen,
            config: options.config,
            config_path: options.config_path,
            config_problem: options.config_problem,
            secrets: options.secrets,
            overlay: Overlay::None,
            logo: None,
            sounds: options.sounds,
            voice: options.voice,
            voice_found: options.voice_found,
            journal: options.journal,
            autostart: options.autostart,
            customer_position: None,
            board: crate::api::SaleBoard::default(),
            api_bills: std::collections::HashMap::new(),
            qr_expiry: None,
            fonts: BTreeSet::new(),
            glow: false,
        }
    }

    /// Adds a line to the banner shown above every screen.
    pub fn add_banner(&mut self, text: String) {
        self.banner = Some(match self.banner.take() {
            Some(banner) => format!("{banner} {text}"),
            None => text,
        });
    }

    /// Where the sales API hands its calls: this window's event channel.
    pub fn api_till(&self) -> crate::api::Till {
        let outbox = self.outbox.clone();
        std::sync::Arc::new(move |call| outbox.send(AppEvent::Api(call)))
    }

    /// The sales board this window publishes, for the sales API.
    pub fn board(&self) -> crate::api::SaleBoard {
        self.board.clone()
    }

    /// Installs fonts and style; call once on the window's context.
    pub fn install_style(ctx: &egui::Context) {
        style::install(ctx);
    }

    /// The screen on show (for tests and diagnostics).
    pub fn screen(&self) -> &Screen {
        self.flow.screen()
    }

    /// Late payments the cashier has not acknowledged yet, oldest first.
    pub fn late_notices(&self) -> &[flow::LateNotice] {
        self.flow.notices()
    }

    /// The history screen, while it is open (for tests and diagnostics).
    pub fn history(&self) -> Option<&HistoryPanel> {
        match &self.overlay {
            Overlay::History(panel) => Some(panel),
            _ => None,
        }
    }

    /// The settings panel, while it is open (for tests and diagnostics).
    pub fn settings(&self) -> Option<&SettingsPanel> {
        match &self.overlay {
            Overlay::Settings(panel) => Some(panel),
            _ => None,
        }
    }

    /// The watch over open sales (for tests and diagnostics).
    pub fn watcher(&self) -> &Watcher {
        &self.watcher
    }

    /// Blocks until background work reports something, or `timeout` passes; what arrived is
    /// handled with the next frame. For tests, which wait for an event instead of sleeping.
    pub fn wait_for_background(&mut self, timeout: Duration) -> bool {
        match self.events_rx.recv_timeout(timeout) {
            Ok(event) => {
                self.waiting.push(event);
                true
            }
            Err(_) => false,
        }
    }

    /// The frame's logic, drawn or not: what happened off the UI thread, then the clock's tick,
    /// then when to come back. While the cashier's window is hidden this still runs (eframe's
    /// `App::logic`). It asks for no drawing of a hidden window: with the customer's window in
    /// view eframe runs the ui anyway and draws that window alone (so the customer never sees a
    /// QR past its expiry); the cashier's is drawn again when it is shown. Asking for it would
    /// paint an unseen window, and every ask is itself a request to paint again: a loop.
    pub fn logic_pass(&mut self, ctx: &egui::Context) {
        self.outbox.set_context(ctx);
        let arrived: Vec<AppEvent> = std::mem::take(&mut self.waiting)
            .into_iter()
            .chain(self.events_rx.try_iter())
            .collect();
        for event in arrived {
            self.take_event(event, ctx);
        }
        let now = self.clock.now();
        self.dispatch(flow::Event::Tick, now, ctx);
        self.load_fonts(ctx);
        self.schedule_repaint(ctx, now);
    }

    /// The languages the customer reads, in order.
    fn languages(&self) -> &[Language] {
        &self.config.customer_languages
    }

    /// The languages of what the customer reads in this window: theirs when it is the one
    /// window turned to them, the cashier's when they have a window of their own.
    fn one_window_languages(&self) -> &[Language] {
        match self.config.customer_display {
            CustomerDisplay::SameWindow => self.languages(),
            CustomerDisplay::SecondWindow => views::CASHIER,
        }
    }

    /// The scripts on screen now: the customer's languages, and any script typed or received in
    /// a name (the customer's, the shop's, the payee's). The settings and the history screens
    /// may show any of them (languages by their own names, customers' names).
    fn scripts_on_screen(&self) -> BTreeSet<Script> {
        if !matches!(self.overlay, Overlay::None) {
            return Script::INDIC.into_iter().collect();
        }
        let mut scripts: BTreeSet<Script> = self
            .languages()
            .iter()
            .map(|l| l.script())
            .filter(|s| *s != Script::Latin)
            .collect();
        let screen = self.flow.screen();
        let names = [
            Some(self.form.customer.name.as_str()),
            Some(self.config.shop_name.as_str()),
            screen.sale().and_then(|sale| sale.customer.name.as_deref()),
            match screen {
                Screen::ShowingQr(shown) => Some(shown.qr.payee_name()),
                _ => None,
            },
        ];
        for name in names.into_iter().flatten() {
            scripts.extend(Script::in_text(name));
        }
        scripts
    }

    /// Loads the fonts of the scripts on screen, and only those: a change is drawn from the next
    /// frame, which is asked for at once.
    fn load_fonts(&mut self, ctx: &egui::Context) {
        let wanted = self.scripts_on_screen();
        if wanted != self.fonts {
            style::set_fonts(ctx, &wanted);
            self.fonts = wanted;
            ctx.request_repaint();
        }
    }

    /// One event from off the UI thread.
    fn take_event(&mut self, event: AppEvent, ctx: &egui::Context) {
        match event {
            AppEvent::Flow(event) => {
                let now = self.clock.now();
                self.dispatch(*event, now, ctx);
            }
            AppEvent::History(update) => {
                // A payment the history's Check found: the API's board hears of it too.
                for paid in update.records.iter().flatten() {
                    if paid.outcome == crate::domain::Outcome::Paid {
                        self.board
                            .set_status(&paid.reference, crate::api::SaleStatus::Paid);
                    }
                }
                if let Overlay::History(panel) = &mut self.overlay {
                    panel.update(update);
                }
            }
            AppEvent::PanelState { secrets, autostart } => {
                if let Overlay::Settings(panel) = &mut self.overlay {
                    panel.secret_status = secrets;
                    panel.form.autostart = autostart;
                }
            }
            AppEvent::SettingsSaved(result) => self.settings_saved(result),
            AppEvent::Logo { path, picture } => self.logo_loaded(ctx, path, picture),
            AppEvent::Notice(text) => self.notice = Some(text),
            AppEvent::Api(call) => {
                let now = self.clock.now();
                self.api_call(call, now, ctx);
            }
        }
    }

    /// Draws one frame: the strips every screen has, then the sale's screen or the overlay.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        style::narrow_font_atlas(&ctx);
        let now = self.clock.now();
        self.handle_global_keys(&ctx);
        self.strips_ui(ui);
        self.notices_ui(ui, now);
        match &self.overlay {
            Overlay::Settings(_) => self.settings_frame(ui, &ctx),
            Overlay::History(_) => self.history_frame(ui, &ctx),
            Overlay::None => self.sale_frame(ui, &ctx, now),
        }
        if self.config.customer_display == CustomerDisplay::SecondWindow {
            self.customer_window(&ctx, now);
        }
    }

    /// The training strips, and the banner (a settings problem) or the training hint.
    fn strips_ui(&self, ui: &mut Ui) {
        let training = self.gateway.is_training();
        if training {
            let languages = self.one_window_languages();
            egui::Panel::top("training_top").show(ui, |ui| views::training_strip_ui(ui, languages));
            egui::Panel::bottom("training_bottom")
                .show(ui, |ui| views::training_strip_ui(ui, languages));
        }
        if let Some(banner) = &self.banner {
            egui::Panel::top("banner").show(ui, |ui| {
                ui.label(egui::RichText::new(banner).color(style::FAILED_RED));
            });
        } else if training && matches!(self.flow.screen(), Screen::Entry) {
            egui::Panel::top("training_hint").show(ui, |ui| {
                ui.label(
                    "Training mode: no money moves. To take real payments, open Settings (F2) \
                     and choose a payment provider.",
                );
            });
        }
    }
}

impl eframe::App for CounterApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.logic_pass(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        // egui's own timing of the last frame (the ui and its painting, swaps excluded), for
        // `RUST_LOG=counterqr::frame=debug`.
        match frame.info().cpu_usage {
            Some(seconds) => {
                tracing::debug!(target: "counterqr::frame", "last frame {:.2} ms", seconds * 1000.0);
            }
            // The bench times launch -> first frame by this line (egui may run the first frame's
            // ui twice, to size it; it is said once).
            None if ui.ctx().cumulative_pass_nr() == 0 => {
                tracing::info!("drawing the first frame");
            }
            None => {}
        }
        self.show(ui);
    }

    /// The window is cleared to the panels' background, and the central panels draw no fill of
    /// their own (see [`style::central_panel`]).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.watcher.stop_all();
    }
}
