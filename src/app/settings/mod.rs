//! The shop owner's settings panel: its state between frames, and what opening and saving it do.
//! The form ([`form`]) only parses text; the rules are the settings file's own. Everything that
//! touches the keyring or the disk (which secrets are set, the manager PIN, the secrets, the file,
//! the autostart entry, the logo) runs off the UI thread ([`save`]), so a keyring waiting for its
//! password never stops the countdown.

use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::gateway::Gateway;
use crate::secrets::{SecretError, SecretName, SecretStore};

pub mod form;
pub mod save;
pub mod view;

pub use form::{Field, FieldError, SettingsForm};
pub use view::settings_ui;

/// Opens the secret store (the OS keyring in the app); called off the UI thread.
pub type SecretsOpener = Arc<dyn Fn() -> Result<Arc<dyn SecretStore>, SecretError> + Send + Sync>;

/// What the panel knows about the secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretStatus {
    /// Being read from the keyring.
    Reading,
    /// Which are set (never their values).
    Known(Vec<(SecretName, bool)>),
    /// Why the keyring cannot be read.
    Unreadable(String),
}

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
    /// A save is running off the UI thread.
    pub saving: bool,
    /// Whether a speech engine was found on this PC.
    pub voice_found: bool,
    /// The owner pressed Test voice (taken by the window).
    pub test_voice: bool,
}

impl SettingsPanel {
    /// The panel on `config`, with the secrets' state still to be read.
    pub fn open(config: &Config, path: Option<&PathBuf>, file_problem: Option<String>) -> Self {
        Self {
            form: SettingsForm::from_config(config),
            errors: Vec::new(),
            secret_status: SecretStatus::Reading,
            path_text: path.map_or_else(
                || "(no settings file: changes cannot be saved)".to_owned(),
                |p| p.display().to_string(),
            ),
            file_problem,
            saving: false,
            voice_found: false,
            test_voice: false,
        }
    }

    pub(crate) fn error_for(&self, field: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub(crate) fn pin_is_set(&self) -> bool {
        matches!(&self.secret_status,
            SecretStatus::Known(s) if s.contains(&(SecretName::ManagerPin, true)))
    }
}

/// What a save made: the settings in force from now on, and the gateway they select.
pub struct Saved {
    pub config: Config,
    pub gateway: Arc<dyn Gateway>,
}

/// Everything a save needs, handed to a thread of its own.
pub struct SaveJob {
    pub old: Config,
    pub new: Config,
    /// New secret values typed (never shown, never logged).
    pub secrets: Vec<(SecretName, crate::secrets::Secret)>,
    /// The manager PIN typed, for a change that needs it.
    pub pin: crate::secrets::Secret,
    pub path: Option<PathBuf>,
    /// The file on disk could not be read: it is never overwritten.
    pub file_problem: bool,
    /// The autostart entry wanted (where it goes, and the program it starts).
    pub autostart: Option<(bool, PathBuf, PathBuf)>,
    pub secrets_opener: SecretsOpener,
    pub clock: SharedClock,
}
