//! The window selling through the real PayU gateway against a local fake (wiremock), on a clock
//! the test moves: the QR as PayU drew it, automatic "Paid" with the payer's details and the
//! chime, a payment after expiry still caught, late payments for earlier sales while the next
//! customer's QR is up (a notice that stays, its own cue, the journal paid), the watch resumed
//! after a restart, and "already paid" (E2012) on a retry.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use counterqr::app::{AppOptions, CounterApp};
use counterqr::config::Config;
use counterqr::domain::{Outcome, OutputType, PaidHow, ProviderId, Record, Sale};
use counterqr::flow::{Cue, Screen};
use counterqr::journal::{self, Journal};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
use common::ManualClock;
use common::payu_fake::{Fake, INTERVAL, VPA, bqr, fake, gateway};

const QR_LABEL: &str = "Payment QR code: scan with any UPI app";

struct Till {
    harness: Harness<'static, CounterApp>,
    clock: ManualClock,
    sounds: Arc<Mutex<Vec<Cue>>>,
    /// What the voice was asked to say.
    said: Arc<Mutex<Vec<String>>>,
    writer: journal::Writer,
}

/// A till selling through PayU at `fake`, recording into `writer`, on `clock`.
fn till(
    runtime: &tokio::runtime::Runtime,
    fake: &Fake,
    writer: &journal::Writer,
    clock: &ManualClock,
    output_type: OutputType,
) -> Till {
    let sounds = Arc::new(Mutex::new(Vec::new()));
    let heard = sounds.clone();
    let said = Arc::new(Mutex::new(Vec::new()));
    let spoken = said.clone();
    let config = Config {
        provider: ProviderId::Payu,
        ..Config::default()
    };
    let app = CounterApp::new(
        gateway(&fake.server, output_type),
        runtime.handle().clone(),
        clock.shared(),
        AppOptions {
            config,
            expected_payee_vpa: Some(VPA.to_owned()),
            sounds: Arc::new(move |cue, _| heard.lock().unwrap().push(cue)),
            voice: Arc::new(move |announcement: counterqr::speech::Announcement| {
                assert_eq!(announcement.after, counterqr::speech::AFTER_CHIME);
                spoken.lock().unwrap().push(announcement.text);
            }),
            journal: Some(writer.clone()),
            ..AppOptions::default()
        },
    );
    let mut till = Till {
        harness: common::harness(app, [1024.0, 720.0]),
        clock: clock.clone(),
        sounds,
        said,
        writer: writer.clone(),
    };
    till.settle();
    till
}

fn journal_in(dir: &tempfile::TempDir) -> journal::Writer {
    let journal = Journal::open(&dir.path().join("journal.sqlite3"), time::UtcOffset::UTC).unwrap();
    journal::Writer::start(Arc::new(journal)).unwrap()
}

impl Till {
    fn shows(&self, label: &str) -> bool {
        self.harness
            .query_all_by_label_contains(label)
            .next()
            .is_some()
    }

    fn screen(&self) -> &Screen {
        self.harness.state().screen()
    }

    /// Lets the watch do what the clock's last move led to, then draws it.
    fn settle(&mut self) {
        assert!(
            self.harness
                .state()
                .watcher()
                .wait_until_quiet(common::BACKGROUND_LIMIT),
            "the watch never settled"
        );
        self.harness.run_steps(2);
    }

    /// Moves the clock on and lets everything that leads to happen.
    fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        self.harness.run_steps(1);
        self.settle();
    }

    fn sell(&mut self, rupees: u64) -> Sale {
        self.harness
            .get_by_label("Amount (₹)")
            .type_text(&rupees.to_string());
        self.harness.run_steps(2);
        self.harness.key_press(Key::Enter);
        self.harness.run_steps(1);
        common::wait_for_screen(&mut self.harness, "the QR", |s| {
            !matches!(s, Screen::Requesting { .. })
        });
        self.settle();
        let Screen::ShowingQr(shown) = self.screen() else {
            panic!("no QR: {:?}", self.screen());
        };
        shown.sale.clone()
    }

    fn press(&mut self, key: Key) {
        self.harness.key_press(key);
        self.harness.run_steps(2);
    }

    fn record(&self, sale: &Sale) -> journal::SaleRecord {
        let reference = sale.reference.clone();
        let read = self.writer.read(move |j| j.sale(&reference));
        read.blocking_recv().unwrap().unwrap().unwrap()
    }

    fn cues(&self) -> Vec<Cue> {
        self.sounds.lock().unwrap().clone()
    }

    fn said(&self) -> Vec<String> {
        self.said.lock().unwrap().clone()
    }
}

#[test]
fn payu_confirms_the_payment_and_the_till_shows_paid_with_a_chime() {
    let runtime = common::runtime();
    let fake = fake(&runtime, false);
    let dir = tempfile::tempdir().unwrap();
    let mut till = till(
        &runtime,
        &fake,
        &journal_in(&dir),
        &ManualClock::default(),
        OutputType::String,
    );
    let sale = till.sell(500);
    assert!(till.shows(QR_LABEL));
    assert!(till.shows(VPA), "the payee is shown");
    assert!(
        !till.shows("Mark paid"),
        "PayU confirms payments: no buttons to mark by hand"
    );
    till.advance(INTERVAL);
    assert!(
        matches!(till.screen(), Screen::ShowingQr(_)),
        "pending: still the QR"
    );
    fake.ledger.pay(&sale);
    till.advance(INTERVAL);
    assert!(matches!(
        till.screen(),
        Screen::Paid {
            how: PaidHow::Polled,
            ..
        }
    ));
    assert!(till.shows("PAID"));
    assert!(till.shows("customer@okicici"), "the payer's VPA");
    assert!(
        till.shows("612345678901"),
        "the bank reference, sent as a JSON number"
    );
    assert_eq!(till.cues(), [Cue::Paid]);
    assert_eq!(
        till.said(),
        ["Received five hundred rupees"],
        "said after the chime"
    );
    let record = till.record(&sale);
    assert_eq!(record.outcome, Outcome::Paid);
    assert_eq!(record.paid_how, Some(PaidHow::Polled));
    assert!(record.settled_at.is_some());
}

#[test]
fn a_payment_after_expiry_is_still_caught_and_shown() {
    let runtime = common::runtime();
    let fake = fake(&runtime, false);
    let dir = tempfile::tempdir().unwrap();
    let mut till = till(
        &runtime,
        &fake,
        &journal_in(&dir),
        &ManualClock::default(),
        OutputType::String,
    );
    let sale = till.sell(500);
    till.advance(Duration::from_secs(300));
    assert!(matches!(till.screen(), Screen::Expired { .. }));
    assert!(!till.shows(QR_LABEL), "an expired QR never stays on screen");
    assert!(till.shows("Still checking for a payment"));
    assert_eq!(till.cues(), [Cue::Expired]);
    assert_eq!(till.record(&sale).outcome, Outcome::Expired);

    fake.ledger.pay(&sale);
    till.advance(Duration::from_secs(40));
    assert!(matches!(
        till.screen(),
        Screen::Paid {
            how: PaidHow::Late,
            ..
        }
    ));
    assert!(till.shows("612345678901"));
    assert_eq!(till.cues(), [Cue::Expired, Cue::Paid]);
    let record = till.record(&sale);
    assert_eq!(record.outcome, Outcome::Paid, "expired never overwrites it");
    assert_eq!(record.paid_how, Some(PaidHow::Late));
}

#[test]
fn late_payments_for_earlier_sales_are_notices_that_stay_and_are_all_recorded() {
    let runtime = common::runtime();
    let fake = fake(&runtime, false);
    let dir = tempfile::tempdir().unwrap();
    let mut till = till(
        &runtime,
        &fake,
        &journal_in(&dir),
        &ManualClock::default(),
        OutputType::String,
    );
    // Two customers walk away: both QRs withdrawn, both still watched.
    let first = till.sell(500);
    till.press(Key::Escape);
    let second = till.sell(700);
    till.press(Key::Escape);
    assert_eq!(
        till.harness.state().watcher().count(),
        2,
        "one watch per sale, not one slot"
    );
    // The third customer's QR is up when both earlier payments arrive.
    let third = till.sell(900);
    fake.ledger.pay(&first);
    fake.ledger.pay(&second);
    till.advance(INTERVAL);
    assert!(
        matches!(till.screen(), Screen::ShowingQr(shown) if shown.sale.reference == third.reference),
        "the third customer's QR stays: {:?}",
        till.screen()
    );
    assert!(
        !till.shows("✔ PAID"),
        "nothing says PAID for the sale on screen"
    );
    assert_eq!(till.harness.state().late_notices().len(), 2);
    assert!(till.shows("EARLIER SALE paid: ₹500.00"));
    assert!(till.shows(first.reference.as_str()));
    assert!(till.shows("EARLIER SALE paid: ₹700.00"));
    assert_eq!(
        till.cues(),
        [Cue::LatePaid, Cue::LatePaid],
        "not the Paid chime"
    );
    let mut said = till.said();
    said.sort();
    assert_eq!(
        said,
        [
            "Earlier sale of five hundred rupees received",
            "Earlier sale of seven hundred rupees received"
        ],
        "never just the amount: which sale it was"
    );
    for sale in [&first, &second] {
        let record = till.record(sale);
        assert_eq!(record.outcome, Outcome::Paid);
        assert_eq!(record.paid_how, Some(PaidHow::Late));
    }
    assert_eq!(till.record(&third).outcome, Outcome::Shown);
    // The notices stay, through time and screens, until the cashier acknowledges each.
    till.advance(Duration::from_secs(120));
    assert_eq!(till.harness.state().late_notices().len(), 2);
    // F4 acknowledges the oldest notice (the two payments may land in either order).
    let oldest = till.harness.state().late_notices()[0]
        .sale
        .reference
        .clone();
    let (gone, stays) = if oldest == first.reference {
        ("EARLIER SALE paid: ₹500.00", "EARLIER SALE paid: ₹700.00")
    } else {
        ("EARLIER SALE paid: ₹700.00", "EARLIER SALE paid: ₹500.00")
    };
    till.press(Key::F4);
    assert_eq!(till.harness.state().late_notices().len(), 1);
    assert!(!till.shows(gone));
    assert!(till.shows(stays));
    till.harness.get_by_label("Seen (F4)").click();
    till.harness.run_steps(2);
    assert!(till.harness.state().late_notices().is_empty());
}

#[test]
fn after_a_restart_the_watch_resumes_and_a_late_payment_still_lands() {
    let runtime = common::runtime();
    let fake = fake(&runtime, false);
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::default();
    let writer = journal_in(&dir);
    // The till showed a QR, then stopped (a crash): the journal has it open and watched.
    let sale = common::sale(500);
    let at = counterqr::clock::Clock::now_utc(&clock);
    for record in [
        Record::Requested {
            sale: sale.clone(),
            provider: ProviderId::Payu,
        },
        Record::Shown {
            reference: sale.reference.clone(),
            payload: bqr(500),
            gateway_ids: vec![],
            expires_in: Duration::from_secs(300),
            grace: Some(Duration::from_secs(120)),
        },
    ] {
        writer.journal().record(&record, at).unwrap();
    }
    writer.journal().mark_interrupted(true, at).unwrap();
    // An older sale, past its watch: asked about once.
    let old = common::sale(800);
    let long_ago = at - time::Duration::hours(1);
    writer
        .journal()
        .record(
            &Record::Requested {
                sale: old.clone(),
                provider: ProviderId::Payu,
            },
            long_ago,
        )
        .unwrap();
    fake.ledger.pay(&old);

    let mut till = till(&runtime, &fake, &writer, &clock, OutputType::String);
    common::wait_until(&mut till.harness, "the old sale's check", |app| {
        !app.late_notices().is_empty()
    });
    assert_eq!(till.record(&old).outcome, Outcome::Paid);
    assert_eq!(till.record(&old).paid_how, Some(PaidHow::AfterRestart));
    assert!(till.harness.state().watcher().is_watching(&sale.reference));
    fake.ledger.pay(&sale);
    till.advance(INTERVAL);
    let record = till.record(&sale);
    assert_eq!(record.outcome, Outcome::Paid);
    assert_eq!(record.paid_how, Some(PaidHow::AfterRestart));
    assert_eq!(till.harness.state().late_notices().len(), 2);
}

#[test]
fn a_qr_the_command_line_printed_while_the_window_runs_is_watched_too() {
    let runtime = common::runtime();
    let fake = fake(&runtime, false);
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::default();
    let writer = journal_in(&dir);
    let mut till = till(&runtime, &fake, &writer, &clock, OutputType::String);
    // `counterqr request` (another process, no --wait) writes a sale and its QR, and leaves.
    let sale = common::sale(700);
    let at = counterqr::clock::Clock::now_utc(&clock);
    for record in [
        Record::Requested {
            sale: sale.clone(),
            provider: ProviderId::Payu,
        },
        Record::Shown {
            reference: sale.reference.clone(),
            payload: bqr(700),
            gateway_ids: vec![],
            expires_in: Duration::from_secs(300),
            grace: Some(Duration::from_secs(120)),
        },
    ] {
        writer.journal().record(&record, at).unwrap();
    }
    assert!(!till.harness.state().watcher().is_watching(&sale.reference));
    // The window looks for such sales on its clock: moved once its look-out sleeps.
    let every = counterqr::app::worker::ADOPT_EVERY;
    common::advance_once_asleep(&mut till.harness, &till.clock, every);
    // The adoption reports nothing to the window: look for its watch (a limit on a hang).
    let limit = std::time::Instant::now() + common::BACKGROUND_LIMIT;
    while !till.harness.state().watcher().is_watching(&sale.reference) {
        assert!(
            std::time::Instant::now() < limit,
            "the window never adopted the sale"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    till.settle();
    fake.ledger.pay(&sale);
    till.advance(INTERVAL);
    common::wait_until(&mut till.harness, "the late payment", |app| {
        !app.late_notices().is_empty()
    });
    assert_eq!(till.record(&sale).outcome, Outcome::Paid);
    assert!(
        matches!(till.screen(), Screen::Entry),
        "the till's own screen is untouched"
    );
}

#[test]
fn already_paid_on_a_retry_is_checked_and_recorded_paid() {
    let runtime = common::runtime();
    let fake = fake(&runtime, false);
    let dir = tempfile::tempdir().unwrap();
    let mut till = till(
        &runtime,
        &fake,
        &journal_in(&dir),
        &ManualClock::default(),
        OutputType::String,
    );
    let sale = till.sell(500);
    till.advance(Duration::from_secs(300));
    assert!(matches!(till.screen(), Screen::Expired { .. }));
    // Paid at the last moment; the cashier asks for a new QR before the watch sees it.
    fake.ledger.pay(&sale);
    till.press(Key::Enter);
    common::wait_for_screen(&mut till.harness, "the retry's answer", |s| {
        !matches!(s, Screen::Requesting { .. })
    });
    assert!(
        matches!(
            till.screen(),
            Screen::Paid {
                how: PaidHow::AlreadyPaid,
                ..
            }
        ),
        "{:?}",
        till.screen()
    );
    let record = till.record(&sale);
    assert_eq!(record.outcome, Outcome::Paid, "never recorded failed");
    assert_eq!(record.paid_how, Some(PaidHow::AlreadyPaid));
    assert_eq!(
        record.paid.gateway_payment_id.as_deref(),
        Some("403993715521937565")
    );
}

#[test]
fn payus_own_image_is_shown_after_its_qr_is_read_back() {
    let runtime = common::runtime();
    let fake = fake(&runtime, true);
    let dir = tempfile::tempdir().unwrap();
    let mut till = till(
        &runtime,
        &fake,
        &journal_in(&dir),
        &ManualClock::default(),
        OutputType::Image,
    );
    till.sell(500);
    let Screen::ShowingQr(shown) = till.screen() else {
        unreachable!("checked by sell");
    };
    assert!(shown.qr.grant.picture.is_some(), "PayU's picture is used");
    assert!(till.shows(QR_LABEL));
    assert!(till.shows("₹500.00"));
}

#[test]
fn the_history_screen_checks_a_sale_and_reconciles_the_day() {
    let runtime = common::runtime();
    let fake = fake(&runtime, false);
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::default();
    let writer = journal_in(&dir);
    // Sales from an earlier run of the till, withdrawn before PayU said anything, and settled.
    let at = counterqr::clock::Clock::now_utc(&clock);
    let earlier: Vec<Sale> = [500, 600, 700].map(common::sale).into();
    for sale in &earlier {
        let journal = writer.journal();
        journal
            .record(
                &Record::Requested {
                    sale: sale.clone(),
                    provider: ProviderId::Payu,
                },
                at,
            )
            .unwrap();
        journal
            .record(
                &Record::Cancelled {
                    reference: sale.reference.clone(),
                },
                at,
            )
            .unwrap();
    }
    fake.ledger.pay(&earlier[0]);
    fake.ledger.pay(&earlier[2]);
    let mut till = till(&runtime, &fake, &writer, &clock, OutputType::String);

    till.press(Key::H);
    let settled = |app: &CounterApp| {
        app.history()
            .is_some_and(|h| !h.loading && h.asking.is_none())
    };
    common::wait_until(&mut till.harness, "the day", settled);
    assert!(
        till.shows("cancelled: 3"),
        "withdrawn before PayU said anything"
    );
    // "Check status" on one sale: the first row is the newest, 700.
    till.harness
        .get_all_by_label("Check status")
        .next()
        .unwrap()
        .click();
    till.harness.run_steps(1);
    common::wait_until(&mut till.harness, "the check", settled);
    assert!(till.shows("is PAID (bank reference 612345678901)"));
    assert_eq!(till.record(&earlier[2]).paid_how, Some(PaidHow::Checked));
    // "Reconcile day": the rest.
    till.harness.get_by_label("Reconcile day").click();
    till.harness.run_steps(1);
    common::wait_until(&mut till.harness, "the reconciliation", settled);
    assert!(
        till.shows("Asked about 2 sales: 1 paid"),
        "the rest of the day"
    );
    assert!(till.shows("paid: 2"), "the list shows it");
    assert_eq!(till.record(&earlier[0]).paid_how, Some(PaidHow::Reconciled));
    assert_eq!(till.record(&earlier[1]).outcome, Outcome::Cancelled);
    let paid: HashSet<_> = earlier
        .iter()
        .filter(|s| till.record(s).outcome == Outcome::Paid)
        .map(|s| s.reference.clone())
        .collect();
    assert_eq!(paid.len(), 2);
}
