//! Non-secret settings: a TOML file in the platform config directory, or where `--config` /
//! `COUNTERQR_CONFIG` point. A missing file means a fresh install: training mode.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::provider::{PAYU_PRODUCTION_URL, PAYU_TEST_URL};
use crate::domain::{Language, OutputType, ProviderId, QrType};

pub mod rules;

pub use rules::{Problem, Setting};

/// The settings file's name inside the platform config directory.
pub const CONFIG_FILE_NAME: &str = "config.toml";

/// All non-secret settings. Every key is documented in the README.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Which payment provider makes the QRs: `training` or `upi`.
    pub provider: ProviderId,
    /// Open the window full-screen at start.
    pub start_fullscreen: bool,
    /// Kiosk start: full-screen with no window decorations, for counters that boot straight into
    /// the till.
    pub kiosk: bool,
    /// How the window is drawn: `glow` (OpenGL, cheap on old and driverless PCs) or `wgpu`.
    pub renderer: Renderer,
    /// With `glow` on X11: redraw and show only what changed since the last frame (the
    /// countdown's digits), not the whole window. Off draws every frame whole.
    pub partial_redraw: bool,
    /// Where the customer sees the QR: in the cashier's window, or a second window of its own.
    pub customer_display: CustomerDisplay,
    /// Where the second window was placed (its top-left corner, in screen points), so it opens
    /// on the same monitor next time.
    pub customer_window_position: Option<[i32; 2]>,
    /// The second window fills its monitor.
    pub customer_window_fullscreen: bool,
    /// The languages the customer reads, one or two codes (`["ta", "en"]`): with two, every
    /// message shows in both, the first larger.
    pub customer_languages: Vec<Language>,
    /// The shop's name, shown on the entry screen; empty for none.
    pub shop_name: String,
    /// A PNG or JPEG of the shop's logo, shown on the entry screen; empty for none.
    pub shop_logo: String,
    /// Loudness of the paid chime and the expired tone, 0 (mute) to 100.
    pub sound_volume: u8,
    /// Say the amount received, in the first customer language, after the paid chime (with
    /// espeak-ng; at the chime's volume, and muted with it).
    pub voice: bool,
    /// The largest amount, in whole rupees, the till accepts for one QR.
    pub max_amount_rupees: u64,
    /// The shop's own VPA: a gateway QR that pays anyone else is refused. Empty: for `upi`, the
    /// `[upi] vpa`; for gateways, no payee check.
    pub expected_payee_vpa: String,
    /// No QR stays on screen longer than this many seconds, whatever the gateway says.
    pub max_qr_life_secs: u64,
    /// How long after a QR's expiry (or its withdrawal) its payment is still watched for, in
    /// seconds, where the gateway can confirm payments.
    pub late_payment_grace_secs: u64,
    /// Customers' names, mobiles and e-mails (and payers' VPAs) are erased from the journal
    /// this many days after the sale; amounts, references and outcomes stay.
    pub customer_details_days: u64,
    pub training: TrainingConfig,
    pub upi: UpiConfig,
    pub oqpay: OqpayConfig,
    pub payu: PayuConfig,
    pub api: ApiConfig,
}

/// `[api]`: the local sales API for billing software. Its token is a secret (`api-token`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Where the API listens, `address:port` (e.g. `127.0.0.1:8787`); empty: no API (the default).
    pub listen: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            provider: ProviderId::Training,
            start_fullscreen: false,
            kiosk: false,
            renderer: Renderer::Glow,
            partial_redraw: true,
            customer_display: CustomerDisplay::SameWindow,
            customer_window_position: None,
            customer_window_fullscreen: false,
            customer_languages: vec![Language::En],
            shop_name: String::new(),
            shop_logo: String::new(),
            sound_volume: 70,
            voice: true,
            max_amount_rupees: 1_00_000,
            expected_payee_vpa: String::new(),
            max_qr_life_secs: 900,
            late_payment_grace_secs: 120,
            customer_details_days: 30,
            training: TrainingConfig::default(),
            upi: UpiConfig::default(),
            oqpay: OqpayConfig::default(),
            payu: PayuConfig::default(),
            api: ApiConfig::default(),
        }
    }
}

/// `[training]`: the simulated gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingConfig {
    pub min_delay_ms: u64,
    pub max_delay_ms: u64,
    pub expiry_secs: u64,
    /// Pretend the customer paid this many seconds after the QR appears; 0 = never.
    pub simulate_paid_after_secs: u64,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        Self {
            min_delay_ms: 500,
            max_delay_ms: 1500,
            expiry_secs: 300,
            simulate_paid_after_secs: 0,
        }
    }
}

/// `[upi]`: a UPI link built from the shop's own VPA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpiConfig {
    /// The shop's UPI ID, e.g. `myshop@okaxis`.
    pub vpa: String,
    /// The shop's name as the customer's app shows it.
    pub payee_name: String,
    /// A short note shown in the customer's app; empty for none.
    pub note: String,
    pub expiry_secs: u64,
}

impl Default for UpiConfig {
    fn default() -> Self {
        Self {
            vpa: String::new(),
            payee_name: String::new(),
            note: String::new(),
            expiry_secs: 300,
        }
    }
}

/// `[oqpay]`: OQPay's Dynamic QR API. The registration ID is a secret, kept in the OS keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OqpayConfig {
    /// `https://payin.oqpay.in`; plain http only to this machine (for testing).
    pub base_url: String,
    pub connect_timeout_secs: u64,
    pub timeout_secs: u64,
    /// Sent when the cashier leaves the customer's name empty.
    pub default_customer_name: String,
    /// Sent when the cashier leaves the mobile empty.
    pub default_customer_mobile: String,
    /// Sent when the cashier leaves the e-mail empty.
    pub default_customer_email: String,
}

impl Default for OqpayConfig {
    fn default() -> Self {
        Self {
            base_url: "https://payin.oqpay.in".to_owned(),
            connect_timeout_secs: 5,
            timeout_secs: 20,
            default_customer_name: String::new(),
            default_customer_mobile: String::new(),
            default_customer_email: String::new(),
        }
    }
}

/// Where the customer sees the QR.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerDisplay {
    /// The cashier's window shows the QR full size (one screen turned to the customer).
    #[default]
    SameWindow,
    /// A second window for a second monitor facing the customer.
    SecondWindow,
}

/// How the window is drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Renderer {
    /// OpenGL through glow: the default, and far cheaper than wgpu under software rendering.
    #[default]
    Glow,
    /// wgpu (Vulkan, Metal, DirectX 12, or OpenGL ES). Only in builds with `--features wgpu`.
    Wgpu,
}

/// Which PayU host to use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayuEnvironment {
    /// `https://info.payu.in`.
    #[default]
    Production,
    /// `https://test.payu.in`. PayU says QR generation does not work there.
    Test,
    /// `base_url`: a proxy, or a local fake for testing.
    Custom,
}

impl PayuEnvironment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Test => "test",
            Self::Custom => "custom",
        }
    }
}

/// `[payu]`: PayU's Dynamic Bharat QR. The key and salt are secrets, kept in the OS keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PayuConfig {
    pub environment: PayuEnvironment,
    /// Used when `environment = "custom"`: https, or plain http to this machine (testing).
    pub base_url: String,
    /// The VPA to collect into; empty: the one PayU has registered for the key.
    pub merchant_vpa: String,
    /// `expiryTime`: how long each QR is valid.
    pub expiry_secs: u64,
    /// Embedded in the QR; empty: the values PayU has from onboarding.
    pub qr_name: String,
    pub qr_city: String,
    /// Six digits, or empty.
    pub qr_pin_code: String,
    pub qr_type: QrType,
    pub output_type: OutputType,
    pub udf3: String,
    pub udf4: String,
    pub udf5: String,
    /// UPI QRs only; the value comes from PayU's integration team.
    pub purpose: String,
    /// UPI QRs only: an invoice or advert link shown to the customer; needs `category`.
    pub ref_url: String,
    /// `01` advertisement or `02` invoice; required with `ref_url`.
    pub category: String,
    pub connect_timeout_secs: u64,
    pub timeout_secs: u64,
}

impl Default for PayuConfig {
    fn default() -> Self {
        Self {
            environment: PayuEnvironment::Production,
            base_url: String::new(),
            merchant_vpa: String::new(),
            expiry_secs: 300,
            qr_name: String::new(),
            qr_city: String::new(),
            qr_pin_code: String::new(),
            qr_type: QrType::Bqr,
            output_type: OutputType::String,
            udf3: String::new(),
            udf4: String::new(),
            udf5: String::new(),
            purpose: String::new(),
            ref_url: String::new(),
            category: String::new(),
            connect_timeout_secs: 5,
            timeout_secs: 20,
        }
    }
}

impl PayuConfig {
    /// The base URL the environment selects.
    pub fn base_url(&self) -> &str {
        match self.environment {
            PayuEnvironment::Production => PAYU_PRODUCTION_URL,
            PayuEnvironment::Test => PAYU_TEST_URL,
            PayuEnvironment::Custom => self.base_url.trim(),
        }
    }
}

/// Why the settings could not be used. The text says which file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("Could not read the settings file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "The settings file {path} is not valid: {message}. Fix it (see the README) or move it away."
    )]
    Parse { path: PathBuf, message: String },
    #[error("The settings file {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("No config directory is known for this user; pass --config PATH")]
    NoConfigDir,
    #[error("Could not save the settings to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the settings file is: `explicit` (from `--config` or `COUNTERQR_CONFIG`) or the platform
/// config directory (`~/.config/counterqr/config.toml` on Linux).
pub fn config_path(explicit: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    directories::ProjectDirs::from("in", "counterqr", "counterqr")
        .map(|dirs| dirs.config_dir().join(CONFIG_FILE_NAME))
        .ok_or(ConfigError::NoConfigDir)
}

impl Config {
    /// Reads the settings at `path`; a file that does not exist gives the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let config: Self = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_owned(),
        })?;
        config.validate().map_err(|problems| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: describe(&problems),
        })?;
        Ok(config)
    }

    /// Writes the settings to `path` atomically: a temporary file in the same directory, flushed
    /// to disk, then renamed over the old one, so a power cut leaves the old file or the new one,
    /// never half of one. A file that exists but does not read as valid settings (corrupt, or from
    /// another version) is reported and left alone, never overwritten.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        self.validate().map_err(|problems| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: describe(&problems),
        })?;
        Self::load(path)?;
        let write_error = |source| ConfigError::Write {
            path: path.to_path_buf(),
            source,
        };
        let text = toml::to_string(self).map_err(|e| write_error(std::io::Error::other(e)))?;
        // A settings file reached through a symlink is written where it really is: the link
        // stays, and the file keeps the one name its payee fingerprint is kept under.
        let real = std::fs::canonicalize(path).ok();
        let path = real.as_deref().unwrap_or(path);
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(write_error)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(write_error)?;
        std::io::Write::write_all(&mut temp, text.as_bytes()).map_err(write_error)?;
        temp.as_file().sync_all().map_err(write_error)?;
        temp.persist(path).map_err(|e| write_error(e.error))?;
        tracing::info!(path = %path.display(), provider = self.provider.as_str(), "settings saved");
        Ok(())
    }
}

/// Problems as one line for a message about the file.
fn describe(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_a_fresh_install_in_training_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config::load(&dir.path().join("none.toml")).expect("defaults");
        assert_eq!(config, Config::default());
        assert_eq!(config.provider, ProviderId::Training);
    }

    #[test]
    fn reads_every_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            r#"
provider = "upi"
start_fullscreen = true
max_amount_rupees = 50000
expected_payee_vpa = "shop@okaxis"
[training]
min_delay_ms = 0
max_delay_ms = 10
expiry_secs = 60
simulate_paid_after_secs = 5
[upi]
vpa = "shop@okaxis"
payee_name = "Sharma Stores"
note = "Thanks"
expiry_secs = 120
"#,
        )
        .expect("write");
        let config = Config::load(&path).expect("valid");
        assert_eq!(config.provider, ProviderId::Upi);
        assert!(config.start_fullscreen);
        assert_eq!(config.max_amount_rupees, 50_000);
        assert_eq!(config.training.simulate_paid_after_secs, 5);
        assert_eq!(config.upi.vpa, "shop@okaxis");
        assert_eq!(config.upi.expiry_secs, 120);
    }

    #[test]
    fn refuses_typos_bad_values_and_garbage() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c.toml");
        for (text, needle) in [
            ("provder = \"upi\"", "unknown field"),
            ("provider = \"cash\"", "unknown variant"),
            ("[upi]\nexpiry_secs = 5", "upi.expiry_secs"),
            ("expected_payee_vpa = \"nope\"", "expected_payee_vpa"),
            (
                "[oqpay]\nbase_url = \"http://payin.oqpay.in\"",
                "plain http",
            ),
            (
                "[oqpay]\ndefault_customer_mobile = \"123\"",
                "default_customer_mobile",
            ),
            ("this is not toml", ""),
        ] {
            std::fs::write(&path, text).expect("write");
            let err = Config::load(&path).expect_err(text).to_string();
            assert!(err.contains(needle), "{err}");
            assert!(err.contains("c.toml"), "{err}");
        }
    }

    #[test]
    fn save_writes_what_load_reads_and_replaces_a_good_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/config.toml");
        let mut config = Config {
            shop_name: "Sharma Stores".into(),
            ..Config::default()
        };
        config.save(&path).expect("first save");
        assert_eq!(Config::load(&path).expect("load"), config);
        config.provider = ProviderId::Upi;
        config.upi.vpa = "shop@okaxis".into();
        config.upi.payee_name = "Sharma Stores".into();
        config.save(&path).expect("second save");
        assert_eq!(Config::load(&path).expect("load").provider, ProviderId::Upi);
        let leftovers = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_never_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        for text in ["provider = [", "provider = \"training\"\nschema = 9\n"] {
            std::fs::write(&path, text).expect("write");
            let err = Config::default().save(&path).expect_err("refused");
            assert!(err.to_string().contains("config.toml"), "{err}");
            assert_eq!(
                std::fs::read_to_string(&path).expect("read"),
                text,
                "left alone"
            );
        }
    }

    #[test]
    fn invalid_settings_are_not_saved() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        let mut config = Config::default();
        config.upi.expiry_secs = 1;
        assert!(config.save(&path).is_err());
        assert!(!path.exists());
    }

    #[test]
    fn defaults_round_trip_through_toml() {
        let text = toml::to_string(&Config::default()).expect("serialise");
        assert_eq!(
            toml::from_str::<Config>(&text).expect("parse"),
            Config::default()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_settings_file_behind_a_symlink_is_saved_where_it_really_is() {
        let dir = tempfile::tempdir().expect("dir");
        let real = dir.path().join("real");
        std::fs::create_dir(&real).expect("real dir");
        let target = real.join("counterqr.toml");
        Config::default().save(&target).expect("save");
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let renamed = Config {
            shop_name: "Sharma Stores".into(),
            ..Config::default()
        };
        renamed.save(&link).expect("save through the link");
        let kept = std::fs::symlink_metadata(&link).expect("link");
        assert!(kept.file_type().is_symlink(), "the link stays a link");
        assert_eq!(
            Config::load(&target).expect("load").shop_name,
            "Sharma Stores"
        );
    }
}
