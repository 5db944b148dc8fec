//! The settings panel through egui_kittest: it opens with F2 and returns to the screen it was
//! opened from; bad values are named and nothing is saved; the manager PIN guards where money
//! goes; secrets are replaced, never shown; a corrupt settings file is never overwritten.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use counterqr::app::{AppOptions, CounterApp};
use counterqr::config::Config;
use counterqr::flow::Screen;
use counterqr::secrets::{MemoryStore, Secret, SecretName, SecretStore};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;

struct Till {
    harness: Harness<'static, CounterApp>,
    store: Arc<MemoryStore>,
    path: PathBuf,
    /// What the voice was asked to say: the words, the language, the volume.
    said: Arc<Mutex<Vec<(String, counterqr::domain::Language, u8)>>>,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

/// A till whose settings file holds `file_text` (or does not exist, for `None`).
fn till(file_text: Option<&str>, store: MemoryStore) -> Till {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let (config, config_problem) = match file_text {
        Some(text) => {
            std::fs::write(&path, text).unwrap();
            match Config::load(&path) {
                Ok(config) => (config, None),
                Err(e) => (Config::default(), Some(e.to_string())),
            }
        }
        None => (Config::default(), None),
    };
    let store = Arc::new(store);
    let opener_store = store.clone();
    let said = Arc::new(Mutex::new(Vec::new()));
    let spoken = said.clone();
    let runtime = common::runtime();
    let clock = common::ManualClock::default();
    let gateway = common::training(&clock, Duration::ZERO);
    let app = CounterApp::new(
        gateway,
        runtime.handle().clone(),
        clock.shared(),
        AppOptions {
            config,
            config_path: Some(path.clone()),
            config_problem,
            secrets: Arc::new(move || Ok(opener_store.clone() as Arc<dyn SecretStore>)),
            autostart: Some((
                dir.path().join("autostart").join("counterqr.desktop"),
                PathBuf::from("/usr/bin/counterqr"),
            )),
            voice: Arc::new(move |a: counterqr::speech::Announcement| {
                spoken.lock().unwrap().push((a.text, a.language, a.volume));
            }),
            ..AppOptions::default()
        },
    );
    let harness = common::harness(app, [1024.0, 900.0]);
    Till {
        harness,
        store,
        path,
        said,
        _dir: dir,
        _runtime: runtime,
    }
}

impl Till {
    fn press(&mut self, modifiers: Modifiers, key: Key) {
        self.harness.key_press_modifiers(modifiers, key);
        self.harness.run_steps(2);
        if key == Key::F2 {
            // The keyring is read off the UI thread: wait for what it says.
            common::wait_until(&mut self.harness, "the keyring's answer", |app| {
                app.settings().is_none_or(|p| {
                    p.secret_status != counterqr::app::settings::SecretStatus::Reading
                })
            });
        }
    }

    fn shows(&self, text: &str) -> bool {
        self.harness
            .query_all_by_label_contains(text)
            .next()
            .is_some()
    }

    /// Replaces the text of the field labelled `label`.
    fn set_field(&mut self, label: &str, text: &str) {
        self.harness.get_by_label(label).focus();
        self.harness.run_steps(1);
        self.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
        self.harness.run_steps(1);
        self.harness.key_press(Key::Backspace);
        self.harness.run_steps(1);
        self.harness.get_by_label(label).type_text(text);
        self.harness.run_steps(2);
    }

    /// Clicks Save and waits until the save (off the UI thread) is done.
    /// Clicks the field labelled `label` as a screen reader would (it may be scrolled under the
    /// panel's buttons).
    fn click(&mut self, label: &str) {
        self.harness.get_by_label(label).click_accesskit();
        self.harness.run_steps(1);
    }

    fn save(&mut self) {
        self.harness.get_by_label("Save (Ctrl+S)").click();
        self.harness.run_steps(1);
        common::wait_until(&mut self.harness, "the save", |app| {
            app.settings().is_none_or(|p| !p.saving)
        });
    }

    /// Draws frames, waiting for background work, until `text` is on screen.
    fn wait_to_show(&mut self, text: &str) {
        common::wait_for(&mut self.harness, text, |h| {
            h.query_all_by_label_contains(text).next().is_some()
        });
    }

    fn file(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap_or_default()
    }

    fn panel_is_open(&self) -> bool {
        self.shows("Save (Ctrl+S)")
    }
}

fn upi_file(vpa: &str) -> String {
    format!("provider = \"upi\"\n[upi]\nvpa = \"{vpa}\"\npayee_name = \"Sharma Stores\"\n")
}

fn with_pin(pin: &str) -> MemoryStore {
    let store = MemoryStore::default();
    store
        .set(SecretName::ManagerPin, &Secret::new(pin))
        .unwrap();
    store
}

fn load(path: &Path) -> Config {
    Config::load(path).unwrap()
}

#[test]
fn f2_and_the_gear_open_it_and_esc_returns_to_the_screen_it_came_from() {
    let mut till = till(None, MemoryStore::default());
    till.press(Modifiers::NONE, Key::F2);
    assert!(till.panel_is_open());
    till.press(Modifiers::NONE, Key::Escape);
    assert!(!till.panel_is_open());
    assert!(
        till.harness.get_by_label("Amount (₹)").is_focused(),
        "back in the amount field"
    );

    till.harness.get_by_label("⚙ Settings (F2)").click();
    till.harness.run_steps(2);
    assert!(till.panel_is_open());
    till.press(Modifiers::NONE, Key::Escape);

    // Opened while a QR is up, it returns to the QR.
    till.harness.get_by_label("Amount (₹)").type_text("500");
    till.press(Modifiers::NONE, Key::Enter);
    common::wait_for_screen(&mut till.harness, "the QR", |s| {
        matches!(s, Screen::ShowingQr(_))
    });
    assert!(
        matches!(till.harness.state().screen(), Screen::ShowingQr(_)),
        "{:?}",
        till.harness.state().screen()
    );
    till.press(Modifiers::COMMAND, Key::Comma);
    assert!(till.panel_is_open());
    assert!(
        !till.shows("Payment QR code"),
        "the panel replaces the QR while open"
    );
    till.press(Modifiers::NONE, Key::P);
    till.press(Modifiers::NONE, Key::N);
    assert!(
        matches!(till.harness.state().screen(), Screen::ShowingQr(_)),
        "P and N typed on the panel do not end the sale"
    );
    till.press(Modifiers::NONE, Key::Escape);
    assert!(till.shows("Payment QR code: scan with any UPI app"));
}

#[test]
fn bad_values_are_named_and_nothing_is_saved() {
    let mut till = till(Some(&upi_file("shop@okaxis")), MemoryStore::default());
    let before = till.file();
    till.press(Modifiers::NONE, Key::F2);
    till.set_field("Shop's UPI ID", "shop at okaxis");
    till.set_field("QR validity (seconds)", "5");
    till.set_field("Largest amount (₹)", "lots");
    till.save();
    assert!(
        till.panel_is_open(),
        "the panel stays open with the problems"
    );
    assert!(till.shows("Not a UPI ID"));
    assert!(till.shows("QR validity (seconds) must be a whole number from 30 to 3600"));
    assert!(till.shows("The largest amount (₹) must be a whole number"));
    assert_eq!(till.file(), before, "nothing was written");
}

#[test]
fn a_good_change_is_saved_and_used() {
    let mut till = till(Some(&upi_file("shop@okaxis")), MemoryStore::default());
    till.press(Modifiers::NONE, Key::F2);
    till.set_field("Shop name (entry screen)", "Sharma Stores");
    till.set_field("QR validity (seconds)", "120");
    till.press(Modifiers::COMMAND, Key::S);
    common::wait_until(&mut till.harness, "the save", |app| {
        app.settings().is_none()
    });
    assert!(till.shows("Settings saved."));
    assert!(till.shows("Sharma Stores — new sale"));
    let saved = load(&till.path);
    assert_eq!(saved.shop_name, "Sharma Stores");
    assert_eq!(saved.upi.expiry_secs, 120);
    assert_eq!(saved.upi.vpa, "shop@okaxis");
}

#[test]
fn the_manager_pin_guards_the_payee() {
    let mut till = till(Some(&upi_file("shop@okaxis")), with_pin("4321"));
    till.press(Modifiers::NONE, Key::F2);
    till.set_field("Shop's UPI ID", "thief@okaxis");
    till.save();
    assert!(till.shows("Wrong manager PIN: nothing was changed."));
    assert_eq!(load(&till.path).upi.vpa, "shop@okaxis");

    till.set_field("Manager PIN (to change payments)", "1111");
    till.save();
    assert!(till.shows("Wrong manager PIN"));
    assert_eq!(load(&till.path).upi.vpa, "shop@okaxis");

    till.set_field("Manager PIN (to change payments)", "4321");
    till.save();
    assert!(!till.panel_is_open());
    assert_eq!(
        load(&till.path).upi.vpa,
        "thief@okaxis",
        "the owner may change it"
    );
}

#[test]
fn cosmetic_changes_need_no_pin() {
    let mut till = till(Some(&upi_file("shop@okaxis")), with_pin("4321"));
    // The file as the manager last accepted it (a file never accepted needs the PIN once).
    let file = till.path.display().to_string();
    counterqr::payee_lock::accept(&load(&till.path), &file, till.store.as_ref()).unwrap();
    till.press(Modifiers::NONE, Key::F2);
    till.set_field("Shop name (entry screen)", "Sharma Stores");
    till.save();
    assert!(!till.panel_is_open());
    assert_eq!(load(&till.path).shop_name, "Sharma Stores");
}

#[test]
fn secrets_are_replaced_masked_and_never_shown() {
    let store = MemoryStore::default();
    store
        .set(SecretName::OqpayRegistrationId, &Secret::new("OLD-ID-0001"))
        .unwrap();
    let mut till = till(None, store);
    till.press(Modifiers::NONE, Key::F2);
    assert!(till.shows("OQPay registration ID (set)"));
    assert!(till.shows("manager PIN for payment settings (not set)"));
    assert!(
        !till.shows("OLD-ID-0001"),
        "a stored value is never on screen"
    );
    till.set_field("OQPay registration ID (set)", "NEW-ID-0002");
    assert!(!till.shows("NEW-ID-0002"), "a typed value is masked");
    till.save();
    assert!(!till.panel_is_open());
    let stored = till
        .store
        .get(SecretName::OqpayRegistrationId)
        .unwrap()
        .unwrap();
    assert_eq!(stored.expose(), "NEW-ID-0002");
    assert!(
        !till.file().contains("NEW-ID-0002"),
        "not in the settings file"
    );
}

#[test]
fn a_short_manager_pin_is_refused() {
    let mut till = till(None, MemoryStore::default());
    till.press(Modifiers::NONE, Key::F2);
    till.set_field("manager PIN for payment settings (not set)", "12");
    till.save();
    assert!(till.shows("A manager PIN is 4 to 8 digits"));
    assert_eq!(till.store.get(SecretName::ManagerPin).unwrap(), None);
}

#[test]
fn a_corrupt_settings_file_is_reported_and_never_overwritten() {
    let corrupt = "provider = [\n";
    let mut till = till(Some(corrupt), MemoryStore::default());
    till.press(Modifiers::NONE, Key::F2);
    assert!(till.shows("is not valid"), "the problem is on the panel");
    till.set_field("Shop name (entry screen)", "Sharma Stores");
    till.save();
    assert!(till.panel_is_open());
    assert_eq!(till.file(), corrupt, "left alone");
}

#[test]
fn payu_fields_are_checked_and_saved_with_key_and_salt_in_the_keyring() {
    let file = "provider = \"payu\"\n[payu]\nenvironment = \"test\"\n";
    let mut till = till(Some(file), MemoryStore::default());
    till.press(Modifiers::NONE, Key::F2);
    assert!(till.shows("PayU environment"));
    assert!(
        till.shows("QR generation does not work on its test environment"),
        "the test environment's limit is said next to the choice"
    );
    till.set_field("PIN code in the QR", "4110");
    till.set_field("Merchant VPA (empty: PayU's)", "shop.payu");
    till.save();
    assert!(till.shows("A PIN code is 6 digits"));
    assert!(till.shows("Not a UPI ID"));
    assert_eq!(till.file(), file, "nothing saved");

    till.set_field("PIN code in the QR", "411001");
    till.set_field("Merchant VPA (empty: PayU's)", "shop.payu@hdfcbank");
    till.set_field("PayU merchant key (not set)", "key-7731");
    till.set_field("PayU merchant salt (not set)", "salt-4410");
    till.save();
    assert!(!till.panel_is_open(), "saved and closed");
    let saved = load(&till.path);
    assert_eq!(saved.payu.qr_pin_code, "411001");
    assert_eq!(saved.payu.merchant_vpa, "shop.payu@hdfcbank");
    let text = till.file();
    assert!(!text.contains("key-7731") && !text.contains("salt-4410"));
    assert_eq!(
        till.store
            .get(SecretName::PayuSalt)
            .unwrap()
            .unwrap()
            .expose(),
        "salt-4410"
    );
}

#[test]
fn a_shop_logo_must_be_an_image_and_then_shows_on_the_entry_screen() {
    let mut till = till(None, MemoryStore::default());
    till.press(Modifiers::NONE, Key::F2);
    let missing = till.path.with_file_name("no-such-logo.png");
    till.set_field("Shop logo (PNG or JPEG file)", missing.to_str().unwrap());
    till.save();
    assert!(till.shows("Cannot read"), "a missing file is named");
    assert!(!till.file().contains("shop_logo"));

    let logo = till.path.with_file_name("logo.png");
    image::RgbaImage::from_pixel(120, 60, image::Rgba([200, 30, 30, 255]))
        .save(&logo)
        .unwrap();
    till.set_field("Shop logo (PNG or JPEG file)", logo.to_str().unwrap());
    till.save();
    assert!(!till.panel_is_open());
    assert_eq!(load(&till.path).shop_logo, logo.to_str().unwrap());
    till.wait_to_show("Shop logo");
}

#[test]
fn autostart_writes_and_removes_the_login_entry_and_kiosk_is_saved() {
    let mut till = till(None, MemoryStore::default());
    let entry = till
        .path
        .with_file_name("autostart")
        .join("counterqr.desktop");
    till.press(Modifiers::NONE, Key::F2);
    till.click("Start counterqr when this user logs in");
    till.click("Kiosk start (full-screen, no window frame)");
    till.harness.run_steps(2);
    till.save();
    assert!(!till.panel_is_open(), "saved");
    let text = std::fs::read_to_string(&entry).expect("the autostart entry is written");
    assert!(text.contains("Exec=\"/usr/bin/counterqr\""), "{text}");
    assert!(load(&till.path).kiosk);

    till.press(Modifiers::NONE, Key::F2);
    till.click("Start counterqr when this user logs in");
    till.harness.run_steps(2);
    till.save();
    assert!(!entry.exists(), "unticked: the entry is removed");
}

#[test]
fn a_payee_edited_outside_the_panel_is_accepted_only_with_the_pin() {
    let mut till = till(Some(&upi_file("thief@okaxis")), with_pin("4321"));
    // The manager last saved shop@okaxis; the file was edited by hand since.
    let mut saved = load(&till.path);
    saved.upi.vpa = "shop@okaxis".into();
    let file = till.path.display().to_string();
    counterqr::payee_lock::accept(&saved, &file, till.store.as_ref()).unwrap();
    let lock = counterqr::payee_lock::check(&load(&till.path), &file, till.store.as_ref()).unwrap();
    assert_eq!(lock, counterqr::payee_lock::Lock::Changed(vec!["upi.vpa"]));
    let made = counterqr::providers::from_config(
        &load(&till.path),
        Some(till.path.as_path()),
        &|| Ok(till.store.clone() as Arc<dyn SecretStore>),
        counterqr::clock::system(),
    );
    let refused = made
        .err()
        .expect("no gateway for a hand-edited payee")
        .to_string();
    assert!(
        refused.contains("upi.vpa") && refused.contains("training mode"),
        "{refused}"
    );

    // Saving the panel unchanged is accepting the file: the PIN is asked for.
    till.press(Modifiers::NONE, Key::F2);
    till.save();
    assert!(till.shows("Wrong manager PIN"));
    till.set_field("Manager PIN (to change payments)", "4321");
    till.save();
    assert!(!till.panel_is_open());
    let lock = counterqr::payee_lock::check(&load(&till.path), &file, till.store.as_ref()).unwrap();
    assert_eq!(
        lock,
        counterqr::payee_lock::Lock::Held,
        "accepted by the manager"
    );
}

#[test]
fn test_voice_says_a_sample_in_the_forms_language_and_volume_before_saving() {
    let file = "customer_languages = [\"ta\", \"en\"]\nvoice = true\n";
    let mut till = till(Some(file), MemoryStore::default());
    till.press(Modifiers::NONE, Key::F2);
    assert!(
        till.shows("no speech engine: apt install espeak-ng"),
        "this till was started without one"
    );
    till.set_field("Sound volume (0 = mute)", "40");
    till.click("Test voice");
    let said = till.said.lock().unwrap().clone();
    let tamil = counterqr::i18n::announcement(
        counterqr::domain::Paise::new(125_050),
        counterqr::domain::Language::Ta,
        false,
    )
    .unwrap();
    assert_eq!(said, [(tamil, counterqr::domain::Language::Ta, 40)]);
    assert!(till.panel_is_open(), "nothing was saved or closed");
    assert!(load(&till.path).voice, "and the file is as it was");
}
