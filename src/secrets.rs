//! Gateway secrets in the OS keyring (Secret Service on Linux, Credential Manager on Windows,
//! Keychain on macOS) through the `keyring` crate. Never in a file, a log line, an error message
//! or `Debug` output: values travel in [`Secret`], which redacts itself.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// The keyring service name every counterqr secret is stored under.
pub const SERVICE: &str = "counterqr";

/// The secrets counterqr keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretName {
    /// PayU merchant key.
    PayuKey,
    /// PayU merchant salt.
    PayuSalt,
    /// OQPay registration ID.
    OqpayRegistrationId,
    /// The manager PIN that guards payment settings.
    ManagerPin,
    /// The token billing software sends to the local sales API.
    ApiToken,
    /// The fingerprint of the settings that decide where money goes (not a secret, but kept
    /// where the settings file cannot change it; not in [`SecretName::ALL`], so never typed).
    PayeeFingerprint,
    /// Wrong manager PINs in a row and when the last one was typed (not a secret either, but
    /// kept with the PIN so that no other settings file or data directory starts it afresh).
    PinAttempts,
}

impl SecretName {
    /// Every secret, in the order they are listed.
    pub const ALL: [Self; 5] = [
        Self::PayuKey,
        Self::PayuSalt,
        Self::OqpayRegistrationId,
        Self::ManagerPin,
        Self::ApiToken,
    ];

    /// The name on the command line and in the keyring (`username` attribute).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PayuKey => "payu-key",
            Self::PayuSalt => "payu-salt",
            Self::OqpayRegistrationId => "oqpay-registration-id",
            Self::ManagerPin => "manager-pin",
            Self::ApiToken => "api-token",
            Self::PayeeFingerprint => "payee-fingerprint",
            Self::PinAttempts => "pin-attempts",
        }
    }

    /// What the secret is, for people.
    pub fn description(self) -> &'static str {
        match self {
            Self::PayuKey => "PayU merchant key",
            Self::PayuSalt => "PayU merchant salt",
            Self::OqpayRegistrationId => "OQPay registration ID",
            Self::ManagerPin => "manager PIN for payment settings",
            Self::ApiToken => "token of the billing software's API",
            Self::PayeeFingerprint => "fingerprint of the payment settings",
            Self::PinAttempts => "count of wrong manager PINs",
        }
    }
}

impl fmt::Display for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SecretName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|name| name.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|n| n.as_str()).collect();
                format!(
                    "unknown secret \"{text}\"; the names are: {}",
                    names.join(", ")
                )
            })
    }
}

/// Whether `text` has a manager PIN's form: 4 to 8 digits.
pub fn is_pin_format(text: &str) -> bool {
    (4..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// A secret value. `Debug` and `Display` print `[redacted]`; only [`Secret::expose`] gives the
/// value, and it is called only where the value is used (a hash, a request body).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value; surrounding white space (a pasted newline) is dropped.
    pub fn new(value: &str) -> Self {
        Self(value.trim().to_owned())
    }

    /// The value itself. Never log or display it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True for an empty value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    /// The value is overwritten before its memory is freed.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Why the keyring could not be used. The texts say what to do, and never carry a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error(
        "The OS keyring cannot be reached ({0}). On Linux counterqr needs a Secret Service \
         (GNOME Keyring or KeePassXC) in a logged-in desktop session; start one and try again. \
         Secrets are never kept in a file instead."
    )]
    Unreachable(String),
    #[error(
        "The OS keyring is locked ({0}). Unlock it (log in to the desktop, or unlock the \
         \"Login\" keyring) and try again."
    )]
    Locked(String),
    #[error("The keyring holds a value for {0} that is not text; set it again.")]
    Unreadable(SecretName),
    #[error("The keyring refused the request for {name}: {reason}")]
    Refused { name: SecretName, reason: String },
}

/// Where secrets live: the OS keyring in the app, an in-memory store in tests.
pub trait SecretStore: Send + Sync {
    /// The secret, or `None` when it is not set.
    fn get(&self, name: SecretName) -> Result<Option<Secret>, SecretError>;
    /// Sets (or replaces) the secret.
    fn set(&self, name: SecretName, value: &Secret) -> Result<(), SecretError>;
    /// Removes the secret; removing one that is not set is not an error.
    fn delete(&self, name: SecretName) -> Result<(), SecretError>;

    /// Whether each secret is set — never their values.
    fn status(&self) -> Result<Vec<(SecretName, bool)>, SecretError> {
        SecretName::ALL
            .into_iter()
            .map(|name| Ok((name, self.get(name)?.is_some())))
            .collect()
    }
}

/// Secrets held in memory only: for tests, and never used by the app to keep a secret.
#[derive(Debug, Default)]
pub struct MemoryStore(std::sync::Mutex<std::collections::HashMap<SecretName, Secret>>);

impl SecretStore for MemoryStore {
    fn get(&self, name: SecretName) -> Result<Option<Secret>, SecretError> {
        Ok(self.0.lock().ok().and_then(|m| m.get(&name).cloned()))
    }

    fn set(&self, name: SecretName, value: &Secret) -> Result<(), SecretError> {
        if let Ok(mut map) = self.0.lock() {
            map.insert(name, value.clone());
        }
        Ok(())
    }

    fn delete(&self, name: SecretName) -> Result<(), SecretError> {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&name);
        }
        Ok(())
    }
}

/// The keyring-core default store, whichever it is: the OS keyring after [`os_keyring`], the mock
/// store in tests.
#[derive(Debug, Default)]
pub struct Keyring;

/// Selects the OS keyring as the store (the one place this happens) and returns it.
pub fn os_keyring() -> Result<Arc<dyn SecretStore>, SecretError> {
    // keyring's v1 API installs the platform store as keyring-core's default on first use.
    keyring::Entry::store_status()
        .as_ref()
        .map_err(|e| SecretError::Unreachable(describe(e)))?;
    Ok(Arc::new(Keyring))
}

fn entry(name: SecretName) -> Result<keyring_core::Entry, SecretError> {
    keyring_core::Entry::new(SERVICE, name.as_str()).map_err(|e| map_error(name, &e))
}

/// A description of a keyring error that cannot carry secret bytes (the `BadEncoding` and
/// `BadDataFormat` variants hold the raw value; they are never formatted).
fn describe(error: &keyring_core::Error) -> String {
    use keyring_core::Error as E;
    match error {
        E::PlatformFailure(e) | E::NoStorageAccess(e) => e.to_string(),
        E::BadEncoding(_) | E::BadDataFormat(..) => "the stored value is not readable".to_owned(),
        E::NoDefaultStore => "no keyring store is available on this system".to_owned(),
        E::NotSupportedByStore(why) | E::BadStoreFormat(why) => why.clone(),
        E::Invalid(what, why) => format!("{what}: {why}"),
        E::TooLong(what, limit) => format!("{what} is longer than {limit}"),
        E::NoEntry => "not set".to_owned(),
        E::Ambiguous(_) => "more than one entry matches".to_owned(),
        _ => "an unknown keyring error".to_owned(),
    }
}

fn map_error(name: SecretName, error: &keyring_core::Error) -> SecretError {
    use keyring_core::Error as E;
    match error {
        E::PlatformFailure(_) | E::NoDefaultStore => SecretError::Unreachable(describe(error)),
        E::NoStorageAccess(_) => SecretError::Locked(describe(error)),
        E::BadEncoding(_) | E::BadDataFormat(..) => SecretError::Unreadable(name),
        _ => SecretError::Refused {
            name,
            reason: describe(error),
        },
    }
}

impl SecretStore for Keyring {
    fn get(&self, name: SecretName) -> Result<Option<Secret>, SecretError> {
        match entry(name)?.get_password() {
            Ok(value) => Ok(Some(Secret(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(name, &e)),
        }
    }

    fn set(&self, name: SecretName, value: &Secret) -> Result<(), SecretError> {
        entry(name)?
            .set_password(value.expose())
            .map_err(|e| map_error(name, &e))?;
        tracing::info!(secret = name.as_str(), "secret set in the OS keyring");
        Ok(())
    }

    fn delete(&self, name: SecretName) -> Result<(), SecretError> {
        match entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => {
                tracing::info!(secret = name.as_str(), "secret deleted from the OS keyring");
                Ok(())
            }
            Err(e) => Err(map_error(name, &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// keyring-core's in-memory store as the default: set once per test process.
    fn mock_keyring() -> Keyring {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            keyring_core::set_default_store(keyring_core::mock::Store::new().expect("mock store"));
        });
        Keyring
    }

    #[test]
    fn set_get_delete_and_status() {
        let store = mock_keyring();
        let name = SecretName::PayuSalt;
        store.delete(name).expect("delete of nothing is fine");
        assert_eq!(store.get(name), Ok(None));
        store
            .set(name, &Secret::new(" s3cr3t-salt\n"))
            .expect("set");
        assert_eq!(
            store.get(name).expect("get").map(|s| s.expose().to_owned()),
            Some("s3cr3t-salt".into())
        );
        let status = store.status().expect("status");
        assert!(status.contains(&(SecretName::PayuSalt, true)));
        store.delete(name).expect("delete");
        assert_eq!(store.get(name), Ok(None));
    }

    #[test]
    fn secrets_redact_themselves() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert!(!format!("{:?}", Some(&secret)).contains("hunter2"));
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_known() {
        for name in SecretName::ALL {
            assert_eq!(name.as_str().parse::<SecretName>(), Ok(name));
        }
        let err = "payu-pepper".parse::<SecretName>().expect_err("unknown");
        assert!(
            err.contains("payu-key") && err.contains("manager-pin"),
            "{err}"
        );
    }

    #[test]
    fn errors_that_hold_secret_bytes_never_show_them() {
        let bytes = b"top-secret-value".to_vec();
        let error = keyring_core::Error::BadEncoding(bytes);
        let mapped = map_error(SecretName::PayuKey, &error);
        assert_eq!(mapped, SecretError::Unreadable(SecretName::PayuKey));
        assert!(!format!("{mapped:?} {mapped}").contains("top-secret"));
    }
}
