//! The manager PIN's guard: every change to where the money goes (payment settings, any secret,
//! the PIN itself) is checked here, from the settings panel and from the command line alike.
//!
//! Wrong PINs back off: after [`FREE_TRIES`] wrong PINs in a row, each further try must wait,
//! 30 s after the fifth, doubling with each wrong PIN, up to an hour. The count and the time of
//! the last wrong PIN are kept in a small file beside the settings, so a restart does not reset
//! them. A wrong PIN is logged, never its digits. The comparison takes the same time however
//! many digits match.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use time::OffsetDateTime;

use crate::secrets::{SecretName, SecretStore};

/// Wrong PINs allowed in a row before each try must wait.
pub const FREE_TRIES: u32 = 5;
/// The wait after the first wrong PIN beyond the free ones.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait.
pub const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// The file name of the attempts record, beside the settings file.
pub const ATTEMPTS_FILE: &str = "pin-attempts.json";

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

/// The guard, keeping its attempts at `file` (or in memory only, with `None`).
#[derive(Debug, Clone)]
pub struct PinGuard {
    file: Option<PathBuf>,
}

impl PinGuard {
    /// A guard keeping its attempts beside the settings file `config_path`.
    pub fn beside(config_path: &Path) -> Self {
        Self {
            file: Some(config_path.with_file_name(ATTEMPTS_FILE)),
        }
    }

    /// A guard that keeps nothing (no settings file).
    pub fn in_memory() -> Self {
        Self { file: None }
    }

    /// The attempts so far (none when the file is missing or unreadable).
    pub fn attempts(&self) -> Attempts {
        self.file
            .as_deref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    fn save(&self, attempts: Attempts) {
        let Some(file) = &self.file else { return };
        let written = serde_json::to_string(&attempts)
            .map_err(std::io::Error::other)
            .and_then(|text| std::fs::write(file, text));
        if let Err(e) = written {
            tracing::error!("the count of wrong manager PINs could not be kept: {e}");
        }
    }

    /// Allows the change when no manager PIN is set, or when `typed` is it and no wait is due.
    /// `what` names the change, for the log.
    pub fn check(
        &self,
        store: &dyn SecretStore,
        typed: &str,
        what: &str,
        now: OffsetDateTime,
    ) -> Result<(), PinRefusal> {
        let pin = match store.get(SecretName::ManagerPin) {
            Ok(None) => return Ok(()),
            Ok(Some(pin)) => pin,
            Err(e) => return Err(PinRefusal::Unreadable(e.to_string())),
        };
        let attempts = self.attempts();
        if let Some(wait) = attempts.still_to_wait(now) {
            tracing::warn!(
                what,
                "change refused: PIN tries must wait {} s",
                wait.as_secs()
            );
            return Err(PinRefusal::Wait { wait });
        }
        let typed = typed.trim().as_bytes();
        if bool::from(typed.ct_eq(pin.expose().as_bytes())) {
            if attempts != Attempts::default() {
                self.save(Attempts::default());
            }
            return Ok(());
        }
        let attempts = Attempts {
            wrong_in_a_row: attempts.wrong_in_a_row.saturating_add(1),
            last_wrong: now.unix_timestamp(),
        };
        self.save(attempts);
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
        let guard = PinGuard::in_memory();
        assert_eq!(guard.check(&store(None), "", "x", at(0)), Ok(()));
    }

    #[test]
    fn wrong_pins_back_off_and_the_count_survives_a_restart() {
        let dir = tempfile::tempdir().expect("dir");
        let config = dir.path().join("config.toml");
        let store = store(Some("4321"));
        let guard = PinGuard::beside(&config);
        for i in 1..=FREE_TRIES {
            let refused = guard.check(&store, "0000", "payu-key", at(i64::from(i)));
            assert_eq!(
                refused,
                Err(PinRefusal::Wrong {
                    tries_left: FREE_TRIES - i
                })
            );
        }
        // The sixth try, even with the right PIN, must wait: the wait is not a hint.
        let restarted = PinGuard::beside(&config);
        let refused = restarted.check(&store, "4321", "payu-key", at(6));
        assert_eq!(
            refused,
            Err(PinRefusal::Wait {
                wait: Duration::from_secs(29)
            })
        );
        assert!(refused.unwrap_err().to_string().contains("29 s"));
        // After the wait, the right PIN works and the count starts again.
        assert_eq!(restarted.check(&store, "4321", "payu-key", at(36)), Ok(()));
        assert_eq!(restarted.attempts(), Attempts::default());
        // The digits are in no file.
        let kept = std::fs::read_to_string(dir.path().join(ATTEMPTS_FILE)).expect("file");
        assert!(!kept.contains("4321") && !kept.contains("0000"), "{kept}");
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
