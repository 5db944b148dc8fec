//! The till's sounds: a chime when the money arrives and a distinct low tone when a QR expires.
//! They play on their own thread through the default audio output (rodio); a PC with no audio
//! device logs that once and stays silent, and nothing else changes.

use std::io::Cursor;
use std::sync::Arc;
use std::sync::mpsc::channel;

use rodio::Source as _;

/// The paid chime (generated, CC0: see assets/sounds).
pub const PAID_WAV: &[u8] = include_bytes!("../assets/sounds/paid.wav");
/// The expired tone.
pub const EXPIRED_WAV: &[u8] = include_bytes!("../assets/sounds/expired.wav");
/// Three quick notes: an earlier sale was paid while another is on screen.
pub const LATE_PAID_WAV: &[u8] = include_bytes!("../assets/sounds/late_paid.wav");

pub use crate::flow::Cue;

/// The cue's WAV bytes.
pub fn wav(cue: Cue) -> &'static [u8] {
    match cue {
        Cue::Paid => PAID_WAV,
        Cue::Expired => EXPIRED_WAV,
        Cue::LatePaid => LATE_PAID_WAV,
    }
}

/// Plays a cue at a volume from 1 to 100; returns at once.
pub type SoundOut = Arc<dyn Fn(Cue, u8) + Send + Sync>;

/// Silence, for tests and for tills that want none.
pub fn silent() -> SoundOut {
    Arc::new(|_, _| {})
}

/// The default audio output, opened on first use on a thread of its own.
pub fn speaker() -> SoundOut {
    let (tx, rx) = channel::<(Cue, u8)>();
    let spawned = std::thread::Builder::new()
        .name("counterqr-sound".to_owned())
        .spawn(move || {
            let mut output = None;
            let mut unavailable = false;
            for (cue, volume) in rx {
                if output.is_none() && !unavailable {
                    match rodio::DeviceSinkBuilder::open_default_sink() {
                        Ok(sink) => output = Some(sink),
                        Err(e) => {
                            tracing::warn!("no sound: the audio output could not be opened ({e})");
                            unavailable = true;
                        }
                    }
                }
                let Some(sink) = &output else { continue };
                match rodio::Decoder::new(Cursor::new(wav(cue))) {
                    Ok(source) => sink
                        .mixer()
                        .add(source.amplify(f32::from(volume.min(100)) / 100.0)),
                    Err(e) => tracing::warn!("the {cue:?} sound could not be decoded: {e}"),
                }
            }
        });
    match spawned {
        Ok(_) => Arc::new(move |cue, volume| {
            // The thread lives as long as the process; if it died, the till is silent.
            let _ = tx.send((cue, volume));
        }),
        Err(e) => {
            tracing::warn!("no sound: the sound thread could not start ({e})");
            silent()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sounds_are_short_distinct_wavs_that_decode() {
        for cue in [Cue::Paid, Cue::Expired, Cue::LatePaid] {
            let source = rodio::Decoder::new(Cursor::new(wav(cue))).expect("decodes");
            let duration = source.total_duration().expect("known length");
            assert!(
                duration.as_millis() > 300 && duration.as_millis() < 1500,
                "{cue:?}: {duration:?}"
            );
        }
        assert_ne!(PAID_WAV, EXPIRED_WAV);
        assert_ne!(PAID_WAV, LATE_PAID_WAV);
    }
}
