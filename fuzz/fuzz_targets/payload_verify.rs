//! The payload checks must never panic, and never pass a payload whose amount differs from the
//! one asked for.
#![no_main]

use counterqr::domain::Paise;
use counterqr::domain::payload::{Expectation, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let asked = Paise::new(u64::from(first) * 137);
    let expect = Expectation { amount: asked, payee_vpa: None };
    if let Ok(verified) = verify(text, expect) {
        assert!(verified.amount.is_none_or(|amount| amount == asked));
    }
});
