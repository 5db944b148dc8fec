//! The counter window: the screens of a sale, driven by the keyboard, over the [`flow`] state
//! machine. Gateway calls, the journal and the payment watch run off the UI thread ([`worker`],
//! [`Watcher`]); their results come back through one event channel.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use egui::{Key, TextureHandle, TextureOptions, Ui};

mod customer;
pub mod history;
mod notices;
pub mod run;
pub mod settings;
pub mod style;
mod views;
pub mod worker;

use crate::clock::SharedClock;
use crate::config::{Config, CustomerDisplay};
use crate::domain::{FormError, SaleForm, Source};
use crate::flow::{self, Command, Event, Flow, FlowSettings, PAID_SCREEN_TIME, Screen};
use crate::gateway::{self, Gateway};
use crate::journal::{self, Receipt};
use crate::secrets::{Secret, SecretError, SecretName, SecretStore};
use crate::sell::QrRequest;
use crate::setup;
use crate::sound::{Cue, SoundOut};
use crate::watch::{WatchedSale, Watcher};
use customer::CustomerView;
use history::{HistoryAction, HistoryPanel};
use settings::{Field, FieldError, PanelAction, SettingsForm, SettingsPanel};
use views::{EntryView, QrView, UiAction};
use worker::{AppEvent, Outbox};

pub use views::format_countdown;

/// Opens the secret store (the OS keyring in the app); called when the settings need it.
pub type SecretsOpener = Arc<dyn Fn() -> Result<Arc<dyn SecretStore>, SecretError> + Send + Sync>;

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
            journal: None,
            autostart: None,
        }
    }
}

/// The flow's settings for a gateway and the settings file.
fn flow_settings(gateway: &dyn Gateway, config: &Config) -> FlowSettings {
    FlowSettings {
        provider: gateway.id(),
        confirms_payment: gateway.confirms_payment(),
        grace: Duration::from_secs(config.late_payment_grace_secs),
        source: Source::Window,
    }
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
    /// The settings panel, while it is open (the sale's screen waits underneath).
    settings: Option<SettingsPanel>,
    /// The shop's logo as loaded from `config.shop_logo` (the path it came from, and the texture
    /// if the file could be read).
    logo: Option<(String, Option<TextureHandle>)>,
    sounds: SoundOut,
    journal: Option<journal::Writer>,
    autostart: Option<(PathBuf, PathBuf)>,
    /// Where the customer's window last was (top-left, in points), to remember it.
    customer_position: Option<egui::Pos2>,
    /// The history screen, while it is open.
    history: Option<HistoryPanel>,
}

impl CounterApp {
    /// An app selling through `gateway`, running its background work on `runtime`.
    /// The payment watch picks up, from the journal, the sales whose payment may still arrive.
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
            settings: None,
            logo: None,
            sounds: options.sounds,
            journal: options.journal,
            autostart: options.autostart,
            customer_position: None,
            history: None,
        }
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
        self.history.as_ref()
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

    /// Handles every event that came in since the last frame, then the clock's tick.
    fn drain_events(&mut self, ctx: &egui::Context) {
        self.outbox.set_context(ctx);
        let now = self.clock.now();
        let arrived: Vec<AppEvent> = std::mem::take(&mut self.waiting)
            .into_iter()
            .chain(self.events_rx.try_iter())
            .collect();
        for event in arrived {
            match event {
                AppEvent::Flow(event) => self.dispatch(*event, now, ctx),
                AppEvent::History(update) => {
                    if let Some(panel) = &mut self.history {
                        panel.update(update);
                    }
                }
            }
        }
        self.dispatch(Event::Tick, now, ctx);
    }

    /// Draws one frame and handles everything that happened since the last.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.drain_events(&ctx);
        let now = self.clock.now();
        self.handle_global_keys(&ctx);

        let training = self.gateway.is_training();
        if training {
            egui::Panel::top("training_top").show(ui, views::training_strip_ui);
            egui::Panel::bottom("training_bottom").show(ui, views::training_strip_ui);
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
        self.notices_ui(ui, now);
        if self.settings.is_some() {
            self.settings_frame(ui, &ctx);
        } else if self.history.is_some() {
            self.history_frame(ui, &ctx);
        } else {
            // Only when the panel is closed: typing a P into a settings field is not "Mark paid".
            let key_action = self.screen_keys(&ctx);
            let drawn_action = egui::CentralPanel::default_margins()
                .show(ui, |ui| self.screen_ui(ui, now))
                .inner;
            if let Some(action) = key_action.or(drawn_action) {
                self.apply_action(action, now, &ctx);
            }
        }
        if self.config.customer_display == CustomerDisplay::SecondWindow {
            self.customer_window(&ctx, now);
        }
        self.schedule_repaint(&ctx, now);
    }

    /// The customer's own window (a second viewport), for a monitor facing the customer. Its
    /// close button is ignored: only the settings take it away.
    fn customer_window(&mut self, ctx: &egui::Context, now: Instant) {
        let mut builder = egui::ViewportBuilder::default()
            .with_title("counterqr — customer display")
            .with_app_id("counterqr-customer")
            .with_inner_size([1024.0, 720.0])
            .with_fullscreen(self.config.customer_window_fullscreen);
        if let Some([x, y]) = self.config.customer_window_position {
            builder = builder.with_position([x as f32, y as f32]);
        }
        let logo = self.logo(ctx);
        let qr = self.shown_qr_texture().cloned();
        let view = CustomerView {
            screen: self.flow.screen(),
            now,
            shop_name: &self.config.shop_name,
            logo: logo.as_ref(),
            qr: qr.as_ref(),
            training: self.gateway.is_training(),
        };
        let id = egui::ViewportId::from_hash_of("counterqr-customer");
        let placed = ctx.show_viewport_immediate(id, builder, |ui, _class| {
            if ui.ctx().input(|i| i.viewport().close_requested()) {
                ui.ctx()
                    .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            }
            egui::CentralPanel::default_margins().show(ui, |ui| customer::customer_ui(ui, &view));
            ui.ctx().input(|i| i.viewport().outer_rect).map(|r| r.min)
        });
        self.customer_position = placed.or(self.customer_position);
    }

    /// F10: the customer's window fills its monitor (or stops), and where it is is remembered in
    /// the settings file, so it opens there tomorrow.
    fn toggle_customer_fullscreen(&mut self) {
        let mut config = self.config.clone();
        config.customer_window_fullscreen = !config.customer_window_fullscreen;
        if let Some(at) = self.customer_position {
            config.customer_window_position = Some([at.x.round() as i32, at.y.round() as i32]);
        }
        let saved = match &self.config_path {
            Some(path) if self.config_problem.is_none() => {
                config.save(path).map_err(|e| e.to_string())
            }
            _ => Err("the settings file cannot be written".to_owned()),
        };
        let state = if config.customer_window_fullscreen {
            "full screen"
        } else {
            "a window"
        };
        self.notice = Some(match saved {
            Ok(()) => format!("Customer display: {state}, remembered for the next start."),
            Err(e) => format!("Customer display: {state} (not remembered: {e})."),
        });
        self.config = config;
    }

    /// The settings panel in place of the sale's screen; Esc closes it, Ctrl+S saves.
    fn settings_frame(&mut self, ui: &mut Ui, ctx: &egui::Context) {
        let key = |modifiers, key| ctx.input_mut(|i| i.consume_key(modifiers, key));
        let key_action = if key(egui::Modifiers::NONE, Key::Escape) {
            Some(PanelAction::Close)
        } else if key(egui::Modifiers::COMMAND, Key::S) {
            Some(PanelAction::Save)
        } else {
            None
        };
        let drawn = egui::CentralPanel::default_margins()
            .show(ui, |ui| {
                self.settings
                    .as_mut()
                    .and_then(|panel| settings::settings_ui(ui, panel))
            })
            .inner;
        match key_action.or(drawn) {
            Some(PanelAction::Close) => self.close_settings(),
            Some(PanelAction::Save) => self.save_settings(),
            None => {}
        }
    }

    /// The history screen in place of the sale's screen; Esc closes it.
    fn history_frame(&mut self, ui: &mut Ui, ctx: &egui::Context) {
        let escape = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape));
        let can_ask = self.gateway.confirms_payment();
        let drawn = egui::CentralPanel::default_margins()
            .show(ui, |ui| {
                self.history
                    .as_mut()
                    .and_then(|panel| history::history_ui(ui, panel, can_ask))
            })
            .inner;
        let action = if escape {
            Some(HistoryAction::Close)
        } else {
            drawn
        };
        let (Some(action), Some(panel), Some(writer)) =
            (action, self.history.as_mut(), self.journal.as_ref())
        else {
            return;
        };
        let outbox = self.outbox.clone();
        match action {
            HistoryAction::Close => {
                self.history = None;
                self.focus_amount = matches!(self.flow.screen(), Screen::Entry);
            }
            HistoryAction::ShowTyped => match panel.typed_day() {
                Ok(day) => {
                    panel.loading(day);
                    worker::load_history(writer, &self.runtime, day, outbox);
                }
                Err(problem) => panel.problem = Some(problem),
            },
            HistoryAction::Step(days) => match panel.step(days) {
                Some(day) => worker::load_history(writer, &self.runtime, day, outbox),
                None => panel.problem = Some("There is no day beyond that one.".to_owned()),
            },
            HistoryAction::Check(reference) => {
                panel.asking(Some(reference.clone()));
                let ask = worker::Ask::Sale(reference);
                let gateway = self.gateway.clone();
                worker::ask_gateway(writer, &self.runtime, gateway, panel.day, ask, outbox);
            }
            HistoryAction::Reconcile => {
                panel.asking(None);
                let gateway = self.gateway.clone();
                let day = panel.day;
                worker::ask_gateway(
                    writer,
                    &self.runtime,
                    gateway,
                    day,
                    worker::Ask::Day,
                    outbox,
                );
            }
        }
    }

    /// Opens the history screen on today; the day is read off the UI thread.
    fn open_history(&mut self) {
        if let Some(writer) = &self.journal {
            let today = writer.journal().today(self.clock.now_utc());
            self.history = Some(HistoryPanel::open(today, writer.journal().offset()));
            worker::load_history(writer, &self.runtime, today, self.outbox.clone());
        }
    }

    /// Opens the panel on the settings in force; reads which secrets are set (never their values).
    fn open_settings(&mut self) {
        let secret_status = (self.secrets)()
            .and_then(|store| store.status())
            .map_err(|e| e.to_string());
        let path_text = self.config_path.as_ref().map_or_else(
            || "(no settings file: changes cannot be saved)".to_owned(),
            |p| p.display().to_string(),
        );
        let mut form = SettingsForm::from_config(&self.config);
        form.autostart = self
            .autostart
            .as_ref()
            .map(|(path, _)| crate::autostart::is_enabled(path));
        self.settings = Some(SettingsPanel {
            form,
            errors: Vec::new(),
            secret_status,
            path_text,
            file_problem: self.config_problem.clone(),
        });
    }

    fn close_settings(&mut self) {
        self.settings = None;
        self.focus_amount = matches!(self.flow.screen(), Screen::Entry);
    }

    /// Saves the panel's settings, or shows what is wrong and changes nothing.
    fn save_settings(&mut self) {
        let Some(panel) = &self.settings else { return };
        match self.try_save(&panel.form) {
            Ok((config, gateway)) => {
                self.expected_payee_vpa = setup::expected_payee_vpa(&config);
                self.flow
                    .set_settings(flow_settings(gateway.as_ref(), &config));
                self.gateway = gateway;
                self.config = config;
                self.banner = None;
                self.config_problem = None;
                self.notice = Some("Settings saved.".to_owned());
                self.close_settings();
            }
            Err(errors) => {
                if let Some(panel) = &mut self.settings {
                    panel.errors = errors;
                    panel.form.pin.clear();
                }
            }
        }
    }

    /// Checks the form, the manager PIN where the change needs it, and that the new settings make
    /// a working gateway; then stores the secrets and writes the file.
    fn try_save(&self, form: &SettingsForm) -> Result<(Config, Arc<dyn Gateway>), Vec<FieldError>> {
        let whole = |message: String| {
            vec![FieldError {
                field: Field::Whole,
                message,
            }]
        };
        let path = self
            .config_path
            .as_ref()
            .ok_or_else(|| whole("There is no settings file to save to.".to_owned()))?;
        let config = form.to_config(&self.config)?;
        let secrets_changed = form.changed_secrets().next().is_some();
        let guarded = settings::needs_pin(&self.config, &config, secrets_changed);
        if guarded {
            let store = (self.secrets)().map_err(|e| {
                whole(format!(
                    "{e} The manager PIN cannot be checked, so payment settings cannot change."
                ))
            })?;
            check_manager_pin(store.as_ref(), &form.pin)?;
        }
        let gateway = setup::gateway_from_config(&config, &*self.secrets, self.clock.clone())
            .map_err(|e| whole(e.to_string()))?;
        if secrets_changed {
            let store = (self.secrets)().map_err(|e| whole(e.to_string()))?;
            for (name, value) in form.changed_secrets() {
                store.set(name, &Secret::new(value)).map_err(|e| {
                    vec![FieldError {
                        field: Field::Secret(name),
                        message: e.to_string(),
                    }]
                })?;
            }
        }
        config.save(path).map_err(|e| whole(e.to_string()))?;
        if let (Some(wanted), Some((entry, program))) = (form.autostart, &self.autostart)
            && wanted != crate::autostart::is_enabled(entry)
        {
            let changed = if wanted {
                crate::autostart::enable(entry, program)
            } else {
                crate::autostart::disable(entry)
            };
            changed.map_err(|e| {
                whole(format!(
                    "The settings were saved, but the autostart entry {} could not be changed: {e}",
                    entry.display()
                ))
            })?;
        }
        Ok((config, gateway))
    }

    /// F11 toggles full screen on every screen; F2 or Ctrl+, opens the settings; F4 acknowledges
    /// the oldest late-payment notice.
    fn handle_global_keys(&mut self, ctx: &egui::Context) {
        let key = |modifiers, key| ctx.input_mut(|i| i.consume_key(modifiers, key));
        if !self.flow.notices().is_empty() && key(egui::Modifiers::NONE, notices::ACKNOWLEDGE_KEY) {
            let now = self.clock.now();
            self.dispatch(Event::Acknowledge, now, ctx);
        }
        if key(egui::Modifiers::NONE, Key::F11) {
            self.fullscreen = !self.fullscreen;
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.fullscreen));
        }
        if self.config.customer_display == CustomerDisplay::SecondWindow
            && key(egui::Modifiers::NONE, Key::F10)
        {
            self.toggle_customer_fullscreen();
        }
        let settings_key =
            key(egui::Modifiers::NONE, Key::F2) || key(egui::Modifiers::COMMAND, Key::Comma);
        if settings_key && self.settings.is_none() {
            self.open_settings();
        }
    }

    /// The keys each screen answers to. Keys are consumed before the widgets see them, so Enter in
    /// the amount field submits instead of leaving the field.
    fn screen_keys(&self, ctx: &egui::Context) -> Option<UiAction> {
        let pressed = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
        match self.flow.screen() {
            Screen::Entry => {
                // H opens the history unless the keyboard is in a customer field (a name may
                // hold an H).
                let free = ctx
                    .memory(|m| m.focused())
                    .is_none_or(|id| id == views::amount_field_id());
                if pressed(Key::Enter) {
                    Some(UiAction::Submit)
                } else if free && self.journal.is_some() && pressed(Key::H) {
                    Some(UiAction::OpenHistory)
                } else {
                    None
                }
            }
            Screen::Requesting { .. } => {
                pressed(Key::Enter); // a second Enter while waiting does nothing
                pressed(Key::Escape).then_some(UiAction::Back)
            }
            Screen::ShowingQr(_) => {
                let by_hand = !self.gateway.confirms_payment();
                if pressed(Key::Escape) {
                    Some(UiAction::Back)
                } else if by_hand && pressed(Key::P) {
                    Some(UiAction::MarkPaid)
                } else if by_hand && pressed(Key::N) {
                    Some(UiAction::MarkNotPaid)
                } else {
                    None
                }
            }
            Screen::Expired { .. } | Screen::Paid { .. } | Screen::Failed { .. } => {
                if pressed(Key::Enter) {
                    Some(UiAction::Confirm)
                } else {
                    pressed(Key::Escape).then_some(UiAction::Back)
                }
            }
        }
    }

    /// The logo's texture, loaded once per configured path. A file that cannot be read is logged
    /// and shown as no logo; the settings panel refuses such a file when it is chosen.
    fn logo(&mut self, ctx: &egui::Context) -> Option<TextureHandle> {
        let path = self.config.shop_logo.trim();
        if path.is_empty() {
            return None;
        }
        if self.logo.as_ref().is_none_or(|(loaded, _)| loaded != path) {
            let texture = match crate::render::load_picture(std::path::Path::new(path)) {
                Ok(picture) => Some(ctx.load_texture(
                    "shop-logo",
                    egui::ColorImage::from_rgba_unmultiplied(picture.size(), picture.rgba()),
                    TextureOptions::LINEAR,
                )),
                Err(problem) => {
                    tracing::warn!("shop logo not shown: {problem}");
                    None
                }
            };
            self.logo = Some((path.to_owned(), texture));
        }
        self.logo.as_ref().and_then(|(_, texture)| texture.clone())
    }

    fn screen_ui(&mut self, ui: &mut Ui, now: Instant) -> Option<UiAction> {
        let provider_name = self.gateway.id().display_name();
        let logo = match self.flow.screen() {
            Screen::Entry => self.logo(ui.ctx()),
            _ => None,
        };
        match self.flow.screen() {
            Screen::Entry => {
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
                };
                views::qr_ui(ui, &view)
            }
            Screen::Expired {
                sale,
                watched_until,
            } => {
                let watching = watched_until.is_some_and(|until| now < until);
                views::expired_ui(ui, sale, watching)
            }
            Screen::Paid {
                sale, how, details, ..
            } => views::paid_ui(ui, sale, *how, details),
            Screen::Failed { sale, message } => views::failed_ui(ui, sale, message),
        }
    }

    fn apply_action(&mut self, action: UiAction, now: Instant, ctx: &egui::Context) {
        let event = match action {
            UiAction::Submit => match gateway::check_form(
                self.gateway.as_ref(),
                &self.form,
                crate::reference::new_sale_ref(),
            ) {
                Ok(sale) => Event::Submit(sale),
                Err(error) => {
                    tracing::info!("entry refused: {error}");
                    self.form_error = Some(error);
                    self.focus_amount = true;
                    return;
                }
            },
            UiAction::Confirm => Event::Enter,
            UiAction::Back => Event::Escape,
            UiAction::MarkPaid => Event::MarkPaid,
            UiAction::MarkNotPaid => Event::MarkNotPaid,
            UiAction::OpenSettings => {
                self.open_settings();
                return;
            }
            UiAction::OpenHistory => {
                self.open_history();
                return;
            }
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

    fn dispatch(&mut self, event: Event, now: Instant, ctx: &egui::Context) {
        if matches!(event, Event::Submit(_)) {
            self.form_error = None;
            self.notice = None;
        }
        for command in self.flow.handle(event, now) {
            self.run_command(command, now);
        }
        if let Screen::ShowingQr(shown) = self.flow.screen()
            && self.qr_texture.as_ref().map(|(p, _)| p) != Some(&shown.qr.grant.payload)
        {
            // The gateway's own picture where it sent one (already read back and checked),
            // else the modules drawn here.
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
        } else if !matches!(self.flow.screen(), Screen::ShowingQr(_)) {
            // The QR leaves the GPU as soon as it leaves the screen.
            self.qr_texture = None;
        }
    }

    /// The texture of the QR on screen, if it is the one for that QR.
    fn shown_qr_texture(&self) -> Option<&TextureHandle> {
        let Screen::ShowingQr(shown) = self.flow.screen() else {
            return None;
        };
        self.qr_texture
            .as_ref()
            .filter(|(payload, _)| *payload == shown.qr.grant.payload)
            .map(|(_, texture)| texture)
    }

    /// The late-payment notices, on every screen, until each is acknowledged.
    fn notices_ui(&mut self, ui: &mut Ui, now: Instant) {
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

    /// Plays `cue` at the configured volume, unless the till is muted.
    fn play(&self, cue: Cue) {
        if self.config.sound_volume > 0 {
            (self.sounds)(cue, self.config.sound_volume);
        }
    }

    fn run_command(&mut self, command: Command, now: Instant) {
        match command {
            Command::Record(record) => {
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
                let since = self.clock.now_utc();
                let watch = time::Duration::try_from(expires_in.saturating_add(grace)).ok();
                let until = watch.and_then(|w| since.checked_add(w)).unwrap_or(since);
                let watched = WatchedSale {
                    sale,
                    since,
                    until,
                    resumed: false,
                };
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

    /// Repaint only when something on screen will change: the countdown each whole second, the
    /// Paid screen when it times out. The spinner asks for its own frames while waiting.
    fn schedule_repaint(&self, ctx: &egui::Context, now: Instant) {
        match self.flow.screen() {
            Screen::ShowingQr(shown) => {
                let remaining = shown.remaining(now);
                let into_second =
                    Duration::from_nanos((remaining.as_nanos() % 1_000_000_000) as u64);
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
            _ => {}
        }
    }
}

/// Refuses unless `typed` is the manager PIN, where one is set. A refusal is logged, the PIN never.
fn check_manager_pin(store: &dyn SecretStore, typed: &str) -> Result<(), Vec<FieldError>> {
    let refuse = |message: String| {
        vec![FieldError {
            field: Field::Pin,
            message,
        }]
    };
    match store.get(SecretName::ManagerPin) {
        Ok(None) => Ok(()),
        Ok(Some(pin)) if pin.expose() == typed.trim() => Ok(()),
        Ok(Some(_)) => {
            tracing::warn!("payment settings change refused: wrong manager PIN");
            Err(refuse("Wrong manager PIN: nothing was saved.".to_owned()))
        }
        Err(e) => Err(refuse(e.to_string())),
    }
}

impl eframe::App for CounterApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
