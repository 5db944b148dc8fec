//! Whether a sale was paid: what a gateway's answer about a transaction means for one sale,
//! decided in one place, fail-closed.
//!
//! The answer is read leniently (a value may be a string or a number, unknown fields are
//! ignored, the same meaning may come under several names) but decided strictly: only an explicit
//! success word in a status field, for this sale's reference, for exactly this amount in paise, is
//! [`PaymentStatus::Paid`]. Anything that cannot be read, or that says two things at once, is
//! [`PaymentStatus::Unknown`]: not paid, keep asking.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::money::Paise;

/// What the provider told us about a payment that arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaidDetails {
    pub payer_vpa: Option<String>,
    pub bank_reference: Option<String>,
    /// The provider's own id for the payment (PayU's `mihpayid`).
    pub gateway_payment_id: Option<String>,
}

/// What a status check found out about a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentStatus {
    /// The money for exactly this sale arrived.
    Paid(PaidDetails),
    /// A payment attempt failed (the customer may try again while the QR is valid), or the
    /// provider reports a payment that is not this sale's amount.
    Failed { reason: String },
    /// Nothing has arrived yet.
    Pending,
    /// The answer could not be read, or contradicts itself: not paid, ask again.
    Unknown { why: String },
}

/// How a paid sale came to be known as paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaidHow {
    /// The cashier saw the payment on the shop's phone and pressed "Mark paid".
    ByHand,
    /// The gateway confirmed it while the QR was on screen.
    Polled,
    /// The gateway confirmed it after the QR left the screen (expired or withdrawn).
    Late,
    /// The gateway refused a new QR because the sale is already paid, and its status confirmed it.
    AlreadyPaid,
    /// Found by the watch that resumed after the till restarted.
    AfterRestart,
    /// Found when the cashier asked again from the history screen.
    Checked,
    /// Found by `counterqr reconcile` (or the history screen's "Reconcile day").
    Reconciled,
}

impl PaidHow {
    /// Every way, in the order above.
    pub const ALL: [Self; 7] = [
        Self::ByHand,
        Self::Polled,
        Self::Late,
        Self::AlreadyPaid,
        Self::AfterRestart,
        Self::Checked,
        Self::Reconciled,
    ];

    /// The word stored in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ByHand => "by_hand",
            Self::Polled => "polled",
            Self::Late => "late",
            Self::AlreadyPaid => "already_paid",
            Self::AfterRestart => "after_restart",
            Self::Checked => "checked",
            Self::Reconciled => "reconciled",
        }
    }

    /// The stored word back; `None` for a word this version does not know.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == text)
    }

    /// True when the gateway (not the cashier) said so.
    pub fn confirmed_by_gateway(self) -> bool {
        self != Self::ByHand
    }

    /// How it was learned, for people.
    pub fn words(self) -> &'static str {
        match self {
            Self::ByHand => "marked paid by the cashier",
            Self::Polled => "confirmed by the gateway",
            Self::Late => "confirmed by the gateway after the QR left the screen",
            Self::AlreadyPaid => "the gateway said it was already paid, and confirmed it",
            Self::AfterRestart => "confirmed by the gateway after the till restarted",
            Self::Checked => "confirmed by the gateway when checked from the history",
            Self::Reconciled => "confirmed by the gateway when the day was reconciled",
        }
    }
}

/// A JSON object as a gateway sent it: every member in order, duplicates kept, each value as the
/// raw JSON text (so a number is read digit by digit, never through a float).
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(member);
                }
                Ok(Fields(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// What a lookup of one meaning found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No field of that meaning.
    Absent,
    /// One value, or several that say the same.
    One(String),
    /// Fields of that meaning that disagree, or one that is not a string or a number.
    Unclear,
}

impl Fields {
    /// Reads a JSON object from text; anything else is an error in words.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not a JSON object: {e}"))
    }

    /// Reads a JSON object from bytes.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("not a JSON object: {e}"))
    }

    /// Every member: its name and its raw JSON.
    pub fn members(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_ref()))
    }

    /// The raw values under any of `names` (compared without regard to ASCII case).
    pub fn raw<'a>(&'a self, names: &'a [&str]) -> impl Iterator<Item = &'a RawValue> {
        self.0
            .iter()
            .filter(|(key, _)| names.iter().any(|n| key.eq_ignore_ascii_case(n)))
            .map(|(_, v)| v.as_ref())
    }

    /// The one text under any of `names`, comparing values with `same`; empty strings count as
    /// absent.
    pub fn text_by(&self, names: &[&str], same: impl Fn(&str, &str) -> bool) -> Found {
        let mut found: Option<String> = None;
        for raw in self.raw(names) {
            let Some(text) = scalar_text(raw) else {
                if raw.get().trim() == "null" {
                    continue;
                }
                return Found::Unclear;
            };
            // ASCII white space only: a gateway's "\u{3000}success" is not a plain word.
            let text = text
                .trim_matches(|c: char| c.is_ascii_whitespace())
                .to_owned();
            if text.is_empty() {
                continue;
            }
            match &found {
                Some(earlier) if !same(earlier, &text) => return Found::Unclear,
                Some(_) => {}
                None => found = Some(text),
            }
        }
        found.map_or(Found::Absent, Found::One)
    }

    /// The one text under any of `names` (equal texts agree).
    pub fn text(&self, names: &[&str]) -> Found {
        self.text_by(names, |a, b| a == b)
    }

    /// The first non-empty scalar under any of `names`, for information only (never a decision).
    pub fn first_text(&self, names: &[&str]) -> Option<String> {
        self.raw(names)
            .filter_map(scalar_text)
            .map(|t| t.trim().to_owned())
            .find(|t| !t.is_empty())
    }

    /// The nested object under `name`, if there is exactly one and it is an object.
    pub fn object(&self, name: &str) -> Option<Result<Self, String>> {
        let mut found = self.raw(std::slice::from_ref(&name));
        let first = found.next()?;
        if found.next().is_some() {
            return Some(Err(format!("\"{name}\" appears twice")));
        }
        Some(Self::parse(first.get()))
    }
}

/// A JSON string's text, or a JSON number's digits as written; `None` for anything else.
fn scalar_text(raw: &RawValue) -> Option<String> {
    let text = raw.get().trim();
    match text.as_bytes().first()? {
        b'"' => serde_json::from_str::<String>(text).ok(),
        b'-' | b'0'..=b'9' => Some(text.to_owned()),
        _ => None,
    }
}

/// An amount as a gateway writes it, read strictly: digits, optionally a point and digits, and
/// nothing else (no sign, no grouping, no exponent, no spaces inside). Digits past the paise must
/// be zeros (`500.000` is ₹500.00; `500.005` is not an amount of paise).
pub fn parse_gateway_amount(text: &str) -> Option<Paise> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || (text.ends_with('.')) {
        return None;
    }
    let (paise_digits, rest) = fraction.split_at(fraction.len().min(2));
    if rest.bytes().any(|b| b != b'0') {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    // More digits than any amount of paise that fits in a u64: not an amount.
    if whole.len() > 16 {
        return None;
    }
    let rupees: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let paise: u64 = format!("{paise_digits:0<2}").parse().ok()?;
    rupees.checked_mul(100)?.checked_add(paise).map(Paise::new)
}

/// What the answer must be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected<'a> {
    /// This sale's reference (the gateway's transaction id).
    pub reference: &'a str,
    /// This sale's amount.
    pub amount: Paise,
}

/// How the answer says which transaction it is about, besides any id fields in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// Only the id fields inside the transaction tell.
    Fields,
    /// The transaction came under this key (e.g. `verify_payment`'s `transaction_details`).
    KeyedBy(bool),
}

/// The names a status field goes by.
const STATUS: &[&str] = &["status", "txnStatus", "transaction_status"];
/// The secondary status (PayU's `unmappedstatus`).
const DETAILED_STATUS: &[&str] = &["unmappedstatus", "unmapped_status"];
/// The names of the transaction's id: the merchant's reference for the sale.
const TRANSACTION_ID: &[&str] = &[
    "txnid",
    "transactionId",
    "transaction_id",
    "merchantTransactionId",
    "merchant_transaction_id",
];
/// The names of the amount paid.
const AMOUNT: &[&str] = &[
    "amount",
    "amt",
    "transaction_amount",
    "transactionAmount",
    "txnAmount",
];
/// Information for the Paid screen.
const PAYMENT_ID: &[&str] = &["mihpayid", "mihpayuid", "payuid", "payu_id"];
const BANK_REFERENCE: &[&str] = &[
    "bank_ref_num",
    "bank_ref_no",
    "bankReferenceNumber",
    "utr",
    "rrn",
];
const PAYER_VPA: &[&str] = &["field3", "payer_vpa", "payerVpa", "vpa"];
/// Where a failure's message and code may be.
const FAILURE_MESSAGE: &[&str] = &["error_Message", "error_message", "field9"];
const FAILURE_CODE: &[&str] = &["error", "error_code", "errorCode"];

/// What one status word means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Success,
    Failure,
    Pending,
}

/// A status word, compared whole (case and surrounding space aside); `None` for a word we do not
/// know, which is never taken as success.
fn classify(word: &str) -> Option<Word> {
    let word = word
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_ascii_lowercase();
    let word = word.as_str();
    Some(match word {
        "success" | "successful" | "captured" => Word::Success,
        "failure" | "failed" | "fail" | "bounced" | "dropped" | "usercancelled" | "cancelled"
        | "canceled" | "autorefund" | "refunded" | "reversed" | "declined" | "rejected"
        | "expired" => Word::Failure,
        "pending" | "in progress" | "inprogress" | "initiated" | "not found" | "auth" => {
            Word::Pending
        }
        _ => return None,
    })
}

/// The one meaning of the status fields under `names`: `Ok(None)` when there are none, an error
/// when they are unknown words, not text, or disagree.
fn status_word(fields: &Fields, names: &[&str]) -> Result<Option<(Word, String)>, String> {
    let same = |a: &str, b: &str| classify(a).is_some() && classify(a) == classify(b);
    match fields.text_by(names, same) {
        Found::Absent => Ok(None),
        Found::Unclear => Err(format!("the {} fields disagree or are not text", names[0])),
        Found::One(text) => match classify(&text) {
            Some(word) => Ok(Some((word, text))),
            None => Err(format!(
                "the status \"{}\" is not one we know",
                short(&text)
            )),
        },
    }
}

/// The status the answer gives, from the main and the detailed status fields together.
fn overall_word(txn: &Fields) -> Result<(Word, String), String> {
    let main = status_word(txn, STATUS)?.ok_or("the answer has no status")?;
    let detailed = status_word(txn, DETAILED_STATUS)?;
    let agrees = match (main.0, detailed.as_ref().map(|d| d.0)) {
        (_, None) => true,
        (Word::Success, Some(d)) => d == Word::Success,
        (_, Some(d)) => d != Word::Success,
    };
    if agrees {
        Ok(main)
    } else {
        Err(format!(
            "the status \"{}\" and the detailed status \"{}\" disagree",
            short(&main.1),
            detailed.map(|d| short(&d.1)).unwrap_or_default()
        ))
    }
}

/// Whether the answer is about this sale: every id field in it is this sale's reference, and at
/// least one thing (an id field, or the key it came under) says so.
fn identify(txn: &Fields, expected: Expected<'_>, identity: Identity) -> Result<(), String> {
    let keyed = identity == Identity::KeyedBy(true);
    match txn.text(TRANSACTION_ID) {
        Found::One(id) if id == expected.reference => Ok(()),
        Found::One(id) => Err(format!(
            "the answer is about transaction \"{}\", not this sale",
            short(&id)
        )),
        Found::Unclear => Err("the answer's transaction ids disagree".to_owned()),
        Found::Absent if keyed => Ok(()),
        Found::Absent => Err("the answer does not say which transaction it is about".to_owned()),
    }
}

/// The amount the answer reports, checked against the sale's: `Ok(Ok(()))` when it is exactly
/// the sale's, `Ok(Err(text))` for a readable different amount, `Err` when it cannot be read.
fn check_amount(txn: &Fields, expected: Paise) -> Result<Result<(), String>, String> {
    let same = |a: &str, b: &str| {
        parse_gateway_amount(a).is_some() && parse_gateway_amount(a) == parse_gateway_amount(b)
    };
    match txn.text_by(AMOUNT, same) {
        Found::Absent => Err("the answer has no amount".to_owned()),
        Found::Unclear => Err("the answer's amounts disagree or cannot be read".to_owned()),
        Found::One(text) => match parse_gateway_amount(&text) {
            None => Err(format!("the amount \"{}\" cannot be read", short(&text))),
            Some(amount) if amount == expected => Ok(Ok(())),
            Some(amount) => Ok(Err(amount.to_string())),
        },
    }
}

/// At most 40 characters of a gateway's text, for messages.
fn short(text: &str) -> String {
    super::text::clean_gateway_text(text, 40)
}

/// Why a payment failed, in the gateway's words: its status, then its detailed status, message
/// and error code where they add something.
fn failure_reason(txn: &Fields, said: &str) -> String {
    let said = short(&said.trim().to_ascii_lowercase());
    let mut details: Vec<String> = Vec::new();
    for names in [DETAILED_STATUS, FAILURE_MESSAGE, FAILURE_CODE] {
        if let Some(text) = txn.first_text(names).map(|t| short(&t)) {
            let noise = text.eq_ignore_ascii_case(&said)
                || text.eq_ignore_ascii_case("E000")
                || text.eq_ignore_ascii_case("No Error");
            if !noise && !details.contains(&text) {
                details.push(text);
            }
        }
    }
    if details.is_empty() {
        format!("the gateway says {said}")
    } else {
        format!("the gateway says {said} ({})", details.join(", "))
    }
}

/// What a gateway's description of one transaction means for the expected sale.
///
/// Paid only when the status field says success (and a detailed status, if any, agrees), the
/// transaction is this sale's, and the amount is exactly this sale's. A readable success for
/// another amount is a failure that needs a person. Everything unreadable, unknown or
/// contradictory is [`PaymentStatus::Unknown`].
pub fn decide(txn: &Fields, expected: Expected<'_>, identity: Identity) -> PaymentStatus {
    let unknown = |why: String| PaymentStatus::Unknown { why };
    let (word, said) = match overall_word(txn) {
        Ok(found) => found,
        Err(why) => return unknown(why),
    };
    if word == Word::Pending {
        return PaymentStatus::Pending;
    }
    if let Err(why) = identify(txn, expected, identity) {
        return unknown(why);
    }
    if word == Word::Failure {
        return PaymentStatus::Failed {
            reason: failure_reason(txn, &said),
        };
    }
    match check_amount(txn, expected.amount) {
        Err(why) => unknown(why),
        Ok(Err(other)) => PaymentStatus::Failed {
            reason: format!(
                "the gateway reports a payment of {other} for this sale, not {}: check it with \
                 the gateway before handing over the goods",
                expected.amount
            ),
        },
        Ok(Ok(())) => PaymentStatus::Paid(PaidDetails {
            payer_vpa: txn.first_text(PAYER_VPA).map(|t| short(&t)),
            bank_reference: txn.first_text(BANK_REFERENCE).map(|t| short(&t)),
            gateway_payment_id: txn.first_text(PAYMENT_ID).map(|t| short(&t)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REF: &str = "CQ1763812345678ABCD001";

    fn expected(rupees: u64) -> Expected<'static> {
        Expected {
            reference: REF,
            amount: Paise::from_rupees(rupees),
        }
    }

    fn decide_text(json: &str, rupees: u64) -> PaymentStatus {
        let fields = Fields::parse(json).expect("an object");
        decide(&fields, expected(rupees), Identity::Fields)
    }

    fn is_paid(status: &PaymentStatus) -> bool {
        matches!(status, PaymentStatus::Paid(_))
    }

    #[test]
    fn gateway_amounts_are_read_exactly_or_not_at_all() {
        let p = |t| parse_gateway_amount(t).map(Paise::paise);
        assert_eq!(p("500"), Some(50_000));
        assert_eq!(p("500.00"), Some(50_000));
        assert_eq!(p("500.5"), Some(50_050));
        assert_eq!(p("500.000"), Some(50_000));
        assert_eq!(p(" 500.00 "), Some(50_000));
        assert_eq!(p("0.01"), Some(1));
        assert_eq!(p("007.50"), Some(750));
        for bad in [
            "",
            ".",
            "500.",
            ".50",
            "500.005",
            "50.0001",
            "1,000.00",
            "1e21",
            "5E2",
            "-500",
            "+500",
            "500 .00",
            "₹500",
            "five",
            "NaN",
            "Infinity",
            "0x1F4",
            "500.00.00",
            "99999999999999999999999",
            "\u{3000}500",
            "500\u{a0}",
            "\u{2028}500.00",
            "５００",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }

    /// Every answer shape we know of (PayU's docs and answers, and the ones that broke PAID
    /// before), and what each must mean for a ₹500 sale. `REF` stands for the sale's reference.
    const SHAPES: &[(&str, &str)] = &[
        // PayU's check_bqr_txn_status result and verify_payment details, as documented.
        (
            r#"{"txnid":"REF","status":"success","unmappedstatus":"captured","amount":"500.00","mihpayid":"403993715521937565","bank_ref_num":"612345678901","field3":"c@okicici"}"#,
            "paid",
        ),
        (
            r#"{"txnid":"REF","status":"success","amt":"500.00","transaction_amount":"500.00","bank_ref_num":612345678901,"mihpayid":403993715521937565}"#,
            "paid",
        ),
        (r#"{"txnid":"REF","status":"SUCCESS","amount":500}"#, "paid"),
        // Unicode white space is not trimmed into a plain word, id or amount.
        (
            r#"{"txnid":"REF","status":"\u3000success\u3000","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success\u0085","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"\u00a0REF\u2003","status":"success","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":"\u2028500.00\u00a0"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":" Success ","amount":"500.000"}"#,
            "paid",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":500.00}"#,
            "paid",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":"500.00","net_amount_debit":"502.36"}"#,
            "paid",
        ),
        (
            r#"{"txnid":"REF","Status":"success","amount":"500.00","status":"success"}"#,
            "paid",
        ),
        // Pending, in every way PayU says it.
        (r#"{"status":"pending","error":"E000"}"#, "pending"),
        (r#"{"txnid":"REF","status":"Not Found"}"#, "pending"),
        (
            r#"{"txnid":"REF","status":"pending","unmappedstatus":"in progress"}"#,
            "pending",
        ),
        (
            r#"{"txnid":"REF","status":"pending","unmappedstatus":"auth"}"#,
            "pending",
        ),
        // Failures.
        (
            r#"{"txnid":"REF","status":"failure","unmappedstatus":"failed","error":"E231","amount":"500.00"}"#,
            "failed",
        ),
        (
            r#"{"txnid":"REF","status":"failure","unmappedstatus":"userCancelled"}"#,
            "failed",
        ),
        (r#"{"txnid":"REF","status":"failed"}"#, "failed"),
        (
            r#"{"txnid":"REF","status":"success","amount":"50.00"}"#,
            "failed",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":"5000"}"#,
            "failed",
        ),
        // Unreadable, unknown or contradictory: never paid.
        (
            r#"{"txnid":"REF","status":"success","amount":"50.005"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":"1,000.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":1e21}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":"5e2"}"#,
            "unknown",
        ),
        (r#"{"txnid":"REF","status":"success"}"#, "unknown"),
        (
            r#"{"txnid":"REF","status":"success","amount":null}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":{"value":"500.00"}}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":["500.00"]}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","amt":"500.00","transaction_amount":"50.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","amount":"500.00","amount":"5.00"}"#,
            "unknown",
        ),
        (r#"{"txnid":"REF","status":1,"amount":"500.00"}"#, "unknown"),
        (
            r#"{"txnid":"REF","status":"1","amount":"500.00"}"#,
            "unknown",
        ),
        (r#"{"txnid":"REF","status":0,"amount":"500.00"}"#, "unknown"),
        (
            r#"{"txnid":"REF","status":"0","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":true,"amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"not successful","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"Transaction Unsuccessful","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"successfully failed","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"unsuccess","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","msg":"Transaction Successful","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","unmappedstatus":"bounced","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","unmappedstatus":"pending","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"success","status":"failure","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"REF","status":"failure","unmappedstatus":"captured"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":"OTHER","status":"success","amount":"500.00"}"#,
            "unknown",
        ),
        (r#"{"txnid":"OTHER","status":"failure"}"#, "unknown"),
        (
            r#"{"txnid":"REF","transactionId":"OTHER","status":"success","amount":"500.00"}"#,
            "unknown",
        ),
        (
            r#"{"txnid":12345,"status":"success","amount":"500.00"}"#,
            "unknown",
        ),
        (r#"{"status":"success","amount":"500.00"}"#, "unknown"),
        (r#"{"amount":"500.00"}"#, "unknown"),
        (r#"{}"#, "unknown"),
    ];

    #[test]
    fn every_known_answer_shape_is_decided_fail_closed() {
        let cases = SHAPES;
        for (json, want) in cases {
            let json = json.replace("REF", REF);
            let got = decide_text(&json, 500);
            let kind = match &got {
                PaymentStatus::Paid(_) => "paid",
                PaymentStatus::Failed { .. } => "failed",
                PaymentStatus::Pending => "pending",
                PaymentStatus::Unknown { .. } => "unknown",
            };
            assert_eq!(kind, *want, "{json} → {got:?}");
        }
    }

    #[test]
    fn paid_carries_the_references_whatever_their_json_type() {
        let json = format!(
            r#"{{"txnid":"{REF}","status":"success","amt":"500.00","transaction_amount":500,
                "mihpayid":403993715521937565,"bank_ref_num":612345678901,"field3":"c@okicici"}}"#
        );
        let PaymentStatus::Paid(details) = decide_text(&json, 500) else {
            panic!("paid expected");
        };
        assert_eq!(
            details.gateway_payment_id.as_deref(),
            Some("403993715521937565")
        );
        assert_eq!(details.bank_reference.as_deref(), Some("612345678901"));
        assert_eq!(details.payer_vpa.as_deref(), Some("c@okicici"));
    }

    #[test]
    fn a_key_that_names_the_sale_identifies_an_answer_without_an_id_field() {
        let fields = Fields::parse(r#"{"status":"success","amt":"500.00"}"#).expect("object");
        assert!(is_paid(&decide(
            &fields,
            expected(500),
            Identity::KeyedBy(true)
        )));
        assert!(!is_paid(&decide(
            &fields,
            expected(500),
            Identity::KeyedBy(false)
        )));
        assert!(!is_paid(&decide(&fields, expected(500), Identity::Fields)));
    }

    #[test]
    fn failure_reasons_skip_the_no_error_code() {
        let json = format!(
            r#"{{"txnid":"{REF}","status":"failure","error":"E000","field9":"Payment timed out"}}"#
        );
        assert!(matches!(decide_text(&json, 500),
            PaymentStatus::Failed { reason } if reason.contains("timed out")));
    }

    fn amount_text() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u64..2_000_000).prop_map(|p| format!("{}.{:02}", p / 100, p % 100)),
            (0u64..20_000).prop_map(|r| r.to_string()),
            "[0-9.,eE+ -]{0,12}",
            ".{0,12}",
        ]
    }

    proptest! {
        /// Whatever the answer says about the amount, it is paid only when that amount reads
        /// exactly as the sale's.
        #[test]
        fn no_answer_with_another_or_an_unreadable_amount_is_ever_paid(
            sale_paise in 1u64..2_000_000,
            amounts in proptest::collection::vec(amount_text(), 0..3),
            names in proptest::collection::vec(prop_oneof![Just("amount"), Just("amt"), Just("transaction_amount")], 3),
            quoted in proptest::collection::vec(any::<bool>(), 3),
            status in prop_oneof![
                Just("success".to_owned()),
                Just("SUCCESS".to_owned()),
                Just("captured".to_owned()),
                Just("pending".to_owned()),
                ".{0,10}",
            ],
        ) {
            let mut json = format!(r#"{{"txnid":"{REF}","status":{}"#, serde_json::to_string(&status).expect("text"));
            for (i, amount) in amounts.iter().enumerate() {
                let value = if quoted[i] { serde_json::to_string(amount).expect("text") } else { amount.clone() };
                json.push_str(&format!(r#","{}":{value}"#, names[i]));
            }
            json.push('}');
            let Ok(fields) = Fields::parse(&json) else { return Ok(()); };
            let sale = Paise::new(sale_paise);
            let status = decide(&fields, Expected { reference: REF, amount: sale }, Identity::Fields);
            if is_paid(&status) {
                prop_assert!(!amounts.is_empty());
                for amount in &amounts {
                    prop_assert_eq!(parse_gateway_amount(amount), Some(sale), "{}", json);
                }
            }
        }

        /// Random text never panics the reader or the decision.
        #[test]
        fn random_objects_never_panic(text in ".{0,200}") {
            if let Ok(fields) = Fields::parse(&text) {
                let _ = decide(&fields, expected(500), Identity::Fields);
            }
        }
    }
}
