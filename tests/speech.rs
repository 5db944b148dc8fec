//! The spoken announcement through the real engine: `counterqr speak` renders "₹1,250.50
//! received" in every language to a WAV file, and sox confirms each is speech-length and not
//! silent. Needs espeak-ng and sox (`scripts/deps.sh test` installs them).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use counterqr::domain::Language;

fn speak(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_counterqr"))
        .arg("speak")
        .args(args)
        .env("COUNTERQR_CONFIG", dir.join("config.toml"))
        .env("COUNTERQR_DATA_DIR", dir.join("data"))
        .output()
        .expect("run counterqr")
}

/// sox's `stat` figure named `name` for the WAV file `wav`.
fn sox_stat(wav: &Path, name: &str) -> f64 {
    let out = Command::new("sox")
        .arg(wav)
        .args(["-n", "stat"])
        .output()
        .expect("sox (Debian: sox) must be installed");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    text.lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == name).then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("no {name} in sox's answer: {text}"))
}

#[test]
fn every_language_is_spoken_aloud_by_the_real_engine() {
    let dir = tempfile::tempdir().expect("dir");
    for language in Language::ALL {
        let wav = dir.path().join(format!("{}.wav", language.code()));
        let wav_text = wav.display().to_string();
        let out = speak(
            dir.path(),
            &[
                "--amount",
                "1250.50",
                "--language",
                language.code(),
                "--wav",
                &wav_text,
            ],
        );
        let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(
            out.status.success(),
            "{language}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected =
            counterqr::i18n::announcement(counterqr::domain::Paise::new(125_050), language, false)
                .expect("said");
        assert_eq!(
            said, expected,
            "{language}: the words printed are the words said"
        );
        let seconds = sox_stat(&wav, "Length (seconds)");
        let loudness = sox_stat(&wav, "RMS     amplitude");
        println!("{language}: {seconds:.2} s, RMS {loudness:.3}: {said}");
        assert!(
            (1.5..30.0).contains(&seconds),
            "{language}: {seconds} s is not the length of a spoken amount"
        );
        assert!(loudness > 0.02, "{language}: RMS {loudness}: silent");
    }
    // An English announcement is in English words.
    let out = speak(
        dir.path(),
        &["--amount", "500", "--language", "en", "--wav", "/dev/null"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Received five hundred rupees"
    );
}

#[test]
fn a_bad_amount_or_language_is_refused_with_what_to_type() {
    let dir = tempfile::tempdir().expect("dir");
    let out = speak(dir.path(), &["--amount", "12.345"]);
    assert!(!out.status.success());
    let out = speak(dir.path(), &["--amount", "100", "--language", "xx"]);
    assert!(!out.status.success());
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains("en, hi, bn"), "{why}");
    let out = speak(dir.path(), &["--amount", "100000001"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1,00,00,000.00"));
}
