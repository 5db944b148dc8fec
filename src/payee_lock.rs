//! The payee is locked: the settings that decide where money goes (the provider, the payee
//! VPAs, the gateways' addresses, the expected payee) carry a fingerprint kept in the OS
//! keyring, written only when the manager saves them in the settings panel (with the PIN). A
//! settings file changed outside the panel no longer matches: the till then sells in training
//! mode, naming what changed, until the manager accepts the change.

use std::collections::BTreeMap;

use sha2::{Digest as _, Sha256};

use crate::config::Config;
use crate::secrets::{Secret, SecretError, SecretName, SecretStore};

/// The settings that decide where money goes, by their key in the settings file.
pub fn money_settings(config: &Config) -> Vec<(&'static str, String)> {
    vec![
        ("provider", config.provider.as_str().to_owned()),
        (
            "expected_payee_vpa",
            config.expected_payee_vpa.trim().to_owned(),
        ),
        ("upi.vpa", config.upi.vpa.trim().to_owned()),
        (
            "payu.merchant_vpa",
            config.payu.merchant_vpa.trim().to_owned(),
        ),
        ("payu.environment", format!("{:?}", config.payu.environment)),
        ("payu.base_url", config.payu.base_url.trim().to_owned()),
        ("oqpay.base_url", config.oqpay.base_url.trim().to_owned()),
    ]
}

/// The fingerprint: each money setting's key with a SHA-256 of its value, as JSON.
pub fn fingerprint(config: &Config) -> String {
    let map: BTreeMap<&str, String> = money_settings(config)
        .into_iter()
        .map(|(key, value)| (key, hex::encode(Sha256::digest(value.as_bytes()))))
        .collect();
    serde_json::to_string(&map).unwrap_or_default()
}

/// The money settings whose value differs from the fingerprint `stored` (all of them when it
/// cannot be read).
pub fn changed_since(stored: &str, config: &Config) -> Vec<&'static str> {
    let stored: BTreeMap<String, String> = serde_json::from_str(stored).unwrap_or_default();
    changed(&stored, config)
}

fn changed(stored: &BTreeMap<String, String>, config: &Config) -> Vec<&'static str> {
    money_settings(config)
        .into_iter()
        .filter(|(key, value)| {
            stored.get(*key).map(String::as_str)
                != Some(hex::encode(Sha256::digest(value.as_bytes())).as_str())
        })
        .map(|(key, _)| key)
        .collect()
}

/// Where the settings stand against their fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lock {
    /// They are as the manager last saved them (or this is the first start: the fingerprint is
    /// taken now).
    Held,
    /// They were changed outside the panel: these settings differ.
    Changed(Vec<&'static str>),
}

impl Lock {
    /// A banner for the till, when the settings were changed.
    pub fn banner(&self) -> Option<String> {
        match self {
            Self::Held => None,
            Self::Changed(keys) => Some(format!(
                "Payment settings were changed outside the settings panel ({}): training mode \
                 until the manager accepts them in Settings (F2) with the PIN.",
                keys.join(", ")
            )),
        }
    }
}

/// The fingerprints kept, one per settings file (by its path).
type Kept = BTreeMap<String, BTreeMap<String, String>>;

fn kept(store: &dyn SecretStore) -> Result<Kept, SecretError> {
    Ok(store
        .get(SecretName::PayeeFingerprint)?
        .and_then(|text| serde_json::from_str(text.expose()).ok())
        .unwrap_or_default())
}

/// Checks `config`, read from the settings file `file`, against its fingerprint in `store`;
/// the first time for that file, records it.
pub fn check(config: &Config, file: &str, store: &dyn SecretStore) -> Result<Lock, SecretError> {
    match kept(store)?.get(file) {
        None => {
            accept(config, file, store)?;
            Ok(Lock::Held)
        }
        Some(stored) => {
            let changed = changed(stored, config);
            if changed.is_empty() {
                Ok(Lock::Held)
            } else {
                tracing::warn!(?changed, "payment settings changed outside the panel");
                Ok(Lock::Changed(changed))
            }
        }
    }
}

/// Records `config`'s money settings as the manager's for the settings file `file` (after the
/// PIN was checked).
pub fn accept(config: &Config, file: &str, store: &dyn SecretStore) -> Result<(), SecretError> {
    let mut all = kept(store)?;
    let mine: BTreeMap<String, String> =
        serde_json::from_str(&fingerprint(config)).unwrap_or_default();
    all.insert(file.to_owned(), mine);
    let text = serde_json::to_string(&all).unwrap_or_default();
    store.set(SecretName::PayeeFingerprint, &Secret::new(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProviderId;
    use crate::secrets::MemoryStore;

    #[test]
    fn a_hand_edited_payee_is_named_and_cosmetic_edits_are_not() {
        let store = MemoryStore::default();
        let mut config = Config {
            provider: ProviderId::Upi,
            ..Config::default()
        };
        config.upi.vpa = "shop@okaxis".into();
        let file = "/etc/counterqr/config.toml";
        assert_eq!(
            check(&config, file, &store),
            Ok(Lock::Held),
            "first start: taken"
        );
        config.shop_name = "New name".into();
        config.sound_volume = 10;
        assert_eq!(check(&config, file, &store), Ok(Lock::Held), "cosmetic");
        config.upi.vpa = "thief@okaxis".into();
        config.payu.base_url = "https://evil.example".into();
        let lock = check(&config, file, &store).expect("check");
        assert_eq!(lock, Lock::Changed(vec!["upi.vpa", "payu.base_url"]));
        assert!(
            lock.banner()
                .expect("banner")
                .contains("upi.vpa, payu.base_url")
        );
        // Another settings file has its own fingerprint.
        assert_eq!(check(&config, "/other.toml", &store), Ok(Lock::Held));
        accept(&config, file, &store).expect("accept");
        assert_eq!(check(&config, file, &store), Ok(Lock::Held), "accepted");
        assert_eq!(
            changed_since("not json", &config).len(),
            7,
            "unreadable: all named"
        );
    }
}
