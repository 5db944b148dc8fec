//! How long it takes to turn a payload into QR pixels: a ~300-character Bharat QR string (PayU's
//! sample) and a UPI link. Prints figures; asserts nothing. Run with `cargo bench`.

// A benchmark is test code: a payload that cannot be encoded should stop it loudly.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use counterqr::domain::Paise;
use counterqr::domain::upi::UpiLink;
use counterqr::render::QrMatrix;

const BHARAT_QR: &str = "000201010211021644038470007469080415522024070007469061661000307000746960825HDFC00006225020001855322626470010A0000005240129yellowqr.payutest.94@hdfcbank27370010A0000005240119STQ9y45z1cv3z5450925204569153033565802IN5910vendorName6010vendorCity610650017262350519STQ9y45z1cv3z545092070870007469630417EF";

/// Runs `work` for about a second and reports the median and the fastest time per call.
fn measure(name: &str, mut work: impl FnMut()) {
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) || times.len() < 20 {
        let t = Instant::now();
        work();
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{name:<44} median {:>8.1} µs   best {:>8.1} µs   ({} runs)",
        median.as_secs_f64() * 1e6,
        times[0].as_secs_f64() * 1e6,
        times.len()
    );
}

fn main() {
    let upi = UpiLink {
        payee_vpa: "sharmastores@okaxis",
        payee_name: "Sharma General Stores",
        amount: Paise::new(123_456),
        transaction_ref: "CQ17953057158243CD7000",
        note: Some("Sale CQ17953057158243CD7000"),
    }
    .to_uri();
    for (name, payload) in [
        ("Bharat QR (298 chars)", BHARAT_QR),
        ("UPI link", upi.as_str()),
    ] {
        let matrix = QrMatrix::encode(payload).expect("encodable");
        println!(
            "{name}: {} bytes, {} modules a side with quiet zone",
            payload.len(),
            matrix.size()
        );
        measure(&format!("{name}: encode"), || {
            black_box(QrMatrix::encode(black_box(payload)).expect("encodable"));
        });
        measure(&format!("{name}: encode + screen texture bytes"), || {
            let m = QrMatrix::encode(black_box(payload)).expect("encodable");
            black_box(m.luma_bytes());
        });
        measure(&format!("{name}: encode + 10 px/module image"), || {
            let m = QrMatrix::encode(black_box(payload)).expect("encodable");
            black_box(m.to_image(10));
        });
    }
}
