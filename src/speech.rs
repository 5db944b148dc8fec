//! The spoken announcement, like a UPI soundbox: "Received five hundred rupees" in the customer's
//! language when the money arrives. The words come from [`crate::i18n::announcement`] (the number
//! said by [`crate::domain::numwords`], never a speech engine's guess at digits); the voice is
//! espeak-ng, run as a program: it speaks English and all ten Indian languages offline, the same on
//! every till, with nothing to build against (the platform speech services, where they exist at
//! all, have voices for only some of these languages, and differ from PC to PC).
//!
//! Speaking runs on a thread of its own, after the chime, so it never holds up the window or the
//! Paid screen; a till without espeak-ng logs that once and keeps its chime.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::Duration;

use crate::domain::Language;

/// The speech engine's program.
pub const ENGINE: &str = "espeak-ng";

/// How long the announcement waits for the chime to finish (the chimes last 0.64–0.69 s).
pub const AFTER_CHIME: Duration = Duration::from_millis(750);

/// The longest an announcement may take before the engine is stopped.
pub const SAY_LIMIT: Duration = Duration::from_secs(30);

/// Why nothing was said.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("no speech engine: install espeak-ng (Debian and Ubuntu: apt install espeak-ng)")]
    NoEngine,
    #[error("espeak-ng could not be run: {0}")]
    Run(String),
    #[error("espeak-ng failed: {0}")]
    Failed(String),
}

/// One announcement for the voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub text: String,
    pub language: Language,
    /// 1 to 100, the chime's volume.
    pub volume: u8,
    /// How long to wait before speaking (for the chime).
    pub after: Duration,
}

/// Speaks an announcement; returns at once.
pub type VoiceOut = Arc<dyn Fn(Announcement) + Send + Sync>;

/// No voice, for tests and for tills that want none.
pub fn silent() -> VoiceOut {
    Arc::new(|_| {})
}

/// espeak-ng's voice for `language`.
pub fn voice(language: Language) -> &'static str {
    match language {
        Language::En => "en",
        other => other.code(),
    }
}

/// espeak-ng's amplitude (0–200, 100 its default) for the till's volume (0–100, 70 by default).
fn amplitude(volume: u8) -> u16 {
    u16::from(volume.min(100)) * 2
}

/// Where espeak-ng is, if it is installed (looked for on `PATH`).
pub fn find_engine() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(ENGINE))
        .find(|candidate| candidate.is_file())
}

/// Says `text` in `language` at `volume`, or writes it to the WAV file `wav`; returns when done.
pub fn say(
    text: &str,
    language: Language,
    volume: u8,
    wav: Option<&Path>,
) -> Result<(), SpeechError> {
    let engine = find_engine().ok_or(SpeechError::NoEngine)?;
    let mut command = Command::new(engine);
    command.args(["-b", "1", "-v", voice(language)]);
    command.args(["-a", &amplitude(volume).to_string()]);
    if let Some(wav) = wav {
        command.arg("-w").arg(wav);
    }
    // The text goes in on standard input: never read as an option, never in a process list.
    let mut child = command
        .arg("--stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SpeechError::Run(e.to_string()))?;
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(text.as_bytes())
            .map_err(|e| SpeechError::Run(e.to_string()))?;
    }
    // A hung engine is stopped: the next announcement must not wait behind it.
    let deadline = std::time::Instant::now() + SAY_LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SpeechError::Failed(format!(
                    "it took longer than {} s and was stopped",
                    SAY_LIMIT.as_secs()
                )));
            }
            Err(e) => return Err(SpeechError::Run(e.to_string())),
        }
    };
    if status.success() {
        return Ok(());
    }
    let mut said = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut stderr, &mut said);
    }
    Err(SpeechError::Failed(
        crate::domain::text::clean_gateway_text(&said, 200),
    ))
}

/// The till's voice: a thread that speaks each announcement in turn, after the chime. A missing
/// engine (or one that fails) is logged once; the till goes on with its chimes.
pub fn speaker() -> VoiceOut {
    let (tx, rx) = channel::<Announcement>();
    let spawned = std::thread::Builder::new()
        .name("counterqr-voice".to_owned())
        .spawn(move || {
            let mut told = false;
            for announcement in rx {
                std::thread::sleep(announcement.after);
                let Announcement {
                    text,
                    language,
                    volume,
                    ..
                } = &announcement;
                match say(text, *language, *volume, None) {
                    Ok(()) => tracing::info!(%language, "announced: {text}"),
                    Err(e) if !told => {
                        told = true;
                        tracing::warn!("no voice: {e}");
                    }
                    Err(_) => {}
                }
            }
        });
    match spawned {
        Ok(_) => Arc::new(move |announcement| {
            let _ = tx.send(announcement);
        }),
        Err(e) => {
            tracing::warn!("no voice: the voice thread could not start ({e})");
            silent()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_an_espeak_voice_and_the_volume_follows_the_chime() {
        let voices: Vec<&str> = Language::ALL.iter().map(|l| voice(*l)).collect();
        assert_eq!(
            voices,
            [
                "en", "hi", "bn", "mr", "te", "ta", "gu", "kn", "ml", "pa", "or"
            ]
        );
        assert_eq!(amplitude(70), 140);
        assert_eq!(amplitude(100), 200);
        assert_eq!(amplitude(255), 200, "never beyond espeak-ng's range");
    }
}
