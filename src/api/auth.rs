//! Who may call the API: `Authorization: Bearer <token>`, the token being the keyring's
//! `api-token`, compared in constant time. Repeated failures from one address are slowed down:
//! after five within ten minutes, each further call from there waits (one second, doubling, up to
//! half a minute) before it is answered, and the answer says when to retry.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use subtle::ConstantTimeEq as _;

use crate::secrets::{Secret, SecretError, SecretName, SecretStore};

/// Opens the secret store (the OS keyring in the app).
pub type SecretsOpener = Arc<dyn Fn() -> Result<Arc<dyn SecretStore>, SecretError> + Send + Sync>;

/// Failures an address may have before it is slowed down.
const FREE_FAILURES: u32 = 5;
/// How long failures are remembered.
const WINDOW: Duration = Duration::from_secs(600);
/// The longest wait.
const MAX_WAIT: Duration = Duration::from_secs(30);
/// How long the token read from the keyring is trusted: a replaced or deleted token stops
/// working within this.
const TOKEN_FRESH: Duration = Duration::from_secs(30);
/// A wrong token reads the keyring again (it may have just been set), at most this often.
const RELOAD_GAP: Duration = Duration::from_secs(1);
/// Addresses whose failures are remembered; beyond it those with the fewest (the stalest of
/// them) are forgotten, so a guesser's own record outlasts one-off failures from elsewhere.
const REMEMBERED_ADDRESSES: usize = 1024;

/// Why a call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    /// Set once the address is being slowed down.
    pub retry_after: Option<Duration>,
}

/// The failures of one address (an IPv6 /64 counts as one).
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    since: Instant,
    /// When the next wrong try from here may be answered: wrong tries queue, so trying many at
    /// once is no faster than one after another.
    next_slot: Instant,
}

/// The token as last read from the keyring, and when.
#[derive(Default)]
struct Cached {
    token: Option<Secret>,
    read_at: Option<Instant>,
}

/// The token check and the failure count per address. A right token is never slowed down: the
/// wait falls only on wrong ones, so a burst of bad guesses does not stall the biller.
#[derive(Clone)]
pub struct TokenGate {
    secrets: SecretsOpener,
    token: Arc<Mutex<Cached>>,
    failures: Arc<Mutex<HashMap<IpAddr, Failures>>>,
}

/// `Bearer <token>` (the scheme in any case, RFC 9110), the token trimmed.
fn bearer(header: Option<&str>) -> Option<&str> {
    let (scheme, token) = header?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The address failures are counted against: an IPv4-mapped address as IPv4, an IPv6 address by
/// its /64 (one machine usually has a whole /64).
fn counted_as(from: IpAddr) -> IpAddr {
    match from {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(Ipv6Addr::from(segments))
            }
        },
        v4 @ IpAddr::V4(_) => v4,
    }
}

/// The wait after the `count`th failure: from the fifth on, one second, doubling, up to
/// [`MAX_WAIT`].
fn penalty_for(count: u32) -> Option<Duration> {
    let over = count.checked_sub(FREE_FAILURES)?;
    let secs = 1_u64.checked_shl(over.min(16)).unwrap_or(u64::MAX);
    Some(Duration::from_secs(secs).min(MAX_WAIT))
}

impl TokenGate {
    pub fn new(secrets: SecretsOpener) -> Self {
        Self {
            secrets,
            token: Arc::new(Mutex::new(Cached::default())),
            failures: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn failures(&self) -> MutexGuard<'_, HashMap<IpAddr, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn cached(&self) -> MutexGuard<'_, Cached> {
        self.token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long `from`'s next wrong try would wait; `None` before its fifth failure.
    pub fn penalty(&self, from: IpAddr) -> Option<Duration> {
        let mut failures = self.failures();
        let key = counted_as(from);
        let entry = *failures.get(&key)?;
        if entry.since.elapsed() > WINDOW {
            failures.remove(&key);
            return None;
        }
        penalty_for(entry.count)
    }

    /// Checks the `Authorization` header of a call from `from`. The right token always passes at
    /// once, whatever others sent from the same address; only wrong ones wait, or are refused
    /// at once when the queue of wrong tries from there is full.
    pub async fn check(&self, header: Option<&str>, from: IpAddr) -> Result<(), Refused> {
        let Some(offered) = bearer(header) else {
            return Err(self.fail(from, "send Authorization: Bearer <token>").await);
        };
        let stale = self
            .cached()
            .read_at
            .is_none_or(|at| at.elapsed() > TOKEN_FRESH);
        let mut problem = if stale {
            self.reload().await.err()
        } else {
            None
        };
        if !self.matches(offered) && problem.is_none() && !stale && self.may_reload() {
            // The token may have just been replaced (`counterqr api new-token`).
            problem = self.reload().await.err();
        }
        if self.matches(offered) {
            self.failures().remove(&counted_as(from));
            return Ok(());
        }
        let why = problem.unwrap_or_else(|| "the token is wrong".to_owned());
        Err(self.fail(from, &why).await)
    }

    fn matches(&self, offered: &str) -> bool {
        self.cached().token.as_ref().is_some_and(|token| {
            let expected = token.expose().as_bytes();
            // Constant time over the token's bytes; a different length is a different token.
            expected.len() == offered.len() && bool::from(expected.ct_eq(offered.as_bytes()))
        })
    }

    fn may_reload(&self) -> bool {
        self.cached()
            .read_at
            .is_none_or(|at| at.elapsed() >= RELOAD_GAP)
    }

    /// Reads the token from the keyring (off the async threads). A token that cannot be read
    /// is no token: nothing passes until it can be.
    async fn reload(&self) -> Result<(), String> {
        let secrets = self.secrets.clone();
        let read = tokio::task::spawn_blocking(move || {
            secrets().and_then(|store| store.get(SecretName::ApiToken))
        })
        .await
        .map_err(|_| "the keyring could not be read".to_owned())
        .and_then(|read| read.map_err(|e| e.to_string()));
        let token = read
            .as_ref()
            .ok()
            .cloned()
            .flatten()
            .filter(|t| !t.is_empty());
        let missing = token.is_none();
        *self.cached() = Cached {
            token,
            read_at: Some(Instant::now()),
        };
        match read {
            Err(problem) => Err(problem),
            Ok(_) if missing => {
                Err("no API token is set on this till: run `counterqr api new-token`".to_owned())
            }
            Ok(_) => Ok(()),
        }
    }

    /// Notes a failure from `from` and waits its turn before answering.
    async fn fail(&self, from: IpAddr, why: &str) -> Refused {
        let (wait, refused) = self.failed(from, why);
        if let Some(wait) = wait {
            tokio::time::sleep(wait).await;
        }
        refused
    }

    /// Notes a failure from `from` (logged without the token): how long its answer waits, and
    /// the refusal.
    fn failed(&self, from: IpAddr, why: &str) -> (Option<Duration>, Refused) {
        let now = Instant::now();
        let key = counted_as(from);
        let (count, wait) = {
            let mut failures = self.failures();
            if !failures.contains_key(&key) && failures.len() >= REMEMBERED_ADDRESSES {
                failures.retain(|_, f| f.since.elapsed() <= WINDOW);
                if failures.len() >= REMEMBERED_ADDRESSES
                    && let Some(stalest) = failures
                        .iter()
                        .min_by_key(|(_, f)| (f.count, f.since))
                        .map(|(address, _)| *address)
                {
                    failures.remove(&stalest);
                }
            }
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                since: now,
                next_slot: now,
            });
            if entry.since.elapsed() > WINDOW {
                *entry = Failures {
                    count: 0,
                    since: now,
                    next_slot: now,
                };
            }
            entry.count = entry.count.saturating_add(1);
            let queued = entry.next_slot.saturating_duration_since(now);
            if queued > MAX_WAIT {
                // So many wrong tries wait already that this one is refused at once (holding no
                // connection open).
                let count = entry.count;
                drop(failures);
                tracing::warn!(%from, failures = count, "API call refused: queue of wrong tokens full");
                return (
                    None,
                    Refused {
                        message: "Not authorised: too many wrong tokens from this address; \
                                  try later."
                            .to_owned(),
                        retry_after: Some(queued),
                    },
                );
            }
            let penalty = penalty_for(entry.count);
            let wait = penalty.map(|penalty| {
                let slot = entry.next_slot.max(now) + penalty;
                entry.next_slot = slot;
                slot.saturating_duration_since(now)
            });
            (entry.count, wait)
        };
        tracing::warn!(%from, failures = count, "API call refused: {why}");
        let refused = Refused {
            message: format!("Not authorised: {why}."),
            retry_after: penalty_for(count),
        };
        (wait, refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    fn gate(token: Option<&str>) -> TokenGate {
        let store = Arc::new(MemoryStore::default());
        if let Some(token) = token {
            store
                .set(SecretName::ApiToken, &Secret::new(token))
                .expect("set");
        }
        TokenGate::new(Arc::new(move || Ok(store.clone() as Arc<dyn SecretStore>)))
    }

    fn here() -> IpAddr {
        IpAddr::from([127, 0, 0, 1])
    }

    #[tokio::test]
    async fn only_the_keyrings_token_passes() {
        let gate = gate(Some("s3cret-token"));
        assert!(
            gate.check(Some("Bearer s3cret-token"), here())
                .await
                .is_ok()
        );
        for wrong in [
            None,
            Some(""),
            Some("Bearer"),
            Some("Bearer s3cret-tokeN"),
            Some("Bearer s3cret-token-and-more"),
            Some("Basic s3cret-token"),
            Some("s3cret-token"),
        ] {
            let refused = gate.check(wrong, here()).await.expect_err("refused");
            assert!(!refused.message.contains("s3cret"), "{refused:?}");
        }
    }

    #[tokio::test]
    async fn no_token_set_refuses_everything() {
        let gate = gate(None);
        let refused = gate
            .check(Some("Bearer x"), here())
            .await
            .expect_err("no token");
        assert!(refused.message.contains("api new-token"), "{refused:?}");
    }

    #[test]
    fn repeated_failures_from_one_address_are_slowed_down() {
        let gate = gate(Some("t"));
        let other = IpAddr::from([10, 0, 0, 9]);
        for _ in 1..FREE_FAILURES {
            assert_eq!(gate.failed(here(), "wrong").1.retry_after, None);
        }
        let waits: Vec<u64> = (0..7)
            .map(|_| {
                gate.failed(here(), "wrong")
                    .1
                    .retry_after
                    .map_or(0, |d| d.as_secs())
            })
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(gate.penalty(other), None, "another address is not slowed");
    }

    #[tokio::test]
    async fn the_scheme_is_read_in_any_case() {
        let gate = gate(Some("tok"));
        for header in ["Bearer tok", "bearer tok", "BEARER  tok ", " Bearer tok"] {
            assert!(gate.check(Some(header), here()).await.is_ok(), "{header}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_right_token_is_never_slowed_by_wrong_ones() {
        let gate = gate(Some("tok"));
        for _ in 0..8 {
            let _ = gate.failed(here(), "wrong");
        }
        let before = tokio::time::Instant::now();
        assert!(gate.check(Some("Bearer tok"), here()).await.is_ok());
        assert_eq!(
            before.elapsed(),
            Duration::ZERO,
            "no wait for the right token"
        );
        assert_eq!(gate.penalty(here()), None, "and it forgives the address");
        // A wrong one waits its turn (paused time: the wait shows on tokio's clock).
        for _ in 0..6 {
            let _ = gate.failed(here(), "wrong");
        }
        let before = tokio::time::Instant::now();
        assert!(gate.check(Some("Bearer nope"), here()).await.is_err());
        assert!(
            before.elapsed() >= Duration::from_secs(2),
            "{:?}",
            before.elapsed()
        );
    }

    #[test]
    fn wrong_tries_at_once_queue_and_beyond_the_queue_are_refused_at_once() {
        let gate = gate(Some("t"));
        let mut waits = Vec::new();
        for _ in 0..10 {
            // In whole seconds, rounded (a few microseconds pass between the tries).
            let wait = gate.failed(here(), "wrong").0.unwrap_or_default();
            waits.push((wait.as_millis() + 500) / 1000);
        }
        // Tried at once, each waits for the ones before it: 1, then 1+2, 1+2+4…, and once more
        // than 30 s are queued, a wrong try is refused at once, holding nothing open.
        assert_eq!(&waits[4..], [1, 3, 7, 15, 31, 0]);
        let (wait, refused) = gate.failed(here(), "wrong");
        assert_eq!(wait, None);
        assert!(refused.retry_after.is_some_and(|r| r > MAX_WAIT));
        assert!(refused.message.contains("too many wrong tokens"));
    }

    #[tokio::test(start_paused = true)]
    async fn wrong_tries_from_a_neighbour_never_stop_the_right_token() {
        let gate = gate(Some("tok"));
        let biller: IpAddr = "2001:db8:0:1::10".parse().expect("ip");
        let guesser: IpAddr = "2001:db8:0:1::bad".parse().expect("ip");
        assert!(gate.check(Some("Bearer tok"), biller).await.is_ok());
        let mut guesses = Vec::new();
        for _ in 0..40 {
            let g = gate.clone();
            guesses.push(tokio::spawn(async move {
                let t0 = tokio::time::Instant::now();
                let refused = g.check(Some("Bearer guess"), guesser).await.is_err();
                (t0.elapsed(), refused)
            }));
        }
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        let before = tokio::time::Instant::now();
        assert!(gate.check(Some("Bearer tok"), biller).await.is_ok());
        assert_eq!(before.elapsed(), Duration::ZERO);
        for guess in guesses {
            let (waited, refused) = guess.await.expect("task");
            assert!(refused);
            assert!(
                waited <= MAX_WAIT * 2 + Duration::from_secs(1),
                "held {waited:?}"
            );
        }
    }

    #[test]
    fn failures_are_counted_per_slash_64_and_the_memory_is_bounded() {
        let gate = gate(Some("t"));
        for host in 1..=6_u16 {
            let _ = gate.failed(IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, host]), "wrong");
        }
        let same_64 = IpAddr::from([0x2001, 0xdb8, 0, 1, 9, 9, 9, 9]);
        assert!(gate.penalty(same_64).is_some(), "one /64 is one address");
        let other_64 = IpAddr::from([0x2001, 0xdb8, 0, 2, 0, 0, 0, 1]);
        assert_eq!(gate.penalty(other_64), None);
        let mapped = IpAddr::from(std::net::Ipv4Addr::new(10, 1, 2, 3).to_ipv6_mapped());
        let _ = gate.failed(mapped, "wrong");
        assert_eq!(
            gate.failures()
                .get(&IpAddr::from([10, 1, 2, 3]))
                .map(|f| f.count),
            Some(1)
        );
        for n in 0..3000_u32 {
            let _ = gate.failed(IpAddr::from(n.to_be_bytes()), "wrong");
        }
        assert!(gate.failures().len() <= REMEMBERED_ADDRESSES);
    }

    #[tokio::test]
    async fn a_replaced_token_stops_working() {
        let store = Arc::new(MemoryStore::default());
        store
            .set(SecretName::ApiToken, &Secret::new("old-token"))
            .expect("set");
        let opened = store.clone();
        let gate = TokenGate::new(Arc::new(move || Ok(opened.clone() as Arc<dyn SecretStore>)));
        assert!(gate.check(Some("Bearer old-token"), here()).await.is_ok());
        store
            .set(SecretName::ApiToken, &Secret::new("new-token"))
            .expect("replace");
        // The cached token grows stale…
        gate.cached().read_at = Instant::now().checked_sub(TOKEN_FRESH + Duration::from_secs(1));
        assert!(gate.check(Some("Bearer old-token"), here()).await.is_err());
        assert!(gate.check(Some("Bearer new-token"), here()).await.is_ok());
        store.delete(SecretName::ApiToken).expect("delete");
        gate.cached().read_at = Instant::now().checked_sub(TOKEN_FRESH + Duration::from_secs(1));
        assert!(gate.check(Some("Bearer new-token"), here()).await.is_err());
    }
}
