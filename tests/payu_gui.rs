//! The window selling through the real PayU gateway against a local fake (wiremock): the QR as
//! PayU drew it, automatic "Paid" with the payer's details and the chime, and a payment that
//! arrives after the QR expired still caught and shown.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use counterqr::app::flow::Screen;
use counterqr::app::{AppOptions, CounterApp};
use counterqr::domain::{Customer, Paise, Sale};
use counterqr::gateway::ProviderId;
use counterqr::gateway::http::{Timeouts, client};
use counterqr::gateway::payu::{CHECK_STATUS, GENERATE, OutputType, PayuGateway, PayuSettings};
use counterqr::journal::{self, Journal, Outcome, Source};
use counterqr::secrets::{MemoryStore, Secret, SecretName, SecretStore};
use counterqr::sound::Cue;
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::json;
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod common;
use common::TestClock;

const VPA: &str = "shop.payu@hdfcbank";
const QR_LABEL: &str = "Payment QR code: scan with any UPI app";

/// A dynamic Bharat QR for ₹500.00 paying [`VPA`].
fn bqr_500() -> String {
    common::bqr("500.00", VPA)
}

/// PayU's status answer: pending until the customer pays (the flag), then success.
struct Status(Arc<AtomicBool>);

impl Respond for Status {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let result = if self.0.load(Ordering::SeqCst) {
            json!({"status": "success", "amount": "500.00", "mihpayid": "403993715521937565",
                "bank_ref_num": "612345678901", "field3": "customer@okicici"})
        } else {
            json!({"status": "pending"})
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(result.to_string());
        ResponseTemplate::new(200).set_body_raw(
            json!({"status": 1, "msg": "fetched", "result": encoded}).to_string(),
            "application/json",
        )
    }
}

struct Till {
    harness: Harness<'static, CounterApp>,
    clock: TestClock,
    paid: Arc<AtomicBool>,
    sounds: Arc<Mutex<Vec<Cue>>>,
    writer: journal::Writer,
    _dir: tempfile::TempDir,
    _server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

/// A till selling through PayU at a local fake that answers the QR request with `qr_answer`.
fn till(qr_answer: ResponseTemplate, output_type: OutputType) -> Till {
    let runtime = common::runtime();
    let paid = Arc::new(AtomicBool::new(false));
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(body_string_contains(format!("command={GENERATE}")))
            .respond_with(qr_answer)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains(format!("command={CHECK_STATUS}")))
            .respond_with(Status(paid.clone()))
            .mount(&server)
            .await;
        server
    });
    let store = MemoryStore::default();
    store
        .set(SecretName::PayuKey, &Secret::new("key1"))
        .unwrap();
    store
        .set(SecretName::PayuSalt, &Secret::new("salt1"))
        .unwrap();
    let settings = PayuSettings {
        base_url: server.uri(),
        merchant_vpa: VPA.to_owned(),
        output_type,
        status_interval: Duration::from_millis(20),
        ..PayuSettings::default()
    };
    let http = client(Timeouts {
        connect: Duration::from_secs(2),
        total: Duration::from_secs(5),
    })
    .unwrap();
    let gateway = PayuGateway::new(http, settings, Arc::new(store)).unwrap();
    let sounds = Arc::new(Mutex::new(Vec::new()));
    let heard = sounds.clone();
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("journal.sqlite3"), time::UtcOffset::UTC).unwrap();
    let writer = journal::Writer::start(Arc::new(journal)).unwrap();
    let clock = TestClock::new();
    let app = CounterApp::new(
        Arc::new(gateway),
        runtime.handle().clone(),
        clock.as_clock(),
        AppOptions {
            expected_payee_vpa: Some(VPA.to_owned()),
            sounds: Arc::new(move |cue, _| heard.lock().unwrap().push(cue)),
            journal: Some(writer.clone()),
            ..AppOptions::default()
        },
    );
    let harness = common::harness(app, [1024.0, 720.0]);
    let mut till = Till {
        harness,
        clock,
        paid,
        sounds,
        writer,
        _dir: dir,
        _server: server,
        _runtime: runtime,
    };
    till.harness.run_steps(2);
    till
}

impl Till {
    fn shows(&self, label: &str) -> bool {
        self.harness
            .query_all_by_label_contains(label)
            .next()
            .is_some()
    }

    /// Steps frames in real time until `done` holds for the screen, for up to five seconds.
    fn wait_for(&mut self, what: &str, done: impl Fn(&Screen) -> bool) {
        common::wait_for_screen(&mut self.harness, what, done);
    }

    fn sell_500(&mut self) {
        self.harness.get_by_label("Amount (₹)").type_text("500");
        self.harness.run_steps(2);
        self.harness.key_press(Key::Enter);
        self.harness.run_steps(1);
        self.wait_for("the QR", |s| !matches!(s, Screen::Requesting { .. }));
        assert!(
            matches!(self.harness.state().screen(), Screen::ShowingQr(_)),
            "{:?}",
            self.harness.state().screen()
        );
    }
}

#[test]
fn payu_confirms_the_payment_and_the_till_shows_paid_with_a_chime() {
    let answer = ResponseTemplate::new(200).set_body_raw(
        json!({ "qrString": bqr_500() }).to_string(),
        "application/json",
    );
    let mut till = till(answer, OutputType::String);
    till.sell_500();
    assert!(till.shows(QR_LABEL));
    assert!(till.shows(VPA), "the payee is shown");
    assert!(
        !till.shows("Mark paid"),
        "PayU confirms payments: no buttons to mark by hand"
    );
    till.paid.store(true, Ordering::SeqCst);
    till.wait_for("Paid", |s| matches!(s, Screen::Paid { .. }));
    assert!(till.shows("PAID"));
    assert!(till.shows("customer@okicici"), "the payer's VPA");
    assert!(till.shows("612345678901"), "the bank reference");
    assert_eq!(*till.sounds.lock().unwrap(), [Cue::Paid]);
}

#[test]
fn a_payment_after_expiry_is_still_caught_and_shown() {
    let answer = ResponseTemplate::new(200).set_body_raw(
        json!({ "qrString": bqr_500() }).to_string(),
        "application/json",
    );
    let mut till = till(answer, OutputType::String);
    till.sell_500();
    till.clock.advance(Duration::from_secs(300));
    till.harness.run_steps(2);
    assert!(matches!(
        till.harness.state().screen(),
        Screen::Expired { .. }
    ));
    assert!(!till.shows(QR_LABEL), "an expired QR never stays on screen");
    assert!(till.shows("Still checking for a payment"));
    assert_eq!(*till.sounds.lock().unwrap(), [Cue::Expired]);

    till.clock.advance(Duration::from_secs(40));
    till.paid.store(true, Ordering::SeqCst);
    till.wait_for("Paid after expiry", |s| matches!(s, Screen::Paid { .. }));
    assert!(till.shows("612345678901"));
    assert_eq!(*till.sounds.lock().unwrap(), [Cue::Expired, Cue::Paid]);
}

#[test]
fn payus_own_image_is_shown_after_its_qr_is_read_back() {
    let png = common::png_of(&bqr_500());
    let mut till = till(
        ResponseTemplate::new(200).set_body_raw(png, "image/png"),
        OutputType::Image,
    );
    till.sell_500();
    let Screen::ShowingQr(shown) = till.harness.state().screen() else {
        unreachable!("checked by sell_500");
    };
    assert!(shown.qr.grant.picture.is_some(), "PayU's picture is used");
    assert!(till.shows(QR_LABEL));
    assert!(till.shows("₹500.00"));
}

#[test]
fn check_status_on_the_history_screen_records_a_payment_found_later() {
    let answer = ResponseTemplate::new(200).set_body_raw(
        json!({ "qrString": bqr_500() }).to_string(),
        "application/json",
    );
    let mut till = till(answer, OutputType::String);
    // A sale from an earlier run of the till, withdrawn before PayU said anything.
    let earlier = Sale::new(Paise::from_rupees(500), Customer::default());
    let journal = till.writer.journal();
    let at = time::OffsetDateTime::now_utc();
    journal
        .record_requested(&earlier, ProviderId::Payu, Source::Window, at)
        .unwrap();
    journal
        .record_outcome(&earlier.reference, Outcome::Cancelled, None, at)
        .unwrap();
    till.paid.store(true, Ordering::SeqCst);

    till.harness.key_press(Key::H);
    till.harness.run_steps(3);
    assert!(
        till.shows("cancelled: 1"),
        "withdrawn before PayU said anything"
    );
    till.harness.get_by_label("Check status").click();
    for _ in 0..300 {
        till.harness.step();
        if till.shows("is PAID") {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    till.harness.run_steps(2);
    assert!(till.shows("is PAID (bank reference 612345678901)"));
    assert!(till.shows("paid: 1"), "the list shows it");
    let today = till.writer.journal().today(time::OffsetDateTime::now_utc());
    let records = till.writer.journal().sales_between(today, today).unwrap();
    assert_eq!(records[0].outcome, Outcome::Paid);
    assert_eq!(records[0].bank_reference.as_deref(), Some("612345678901"));
}
