//! The languages the customer's display speaks and the scripts they are written in: which font a
//! text needs is decided here, from its characters, with no I/O.

use serde::{Deserialize, Serialize};

/// A language of the customer's display, by its ISO 639-1 code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Hi,
    Bn,
    Mr,
    Te,
    Ta,
    Gu,
    Kn,
    Ml,
    Pa,
    Or,
}

impl Language {
    /// Every language, in the order the settings panel lists them.
    pub const ALL: [Self; 11] = [
        Self::En,
        Self::Hi,
        Self::Bn,
        Self::Mr,
        Self::Te,
        Self::Ta,
        Self::Gu,
        Self::Kn,
        Self::Ml,
        Self::Pa,
        Self::Or,
    ];

    /// The code as the settings file writes it.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Hi => "hi",
            Self::Bn => "bn",
            Self::Mr => "mr",
            Self::Te => "te",
            Self::Ta => "ta",
            Self::Gu => "gu",
            Self::Kn => "kn",
            Self::Ml => "ml",
            Self::Pa => "pa",
            Self::Or => "or",
        }
    }

    /// The language back from its code; `None` for one the till does not speak.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's name in English, for the cashier.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Hi => "Hindi",
            Self::Bn => "Bengali",
            Self::Mr => "Marathi",
            Self::Te => "Telugu",
            Self::Ta => "Tamil",
            Self::Gu => "Gujarati",
            Self::Kn => "Kannada",
            Self::Ml => "Malayalam",
            Self::Pa => "Punjabi",
            Self::Or => "Odia",
        }
    }

    /// The script the language is written in.
    pub fn script(self) -> Script {
        match self {
            Self::En => Script::Latin,
            Self::Hi | Self::Mr => Script::Devanagari,
            Self::Bn => Script::Bengali,
            Self::Te => Script::Telugu,
            Self::Ta => Script::Tamil,
            Self::Gu => Script::Gujarati,
            Self::Kn => Script::Kannada,
            Self::Ml => Script::Malayalam,
            Self::Pa => Script::Gurmukhi,
            Self::Or => Script::Odia,
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A script that needs a font of its own (Latin, digits and ₹ come with the default font).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    Latin,
    Devanagari,
    Bengali,
    Gurmukhi,
    Gujarati,
    Odia,
    Tamil,
    Telugu,
    Kannada,
    Malayalam,
}

impl Script {
    /// Every Indic script, in Unicode's order.
    pub const INDIC: [Self; 9] = [
        Self::Devanagari,
        Self::Bengali,
        Self::Gurmukhi,
        Self::Gujarati,
        Self::Odia,
        Self::Tamil,
        Self::Telugu,
        Self::Kannada,
        Self::Malayalam,
    ];

    /// The Indic script a character belongs to, by its Unicode block (the Vedic extensions and
    /// Devanagari Extended count as Devanagari); `None` for anything else. The dandas (U+0964,
    /// U+0965) are shared by every North Indian script and belong to none.
    pub fn of_char(c: char) -> Option<Self> {
        let script = match u32::from(c) {
            0x0964 | 0x0965 => return None,
            0x0900..=0x097F | 0xA8E0..=0xA8FF | 0x1CD0..=0x1CFF => Self::Devanagari,
            0x0980..=0x09FF => Self::Bengali,
            0x0A00..=0x0A7F => Self::Gurmukhi,
            0x0A80..=0x0AFF => Self::Gujarati,
            0x0B00..=0x0B7F => Self::Odia,
            0x0B80..=0x0BFF => Self::Tamil,
            0x0C00..=0x0C7F => Self::Telugu,
            0x0C80..=0x0CFF => Self::Kannada,
            0x0D00..=0x0D7F => Self::Malayalam,
            _ => return None,
        };
        Some(script)
    }

    /// The Indic scripts `text` uses, each once, in Unicode's order.
    pub fn in_text(text: &str) -> Vec<Self> {
        let mut found: Vec<Self> = text.chars().filter_map(Self::of_char).collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_each_language_has_its_script() {
        for language in Language::ALL {
            assert_eq!(Language::parse(language.code()), Some(language));
        }
        assert_eq!(Language::parse("xx"), None);
        assert_eq!(Language::parse("HI"), None, "codes are lower case");
        assert_eq!(Language::Mr.script(), Language::Hi.script());
        assert_eq!(Language::Pa.script(), Script::Gurmukhi);
        assert_eq!(Language::Or.script(), Script::Odia);
    }

    #[test]
    fn the_scripts_of_a_text_are_found_by_their_letters() {
        assert!(Script::in_text("Ravi Kumar ₹500.00").is_empty());
        assert_eq!(Script::in_text("रवि"), [Script::Devanagari]);
        assert_eq!(
            Script::in_text("முருகன் & সুমন"),
            [Script::Bengali, Script::Tamil],
            "each once, in Unicode's order"
        );
        assert_eq!(
            Script::in_text("ਗੁਰਪ੍ਰੀਤ ଓଡ଼ିଆ"),
            [Script::Gurmukhi, Script::Odia]
        );
        assert_eq!(
            Script::in_text("తెలుగు ಕನ್ನಡ മലയാളം ગુજરાતી"),
            [
                Script::Gujarati,
                Script::Telugu,
                Script::Kannada,
                Script::Malayalam
            ]
        );
        assert!(
            Script::in_text("।").is_empty(),
            "a danda alone needs no font"
        );
    }
}
