//! The customer's display in a second window (an egui viewport, embedded by the test harness):
//! its content idle, during a sale, paid and expired, beside the cashier's window.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Duration;

use counterqr::app::{AppOptions, CounterApp};
use counterqr::config::{Config, CustomerDisplay};
use counterqr::flow::Screen;
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
use common::ManualClock;

const QR_LABEL: &str = "Payment QR code: scan with any UPI app";

struct Till {
    harness: Harness<'static, CounterApp>,
    clock: ManualClock,
    _runtime: tokio::runtime::Runtime,
}

fn till(display: CustomerDisplay) -> Till {
    till_saving_to(display, None)
}

fn till_saving_to(display: CustomerDisplay, config_path: Option<std::path::PathBuf>) -> Till {
    let config = Config {
        shop_name: "Sharma Stores".into(),
        customer_display: display,
        ..Config::default()
    };
    till_with(config, config_path)
}

fn till_with(config: Config, config_path: Option<std::path::PathBuf>) -> Till {
    let runtime = common::runtime();
    let clock = ManualClock::default();
    let gateway = common::training(&clock, Duration::ZERO);
    let app = CounterApp::new(
        gateway,
        runtime.handle().clone(),
        clock.shared(),
        AppOptions {
            config,
            config_path,
            ..AppOptions::default()
        },
    );
    Till {
        harness: common::harness(app, [1400.0, 900.0]),
        clock,
        _runtime: runtime,
    }
}

impl Till {
    fn count(&self, label: &str) -> usize {
        self.harness.query_all_by_label_contains(label).count()
    }

    fn sell_500(&mut self) {
        self.harness.get_by_label("Amount (₹)").type_text("500");
        self.harness.run_steps(2);
        self.harness.key_press(Key::Enter);
        self.harness.run_steps(1);
        common::wait_for_screen(&mut self.harness, "the QR", |s| {
            matches!(s, Screen::ShowingQr(_))
        });
    }
}

#[test]
fn the_customer_window_follows_the_sale() {
    let mut till = till(CustomerDisplay::SecondWindow);
    assert_eq!(
        till.count("Scan & pay with any UPI app"),
        1,
        "idle: what to do"
    );
    assert!(till.count("Sharma Stores") >= 2, "the shop on both windows");
    assert_eq!(till.count(QR_LABEL), 0);

    till.sell_500();
    assert_eq!(
        till.count(QR_LABEL),
        2,
        "the customer's QR and the cashier's copy"
    );
    assert_eq!(
        till.count("◷ Valid for 5:00"),
        1,
        "the countdown, with a symbol"
    );
    assert_eq!(
        till.count("UPI ID: training@invalid"),
        2,
        "the payee's VPA under the name, on the customer's window too"
    );
    assert_eq!(till.count("Scan & pay with any UPI app"), 0);
    till.clock.advance(Duration::from_secs(61));
    till.harness.run_steps(2);
    assert_eq!(till.count("◷ Valid for 3:59"), 1, "it counts down");

    till.harness.key_press(Key::P);
    till.harness.run_steps(2);
    assert_eq!(till.count("₹500.00 received. Thank you!"), 1);
    assert_eq!(till.count(QR_LABEL), 0, "no QR once paid");

    till.harness.key_press(Key::Enter);
    till.harness.run_steps(2);
    till.sell_500();
    till.clock.advance(Duration::from_secs(300));
    till.harness.run_steps(2);
    assert_eq!(till.count(QR_LABEL), 0, "an expired QR leaves both windows");
    assert_eq!(till.count("QR expired"), 2, "both windows say it in words");
    assert_eq!(
        till.count("Please do not pay this QR. Ask the cashier for a new one."),
        1
    );
}

#[test]
fn with_one_window_there_is_no_customer_window() {
    let mut till = till(CustomerDisplay::SameWindow);
    assert_eq!(till.count("Scan & pay with any UPI app"), 0);
    till.sell_500();
    assert_eq!(till.count(QR_LABEL), 1);
}

#[test]
fn f10_puts_the_customer_window_full_screen_and_remembers_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let mut till = till_saving_to(CustomerDisplay::SecondWindow, Some(path.clone()));
    let full = |path: &std::path::Path| {
        Config::load(path)
            .map(|c| c.customer_window_fullscreen)
            .unwrap_or_default()
    };
    till.harness.key_press(Key::F10);
    // The file is written off the UI thread; the notice comes when it is.
    common::wait_for(&mut till.harness, "the notice", |h| {
        h.query_all_by_label_contains("remembered for the next start")
            .next()
            .is_some()
    });
    assert!(full(&path));
    till.harness.key_press(Key::F10);
    common::wait_for(&mut till.harness, "the file", |_| !full(&path));
    assert!(!Config::load(&path).unwrap().customer_window_fullscreen);
}

/// Every language, first with English under it (the most text there is), on the 1024×720
/// customer window: the amount keeps its tenth of the height, the QR stays large, and every line
/// is inside the window. (`app::customer`'s own tests squeeze the same text into smaller
/// windows.)
#[test]
fn every_language_fits_the_customer_window_beside_a_full_size_qr() {
    use counterqr::domain::Language;
    use counterqr::i18n::{Msg, messages};
    for language in Language::ALL {
        let languages = if language == Language::En {
            vec![Language::En]
        } else {
            vec![language, Language::En]
        };
        let config = Config {
            customer_display: CustomerDisplay::SecondWindow,
            customer_languages: languages.clone(),
            ..Config::default()
        };
        let mut till = till_with(config, None);
        till.sell_500();
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 720.0));
        let customer = |text: &str| {
            let nodes: Vec<_> = till.harness.query_all_by_label(text).collect();
            nodes.last().map(|n| n.rect())
        };
        let amount = customer("₹500.00").expect("the amount");
        assert!(
            amount.height() >= 72.0,
            "{language}: the amount is {amount:?}, under a tenth of 720"
        );
        let qr = customer(QR_LABEL).expect("the QR");
        assert!(qr.width() >= 490.0, "{language}: the QR shrank to {qr:?}");
        let payee = "TRAINING - not a real payment";
        let mut lines = vec!["UPI ID: training@invalid".to_owned()];
        for (i, l) in languages.iter().enumerate() {
            let countdown = messages().text(*l, Msg::ValidFor { time: "5:00" });
            lines.push(if i == 0 {
                format!("◷ {countdown}")
            } else {
                countdown
            });
            lines.push(messages().text(*l, Msg::ScanAndPay));
            lines.push(messages().text(*l, Msg::PayTo { payee }));
        }
        for text in lines {
            let rect = customer(&text).unwrap_or_else(|| panic!("{language}: {text} not shown"));
            assert!(
                window.contains_rect(rect),
                "{language}: {text:?} at {rect:?} is outside the window"
            );
        }
    }
}
