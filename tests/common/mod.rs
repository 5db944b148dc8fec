//! Helpers shared by the window tests.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::time::Duration;

pub mod payu_fake;

use counterqr::app::CounterApp;
use counterqr::flow::Screen;
use egui_kittest::Harness;

/// The test clock.
pub type ManualClock = counterqr::clock::ManualClock;

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
        .build_ui_state(
            |ui, app: &mut CounterApp| {
                // As eframe does: the logic, then the ui.
                app.logic_pass(ui.ctx());
                app.show(ui);
            },
            app,
        );
    harness.run_steps(2);
    harness
}

/// How long a test waits for one piece of background work (a local fake's answer, a journal
/// write) before it gives up: a limit on a hang, not a timing.
pub const BACKGROUND_LIMIT: Duration = Duration::from_secs(10);

/// Draws frames, waiting between them for the app's background work to report (never sleeping
/// for a set time), until `done` holds for the screen; then draws two more frames.
pub fn wait_for_screen(
    harness: &mut Harness<'static, CounterApp>,
    what: &str,
    done: impl Fn(&Screen) -> bool,
) {
    wait_until(harness, what, |app| done(app.screen()));
}

/// Like [`wait_for_screen`], for anything about the app.
pub fn wait_until(
    harness: &mut Harness<'static, CounterApp>,
    what: &str,
    done: impl Fn(&CounterApp) -> bool,
) {
    wait_for(harness, what, |h| done(h.state()));
}

/// Like [`wait_for_screen`], for anything the harness can see (the screen, the app, files).
pub fn wait_for(
    harness: &mut Harness<'static, CounterApp>,
    what: &str,
    done: impl Fn(&Harness<'static, CounterApp>) -> bool,
) {
    loop {
        harness.run_steps(1);
        if done(harness) {
            harness.run_steps(2);
            return;
        }
        let reported = harness.state_mut().wait_for_background(BACKGROUND_LIMIT);
        assert!(
            reported,
            "nothing happened for {BACKGROUND_LIMIT:?} while waiting for: {what}"
        );
    }
}

/// Moves `clock` on by `by` once some background task sleeps on it until within `by` (drawing
/// frames meanwhile): moved earlier, the clock would pass before the sleep began, and the sleep
/// would then run a whole period of the test's clock that nobody moves.
pub fn advance_once_asleep(
    harness: &mut Harness<'static, CounterApp>,
    clock: &counterqr::clock::ManualClock,
    by: Duration,
) {
    let limit = std::time::Instant::now() + BACKGROUND_LIMIT;
    while !clock.has_sleep_ending_within(by) {
        assert!(
            std::time::Instant::now() < limit,
            "nothing slept on the clock within {BACKGROUND_LIMIT:?}"
        );
        harness.run_steps(1);
        std::thread::sleep(Duration::from_millis(2));
    }
    clock.advance(by);
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

/// The training gateway answering after `delay` on `clock` (zero: at once).
pub fn training(
    clock: &ManualClock,
    delay: Duration,
) -> std::sync::Arc<counterqr::gateway::training::TrainingGateway> {
    use counterqr::gateway::training::{TrainingGateway, TrainingSettings};
    std::sync::Arc::new(TrainingGateway::new(
        TrainingSettings {
            min_delay: delay,
            max_delay: delay,
            ..TrainingSettings::default()
        },
        clock.shared(),
    ))
}

/// A sale of `rupees` with a new reference and no customer details.
pub fn sale(rupees: u64) -> counterqr::domain::Sale {
    counterqr::domain::Sale::new(
        counterqr::reference::new_sale_ref(),
        counterqr::domain::Paise::from_rupees(rupees),
        counterqr::domain::Customer::default(),
    )
}
