//! PayU's answer to `generate_dynamic_bharat_qr`: the QR as text, base64 or PayU's own picture
//! (read back, so the text it holds is checked like any other), its ids, and its life.

use base64::Engine as _;
use serde_json::Value;
use time::OffsetDateTime;

use super::answer::{check_envelope, failure_in};
use super::{PROVIDER, PayuSettings};
use crate::domain::expiry::{self, Claim, Limits};
use crate::domain::{Picture, QrGrant, Sale};
use crate::gateway::GatewayError;
use crate::gateway::http::{self, HttpAnswer};
use crate::render;

/// The keys a QR may come under, in the order they are tried. PayU does not document the key for
/// base64 or image output, so each name seen in its answers is accepted.
const QR_KEYS: [&str; 8] = [
    "qrString",
    "qr_string",
    "qrCode",
    "qrImage",
    "image",
    "base64",
    "base64String",
    "qr",
];

/// PayU's own ids for the QR, kept with the sale.
const ID_KEYS: [&str; 5] = ["qrId", "qrID", "qr_id", "vpa", "merchantVpa"];

/// Turns PayU's answer into a QR grant or a clear error. `now` is the wall clock, for `QRexpire`.
pub fn read_qr_answer(
    answer: &HttpAnswer,
    settings: &PayuSettings,
    sale: &Sale,
    now: OffsetDateTime,
) -> Result<QrGrant, GatewayError> {
    let bad = |detail: String| GatewayError::BadAnswer {
        provider: PROVIDER,
        detail,
    };
    let by_type = answer
        .content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("image/"));
    if (200..300).contains(&answer.status) && (by_type || render::looks_like_image(&answer.raw)) {
        let (payload, picture) = qr_from_image(&answer.raw).map_err(bad)?;
        return make_grant(payload, Some(picture), vec![], settings, sale, now);
    }
    check_envelope(answer)?;
    let json: Value = serde_json::from_str(&answer.body)
        .map_err(|e| bad(format!("not the expected JSON: {e}")))?;
    if let Some(error) = failure_in(&json) {
        return Err(error);
    }
    if !(200..300).contains(&answer.status) {
        return Err(http::status_error(PROVIDER, answer.status));
    }
    let found = QR_KEYS
        .iter()
        .find_map(|key| json.get(key).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("the answer has no QR".to_owned()))?;
    let (payload, picture) = read_qr_value(found).map_err(bad)?;
    let ids = ID_KEYS
        .into_iter()
        .filter_map(|k| {
            let value = json.get(k)?;
            let text = value
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| value.to_string());
            Some((k.to_owned(), text))
        })
        .collect();
    make_grant(payload, picture, ids, settings, sale, now)
}

/// The QR's text, and PayU's picture where it sent one, from a field of its answer: the text
/// itself, a base64 string of it, or a base64 (or data-URL) image.
fn read_qr_value(value: &str) -> Result<(String, Option<Picture>), String> {
    if is_qr_text(value) {
        return Ok((value.to_owned(), None));
    }
    let encoded = value
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once("base64,"))
        .map_or(value, |(_, data)| data);
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    // Padding dropped, the no-padding engines read standard or URL-safe base64 either way.
    let unpadded = compact.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(unpadded)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(unpadded))
        .map_err(|_| "the QR in the answer is neither QR text nor base64".to_owned())?;
    if render::looks_like_image(&bytes) {
        let (payload, picture) = qr_from_image(&bytes)?;
        return Ok((payload, Some(picture)));
    }
    match String::from_utf8(bytes) {
        Ok(text) if is_qr_text(text.trim()) => Ok((text.trim().to_owned(), None)),
        _ => Err("the base64 QR in the answer decodes to neither QR text nor an image".to_owned()),
    }
}

/// True for a UPI link or an EMVCo (Bharat QR) string.
fn is_qr_text(text: &str) -> bool {
    text.get(..6)
        .is_some_and(|start| start.eq_ignore_ascii_case("upi://") || start == "000201")
}

/// Decodes PayU's picture and reads its QR back, so the text it holds is checked like any other.
fn qr_from_image(bytes: &[u8]) -> Result<(String, Picture), String> {
    let picture = render::decode_picture(bytes).map_err(|e| e.to_string())?;
    let payload = render::read_qr(&picture).map_err(|e| e.to_string())?;
    Ok((payload, picture))
}

fn make_grant(
    payload: String,
    picture: Option<Picture>,
    mut gateway_ids: Vec<(String, String)>,
    settings: &PayuSettings,
    sale: &Sale,
    now: OffsetDateTime,
) -> Result<QrGrant, GatewayError> {
    let expires_in = qr_life(&payload, settings, now)?;
    gateway_ids.insert(0, ("transactionId".to_owned(), sale.reference.to_string()));
    let name = settings.qr_name.trim();
    let vpa = settings.merchant_vpa.trim();
    Ok(QrGrant {
        payload,
        payee_name: if name.is_empty() {
            "PayU merchant".to_owned()
        } else {
            name.to_owned()
        },
        payee_vpa: (!vpa.is_empty()).then(|| vpa.to_owned()),
        expires_in,
        picture,
        gateway_ids,
    })
}

/// How long the QR lives: the shorter of the `expiryTime` asked for and a UPI QR's `QRexpire`,
/// within the shop's cap. A `QRexpire` already past when the QR has just been made means the PC's
/// clock is wrong: it is set aside (and logged), and the asked-for time holds.
pub fn qr_life(
    payload: &str,
    settings: &PayuSettings,
    now: OffsetDateTime,
) -> Result<std::time::Duration, GatewayError> {
    let asked = settings.expiry.as_secs().to_string();
    let stamp = upi_param(payload, "QRexpire");
    let mut claims = vec![Claim::Seconds(&asked)];
    if let Some(stamp) = &stamp {
        claims.push(Claim::At(stamp));
    }
    let limits = Limits {
        default: settings.expiry,
        cap: settings.max_qr_life,
    };
    let life = expiry::qr_life(&claims, now, limits)?;
    for why in &life.set_aside {
        tracing::warn!("PayU's QR expiry set aside: {why}");
    }
    Ok(life.duration)
}

/// One parameter of a UPI link, percent-decoded (`+` kept as it is: it is a time-zone sign).
fn upi_param(payload: &str, name: &str) -> Option<String> {
    let (scheme, query) = payload.split_once('?')?;
    if !scheme.eq_ignore_ascii_case("upi://pay") {
        return None;
    }
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.eq_ignore_ascii_case(name).then(|| {
            percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn qr_life_reads_qrexpire_and_never_exceeds_what_was_asked() {
        // 2021-08-20T17:43:19+05:30
        let now = OffsetDateTime::from_unix_timestamp(1_629_461_599).expect("valid");
        let settings = |asked: u64| PayuSettings {
            expiry: Duration::from_secs(asked),
            ..PayuSettings::default()
        };
        let life = |payload: &str, asked: u64, now: OffsetDateTime| {
            qr_life(payload, &settings(asked), now)
                .expect("a life")
                .as_secs()
        };
        let link = "upi://pay?pa=a@b&am=1.00&QRexpire=2021-08-20T17:48:19+05:30";
        assert_eq!(life(link, 3600, now), 300);
        assert_eq!(life(link, 120, now), 120);
        let encoded = "upi://pay?pa=a@b&QRexpire=2021-08-20T17%3A48%3A19%2B05%3A30";
        assert_eq!(life(encoded, 3600, now), 300);
        // Already past by this PC's clock, or unreadable: what was asked for (within the cap).
        let later = now + time::Duration::days(1);
        assert_eq!(life(link, 600, later), 600);
        assert_eq!(life("upi://pay?QRexpire=soon", 600, now), 600);
        assert_eq!(life("000201010212", 600, now), 600);
        assert_eq!(life("000201010212", 3600, now), 900, "the shop's cap holds");
    }

    proptest::proptest! {
        /// No answer, text or bytes, panics PayU's QR reader.
        #[test]
        fn no_qr_answer_panics_the_reader(
            status in proptest::sample::select(vec![200_u16, 400, 500]),
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            png in proptest::bool::ANY,
        ) {
            let kind = if png { "image/png" } else { "application/json" };
            let answer = HttpAnswer::new(status, Some(kind), body);
            let sale = crate::domain::Sale::new(
                crate::domain::SaleRef::from_parts(1, 2, 3),
                crate::domain::Paise::from_rupees(500),
                crate::domain::Customer::default(),
            );
            let _ = read_qr_answer(&answer, &PayuSettings::default(), &sale, OffsetDateTime::UNIX_EPOCH);
        }
    }
}
