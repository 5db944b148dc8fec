//! What the customer reads (and hears), in their language: Fluent messages, one file per language
//! under `assets/i18n/`, compiled into the binary. English is the fallback for anything a
//! translation lacks. Amounts are never translated: they come in already written as UPI apps show
//! them (`₹1,23,456.50`, Latin digits).

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::domain::{Language, Paise};

/// The message files, by language, as shipped.
const SOURCES: [(Language, &str); 11] = [
    (Language::En, include_str!("../assets/i18n/en.ftl")),
    (Language::Hi, include_str!("../assets/i18n/hi.ftl")),
    (Language::Bn, include_str!("../assets/i18n/bn.ftl")),
    (Language::Mr, include_str!("../assets/i18n/mr.ftl")),
    (Language::Te, include_str!("../assets/i18n/te.ftl")),
    (Language::Ta, include_str!("../assets/i18n/ta.ftl")),
    (Language::Gu, include_str!("../assets/i18n/gu.ftl")),
    (Language::Kn, include_str!("../assets/i18n/kn.ftl")),
    (Language::Ml, include_str!("../assets/i18n/ml.ftl")),
    (Language::Pa, include_str!("../assets/i18n/pa.ftl")),
    (Language::Or, include_str!("../assets/i18n/or.ftl")),
];

/// A message the customer reads, with what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg<'a> {
    /// The language's own name, in its own script.
    LanguageName,
    /// Between sales.
    Idle,
    /// While the gateway is asked.
    Preparing,
    ScanAndPay,
    PayTo {
        payee: &'a str,
    },
    UpiId {
        vpa: &'a str,
    },
    /// `time`: the countdown, `m:ss`.
    ValidFor {
        time: &'a str,
    },
    /// A QR with no amount in it.
    EnterAmountYourself {
        amount: Paise,
    },
    Training,
    PaidTitle,
    PaidThankYou {
        amount: Paise,
    },
    ExpiredTitle,
    ExpiredDoNotPay,
    FailedTitle,
    FailedAskCashier,
}

impl Msg<'_> {
    /// The message's id in the `.ftl` files.
    pub fn id(&self) -> &'static str {
        match self {
            Self::LanguageName => "language-name",
            Self::Idle => "idle-scan-any-upi",
            Self::Preparing => "qr-preparing",
            Self::ScanAndPay => "qr-scan-and-pay",
            Self::PayTo { .. } => "qr-pay-to",
            Self::UpiId { .. } => "qr-upi-id",
            Self::ValidFor { .. } => "qr-valid-for",
            Self::EnterAmountYourself { .. } => "qr-type-amount-yourself",
            Self::Training => "training-not-real",
            Self::PaidTitle => "paid-title",
            Self::PaidThankYou { .. } => "paid-thank-you",
            Self::ExpiredTitle => "expired-title",
            Self::ExpiredDoNotPay => "expired-do-not-pay",
            Self::FailedTitle => "failed-title",
            Self::FailedAskCashier => "failed-ask-cashier",
        }
    }

    fn args(&self) -> FluentArgs<'static> {
        let mut args = FluentArgs::new();
        match *self {
            Self::PayTo { payee } => args.set("payee", payee.to_owned()),
            Self::UpiId { vpa } => args.set("vpa", vpa.to_owned()),
            Self::ValidFor { time } => args.set("time", time.to_owned()),
            Self::EnterAmountYourself { amount } | Self::PaidThankYou { amount } => {
                args.set("amount", amount.to_string());
            }
            _ => {}
        }
        args
    }
}

/// A number for a message's plural selector (`$count`): Fluent matches `[1]` and `[one]` only
/// against a number, never against the text "1".
pub fn count(n: u64) -> FluentValue<'static> {
    FluentValue::from(n)
}

/// Every language's messages, parsed once.
pub struct Messages {
    bundles: Vec<(Language, FluentBundle<FluentResource>)>,
}

static MESSAGES: LazyLock<Messages> = LazyLock::new(Messages::parse);

/// The shipped messages.
pub fn messages() -> &'static Messages {
    &MESSAGES
}

impl Messages {
    fn parse() -> Self {
        let bundles = SOURCES
            .iter()
            .filter_map(|(language, source)| Some((*language, bundle(*language, source)?)))
            .collect();
        Self { bundles }
    }

    fn bundle(&self, language: Language) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, b)| b)
    }

    /// `msg` in `language`, or in English when that language lacks it.
    pub fn text(&self, language: Language, msg: Msg<'_>) -> String {
        self.format(language, msg.id(), &msg.args())
            .unwrap_or_else(|| msg.id().to_owned())
    }

    /// `msg` in each of `languages`, in order (English when the list is empty).
    pub fn texts(&self, languages: &[Language], msg: Msg<'_>) -> Vec<String> {
        if languages.is_empty() {
            return vec![self.text(Language::En, msg)];
        }
        languages.iter().map(|l| self.text(*l, msg)).collect()
    }

    /// The message `id` in `language` with `args`, falling back to English; `None` when neither
    /// has it. Formatting problems (a missing argument) fall back to English too.
    pub fn format(&self, language: Language, id: &str, args: &FluentArgs<'_>) -> Option<String> {
        let once = |language: Language| {
            let bundle = self.bundle(language)?;
            let pattern = bundle.get_message(id)?.value()?;
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(args), &mut errors);
            if errors.is_empty() {
                Some(text.into_owned())
            } else {
                tracing::debug!("message {id} in {language}: {errors:?}");
                None
            }
        };
        once(language).or_else(|| once(Language::En))
    }

    /// The ids of every message in `language`'s file.
    pub fn ids(language: Language) -> Vec<String> {
        let Some((_, source)) = SOURCES.iter().find(|(l, _)| *l == language) else {
            return Vec::new();
        };
        let resource = match FluentResource::try_new((*source).to_owned()) {
            Ok(resource) | Err((resource, _)) => resource,
        };
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }
}

/// One language's bundle; a file that does not parse is logged and left out (English stands in).
fn bundle(language: Language, source: &str) -> Option<FluentBundle<FluentResource>> {
    let resource = match FluentResource::try_new(source.to_owned()) {
        Ok(resource) => resource,
        Err((_, errors)) => {
            tracing::error!("the {language} messages do not parse: {errors:?}");
            return None;
        }
    };
    let id = language.code().parse().ok()?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: egui would draw them, espeak would read them.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!("the {language} messages clash: {errors:?}");
        return None;
    }
    Some(bundle)
}

/// What is said when `amount` arrives, in `language`, as people say it: "Received one thousand
/// two hundred fifty rupees and fifty paise", "पाँच सौ रुपये प्राप्त हुए". With `earlier`, the
/// payment was for an earlier sale, announced while another is on screen ("Earlier sale of five
/// hundred rupees received"). `None` for an amount the number words do not reach (above one
/// crore rupees) or for zero.
pub fn announcement(amount: Paise, language: Language, earlier: bool) -> Option<String> {
    /// ₹1,00,00,000.00: the largest amount said.
    const MOST: u64 = 1_00_00_000_00;
    if amount.paise() > MOST {
        return None;
    }
    let m = messages();
    let rupees = amount.paise() / 100;
    let paise = amount.paise() % 100;
    let phrase = |id: &str, n: u64| {
        let mut args = FluentArgs::new();
        args.set("words", crate::domain::numwords::words(n, language)?);
        args.set("count", count(n));
        m.format(language, id, &args)
    };
    let (spoken, agree) = match (rupees, paise) {
        (0, 0) => return None,
        (0, p) => (phrase("speech-paise", p)?, p),
        (r, 0) => (phrase("speech-rupees", r)?, r),
        (r, p) => {
            let mut args = FluentArgs::new();
            args.set("rupees", phrase("speech-rupees", r)?);
            args.set("paise", phrase("speech-paise", p)?);
            (m.format(language, "speech-rupees-and-paise", &args)?, r)
        }
    };
    let mut args = FluentArgs::new();
    args.set("amount", spoken);
    args.set("count", count(agree));
    let id = if earlier {
        "speech-earlier-received"
    } else {
        "speech-received"
    };
    m.format(language, id, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message the display draws, with sample arguments.
    fn every_msg() -> Vec<Msg<'static>> {
        let amount = Paise::from_rupees(1_23_456);
        vec![
            Msg::LanguageName,
            Msg::Idle,
            Msg::Preparing,
            Msg::ScanAndPay,
            Msg::PayTo {
                payee: "Sharma Stores",
            },
            Msg::UpiId {
                vpa: "sharma@okaxis",
            },
            Msg::ValidFor { time: "4:59" },
            Msg::EnterAmountYourself { amount },
            Msg::Training,
            Msg::PaidTitle,
            Msg::PaidThankYou { amount },
            Msg::ExpiredTitle,
            Msg::ExpiredDoNotPay,
            Msg::FailedTitle,
            Msg::FailedAskCashier,
        ]
    }

    #[test]
    fn every_language_has_exactly_the_messages_english_has() {
        let mut english = Messages::ids(Language::En);
        english.sort();
        assert_eq!(english.len(), 20);
        for language in Language::ALL {
            let mut ids = Messages::ids(language);
            ids.sort();
            let missing: Vec<_> = english.iter().filter(|id| !ids.contains(id)).collect();
            let extra: Vec<_> = ids.iter().filter(|id| !english.contains(id)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{language}: missing {missing:?}, not in English {extra:?}"
            );
            assert!(messages().bundle(language).is_some(), "{language} parses");
        }
        for msg in every_msg() {
            assert!(english.iter().any(|id| id == msg.id()), "{msg:?}");
        }
    }

    #[test]
    fn every_message_formats_in_every_language_with_its_own_words() {
        let m = messages();
        for language in Language::ALL {
            for msg in every_msg() {
                let id = msg.id();
                let bundle = m.bundle(language).expect("parsed");
                let pattern = bundle
                    .get_message(id)
                    .and_then(|m| m.value())
                    .unwrap_or_else(|| panic!("{language} {id}"));
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&msg.args()), &mut errors);
                assert!(errors.is_empty(), "{language} {id}: {errors:?}");
                assert!(!text.contains(['\u{2068}', '\u{2069}']), "{language} {id}");
                if language != Language::En && !matches!(msg, Msg::UpiId { .. }) {
                    assert_ne!(text, m.text(Language::En, msg), "{language} {id}");
                }
                if let Msg::EnterAmountYourself { .. } | Msg::PaidThankYou { .. } = msg {
                    assert!(text.contains("₹1,23,456.00"), "{language} {id}: {text}");
                }
            }
        }
    }

    #[test]
    fn english_reads_as_the_till_always_said_it() {
        let m = messages();
        assert_eq!(
            m.text(Language::En, Msg::Idle),
            "Scan & pay with any UPI app"
        );
        assert_eq!(
            m.text(Language::En, Msg::ValidFor { time: "4:59" }),
            "Valid for 4:59"
        );
        assert_eq!(
            m.text(
                Language::En,
                Msg::PaidThankYou {
                    amount: Paise::from_rupees(500)
                }
            ),
            "₹500.00 received. Thank you!"
        );
        assert_eq!(
            m.text(
                Language::Hi,
                Msg::PayTo {
                    payee: "शर्मा स्टोर्स"
                }
            ),
            "शर्मा स्टोर्स को"
        );
        assert_eq!(
            m.texts(&[Language::Ta, Language::En], Msg::ScanAndPay)[1],
            "Scan & pay"
        );
        assert_eq!(m.texts(&[], Msg::PaidTitle), ["PAID"]);
    }

    #[test]
    fn plurals_select_on_a_number() {
        let m = messages();
        let say = |language, n: u64| {
            let mut args = FluentArgs::new();
            args.set("words", "x");
            args.set("count", count(n));
            m.format(language, "speech-rupees", &args).expect("formats")
        };
        assert_eq!(say(Language::En, 1), "x rupee");
        assert_eq!(say(Language::En, 2), "x rupees");
        assert_eq!(say(Language::Hi, 1), "x रुपया");
        assert_eq!(say(Language::Hi, 0), "x रुपये", "zero takes the plural");
        assert_eq!(say(Language::Mr, 5), "x रुपये");
        assert!(m.format(Language::En, "no-such-message", &args()).is_none());
    }

    fn args() -> FluentArgs<'static> {
        FluentArgs::new()
    }

    #[test]
    fn the_announcement_says_the_amount_as_people_do() {
        let say = |paise: u64, language, earlier| {
            announcement(Paise::new(paise), language, earlier).expect("said")
        };
        assert_eq!(
            say(50_000, Language::En, false),
            "Received five hundred rupees"
        );
        assert_eq!(say(100, Language::En, false), "Received one rupee");
        assert_eq!(say(5, Language::En, false), "Received five paise");
        assert_eq!(
            say(125_050, Language::En, false),
            "Received one thousand two hundred fifty rupees and fifty paise"
        );
        assert_eq!(
            say(1_00_000_00, Language::En, false),
            "Received one lakh rupees"
        );
        assert_eq!(
            say(12_34_567_89, Language::En, false),
            "Received twelve lakh thirty four thousand five hundred sixty seven rupees and \
             eighty nine paise"
        );
        assert_eq!(
            say(50_000, Language::En, true),
            "Earlier sale of five hundred rupees received"
        );
        assert_eq!(say(50_000, Language::Hi, false), "पाँच सौ रुपये प्राप्त हुए");
        assert_eq!(say(100, Language::Hi, false), "एक रुपया प्राप्त हुआ");
        assert_eq!(
            say(50_000, Language::Hi, true),
            "पिछली बिक्री के पाँच सौ रुपये प्राप्त हुए"
        );
        assert_eq!(
            say(1_00_00_000_00, Language::En, false),
            "Received one crore rupees"
        );
        assert_eq!(
            announcement(Paise::new(1_00_00_000_01), Language::En, false),
            None
        );
        assert_eq!(announcement(Paise::new(0), Language::En, false), None);
    }

    #[test]
    fn every_language_announces_every_kind_of_amount_in_its_own_script() {
        for language in Language::ALL {
            for paise in [
                5,
                100,
                50_000,
                125_050,
                1_00_000_00,
                12_34_567_89,
                1_00_00_000_00,
            ] {
                for earlier in [false, true] {
                    let text = announcement(Paise::new(paise), language, earlier)
                        .unwrap_or_else(|| panic!("{language} {paise}"));
                    assert!(!text.chars().any(|c| c.is_ascii_digit()), "{text}");
                    assert!(!text.contains('{') && !text.contains("  "), "{text}");
                    if language != Language::En {
                        assert!(
                            !text.chars().any(|c| c.is_ascii_alphabetic()),
                            "{language}: {text}"
                        );
                    }
                }
            }
        }
    }
}
