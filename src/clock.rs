//! Time for everything that waits: the monotonic clock for deadlines on screen, the wall clock for
//! the journal, and sleeping between status checks. The app uses the system's clocks; tests use a
//! [`ManualClock`] that they move by hand, so no test waits in real time for a deadline.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// A sleep in progress; it finishes when the clock has moved on by the time asked for.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A source of time.
pub trait Clock: Send + Sync {
    /// Now, on the monotonic clock: for deadlines measured while the program runs.
    fn now(&self) -> Instant;
    /// Now, on the wall clock (UTC): for what is written down and read back after a restart.
    fn now_utc(&self) -> OffsetDateTime;
    /// Waits `duration` on this clock.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// The clock the whole program shares.
pub type SharedClock = Arc<dyn Clock>;

/// The system's clocks and tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn now_utc(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        // Made when first polled, so a sleep may be created outside the runtime it runs on.
        Box::pin(async move { tokio::time::sleep(duration).await })
    }
}

/// The system clock, shared.
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock that moves only when told to ([`ManualClock::advance`]); sleeps on it end when it has
/// been moved past their end. For tests, which then run in no real time at all.
#[derive(Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

struct ManualState {
    start: Instant,
    start_utc: OffsetDateTime,
    elapsed: Duration,
    /// Each pending sleep: when it ends (as time since the start) and whom to wake.
    sleepers: Vec<(Duration, Waker)>,
}

impl std::fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ManualClock(+{:?})", self.lock().elapsed)
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::starting_at(OffsetDateTime::now_utc())
    }
}

impl ManualClock {
    /// A clock whose wall time starts at `utc`.
    pub fn starting_at(utc: OffsetDateTime) -> Self {
        Self {
            state: Arc::new(Mutex::new(ManualState {
                start: Instant::now(),
                start_utc: utc,
                elapsed: Duration::ZERO,
                sleepers: Vec::new(),
            })),
        }
    }

    /// Sets the wall clock alone forward or back by `by` (NTP correcting a PC that booted with a
    /// wrong date); the monotonic clock and every sleep are untouched.
    pub fn jump_wall_clock(&self, by: time::Duration) {
        let mut state = self.lock();
        state.start_utc = state.start_utc.checked_add(by).unwrap_or(state.start_utc);
    }

    /// Moves the clock on by `by` and wakes every sleep that has ended.
    pub fn advance(&self, by: Duration) {
        let wakers = {
            let mut state = self.lock();
            state.elapsed = state.elapsed.saturating_add(by);
            std::mem::take(&mut state.sleepers)
        };
        for (_, waker) in wakers {
            waker.wake();
        }
    }

    /// Whether some task is asleep on this clock until exactly `by` from now: a test waits for
    /// this before it moves the clock, so the sleep it means to end has surely begun.
    pub fn has_sleep_ending_in(&self, by: Duration) -> bool {
        let state = self.lock();
        let end = state.elapsed.saturating_add(by);
        state.sleepers.iter().any(|(until, _)| *until == end)
    }

    /// Whether some task is asleep on this clock until at most `by` from now: moving the clock
    /// by `by` will surely wake it.
    pub fn has_sleep_ending_within(&self, by: Duration) -> bool {
        let state = self.lock();
        let end = state.elapsed.saturating_add(by);
        state.sleepers.iter().any(|(until, _)| *until <= end)
    }

    /// How far the clock has been moved since it was made.
    pub fn elapsed(&self) -> Duration {
        self.lock().elapsed
    }

    /// The clock, shared.
    pub fn shared(&self) -> SharedClock {
        Arc::new(self.clone())
    }

    fn lock(&self) -> MutexGuard<'_, ManualState> {
        // A panic while the lock was held (only in a failing test) leaves the state usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let state = self.lock();
        state
            .start
            .checked_add(state.elapsed)
            .unwrap_or(state.start)
    }

    fn now_utc(&self) -> OffsetDateTime {
        let state = self.lock();
        time::Duration::try_from(state.elapsed)
            .ok()
            .and_then(|d| state.start_utc.checked_add(d))
            .unwrap_or(state.start_utc)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let until = self.lock().elapsed.saturating_add(duration);
        Box::pin(ManualSleep {
            clock: self.clone(),
            until,
        })
    }
}

/// A sleep on a [`ManualClock`].
struct ManualSleep {
    clock: ManualClock,
    until: Duration,
}

impl Future for ManualSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.clock.lock();
        if state.elapsed >= self.until {
            Poll::Ready(())
        } else {
            let until = self.until;
            state.sleepers.push((until, cx.waker().clone()));
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_sleep_ends_only_when_the_clock_is_moved_past_it() {
        let clock = ManualClock::default();
        let t0 = clock.now();
        let utc0 = clock.now_utc();
        let sleeping = tokio::spawn(clock.sleep(Duration::from_secs(60)));
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(59));
        tokio::task::yield_now().await;
        assert!(!sleeping.is_finished());
        clock.advance(Duration::from_secs(1));
        sleeping.await.expect("the sleep ends");
        assert_eq!(clock.now() - t0, Duration::from_secs(60));
        assert_eq!(clock.now_utc() - utc0, time::Duration::seconds(60));
    }

    #[test]
    fn a_system_sleep_can_be_made_outside_a_runtime() {
        let sleep = SystemClock.sleep(Duration::from_millis(1));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(sleep);
    }

    #[test]
    fn a_huge_advance_never_panics() {
        let clock = ManualClock::default();
        clock.advance(Duration::MAX);
        clock.advance(Duration::MAX);
        let _ = (clock.now(), clock.now_utc());
    }
}
