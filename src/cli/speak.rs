//! `counterqr speak --amount 1250.50 [--language ta] [--wav FILE]`: the announcement the till
//! makes on PAID, said now (or written to a WAV file), so a shop owner can hear a language and
//! tests can listen.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::Config;
use crate::domain::{Language, Paise};
use crate::speech;

/// Says (or writes) the announcement for `args.amount`; prints what it says.
pub fn speak(config_path: &Path, args: &super::SpeakArgs) -> anyhow::Result<ExitCode> {
    // The settings only lend their language and volume: a missing file is the defaults.
    let config = Config::load(config_path).unwrap_or_default();
    let amount = Paise::parse_typed(&args.amount, Paise::ABSOLUTE_MAX)
        .with_context(|| format!("--amount {}", args.amount))?;
    let language = match &args.language {
        Some(code) => Language::parse(code).with_context(|| {
            let codes: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
            format!("--language {code}: the languages are {}", codes.join(", "))
        })?,
        None => config
            .customer_languages
            .first()
            .copied()
            .unwrap_or_default(),
    };
    let text = crate::i18n::announcement(amount, language, args.earlier)
        .context("amounts are said up to ₹1,00,00,000.00")?;
    println!("{text}");
    let volume = if config.sound_volume == 0 {
        70
    } else {
        config.sound_volume
    };
    speech::say(&text, language, volume, args.wav.as_deref())?;
    if let Some(wav) = &args.wav {
        eprintln!("written to {}", wav.display());
    }
    Ok(ExitCode::SUCCESS)
}
