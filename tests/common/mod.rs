//! Helpers shared by the window tests.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Instant;

use counterqr::app::{Clock, CounterApp};
use egui_kittest::Harness;

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<Instant>>);

impl TestClock {
    pub fn new() -> Self {
        Self(Arc::new(Mutex::new(Instant::now())))
    }

    pub fn advance(&self, by: std::time::Duration) {
        *self.0.lock().expect("clock") += by;
    }

    pub fn as_clock(&self) -> Clock {
        let inner = self.0.clone();
        Arc::new(move || *inner.lock().expect("clock"))
    }
}

/// A tokio runtime for the app's background tasks (and a test's local fakes).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The app in a kittest harness the size of a small counter screen, its first frames drawn.
pub fn harness(app: CounterApp, size: [f32; 2]) -> Harness<'static, CounterApp> {
    let mut harness = Harness::builder()
        .with_size(size)
        .with_context_setup(CounterApp::install_style)
        .build_ui_state(|ui, app: &mut CounterApp| app.show(ui), app);
    harness.run_steps(2);
    harness
}

/// Steps frames in real time (for the background tasks) until `done` holds for the screen, for
/// up to five seconds, then draws two more frames.
pub fn wait_for_screen(
    harness: &mut Harness<'static, CounterApp>,
    what: &str,
    done: impl Fn(&counterqr::app::flow::Screen) -> bool,
) {
    for _ in 0..500 {
        if done(harness.state().screen()) {
            harness.run_steps(2);
            return;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("never reached: {what}");
}

/// A dynamic Bharat QR for `amount` paying `vpa`, with a correct CRC.
pub fn bqr(amount: &str, vpa: &str) -> String {
    let upi = format!("0010A000000524{:02}{:02}{vpa}", 1, vpa.len());
    counterqr::domain::emv::build(&[
        (0, "01"),
        (1, "12"),
        (26, &upi),
        (52, "5411"),
        (53, "356"),
        (54, amount),
        (58, "IN"),
        (59, "Sharma Stores"),
        (60, "Pune"),
        (61, "411001"),
    ])
}

/// `payload` drawn as a QR in a PNG, as a gateway that sends pictures would.
pub fn png_of(payload: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    counterqr::render::QrMatrix::encode(payload)
        .expect("a short payload")
        .to_image(6)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("PNG into memory");
    bytes
}
