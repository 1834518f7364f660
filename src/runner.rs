//! Native drivers: each runs one experiment to the end on a blocking executor, with a progress
//! bar on stderr and, optionally, one JSONL record per draw / iteration / epoch, and returns
//! its report. The CLI commands and `reproduce` share them.

use crate::error::Error;
use crate::experiment::affected::{AffectedConfig, AffectedReport, AffectedRun};
use crate::experiment::prepare;
use crate::experiment::section::{SectionConfig, SectionReport};
use crate::experiment::surprise::{SurpriseConfig, SurpriseReport, SurpriseRun};
use crate::experiment::train::{TrainConfig, TrainEvent, TrainReport, TrainRun};
use crate::experiment::volume::{VolumeConfig, VolumeEvent, VolumeReport, VolumeRun};
use crate::experiment::zeros::{ZerosConfig, ZerosEvent, ZerosReport, ZerosRun};
use crate::report::JsonlWriter;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;

/// A progress bar on stderr (drawn only when stderr is a terminal).
pub fn progress(total: usize, what: &str, unit: &str, prefix: String) -> ProgressBar {
    let template = format!(
        "{{spinner}} {what} {{prefix}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{elapsed_precise}} eta {{eta}} {{msg}}"
    );
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template(&template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(prefix);
    bar
}

fn writer(out: Option<&Path>) -> Result<Option<JsonlWriter>, Error> {
    out.map(JsonlWriter::create).transpose()
}

/// Test hook: `RELU0_LOSE_DEVICE_AFTER_BATCHES=N` destroys the GPU device after N batches of
/// a volume scan, as a driver reset would, to check that the run ends with a clear error.
struct FaultInjection {
    lose_device_after: Option<usize>,
    batches: usize,
}

impl FaultInjection {
    fn from_env() -> Self {
        FaultInjection {
            lose_device_after: std::env::var("RELU0_LOSE_DEVICE_AFTER_BATCHES")
                .ok()
                .and_then(|v| v.parse().ok()),
            batches: 0,
        }
    }

    fn batch_done(&mut self) {
        self.batches += 1;
        if self.lose_device_after == Some(self.batches)
            && let Some(setup) = crate::backend::wgpu_setup()
        {
            setup.device.destroy();
        }
    }
}

/// Reopens `path` to continue a killed run: its complete records, read as `T`, and a writer
/// appending after them.
fn reopen<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
) -> Result<(Vec<T>, JsonlWriter), Error> {
    let (records, writer) = JsonlWriter::resume(path)?;
    let records = records
        .into_iter()
        .enumerate()
        .map(|(line, record)| {
            serde_json::from_value::<T>(record).map_err(|e| {
                Error::Config(format!(
                    "{}:{}: not a {what} record: {e}",
                    path.display(),
                    line + 1
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((records, writer))
}

/// Runs a volume scan; with `resume`, `out` holds the draws of a killed run of the same
/// settings, which are kept, and the scan continues after them.
pub fn volume(
    config: VolumeConfig,
    out: Option<&Path>,
    resume: bool,
) -> Result<VolumeReport, Error> {
    config.validate()?;
    let (dataset, compute) = prepare(
        config.dataset,
        &config.data,
        config.precision,
        config.device,
    )?;
    let label = format!("{} {}", config.precision, compute.describe());
    let mut run = VolumeRun::new(config, compute, &dataset)?;
    let mut out = match (out, resume) {
        (Some(path), true) => {
            let (done, writer) = reopen(path, "volume")?;
            eprintln!("relu0: resuming after {} finished draws", done.len());
            run.resume_from(done)?;
            Some(writer)
        }
        (out, _) => writer(out)?,
    };
    let bar = progress(
        run.total_draws() * run.batches_per_draw(),
        "volume",
        "batches",
        label,
    );
    // Resumed draws count as done.
    bar.set_position((run.records().len() * run.batches_per_draw()) as u64);
    let (mut done, mut in_s01) = (0usize, 0usize);
    let mut fault = FaultInjection::from_env();
    while let Some(event) = pollster::block_on(run.step())? {
        match event {
            VolumeEvent::Batch { .. } => {
                bar.inc(1);
                fault.batch_done();
            }
            VolumeEvent::Draw(record) => {
                done += 1;
                in_s01 += usize::from(record.in_s01);
                // A draw that stopped early skips the rest of its batches.
                bar.inc((run.batches_per_draw() - record.batches_scanned) as u64);
                bar.set_message(format!("S01 {in_s01}/{done}"));
                if let Some(out) = out.as_mut() {
                    out.write(&record)?;
                }
            }
        }
    }
    bar.finish_and_clear();
    if run.stacking_checked().iter().any(|&(_, exact)| !exact) {
        eprintln!(
            "relu0: this device's batched matrix product rounds differently from its plain one; \
             draws ran one at a time (results unaffected, slower)"
        );
    }
    Ok(run.report())
}

/// Runs the surprise experiment.
pub fn surprise(config: SurpriseConfig, out: Option<&Path>) -> Result<SurpriseReport, Error> {
    config.validate()?;
    let (dataset, compute) = prepare(
        config.dataset,
        &config.data,
        config.precision,
        config.device,
    )?;
    let label = format!("{} {}", config.precision, compute.describe());
    let mut run = SurpriseRun::new(config, compute, &dataset)?;
    let mut out = writer(out)?;
    let bar = progress(run.iterations(), "surprise", "iterations", label);
    while let Some(point) = pollster::block_on(run.step())? {
        bar.inc(1);
        bar.set_message(format!("1 vs 0: {:.3e}", point.dist_1_vs_0));
        if let Some(out) = out.as_mut() {
            out.write(&point)?;
        }
    }
    bar.finish_and_clear();
    Ok(run.report())
}

/// Runs the affected-batches scan; with `resume`, `out` holds the draws of a killed run of
/// the same settings, which are kept.
pub fn affected(
    config: AffectedConfig,
    out: Option<&Path>,
    resume: bool,
) -> Result<AffectedReport, Error> {
    config.validate()?;
    let (dataset, compute) = prepare(
        config.dataset,
        &config.data,
        config.precision,
        config.device,
    )?;
    let label = format!("{} {}", config.precision, compute.describe());
    let mut run = AffectedRun::new(config, compute, &dataset)?;
    let mut out = match (out, resume) {
        (Some(path), true) => {
            let (done, writer) = reopen(path, "affected")?;
            eprintln!("relu0: resuming after {} finished draws", done.len());
            run.resume_from(done)?;
            Some(writer)
        }
        (out, _) => writer(out)?,
    };
    let bar = progress(
        run.records().len() + run.remaining(),
        "affected",
        "draws",
        label,
    );
    bar.set_position(run.records().len() as u64);
    while let Some(record) = pollster::block_on(run.step())? {
        bar.inc(1);
        if let Some(out) = out.as_mut() {
            out.write(&record)?;
        }
    }
    bar.finish_and_clear();
    Ok(run.report())
}

/// Runs the cross-section; `out` receives the grid as CSV.
pub fn section(config: SectionConfig, out: Option<&Path>) -> Result<SectionReport, Error> {
    config.validate()?;
    let (dataset, compute) = prepare(
        config.dataset,
        &config.data,
        config.precision,
        config.device,
    )?;
    eprintln!(
        "relu0: searching for an exact first-layer zero ({} {})",
        config.precision,
        compute.describe()
    );
    let report = pollster::block_on(crate::experiment::section::run(config, compute, &dataset))?;
    if let Some(path) = out {
        std::fs::write(path, report.csv())
            .map_err(|e| Error::Output(format!("{}: cannot write: {e}", path.display())))?;
    }
    Ok(report)
}

/// Runs a training sweep; progress lines per epoch go to stderr. With `resume`, `out` holds
/// the epochs of a killed sweep of the same settings: finished runs are kept, the cut one is
/// trained again from its start.
pub fn train(config: TrainConfig, out: Option<&Path>, resume: bool) -> Result<TrainReport, Error> {
    config.validate()?;
    let (dataset, compute) = prepare(
        config.dataset,
        &config.data,
        config.precision,
        config.device,
    )?;
    let label = format!("{} {}", config.precision, compute.describe());
    let epochs = config.epochs;
    let alphas = config.alphas.clone();
    let mut run = TrainRun::new(config, compute, &dataset)?;
    let mut out = match (out, resume) {
        (Some(path), true) => {
            let (done, mut writer) =
                reopen::<crate::experiment::train::EpochRecord>(path, "train")?;
            let kept = run.resume_from(&done)?;
            writer.keep_first(kept)?;
            eprintln!(
                "relu0: resuming after {} finished runs ({} epoch records kept, {} redone)",
                run.runs().len(),
                kept,
                done.len() - kept
            );
            Some(writer)
        }
        (out, _) => writer(out)?,
    };
    let bar = progress(run.total_batches(), "train", "batches", label);
    // Resumed runs count as done.
    bar.set_position((run.runs().len() * epochs * run.batches_per_epoch()) as u64);
    while let Some(event) = pollster::block_on(run.step())? {
        match event {
            TrainEvent::Batch {
                run: index, epoch, ..
            } => {
                bar.inc(1);
                bar.set_message(format!("a={} epoch {epoch}", alphas[index]));
            }
            TrainEvent::Epoch(record) => {
                if record.diverged {
                    let left = run.batches_per_epoch() * (epochs - record.epoch);
                    bar.inc(left as u64);
                }
                let line = format!(
                    "a={} epoch {}: train loss {:.4}, test accuracy {:.2}%{}",
                    record.alpha,
                    record.epoch,
                    record.train_loss,
                    100.0 * record.test_accuracy,
                    if record.diverged { " (diverged)" } else { "" }
                );
                // Logs (a batch job's stderr) get the epoch lines too.
                if bar.is_hidden() {
                    eprintln!("relu0: {line}");
                } else {
                    bar.println(line);
                }
                if let Some(out) = out.as_mut() {
                    out.write(&record)?;
                }
            }
            TrainEvent::Run(_) => {}
        }
    }
    bar.finish_and_clear();
    Ok(run.report())
}

/// Runs the zero-rate grid.
pub fn zeros(config: ZerosConfig, out: Option<&Path>) -> Result<ZerosReport, Error> {
    config.validate()?;
    let (dataset, compute) = prepare(
        config.dataset,
        &config.data,
        config.precision,
        config.device,
    )?;
    let label = format!("{} {}", config.precision, compute.describe());
    let mut run = ZerosRun::new(config, compute, &dataset)?;
    let mut out = writer(out)?;
    let bar = progress(run.total_batches(), "zeros", "batches", label);
    while let Some(event) = pollster::block_on(run.step())? {
        match event {
            ZerosEvent::Batch { .. } => bar.inc(1),
            ZerosEvent::Point(record) => {
                if let Some(out) = out.as_mut() {
                    out.write(&record)?;
                }
            }
        }
    }
    bar.finish_and_clear();
    Ok(run.report())
}
