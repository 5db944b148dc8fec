//! The shop owner's settings panel: the settings as typed (text fields) and their checked form
//! (a valid [`Config`]), the secrets (masked, replace-only), and the manager-PIN gate on changes
//! that decide where money goes.

use egui::{Color32, RichText, Ui};

use super::style::{FAILED_RED, bold};
use crate::config::{Config, CustomerDisplay, EXPIRY_SECS_RANGE, PayuEnvironment};
use crate::domain::customer::{is_email, normalise_mobile};
use crate::domain::invoice::is_pin_code;
use crate::domain::upi::is_valid_vpa;
use crate::domain::url::check_base_url;
use crate::domain::{OutputType, ProviderId, QrType};
use crate::secrets::SecretName;

/// The providers offered, with what the shop owner sees.
const PROVIDERS: [(ProviderId, &str); 4] = [
    (ProviderId::Training, "Training (simulated, no money moves)"),
    (
        ProviderId::Upi,
        "UPI direct (QR from the shop's own UPI ID)",
    ),
    (ProviderId::Oqpay, "OQPay (Dynamic QR API)"),
    (
        ProviderId::Payu,
        "PayU (Dynamic Bharat QR, confirms payment)",
    ),
];

const CUSTOMER_DISPLAYS: [(CustomerDisplay, &str); 2] = [
    (
        CustomerDisplay::SameWindow,
        "Same window (one screen, turned to the customer)",
    ),
    (
        CustomerDisplay::SecondWindow,
        "Second window (a monitor facing the customer)",
    ),
];

const PAYU_ENVIRONMENTS: [(PayuEnvironment, &str); 3] = [
    (PayuEnvironment::Production, "Production (info.payu.in)"),
    (
        PayuEnvironment::Test,
        "Test (test.payu.in) — PayU says QR does not work there",
    ),
    (PayuEnvironment::Custom, "Custom address"),
];

const PAYU_QR_TYPES: [(QrType, &str); 2] = [
    (QrType::Bqr, "Bharat QR (UPI and card apps)"),
    (QrType::Upi, "UPI QR (can carry GST details)"),
];

const PAYU_OUTPUTS: [(OutputType, &str); 3] = [
    (OutputType::String, "QR text (counterqr draws it)"),
    (OutputType::Base64, "Base64"),
    (OutputType::Image, "PayU's own image"),
];

/// A form field that can be wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    MaxAmount,
    ExpectedVpa,
    UpiVpa,
    UpiPayeeName,
    UpiExpiry,
    TrainingExpiry,
    TrainingPaidAfter,
    OqpayBaseUrl,
    OqpayTimeouts,
    OqpayMobile,
    OqpayEmail,
    ShopLogo,
    SoundVolume,
    PayuBaseUrl,
    PayuVpa,
    PayuExpiry,
    PayuPinCode,
    PayuRefUrl,
    PayuTimeouts,
    Secret(SecretName),
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

fn error(field: Field, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The settings as typed: every number is text until it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsForm {
    pub provider: ProviderId,
    pub start_fullscreen: bool,
    pub kiosk: bool,
    pub customer_display: CustomerDisplay,
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
    pub new_secrets: [(SecretName, String); 4],
    /// The manager PIN, typed to authorise a guarded change.
    pub pin: String,
}

impl SettingsForm {
    /// The form filled from the settings in force.
    pub fn from_config(c: &Config) -> Self {
        Self {
            provider: c.provider,
            start_fullscreen: c.start_fullscreen,
            kiosk: c.kiosk,
            customer_display: c.customer_display,
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

    /// Checks every field; the settings they make, on top of `base` (which keeps the keys the
    /// panel does not show), or every problem at once.
    pub fn to_config(&self, base: &Config) -> Result<Config, Vec<FieldError>> {
        let mut errors = Vec::new();
        let expiry = EXPIRY_SECS_RANGE;
        let mut c = base.clone();
        c.provider = self.provider;
        c.start_fullscreen = self.start_fullscreen;
        c.kiosk = self.kiosk;
        c.customer_display = self.customer_display;
        c.shop_name = self.shop_name.trim().to_owned();
        c.max_amount_rupees = number(
            &mut errors,
            &self.max_amount_rupees,
            Field::MaxAmount,
            1..=1_00_00_000,
            "The largest amount (₹)",
        );
        c.upi.expiry_secs = number(
            &mut errors,
            &self.upi_expiry_secs,
            Field::UpiExpiry,
            expiry.clone(),
            "QR validity (seconds)",
        );
        c.training.expiry_secs = number(
            &mut errors,
            &self.training_expiry_secs,
            Field::TrainingExpiry,
            expiry,
            "QR validity (seconds)",
        );
        c.training.simulate_paid_after_secs = number(
            &mut errors,
            &self.training_paid_after_secs,
            Field::TrainingPaidAfter,
            0..=3600,
            "Simulated payment after (seconds)",
        );
        c.oqpay.connect_timeout_secs = number(
            &mut errors,
            &self.oqpay_connect_timeout_secs,
            Field::OqpayTimeouts,
            1..=60,
            "Connect timeout (s)",
        );
        c.oqpay.timeout_secs = number(
            &mut errors,
            &self.oqpay_timeout_secs,
            Field::OqpayTimeouts,
            1..=120,
            "Total timeout (s)",
        );

        c.expected_payee_vpa = self.expected_payee_vpa.trim().to_owned();
        if !c.expected_payee_vpa.is_empty() && !is_valid_vpa(&c.expected_payee_vpa) {
            errors.push(error(
                Field::ExpectedVpa,
                "Not a UPI ID: it looks like myshop@okaxis",
            ));
        }
        c.upi.vpa = self.upi_vpa.trim().to_owned();
        c.upi.payee_name = self.upi_payee_name.trim().to_owned();
        c.upi.note = self.upi_note.trim().to_owned();
        let upi_chosen = self.provider == ProviderId::Upi;
        if (upi_chosen || !c.upi.vpa.is_empty()) && !is_valid_vpa(&c.upi.vpa) {
            errors.push(error(
                Field::UpiVpa,
                "Not a UPI ID: it looks like myshop@okaxis",
            ));
        }
        if upi_chosen && c.upi.payee_name.is_empty() {
            errors.push(error(
                Field::UpiPayeeName,
                "Type the shop's name as customers should see it",
            ));
        }

        c.oqpay.base_url = self.oqpay_base_url.trim().to_owned();
        if let Err(message) = check_base_url(&c.oqpay.base_url) {
            errors.push(error(Field::OqpayBaseUrl, message));
        }
        c.oqpay.default_customer_name = self.oqpay_default_name.trim().to_owned();
        c.oqpay.default_customer_mobile = self.oqpay_default_mobile.trim().to_owned();
        c.oqpay.default_customer_email = self.oqpay_default_email.trim().to_owned();
        let mobile = &c.oqpay.default_customer_mobile;
        if !mobile.is_empty() && normalise_mobile(mobile).is_none() {
            errors.push(error(
                Field::OqpayMobile,
                "Not a 10-digit Indian mobile number",
            ));
        }
        let email = &c.oqpay.default_customer_email;
        if !email.is_empty() && !is_email(email) {
            errors.push(error(Field::OqpayEmail, "Not an e-mail address"));
        }
        c.sound_volume = number(
            &mut errors,
            &self.sound_volume,
            Field::SoundVolume,
            0..=100,
            "Sound volume",
        ) as u8;
        c.shop_logo = self.shop_logo.trim().to_owned();
        if !c.shop_logo.is_empty()
            && let Err(problem) = crate::render::load_picture(std::path::Path::new(&c.shop_logo))
        {
            errors.push(error(Field::ShopLogo, problem));
        }
        self.payu_to_config(&mut c, &mut errors);
        for (name, value) in self.changed_secrets() {
            if name == SecretName::ManagerPin && !is_pin(value) {
                errors.push(error(Field::Secret(name), "A manager PIN is 4 to 8 digits"));
            }
        }
        if errors.is_empty() {
            c.validate().map_err(|m| vec![error(Field::Whole, m)])?;
            Ok(c)
        } else {
            Err(errors)
        }
    }
}

impl SettingsForm {
    /// The `[payu]` fields, checked.
    fn payu_to_config(&self, c: &mut Config, errors: &mut Vec<FieldError>) {
        let p = &mut c.payu;
        p.expiry_secs = number(
            errors,
            &self.payu_expiry_secs,
            Field::PayuExpiry,
            EXPIRY_SECS_RANGE,
            "QR validity (seconds)",
        );
        p.connect_timeout_secs = number(
            errors,
            &self.payu_connect_timeout_secs,
            Field::PayuTimeouts,
            1..=60,
            "Connect timeout (s)",
        );
        p.timeout_secs = number(
            errors,
            &self.payu_timeout_secs,
            Field::PayuTimeouts,
            1..=120,
            "Total timeout (s)",
        );
        p.environment = self.payu_environment;
        p.base_url = self.payu_base_url.trim().to_owned();
        if p.environment == PayuEnvironment::Custom
            && let Err(message) = check_base_url(&p.base_url)
        {
            errors.push(error(Field::PayuBaseUrl, message));
        }
        p.merchant_vpa = self.payu_merchant_vpa.trim().to_owned();
        if !p.merchant_vpa.is_empty() && !is_valid_vpa(&p.merchant_vpa) {
            errors.push(error(
                Field::PayuVpa,
                "Not a UPI ID: it looks like myshop.payu@hdfcbank",
            ));
        }
        p.qr_name = self.payu_qr_name.trim().to_owned();
        p.qr_city = self.payu_qr_city.trim().to_owned();
        p.qr_pin_code = self.payu_qr_pin_code.trim().to_owned();
        if !p.qr_pin_code.is_empty() && !is_pin_code(&p.qr_pin_code) {
            errors.push(error(Field::PayuPinCode, "A PIN code is 6 digits"));
        }
        p.qr_type = self.payu_qr_type;
        p.output_type = self.payu_output_type;
        [p.udf3, p.udf4, p.udf5] = self.payu_udf.clone().map(|u| u.trim().to_owned());
        p.purpose = self.payu_purpose.trim().to_owned();
        p.ref_url = self.payu_ref_url.trim().to_owned();
        p.category = self.payu_category.trim().to_owned();
        let upi_only = [&p.purpose, &p.ref_url, &p.category];
        if p.qr_type != QrType::Upi && upi_only.iter().any(|v| !v.is_empty()) {
            errors.push(error(
                Field::PayuRefUrl,
                "Purpose, reference link and category go only into UPI QRs: choose UPI QR or \
                 empty them",
            ));
        } else if !p.ref_url.is_empty() && !matches!(p.category.as_str(), "01" | "02") {
            errors.push(error(
                Field::PayuRefUrl,
                "With a reference link, the category must be 01 (advertisement) or 02 (invoice)",
            ));
        } else if p.ref_url.is_empty() && !p.category.is_empty() {
            errors.push(error(
                Field::PayuRefUrl,
                "A category needs a reference link",
            ));
        }
    }
}

/// A whole number within `range`; otherwise an error for `field` is noted and the range's start
/// stands in, so every field can still be checked in one pass.
fn number(
    errors: &mut Vec<FieldError>,
    text: &str,
    field: Field,
    range: std::ops::RangeInclusive<u64>,
    what: &str,
) -> u64 {
    match text.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            let (lo, hi) = (range.start(), range.end());
            errors.push(error(
                field,
                format!("{what} must be a whole number from {lo} to {hi}"),
            ));
            *lo
        }
    }
}

/// A manager PIN: 4 to 8 digits.
pub fn is_pin(text: &str) -> bool {
    (4..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a change decides where money goes, and so needs the manager PIN when one is set: the
/// provider, the payee VPA, or any secret.
pub fn needs_pin(old: &Config, new: &Config, secrets_changed: bool) -> bool {
    secrets_changed
        || old.provider != new.provider
        || old.upi.vpa != new.upi.vpa
        || old.expected_payee_vpa != new.expected_payee_vpa
        || old.oqpay.base_url != new.oqpay.base_url
        || old.payu.merchant_vpa != new.payu.merchant_vpa
        || old.payu.base_url() != new.payu.base_url()
}

/// What the panel knows about the secrets: which are set, or why the keyring cannot be read.
pub type SecretStatus = Result<Vec<(SecretName, bool)>, String>;

/// What the owner asked for on the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum PanelAction {
    Save,
    Close,
}

/// The panel's state between frames.
pub struct SettingsPanel {
    pub form: SettingsForm,
    pub errors: Vec<FieldError>,
    pub secret_status: SecretStatus,
    /// The settings file's path, shown at the top.
    pub path_text: String,
    /// The file on disk could not be read: saving is refused until it is fixed.
    pub file_problem: Option<String>,
}

impl SettingsPanel {
    fn error_for(&self, field: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    fn pin_is_set(&self) -> bool {
        self.secret_status
            .as_ref()
            .is_ok_and(|s| s.contains(&(SecretName::ManagerPin, true)))
    }
}

/// Draws the panel.
pub fn settings_ui(ui: &mut Ui, panel: &mut SettingsPanel) -> Option<PanelAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading("Settings");
        ui.label(RichText::new(&panel.path_text).weak());
    });
    if let Some(problem) = &panel.file_problem {
        ui.label(RichText::new(format!("✖ {problem}")).color(FAILED_RED));
    }
    if let Some(message) = panel.error_for(Field::Whole) {
        ui.label(RichText::new(format!("✖ {message}")).color(FAILED_RED));
    }
    ui.horizontal(|ui| {
        if ui
            .button(RichText::new("Save (Ctrl+S)").font(bold(20.0)))
            .clicked()
        {
            action = Some(PanelAction::Save);
        }
        if ui.button("Cancel (Esc)").clicked() {
            action = Some(PanelAction::Close);
        }
    });
    ui.separator();
    egui::ScrollArea::vertical().show(ui, |ui| {
        general_ui(ui, panel);
        provider_fields_ui(ui, panel);
        secrets_ui(ui, panel);
    });
    action
}

/// A labelled one-line text field in a grid row, with its error under it.
fn text_row(ui: &mut Ui, label: &str, value: &mut String, problem: Option<&str>) {
    let label = ui.label(label);
    ui.vertical(|ui| {
        ui.add(egui::TextEdit::singleline(value).desired_width(360.0))
            .labelled_by(label.id);
        if let Some(problem) = problem {
            ui.label(RichText::new(format!("✖ {problem}")).color(FAILED_RED));
        }
    });
    ui.end_row();
}

fn general_ui(ui: &mut Ui, panel: &mut SettingsPanel) {
    let errors = panel.errors.clone();
    let problem = |field| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    };
    let form = &mut panel.form;
    egui::Grid::new("settings_general")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label("Payment provider");
            let chosen = PROVIDERS
                .iter()
                .find(|(id, _)| *id == form.provider)
                .map_or("", |(_, text)| *text);
            egui::ComboBox::from_id_salt("provider")
                .selected_text(chosen)
                .width(360.0)
                .show_ui(ui, |ui| {
                    for (id, text) in PROVIDERS {
                        ui.selectable_value(&mut form.provider, id, text);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            text_row(ui, "Shop name (entry screen)", &mut form.shop_name, None);
            text_row(
                ui,
                "Shop logo (PNG or JPEG file)",
                &mut form.shop_logo,
                problem(Field::ShopLogo),
            );
            text_row(
                ui,
                "Largest amount (₹)",
                &mut form.max_amount_rupees,
                problem(Field::MaxAmount),
            );
            text_row(
                ui,
                "Shop's own UPI ID (payee check)",
                &mut form.expected_payee_vpa,
                problem(Field::ExpectedVpa),
            );
            text_row(
                ui,
                "Sound volume (0 = mute)",
                &mut form.sound_volume,
                problem(Field::SoundVolume),
            );
            choice_row(
                ui,
                "Customer display",
                &mut form.customer_display,
                &CUSTOMER_DISPLAYS,
            );
            ui.label("Start full-screen");
            ui.checkbox(&mut form.start_fullscreen, "");
            ui.end_row();
            ui.label("Kiosk");
            ui.checkbox(
                &mut form.kiosk,
                "Kiosk start (full-screen, no window frame)",
            );
            if let Some(autostart) = &mut form.autostart {
                ui.end_row();
                ui.label("Autostart");
                ui.checkbox(autostart, "Start counterqr when this user logs in");
            }
            ui.end_row();
        });
}

fn provider_fields_ui(ui: &mut Ui, panel: &mut SettingsPanel) {
    let errors = panel.errors.clone();
    let problem = |field| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    };
    let form = &mut panel.form;
    ui.add_space(8.0);
    egui::Grid::new("settings_provider")
        .num_columns(2)
        .show(ui, |ui| match form.provider {
            ProviderId::Training => {
                text_row(
                    ui,
                    "QR validity (seconds)",
                    &mut form.training_expiry_secs,
                    problem(Field::TrainingExpiry),
                );
                text_row(
                    ui,
                    "Simulate payment after (s, 0 = never)",
                    &mut form.training_paid_after_secs,
                    problem(Field::TrainingPaidAfter),
                );
            }
            ProviderId::Upi => {
                text_row(
                    ui,
                    "Shop's UPI ID",
                    &mut form.upi_vpa,
                    problem(Field::UpiVpa),
                );
                text_row(
                    ui,
                    "Payee name",
                    &mut form.upi_payee_name,
                    problem(Field::UpiPayeeName),
                );
                text_row(ui, "Note in the customer's app", &mut form.upi_note, None);
                text_row(
                    ui,
                    "QR validity (seconds)",
                    &mut form.upi_expiry_secs,
                    problem(Field::UpiExpiry),
                );
            }
            ProviderId::Oqpay => {
                text_row(
                    ui,
                    "OQPay address",
                    &mut form.oqpay_base_url,
                    problem(Field::OqpayBaseUrl),
                );
                text_row(
                    ui,
                    "Connect timeout (s)",
                    &mut form.oqpay_connect_timeout_secs,
                    problem(Field::OqpayTimeouts),
                );
                text_row(ui, "Total timeout (s)", &mut form.oqpay_timeout_secs, None);
                text_row(
                    ui,
                    "Default customer name",
                    &mut form.oqpay_default_name,
                    None,
                );
                text_row(
                    ui,
                    "Default customer mobile",
                    &mut form.oqpay_default_mobile,
                    problem(Field::OqpayMobile),
                );
                text_row(
                    ui,
                    "Default customer e-mail",
                    &mut form.oqpay_default_email,
                    problem(Field::OqpayEmail),
                );
            }
            ProviderId::Payu => payu_fields_ui(ui, form, &problem),
        });
}

/// A labelled drop-down in a grid row.
fn choice_row<T: PartialEq + Copy>(ui: &mut Ui, label: &str, value: &mut T, options: &[(T, &str)]) {
    let label = ui.label(label);
    let chosen = options
        .iter()
        .find(|(v, _)| v == value)
        .map_or("", |(_, text)| *text);
    egui::ComboBox::from_id_salt(label.id)
        .selected_text(chosen)
        .width(360.0)
        .show_ui(ui, |ui| {
            for (option, text) in options {
                ui.selectable_value(value, *option, *text);
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
}

/// PayU's fields.
fn payu_fields_ui<'e>(
    ui: &mut Ui,
    form: &mut SettingsForm,
    problem: &dyn Fn(Field) -> Option<&'e str>,
) {
    choice_row(
        ui,
        "PayU environment",
        &mut form.payu_environment,
        &PAYU_ENVIRONMENTS,
    );
    if form.payu_environment == PayuEnvironment::Test {
        ui.label("");
        ui.label(
            RichText::new("PayU states that QR generation does not work on its test environment.")
                .color(FAILED_RED),
        );
        ui.end_row();
    }
    if form.payu_environment == PayuEnvironment::Custom {
        text_row(
            ui,
            "PayU address",
            &mut form.payu_base_url,
            problem(Field::PayuBaseUrl),
        );
    }
    text_row(
        ui,
        "Merchant VPA (empty: PayU's)",
        &mut form.payu_merchant_vpa,
        problem(Field::PayuVpa),
    );
    text_row(
        ui,
        "QR validity (seconds)",
        &mut form.payu_expiry_secs,
        problem(Field::PayuExpiry),
    );
    choice_row(ui, "QR type", &mut form.payu_qr_type, &PAYU_QR_TYPES);
    choice_row(
        ui,
        "QR from PayU as",
        &mut form.payu_output_type,
        &PAYU_OUTPUTS,
    );
    text_row(ui, "Name in the QR", &mut form.payu_qr_name, None);
    text_row(ui, "City in the QR", &mut form.payu_qr_city, None);
    text_row(
        ui,
        "PIN code in the QR",
        &mut form.payu_qr_pin_code,
        problem(Field::PayuPinCode),
    );
    for (i, udf) in form.payu_udf.iter_mut().enumerate() {
        text_row(ui, &format!("udf{} (own note)", i + 3), udf, None);
    }
    text_row(ui, "Purpose (UPI QR)", &mut form.payu_purpose, None);
    text_row(
        ui,
        "Reference link (UPI QR)",
        &mut form.payu_ref_url,
        problem(Field::PayuRefUrl),
    );
    text_row(
        ui,
        "Link category (01 or 02)",
        &mut form.payu_category,
        None,
    );
    text_row(
        ui,
        "Connect timeout (s)",
        &mut form.payu_connect_timeout_secs,
        problem(Field::PayuTimeouts),
    );
    text_row(ui, "Total timeout (s)", &mut form.payu_timeout_secs, None);
}

/// Secrets: whether each is set, a masked field to replace it (never to show it), and the PIN.
fn secrets_ui(ui: &mut Ui, panel: &mut SettingsPanel) {
    ui.add_space(8.0);
    ui.label(RichText::new("Secrets (kept in the OS keyring, never shown)").font(bold(20.0)));
    let status = match &panel.secret_status {
        Ok(status) => status.clone(),
        Err(problem) => {
            ui.label(RichText::new(format!("✖ {problem}")).color(FAILED_RED));
            return;
        }
    };
    let pin_is_set = panel.pin_is_set();
    let errors = panel.errors.clone();
    egui::Grid::new("settings_secrets")
        .num_columns(2)
        .show(ui, |ui| {
            for (name, value) in &mut panel.form.new_secrets {
                let set = status.contains(&(*name, true));
                let state = if set { "set" } else { "not set" };
                let label = ui.label(format!("{} ({state})", name.description()));
                ui.vertical(|ui| {
                    let hint = if set {
                        "type to replace"
                    } else {
                        "type to set"
                    };
                    ui.add(
                        egui::TextEdit::singleline(value)
                            .password(true)
                            .hint_text(hint)
                            .desired_width(360.0),
                    )
                    .labelled_by(label.id);
                    if let Some(e) = errors.iter().find(|e| e.field == Field::Secret(*name)) {
                        ui.label(RichText::new(format!("✖ {}", e.message)).color(FAILED_RED));
                    }
                });
                ui.end_row();
            }
            if pin_is_set {
                let label = ui
                    .label(RichText::new("Manager PIN (to change payments)").color(Color32::BLACK));
                ui.vertical(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut panel.form.pin)
                            .password(true)
                            .desired_width(160.0),
                    )
                    .labelled_by(label.id);
                    if let Some(e) = errors.iter().find(|e| e.field == Field::Pin) {
                        ui.label(RichText::new(format!("✖ {}", e.message)).color(FAILED_RED));
                    }
                });
                ui.end_row();
            }
        });
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
            Field::UpiVpa,
            Field::UpiPayeeName,
            Field::UpiExpiry,
            Field::MaxAmount,
            Field::OqpayBaseUrl,
            Field::OqpayMobile,
            Field::Secret(SecretName::ManagerPin),
        ] {
            assert!(
                fields.contains(&expected),
                "{expected:?} missing from {errors:?}"
            );
        }
    }

    #[test]
    fn loopback_http_is_allowed_for_testing() {
        let mut f = form();
        f.oqpay_base_url = "http://127.0.0.1:8080".into();
        assert!(f.to_config(&Config::default()).is_ok());
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
        assert!(is_pin("1234") && is_pin("12345678"));
        assert!(!is_pin("123") && !is_pin("123456789") && !is_pin("12a4"));
    }
}
