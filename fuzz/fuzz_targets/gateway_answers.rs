//! Every reader of a gateway's answer (PayU's QR, `check_bqr_txn_status` and `verify_payment`
//! answers; OQPay's QR answer) must never panic on any body, status code or content type, and a
//! status answer must never be PAID unless it names this sale's reference.
#![no_main]

use counterqr::domain::expiry::Limits;
use counterqr::domain::{Customer, Paise, PaymentStatus, Sale, SaleRef};
use counterqr::gateway::http::HttpAnswer;
use counterqr::gateway::payu::{
    BqrReading, PayuSettings, read_bqr_status, read_qr_answer, read_verify_payment,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let status = [200, 201, 302, 400, 401, 404, 429, 500, 503][usize::from(pick % 9)];
    let content_type = ["application/json", "text/html", "image/png", ""][usize::from(pick / 9 % 4)];
    let answer = HttpAnswer::new(status, Some(content_type).filter(|t| !t.is_empty()), body.to_vec());
    let sale = Sale::new(SaleRef::from_parts(1, 2, 3), Paise::from_rupees(500), Customer::default());
    let now = time::OffsetDateTime::UNIX_EPOCH;
    let names_sale = || {
        let text = String::from_utf8_lossy(body);
        text.contains(sale.reference.as_str())
            || base64_mentions(&text, sale.reference.as_str())
    };
    match pick / 36 % 4 {
        0 => {
            if let Ok(BqrReading::Status(PaymentStatus::Paid(_))) = read_bqr_status(&answer, &sale) {
                assert!(names_sale(), "paid for an answer about no sale");
            }
        }
        1 => {
            if let Ok(PaymentStatus::Paid(_)) = read_verify_payment(&answer, &sale) {
                assert!(names_sale(), "paid for an answer about no sale");
            }
        }
        2 => {
            let _ = read_qr_answer(&answer, &PayuSettings::default(), &sale, now);
        }
        _ => {
            let limits = Limits {
                default: std::time::Duration::from_secs(300),
                cap: std::time::Duration::from_secs(900),
            };
            let _ = counterqr::gateway::oqpay::read_answer(&answer, now, limits);
        }
    }
});

/// Whether any base64 word in `text` decodes to something holding `needle` (PayU's
/// `result` is base64 JSON).
fn base64_mentions(text: &str, needle: &str) -> bool {
    use base64::Engine as _;
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=_-".contains(c)))
        .filter_map(|word| base64::engine::general_purpose::STANDARD.decode(word).ok())
        .any(|bytes| String::from_utf8_lossy(&bytes).contains(needle))
}
