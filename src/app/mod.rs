//! The desktop app (eframe): settings on the left, live plots in the centre, what the plot
//! means on the right, the device on top. Experiments run on a worker thread and stream
//! updates; the views only draw them and send the user's intent back.

pub mod explain;
mod files;
#[cfg(not(target_arch = "wasm32"))]
mod native;
pub mod settings;
mod views;
#[cfg(target_arch = "wasm32")]
pub mod web;
pub mod worker;

#[cfg(not(target_arch = "wasm32"))]
pub use native::run_native;

use crate::backend::{self, DeviceChoice, Precision};
use crate::data::DatasetKind;
use crate::experiment::affected::AffectedRecord;
use crate::experiment::section::SectionReport;
use crate::experiment::surprise::SurprisePoint;
use crate::experiment::train::EpochRecord;
use crate::experiment::volume::DrawRecord;
use crate::experiment::zeros::ZerosRecord;
use crate::model::ModelKind;
use crate::ops::Semantics;
use eframe::egui;
use settings::{ExperimentKind, Settings, presets};
use worker::{Update, Worker};

/// Where a run stands.
#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    /// Nothing run yet.
    Idle,
    /// Running (possibly paused).
    Running,
    /// Ended with a report.
    Finished,
    /// Stopped by the user.
    Stopped,
    /// Failed; the message is shown.
    Failed(String),
}

/// Which field a file dialog fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PickTarget {
    DataFolder,
    File,
}

/// A file dialog's answer.
pub(crate) struct Picked {
    pub(crate) target: PickTarget,
    pub(crate) path: Option<std::path::PathBuf>,
}

/// What the current (or last) run produced.
#[derive(Default)]
pub struct Results {
    /// The run's device line.
    pub device: Option<String>,
    /// (steps done, steps in all).
    pub progress: (usize, usize),
    /// Volume draws, with the precision of their scan.
    pub draws: Vec<(Precision, DrawRecord)>,
    /// Notices (e.g. a precision skipped).
    pub notices: Vec<String>,
    /// Surprise iterations.
    pub surprise: Vec<SurprisePoint>,
    /// Affected-batches draws.
    pub affected: Vec<AffectedRecord>,
    /// Training epochs.
    pub epochs: Vec<EpochRecord>,
    /// Zero-rate grid points.
    pub zeros: Vec<ZerosRecord>,
    /// The cross-section.
    pub section: Option<Box<SectionReport>>,
    /// The final report.
    pub summary: Option<serde_json::Value>,
}

impl Results {
    fn apply(&mut self, update: Update, state: &mut RunState) {
        match update {
            Update::Started(device) => self.device = Some(device),
            Update::Progress { done, total } => self.progress = (done, total),
            Update::Draw(p, r) => self.draws.push((p, r)),
            Update::Notice(n) => self.notices.push(n),
            Update::Surprise(p) => self.surprise.push(p),
            Update::Affected(r) => self.affected.push(r),
            Update::Epoch(r) => self.epochs.push(r),
            Update::Zeros(r) => self.zeros.push(r),
            Update::Section(s) => self.section = Some(s),
            Update::Finished(summary) => {
                self.summary = Some(summary);
                *state = RunState::Finished;
            }
            Update::Stopped => *state = RunState::Stopped,
            Update::Failed(message) => *state = RunState::Failed(message),
        }
    }
}

/// The app.
pub struct Relu0App {
    /// What the left panel edits.
    pub settings: Settings,
    /// The run's results so far.
    pub results: Results,
    /// Where the run stands.
    pub state: RunState,
    /// The experiment the results belong to.
    shown: ExperimentKind,
    worker: Option<Worker>,
    machine: String,
    /// Path for saving and loading settings and exporting results.
    pub file: String,
    /// The last file operation's outcome.
    pub file_message: Option<Result<String, String>>,
    screenshot_message: std::sync::Arc<std::sync::Mutex<Option<Result<String, String>>>>,
    picked: std::sync::Arc<std::sync::Mutex<Option<Picked>>>,
    section_textures: Option<[egui::TextureHandle; 2]>,
    /// The zero event dissected in the volume view.
    pub selected_zero: Option<usize>,
    pub(crate) opened: web_time::Instant,
    /// Per frame: (seconds since the window opened, seconds spent building the frame).
    pub frame_log: Vec<(f64, f64)>,
    /// Print frame statistics when the window closes (`RELU0_FRAME_STATS=1`).
    pub print_frame_stats: bool,
    /// Close the window this long after it opened (smoke tests: `RELU0_EXIT_AFTER_SECONDS`).
    pub exit_after: Option<std::time::Duration>,
    /// Data files picked in the browser, waiting to be checked and used.
    dropped_files: files::Inbox<Result<crate::data::FileSet, String>>,
    /// Counts started runs (the web page publishes each run's summary once).
    pub(crate) run_generation: u64,
}

impl Relu0App {
    /// A new app; `machine` is the device line shown on top.
    pub fn new(machine: String) -> Self {
        Relu0App {
            settings: Settings::default(),
            results: Results::default(),
            state: RunState::Idle,
            shown: ExperimentKind::Volume,
            worker: None,
            machine,
            file: "relu0-settings.json".into(),
            file_message: None,
            screenshot_message: Default::default(),
            picked: Default::default(),
            section_textures: None,
            selected_zero: None,
            opened: web_time::Instant::now(),
            frame_log: Vec::new(),
            print_frame_stats: false,
            exit_after: None,
            dropped_files: Default::default(),
            run_generation: 0,
        }
    }

    /// The device line: the GPU adapters and the CPU back end.
    pub fn describe_machine() -> String {
        let adapters = backend::list_adapters();
        let gpus: Vec<String> = adapters
            .iter()
            .filter(|a| a.backend != "Gl")
            .map(|a| {
                format!(
                    "{} ({}, {}; f16 {})",
                    a.name,
                    a.backend,
                    a.device_type,
                    if a.shader_f16 { "yes" } else { "no" }
                )
            })
            .collect();
        let gpu = if gpus.is_empty() {
            "GPU: none (the CPU runs f32 and f64)".to_string()
        } else {
            format!("GPU: {}", gpus.join(", "))
        };
        format!("{gpu}  ·  CPU: burn Flex (f32, f64)")
    }

    /// Starts the experiment the settings describe (stopping any run in progress).
    pub fn start(&mut self, ctx: &egui::Context) {
        if let Some(worker) = self.worker.take() {
            worker.stop();
        }
        self.results = Results::default();
        self.section_textures = None;
        self.selected_zero = None;
        self.state = RunState::Running;
        self.run_generation += 1;
        self.shown = self.settings.experiment;
        let ctx = ctx.clone();
        self.worker = Some(Worker::start(self.settings.clone(), move || {
            ctx.request_repaint()
        }));
    }

    /// Whether a run is in progress.
    pub fn is_running(&self) -> bool {
        self.state == RunState::Running
    }

    fn poll(&mut self) {
        if let Some(worker) = self.worker.as_mut() {
            for update in worker.poll() {
                self.results.apply(update, &mut self.state);
            }
            if worker.is_finished() {
                self.worker = None;
            }
        }
    }

    fn save_settings(&mut self) {
        self.file_message = Some(
            serde_json::to_string_pretty(&self.settings)
                .map_err(|e| format!("settings cannot be written: {e}"))
                .and_then(|text| files::deliver(&self.file, text.as_bytes(), "settings")),
        );
    }

    fn load_settings(&mut self) {
        let result = std::fs::read_to_string(&self.file)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Settings>(&text).map_err(|e| e.to_string()));
        self.file_message = Some(match result {
            Ok(settings) => {
                self.settings = settings;
                Ok(format!("settings loaded from {}", self.file))
            }
            Err(e) => Err(format!("{}: not a relu0 settings file: {e}", self.file)),
        });
    }

    /// The run's records (draws, iterations, epochs, grid points) as JSON objects.
    pub fn records(&self) -> Vec<serde_json::Value> {
        fn values<T: serde::Serialize>(items: &[T]) -> Vec<serde_json::Value> {
            items
                .iter()
                .filter_map(|i| serde_json::to_value(i).ok())
                .collect()
        }
        let r = &self.results;
        match self.shown {
            ExperimentKind::Volume => r
                .draws
                .iter()
                .filter_map(|(p, d)| {
                    let mut v = serde_json::to_value(d).ok()?;
                    v.as_object_mut()?
                        .insert("precision".into(), serde_json::json!(p.name()));
                    Some(v)
                })
                .collect(),
            ExperimentKind::Surprise => values(&r.surprise),
            ExperimentKind::Affected => values(&r.affected),
            ExperimentKind::Train => values(&r.epochs),
            ExperimentKind::Zeros => values(&r.zeros),
            ExperimentKind::Section => r.section.as_ref().map_or(Vec::new(), |s| {
                s.csv()
                    .lines()
                    .skip(1)
                    .filter_map(|l| {
                        let v: Vec<&str> = l.split(',').collect();
                        let num = |i: usize| v.get(i).and_then(|x| x.parse::<f64>().ok());
                        Some(serde_json::json!({
                            "x": num(0)?, "y": num(1)?,
                            "abs_z_search": num(2)?, "abs_z_f64": num(3)?
                        }))
                    })
                    .collect()
            }),
        }
    }

    fn export_csv(&mut self) {
        let records = self.records();
        if records.is_empty() {
            self.file_message = Some(Err("no results to export yet".into()));
            return;
        }
        let path = std::path::Path::new(&self.file).with_extension("csv");
        let what = format!("{} rows", records.len());
        self.file_message = Some(files::deliver(
            &path.display().to_string(),
            crate::report::records_csv(&records).as_bytes(),
            &what,
        ));
    }

    /// Asks for a screenshot of the window; it is written as PNG when it arrives.
    fn request_png(&mut self, ctx: &egui::Context) {
        let path = std::path::Path::new(&self.file).with_extension("png");
        let inbox = self.screenshot_message.clone();
        let wake = ctx.clone();
        let callback = egui::ScreenshotCallback::new(move |image| {
            let [w, h] = image.size;
            let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
            let mut png = Vec::new();
            let outcome = image::ImageEncoder::write_image(
                image::codecs::png::PngEncoder::new(&mut png),
                &bytes,
                w as u32,
                h as u32,
                image::ExtendedColorType::Rgba8,
            )
            .map_err(|e| format!("the window cannot be encoded as PNG: {e}"))
            .and_then(|()| files::deliver(&path.display().to_string(), &png, "window"));
            if let Ok(mut slot) = inbox.lock() {
                *slot = Some(outcome);
            }
            wake.request_repaint();
        });
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
    }

    fn export_results(&mut self) {
        let Some(summary) = &self.results.summary else {
            self.file_message = Some(Err("no finished run to export yet".into()));
            return;
        };
        let text = serde_json::to_string_pretty(summary).unwrap_or_default();
        self.file_message = Some(files::deliver(&self.file, text.as_bytes(), "results"));
    }

    /// Checks picked data files by loading them; on success later runs use them, on failure
    /// the error is shown and the previous data stays.
    fn use_files(&mut self, picked: Result<crate::data::FileSet, String>) {
        let outcome = picked.and_then(|set| {
            let names = set.names().join(", ");
            let cifar = set
                .names()
                .iter()
                .any(|n| n.starts_with("data_batch") || n.starts_with("test_batch"));
            let kind = match (cifar, self.settings.dataset) {
                (true, _) => DatasetKind::Cifar10,
                (false, DatasetKind::Cifar10) => DatasetKind::Mnist,
                (false, kind) => kind,
            };
            let source = crate::data::DataSource::Files(set.clone());
            crate::data::load(kind, &source)
                .map(|dataset| {
                    (
                        set,
                        kind,
                        format!(
                            "{names}: {} training and {} test images ({})",
                            dataset.train.len(),
                            dataset.test.len(),
                            kind.name()
                        ),
                    )
                })
                .map_err(|e| e.to_string())
        });
        self.file_message = Some(match outcome {
            Ok((set, kind, message)) => {
                self.settings.files = Some(set);
                self.settings.dataset = kind;
                Ok(message)
            }
            Err(e) => Err(format!("Error: {e}")),
        });
    }

    fn controls(&mut self, ui: &mut egui::Ui) {
        ui.heading("Experiment");
        let mut chosen = None;
        egui::ComboBox::from_label("Preset")
            .selected_text("choose…")
            .show_ui(ui, |ui| {
                for preset in presets() {
                    if ui
                        .selectable_label(false, preset.name)
                        .on_hover_text(preset.note)
                        .clicked()
                    {
                        chosen = Some(preset.settings);
                    }
                }
            });
        if let Some(settings) = chosen {
            self.settings = settings;
        }
        let s = &mut self.settings;
        egui::ComboBox::from_label("Experiment")
            .selected_text(s.experiment.label())
            .show_ui(ui, |ui| {
                for kind in ExperimentKind::ALL {
                    ui.selectable_value(&mut s.experiment, kind, kind.label());
                }
            });
        ui.horizontal(|ui| {
            ui.label("Precision");
            for p in [Precision::F16, Precision::F32, Precision::F64] {
                // WebGPU has no f64: in the browser f64 is the CPU back end's.
                let offered = !(cfg!(target_arch = "wasm32")
                    && p == Precision::F64
                    && s.device == DeviceChoice::Gpu);
                if offered {
                    ui.selectable_value(&mut s.precision, p, p.name());
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label("Device");
            for (d, name) in [
                (DeviceChoice::Auto, "auto"),
                (DeviceChoice::Gpu, "GPU"),
                (DeviceChoice::Cpu, "CPU"),
            ] {
                ui.selectable_value(&mut s.device, d, name);
            }
            if cfg!(target_arch = "wasm32")
                && s.device == DeviceChoice::Gpu
                && s.precision == Precision::F64
            {
                s.precision = Precision::F32;
            }
        });
        ui.horizontal(|ui| {
            ui.label("Semantics");
            ui.selectable_value(&mut s.semantics, Semantics::Multiply, "multiply");
            ui.selectable_value(&mut s.semantics, Semantics::Assign, "assign");
        });
        egui::Grid::new("numbers").num_columns(2).show(ui, |ui| {
            let kind = s.experiment;
            if matches!(kind, ExperimentKind::Volume | ExperimentKind::Train) {
                let label = ui.label("Model");
                egui::ComboBox::from_id_salt("model")
                    .selected_text(s.model.name())
                    .show_ui(ui, |ui| {
                        for m in [ModelKind::Mlp, ModelKind::Vgg11, ModelKind::Resnet18] {
                            ui.selectable_value(&mut s.model, m, m.name());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                ui.label("");
                ui.checkbox(&mut s.batch_norm, "Batch norm");
                ui.end_row();
            }
            if kind == ExperimentKind::Volume {
                ui.label("");
                ui.checkbox(&mut s.all_precisions, "All precisions side by side");
                ui.end_row();
                ui.label("");
                ui.checkbox(&mut s.verify, "Verify (both twins + 0-vs-0 control)")
                    .on_hover_text("Run both backward passes on every batch, check the one-forward shortcut, and repeat the ReLU'(0)=0 pass as the determinism control");
                ui.end_row();
            }
            if kind == ExperimentKind::Train {
                let label = ui.label("Values of a");
                ui.text_edit_singleline(&mut s.alphas).labelled_by(label.id);
                ui.end_row();
            }
            let number = |ui: &mut egui::Ui, label: &str, value: &mut usize| {
                let label = ui.label(label);
                ui.add(egui::DragValue::new(value).range(1..=100_000))
                    .labelled_by(label.id);
                ui.end_row();
            };
            if kind != ExperimentKind::Surprise {
                number(ui, "Hidden layers", &mut s.layers);
            }
            number(ui, "Width", &mut s.width);
            number(ui, "Batch", &mut s.batch);
            match kind {
                ExperimentKind::Volume | ExperimentKind::Affected => {
                    number(ui, "Draws", &mut s.draws)
                }
                ExperimentKind::Surprise => number(ui, "Iterations", &mut s.iterations),
                ExperimentKind::Section => number(ui, "Grid", &mut s.grid),
                ExperimentKind::Zeros | ExperimentKind::Train => {
                    number(ui, "Epochs", &mut s.epochs)
                }
            }
            let label = ui.label("Max batches (0: all)");
            ui.add(egui::DragValue::new(&mut s.max_batches).range(0..=100_000))
                .labelled_by(label.id);
            ui.end_row();
            if matches!(
                kind,
                ExperimentKind::Surprise | ExperimentKind::Zeros | ExperimentKind::Train
            ) {
                let label = ui.label("Learning rate");
                ui.add(
                    egui::DragValue::new(&mut s.lr)
                        .speed(0.001)
                        .range(0.0..=10.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            }
            let label = ui.label("Seed");
            ui.add(egui::DragValue::new(&mut s.seed))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Data set");
            egui::ComboBox::from_id_salt("dataset")
                .selected_text(s.dataset.name())
                .show_ui(ui, |ui| {
                    for d in [
                        DatasetKind::Mnist,
                        DatasetKind::FashionMnist,
                        DatasetKind::Cifar10,
                    ] {
                        ui.selectable_value(&mut s.dataset, d, d.name());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            if !cfg!(target_arch = "wasm32") {
                let label = ui.label("Data folder");
                ui.add(egui::TextEdit::singleline(&mut s.data_dir).hint_text("embedded MNIST"))
                    .labelled_by(label.id);
                ui.end_row();
            }
        });
        let mut browse = None;
        ui.horizontal(|ui| {
            if cfg!(target_arch = "wasm32") {
                if ui.button("Open data files…").on_hover_text("IDX (raw or .gz) or CIFAR-10 .bin files; read in this page, never uploaded").clicked() {
                    files::open_data_files(ui.ctx(), &self.dropped_files);
                }
            } else if ui.button("Browse data folder…").clicked() {
                browse = Some(PickTarget::DataFolder);
            }
            if ui.button("Embedded data").clicked() {
                self.settings.data_dir.clear();
                self.settings.files = None;
            }
        });
        if let Some(set) = &self.settings.files {
            ui.label(format!("Data: {}", set.names().join(", ")));
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui.button("Run").clicked() {
                self.start(ui.ctx());
            }
            let running = self.is_running();
            if let Some(worker) = &self.worker {
                let paused = worker.is_paused();
                if ui
                    .add_enabled(
                        running,
                        egui::Button::new(if paused { "Resume" } else { "Pause" }),
                    )
                    .clicked()
                {
                    worker.set_paused(!paused);
                }
                if ui
                    .add_enabled(running && paused, egui::Button::new("Step"))
                    .clicked()
                {
                    worker.step_once();
                }
                if ui.add_enabled(running, egui::Button::new("Stop")).clicked() {
                    worker.stop();
                }
            }
        });
        ui.separator();
        if cfg!(target_arch = "wasm32") {
            if ui
                .button("Copy link to these settings")
                .on_hover_text(
                    "The page's address with these settings; add &autorun=1 to start on opening",
                )
                .clicked()
            {
                let link = files::settings_link(&self.settings);
                ui.ctx().copy_text(link.clone());
                self.file_message = Some(Ok(format!("link copied: {link}")));
            }
            if ui.button("Download settings").clicked() {
                self.save_settings();
            }
        } else {
            let label = ui.label("File");
            ui.horizontal(|ui| {
                ui.text_edit_singleline(&mut self.file)
                    .labelled_by(label.id);
                if ui.button("Choose…").clicked() {
                    browse = Some(PickTarget::File);
                }
            });
            ui.horizontal(|ui| {
                if ui.button("Save settings").clicked() {
                    self.save_settings();
                }
                if ui.button("Load settings").clicked() {
                    self.load_settings();
                }
            });
        }
        if let Some(target) = browse {
            files::browse(ui.ctx(), target, &self.picked);
        }
        ui.horizontal(|ui| {
            if ui.button("Export JSON").clicked() {
                self.export_results();
            }
            if ui.button("Export CSV").clicked() {
                self.export_csv();
            }
            if ui.button("Save PNG").clicked() {
                self.request_png(ui.ctx());
            }
        });
        match &self.file_message {
            Some(Ok(message)) => {
                ui.label(message);
            }
            Some(Err(message)) => {
                ui.colored_label(egui::Color32::RED, message);
            }
            None => {}
        }
    }
}

impl eframe::App for Relu0App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let frame_started = web_time::Instant::now();
        self.poll();
        let ctx = ui.ctx().clone();
        if let Some(picked) = self.picked.lock().ok().and_then(|mut slot| slot.take()) {
            match (picked.target, picked.path) {
                (PickTarget::DataFolder, Some(path)) => {
                    self.settings.data_dir = path.display().to_string()
                }
                (PickTarget::File, Some(path)) => self.file = path.display().to_string(),
                (_, None) => {
                    self.file_message = Some(Err(
                        "no path chosen (or no file dialog on this desktop): type the path".into(),
                    ))
                }
            }
        }
        if let Some(dropped) = files::take(&self.dropped_files) {
            self.use_files(dropped);
        }
        if let Some(outcome) = self
            .screenshot_message
            .lock()
            .ok()
            .and_then(|mut slot| slot.take())
        {
            self.file_message = Some(outcome);
        }
        if let Some(limit) = self.exit_after {
            let open = self.opened.elapsed();
            if open >= limit {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ctx.request_repaint_after(limit - open);
            }
        }
        egui::Panel::top("device").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("relu0");
                ui.label(&self.machine);
            });
        });
        egui::Panel::left("settings")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.controls(ui));
            });
        egui::Panel::right("explanation")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| {
                let (text, paper) = explain::explanation(self.settings.experiment);
                ui.heading(self.settings.experiment.label());
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.label(text);
                    ui.add_space(8.0);
                    ui.strong(paper);
                });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            views::central(ui, &ctx, self);
        });
        let at = frame_started.duration_since(self.opened).as_secs_f64();
        self.frame_log
            .push((at, frame_started.elapsed().as_secs_f64()));
        #[cfg(target_arch = "wasm32")]
        web::publish(self);
    }

    fn on_exit(&mut self) {
        if self.print_frame_stats {
            eprintln!("relu0: {}", frame_stats(&self.frame_log));
        }
    }
}

/// The wgpu context burn computes on, for eframe to draw with, so that the window and the runs
/// share one GPU device (None without a GPU).
fn shared_wgpu_setup() -> Option<eframe::egui_wgpu::WgpuSetup> {
    use eframe::egui_wgpu::{WgpuSetup, WgpuSetupExisting};
    backend::wgpu_setup().map(|setup| {
        WgpuSetup::Existing(WgpuSetupExisting {
            instance: setup.instance,
            adapter: setup.adapter,
            device: setup.device,
            queue: setup.queue,
        })
    })
}

/// "frames N, first at T s; frame build p50/p95 ms; interval p50/p95 ms" for a frame log.
pub fn frame_stats(log: &[(f64, f64)]) -> String {
    let quantile = |mut v: Vec<f64>, q: f64| -> f64 {
        if v.is_empty() {
            return f64::NAN;
        }
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * q).round() as usize]
    };
    let builds: Vec<f64> = log.iter().map(|f| 1e3 * f.1).collect();
    let intervals: Vec<f64> = log.windows(2).map(|w| 1e3 * (w[1].0 - w[0].0)).collect();
    format!(
        "frames {}, first frame {:.2} s after launch; frame build p50 {:.2} ms, \
         p95 {:.2} ms; frame interval p50 {:.1} ms, p95 {:.1} ms",
        log.len(),
        log.first().map_or(f64::NAN, |f| f.0),
        quantile(builds.clone(), 0.5),
        quantile(builds, 0.95),
        quantile(intervals.clone(), 0.5),
        quantile(intervals, 0.95),
    )
}
