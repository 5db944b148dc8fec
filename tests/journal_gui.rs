//! The sales journal through the window (egui_kittest): each sale recorded before its QR is asked
//! for and updated as it moves on, and the history screen (H) with today's sales and totals.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use counterqr::app::{AppOptions, CounterApp};
use counterqr::domain::{Outcome, Paise};
use counterqr::flow::Screen;
use counterqr::journal::{self, Journal};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
use common::ManualClock;

struct Till {
    harness: Harness<'static, CounterApp>,
    clock: ManualClock,
    delay: Duration,
    writer: journal::Writer,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn till(delay: Duration) -> Till {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("journal.sqlite3"), time::UtcOffset::UTC).unwrap();
    let writer = journal::Writer::start(Arc::new(journal)).unwrap();
    let runtime = common::runtime();
    let clock = ManualClock::default();
    let gateway = common::training(&clock, delay);
    let app = CounterApp::new(
        gateway,
        runtime.handle().clone(),
        clock.shared(),
        AppOptions {
            journal: Some(writer.clone()),
            ..AppOptions::default()
        },
    );
    Till {
        harness: common::harness(app, [1024.0, 720.0]),
        clock,
        delay,
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

    /// Lets the training gateway answer: waits until its delay has begun (the sale is journaled
    /// first, then the gateway asked), then moves the clock past it.
    fn let_gateway_answer(&mut self) {
        let limit = std::time::Instant::now() + common::BACKGROUND_LIMIT;
        while !self.clock.has_sleep_ending_in(self.delay) {
            assert!(
                std::time::Instant::now() < limit,
                "the gateway was not asked within {:?}",
                common::BACKGROUND_LIMIT
            );
            self.harness.run_steps(1);
            std::thread::sleep(Duration::from_millis(2));
        }
        self.clock.advance(self.delay);
    }

    fn wait_for(&mut self, what: &str, done: impl Fn(&Screen) -> bool) {
        common::wait_for_screen(&mut self.harness, what, done);
    }

    /// Every sale of today, read after the writes queued so far.
    fn journal(&self) -> Vec<journal::SaleRecord> {
        let today = self.writer.journal().today(time::OffsetDateTime::now_utc());
        self.writer
            .read(move |j| j.sales_between(today, today))
            .blocking_recv()
            .unwrap()
            .unwrap()
    }

    /// Opens or moves the history screen with `key`, and waits for its day to be read.
    fn history_key(&mut self, key: Key) {
        self.harness.key_press(key);
        common::wait_until(&mut self.harness, "the history's day", |app| {
            app.history().is_none_or(|h| !h.loading)
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
fn a_sale_is_written_before_its_qr_is_asked_for_and_follows_every_step() {
    let mut till = till(Duration::from_millis(600));
    till.sell("500");
    assert!(matches!(
        till.harness.state().screen(),
        Screen::Requesting { .. }
    ));
    let recorded = till.journal().first().cloned().expect("written");
    assert_eq!(recorded.outcome, Outcome::Requested);
    assert!(
        matches!(till.harness.state().screen(), Screen::Requesting { .. }),
        "written while the gateway is still being asked"
    );
    assert_eq!(recorded.amount, Paise::from_rupees(500));

    till.let_gateway_answer();
    till.wait_for("the QR", |s| matches!(s, Screen::ShowingQr(_)));
    let shown = till.journal().remove(0);
    assert_eq!(shown.outcome, Outcome::Shown);
    assert!(shown.payload.unwrap().contains("am=500.00"));
    assert!(shown.expires_at.is_some());

    till.harness.key_press(Key::Escape);
    till.harness.run_steps(2);
    assert_eq!(till.journal()[0].outcome, Outcome::Cancelled, "withdrawn");

    till.sell("250");
    till.let_gateway_answer();
    till.wait_for("the QR", |s| matches!(s, Screen::ShowingQr(_)));
    till.clock.advance(Duration::from_secs(300));
    till.harness.run_steps(2);
    let records = till.journal();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].amount, Paise::from_rupees(250), "newest first");
    assert_eq!(records[0].outcome, Outcome::Expired);

    // Enter asks again for the same sale: the same row, requested again.
    till.harness.key_press(Key::Enter);
    till.harness.run_steps(1);
    till.let_gateway_answer();
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

    till.history_key(Key::H);
    assert!(till.shows("Sales history"));
    assert!(till.shows("2 sales"));
    assert!(till.shows("cancelled: 1 · ₹500.00"));
    assert!(till.shows("expired: 1 · ₹120.00"));
    assert!(till.shows("₹120.00"));

    till.harness.get_by_label("◀ Previous day").click();
    till.harness.run_steps(1);
    common::wait_until(&mut till.harness, "the day before", |app| {
        app.history().is_some_and(|h| !h.loading)
    });
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

#[test]
fn the_history_never_steps_past_the_calendar() {
    let mut till = till(Duration::ZERO);
    till.history_key(Key::H);
    let field = till.harness.get_by_label("Day (YYYY-MM-DD)");
    field.focus();
    till.harness.run_steps(1);
    till.harness
        .key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    till.harness
        .get_by_label("Day (YYYY-MM-DD)")
        .type_text("9999-12-31");
    till.harness.run_steps(1);
    till.harness.get_by_label("Show").click();
    till.harness.run_steps(1);
    common::wait_until(&mut till.harness, "the last day", |app| {
        app.history().is_some_and(|h| !h.loading)
    });
    assert!(till.shows("9999-12-31: 0 sales"));
    till.harness.get_by_label("Next day ▶").click();
    till.harness.run_steps(2);
    assert!(till.shows("There is no day beyond that one."));
    assert!(till.shows("9999-12-31: 0 sales"), "still the last day");
    // The window is alive and the next sale still works.
    till.harness.key_press(Key::Escape);
    till.harness.run_steps(2);
    till.sell("500");
    till.wait_for("the QR", |s| matches!(s, Screen::ShowingQr(_)));
}
