//! The settings panel's form: the settings as typed (every number is text until it is parsed)
//! and the settings they make. The form only parses text; every rule is checked by
//! [`Config::validate`], so the panel and the settings file say the same thing.

use crate::config::rules::{Setting, range_message, range_of};
use crate::config::{Config, CustomerDisplay, PayuEnvironment};
use crate::domain::{Language, OutputType, ProviderId, QrType};
use crate::secrets::{SecretName, is_pin_format};

/// A field of the panel that can be wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A setting of the file.
    Setting(Setting),
    /// The shop's logo (a file that must be a readable image).
    ShopLogo,
    /// A secret's new value.
    Secret(SecretName),
    /// The manager PIN typed to authorise a change.
    Pin,
    /// Not one field: the keyring, the file, the gateway.
    Whole,
}

/// What is wrong with a field, in words for the shop owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }

    /// One error about the whole panel.
    pub fn whole(message: impl Into<String>) -> Vec<Self> {
        vec![Self::new(Field::Whole, message)]
    }
}

/// The settings as typed. Its `Debug` never shows the secrets or the PIN typed into it.
#[derive(Clone, PartialEq, Eq)]
pub struct SettingsForm {
    pub provider: ProviderId,
    pub start_fullscreen: bool,
    pub kiosk: bool,
    pub voice: bool,
    pub customer_display: CustomerDisplay,
    /// The language the customer reads first, and the one under it, if any.
    pub customer_language: Language,
    pub second_language: Option<Language>,
    /// Start counterqr when this user logs in (an XDG autostart entry, not a setting in the
    /// file); `None` where this till cannot have one.
    pub autostart: Option<bool>,
    pub shop_name: String,
    pub max_amount_rupees: String,
    pub expected_payee_vpa: String,
    pub upi_vpa: String,
    pub upi_payee_name: String,
    pub upi_note: String,
    pub upi_expiry_secs: String,
    pub training_expiry_secs: String,
    pub training_paid_after_secs: String,
    pub oqpay_base_url: String,
    pub oqpay_connect_timeout_secs: String,
    pub oqpay_timeout_secs: String,
    pub oqpay_default_name: String,
    pub oqpay_default_mobile: String,
    pub oqpay_default_email: String,
    pub shop_logo: String,
    pub sound_volume: String,
    pub max_qr_life_secs: String,
    pub late_payment_grace_secs: String,
    pub customer_details_days: String,
    pub payu_environment: PayuEnvironment,
    pub payu_base_url: String,
    pub payu_merchant_vpa: String,
    pub payu_expiry_secs: String,
    pub payu_qr_name: String,
    pub payu_qr_city: String,
    pub payu_qr_pin_code: String,
    pub payu_qr_type: QrType,
    pub payu_output_type: OutputType,
    pub payu_udf: [String; 3],
    pub payu_purpose: String,
    pub payu_ref_url: String,
    pub payu_category: String,
    pub payu_connect_timeout_secs: String,
    pub payu_timeout_secs: String,
    /// New values for secrets, typed masked; empty = keep the stored one.
    pub new_secrets: [(SecretName, String); 5],
    /// The manager PIN, typed to authorise a guarded change.
    pub pin: String,
}

impl Drop for SettingsForm {
    /// The secrets and the PIN typed into the form are overwritten before their memory is freed.
    fn drop(&mut self) {
        for (_, typed) in &mut self.new_secrets {
            zeroize::Zeroize::zeroize(typed);
        }
        zeroize::Zeroize::zeroize(&mut self.pin);
    }
}

impl std::fmt::Debug for SettingsForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsForm")
            .field("provider", &self.provider)
            .field("secrets_typed", &self.changed_secrets().count())
            .field("pin", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl SettingsForm {
    /// The form filled from the settings in force.
    pub fn from_config(c: &Config) -> Self {
        Self {
            provider: c.provider,
            start_fullscreen: c.start_fullscreen,
            kiosk: c.kiosk,
            voice: c.voice,
            customer_display: c.customer_display,
            customer_language: c.customer_languages.first().copied().unwrap_or_default(),
            second_language: c.customer_languages.get(1).copied(),
            autostart: None,
            shop_name: c.shop_name.clone(),
            max_amount_rupees: c.max_amount_rupees.to_string(),
            expected_payee_vpa: c.expected_payee_vpa.clone(),
            upi_vpa: c.upi.vpa.clone(),
            upi_payee_name: c.upi.payee_name.clone(),
            upi_note: c.upi.note.clone(),
            upi_expiry_secs: c.upi.expiry_secs.to_string(),
            training_expiry_secs: c.training.expiry_secs.to_string(),
            training_paid_after_secs: c.training.simulate_paid_after_secs.to_string(),
            oqpay_base_url: c.oqpay.base_url.clone(),
            oqpay_connect_timeout_secs: c.oqpay.connect_timeout_secs.to_string(),
            oqpay_timeout_secs: c.oqpay.timeout_secs.to_string(),
            oqpay_default_name: c.oqpay.default_customer_name.clone(),
            oqpay_default_mobile: c.oqpay.default_customer_mobile.clone(),
            oqpay_default_email: c.oqpay.default_customer_email.clone(),
            shop_logo: c.shop_logo.clone(),
            sound_volume: c.sound_volume.to_string(),
            max_qr_life_secs: c.max_qr_life_secs.to_string(),
            late_payment_grace_secs: c.late_payment_grace_secs.to_string(),
            customer_details_days: c.customer_details_days.to_string(),
            payu_environment: c.payu.environment,
            payu_base_url: c.payu.base_url.clone(),
            payu_merchant_vpa: c.payu.merchant_vpa.clone(),
            payu_expiry_secs: c.payu.expiry_secs.to_string(),
            payu_qr_name: c.payu.qr_name.clone(),
            payu_qr_city: c.payu.qr_city.clone(),
            payu_qr_pin_code: c.payu.qr_pin_code.clone(),
            payu_qr_type: c.payu.qr_type,
            payu_output_type: c.payu.output_type,
            payu_udf: [
                c.payu.udf3.clone(),
                c.payu.udf4.clone(),
                c.payu.udf5.clone(),
            ],
            payu_purpose: c.payu.purpose.clone(),
            payu_ref_url: c.payu.ref_url.clone(),
            payu_category: c.payu.category.clone(),
            payu_connect_timeout_secs: c.payu.connect_timeout_secs.to_string(),
            payu_timeout_secs: c.payu.timeout_secs.to_string(),
            new_secrets: SecretName::ALL.map(|name| (name, String::new())),
            pin: String::new(),
        }
    }

    /// The secrets the owner typed new values for.
    pub fn changed_secrets(&self) -> impl Iterator<Item = (SecretName, &str)> {
        self.new_secrets
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(n, v)| (*n, v.trim()))
    }

    /// The settings the form makes on top of `base` (which keeps the keys the panel does not
    /// show), or every problem at once: text that is not a number, then every rule of
    /// [`Config::validate`], then a new manager PIN's format.
    pub fn to_config(&self, base: &Config) -> Result<Config, Vec<FieldError>> {
        let mut numbers = Numbers::default();
        let mut c = base.clone();
        c.provider = self.provider;
        c.start_fullscreen = self.start_fullscreen;
        c.kiosk = self.kiosk;
        c.voice = self.voice;
        c.customer_display = self.customer_display;
        c.customer_languages = std::iter::once(self.customer_language)
            .chain(self.second_language)
            .collect();
        c.shop_name = self.shop_name.trim().to_owned();
        c.shop_logo = self.shop_logo.trim().to_owned();
        c.expected_payee_vpa = self.expected_payee_vpa.trim().to_owned();
        numbers.read(
            &mut c.max_amount_rupees,
            &self.max_amount_rupees,
            Setting::MaxAmount,
        );
        let mut volume = u64::from(c.sound_volume);
        numbers.read(&mut volume, &self.sound_volume, Setting::SoundVolume);
        c.sound_volume = u8::try_from(volume).unwrap_or(u8::MAX);
        numbers.read(
            &mut c.max_qr_life_secs,
            &self.max_qr_life_secs,
            Setting::MaxQrLife,
        );
        numbers.read(
            &mut c.late_payment_grace_secs,
            &self.late_payment_grace_secs,
            Setting::LateGrace,
        );
        numbers.read(
            &mut c.customer_details_days,
            &self.customer_details_days,
            Setting::CustomerDays,
        );
        self.training_and_upi(&mut c, &mut numbers);
        self.oqpay(&mut c, &mut numbers);
        self.payu(&mut c, &mut numbers);
        let mut errors = numbers.0;
        if let Err(problems) = c.validate() {
            let unread: Vec<Field> = errors.iter().map(|e| e.field).collect();
            errors.extend(
                problems
                    .into_iter()
                    .filter(|p| !unread.contains(&Field::Setting(p.setting)))
                    .map(|p| FieldError::new(Field::Setting(p.setting), p.message)),
            );
        }
        for (name, value) in self.changed_secrets() {
            if name == SecretName::ManagerPin && !is_pin_format(value) {
                errors.push(FieldError::new(
                    Field::Secret(name),
                    "A manager PIN is 4 to 8 digits",
                ));
            }
        }
        if errors.is_empty() {
            Ok(c)
        } else {
            Err(errors)
        }
    }

    fn training_and_upi(&self, c: &mut Config, numbers: &mut Numbers) {
        let t = &mut c.training;
        numbers.read(
            &mut t.expiry_secs,
            &self.training_expiry_secs,
            Setting::TrainingExpiry,
        );
        numbers.read(
            &mut t.simulate_paid_after_secs,
            &self.training_paid_after_secs,
            Setting::TrainingPaidAfter,
        );
        let u = &mut c.upi;
        u.vpa = self.upi_vpa.trim().to_owned();
        u.payee_name = self.upi_payee_name.trim().to_owned();
        u.note = self.upi_note.trim().to_owned();
        numbers.read(
            &mut u.expiry_secs,
            &self.upi_expiry_secs,
            Setting::UpiExpiry,
        );
    }

    fn oqpay(&self, c: &mut Config, numbers: &mut Numbers) {
        let o = &mut c.oqpay;
        o.base_url = self.oqpay_base_url.trim().to_owned();
        numbers.read(
            &mut o.connect_timeout_secs,
            &self.oqpay_connect_timeout_secs,
            Setting::OqpayConnectTimeout,
        );
        numbers.read(
            &mut o.timeout_secs,
            &self.oqpay_timeout_secs,
            Setting::OqpayTimeout,
        );
        o.default_customer_name = self.oqpay_default_name.trim().to_owned();
        o.default_customer_mobile = self.oqpay_default_mobile.trim().to_owned();
        o.default_customer_email = self.oqpay_default_email.trim().to_owned();
    }

    fn payu(&self, c: &mut Config, numbers: &mut Numbers) {
        let p = &mut c.payu;
        p.environment = self.payu_environment;
        p.base_url = self.payu_base_url.trim().to_owned();
        p.merchant_vpa = self.payu_merchant_vpa.trim().to_owned();
        numbers.read(
            &mut p.expiry_secs,
            &self.payu_expiry_secs,
            Setting::PayuExpiry,
        );
        p.qr_name = self.payu_qr_name.trim().to_owned();
        p.qr_city = self.payu_qr_city.trim().to_owned();
        p.qr_pin_code = self.payu_qr_pin_code.trim().to_owned();
        p.qr_type = self.payu_qr_type;
        p.output_type = self.payu_output_type;
        [p.udf3, p.udf4, p.udf5] = self.payu_udf.clone().map(|u| u.trim().to_owned());
        p.purpose = self.payu_purpose.trim().to_owned();
        p.ref_url = self.payu_ref_url.trim().to_owned();
        p.category = self.payu_category.trim().to_owned();
        numbers.read(
            &mut p.connect_timeout_secs,
            &self.payu_connect_timeout_secs,
            Setting::PayuConnectTimeout,
        );
        numbers.read(
            &mut p.timeout_secs,
            &self.payu_timeout_secs,
            Setting::PayuTimeout,
        );
    }
}

/// Text that did not read as a whole number, by setting.
#[derive(Default)]
struct Numbers(Vec<FieldError>);

impl Numbers {
    /// Reads `text` into `value`; text that is not a whole number is noted (with the setting's
    /// range, as its rule says it) and `value` keeps what it had.
    fn read(&mut self, value: &mut u64, text: &str, setting: Setting) {
        match text.trim().parse::<u64>() {
            Ok(n) => *value = n,
            Err(_) => {
                let message = range_of(setting).map_or_else(
                    || format!("{} must be a whole number", setting.name()),
                    |range| range_message(setting, &range),
                );
                self.0
                    .push(FieldError::new(Field::Setting(setting), message));
            }
        }
    }
}

/// Whether a change decides where money goes, and so needs the manager PIN when one is set: the
/// provider, a payee VPA, a gateway address, or any secret.
pub fn needs_pin(old: &Config, new: &Config, secrets_changed: bool) -> bool {
    secrets_changed
        || old.provider != new.provider
        || old.upi.vpa != new.upi.vpa
        || old.expected_payee_vpa != new.expected_payee_vpa
        || old.oqpay.base_url != new.oqpay.base_url
        || old.payu.merchant_vpa != new.payu.merchant_vpa
        || old.payu.base_url() != new.payu.base_url()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        SettingsForm::from_config(&Config::default())
    }

    #[test]
    fn the_unchanged_form_gives_back_the_settings() {
        assert_eq!(form().to_config(&Config::default()), Ok(Config::default()));
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut f = form();
        f.provider = ProviderId::Upi;
        f.upi_vpa = "myshop".into();
        f.upi_expiry_secs = "5".into();
        f.max_amount_rupees = "lots".into();
        f.oqpay_base_url = "http://payin.oqpay.in".into();
        f.oqpay_default_mobile = "123".into();
        f.new_secrets[3].1 = "12".into();
        let errors = f.to_config(&Config::default()).expect_err("invalid");
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        for expected in [
            Field::Setting(Setting::UpiVpa),
            Field::Setting(Setting::UpiPayeeName),
            Field::Setting(Setting::UpiExpiry),
            Field::Setting(Setting::MaxAmount),
            Field::Setting(Setting::OqpayBaseUrl),
            Field::Setting(Setting::OqpayMobile),
            Field::Secret(SecretName::ManagerPin),
        ] {
            assert!(
                fields.contains(&expected),
                "{expected:?} missing from {errors:?}"
            );
        }
        assert_eq!(
            fields
                .iter()
                .filter(|f| **f == Field::Setting(Setting::MaxAmount))
                .count(),
            1,
            "text that is not a number is said once"
        );
    }

    #[test]
    fn loopback_http_is_allowed_for_testing() {
        let mut f = form();
        f.oqpay_base_url = "http://127.0.0.1:8080".into();
        assert!(f.to_config(&Config::default()).is_ok());
    }

    #[test]
    fn the_debug_print_never_shows_what_was_typed_into_secrets() {
        let mut f = form();
        f.new_secrets[0].1 = "key-never-shown".into();
        f.pin = "4321".into();
        let printed = format!("{f:?}");
        assert!(
            !printed.contains("key-never-shown") && !printed.contains("4321"),
            "{printed}"
        );
    }

    #[test]
    fn the_pin_guards_where_money_goes() {
        let old = Config::default();
        let mut new = old.clone();
        new.shop_name = "Sharma Stores".into();
        new.max_amount_rupees = 5000;
        assert!(
            !needs_pin(&old, &new, false),
            "cosmetic changes need no PIN"
        );
        assert!(needs_pin(&old, &new, true), "a secret change does");
        for change in [
            |c: &mut Config| c.provider = ProviderId::Upi,
            |c: &mut Config| c.upi.vpa = "thief@okaxis".into(),
            |c: &mut Config| c.expected_payee_vpa = "thief@okaxis".into(),
            |c: &mut Config| c.oqpay.base_url = "https://evil.example".into(),
        ] {
            let mut changed = old.clone();
            change(&mut changed);
            assert!(needs_pin(&old, &changed, false));
        }
    }
}
