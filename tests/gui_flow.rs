//! The cashier's flow through the real app in an egui_kittest harness, on a clock the test moves:
//! type, Enter, QR, countdown, expiry, Esc; bad input; double Enter; failure and retry. Nothing
//! here waits in real time: gateway delays run on the test's clock, and the test waits for the
//! app's background work to report.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use counterqr::app::{AppOptions, CounterApp};
use counterqr::clock::SharedClock;
use counterqr::domain::{Paise, ProviderId, QrGrant, Sale, SaleRef};
use counterqr::flow::Screen;
use counterqr::gateway::training::{TrainingGateway, TrainingSettings};
use counterqr::gateway::{Gateway, GatewayError, GatewayFuture};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
use common::ManualClock;

const QR_LABEL: &str = "Payment QR code: scan with any UPI app";
const AMOUNT_LABEL: &str = "Amount (₹)";

/// A gateway that records every request and answers as scripted, after a delay on the test's
/// clock.
struct ScriptedGateway {
    requests: Mutex<Vec<SaleRef>>,
    delay: Duration,
    clock: SharedClock,
    fail_with: Option<String>,
    payload_for: PayloadFn,
}

type PayloadFn = Box<dyn Fn(&Sale) -> String + Send + Sync>;

/// A correct UPI link for the sale.
fn honest_payload(sale: &Sale) -> String {
    format!(
        "upi://pay?pa=shop@okaxis&pn=Sharma%20Stores&am={}&tr={}&cu=INR",
        sale.amount.to_decimal_string(),
        sale.reference
    )
}

impl ScriptedGateway {
    fn new(clock: &ManualClock, delay: Duration, fail_with: Option<&str>) -> Arc<Self> {
        Self::with_payload(clock, delay, fail_with, Box::new(honest_payload))
    }

    fn with_payload(
        clock: &ManualClock,
        delay: Duration,
        fail_with: Option<&str>,
        payload_for: PayloadFn,
    ) -> Arc<Self> {
        Arc::new(Self {
            requests: Mutex::new(Vec::new()),
            delay,
            clock: clock.shared(),
            fail_with: fail_with.map(str::to_owned),
            payload_for,
        })
    }
    fn requests(&self) -> Vec<SaleRef> {
        self.requests.lock().expect("requests").clone()
    }
}

impl Gateway for ScriptedGateway {
    fn id(&self) -> ProviderId {
        ProviderId::Upi
    }
    fn max_amount(&self) -> Paise {
        Paise::from_rupees(1_00_000)
    }
    fn request_qr<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, QrGrant> {
        Box::pin(async move {
            self.requests
                .lock()
                .expect("requests")
                .push(sale.reference.clone());
            self.clock.sleep(self.delay).await;
            if let Some(message) = &self.fail_with {
                return Err(GatewayError::Unreachable {
                    provider: "scripted",
                    detail: message.clone(),
                });
            }
            Ok(QrGrant {
                payload: (self.payload_for)(sale),
                payee_name: "The gateway's own name for the shop".into(),
                payee_vpa: Some("shop@okaxis".into()),
                expires_in: Duration::from_secs(300),
                picture: None,
                gateway_ids: vec![],
            })
        })
    }
}

struct Till {
    harness: Harness<'static, CounterApp>,
    clock: ManualClock,
    // Kept alive for the background tasks.
    _runtime: tokio::runtime::Runtime,
}

fn till(clock: &ManualClock, gateway: Arc<dyn Gateway>) -> Till {
    till_expecting(clock, gateway, None)
}

fn till_expecting(
    clock: &ManualClock,
    gateway: Arc<dyn Gateway>,
    expected_payee_vpa: Option<&str>,
) -> Till {
    let runtime = common::runtime();
    let clock = clock.clone();
    let app = CounterApp::new(
        gateway,
        runtime.handle().clone(),
        clock.shared(),
        AppOptions {
            expected_payee_vpa: expected_payee_vpa.map(str::to_owned),
            ..AppOptions::default()
        },
    );
    let harness = common::harness(app, [1024.0, 720.0]);
    let mut till = Till {
        harness,
        clock,
        _runtime: runtime,
    };
    till.harness.run_steps(2);
    till
}

fn instant_training(clock: &ManualClock) -> Arc<dyn Gateway> {
    Arc::new(TrainingGateway::new(
        TrainingSettings {
            min_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            ..TrainingSettings::default()
        },
        clock.shared(),
    ))
}

impl Till {
    /// Types into the amount field (which must have the focus, as it does for a cashier).
    fn type_amount(&mut self, text: &str) {
        self.harness.get_by_label(AMOUNT_LABEL).type_text(text);
        self.harness.run_steps(2);
    }

    fn clear_amount(&mut self) {
        self.harness.get_by_label(AMOUNT_LABEL).focus();
        self.harness.run_steps(1);
        self.harness
            .key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
        self.harness.run_steps(1);
        self.harness.key_press(Key::Backspace);
        self.harness.run_steps(2);
    }

    fn press(&mut self, key: Key) {
        self.harness.key_press(key);
        self.harness.run_steps(2);
    }

    /// Draws frames, waiting for the background task, until the request is answered.
    fn wait_while_requesting(&mut self) {
        common::wait_for_screen(&mut self.harness, "the gateway's answer", |s| {
            !matches!(s, Screen::Requesting { .. })
        });
    }

    fn shows(&self, label: &str) -> bool {
        self.harness
            .query_all_by_label_contains(label)
            .next()
            .is_some()
    }

    fn amount_has_focus(&self) -> bool {
        self.harness.get_by_label(AMOUNT_LABEL).is_focused()
    }
}

#[test]
fn amount_enter_qr_countdown_expiry_and_back() {
    let clock = ManualClock::default();
    let mut till = till(&clock, instant_training(&clock));
    assert!(
        till.amount_has_focus(),
        "the amount field has focus at start"
    );
    assert!(till.shows("TRAINING — not a real payment"));

    till.type_amount("1,23,456.5");
    assert!(
        till.shows("over the limit"),
        "echo says the amount is too large"
    );
    till.clear_amount();
    till.type_amount("500");
    assert!(till.shows("₹500.00"), "the typed amount is echoed");

    till.press(Key::Enter);
    till.wait_while_requesting();
    assert!(matches!(
        till.harness.state().screen(),
        Screen::ShowingQr(_)
    ));
    assert!(till.shows(QR_LABEL), "the QR is on screen");
    assert!(till.shows("Valid for 5:00"));
    assert!(till.shows("training@invalid"));
    assert!(till.shows("TRAINING — not a real payment"));

    till.clock.advance(Duration::from_secs(1));
    till.harness.run_steps(2);
    assert!(
        till.shows("Valid for 4:59"),
        "the countdown moves with the clock"
    );

    till.clock.advance(Duration::from_secs(250));
    till.harness.run_steps(2);
    assert!(till.shows("Valid for 0:49"));

    till.clock.advance(Duration::from_secs(49));
    till.harness.run_steps(2);
    assert!(matches!(
        till.harness.state().screen(),
        Screen::Expired { .. }
    ));
    assert!(!till.shows(QR_LABEL), "an expired QR is gone");
    assert!(till.shows("QR expired"));
    assert!(till.shows("Enter: new QR for ₹500.00"));
    assert!(till.shows("TRAINING — not a real payment"));

    till.press(Key::Escape);
    assert!(matches!(till.harness.state().screen(), Screen::Entry));
    assert!(
        till.amount_has_focus(),
        "Esc returns with focus in the amount field"
    );
}

#[test]
fn expired_enter_makes_a_new_qr_for_the_same_sale() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::new(&clock, Duration::ZERO, None);
    let mut till = till(&clock, gateway.clone());
    till.type_amount("750");
    till.press(Key::Enter);
    till.wait_while_requesting();
    till.clock.advance(Duration::from_secs(300));
    till.harness.run_steps(2);
    assert!(till.shows("QR expired"));
    till.press(Key::Enter);
    till.wait_while_requesting();
    assert!(till.shows(QR_LABEL));
    assert!(
        till.shows("Valid for 5:00"),
        "the new QR has its own full time"
    );
    let requests = gateway.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], requests[1], "same sale reference");
}

#[test]
fn bad_input_gets_a_message_and_sends_nothing() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::new(&clock, Duration::ZERO, None);
    let mut till = till(&clock, gateway.clone());
    for (typed, message) in [
        ("", "Type the amount"),
        ("abc", "is not an amount"),
        ("-5", "cannot be negative"),
        ("0", "more than ₹0"),
        ("12.345", "at most two digits"),
        ("1e9", "is not an amount"),
        ("1,00,001", "over the limit"),
    ] {
        till.clear_amount();
        till.type_amount(typed);
        till.press(Key::Enter);
        assert!(
            matches!(till.harness.state().screen(), Screen::Entry),
            "{typed}"
        );
        assert!(till.shows(message), "{typed:?} should say {message:?}");
        assert!(till.amount_has_focus(), "focus stays in the amount field");
    }
    till.clear_amount();
    till.type_amount("100");
    till.harness.get_by_label("Mobile (optional)").focus();
    till.harness.run_steps(1);
    till.harness
        .get_by_label("Mobile (optional)")
        .type_text("12345");
    till.harness.run_steps(1);
    till.press(Key::Enter);
    assert!(till.shows("10-digit Indian number"));
    assert!(gateway.requests().is_empty(), "nothing was sent");
}

#[test]
fn enter_twice_makes_one_request() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::new(&clock, Duration::from_millis(300), None);
    let mut till = till(&clock, gateway.clone());
    till.type_amount("500");
    till.harness.key_press(Key::Enter);
    till.harness.key_press(Key::Enter);
    till.harness.step();
    till.harness.key_press(Key::Enter);
    till.harness.step();
    assert!(till.shows("Cancel (Esc)"));
    till.clock.advance(Duration::from_millis(300));
    till.wait_while_requesting();
    assert_eq!(gateway.requests().len(), 1);
}

#[test]
fn a_failure_is_explained_and_retry_reuses_the_sale() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::new(&clock, Duration::ZERO, Some("connection refused"));
    let mut till = till(&clock, gateway.clone());
    till.type_amount("999");
    till.press(Key::Enter);
    till.wait_while_requesting();
    assert!(matches!(
        till.harness.state().screen(),
        Screen::Failed { .. }
    ));
    assert!(till.shows("connection refused"));
    assert!(till.shows("Retry (Enter)"));
    till.press(Key::Enter);
    till.wait_while_requesting();
    let requests = gateway.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], requests[1], "Retry keeps the sale reference");
    till.press(Key::Escape);
    assert!(matches!(till.harness.state().screen(), Screen::Entry));
    assert_eq!(
        till.harness.get_by_label(AMOUNT_LABEL).value().as_deref(),
        Some("999"),
        "the amount is kept after a failure"
    );
}

#[test]
fn cancel_while_requesting_returns_to_the_amount() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::new(&clock, Duration::from_secs(30), None);
    let mut till = till(&clock, gateway.clone());
    till.type_amount("500");
    till.press(Key::Enter);
    assert!(matches!(
        till.harness.state().screen(),
        Screen::Requesting { .. }
    ));
    till.press(Key::Escape);
    assert!(matches!(till.harness.state().screen(), Screen::Entry));
    assert!(till.shows("cancelled"));
    assert!(till.amount_has_focus());
}

#[test]
fn marked_paid_then_next_sale_starts_empty() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::new(&clock, Duration::ZERO, None);
    let mut till = till(&clock, gateway);
    till.type_amount("250.50");
    till.press(Key::Enter);
    till.wait_while_requesting();
    assert!(till.shows("Mark paid (P)"));
    assert!(till.shows("Sharma Stores"));
    till.press(Key::P);
    assert!(till.shows("✔ PAID"));
    assert!(till.shows("₹250.50"));
    till.press(Key::Enter);
    assert!(matches!(till.harness.state().screen(), Screen::Entry));
    assert_eq!(
        till.harness.get_by_label(AMOUNT_LABEL).value().as_deref(),
        Some("")
    );
    assert!(till.amount_has_focus(), "focus is back for the next sale");

    till.type_amount("10");
    till.press(Key::Enter);
    till.wait_while_requesting();
    till.press(Key::N);
    assert!(till.shows("₹10.00 marked NOT paid"));
}

#[test]
fn simulated_payment_shows_paid() {
    let clock = ManualClock::default();
    let gateway = Arc::new(TrainingGateway::new(
        TrainingSettings {
            min_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            simulate_paid_after: Some(Duration::ZERO),
            ..TrainingSettings::default()
        },
        clock.shared(),
    ));
    let mut till = till(&clock, gateway);
    till.type_amount("42");
    till.press(Key::Enter);
    till.wait_while_requesting();
    assert!(
        !till.shows("Mark paid (P)"),
        "a confirming gateway needs no buttons"
    );
    // The watch asks every second of the test's clock.
    common::advance_once_asleep(&mut till.harness, &till.clock, Duration::from_secs(1));
    common::wait_for_screen(&mut till.harness, "Paid", |s| {
        matches!(s, Screen::Paid { .. })
    });
    assert!(till.shows("✔ PAID"));
    assert!(till.shows("Confirmed by the gateway"));
}

#[test]
fn a_qr_for_the_wrong_amount_is_never_shown() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::with_payload(
        &clock,
        Duration::ZERO,
        None,
        Box::new(|sale: &Sale| {
            format!("upi://pay?pa=shop@okaxis&am=5000.00&tr={}", sale.reference)
        }),
    );
    let mut till = till(&clock, gateway);
    till.type_amount("500");
    till.press(Key::Enter);
    till.wait_while_requesting();
    assert!(matches!(
        till.harness.state().screen(),
        Screen::Failed { .. }
    ));
    assert!(!till.shows(QR_LABEL));
    assert!(till.shows("is for ₹5,000.00, not ₹500.00"));
    assert!(till.shows("It was not shown"));
}

#[test]
fn a_qr_paying_someone_else_is_never_shown() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::new(&clock, Duration::ZERO, None);
    let mut till = till_expecting(&clock, gateway, Some("owner@okhdfc"));
    till.type_amount("500");
    till.press(Key::Enter);
    till.wait_while_requesting();
    assert!(!till.shows(QR_LABEL));
    assert!(till.shows("pays shop@okaxis, not this shop's owner@okhdfc"));
}

#[test]
fn a_static_qr_warns_the_customer_to_type_the_amount() {
    let clock = ManualClock::default();
    let gateway = ScriptedGateway::with_payload(
        &clock,
        Duration::ZERO,
        None,
        Box::new(|_: &Sale| "upi://pay?pa=shop@okaxis&pn=Sharma%20Stores&cu=INR".to_owned()),
    );
    let mut till = till(&clock, gateway);
    till.type_amount("321");
    till.press(Key::Enter);
    till.wait_while_requesting();
    assert!(till.shows(QR_LABEL));
    assert!(till.shows("Enter ₹321.00 yourself in your UPI app"));
}
