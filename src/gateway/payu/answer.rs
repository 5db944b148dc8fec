//! What every PayU answer is checked for before its own fields: HTML error pages, HTTP failures,
//! and PayU's documented error shapes and codes, in words a cashier can act on.

use serde_json::Value;

use super::PROVIDER;
use crate::gateway::GatewayError;
use crate::gateway::http::{self, HttpAnswer};

/// PayU's code for "this transactionId is already paid".
pub const ALREADY_PAID: &str = "E2012";

/// PayU's documented error codes, in words a cashier (or the shop owner) can act on.
pub fn error_code_words(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
        "E2003" => "the sale reference (transactionId) was empty",
        "E2017" => "the sale reference (transactionId) is longer than 40 characters",
        "E2018" => "the sale reference (transactionId) may hold only letters and digits",
        "E2004" | "E2006" => "the amount was empty or below ₹1.00",
        "E2007" => {
            "no merchant VPA: set the PayU merchant VPA in Settings, or ask PayU to register one \
             for this key"
        }
        "E2008" => {
            "the merchant VPA in Settings is not the one PayU has for this key: check it in Settings"
        }
        "E2009" => "the QR validity (expiryTime) must be at least 1 second",
        "E2010" => {
            "PayU already has a QR for this sale with another amount: press Esc and start a new sale"
        }
        "E2011" => {
            "PayU already has a QR for this sale with another VPA: press Esc and start a new sale"
        }
        ALREADY_PAID => {
            "PayU says this sale is ALREADY PAID: check the payment in the PayU dashboard before \
             asking the customer to pay again"
        }
        "E2013" => "PayU could not generate the QR; try again",
        "E2015" => {
            "this PayU account is not set up for QR payments (PG parameters missing): contact PayU"
        }
        "E2025" => "a request for this sale is already running at PayU; wait a moment and retry",
        _ => return None,
    })
}

/// The error for PayU's `message` and `errorCode`: [`GatewayError::AlreadyPaid`] for E2012,
/// else [`GatewayError::Rejected`].
fn rejected(message: Option<&str>, code: Option<&str>) -> GatewayError {
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    let text = match (code, code.and_then(error_code_words)) {
        (Some(code), Some(words)) => format!("{words} ({code})"),
        (Some(code), None) => format!("{} ({code})", message.unwrap_or("no reason given")),
        (None, _) => message.unwrap_or("no reason given").to_owned(),
    };
    if code.is_some_and(|c| c.trim().eq_ignore_ascii_case(ALREADY_PAID)) {
        return GatewayError::AlreadyPaid {
            provider: PROVIDER,
            message: text,
        };
    }
    GatewayError::Rejected {
        provider: PROVIDER,
        message: text,
    }
}

/// HTML pages and HTTP failures, checked before an answer's own fields.
pub fn check_envelope(answer: &HttpAnswer) -> Result<(), GatewayError> {
    if answer.looks_like_html() {
        if answer.body.contains("Sorry, Some Problem Occurred") {
            return Err(GatewayError::Rejected {
                provider: PROVIDER,
                message: "PayU answered with its \"Sorry, Some Problem Occurred\" page, which it \
                          sends when the key, command or hash is missing or wrong: check the \
                          PayU key and salt in Settings"
                    .to_owned(),
            });
        }
        if answer.status >= 500 {
            return Err(http::status_error(PROVIDER, answer.status));
        }
        return Err(GatewayError::BadAnswer {
            provider: PROVIDER,
            detail: format!("a web page instead of data, HTTP {}", answer.status),
        });
    }
    if !(200..300).contains(&answer.status) {
        // A JSON error with a reason is read by the caller; anything else is the status.
        if answer.status < 500 && serde_json::from_str::<Value>(&answer.body).is_ok() {
            return Ok(());
        }
        return Err(http::status_error(PROVIDER, answer.status));
    }
    Ok(())
}

/// PayU's failure shapes: `{"status":"failed","message","errorCode"}` and `{"status":0,"msg"}`.
pub fn failure_in(json: &Value) -> Option<GatewayError> {
    let text = |key: &str| json.get(key).and_then(Value::as_str);
    let status = json.get("status");
    let failed_word = status
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("failed") || s.eq_ignore_ascii_case("failure"));
    let zero = status.is_some_and(|s| s.as_i64() == Some(0) || s.as_str() == Some("0"));
    let code = text("errorCode").or_else(|| text("error_code"));
    if failed_word || code.is_some() {
        return Some(rejected(text("message").or_else(|| text("msg")), code));
    }
    zero.then(|| rejected(text("msg").or_else(|| text("message")), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_error_codes_have_words_and_unknown_ones_keep_payus_message() {
        let err = failure_in(&serde_json::json!({
            "status": "failed", "message": "Duplicate", "errorCode": "E2012"
        }))
        .expect("a failure");
        assert!(matches!(err, GatewayError::AlreadyPaid { .. }), "{err:?}");
        assert!(err.to_string().contains("ALREADY PAID"), "{err}");
        assert!(err.to_string().contains("E2012"), "{err}");
        let err = failure_in(&serde_json::json!({
            "status": "failed", "message": "Something new", "errorCode": "E2999"
        }))
        .expect("a failure");
        assert!(err.to_string().contains("Something new (E2999)"), "{err}");
        let err = failure_in(&serde_json::json!({"status": 0, "msg": "Invalid Hash"}))
            .expect("a failure");
        assert!(err.to_string().contains("Invalid Hash"), "{err}");
        assert!(failure_in(&serde_json::json!({"qrString": "upi://pay"})).is_none());
        for code in [
            "E2003", "E2017", "E2018", "E2004", "E2006", "E2007", "E2008", "E2009", "E2010",
            "E2011", "E2012", "E2013", "E2015", "E2025",
        ] {
            assert!(error_code_words(code).is_some(), "{code}");
        }
    }
}
