//! The one watch over every sale whose payment may still arrive: while its QR is on screen, after
//! it expired or was withdrawn (for the grace the shop set), and after the till restarted. Each
//! sale is asked about on its own task, on the injected clock, until the gateway says it is paid
//! or its watch ends. What the watch finds is reported; the flow decides what it means and the
//! recorder writes it. The window and `counterqr request --wait` both watch through here.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use tokio::runtime::Handle;
use tokio::task::AbortHandle;

use crate::clock::SharedClock;
use crate::domain::{PaymentStatus, Sale, SaleRef};
pub use crate::flow::WatchReport;
use crate::gateway::Gateway;

/// The longest wait between two checks of one sale after failed or unreadable answers.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// No watch lasts longer than this, whatever the times it is given.
pub const LONGEST_WATCH: Duration = Duration::from_secs(7 * 24 * 3600);

/// A sale being watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedSale {
    pub sale: Sale,
    /// When the sale was made (or its QR shown): to name it in a notice.
    pub since: OffsetDateTime,
    /// When the watch ends, on the wall clock.
    pub until: OffsetDateTime,
    /// Picked up again from the journal after the till restarted.
    pub resumed: bool,
}

impl WatchedSale {
    /// A sale whose QR was shown at `now` with `expires_in` left, watched `grace` beyond that.
    pub fn shown(sale: Sale, now: OffsetDateTime, expires_in: Duration, grace: Duration) -> Self {
        let watch = time::Duration::try_from(expires_in.saturating_add(grace)).ok();
        let until = watch.and_then(|w| now.checked_add(w)).unwrap_or(now);
        Self {
            sale,
            since: now,
            until,
            resumed: false,
        }
    }
}

/// Where reports go (the window's event channel, or the command line's).
pub type Report = Arc<dyn Fn(WatchedSale, WatchReport) + Send + Sync>;

/// The watch: one task per sale, all on one runtime.
#[derive(Clone)]
pub struct Watcher {
    runtime: Handle,
    clock: SharedClock,
    report: Report,
    watched: Arc<Mutex<HashMap<SaleRef, Entry>>>,
    /// Signalled whenever a task goes to sleep or ends (see [`Watcher::wait_until_quiet`]).
    changed: Arc<Condvar>,
}

/// A sale's task and until when it runs (extended when the same sale shows a new QR).
struct Entry {
    /// The end of the watch on the monotonic clock, fixed when the watch starts: a jump of the
    /// wall clock (NTP correcting a PC that booted with a wrong date) neither ends nor stretches it.
    ends: Instant,
    task: AbortHandle,
    /// Until when the task sleeps, while it does (on the monotonic clock).
    asleep_until: Option<Instant>,
}

impl Watcher {
    /// A watch running its tasks on `runtime`, timed by `clock`, reporting to `report`.
    pub fn new(runtime: Handle, clock: SharedClock, report: Report) -> Self {
        Self {
            runtime,
            clock,
            report,
            watched: Arc::new(Mutex::new(HashMap::new())),
            changed: Arc::new(Condvar::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<SaleRef, Entry>> {
        self.watched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Watches `sale` through `gateway` until it is paid or `sale.until` passes. A sale already
    /// watched keeps its task, and its watch is extended to the later end.
    pub fn watch(&self, gateway: Arc<dyn Gateway>, sale: WatchedSale) {
        let ends = self.monotonic(sale.until);
        let mut watched = self.lock();
        if let Some(entry) = watched.get_mut(&sale.sale.reference) {
            entry.ends = entry.ends.max(ends);
            return;
        }
        let reference = sale.sale.reference.clone();
        let task = self.runtime.spawn(self.clone().watch_one(gateway, sale));
        watched.insert(
            reference,
            Entry {
                ends,
                task: task.abort_handle(),
                asleep_until: None,
            },
        );
    }

    /// Asks once about `sale` (a sale past its watch, after a restart): paid, failed, no payment
    /// (the watch is then over), or undecided.
    pub fn check_once(&self, gateway: Arc<dyn Gateway>, sale: WatchedSale) {
        let report = self.report.clone();
        self.runtime.spawn(async move {
            let found = match gateway.check_status(&sale.sale).await {
                Ok(PaymentStatus::Paid(details)) => WatchReport::Paid(details),
                Ok(PaymentStatus::Failed { reason }) => WatchReport::Ended {
                    last_failure: Some(reason),
                },
                Ok(PaymentStatus::Pending) => WatchReport::Ended { last_failure: None },
                Ok(PaymentStatus::Unknown { why }) => WatchReport::Undecided(why),
                Err(e) => WatchReport::Undecided(e.to_string()),
            };
            report(sale, found);
        });
    }

    /// Whether `reference` is being watched now.
    pub fn is_watching(&self, reference: &SaleRef) -> bool {
        self.lock().contains_key(reference)
    }

    /// How many sales are being watched now.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// Waits, for at most `limit`, until every watch task is asleep with its wake-up still ahead
    /// on the clock, or has ended: whatever the clock's last move led to (a check, a report) has
    /// then happened. For tests that move a [`crate::clock::ManualClock`]; false on the limit.
    pub fn wait_until_quiet(&self, limit: Duration) -> bool {
        let start = Instant::now();
        let mut watched = self.lock();
        loop {
            let now = self.clock.now();
            if watched
                .values()
                .all(|e| e.asleep_until.is_some_and(|wake| wake > now))
            {
                return true;
            }
            let Some(left) = limit.checked_sub(start.elapsed()) else {
                return false;
            };
            watched = self
                .changed
                .wait_timeout(watched, left)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    }

    /// Notes that `reference`'s task sleeps until `wake` (or is awake, with `None`).
    fn note_sleep(&self, reference: &SaleRef, wake: Option<Instant>) {
        if let Some(entry) = self.lock().get_mut(reference) {
            entry.asleep_until = wake;
        }
        self.changed.notify_all();
    }

    /// Stops every watch (the window is closing).
    pub fn stop_all(&self) {
        for (_, entry) in self.lock().drain() {
            entry.task.abort();
        }
    }

    /// The moment on the monotonic clock that is `until` on the wall clock now (now, when
    /// `until` has passed; at most [`LONGEST_WATCH`] ahead).
    fn monotonic(&self, until: OffsetDateTime) -> Instant {
        let now = self.clock.now();
        let left = Duration::try_from(until - self.clock.now_utc()).unwrap_or(Duration::ZERO);
        now.checked_add(left.min(LONGEST_WATCH)).unwrap_or(now)
    }

    /// The time left until this sale's watch ends, or `None` when it has ended (and then the
    /// sale is no longer listed).
    fn left(&self, reference: &SaleRef) -> Option<Duration> {
        let watched = self.lock();
        let ends = watched.get(reference)?.ends;
        ends.checked_duration_since(self.clock.now())
            .filter(|left| !left.is_zero())
    }

    /// The watch over `reference` is over: it leaves the list.
    fn end(&self, reference: &SaleRef) {
        self.lock().remove(reference);
        self.changed.notify_all();
    }

    /// Ends the watch over `sale` with `report` unless a new QR extended it meanwhile (checked
    /// under the same lock that extends it, so no extension is lost). True when it ended.
    fn finish_unless_extended(&self, sale: &WatchedSale, report: WatchReport) -> bool {
        let mut watched = self.lock();
        let reference = &sale.sale.reference;
        let now = self.clock.now();
        if watched.get(reference).is_some_and(|e| e.ends > now) {
            return false;
        }
        (self.report)(sale.clone(), report);
        watched.remove(reference);
        drop(watched);
        self.changed.notify_all();
        true
    }

    async fn watch_one(self, gateway: Arc<dyn Gateway>, sale: WatchedSale) {
        let reference = sale.sale.reference.clone();
        let interval = gateway.status_interval();
        let mut wait = interval;
        let mut last_failure: Option<String> = None;
        loop {
            let Some(left) = self.left(&reference) else {
                let ended = WatchReport::Ended {
                    last_failure: last_failure.clone(),
                };
                if self.finish_unless_extended(&sale, ended) {
                    return;
                }
                continue;
            };
            let nap = wait.min(left);
            let sleep = self.clock.sleep(nap);
            self.note_sleep(&reference, self.clock.now().checked_add(nap));
            sleep.await;
            self.note_sleep(&reference, None);
            match gateway.check_status(&sale.sale).await {
                Ok(PaymentStatus::Paid(details)) => {
                    tracing::info!(sale = %reference, amount = %sale.sale.amount,
                        "payment confirmed by the gateway");
                    (self.report)(sale, WatchReport::Paid(details));
                    self.end(&reference);
                    return;
                }
                Ok(PaymentStatus::Failed { reason }) => {
                    wait = next_wait(wait, interval, true);
                    if last_failure.as_ref() != Some(&reason) {
                        tracing::info!(sale = %reference, "payment attempt failed: {reason}");
                        last_failure = Some(reason.clone());
                        (self.report)(sale.clone(), WatchReport::AttemptFailed(reason));
                    }
                }
                Ok(PaymentStatus::Pending) => wait = next_wait(wait, interval, true),
                Ok(PaymentStatus::Unknown { why }) => {
                    tracing::warn!(sale = %reference, "status not understood, asking again: {why}");
                    wait = next_wait(wait, interval, false);
                }
                Err(e) => {
                    tracing::warn!(sale = %reference, "status check failed, asking again: {e}");
                    wait = next_wait(wait, interval, false);
                }
            }
        }
    }
}

/// The wait before the next check: the gateway's interval after a clear answer, doubling (to at
/// most [`MAX_BACKOFF`]) after an error or an answer that could not be read.
pub fn next_wait(wait: Duration, interval: Duration, answered: bool) -> Duration {
    if answered {
        interval
    } else {
        wait.saturating_mul(2).min(MAX_BACKOFF).max(interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::domain::{Customer, PaidDetails, Paise, ProviderId, QrGrant};
    use crate::gateway::{GatewayError, GatewayFuture};
    use std::sync::mpsc::{Receiver, channel};

    /// A gateway whose answers the test sets.
    struct Scripted {
        answer: Mutex<Result<PaymentStatus, String>>,
        asked: Mutex<u32>,
    }

    impl Scripted {
        fn new(answer: PaymentStatus) -> Arc<Self> {
            Arc::new(Self {
                answer: Mutex::new(Ok(answer)),
                asked: Mutex::new(0),
            })
        }
        fn set(&self, answer: Result<PaymentStatus, String>) {
            *self.answer.lock().expect("lock") = answer;
        }
        fn asked(&self) -> u32 {
            *self.asked.lock().expect("lock")
        }
    }

    impl Gateway for Scripted {
        fn id(&self) -> ProviderId {
            ProviderId::Payu
        }
        fn max_amount(&self) -> Paise {
            Paise::from_rupees(1000)
        }
        fn confirms_payment(&self) -> bool {
            true
        }
        fn request_qr<'a>(&'a self, _: &'a Sale) -> GatewayFuture<'a, QrGrant> {
            Box::pin(async { Err(GatewayError::Unsupported("no QRs here".into())) })
        }
        fn check_status<'a>(&'a self, _: &'a Sale) -> GatewayFuture<'a, PaymentStatus> {
            *self.asked.lock().expect("lock") += 1;
            let answer = self.answer.lock().expect("lock").clone();
            Box::pin(async move {
                answer.map_err(|detail| GatewayError::Unreachable {
                    provider: "test",
                    detail,
                })
            })
        }
    }

    struct Fixture {
        runtime: tokio::runtime::Runtime,
        clock: ManualClock,
        watcher: Watcher,
        reports: Receiver<(SaleRef, WatchReport)>,
    }

    fn fixture() -> Fixture {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let clock = ManualClock::default();
        let (tx, reports) = channel();
        let tx = Mutex::new(tx);
        let report: Report = Arc::new(move |sale: WatchedSale, report| {
            let _ = tx.lock().expect("lock").send((sale.sale.reference, report));
        });
        let watcher = Watcher::new(runtime.handle().clone(), clock.shared(), report);
        Fixture {
            runtime,
            clock,
            watcher,
            reports,
        }
    }

    fn watched(f: &Fixture, rupees: u64, for_secs: i64) -> WatchedSale {
        let now = crate::clock::Clock::now_utc(&f.clock);
        WatchedSale {
            sale: Sale::new(
                crate::reference::new_sale_ref(),
                Paise::from_rupees(rupees),
                Customer::default(),
            ),
            since: now,
            until: now + time::Duration::seconds(for_secs),
            resumed: false,
        }
    }

    const LIMIT: Duration = Duration::from_secs(10);

    impl Fixture {
        /// Moves the clock on by `secs` and waits until the watch has done what that led to.
        fn advance(&self, secs: u64) {
            self.clock.advance(Duration::from_secs(secs));
            assert!(
                self.watcher.wait_until_quiet(LIMIT),
                "the watch never settled"
            );
        }

        /// Moves the clock on a second at a time until a report comes.
        fn next_report(&self, most_secs: u32) -> (SaleRef, WatchReport) {
            assert!(
                self.watcher.wait_until_quiet(LIMIT),
                "the watch never settled"
            );
            for _ in 0..=most_secs {
                if let Ok(report) = self.reports.try_recv() {
                    return report;
                }
                self.advance(1);
            }
            panic!("no report within {most_secs} s of the test clock");
        }
    }

    #[test]
    fn a_jump_of_the_wall_clock_neither_ends_nor_stretches_a_watch() {
        let f = fixture();
        let gateway = Scripted::new(PaymentStatus::Pending);
        let forward = watched(&f, 500, 420);
        f.watcher.watch(gateway.clone(), forward.clone());
        f.advance(6);
        f.clock.jump_wall_clock(time::Duration::days(1));
        f.advance(3);
        assert!(
            f.watcher.is_watching(&forward.sale.reference),
            "a day's jump ended it"
        );
        gateway.set(Ok(PaymentStatus::Paid(PaidDetails::default())));
        let (reference, report) = f.next_report(10);
        assert_eq!(reference, forward.sale.reference);
        assert!(matches!(report, WatchReport::Paid(_)), "{report:?}");

        // Back by a day: the watch still ends 420 s after it began, not a day later.
        let backward = watched(&f, 300, 420);
        gateway.set(Ok(PaymentStatus::Pending));
        f.watcher.watch(gateway.clone(), backward.clone());
        f.clock.jump_wall_clock(time::Duration::days(-2));
        let (_, report) = f.next_report(425);
        assert!(matches!(report, WatchReport::Ended { .. }), "{report:?}");
    }

    #[test]
    fn every_sale_is_watched_on_its_own_until_paid_or_its_watch_ends() {
        let f = fixture();
        let gateway = Scripted::new(PaymentStatus::Pending);
        let first = watched(&f, 100, 30);
        let second = watched(&f, 200, 60);
        f.watcher.watch(gateway.clone(), first.clone());
        f.watcher.watch(gateway.clone(), second.clone());
        assert_eq!(f.watcher.count(), 2);
        let (reference, report) = f.next_report(40);
        assert_eq!(reference, first.sale.reference);
        assert_eq!(report, WatchReport::Ended { last_failure: None });
        assert!(
            f.watcher.is_watching(&second.sale.reference),
            "the second is still watched"
        );
        gateway.set(Ok(PaymentStatus::Paid(PaidDetails::default())));
        let (reference, report) = f.next_report(10);
        assert_eq!(reference, second.sale.reference);
        assert!(matches!(report, WatchReport::Paid(_)));
        assert_eq!(f.watcher.count(), 0);
        drop(f.runtime);
    }

    #[test]
    fn a_failed_attempt_is_reported_once_and_the_watch_goes_on() {
        let f = fixture();
        let gateway = Scripted::new(PaymentStatus::Failed {
            reason: "declined".into(),
        });
        let sale = watched(&f, 100, 20);
        f.watcher.watch(gateway.clone(), sale);
        assert_eq!(
            f.next_report(5).1,
            WatchReport::AttemptFailed("declined".into())
        );
        assert_eq!(
            f.next_report(30).1,
            WatchReport::Ended {
                last_failure: Some("declined".into())
            }
        );
        assert!(gateway.asked() > 2, "asked again after the failure");
    }

    #[test]
    fn a_new_qr_for_the_same_sale_extends_its_watch() {
        let f = fixture();
        let gateway = Scripted::new(PaymentStatus::Pending);
        let sale = watched(&f, 100, 10);
        f.watcher.watch(gateway.clone(), sale.clone());
        let mut longer = sale.clone();
        longer.until = sale.until + time::Duration::seconds(100);
        f.watcher.watch(gateway.clone(), longer);
        assert_eq!(f.watcher.count(), 1, "one task per sale");
        for _ in 0..50 {
            f.advance(1);
        }
        assert!(f.reports.try_recv().is_err());
        assert!(f.watcher.is_watching(&sale.sale.reference));
    }

    #[test]
    fn errors_back_off_to_a_minute_and_a_clear_answer_resets_the_pace() {
        let interval = Duration::from_secs(3);
        let mut wait = interval;
        let mut waits = Vec::new();
        for _ in 0..7 {
            wait = next_wait(wait, interval, false);
            waits.push(wait.as_secs());
        }
        assert_eq!(waits, [6, 12, 24, 48, 60, 60, 60]);
        assert_eq!(next_wait(wait, interval, true), interval);
        assert_eq!(next_wait(Duration::MAX, interval, false), MAX_BACKOFF);
    }

    #[test]
    fn unreadable_answers_and_errors_never_end_the_watch_early() {
        let f = fixture();
        let gateway = Scripted::new(PaymentStatus::Unknown { why: "??".into() });
        let sale = watched(&f, 100, 600);
        f.watcher.watch(gateway.clone(), sale);
        for _ in 0..100 {
            f.advance(1);
        }
        assert!(f.reports.try_recv().is_err());
        let asked = gateway.asked();
        assert!(
            (2..=8).contains(&asked),
            "backed off: asked {asked} times in 100 s"
        );
        gateway.set(Err("down".into()));
        for _ in 0..100 {
            f.advance(1);
        }
        assert!(f.reports.try_recv().is_err());
        gateway.set(Ok(PaymentStatus::Paid(PaidDetails::default())));
        assert!(matches!(f.next_report(200).1, WatchReport::Paid(_)));
    }

    #[test]
    fn a_single_check_settles_or_stays_undecided() {
        let f = fixture();
        let sale = watched(&f, 100, -5);
        f.watcher
            .check_once(Scripted::new(PaymentStatus::Pending), sale.clone());
        let report = f.reports.recv_timeout(LIMIT).expect("a report");
        assert_eq!(report.1, WatchReport::Ended { last_failure: None });
        f.watcher.check_once(
            Scripted::new(PaymentStatus::Unknown { why: "x".into() }),
            sale,
        );
        let report = f.reports.recv_timeout(LIMIT).expect("a report");
        assert!(matches!(report.1, WatchReport::Undecided(_)));
    }
}
