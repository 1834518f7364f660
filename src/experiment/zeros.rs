//! Experiment 6: how often a ReLU input is exactly zero during training, per layer, over a grid
//! of MLP depths and widths (SGD lr 0.01, momentum 0.9, weight decay 5e-4, batch 256 in the
//! paper). Each grid point trains one network with ReLU'(0)=0 and counts exact zeros in every
//! ReLU input of every training forward pass.

use super::train::{OptimizerKind, RunSummary, Schedule, TrainConfig, TrainEvent, TrainRun};
use crate::backend::{Compute, DeviceChoice, Precision};
use crate::data::{DataSource, Dataset, DatasetKind};
use crate::error::Error;
use serde::{Deserialize, Serialize};
use web_time::Instant;

/// Settings of the zero-rate grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ZerosConfig {
    /// Precision of every tensor.
    pub precision: Precision,
    /// Where to run.
    pub device: DeviceChoice,
    /// Depths L of the grid.
    pub layers: Vec<usize>,
    /// Widths n of the grid.
    pub widths: Vec<usize>,
    /// Passes over the training set per grid point.
    pub epochs: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// SGD learning rate.
    pub lr: f64,
    /// SGD momentum.
    pub momentum: f64,
    /// L2 weight decay.
    pub weight_decay: f64,
    /// Data set.
    pub dataset: DatasetKind,
    /// Where the data set comes from.
    pub data: DataSource,
    /// Seed of the initialisation and the batch order.
    pub seed: u64,
    /// At most this many batches per epoch.
    pub max_batches: Option<usize>,
}

impl Default for ZerosConfig {
    fn default() -> Self {
        ZerosConfig {
            precision: Precision::F32,
            device: DeviceChoice::Auto,
            layers: vec![1, 3],
            widths: vec![64, 256],
            epochs: 1,
            batch: 256,
            lr: 0.01,
            momentum: 0.9,
            weight_decay: 5e-4,
            dataset: DatasetKind::Mnist,
            data: DataSource::Embedded,
            seed: 0,
            max_batches: None,
        }
    }
}

impl ZerosConfig {
    /// Checks the settings that do not depend on the machine or the data.
    pub fn validate(&self) -> Result<(), Error> {
        if self.layers.is_empty() || self.widths.is_empty() {
            return Err(Error::Config(
                "--layers and --widths need at least one value each".into(),
            ));
        }
        for (flag, values) in [("--layers", &self.layers), ("--widths", &self.widths)] {
            if values.contains(&0) {
                return Err(Error::Config(format!(
                    "{flag} values must be at least 1, got 0"
                )));
            }
        }
        self.train_config(self.layers[0], self.widths[0]).validate()
    }

    /// The (L, n) grid in order: depths outer, widths inner.
    pub fn grid(&self) -> Vec<(usize, usize)> {
        self.layers
            .iter()
            .flat_map(|&l| self.widths.iter().map(move |&n| (l, n)))
            .collect()
    }

    fn train_config(&self, layers: usize, width: usize) -> TrainConfig {
        TrainConfig {
            precision: self.precision,
            device: self.device,
            alphas: vec![0.0],
            layers,
            width,
            optimizer: OptimizerKind::Sgd,
            lr: self.lr,
            momentum: self.momentum,
            weight_decay: self.weight_decay,
            schedule: Schedule::Constant,
            epochs: self.epochs,
            batch: self.batch,
            dataset: self.dataset,
            data: self.data.clone(),
            seed: self.seed,
            max_batches: self.max_batches,
            census: true,
            ..TrainConfig::default()
        }
    }
}

/// One grid point; one JSONL line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZerosRecord {
    /// Grid index (depths outer, widths inner).
    pub draw: usize,
    /// Depth L.
    pub layers: usize,
    /// Width n.
    pub width: usize,
    /// Exact zeros per ReLU layer over training.
    pub zeros_per_layer: Vec<u64>,
    /// ReLU evaluations per layer over training.
    pub evaluations_per_layer: Vec<u64>,
    /// zeros / evaluations per layer.
    pub rate_per_layer: Vec<f64>,
    /// All zeros over all evaluations.
    pub rate: f64,
    /// Test accuracy at the end (a sanity check that the network trained).
    pub test_accuracy: f64,
    /// Wall time.
    #[serde(default)]
    pub elapsed_s: f64,
}

impl ZerosRecord {
    fn from_summary(
        draw: usize,
        (layers, width): (usize, usize),
        summary: &RunSummary,
        elapsed_s: f64,
    ) -> Self {
        let zeros = summary.zeros_per_layer.clone().unwrap_or_default();
        let evaluations = summary.evaluations_per_layer.clone().unwrap_or_default();
        let ratio = |z: u64, e: u64| if e == 0 { 0.0 } else { z as f64 / e as f64 };
        ZerosRecord {
            draw,
            layers,
            width,
            rate_per_layer: zeros
                .iter()
                .zip(&evaluations)
                .map(|(&z, &e)| ratio(z, e))
                .collect(),
            rate: ratio(zeros.iter().sum(), evaluations.iter().sum()),
            zeros_per_layer: zeros,
            evaluations_per_layer: evaluations,
            test_accuracy: summary.final_test_accuracy,
            elapsed_s,
        }
    }
}

/// What a step produced.
#[derive(Clone, Debug, PartialEq)]
pub enum ZerosEvent {
    /// A training batch of grid point `point`.
    Batch {
        /// Grid index.
        point: usize,
    },
    /// A grid point finished.
    Point(ZerosRecord),
}

/// The `--json` summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZerosReport {
    /// Always "zeros".
    pub experiment: String,
    /// Precision.
    pub precision: Precision,
    /// "gpu" or "cpu".
    pub device: String,
    /// One record per grid point.
    pub points: Vec<ZerosRecord>,
    /// Wall time.
    #[serde(default)]
    pub elapsed_s: f64,
    /// The settings.
    pub config: ZerosConfig,
}

/// The zero-rate grid in progress.
pub struct ZerosRun {
    config: ZerosConfig,
    compute: Compute,
    dataset: Dataset,
    grid: Vec<(usize, usize)>,
    current: Option<(TrainRun, Instant)>,
    points: Vec<ZerosRecord>,
    started: Instant,
}

impl ZerosRun {
    /// Prepares the grid on `compute`.
    pub fn new(config: ZerosConfig, compute: Compute, dataset: &Dataset) -> Result<Self, Error> {
        config.validate()?;
        Ok(ZerosRun {
            grid: config.grid(),
            config,
            compute,
            dataset: dataset.clone(),
            current: None,
            points: Vec::new(),
            started: Instant::now(),
        })
    }

    /// Training batches of the whole grid.
    pub fn total_batches(&self) -> usize {
        let per_epoch = self.dataset.train.full_batches(self.config.batch);
        let per_epoch = self
            .config
            .max_batches
            .map_or(per_epoch, |m| m.min(per_epoch));
        self.grid.len() * self.config.epochs * per_epoch
    }

    /// Does one batch of work; `None` once every grid point is done.
    pub async fn step(&mut self) -> Result<Option<ZerosEvent>, Error> {
        let point = self.points.len();
        if point >= self.grid.len() {
            return Ok(None);
        }
        if self.current.is_none() {
            let (layers, width) = self.grid[point];
            let config = self.config.train_config(layers, width);
            let run = TrainRun::new(config, self.compute.clone(), &self.dataset)?;
            self.current = Some((run, Instant::now()));
        }
        let (run, started) = self.current.as_mut().expect("a grid point is in progress");
        loop {
            match run.step().await? {
                Some(TrainEvent::Batch { .. }) => return Ok(Some(ZerosEvent::Batch { point })),
                Some(TrainEvent::Epoch(_)) => continue,
                Some(TrainEvent::Run(summary)) => {
                    let record = ZerosRecord::from_summary(
                        point,
                        self.grid[point],
                        &summary,
                        started.elapsed().as_secs_f64(),
                    );
                    self.points.push(record.clone());
                    self.current = None;
                    return Ok(Some(ZerosEvent::Point(record)));
                }
                None => {
                    return Err(Error::Device(
                        "a training run ended without its summary".into(),
                    ));
                }
            }
        }
    }

    /// The summary of the grid points finished so far.
    pub fn report(&self) -> ZerosReport {
        ZerosReport {
            experiment: "zeros".into(),
            precision: self.config.precision,
            device: self.compute.kind.name().into(),
            points: self.points.clone(),
            elapsed_s: self.started.elapsed().as_secs_f64(),
            config: self.config.clone(),
        }
    }
}
