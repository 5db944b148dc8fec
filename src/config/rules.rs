//! Every rule a setting follows, in one place: [`Config::validate`] checks them all and names
//! each problem by its [`Setting`], so the settings file's loader and the settings panel say the
//! same thing about the same field. The ranges are here and nowhere else.

use std::ops::RangeInclusive;

use super::{Config, PayuEnvironment};
use crate::domain::customer::{is_email, normalise_mobile};
use crate::domain::invoice::is_pin_code;
use crate::domain::upi::is_valid_vpa;
use crate::domain::url::check_base_url;
use crate::domain::{ProviderId, QrType};

/// How long a QR may be valid, in seconds (every provider's `expiry_secs`, and the cap).
pub const EXPIRY_SECS: RangeInclusive<u64> = 30..=3600;
/// Connecting to a gateway, in seconds.
pub const CONNECT_TIMEOUT_SECS: RangeInclusive<u64> = 1..=60;
/// A whole gateway call, in seconds.
pub const TIMEOUT_SECS: RangeInclusive<u64> = 1..=120;
/// The largest amount for one QR, in whole rupees (up to one crore).
pub const MAX_AMOUNT_RUPEES: RangeInclusive<u64> = 1..=1_00_00_000;
/// The sounds' loudness.
pub const SOUND_VOLUME: RangeInclusive<u64> = 0..=100;
/// How long a payment is still watched for after its QR, in seconds.
pub const GRACE_SECS: RangeInclusive<u64> = 0..=3600;
/// Days customers' details are kept in the journal.
pub const CUSTOMER_DAYS: RangeInclusive<u64> = 1..=3650;
/// Training's simulated payment, in seconds (0: never).
pub const PAID_AFTER_SECS: RangeInclusive<u64> = 0..=3600;
/// Training's simulated gateway delay, in milliseconds.
pub const TRAINING_DELAY_MS: RangeInclusive<u64> = 0..=60_000;

/// A setting that can be wrong: its key in the file, and its field in the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    Provider,
    MaxAmount,
    MaxQrLife,
    LateGrace,
    CustomerDays,
    SoundVolume,
    CustomerLanguages,
    ExpectedVpa,
    TrainingDelay,
    TrainingExpiry,
    TrainingPaidAfter,
    UpiVpa,
    UpiPayeeName,
    UpiExpiry,
    OqpayBaseUrl,
    OqpayConnectTimeout,
    OqpayTimeout,
    OqpayMobile,
    OqpayEmail,
    PayuBaseUrl,
    PayuVpa,
    PayuExpiry,
    PayuPinCode,
    PayuRefUrl,
    PayuConnectTimeout,
    PayuTimeout,
    ApiListen,
}

impl Setting {
    /// The key in the settings file.
    pub fn key(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::MaxAmount => "max_amount_rupees",
            Self::MaxQrLife => "max_qr_life_secs",
            Self::LateGrace => "late_payment_grace_secs",
            Self::CustomerDays => "customer_details_days",
            Self::SoundVolume => "sound_volume",
            Self::CustomerLanguages => "customer_languages",
            Self::ExpectedVpa => "expected_payee_vpa",
            Self::TrainingDelay => "training.min_delay_ms",
            Self::TrainingExpiry => "training.expiry_secs",
            Self::TrainingPaidAfter => "training.simulate_paid_after_secs",
            Self::UpiVpa => "upi.vpa",
            Self::UpiPayeeName => "upi.payee_name",
            Self::UpiExpiry => "upi.expiry_secs",
            Self::OqpayBaseUrl => "oqpay.base_url",
            Self::OqpayConnectTimeout => "oqpay.connect_timeout_secs",
            Self::OqpayTimeout => "oqpay.timeout_secs",
            Self::OqpayMobile => "oqpay.default_customer_mobile",
            Self::OqpayEmail => "oqpay.default_customer_email",
            Self::PayuBaseUrl => "payu.base_url",
            Self::PayuVpa => "payu.merchant_vpa",
            Self::PayuExpiry => "payu.expiry_secs",
            Self::PayuPinCode => "payu.qr_pin_code",
            Self::PayuRefUrl => "payu.ref_url",
            Self::PayuConnectTimeout => "payu.connect_timeout_secs",
            Self::PayuTimeout => "payu.timeout_secs",
            Self::ApiListen => "api.listen",
        }
    }
}

impl Setting {
    /// What the setting is, for people (the start of a message about it).
    pub fn name(self) -> &'static str {
        match self {
            Self::Provider => "The payment provider",
            Self::MaxAmount => "The largest amount (₹)",
            Self::MaxQrLife => "The longest QR life (seconds)",
            Self::LateGrace => "Watching for a late payment (seconds)",
            Self::CustomerDays => "Days customer details are kept",
            Self::SoundVolume => "Sound volume",
            Self::CustomerLanguages => "The customer's languages",
            Self::ExpectedVpa => "The shop's own UPI ID",
            Self::TrainingDelay => "The training delay (milliseconds)",
            Self::TrainingExpiry | Self::UpiExpiry | Self::PayuExpiry => "QR validity (seconds)",
            Self::TrainingPaidAfter => "Simulated payment after (seconds)",
            Self::UpiVpa => "The shop's UPI ID",
            Self::UpiPayeeName => "The payee name",
            Self::OqpayBaseUrl | Self::PayuBaseUrl => "The gateway address",
            Self::OqpayConnectTimeout | Self::PayuConnectTimeout => "Connect timeout (s)",
            Self::OqpayTimeout | Self::PayuTimeout => "Total timeout (s)",
            Self::OqpayMobile => "The default mobile",
            Self::OqpayEmail => "The default e-mail",
            Self::PayuVpa => "The merchant VPA",
            Self::PayuPinCode => "The PIN code in the QR",
            Self::PayuRefUrl => "The reference link",
            Self::ApiListen => "The API's address",
        }
    }
}

/// What is wrong with one setting, in words for the shop owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub setting: Setting,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.setting.key(), self.message)
    }
}

/// The problems found so far.
#[derive(Default)]
struct Found(Vec<Problem>);

impl Found {
    fn add(&mut self, setting: Setting, message: impl Into<String>) {
        self.0.push(Problem {
            setting,
            message: message.into(),
        });
    }

    /// `value` must be within the setting's range.
    fn within(&mut self, setting: Setting, value: u64) {
        if let Some(range) = range_of(setting)
            && !range.contains(&value)
        {
            self.add(setting, range_message(setting, &range));
        }
    }

    /// `vpa` must be empty (when allowed) or look like a UPI ID.
    fn vpa(&mut self, setting: Setting, vpa: &str, required: bool, example: &str) {
        let vpa = vpa.trim();
        if (required || !vpa.is_empty()) && !is_valid_vpa(vpa) {
            self.add(setting, format!("Not a UPI ID: it looks like {example}"));
        }
    }

    fn url(&mut self, setting: Setting, url: &str) {
        if let Err(message) = check_base_url(url) {
            self.add(setting, message);
        }
    }
}

/// What a number out of its range (or not a number) is told.
pub fn range_message(setting: Setting, range: &RangeInclusive<u64>) -> String {
    let (lo, hi) = (range.start(), range.end());
    format!(
        "{} must be a whole number from {lo} to {hi}",
        setting.name()
    )
}

/// The range a numeric setting must be in.
pub fn range_of(setting: Setting) -> Option<RangeInclusive<u64>> {
    use Setting as S;
    Some(match setting {
        S::MaxAmount => MAX_AMOUNT_RUPEES,
        S::MaxQrLife | S::TrainingExpiry | S::UpiExpiry | S::PayuExpiry => EXPIRY_SECS,
        S::LateGrace => GRACE_SECS,
        S::CustomerDays => CUSTOMER_DAYS,
        S::SoundVolume => SOUND_VOLUME,
        S::TrainingDelay => TRAINING_DELAY_MS,
        S::TrainingPaidAfter => PAID_AFTER_SECS,
        S::OqpayConnectTimeout | S::PayuConnectTimeout => CONNECT_TIMEOUT_SECS,
        S::OqpayTimeout | S::PayuTimeout => TIMEOUT_SECS,
        _ => return None,
    })
}

impl Config {
    /// Checks every rule the types cannot express. All problems at once, each naming its setting.
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut found = Found::default();
        self.general_rules(&mut found);
        self.training_rules(&mut found);
        self.upi_rules(&mut found);
        self.oqpay_rules(&mut found);
        self.payu_rules(&mut found);
        let listen = self.api.listen.trim();
        if !listen.is_empty() && listen.parse::<std::net::SocketAddr>().is_err() {
            found.add(
                Setting::ApiListen,
                "Not an address and port like 127.0.0.1:8787 (empty turns the API off)",
            );
        }
        if found.0.is_empty() {
            Ok(())
        } else {
            Err(found.0)
        }
    }

    fn general_rules(&self, found: &mut Found) {
        use Setting as S;
        found.within(S::MaxAmount, self.max_amount_rupees);
        found.within(S::MaxQrLife, self.max_qr_life_secs);
        found.within(S::LateGrace, self.late_payment_grace_secs);
        found.within(S::CustomerDays, self.customer_details_days);
        found.within(S::SoundVolume, u64::from(self.sound_volume));
        let languages = &self.customer_languages;
        if languages.is_empty() || languages.len() > 2 {
            found.add(
                S::CustomerLanguages,
                "One or two languages, e.g. [\"ta\", \"en\"]",
            );
        } else if languages.len() == 2 && languages[0] == languages[1] {
            found.add(
                S::CustomerLanguages,
                "The second language repeats the first",
            );
        }
        found.vpa(
            S::ExpectedVpa,
            &self.expected_payee_vpa,
            false,
            "myshop@okaxis",
        );
    }

    fn training_rules(&self, found: &mut Found) {
        use Setting as S;
        let t = &self.training;
        found.within(S::TrainingExpiry, t.expiry_secs);
        found.within(S::TrainingPaidAfter, t.simulate_paid_after_secs);
        found.within(S::TrainingDelay, t.max_delay_ms);
        if t.min_delay_ms > t.max_delay_ms {
            found.add(S::TrainingDelay, "The shortest delay is above the longest");
        }
    }

    fn upi_rules(&self, found: &mut Found) {
        use Setting as S;
        let u = &self.upi;
        let chosen = self.provider == ProviderId::Upi;
        found.vpa(S::UpiVpa, &u.vpa, chosen, "myshop@okaxis");
        if chosen && u.payee_name.trim().is_empty() {
            found.add(
                S::UpiPayeeName,
                "Type the shop's name as customers should see it",
            );
        }
        found.within(S::UpiExpiry, u.expiry_secs);
    }

    fn oqpay_rules(&self, found: &mut Found) {
        use Setting as S;
        let o = &self.oqpay;
        found.url(S::OqpayBaseUrl, &o.base_url);
        found.within(S::OqpayConnectTimeout, o.connect_timeout_secs);
        found.within(S::OqpayTimeout, o.timeout_secs);
        let mobile = o.default_customer_mobile.trim();
        if !mobile.is_empty() && normalise_mobile(mobile).is_none() {
            found.add(S::OqpayMobile, "Not a 10-digit Indian mobile number");
        }
        let email = o.default_customer_email.trim();
        if !email.is_empty() && !is_email(email) {
            found.add(S::OqpayEmail, "Not an e-mail address");
        }
    }

    fn payu_rules(&self, found: &mut Found) {
        use Setting as S;
        let p = &self.payu;
        if p.environment == PayuEnvironment::Custom {
            found.url(S::PayuBaseUrl, &p.base_url);
        }
        found.vpa(S::PayuVpa, &p.merchant_vpa, false, "myshop.payu@hdfcbank");
        found.within(S::PayuExpiry, p.expiry_secs);
        found.within(S::PayuConnectTimeout, p.connect_timeout_secs);
        found.within(S::PayuTimeout, p.timeout_secs);
        let pin = p.qr_pin_code.trim();
        if !pin.is_empty() && !is_pin_code(pin) {
            found.add(S::PayuPinCode, "A PIN code is 6 digits");
        }
        let (purpose, ref_url, category) = (p.purpose.trim(), p.ref_url.trim(), p.category.trim());
        if p.qr_type != QrType::Upi && [purpose, ref_url, category].iter().any(|v| !v.is_empty()) {
            found.add(
                S::PayuRefUrl,
                "Purpose, reference link and category go only into UPI QRs: choose UPI QR or \
                 empty them",
            );
        } else if !ref_url.is_empty() {
            let web =
                url::Url::parse(ref_url).is_ok_and(|u| matches!(u.scheme(), "https" | "http"));
            if !web {
                found.add(S::PayuRefUrl, "The reference link is not a web address");
            } else if !matches!(category, "01" | "02") {
                found.add(
                    S::PayuRefUrl,
                    "With a reference link, the category must be 01 (advertisement) or 02 (invoice)",
                );
            }
        } else if !category.is_empty() {
            found.add(S::PayuRefUrl, "A category needs a reference link");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(change: impl Fn(&mut Config)) -> Vec<Setting> {
        let mut config = Config::default();
        change(&mut config);
        config
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.setting)
            .collect()
    }

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn every_rule_names_its_setting_and_all_are_found_at_once() {
        let found = problems(|c| {
            c.provider = ProviderId::Upi;
            c.upi.vpa = "myshop".into();
            c.upi.expiry_secs = 5;
            c.max_amount_rupees = 0;
            c.oqpay.base_url = "http://payin.oqpay.in".into();
            c.oqpay.default_customer_mobile = "123".into();
            c.payu.timeout_secs = 500;
        });
        for expected in [
            Setting::UpiVpa,
            Setting::UpiPayeeName,
            Setting::UpiExpiry,
            Setting::MaxAmount,
            Setting::OqpayBaseUrl,
            Setting::OqpayMobile,
            Setting::PayuTimeout,
        ] {
            assert!(
                found.contains(&expected),
                "{expected:?} missing from {found:?}"
            );
        }
    }

    #[test]
    fn the_edges_of_each_range() {
        assert!(problems(|c| c.max_amount_rupees = 1_00_00_000).is_empty());
        assert_eq!(
            problems(|c| c.max_amount_rupees = 1_00_00_001),
            [Setting::MaxAmount]
        );
        assert_eq!(
            problems(|c| c.max_amount_rupees = u64::MAX),
            [Setting::MaxAmount]
        );
        assert!(problems(|c| c.payu.expiry_secs = 30).is_empty());
        assert_eq!(problems(|c| c.payu.expiry_secs = 29), [Setting::PayuExpiry]);
        assert_eq!(
            problems(|c| c.max_qr_life_secs = 3601),
            [Setting::MaxQrLife]
        );
        assert_eq!(
            problems(|c| c.late_payment_grace_secs = 3601),
            [Setting::LateGrace]
        );
        assert_eq!(problems(|c| c.sound_volume = 101), [Setting::SoundVolume]);
        assert_eq!(
            problems(|c| c.training.max_delay_ms = u64::MAX),
            [Setting::TrainingDelay]
        );
        assert_eq!(
            problems(|c| {
                c.training.min_delay_ms = 10;
                c.training.max_delay_ms = 5;
            }),
            [Setting::TrainingDelay]
        );
    }

    #[test]
    fn one_or_two_customer_languages_and_never_the_same_twice() {
        use crate::domain::Language;
        assert!(problems(|c| c.customer_languages = vec![Language::Ta, Language::En]).is_empty());
        assert!(problems(|c| c.customer_languages = vec![Language::Or]).is_empty());
        for wrong in [
            vec![],
            vec![Language::Hi, Language::Hi],
            vec![Language::Hi, Language::En, Language::Ta],
        ] {
            assert_eq!(
                problems(|c| c.customer_languages = wrong.clone()),
                [Setting::CustomerLanguages],
                "{wrong:?}"
            );
        }
        // In the file: codes, and an unknown one is refused with the file's line.
        let file: Config = toml::from_str("customer_languages = [\"ta\", \"en\"]").expect("parses");
        assert_eq!(file.customer_languages, [Language::Ta, Language::En]);
        assert!(toml::from_str::<Config>("customer_languages = [\"xx\"]").is_err());
    }

    #[test]
    fn payu_upi_only_fields() {
        assert_eq!(
            problems(|c| c.payu.purpose = "x".into()),
            [Setting::PayuRefUrl]
        );
        let upi = |c: &mut Config| c.payu.qr_type = QrType::Upi;
        assert!(
            problems(|c| {
                upi(c);
                c.payu.ref_url = "https://shop.example/bill".into();
                c.payu.category = "02".into();
            })
            .is_empty()
        );
        assert_eq!(
            problems(|c| {
                upi(c);
                c.payu.ref_url = "https://shop.example/bill".into();
            }),
            [Setting::PayuRefUrl]
        );
        assert_eq!(
            problems(|c| {
                upi(c);
                c.payu.category = "01".into();
            }),
            [Setting::PayuRefUrl]
        );
    }
}
