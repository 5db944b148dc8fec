//! The window never waits: a keyring that hangs (waiting for its password, say) does not stop the
//! countdown or the expiry; and a cashier's window that is hidden or minimised still expires the
//! QR, without asking for the hidden window to be drawn.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use counterqr::app::settings::SecretStatus;
use counterqr::app::{AppOptions, CounterApp};
use counterqr::config::{Config, CustomerDisplay};
use counterqr::flow::Screen;
use counterqr::secrets::{Secret, SecretError, SecretName, SecretStore};
use egui::Key;
use egui_kittest::kittest::Queryable;

mod common;
use common::ManualClock;

/// A keyring that answers nothing until the test lets it (as a locked keyring waits for its
/// password).
struct HangingKeyring(Mutex<Receiver<()>>);

impl SecretStore for HangingKeyring {
    fn get(&self, _: SecretName) -> Result<Option<Secret>, SecretError> {
        let _ = self.0.lock().unwrap().recv();
        Ok(None)
    }
    fn set(&self, _: SecretName, _: &Secret) -> Result<(), SecretError> {
        Ok(())
    }
    fn delete(&self, _: SecretName) -> Result<(), SecretError> {
        Ok(())
    }
}

struct Till {
    harness: egui_kittest::Harness<'static, CounterApp>,
    clock: ManualClock,
    _runtime: tokio::runtime::Runtime,
}

fn till(config: Config, keyring: Option<Arc<dyn SecretStore>>) -> Till {
    let runtime = common::runtime();
    let clock = ManualClock::default();
    let gateway = common::training(&clock, Duration::ZERO);
    let mut options = AppOptions {
        config,
        ..AppOptions::default()
    };
    if let Some(store) = keyring {
        options.secrets = Arc::new(move || Ok(store.clone()));
    }
    let app = CounterApp::new(gateway, runtime.handle().clone(), clock.shared(), options);
    Till {
        harness: common::harness(app, [1400.0, 900.0]),
        clock,
        _runtime: runtime,
    }
}

impl Till {
    fn sell_500(&mut self) {
        self.harness.get_by_label("Amount (₹)").type_text("500");
        self.harness.run_steps(2);
        self.harness.key_press(Key::Enter);
        common::wait_for_screen(&mut self.harness, "the QR", |s| {
            matches!(s, Screen::ShowingQr(_))
        });
    }

    fn shows(&self, text: &str) -> bool {
        self.harness
            .query_all_by_label_contains(text)
            .next()
            .is_some()
    }
}

#[test]
fn a_keyring_that_hangs_stops_neither_the_countdown_nor_the_expiry() {
    let (release, wait): (Sender<()>, Receiver<()>) = channel();
    let keyring: Arc<dyn SecretStore> = Arc::new(HangingKeyring(Mutex::new(wait)));
    let mut till = till(Config::default(), Some(keyring));
    till.sell_500();
    till.harness.key_press(Key::F2);
    till.harness.run_steps(2);
    assert!(
        till.harness
            .state()
            .settings()
            .is_some_and(|p| p.secret_status == SecretStatus::Reading),
        "the panel is open, the keyring still being asked"
    );
    assert!(till.shows("Reading the keyring"));
    // Time goes on while the keyring hangs: the sale's clock is not stopped.
    till.clock.advance(Duration::from_secs(150));
    till.harness.run_steps(2);
    assert!(matches!(
        till.harness.state().screen(),
        Screen::ShowingQr(_)
    ));
    till.clock.advance(Duration::from_secs(150));
    till.harness.run_steps(2);
    assert!(
        matches!(till.harness.state().screen(), Screen::Expired { .. }),
        "the QR expired on time under the open panel"
    );
    till.harness.key_press(Key::Escape);
    till.harness.run_steps(2);
    assert!(
        till.shows("QR expired"),
        "the expired screen is there underneath"
    );
    drop(release);
}

#[test]
fn a_hidden_cashier_window_still_expires_the_qr_and_asks_for_no_drawing_of_it() {
    let config = Config {
        customer_display: CustomerDisplay::SecondWindow,
        ..Config::default()
    };
    let mut till = till(config, None);
    till.sell_500();
    till.clock.advance(Duration::from_secs(300));
    // As eframe does while the window is minimised: the logic runs, the ui does not.
    let ctx = till.harness.ctx.clone();
    let mut input = egui::RawInput::default();
    input
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .minimized = Some(true);
    let output = ctx.run_logic(&input, |ctx| till.harness.state_mut().logic_pass(ctx));
    assert!(
        matches!(till.harness.state().screen(), Screen::Expired { .. }),
        "the QR expired with no ui drawn"
    );
    // With the customer's window in view eframe runs the ui and draws that window alone (the
    // real window under Xvfb: tests/e2e_xvfb.rs). Asking for the hidden one to be painted
    // too would draw an unseen window, and each ask is a request to draw again: a loop.
    let commands = output
        .viewport_commands
        .get(&egui::ViewportId::ROOT)
        .cloned()
        .unwrap_or_default();
    assert!(
        !commands.contains(&egui::ViewportCommand::RequestPaintWhileHidden),
        "the hidden window is not painted: {commands:?}"
    );
    // The next frame, as eframe runs it with the customer's window in view: both windows say
    // the QR has expired, and no QR is left.
    till.harness.run_steps(1);
    assert!(till.shows("QR expired"));
    assert!(!till.shows("Payment QR code"));
}

#[test]
fn the_font_atlas_is_kept_narrow_in_every_window() {
    for customer_display in [CustomerDisplay::SameWindow, CustomerDisplay::SecondWindow] {
        let config = Config {
            customer_display,
            ..Config::default()
        };
        let mut till = till(config, None);
        // As eframe tells a new window: the GL's own maximum (Mesa's software renderer).
        till.harness.input_mut().max_texture_side = Some(16384);
        till.harness.run_steps(1);
        assert_eq!(
            till.harness.ctx.input(|i| i.max_texture_side),
            4096,
            "{customer_display:?}"
        );
        // A GL that takes less keeps its own limit.
        till.harness.input_mut().max_texture_side = Some(2048);
        till.harness.run_steps(1);
        assert_eq!(till.harness.ctx.input(|i| i.max_texture_side), 2048);
    }
}
