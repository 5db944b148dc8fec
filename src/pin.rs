//! The manager PIN's guard: every change to where the money goes (payment settings, any secret,
//! the PIN itself) is checked here, from the settings panel and from the command line alike.
//!
//! Wrong PINs back off: after [`FREE_TRIES`] wrong PINs in a row, each further try must wait,
//! 30 s after the fifth, doubling with each wrong PIN, up to an hour. The count and the time of
//! the last wrong PIN are kept in the OS keyring beside the PIN, so neither a restart nor another
//! settings file or data directory resets them; a count that cannot be read means the longest
//! wait, and one that cannot be written refuses the try. Each try is counted as wrong before the
//! PIN is compared (and forgiven when it was right), so tries made at once are all counted. A
//! wrong PIN is logged, never its digits. The comparison takes the same time however many digits
//! match.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use time::OffsetDateTime;

use crate::secrets::{Secret, SecretName, SecretStore};

/// Wrong PINs allowed in a row before each try must wait.
pub const FREE_TRIES: u32 = 5;
/// The wait after the first wrong PIN beyond the free ones.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait.
pub const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// One PIN check at a time in this process (the panel's saves run off the UI thread).
static ONE_CHECK_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinRefusal {
    #[error("Wrong manager PIN: nothing was changed.{}", tries_note(*.tries_left))]
    Wrong { tries_left: u32 },
    #[error(
        "Too many wrong manager PINs: try again in {} s. Nothing was changed.",
        .wait.as_secs().max(1)
    )]
    Wait { wait: Duration },
    #[error("The manager PIN cannot be checked ({0}), so nothing was changed.")]
    Unreadable(String),
}

fn tries_note(left: u32) -> String {
    match left {
        0 => " Further tries must wait.".to_owned(),
        1 => " 1 try left before a wait.".to_owned(),
        n => format!(" {n} tries left before a wait."),
    }
}

/// Wrong PINs in a row and when the last one was typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    pub wrong_in_a_row: u32,
    /// Unix seconds of the last wrong PIN.
    pub last_wrong: i64,
}

impl Attempts {
    /// How long after the last wrong PIN the next try must wait (zero while tries are free).
    pub fn wait(self) -> Duration {
        let Some(beyond) = self.wrong_in_a_row.checked_sub(FREE_TRIES) else {
            return Duration::ZERO;
        };
        let factor = 1u32.checked_shl(beyond.min(16)).unwrap_or(u32::MAX);
        FIRST_WAIT.saturating_mul(factor).min(LONGEST_WAIT)
    }

    /// The time still to wait at `now`; `None` when a try is allowed.
    pub fn still_to_wait(self, now: OffsetDateTime) -> Option<Duration> {
        let wait = self.wait();
        if wait.is_zero() {
            return None;
        }
        let since = now.unix_timestamp().saturating_sub(self.last_wrong);
        let since = Duration::from_secs(u64::try_from(since).unwrap_or(0));
        wait.checked_sub(since).filter(|left| !left.is_zero())
    }
}

/// The guard. Its attempts live in the secret store, beside the PIN.
#[derive(Debug, Clone, Copy, Default)]
pub struct PinGuard;

impl PinGuard {
    /// The attempts so far: none when nothing is kept; the longest wait, from `now`, when what
    /// is kept cannot be read (a corrupted or tampered record is not a fresh start).
    pub fn attempts(store: &dyn SecretStore, now: OffsetDateTime) -> Result<Attempts, PinRefusal> {
        let kept = store
            .get(SecretName::PinAttempts)
            .map_err(|e| PinRefusal::Unreadable(e.to_string()))?;
        let Some(kept) = kept else {
            return Ok(Attempts::default());
        };
        Ok(serde_json::from_str(kept.expose()).unwrap_or_else(|_| {
            tracing::warn!("the count of wrong manager PINs is unreadable: the longest wait");
            Attempts {
                wrong_in_a_row: FREE_TRIES.saturating_add(16),
                last_wrong: now.unix_timestamp(),
            }
        }))
    }

    fn save(store: &dyn SecretStore, attempts: Attempts) -> Result<(), PinRefusal> {
        let written = if attempts == Attempts::default() {
            store.delete(SecretName::PinAttempts)
        } else {
            let text = serde_json::to_string(&attempts).unwrap_or_default();
            store.set(SecretName::PinAttempts, &Secret::new(&text))
        };
        written.map_err(|e| {
            tracing::error!("the count of wrong manager PINs could not be kept: {e}");
            PinRefusal::Unreadable(format!("the count of wrong PINs cannot be kept: {e}"))
        })
    }

    /// Allows the change when no manager PIN is set, or when `typed` is it and no wait is due.
    /// `what` names the change, for the log.
    pub fn check(
        store: &dyn SecretStore,
        typed: &str,
        what: &str,
        now: OffsetDateTime,
    ) -> Result<(), PinRefusal> {
        let _one = ONE_CHECK_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let pin = match store.get(SecretName::ManagerPin) {
            Ok(None) => return Ok(()),
            Ok(Some(pin)) => pin,
            Err(e) => return Err(PinRefusal::Unreadable(e.to_string())),
        };
        let before = Self::attempts(store, now)?;
        if let Some(wait) = before.still_to_wait(now) {
            tracing::warn!(
                what,
                "change refused: PIN tries must wait {} s",
                wait.as_secs()
            );
            return Err(PinRefusal::Wait { wait });
        }
        // Counted as wrong first: a try whose count cannot be kept is not made.
        let attempts = Attempts {
            wrong_in_a_row: before.wrong_in_a_row.saturating_add(1),
            last_wrong: now.unix_timestamp(),
        };
        Self::save(store, attempts)?;
        let typed = typed.trim().as_bytes();
        if bool::from(typed.ct_eq(pin.expose().as_bytes())) {
            Self::save(store, Attempts::default())?;
            return Ok(());
        }
        tracing::warn!(
            what,
            wrong_in_a_row = attempts.wrong_in_a_row,
            "wrong manager PIN"
        );
        Err(PinRefusal::Wrong {
            tries_left: FREE_TRIES.saturating_sub(attempts.wrong_in_a_row),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{MemoryStore, Secret};

    fn store(pin: Option<&str>) -> MemoryStore {
        let store = MemoryStore::default();
        if let Some(pin) = pin {
            store
                .set(SecretName::ManagerPin, &Secret::new(pin))
                .expect("set");
        }
        store
    }

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_795_000_000 + secs).expect("time")
    }

    #[test]
    fn no_pin_set_lets_every_change_through() {
        assert_eq!(PinGuard::check(&store(None), "", "x", at(0)), Ok(()));
    }

    #[test]
    fn wrong_pins_back_off_and_the_count_survives_a_restart() {
        let store = store(Some("4321"));
        for i in 1..=FREE_TRIES {
            let refused = PinGuard::check(&store, "0000", "payu-key", at(i64::from(i)));
            assert_eq!(
                refused,
                Err(PinRefusal::Wrong {
                    tries_left: FREE_TRIES - i
                })
            );
        }
        // The sixth try, even with the right PIN, must wait: the wait is not a hint. The count
        // is in the keyring, so a restart (or another settings file) finds it.
        let refused = PinGuard::check(&store, "4321", "payu-key", at(6));
        assert_eq!(
            refused,
            Err(PinRefusal::Wait {
                wait: Duration::from_secs(29)
            })
        );
        assert!(refused.unwrap_err().to_string().contains("29 s"));
        // After the wait, the right PIN works and the count starts again.
        assert_eq!(PinGuard::check(&store, "4321", "payu-key", at(36)), Ok(()));
        assert_eq!(PinGuard::attempts(&store, at(36)), Ok(Attempts::default()));
        // The digits are kept nowhere but in the PIN itself.
        for i in 1..=2 {
            let _ = PinGuard::check(&store, "8642", "payu-key", at(40 + i));
        }
        let kept = store
            .get(SecretName::PinAttempts)
            .expect("read")
            .expect("kept");
        assert!(!kept.expose().contains("8642"), "{}", kept.expose());
    }

    #[test]
    fn a_count_that_cannot_be_read_or_kept_refuses() {
        let store = store(Some("4321"));
        store
            .set(SecretName::PinAttempts, &Secret::new("garbage"))
            .expect("set");
        let refused = PinGuard::check(&store, "4321", "x", at(0));
        assert!(
            matches!(refused, Err(PinRefusal::Wait { wait }) if wait == LONGEST_WAIT),
            "{refused:?}"
        );
        /// A keyring that reads but cannot write.
        struct ReadOnly(MemoryStore);
        impl SecretStore for ReadOnly {
            fn get(&self, name: SecretName) -> Result<Option<Secret>, crate::secrets::SecretError> {
                self.0.get(name)
            }
            fn set(&self, _: SecretName, _: &Secret) -> Result<(), crate::secrets::SecretError> {
                Err(crate::secrets::SecretError::Unreachable("read-only".into()))
            }
            fn delete(&self, _: SecretName) -> Result<(), crate::secrets::SecretError> {
                Err(crate::secrets::SecretError::Unreachable("read-only".into()))
            }
        }
        let read_only = ReadOnly(self::store(Some("4321")));
        for typed in ["0000", "4321"] {
            let refused = PinGuard::check(&read_only, typed, "x", at(0));
            assert!(
                matches!(refused, Err(PinRefusal::Unreadable(_))),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        let wait = |n| {
            Attempts {
                wrong_in_a_row: n,
                last_wrong: 0,
            }
            .wait()
            .as_secs()
        };
        assert_eq!([wait(4), wait(5), wait(6), wait(7)], [0, 30, 60, 120]);
        assert_eq!(wait(12), 3600);
        assert_eq!(wait(u32::MAX), 3600);
        let far = Attempts {
            wrong_in_a_row: 9,
            last_wrong: i64::MIN,
        };
        assert_eq!(
            far.still_to_wait(at(0)),
            None,
            "no overflow on a strange file"
        );
    }
}
