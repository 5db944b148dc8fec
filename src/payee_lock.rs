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
        // Where the sales API listens decides who may sell on this till (and where
        // `counterqr request --bill` sends the token).
        ("api.listen", config.api.listen.trim().to_owned()),
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

/// The fingerprints kept, one per settings file (by its canonical path).
type Kept = BTreeMap<String, BTreeMap<String, String>>;

/// The key of the settings file `file`: its canonical path (its folder's, when the file does not
/// exist yet), so `./config.toml`, a symlink and the full path are one file.
pub fn file_key(file: &str) -> String {
    let path = std::path::Path::new(file);
    let canonical = std::fs::canonicalize(path).ok().or_else(|| {
        let name = path.file_name()?;
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => std::path::Path::new("."),
        };
        std::fs::canonicalize(folder).ok().map(|f| f.join(name))
    });
    canonical.map_or_else(|| file.to_owned(), |p| p.display().to_string())
}

/// What the keyring holds: `None` when it holds something unreadable.
fn kept(store: &dyn SecretStore) -> Result<Option<Kept>, SecretError> {
    Ok(match store.get(SecretName::PayeeFingerprint)? {
        None => Some(Kept::new()),
        Some(text) => serde_json::from_str(text.expose()).ok(),
    })
}

/// Every money setting, as changed: nothing of them is vouched for.
fn all_changed(config: &Config) -> Lock {
    Lock::Changed(money_settings(config).into_iter().map(|(k, _)| k).collect())
}

/// Checks `config`, read from the settings file `file`, against its fingerprint in `store`.
/// The first time for that file it is recorded, unless a manager PIN is set: then a file the
/// manager never accepted (another path, a fingerprint deleted) vouches for nothing, and neither
/// does a fingerprint that cannot be read.
pub fn check(config: &Config, file: &str, store: &dyn SecretStore) -> Result<Lock, SecretError> {
    let Some(kept) = kept(store)? else {
        tracing::warn!("the payee fingerprint in the keyring is unreadable");
        return Ok(all_changed(config));
    };
    match kept.get(&file_key(file)) {
        None if store.get(SecretName::ManagerPin)?.is_some() => {
            tracing::warn!(file, "payment settings never accepted by the manager");
            Ok(all_changed(config))
        }
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
/// PIN was checked). An unreadable record is replaced.
pub fn accept(config: &Config, file: &str, store: &dyn SecretStore) -> Result<(), SecretError> {
    let mut all = kept(store)?.unwrap_or_default();
    let mine: BTreeMap<String, String> =
        serde_json::from_str(&fingerprint(config)).unwrap_or_default();
    all.insert(file_key(file), mine);
    let text = serde_json::to_string(&all).unwrap_or_default();
    store.set(SecretName::PayeeFingerprint, &Secret::new(&text))
}

/// The fingerprints as the keyring holds them now, to put back with [`restore`] when a save
/// that accepted new settings fails after all.
pub fn snapshot(store: &dyn SecretStore) -> Result<Option<Secret>, SecretError> {
    store.get(SecretName::PayeeFingerprint)
}

/// Puts back what [`snapshot`] took.
pub fn restore(store: &dyn SecretStore, snapshot: Option<&Secret>) -> Result<(), SecretError> {
    match snapshot {
        Some(text) => store.set(SecretName::PayeeFingerprint, text),
        None => store.delete(SecretName::PayeeFingerprint),
    }
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
            8,
            "unreadable: all named"
        );
    }

    #[test]
    fn with_a_pin_set_nothing_unaccepted_is_trusted() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "").expect("file");
        let file = file.display().to_string();
        let store = MemoryStore::default();
        let mut config = Config {
            provider: ProviderId::Upi,
            ..Config::default()
        };
        config.upi.vpa = "shop@okaxis".into();
        assert_eq!(check(&config, &file, &store), Ok(Lock::Held));
        store
            .set(SecretName::ManagerPin, &Secret::new("4321"))
            .expect("pin");
        // The same file by another spelling is the same file.
        let dotted = format!("{}/./config.toml", dir.path().display());
        assert_eq!(check(&config, &dotted, &store), Ok(Lock::Held));
        // Another settings file, never accepted: nothing of it is vouched for.
        let other = dir.path().join("other.toml").display().to_string();
        let lock = check(&config, &other, &store).expect("check");
        assert!(
            matches!(&lock, Lock::Changed(keys) if keys.len() == 8),
            "{lock:?}"
        );
        // A fingerprint deleted or garbled vouches for nothing either.
        let before = snapshot(&store).expect("snapshot");
        store
            .set(SecretName::PayeeFingerprint, &Secret::new("{garbage"))
            .expect("garble");
        assert!(matches!(
            check(&config, &file, &store),
            Ok(Lock::Changed(_))
        ));
        store.delete(SecretName::PayeeFingerprint).expect("delete");
        assert!(matches!(
            check(&config, &file, &store),
            Ok(Lock::Changed(_))
        ));
        // A save that fails puts back exactly what was there.
        restore(&store, before.as_ref()).expect("restore");
        assert_eq!(check(&config, &file, &store), Ok(Lock::Held));
        config.api.listen = "0.0.0.0:8787".into();
        assert_eq!(
            check(&config, &file, &store),
            Ok(Lock::Changed(vec!["api.listen"]))
        );
    }
}
