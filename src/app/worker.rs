//! Runs one experiment beside the UI and streams what it produces: on its own thread on the
//! desktop, as a task on the browser's event loop on the web (yielding between steps so the
//! page keeps drawing). The UI only reads updates and sets the control flags (stop, pause,
//! single step); errors (and, on the desktop, panics) inside the run come back as an update,
//! never as a crash of the app.

use super::settings::{ExperimentKind, Settings};
use crate::backend::{self, Precision};
use crate::data;
use crate::error::Error;
use crate::experiment::affected::{AffectedRecord, AffectedRun};
use crate::experiment::section::SectionReport;
use crate::experiment::surprise::{SurprisePoint, SurpriseRun};
use crate::experiment::train::{EpochRecord, TrainEvent, TrainRun};
use crate::experiment::volume::{DrawRecord, VolumeEvent, VolumeRun};
use crate::experiment::zeros::{ZerosEvent, ZerosRecord, ZerosRun};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;
use web_time::Instant;

/// Something the running experiment produced.
#[derive(Clone, Debug)]
pub enum Update {
    /// The run has its device (one line naming it).
    Started(String),
    /// Work done so far out of the total (steps of the experiment).
    Progress {
        /// Steps done.
        done: usize,
        /// Steps in all.
        total: usize,
    },
    /// A volume draw finished, in this precision.
    Draw(Precision, DrawRecord),
    /// Something the user should know that does not stop the run.
    Notice(String),
    /// A surprise iteration.
    Surprise(SurprisePoint),
    /// An affected-batches draw.
    Affected(AffectedRecord),
    /// A training epoch.
    Epoch(EpochRecord),
    /// A point of the zero-rate grid.
    Zeros(ZerosRecord),
    /// The cross-section (computed in one piece).
    Section(Box<SectionReport>),
    /// The run ended; its report.
    Finished(serde_json::Value),
    /// The run was stopped by the user.
    Stopped,
    /// The run failed; the message is for the user.
    Failed(String),
}

/// Flags the UI sets and the worker reads between steps.
pub struct Control {
    stop: AtomicBool,
    paused: AtomicBool,
    steps: AtomicUsize,
    /// When the run last gave the event loop back (web only).
    last_yield: std::sync::Mutex<Instant>,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            stop: AtomicBool::new(false),
            paused: AtomicBool::new(false),
            steps: AtomicUsize::new(0),
            last_yield: std::sync::Mutex::new(Instant::now()),
        }
    }
}

/// Waits `duration`: the thread sleeps on the desktop; the browser gets its event loop back.
async fn sleep(duration: Duration) {
    #[cfg(not(target_arch = "wasm32"))]
    std::thread::sleep(duration);
    #[cfg(target_arch = "wasm32")]
    {
        let millis = duration.as_millis() as i32;
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ =
                    window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

impl Control {
    /// Waits while paused (letting single steps through); false once stopped. On the web it
    /// also hands the event loop back every few milliseconds so the page stays live.
    async fn proceed(&self) -> bool {
        if cfg!(target_arch = "wasm32") {
            let due = self
                .last_yield
                .lock()
                .map(|last| last.elapsed() > Duration::from_millis(12))
                .unwrap_or(true);
            if due {
                sleep(Duration::ZERO).await;
                if let Ok(mut last) = self.last_yield.lock() {
                    *last = Instant::now();
                }
            }
        }
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return false;
            }
            if !self.paused.load(Ordering::Relaxed) {
                return true;
            }
            if self
                .steps
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| s.checked_sub(1))
                .is_ok()
            {
                return true;
            }
            sleep(Duration::from_millis(15)).await;
        }
    }
}

/// A running experiment.
pub struct Worker {
    updates: Receiver<Update>,
    control: Arc<Control>,
    finished: bool,
}

impl Worker {
    /// Starts `settings`' experiment beside the UI; `wake` is called after every update (the
    /// UI asks for a repaint there).
    pub fn start(settings: Settings, wake: impl Fn() + Send + 'static) -> Self {
        let (tx, updates) = channel();
        let control = Arc::new(Control::default());
        let flags = control.clone();
        let send = move |update: Update| {
            let _ = tx.send(update);
            wake();
        };
        #[cfg(not(target_arch = "wasm32"))]
        std::thread::Builder::new()
            .name("relu0-experiment".into())
            .spawn(move || {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    pollster::block_on(run(&settings, &flags, &send))
                }));
                let outcome = outcome.unwrap_or_else(|panic| {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "unknown".into())
                        .replace('\n', " ");
                    Err(Error::Device(format!("the run failed inside: {message}")))
                });
                finish(outcome, &send);
            })
            .expect("a thread can be spawned");
        #[cfg(target_arch = "wasm32")]
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = run(&settings, &flags, &send).await;
            finish(outcome, &send);
        });
        Worker {
            updates,
            control,
            finished: false,
        }
    }

    /// Updates that arrived since the last call.
    pub fn poll(&mut self) -> Vec<Update> {
        let updates: Vec<Update> = self.updates.try_iter().collect();
        if updates
            .iter()
            .any(|u| matches!(u, Update::Finished(_) | Update::Stopped | Update::Failed(_)))
        {
            self.finished = true;
        }
        updates
    }

    /// Whether the run has ended (finished, stopped or failed).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Asks the run to stop after its current step.
    pub fn stop(&self) {
        self.control.stop.store(true, Ordering::Relaxed);
    }

    /// Pauses or resumes.
    pub fn set_paused(&self, paused: bool) {
        self.control.paused.store(paused, Ordering::Relaxed);
    }

    /// Whether paused.
    pub fn is_paused(&self) -> bool {
        self.control.paused.load(Ordering::Relaxed)
    }

    /// Lets one step through while paused.
    pub fn step_once(&self) {
        self.control.steps.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last update of a run that did not finish on its own.
fn finish(outcome: Result<bool, Error>, send: &dyn Fn(Update)) {
    match outcome {
        Ok(true) => {}
        Ok(false) => send(Update::Stopped),
        Err(e) => send(Update::Failed(e.to_string())),
    }
}

/// In the browser the page should work on every machine: f16 on an adapter without
/// shader-f16 (or without WebGPU) runs in f32, and a GPU run without WebGPU runs on the CPU
/// back end, each with a notice instead of an error.
fn web_fallback(mut settings: Settings, send: &dyn Fn(Update)) -> Settings {
    if !cfg!(target_arch = "wasm32") || settings.all_precisions {
        return settings;
    }
    if settings.precision == Precision::F16
        && let Err(e) = backend::select(Precision::F16, settings.device)
    {
        send(Update::Notice(format!(
            "f16 unavailable, running f32 instead: {e}"
        )));
        settings.precision = Precision::F32;
        if settings.device == backend::DeviceChoice::Cpu {
            settings.device = backend::DeviceChoice::Auto;
        }
    }
    if settings.device == backend::DeviceChoice::Gpu
        && let Err(e) = backend::select(settings.precision, settings.device)
    {
        send(Update::Notice(format!(
            "no usable GPU, running on the CPU back end: {e}"
        )));
        settings.device = backend::DeviceChoice::Cpu;
    }
    settings
}

fn report<T: serde::Serialize>(report: &T) -> serde_json::Value {
    serde_json::to_value(report).unwrap_or(serde_json::Value::Null)
}

/// Runs the experiment to its end; Ok(false) when stopped.
async fn run(settings: &Settings, control: &Control, send: &dyn Fn(Update)) -> Result<bool, Error> {
    let settings = &web_fallback(settings.clone(), send);
    match settings.experiment {
        ExperimentKind::Volume => {
            let configs = settings.volumes();
            let several = configs.len() > 1;
            let mut reports = Vec::new();
            for config in configs {
                config.validate()?;
                let precision = config.precision;
                let dataset = data::load(config.dataset, &config.data)?;
                let compute = match backend::select(config.precision, config.device) {
                    Ok(compute) => compute,
                    // Side by side, a precision the machine lacks is skipped with a notice.
                    Err(e) if several => {
                        send(Update::Notice(format!("{precision} skipped: {e}")));
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                };
                send(Update::Started(format!(
                    "{precision} on {}",
                    compute.describe()
                )));
                let mut run = VolumeRun::new(config, compute, &dataset)?;
                let total = run.total_draws() * run.batches_per_draw();
                let mut done = 0;
                loop {
                    if !control.proceed().await {
                        return Ok(false);
                    }
                    match run.step().await? {
                        None => break,
                        Some(VolumeEvent::Batch { .. }) => done += 1,
                        Some(VolumeEvent::Draw(record)) => {
                            done += run.batches_per_draw() - record.batches_scanned;
                            send(Update::Draw(precision, record));
                        }
                    }
                    send(Update::Progress { done, total });
                }
                reports.push(report(&run.report()));
            }
            let summary = if several {
                serde_json::json!({ "experiment": "volume", "reports": reports })
            } else {
                reports.pop().unwrap_or(serde_json::Value::Null)
            };
            send(Update::Finished(summary));
            Ok(true)
        }
        ExperimentKind::Surprise => {
            let config = settings.surprise();
            config.validate()?;
            let (dataset, compute) = crate::experiment::prepare(
                config.dataset,
                &config.data,
                config.precision,
                config.device,
            )?;
            send(Update::Started(compute.describe()));
            let mut run = SurpriseRun::new(config, compute, &dataset)?;
            let total = run.iterations();
            let mut done = 0;
            while control.proceed().await {
                match run.step().await? {
                    None => {
                        send(Update::Finished(report(&run.report())));
                        return Ok(true);
                    }
                    Some(point) => {
                        done += 1;
                        send(Update::Surprise(point));
                        send(Update::Progress { done, total });
                    }
                }
            }
            Ok(false)
        }
        ExperimentKind::Affected => {
            let config = settings.affected();
            config.validate()?;
            let (dataset, compute) = crate::experiment::prepare(
                config.dataset,
                &config.data,
                config.precision,
                config.device,
            )?;
            send(Update::Started(compute.describe()));
            let mut run = AffectedRun::new(config, compute, &dataset)?;
            let total = run.remaining();
            let mut done = 0;
            while control.proceed().await {
                match run.step().await? {
                    None => {
                        send(Update::Finished(report(&run.report())));
                        return Ok(true);
                    }
                    Some(record) => {
                        done += 1;
                        send(Update::Affected(record));
                        send(Update::Progress { done, total });
                    }
                }
            }
            Ok(false)
        }
        ExperimentKind::Section => {
            let config = settings.section();
            config.validate()?;
            let (dataset, compute) = crate::experiment::prepare(
                config.dataset,
                &config.data,
                config.precision,
                config.device,
            )?;
            send(Update::Started(compute.describe()));
            let section = crate::experiment::section::run(config, compute, &dataset).await?;
            let summary = report(&section);
            send(Update::Section(Box::new(section)));
            send(Update::Finished(summary));
            Ok(true)
        }
        ExperimentKind::Zeros => {
            let config = settings.zeros();
            config.validate()?;
            let (dataset, compute) = crate::experiment::prepare(
                config.dataset,
                &config.data,
                config.precision,
                config.device,
            )?;
            send(Update::Started(compute.describe()));
            let mut run = ZerosRun::new(config, compute, &dataset)?;
            let total = run.total_batches();
            let mut done = 0;
            while control.proceed().await {
                match run.step().await? {
                    None => {
                        send(Update::Finished(report(&run.report())));
                        return Ok(true);
                    }
                    Some(ZerosEvent::Batch { .. }) => done += 1,
                    Some(ZerosEvent::Point(record)) => send(Update::Zeros(record)),
                }
                send(Update::Progress { done, total });
            }
            Ok(false)
        }
        ExperimentKind::Train => {
            let config = settings.train()?;
            config.validate()?;
            let (dataset, compute) = crate::experiment::prepare(
                config.dataset,
                &config.data,
                config.precision,
                config.device,
            )?;
            send(Update::Started(compute.describe()));
            let mut run = TrainRun::new(config, compute, &dataset)?;
            let total = run.total_batches();
            let mut done = 0;
            while control.proceed().await {
                match run.step().await? {
                    None => {
                        send(Update::Finished(report(&run.report())));
                        return Ok(true);
                    }
                    Some(TrainEvent::Batch { .. }) => done += 1,
                    Some(TrainEvent::Epoch(record)) => send(Update::Epoch(record)),
                    Some(TrainEvent::Run(_)) => {}
                }
                send(Update::Progress { done, total });
            }
            Ok(false)
        }
    }
}
