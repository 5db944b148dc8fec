//! Opening the counter window: the settings, the window's lock, the journal and its writer, the
//! async runtime, the gateway (training when the settings cannot sell), then eframe.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

use super::{AppOptions, CounterApp};
use crate::config::{self, Config};
use crate::gateway::Gateway;
use crate::{clock, data, journal, providers, secrets};

/// How the window is asked to look on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct WindowArgs {
    pub fullscreen: bool,
    pub kiosk: bool,
    pub renderer: Option<config::Renderer>,
}

/// The eframe renderer for a choice; wgpu only where this build has it.
fn eframe_renderer(choice: config::Renderer) -> anyhow::Result<eframe::Renderer> {
    match choice {
        config::Renderer::Glow => Ok(eframe::Renderer::Glow),
        #[cfg(feature = "wgpu")]
        config::Renderer::Wgpu => Ok(eframe::Renderer::Wgpu),
        #[cfg(not(feature = "wgpu"))]
        config::Renderer::Wgpu => anyhow::bail!(
            "this build draws with glow (OpenGL) only; for wgpu, build with \
             `cargo build --release --features wgpu`, or use --renderer glow"
        ),
    }
}

/// The window's icon (the same picture the desktop entry uses).
fn window_icon() -> Arc<egui::IconData> {
    const PNG: &[u8] = include_bytes!("../../assets/icons/counterqr-64.png");
    Arc::new(eframe::icon_data::from_png_bytes(PNG).unwrap_or_else(|e| {
        tracing::warn!("the window icon could not be read: {e}");
        egui::IconData::default()
    }))
}

/// What the till sells through.
struct Selling {
    gateway: Arc<dyn Gateway>,
    expected_payee_vpa: Option<String>,
    /// Why the settings cannot sell, when the till fell back to training.
    problem: Option<String>,
}

/// The gateway the settings select, or training with the reason when they cannot sell.
fn gateway_or_training(
    config: &Config,
    config_path: &Path,
    clock: &clock::SharedClock,
) -> anyhow::Result<Selling> {
    match providers::from_config(
        config,
        Some(config_path),
        &secrets::os_keyring,
        clock.clone(),
    ) {
        Ok(gateway) => Ok(Selling {
            gateway,
            expected_payee_vpa: providers::expected_payee_vpa(config),
            problem: None,
        }),
        Err(e) => {
            let fallback = Config::default();
            let gateway =
                providers::from_config(&fallback, None, &secrets::os_keyring, clock.clone())?;
            Ok(Selling {
                gateway,
                expected_payee_vpa: providers::expected_payee_vpa(&fallback),
                problem: Some(e.to_string()),
            })
        }
    }
}

/// Opens the window. A settings problem does not stop the till: it runs in training mode (which
/// cannot take money) with the problem shown on every screen until it is fixed.
pub fn run_window(
    config_path: &Path,
    data_dir: &Path,
    offset: Option<time::UtcOffset>,
    args: WindowArgs,
) -> anyhow::Result<()> {
    let (config, config_problem) = match Config::load(config_path) {
        Ok(config) => (config, None),
        Err(e) => (Config::default(), Some(e.to_string())),
    };
    let renderer = eframe_renderer(args.renderer.unwrap_or(config.renderer))?;
    let _window_lock = data::window_lock(data_dir)?.context(
        "counterqr is already open on this PC (one window per till); switch to it instead",
    )?;
    let journal = data::open_journal(data_dir, offset, true, config.customer_details_days)?;
    let journal = journal::Writer::start(journal).context("could not start the journal writer")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    let clock = clock::system();
    erase_customer_details_daily(&runtime, &journal, config.customer_details_days);
    let Selling {
        gateway,
        expected_payee_vpa,
        problem,
    } = gateway_or_training(&config, config_path, &clock)?;
    let banner = config_problem
        .clone()
        .or(problem)
        .map(|problem| format!("{problem} Running in TRAINING mode until it is fixed."));
    if let Some(problem) = &banner {
        tracing::error!("{problem}");
    }
    tracing::info!(provider = gateway.id().as_str(), config = %config_path.display(), "starting");
    // Settings that are not as the manager saved them (or cannot be used) open no door to the
    // till: the API starts only with settings in force.
    let api_blocked = banner.is_some() && !config.api.listen.trim().is_empty();
    let kiosk = args.kiosk || config.kiosk;
    let fullscreen = args.fullscreen || config.start_fullscreen || kiosk;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("counterqr")
            .with_app_id("counterqr")
            .with_inner_size([1024.0, 720.0])
            .with_min_inner_size([640.0, 480.0])
            .with_fullscreen(fullscreen)
            .with_decorations(!kiosk)
            .with_icon(window_icon()),
        renderer,
        // Changed pixels only: a ticking countdown is a few digits of a full-screen window.
        partial_present: config.partial_redraw,
        // A font atlas 4096 pixels wide from each window's first frame, not the GL's 16384: a
        // 4 MiB atlas made and dropped at start-up leaves glibc keeping ~7 MiB of heap.
        max_texture_side: Some(crate::render::MAX_PICTURE_SIDE as usize),
        // Flat colours, a QR and text: nothing to dither, and on a software renderer every pixel
        // of every frame would pay for the noise.
        dithering: false,
        ..Default::default()
    };
    let handle = runtime.handle().clone();
    let listen = config.api.listen.trim().to_owned();
    let api_journal = journal.clone();
    let app_options = AppOptions {
        banner,
        fullscreen,
        expected_payee_vpa,
        config,
        config_path: Some(config_path.to_path_buf()),
        config_problem,
        secrets: Arc::new(secrets::os_keyring),
        sounds: crate::sound::speaker(),
        voice: crate::speech::speaker(),
        voice_found: crate::speech::find_engine().is_some(),
        journal: Some(journal),
        autostart: crate::autostart::default_path().zip(std::env::current_exe().ok()),
    };
    eframe::run_native(
        "counterqr",
        options,
        Box::new(move |cc| {
            CounterApp::install_style(&cc.egui_ctx);
            let mut app = CounterApp::new(gateway, handle.clone(), clock, app_options);
            app.glow = cc.gl.is_some();
            if api_blocked {
                tracing::error!("the sales API is off: the settings are not in force");
                app.add_banner("The sales API is off until the settings above are fixed.".into());
            } else if !listen.is_empty() {
                let state = crate::api::ApiState {
                    till: app.api_till(),
                    board: app.board(),
                    journal: api_journal,
                    gate: crate::api::TokenGate::new(Arc::new(secrets::os_keyring)),
                };
                if let Err(problem) = crate::api::start(&handle, &listen, state) {
                    tracing::error!("{problem}");
                    app.add_banner(format!("The sales API is off: {problem}."));
                }
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))
}

/// A window runs for days: every hour, customer details older than `keep_days` are erased.
fn erase_customer_details_daily(
    runtime: &tokio::runtime::Runtime,
    writer: &journal::Writer,
    keep_days: u64,
) {
    let writer = writer.clone();
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            let writer = writer.clone();
            let erased = tokio::task::spawn_blocking(move || {
                let journal = writer.journal();
                let today = journal.today(time::OffsetDateTime::now_utc());
                journal.erase_customer_details(journal::customer_cutoff(today, keep_days))
            })
            .await;
            if let Ok(Err(e)) = erased {
                tracing::error!("customer details could not be erased: {e}");
            }
        }
    });
}
