//! The overlays over the sale's screen: the settings panel and the history screen. Opening,
//! saving and reading happen off the UI thread; these only start the work and take in what it
//! found. Esc closes either and returns to the sale's screen, which went on underneath.

use egui::{Key, Ui};

use super::history::{self, HistoryAction, HistoryPanel};
use super::settings::{self, FieldError, PanelAction, SaveJob, Saved, SettingsPanel};
use super::{CounterApp, Overlay, flow_settings, style, worker};
use crate::flow::Screen;
use crate::secrets::Secret;

impl CounterApp {
    /// Closes the overlay; the keyboard goes back to the amount on the entry screen.
    fn close_overlay(&mut self) {
        self.overlay = Overlay::None;
        self.focus_amount = matches!(self.flow.screen(), Screen::Entry);
    }

    /// Opens the panel on the settings in force; which secrets are set, and whether the
    /// autostart entry is there, are read off the UI thread.
    pub(super) fn open_settings(&mut self) {
        let mut panel = SettingsPanel::open(
            &self.config,
            self.config_path.as_ref(),
            self.config_problem.clone(),
        );
        panel.voice_found = self.voice_found;
        self.overlay = Overlay::Settings(Box::new(panel));
        let entry = self.autostart.as_ref().map(|(path, _)| path.clone());
        worker::read_panel_state(
            &self.runtime,
            self.secrets.clone(),
            entry,
            self.outbox.clone(),
        );
    }

    /// The settings panel in place of the sale's screen; Esc closes it, Ctrl+S saves.
    pub(super) fn settings_frame(&mut self, ui: &mut Ui, ctx: &egui::Context) {
        let key = |modifiers, key| ctx.input_mut(|i| i.consume_key(modifiers, key));
        let key_action = if key(egui::Modifiers::NONE, Key::Escape) {
            Some(PanelAction::Close)
        } else if key(egui::Modifiers::COMMAND, Key::S) {
            Some(PanelAction::Save)
        } else {
            None
        };
        let Overlay::Settings(panel) = &mut self.overlay else {
            return;
        };
        let drawn = style::central_panel(ui)
            .show(ui, |ui| settings::settings_ui(ui, panel))
            .inner;
        if std::mem::take(&mut panel.test_voice) {
            // The form's language and volume, as typed: heard before they are saved.
            let language = panel.form.customer_language;
            let volume = panel.form.sound_volume.trim().parse().unwrap_or(70);
            self.test_voice(language, volume);
        }
        match key_action.or(drawn) {
            Some(PanelAction::Close) => self.close_overlay(),
            Some(PanelAction::Save) => self.save_settings(),
            None => {}
        }
    }

    /// Checks the form here (text only) and hands the save to a thread of its own.
    fn save_settings(&mut self) {
        let Overlay::Settings(panel) = &mut self.overlay else {
            return;
        };
        if panel.saving {
            return;
        }
        let new = match panel.form.to_config(&self.config) {
            Ok(config) => config,
            Err(errors) => {
                panel.errors = errors;
                panel.form.pin.clear();
                return;
            }
        };
        panel.errors.clear();
        panel.saving = true;
        let autostart = panel
            .form
            .autostart
            .zip(self.autostart.clone())
            .map(|(wanted, (entry, program))| (wanted, entry, program));
        let job = SaveJob {
            old: self.config.clone(),
            new,
            secrets: panel
                .form
                .changed_secrets()
                .map(|(name, value)| (name, Secret::new(value)))
                .collect(),
            pin: Secret::new(&panel.form.pin),
            path: self.config_path.clone(),
            file_problem: self.config_problem.is_some(),
            autostart,
            secrets_opener: self.secrets.clone(),
            clock: self.clock.clone(),
        };
        worker::save_settings(&self.runtime, job, self.outbox.clone());
    }

    /// What a save found: the new settings and gateway in force, or what is wrong.
    pub(super) fn settings_saved(&mut self, result: Result<Box<Saved>, Vec<FieldError>>) {
        match result {
            Ok(saved) => {
                let Saved { config, gateway } = *saved;
                self.expected_payee_vpa = crate::providers::expected_payee_vpa(&config);
                self.flow
                    .set_settings(flow_settings(gateway.as_ref(), &config));
                self.gateway = gateway;
                self.config = config;
                self.banner = None;
                self.config_problem = None;
                self.notice = Some("Settings saved.".to_owned());
                if matches!(self.overlay, Overlay::Settings(_)) {
                    self.close_overlay();
                }
            }
            Err(errors) => {
                if let Overlay::Settings(panel) = &mut self.overlay {
                    panel.saving = false;
                    panel.errors = errors;
                    panel.form.pin.clear();
                }
            }
        }
    }

    /// Opens the history screen on today; the day is read off the UI thread.
    pub(super) fn open_history(&mut self) {
        if let Some(writer) = &self.journal {
            let today = writer.journal().today(self.clock.now_utc());
            let panel = HistoryPanel::open(today, writer.journal().offset());
            self.overlay = Overlay::History(Box::new(panel));
            worker::load_history(writer, &self.runtime, today, self.outbox.clone());
        }
    }

    /// The history screen in place of the sale's screen; Esc closes it.
    pub(super) fn history_frame(&mut self, ui: &mut Ui, ctx: &egui::Context) {
        let escape = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape));
        let ask = Some(self.gateway.id()).filter(|_| self.gateway.confirms_payment());
        let Overlay::History(panel) = &mut self.overlay else {
            return;
        };
        let drawn = style::central_panel(ui)
            .show(ui, |ui| history::history_ui(ui, panel, ask))
            .inner;
        let action = if escape {
            Some(HistoryAction::Close)
        } else {
            drawn
        };
        if let Some(action) = action {
            self.history_action(action);
        }
    }

    fn history_action(&mut self, action: HistoryAction) {
        let (Overlay::History(panel), Some(writer)) = (&mut self.overlay, &self.journal) else {
            return;
        };
        let outbox = self.outbox.clone();
        let gateway = self.gateway.clone();
        match action {
            HistoryAction::Close => self.close_overlay(),
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
                worker::ask_gateway(writer, &self.runtime, gateway, panel.day, ask, outbox);
            }
            HistoryAction::Reconcile => {
                panel.asking(None);
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
}
