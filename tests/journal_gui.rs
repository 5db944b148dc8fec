//! The sales journal through the window (egui_kittest): each sale recorded before its QR is asked
//! for and updated as it moves on, and the history screen (H) with today's sales and totals.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use counterqr::app::flow::Screen;
use counterqr::app::{AppOptions, CounterApp};
use counterqr::gateway::training::{TrainingGateway, TrainingSettings};
use counterqr::journal::{self, Journal, Outcome};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
use common::TestClock;

struct Till {
    harness: Harness<'static, CounterApp>,
    clock: TestClock,
    writer: journal::Writer,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn till(delay: Duration) -> Till {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("journal.sqlite3"), time::UtcOffset::UTC).unwrap();
    let writer = journal::Writer::start(Arc::new(journal)).unwrap();
    let runtime = common::runtime();
    let clock = TestClock::new();
    let gateway = Arc::new(TrainingGateway::new(TrainingSettings {
        min_delay: delay,
        max_delay: delay,
        ..TrainingSettings::default()
    }));
    let app = CounterApp::new(
        gateway,
        runtime.handle().clone(),
        clock.as_clock(),
        AppOptions {
            journal: Some(writer.clone()),
            ..AppOptions::default()
        },
    );
    Till {
        harness: common::harness(app, [1024.0, 720.0]),
        clock,
        writer,
        _dir: dir,
        _runtime: runtime,
    }
}

impl Till {
    fn sell(&mut self, amount: &str) {
        self.harness.get_by_label("Amount (₹)").type_text(amount);
        self.harness.run_steps(2);
        self.harness.key_press(Key::Enter);
        self.harness.run_steps(2);
    }

    fn wait_for(&mut self, what: &str, done: impl Fn(&Screen) -> bool) {
        common::wait_for_screen(&mut self.harness, what, done);
    }

    /// Every sale of today, once the writes queued so far are on disk.
    fn journal(&self) -> Vec<journal::SaleRecord> {
        self.writer
            .write_confirmed(|_| Ok(()))
            .blocking_recv()
            .unwrap()
            .unwrap();
        let today = self.writer.journal().today(time::OffsetDateTime::now_utc());
        self.writer.journal().sales_between(today, today).unwrap()
    }

    fn shows(&self, text: &str) -> bool {
        self.harness
            .query_all_by_label_contains(text)
            .next()
            .is_some()
    }
}

#[test]
fn a_sale_is_written_before_its_qr_is_asked_for_and_follows_every_step() {
    let mut till = till(Duration::from_millis(600));
    till.sell("500");
    assert!(matches!(
        till.harness.state().screen(),
        Screen::Requesting { .. }
    ));
    let mut waited = 0;
    let recorded = loop {
        let records = till.journal();
        if let Some(r) = records.first() {
            break r.clone();
        }
        waited += 1;
        assert!(waited < 100, "the sale was never written");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(recorded.outcome, Outcome::Requested);
    assert!(
        matches!(till.harness.state().screen(), Screen::Requesting { .. }),
        "written while the gateway is still being asked"
    );
    assert_eq!(recorded.amount_paise, 50_000);

    till.wait_for("the QR", |s| matches!(s, Screen::ShowingQr(_)));
    let shown = till.journal().remove(0);
    assert_eq!(shown.outcome, Outcome::Shown);
    assert!(shown.payload.unwrap().contains("am=500.00"));
    assert!(shown.expires_at.is_some());

    till.harness.key_press(Key::Escape);
    till.harness.run_steps(2);
    assert_eq!(till.journal()[0].outcome, Outcome::Cancelled, "withdrawn");

    till.sell("250");
    till.wait_for("the QR", |s| matches!(s, Screen::ShowingQr(_)));
    till.clock.advance(Duration::from_secs(300));
    till.harness.run_steps(2);
    let records = till.journal();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].amount_paise, 25_000, "newest first");
    assert_eq!(records[0].outcome, Outcome::Expired);

    // Enter asks again for the same sale: the same row, requested again.
    till.harness.key_press(Key::Enter);
    till.harness.run_steps(1);
    till.wait_for("the new QR", |s| matches!(s, Screen::ShowingQr(_)));
    let records = till.journal();
    assert_eq!(records.len(), 2, "a retry is the same sale");
    assert_eq!(records[0].outcome, Outcome::Shown);
}

#[test]
fn h_shows_todays_sales_with_totals_and_esc_returns() {
    let mut till = till(Duration::ZERO);
    till.sell("500");
    till.wait_for("the QR", |s| matches!(s, Screen::ShowingQr(_)));
    till.harness.key_press(Key::Escape);
    till.harness.run_steps(2);
    till.sell("120");
    till.wait_for("the QR", |s| matches!(s, Screen::ShowingQr(_)));
    till.clock.advance(Duration::from_secs(300));
    till.harness.run_steps(2);
    till.harness.key_press(Key::Escape);
    till.harness.run_steps(2);
    let _ = till.journal();

    till.harness.key_press(Key::H);
    till.harness.run_steps(3);
    assert!(till.shows("Sales history"));
    assert!(till.shows("2 sales"));
    assert!(till.shows("cancelled: 1 · ₹500.00"));
    assert!(till.shows("expired: 1 · ₹120.00"));
    assert!(till.shows("₹120.00"));

    till.harness.get_by_label("◀ Previous day").click();
    till.harness.run_steps(3);
    assert!(till.shows("No sales on this day."));

    till.harness.key_press(Key::Escape);
    till.harness.run_steps(2);
    assert!(!till.shows("Sales history"));
    assert!(till.harness.get_by_label("Amount (₹)").is_focused());
}

#[test]
fn h_typed_into_the_customer_name_is_a_letter_not_the_history() {
    let mut till = till(Duration::ZERO);
    till.harness
        .get_by_label("Customer name (optional)")
        .focus();
    till.harness.run_steps(1);
    till.harness.key_press(Key::H);
    till.harness.run_steps(2);
    assert!(
        !till.shows("Sales history"),
        "the name field has the keyboard"
    );
    // With the keyboard in the amount field, H is the history.
    till.harness.get_by_label("Amount (₹)").focus();
    till.harness.run_steps(1);
    till.harness.key_press(Key::H);
    till.harness.run_steps(2);
    assert!(till.shows("Sales history"));
}
