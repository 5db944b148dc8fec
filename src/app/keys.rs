//! The keyboard: keys every screen answers to (F11 full screen, F10 the customer's window, F2 or
//! Ctrl+, the settings, F4 a late-payment notice seen), and each sale screen's own keys.

use egui::Key;

use super::views::{self, UiAction};
use super::{CounterApp, Overlay, notices};
use crate::config::CustomerDisplay;
use crate::flow::{Event, Screen};

impl CounterApp {
    /// The keys every screen answers to.
    pub(super) fn handle_global_keys(&mut self, ctx: &egui::Context) {
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
        if settings_key && !matches!(self.overlay, Overlay::Settings(_)) {
            self.open_settings();
        }
    }

    /// The keys each sale screen answers to. Keys are consumed before the widgets see them, so
    /// Enter in the amount field submits instead of leaving the field.
    pub(super) fn screen_keys(&self, ctx: &egui::Context) -> Option<UiAction> {
        let pressed = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
        match self.flow.screen() {
            Screen::Entry => {
                // H opens the history unless the keyboard is in a customer field (a name may
                // hold an H).
                let in_amount_or_nowhere = ctx
                    .memory(|m| m.focused())
                    .is_none_or(|id| id == views::amount_field_id());
                if pressed(Key::Enter) {
                    Some(UiAction::Submit)
                } else if in_amount_or_nowhere && self.journal.is_some() && pressed(Key::H) {
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
}
