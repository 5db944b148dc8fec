//! The Bharat QR reader must never panic, and what it accepts must have a correct CRC.
#![no_main]

use counterqr::domain::emv::{BharatQr, crc16_ccitt_false};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(qr) = BharatQr::parse(text)
    {
        let body = &text.as_bytes()[..text.len() - 4];
        let crc = format!("{:04X}", crc16_ccitt_false(body));
        assert!(text[text.len() - 4..].eq_ignore_ascii_case(&crc));
        let _ = qr.amount();
    }
});
