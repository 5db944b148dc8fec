//! Who may call the API: `Authorization: Bearer <token>`, the token being the keyring's
//! `api-token`, compared in constant time. Repeated failures from one address are slowed down:
//! after five within ten minutes, each further call from there waits (one second, doubling, up to
//! half a minute) before it is answered, and the answer says when to retry.

use std::collections::HashMap;
use std::net::IpAddr;
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

/// Why a call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    /// Set once the address is being slowed down.
    pub retry_after: Option<Duration>,
}

/// The token check and the failure count per address.
#[derive(Clone)]
pub struct TokenGate {
    secrets: SecretsOpener,
    token: Arc<Mutex<Option<Secret>>>,
    failures: Arc<Mutex<HashMap<IpAddr, (u32, Instant)>>>,
}

impl TokenGate {
    pub fn new(secrets: SecretsOpener) -> Self {
        Self {
            secrets,
            token: Arc::new(Mutex::new(None)),
            failures: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn failures(&self) -> MutexGuard<'_, HashMap<IpAddr, (u32, Instant)>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long `from`'s next call waits before it is looked at: from its fifth failure on, one
    /// second, doubling; `None` before.
    pub fn penalty(&self, from: IpAddr) -> Option<Duration> {
        let mut failures = self.failures();
        let (count, since) = *failures.get(&from)?;
        if since.elapsed() > WINDOW {
            failures.remove(&from);
            return None;
        }
        let over = count.checked_sub(FREE_FAILURES)?;
        let secs = 1_u64.checked_shl(over.min(16)).unwrap_or(u64::MAX);
        Some(Duration::from_secs(secs).min(MAX_WAIT))
    }

    /// Checks the `Authorization` header of a call from `from`.
    pub async fn check(&self, header: Option<&str>, from: IpAddr) -> Result<(), Refused> {
        if let Some(wait) = self.penalty(from) {
            tokio::time::sleep(wait).await;
        }
        let offered = header
            .and_then(|h| h.trim().strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(offered) = offered else {
            return Err(self.failed(from, "send Authorization: Bearer <token>"));
        };
        if self.matches(offered) {
            self.failures().remove(&from);
            return Ok(());
        }
        // The token may have been replaced (`counterqr api new-token`): read it again.
        match self.reload().await {
            Ok(()) if self.matches(offered) => {
                self.failures().remove(&from);
                Ok(())
            }
            Ok(()) => Err(self.failed(from, "the token is wrong")),
            Err(problem) => Err(self.failed(from, &problem)),
        }
    }

    fn matches(&self, offered: &str) -> bool {
        let token = self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        token.as_ref().is_some_and(|token| {
            let expected = token.expose().as_bytes();
            // Constant time over the token's bytes; a different length is a different token.
            expected.len() == offered.len() && bool::from(expected.ct_eq(offered.as_bytes()))
        })
    }

    /// Reads the token from the keyring (off the async threads).
    async fn reload(&self) -> Result<(), String> {
        let secrets = self.secrets.clone();
        let read = tokio::task::spawn_blocking(move || {
            secrets().and_then(|store| store.get(SecretName::ApiToken))
        })
        .await
        .map_err(|_| "the keyring could not be read".to_owned())?;
        let token = read.map_err(|e| e.to_string())?.filter(|t| !t.is_empty());
        let missing = token.is_none();
        *self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = token;
        if missing {
            return Err(
                "no API token is set on this till: run `counterqr api new-token`".to_owned(),
            );
        }
        Ok(())
    }

    /// Notes a failure from `from`; logged without the token.
    fn failed(&self, from: IpAddr, why: &str) -> Refused {
        let retry_after = {
            let mut failures = self.failures();
            let entry = failures.entry(from).or_insert((0, Instant::now()));
            entry.0 = entry.0.saturating_add(1);
            entry.0
        };
        tracing::warn!(%from, failures = retry_after, "API call refused: {why}");
        Refused {
            message: format!("Not authorised: {why}."),
            retry_after: self.penalty(from),
        }
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
            assert_eq!(gate.failed(here(), "wrong").retry_after, None);
        }
        let waits: Vec<u64> = (0..7)
            .map(|_| {
                gate.failed(here(), "wrong")
                    .retry_after
                    .map_or(0, |d| d.as_secs())
            })
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(gate.penalty(other), None, "another address is not slowed");
    }
}
