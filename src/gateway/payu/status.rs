//! PayU's answers about a payment: `check_bqr_txn_status` (a base64 `result` holding the
//! transaction) and `verify_payment` (`transaction_details` keyed by transactionId). Each is read
//! into [`Fields`] and decided by the one fail-closed rule in `domain::payment`; PayU's `msg` is
//! never taken as a payment.

use base64::Engine as _;

use super::PROVIDER;
use super::answer::{check_envelope, failure_in};
use crate::domain::payment::{Expected, Fields, Found, Identity, decide};
use crate::domain::{PaymentStatus, Sale};
use crate::gateway::GatewayError;
use crate::gateway::http::HttpAnswer;

/// The envelope of a status answer: beyond [`check_envelope`], only a 2xx answer can speak of a
/// payment; a 4xx with JSON is PayU's reason for refusing, never a status, whatever it says.
fn check_status_envelope(answer: &HttpAnswer) -> Result<(), GatewayError> {
    check_envelope(answer)?;
    if (200..300).contains(&answer.status) {
        return Ok(());
    }
    let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
    Err(failure_in(&json)
        .unwrap_or_else(|| crate::gateway::http::status_error(PROVIDER, answer.status)))
}

/// What `check_bqr_txn_status` said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BqrReading {
    /// A status for this sale (which may be [`PaymentStatus::Unknown`]).
    Status(PaymentStatus),
    /// PayU refused the command itself for this key: ask `verify_payment` from now on.
    Refused,
}

/// The one message PayU sends without a `result` that still means something: nothing yet.
const PENDING_MESSAGE: &str = "transaction is pending";

fn expected(sale: &Sale) -> Expected<'_> {
    Expected {
        reference: sale.reference.as_str(),
        amount: sale.amount,
    }
}

fn bad(detail: String) -> GatewayError {
    GatewayError::BadAnswer {
        provider: PROVIDER,
        detail,
    }
}

/// Reads `check_bqr_txn_status`'s answer for `sale`.
pub fn read_bqr_status(answer: &HttpAnswer, sale: &Sale) -> Result<BqrReading, GatewayError> {
    if answer.looks_like_html() && (200..300).contains(&answer.status) {
        return Ok(BqrReading::Refused);
    }
    check_status_envelope(answer)?;
    let outer = Fields::parse(&answer.body).map_err(bad)?;
    match outer.text(&["result"]) {
        Found::One(encoded) => {
            let decoded = decode_base64(&encoded)
                .ok_or_else(|| bad("the status result is not base64".to_owned()))?;
            let transaction = Fields::parse_bytes(&decoded)
                .map_err(|e| bad(format!("the status result is {e}")))?;
            Ok(BqrReading::Status(decide(
                &transaction,
                expected(sale),
                Identity::Fields,
            )))
        }
        Found::Unclear => Ok(BqrReading::Status(PaymentStatus::Unknown {
            why: "the answer's result is not one text".to_owned(),
        })),
        Found::Absent => without_result(&outer, answer),
    }
}

/// An answer with no `result`: PayU's pending message, an error, or the command refused.
fn without_result(outer: &Fields, answer: &HttpAnswer) -> Result<BqrReading, GatewayError> {
    let msg = match outer.text(&["msg", "message"]) {
        Found::One(msg) => msg,
        _ => String::new(),
    };
    if msg.trim().eq_ignore_ascii_case(PENDING_MESSAGE) {
        return Ok(BqrReading::Status(PaymentStatus::Pending));
    }
    let json: serde_json::Value = serde_json::from_str(&answer.body)
        .map_err(|e| bad(format!("not the expected JSON: {e}")))?;
    let coded = json.get("errorCode").or_else(|| json.get("error_code"));
    if coded.is_some()
        && let Some(error) = failure_in(&json)
    {
        return Err(error);
    }
    let zero = matches!(outer.text(&["status"]), Found::One(s) if s == "0" || s.eq_ignore_ascii_case("failed"));
    if zero {
        let msg =
            crate::domain::text::clean_gateway_text(&msg, crate::domain::text::GATEWAY_TEXT_CHARS);
        tracing::info!(msg = %msg, "PayU did not answer check_bqr_txn_status with a result");
        return Ok(BqrReading::Refused);
    }
    Ok(BqrReading::Status(PaymentStatus::Unknown {
        why: "the answer has no result".to_owned(),
    }))
}

/// Standard or URL-safe base64, with or without padding and line breaks.
fn decode_base64(encoded: &str) -> Option<Vec<u8>> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let unpadded = compact.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(unpadded)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(unpadded))
        .ok()
}

/// Reads `verify_payment`'s answer for `sale`: the entry under its transactionId in
/// `transaction_details`. Several entries under that key must agree.
pub fn read_verify_payment(
    answer: &HttpAnswer,
    sale: &Sale,
) -> Result<PaymentStatus, GatewayError> {
    check_status_envelope(answer)?;
    let outer = Fields::parse(&answer.body).map_err(bad)?;
    let details = match outer.object("transaction_details") {
        Some(Ok(details)) => details,
        Some(Err(e)) => return Err(bad(format!("the transaction details are {e}"))),
        None => {
            let json: serde_json::Value = serde_json::from_str(&answer.body)
                .map_err(|e| bad(format!("not the expected JSON: {e}")))?;
            return Err(failure_in(&json)
                .unwrap_or_else(|| bad("the answer has no transaction details".to_owned())));
        }
    };
    let mut verdicts = details
        .members()
        .filter(|(key, _)| *key == sale.reference.as_str())
        .map(|(_, raw)| match Fields::parse(raw.get()) {
            Ok(transaction) => decide(&transaction, expected(sale), Identity::KeyedBy(true)),
            Err(e) => PaymentStatus::Unknown {
                why: format!("this sale's details are {e}"),
            },
        });
    let Some(first) = verdicts.next() else {
        return Ok(PaymentStatus::Unknown {
            why: "the answer has no details for this sale".to_owned(),
        });
    };
    if verdicts.any(|other| other != first) {
        return Ok(PaymentStatus::Unknown {
            why: "the answer holds two different details for this sale".to_owned(),
        });
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, Paise, SaleRef};

    fn sale() -> Sale {
        Sale::new(
            SaleRef::from_parts(1, 2, 3),
            Paise::from_rupees(500),
            Customer::default(),
        )
    }

    fn json(status: u16, body: &str) -> HttpAnswer {
        HttpAnswer::new(status, Some("application/json"), body.into())
    }

    fn bqr(result: &str) -> HttpAnswer {
        let encoded = base64::engine::general_purpose::STANDARD.encode(result);
        json(
            200,
            &format!(r#"{{"status":1,"msg":"fetched","result":"{encoded}"}}"#),
        )
    }

    #[test]
    fn status_messages_without_a_result_are_never_a_payment() {
        let sale = sale();
        let read = |body: &str| read_bqr_status(&json(200, body), &sale);
        assert_eq!(
            read(r#"{"status":0,"msg":"Transaction is Pending"}"#),
            Ok(BqrReading::Status(PaymentStatus::Pending))
        );
        for refused in [
            r#"{"status":0,"msg":"Transaction Unsuccessful"}"#,
            r#"{"status":0,"msg":"Transaction Successful"}"#,
            r#"{"status":"0","msg":"Invalid command"}"#,
        ] {
            assert_eq!(read(refused), Ok(BqrReading::Refused), "{refused}");
        }
        for unclear in [
            r#"{"status":1,"msg":"Transaction Successful"}"#,
            r#"{"status":1,"msg":"success"}"#,
            r#"{"status":1}"#,
        ] {
            assert!(
                matches!(
                    read(unclear),
                    Ok(BqrReading::Status(PaymentStatus::Unknown { .. }))
                ),
                "{unclear}"
            );
        }
    }

    #[test]
    fn an_error_status_is_never_a_payment_whatever_its_body_says() {
        let sale = sale();
        let r = sale.reference.as_str();
        let result = base64::engine::general_purpose::STANDARD.encode(format!(
            r#"{{"txnid":"{r}","status":"success","unmappedstatus":"captured","amount":"500.00"}}"#
        ));
        let verify = format!(
            r#"{{"status":1,"transaction_details":{{"{r}":{{"txnid":"{r}","status":"success",
            "unmappedstatus":"captured","amt":"500.00","transaction_amount":"500.00"}}}}}}"#
        );
        for status in [400, 401, 403, 404, 409, 429] {
            let bqr = json(status, &format!(r#"{{"status":1,"result":"{result}"}}"#));
            assert!(
                read_bqr_status(&bqr, &sale).is_err(),
                "bqr at HTTP {status}"
            );
            assert!(
                read_verify_payment(&json(status, &verify), &sale).is_err(),
                "verify_payment at HTTP {status}"
            );
        }
        // The same bodies at 200 are paid: the status code alone made the difference.
        let bqr = json(200, &format!(r#"{{"status":1,"result":"{result}"}}"#));
        assert!(matches!(
            read_bqr_status(&bqr, &sale),
            Ok(BqrReading::Status(PaymentStatus::Paid(_)))
        ));
        assert!(matches!(
            read_verify_payment(&json(200, &verify), &sale),
            Ok(PaymentStatus::Paid(_))
        ));
    }

    #[test]
    fn a_decoded_result_is_decided_by_the_one_rule() {
        let sale = sale();
        let r = sale.reference.as_str();
        let paid = bqr(&format!(
            r#"{{"txnid":"{r}","status":"success","amount":"500.00","bank_ref_num":12}}"#
        ));
        assert!(matches!(
            read_bqr_status(&paid, &sale),
            Ok(BqrReading::Status(PaymentStatus::Paid(d))) if d.bank_reference.as_deref() == Some("12")
        ));
        let wrong = bqr(&format!(
            r#"{{"txnid":"{r}","status":"success","amount":"50.000"}}"#
        ));
        assert!(matches!(
            read_bqr_status(&wrong, &sale),
            Ok(BqrReading::Status(PaymentStatus::Failed { .. }))
        ));
        let garbled = json(200, r#"{"status":1,"result":"!!!"}"#);
        assert!(read_bqr_status(&garbled, &sale).is_err());
    }

    #[test]
    fn verify_payment_reads_the_entry_under_this_sales_key() {
        let sale = sale();
        let r = sale.reference.as_str();
        let answer = json(
            200,
            &format!(
                r#"{{"status":1,"msg":"1 out of 1 Transactions Fetched Successfully",
                "transaction_details":{{"{r}":{{"mihpayid":403993715521937565,"txnid":"{r}",
                "amt":"500.00","transaction_amount":"500.00","status":"success",
                "unmappedstatus":"captured","bank_ref_num":612345678901,"field3":"c@okicici"}}}}}}"#
            ),
        );
        assert!(matches!(
            read_verify_payment(&answer, &sale),
            Ok(PaymentStatus::Paid(d)) if d.gateway_payment_id.as_deref() == Some("403993715521937565")
        ));
        let not_found = json(
            200,
            &format!(
                r#"{{"status":0,"msg":"0 out of 1 Transactions Fetched Successfully",
                "transaction_details":{{"{r}":{{"mihpayid":"Not Found","status":"Not Found"}}}}}}"#
            ),
        );
        assert_eq!(
            read_verify_payment(&not_found, &sale),
            Ok(PaymentStatus::Pending)
        );
        let other = json(
            200,
            r#"{"status":1,"transaction_details":{"SOMEONEELSE":{"status":"success","amt":"500.00"}}}"#,
        );
        assert!(matches!(
            read_verify_payment(&other, &sale),
            Ok(PaymentStatus::Unknown { .. })
        ));
        let twice = json(
            200,
            &format!(
                r#"{{"status":1,"transaction_details":{{"{r}":{{"status":"success","amt":"500.00"}},
                "{r}":{{"status":"failure"}}}}}}"#
            ),
        );
        assert!(matches!(
            read_verify_payment(&twice, &sale),
            Ok(PaymentStatus::Unknown { .. })
        ));
    }

    proptest::proptest! {
        /// No answer, whatever its status code, content type and body (JSON-ish or garbage,
        /// with or without a base64 result), panics; none is paid unless it names this sale.
        #[test]
        fn no_status_answer_panics_or_is_paid_for_another_sale(
            status in proptest::sample::select(vec![200_u16, 204, 302, 400, 401, 404, 500]),
            body in "[{}\\[\\]\":,a-z0-9 .\\\\]{0,120}",
            result in "[{}\":,a-z0-9 .]{0,80}",
            html in proptest::bool::ANY,
        ) {
            let sale = sale();
            let kind = if html { "text/html" } else { "application/json" };
            let encoded = base64::engine::general_purpose::STANDARD.encode(&result);
            for text in [body.clone(), format!(r#"{{"status":1,"result":"{encoded}"}}"#)] {
                let answer = HttpAnswer::new(status, Some(kind), text.clone().into_bytes());
                let bqr = read_bqr_status(&answer, &sale);
                let verify = read_verify_payment(&answer, &sale);
                let named = text.contains(sale.reference.as_str())
                    || result.contains(sale.reference.as_str());
                proptest::prop_assert!(
                    named || !matches!(bqr, Ok(BqrReading::Status(PaymentStatus::Paid(_)))),
                    "{text}"
                );
                proptest::prop_assert!(
                    named || !matches!(verify, Ok(PaymentStatus::Paid(_))),
                    "{text}"
                );
            }
        }
    }
}
