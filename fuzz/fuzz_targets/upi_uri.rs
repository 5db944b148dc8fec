//! The UPI link reader must never panic, whatever it is given.
#![no_main]

use counterqr::domain::upi_uri::UpiUri;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(uri) = UpiUri::parse(text)
    {
        let _ = uri.amount();
    }
});
