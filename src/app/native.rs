//! The desktop window.

use super::Relu0App;
use super::settings::presets;
use eframe::egui;
/// Opens the window, optionally with preset number `preset` (from 1) loaded and, with `run`,
/// started; the GPU context is the one burn computes on when there is an adapter.
pub fn run_native(preset: Option<usize>, run: bool) -> Result<(), crate::Error> {
    let launched = web_time::Instant::now();
    let chosen = match preset {
        None => None,
        Some(n) => {
            let all = presets();
            let count = all.len();
            Some(
                all.into_iter()
                    .nth(n.wrapping_sub(1))
                    .ok_or_else(|| {
                        crate::Error::Config(format!(
                            "--preset {n}: there are presets 1 to {count}"
                        ))
                    })?
                    .settings,
            )
        }
    };
    let machine = Relu0App::describe_machine();
    let mut options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("relu0: ReLU'(0) in finite precision")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    if let Some(setup) = super::shared_wgpu_setup() {
        options.wgpu_options.wgpu_setup = setup;
    }
    eframe::run_native(
        "relu0",
        options,
        Box::new(move |cc| {
            let mut app = Relu0App::new(machine);
            app.opened = launched;
            app.print_frame_stats = std::env::var_os("RELU0_FRAME_STATS").is_some();
            if let Some(settings) = chosen {
                app.settings = settings;
            }
            if run {
                app.start(&cc.egui_ctx);
            }
            app.exit_after = std::env::var("RELU0_EXIT_AFTER_SECONDS")
                .ok()
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(std::time::Duration::from_secs_f64);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| crate::Error::Device(format!("the window could not open: {e}")))
}
