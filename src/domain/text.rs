//! Text that came from outside (a gateway's message, a payee name, a customer's name) made inert
//! before it is shown, journaled or logged: no control characters (which could forge log lines
//! or terminal output), no bidirectional overrides or isolates (which could show
//! `moc.evil@yap` as `pay@live.com`), no invisible format characters, and a sane length.

/// The longest gateway message kept, in characters.
pub const GATEWAY_TEXT_CHARS: usize = 300;

/// True for characters that change how surrounding text is ordered or that are invisible: every
/// format character (Unicode category Cf: the bidi embeddings, overrides, isolates and marks,
/// zero-width spaces, the soft hyphen, the byte-order mark, interlinear annotations, tags…) but
/// the zero-width non-joiner and joiner (U+200C/U+200D, which Indic scripts need to spell words),
/// and the invisible Hangul fillers and the combining grapheme joiner, which look like nothing.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{06DD}' | '\u{070F}' | '\u{08E2}'
        | '\u{0600}'..='\u{0605}' | '\u{0890}'..='\u{0891}'
        | '\u{115F}'..='\u{1160}' | '\u{180B}'..='\u{180F}' | '\u{3164}' | '\u{FFA0}'
        | '\u{200B}' | '\u{200E}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}'
    )
}

/// True when `text` is plain enough to journal and show as it is: no control characters, no
/// line or paragraph separators, no invisible or bidi format characters.
pub fn is_plain(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() || is_invisible_format(c) || (c.is_whitespace() && c != ' '))
}

/// `text` with control characters turned into spaces, bidi and invisible format characters
/// removed, runs of white space made one space, trimmed, and cut to `max_chars` (with `…`).
/// Zero-width joiners (U+200C/U+200D) stay: Indic scripts need them to spell words.
pub fn clean_gateway_text(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut count = 0usize;
    let mut pending_space = false;
    for c in text.chars() {
        if is_invisible_format(c) {
            continue;
        }
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if count >= max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
            if count >= max_chars {
                out.push('…');
                return out;
            }
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_length_are_made_harmless() {
        let clean = |t: &str| clean_gateway_text(t, 40);
        assert_eq!(
            clean("Invalid\nHash.\r\n[ERROR] paid=1"),
            "Invalid Hash. [ERROR] paid=1"
        );
        assert_eq!(clean("pay to \u{202E}moc.live@yap"), "pay to moc.live@yap");
        assert_eq!(clean("\u{2067}x\u{2069}\u{200B}y\u{FEFF}"), "xy");
        assert_eq!(clean("\u{1b}[31mred\u{1b}[0m"), "[31mred [0m");
        assert_eq!(clean("  lots   of\t\tspace  "), "lots of space");
        assert_eq!(clean(&"x".repeat(100)).chars().count(), 41);
        assert!(clean(&"x".repeat(100)).ends_with('…'));
        // Indic text keeps its joiners and marks.
        assert_eq!(clean("क्‍ष राम"), "क्‍ष राम");
        assert_eq!(clean(""), "");
        // Every other format character goes: tags, soft hyphens, Arabic number signs, fillers.
        assert_eq!(
            clean("p\u{E0041}a\u{00AD}y\u{0600}e\u{3164}e\u{2064}\u{FFF9}\u{115F}\u{034F}"),
            "payee"
        );
        assert!(is_plain("INV-0042 / A"));
        for bad in [
            "a\u{202E}b",
            "a\nb",
            "a\u{2028}b",
            "a\u{200B}b",
            "a\u{E0041}",
            "a\tb",
        ] {
            assert!(!is_plain(bad), "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn no_control_or_override_survives(text in "\\PC{0,60}[\\x00-\\x1f\\u{202a}-\\u{202e}]{0,5}\\PC{0,60}") {
            let clean = clean_gateway_text(&text, 50);
            proptest::prop_assert!(!clean.chars().any(|c| c.is_control() || is_invisible_format(c)));
            proptest::prop_assert!(clean.chars().count() <= 51);
        }
    }
}
