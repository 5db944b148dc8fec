//! The settings panel drawn: the form's fields with each one's problem under it, the secrets
//! (masked, replace-only; their state read off the UI thread), and the manager PIN where a change
//! needs it. Drawing only: what Save means is in the panel's controller.

use egui::{Color32, RichText, Ui};

use super::form::{Field, SettingsForm};
use super::{PanelAction, SecretStatus, SettingsPanel};
use crate::app::style::{FAILED_RED, bold};
use crate::config::{CustomerDisplay, PayuEnvironment, Setting};
use crate::domain::{Language, OutputType, ProviderId, QrType};
use crate::i18n::{Msg, messages};

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
        if panel.saving {
            ui.spinner();
            ui.label("Saving…");
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

/// The problem named for `field`, if any.
fn problem_in(errors: &[super::FieldError], field: Field) -> Option<&str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

fn general_ui(ui: &mut Ui, panel: &mut SettingsPanel) {
    let SettingsPanel {
        form,
        errors,
        voice_found,
        test_voice,
        ..
    } = panel;
    let voice_found = *voice_found;
    let problem = |field| problem_in(errors, field);
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
                problem(Field::Setting(Setting::MaxAmount)),
            );
            text_row(
                ui,
                "Shop's own UPI ID (payee check)",
                &mut form.expected_payee_vpa,
                problem(Field::Setting(Setting::ExpectedVpa)),
            );
            text_row(
                ui,
                "Sound volume (0 = mute)",
                &mut form.sound_volume,
                problem(Field::Setting(Setting::SoundVolume)),
            );
            text_row(
                ui,
                "Longest QR life (seconds)",
                &mut form.max_qr_life_secs,
                problem(Field::Setting(Setting::MaxQrLife)),
            );
            text_row(
                ui,
                "Watch for a late payment (seconds)",
                &mut form.late_payment_grace_secs,
                problem(Field::Setting(Setting::LateGrace)),
            );
            text_row(
                ui,
                "Keep customer details (days)",
                &mut form.customer_details_days,
                problem(Field::Setting(Setting::CustomerDays)),
            );
            choice_row(
                ui,
                "Customer display",
                &mut form.customer_display,
                &CUSTOMER_DISPLAYS,
            );
            languages_ui(
                ui,
                form,
                problem(Field::Setting(Setting::CustomerLanguages)),
            );
            voice_row(ui, &mut form.voice, test_voice, voice_found);
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

/// Voice on or off, the Test voice button, and a word when this PC has no speech engine.
fn voice_row(ui: &mut Ui, voice: &mut bool, test_voice: &mut bool, voice_found: bool) {
    ui.label("Voice");
    ui.horizontal(|ui| {
        ui.checkbox(voice, "Say the amount when paid");
        if ui.button("Test voice").clicked() {
            *test_voice = true;
        }
        if !voice_found {
            ui.label(RichText::new("no speech engine: apt install espeak-ng").color(FAILED_RED));
        }
    });
    ui.end_row();
}

fn provider_fields_ui(ui: &mut Ui, panel: &mut SettingsPanel) {
    let SettingsPanel { form, errors, .. } = panel;
    let problem = |field| problem_in(errors, field);
    ui.add_space(8.0);
    egui::Grid::new("settings_provider")
        .num_columns(2)
        .show(ui, |ui| match form.provider {
            ProviderId::Training => {
                text_row(
                    ui,
                    "QR validity (seconds)",
                    &mut form.training_expiry_secs,
                    problem(Field::Setting(Setting::TrainingExpiry)),
                );
                text_row(
                    ui,
                    "Simulate payment after (s, 0 = never)",
                    &mut form.training_paid_after_secs,
                    problem(Field::Setting(Setting::TrainingPaidAfter)),
                );
            }
            ProviderId::Upi => {
                text_row(
                    ui,
                    "Shop's UPI ID",
                    &mut form.upi_vpa,
                    problem(Field::Setting(Setting::UpiVpa)),
                );
                text_row(
                    ui,
                    "Payee name",
                    &mut form.upi_payee_name,
                    problem(Field::Setting(Setting::UpiPayeeName)),
                );
                text_row(ui, "Note in the customer's app", &mut form.upi_note, None);
                text_row(
                    ui,
                    "QR validity (seconds)",
                    &mut form.upi_expiry_secs,
                    problem(Field::Setting(Setting::UpiExpiry)),
                );
            }
            ProviderId::Oqpay => {
                text_row(
                    ui,
                    "OQPay address",
                    &mut form.oqpay_base_url,
                    problem(Field::Setting(Setting::OqpayBaseUrl)),
                );
                text_row(
                    ui,
                    "Connect timeout (s)",
                    &mut form.oqpay_connect_timeout_secs,
                    problem(Field::Setting(Setting::OqpayConnectTimeout)),
                );
                text_row(
                    ui,
                    "Total timeout (s)",
                    &mut form.oqpay_timeout_secs,
                    problem(Field::Setting(Setting::OqpayTimeout)),
                );
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
                    problem(Field::Setting(Setting::OqpayMobile)),
                );
                text_row(
                    ui,
                    "Default customer e-mail",
                    &mut form.oqpay_default_email,
                    problem(Field::Setting(Setting::OqpayEmail)),
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

/// Each language by its own name in its own script, with the English name for the owner.
fn language_label(language: Language) -> String {
    let own = messages().text(language, Msg::LanguageName);
    if language == Language::En {
        own
    } else {
        format!("{own} ({})", language.english_name())
    }
}

/// The customer's first language, and the second one shown under it.
fn languages_ui(ui: &mut Ui, form: &mut SettingsForm, problem: Option<&str>) {
    let first: Vec<(Language, String)> = Language::ALL
        .into_iter()
        .map(|l| (l, language_label(l)))
        .collect();
    let first: Vec<(Language, &str)> = first.iter().map(|(l, t)| (*l, t.as_str())).collect();
    choice_row(
        ui,
        "Customer's language",
        &mut form.customer_language,
        &first,
    );
    let second: Vec<(Option<Language>, String)> = std::iter::once((None, "None".to_owned()))
        .chain(
            Language::ALL
                .into_iter()
                .map(|l| (Some(l), language_label(l))),
        )
        .collect();
    let second: Vec<(Option<Language>, &str)> =
        second.iter().map(|(l, t)| (*l, t.as_str())).collect();
    choice_row(ui, "…and under it", &mut form.second_language, &second);
    if let Some(problem) = problem {
        ui.label("");
        ui.label(RichText::new(format!("✖ {problem}")).color(FAILED_RED));
        ui.end_row();
    }
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
            problem(Field::Setting(Setting::PayuBaseUrl)),
        );
    }
    text_row(
        ui,
        "Merchant VPA (empty: PayU's)",
        &mut form.payu_merchant_vpa,
        problem(Field::Setting(Setting::PayuVpa)),
    );
    text_row(
        ui,
        "QR validity (seconds)",
        &mut form.payu_expiry_secs,
        problem(Field::Setting(Setting::PayuExpiry)),
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
        problem(Field::Setting(Setting::PayuPinCode)),
    );
    for (i, udf) in form.payu_udf.iter_mut().enumerate() {
        text_row(ui, &format!("udf{} (own note)", i + 3), udf, None);
    }
    text_row(ui, "Purpose (UPI QR)", &mut form.payu_purpose, None);
    text_row(
        ui,
        "Reference link (UPI QR)",
        &mut form.payu_ref_url,
        problem(Field::Setting(Setting::PayuRefUrl)),
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
        problem(Field::Setting(Setting::PayuConnectTimeout)),
    );
    text_row(
        ui,
        "Total timeout (s)",
        &mut form.payu_timeout_secs,
        problem(Field::Setting(Setting::PayuTimeout)),
    );
}

/// Secrets: whether each is set, a masked field to replace it (never to show it), and the PIN.
fn secrets_ui(ui: &mut Ui, panel: &mut SettingsPanel) {
    ui.add_space(8.0);
    ui.label(RichText::new("Secrets (kept in the OS keyring, never shown)").font(bold(20.0)));
    let status = match &panel.secret_status {
        SecretStatus::Known(status) => status.clone(),
        SecretStatus::Reading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the keyring… (the till goes on meanwhile)");
            });
            return;
        }
        SecretStatus::Unreadable(problem) => {
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
