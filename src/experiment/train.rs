//! Experiment 7: training with ReLU'(0)=a. Every value of a starts from the same initialisation
//! and sees the same batches in the same order (a seeded shuffle per epoch, and for CIFAR-10
//! the same seeded augmentation); optimisers are burn's (SGD with momentum and weight decay, or
//! Adam), the learning rate constant or cosine-annealed per iteration. Each epoch reports the
//! mean training loss, the test accuracy (batch norm in evaluation mode) and whether the run
//! diverged. With `census`, each epoch also counts the exact zeros in every ReLU input
//! (experiment 6, see `zeros`).

use super::Shard;
use crate::backend::{Compute, DeviceChoice, Precision};
use crate::data::cifar::Augmenter;
use crate::data::{DataSource, Dataset, DatasetKind, Split};
use crate::error::Error;
use crate::model::mlp::{MlpConfig, cross_entropy};
use crate::model::{ModelKind, Network, NetworkConfig, Relu0};
use crate::ops::{Alpha, Semantics};
use burn::module::Module;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::tensor::{DType, Device, FloatDType, Int, Tensor, TensorData};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use web_time::Instant;

/// Which optimiser.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerKind {
    /// SGD with optional momentum and weight decay (PyTorch's: no dampening).
    #[default]
    Sgd,
    /// Adam (β = 0.9, 0.999; ε = 1e-8) with optional L2 weight decay.
    Adam,
}

impl std::str::FromStr for OptimizerKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sgd" => Ok(OptimizerKind::Sgd),
            "adam" => Ok(OptimizerKind::Adam),
            other => Err(format!(
                "unknown optimizer '{other}' (expected sgd or adam)"
            )),
        }
    }
}

/// Learning-rate schedule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Schedule {
    /// The same rate throughout.
    Constant,
    /// lr·½(1 + cos(π t/T)) at iteration t of T.
    #[default]
    Cosine,
}

impl std::str::FromStr for Schedule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "constant" => Ok(Schedule::Constant),
            "cosine" => Ok(Schedule::Cosine),
            other => Err(format!(
                "unknown schedule '{other}' (expected cosine or constant)"
            )),
        }
    }
}

/// Settings of a training sweep over values of ReLU'(0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// Precision of every tensor (parameters, data, loss, backward, update).
    pub precision: Precision,
    /// Where to run.
    pub device: DeviceChoice,
    /// The values of ReLU'(0), one training run each.
    pub alphas: Vec<f64>,
    /// Backward semantics of ReLU'(0).
    pub semantics: Semantics,
    /// Architecture.
    pub model: ModelKind,
    /// Batch norm before every ReLU.
    pub batch_norm: bool,
    /// MLP hidden layers.
    pub layers: usize,
    /// MLP hidden width.
    pub width: usize,
    /// Optimiser.
    pub optimizer: OptimizerKind,
    /// Base learning rate.
    pub lr: f64,
    /// SGD momentum (0: none).
    pub momentum: f64,
    /// L2 weight decay (0: none).
    pub weight_decay: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Passes over the training set.
    pub epochs: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// Data set.
    pub dataset: DatasetKind,
    /// Where the data set comes from.
    pub data: DataSource,
    /// Seed of the initialisation, the batch order and the augmentation.
    pub seed: u64,
    /// Run only this shard's values of a (run i is `alphas[i]`).
    pub shard: Option<Shard>,
    /// At most this many batches per epoch (default: every full batch).
    pub max_batches: Option<usize>,
    /// Random crop and flip on CIFAR-10 training images.
    pub augment: bool,
    /// Count exact zeros in every ReLU input.
    pub census: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            precision: Precision::F32,
            device: DeviceChoice::Auto,
            alphas: vec![0.0, 1.0],
            semantics: Semantics::Multiply,
            model: ModelKind::Mlp,
            batch_norm: false,
            layers: 3,
            width: 256,
            optimizer: OptimizerKind::Sgd,
            lr: 0.01,
            momentum: 0.9,
            weight_decay: 5e-4,
            schedule: Schedule::Cosine,
            epochs: 1,
            batch: 128,
            dataset: DatasetKind::Mnist,
            data: DataSource::Embedded,
            seed: 0,
            shard: None,
            max_batches: None,
            augment: true,
            census: false,
        }
    }
}

impl TrainConfig {
    /// Checks the settings that do not depend on the machine or the data.
    pub fn validate(&self) -> Result<(), Error> {
        super::require_positive(&[
            ("--epochs", self.epochs),
            ("--batch", self.batch),
            ("--layers", self.layers),
            ("--width", self.width),
        ])?;
        if self.alphas.is_empty() {
            return Err(Error::Config("--alphas needs at least one value".into()));
        }
        for &a in &self.alphas {
            Alpha::for_dtype(a, self.precision.dtype())?;
        }
        if self.max_batches == Some(0) {
            return Err(Error::Config(
                "--max-batches must be at least 1, got 0".into(),
            ));
        }
        let finite_non_negative = |flag: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(Error::Config(format!(
                    "{flag} must be a finite number >= 0, got {v}"
                )))
            }
        };
        finite_non_negative("--lr", self.lr)?;
        finite_non_negative("--momentum", self.momentum)?;
        finite_non_negative("--weight-decay", self.weight_decay)?;
        if self.momentum >= 1.0 {
            return Err(Error::Config(format!(
                "--momentum must be below 1, got {}",
                self.momentum
            )));
        }
        Ok(())
    }

    /// The architecture trained.
    pub fn network(&self) -> NetworkConfig {
        NetworkConfig {
            kind: self.model,
            batch_norm: self.batch_norm,
            mlp: MlpConfig::mnist(self.width, self.layers),
        }
    }

    /// The run indices (into `alphas`) this process trains.
    pub fn run_indices(&self) -> Vec<usize> {
        (0..self.alphas.len())
            .filter(|&i| self.shard.is_none_or(|s| s.owns(i)))
            .collect()
    }

    /// The optimiser these settings describe (burn's SGD or Adam).
    pub fn optimizer(&self) -> ModuleOptimizer {
        let decay = (self.weight_decay > 0.0).then_some(WeightDecayConfig {
            penalty: self.weight_decay as f32,
        });
        match self.optimizer {
            OptimizerKind::Sgd => {
                let momentum = (self.momentum > 0.0).then_some(MomentumConfig {
                    momentum: self.momentum,
                    dampening: 0.0,
                    nesterov: false,
                });
                SgdConfig::new()
                    .with_momentum(momentum)
                    .with_weight_decay(decay)
                    .init()
            }
            OptimizerKind::Adam => AdamConfig::new()
                .with_epsilon(1e-8)
                .with_weight_decay(decay)
                .init(),
        }
    }

    /// The learning rate at iteration `t` of `total`.
    pub fn learning_rate(&self, t: usize, total: usize) -> f64 {
        match self.schedule {
            Schedule::Constant => self.lr,
            Schedule::Cosine => {
                let progress = t as f64 / total.max(1) as f64;
                self.lr * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
            }
        }
    }
}

/// One epoch of one run; one JSONL line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Run index (position of a in `alphas`).
    pub run: usize,
    /// ReLU'(0).
    pub alpha: f64,
    /// Epoch, from 1.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches (NaN or inf once diverged).
    pub train_loss: f64,
    /// Test accuracy at the end of the epoch (evaluation mode).
    pub test_accuracy: f64,
    /// Whether the loss stopped being finite (the run stops there).
    pub diverged: bool,
    /// Learning rate of the epoch's last iteration.
    pub lr: f64,
    /// Batches trained this epoch.
    pub batches: usize,
    /// With census: exact zeros per ReLU layer during the epoch.
    pub zeros_per_layer: Option<Vec<u64>>,
    /// With census: ReLU evaluations (inputs seen) per layer during the epoch.
    pub evaluations_per_layer: Option<Vec<u64>>,
    /// Wall time of the epoch (training and evaluation).
    #[serde(default)]
    pub elapsed_s: f64,
}

/// The end of one value of a.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Run index.
    pub run: usize,
    /// ReLU'(0).
    pub alpha: f64,
    /// Epochs completed.
    pub epochs: usize,
    /// Last test accuracy.
    pub final_test_accuracy: f64,
    /// Last mean training loss.
    pub final_train_loss: f64,
    /// Whether it diverged.
    pub diverged: bool,
    /// Exact zeros per ReLU layer over all epochs (census only).
    pub zeros_per_layer: Option<Vec<u64>>,
    /// ReLU evaluations per layer over all epochs (census only).
    pub evaluations_per_layer: Option<Vec<u64>>,
}

/// What a step produced.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainEvent {
    /// One training batch.
    Batch {
        /// Run index.
        run: usize,
        /// Epoch, from 1.
        epoch: usize,
        /// Batch within the epoch, from 0.
        batch: usize,
    },
    /// An epoch ended (after the test evaluation).
    Epoch(EpochRecord),
    /// A run ended.
    Run(RunSummary),
}

/// The `--json` summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    /// Always "train".
    pub experiment: String,
    /// Precision.
    pub precision: Precision,
    /// "gpu" or "cpu".
    pub device: String,
    /// The adapter, on GPU.
    pub adapter: Option<String>,
    /// One summary per value of a trained here, in run order.
    pub runs: Vec<RunSummary>,
    /// Training samples.
    pub train_samples: usize,
    /// Test samples.
    pub test_samples: usize,
    /// Batches per epoch.
    pub batches_per_epoch: usize,
    /// Wall time.
    #[serde(default)]
    pub elapsed_s: f64,
    /// The settings.
    pub config: TrainConfig,
}

/// The run being trained.
struct RunState {
    index: usize,
    alpha: Alpha,
    model: Option<Network>,
    optimizer: ModuleOptimizer,
    epoch: usize,
    next_batch: usize,
    order: Vec<usize>,
    augmenter: Augmenter,
    loss_sum: Option<Tensor<1>>,
    zero_sum: Option<Tensor<1, Int>>,
    evaluations: Vec<u64>,
    lr: f64,
    epoch_started: Instant,
    epochs: Vec<EpochRecord>,
    totals: Option<(Vec<u64>, Vec<u64>)>,
}

/// A training sweep in progress.
pub struct TrainRun {
    config: TrainConfig,
    compute: Compute,
    autodiff: Device,
    network: NetworkConfig,
    train: Split,
    test: Split,
    batches: usize,
    pending: std::collections::VecDeque<usize>,
    current: Option<RunState>,
    runs: Vec<RunSummary>,
    pending_summary: Option<RunSummary>,
    started: Instant,
}

impl TrainRun {
    /// Prepares the sweep on `compute`.
    pub fn new(config: TrainConfig, compute: Compute, dataset: &Dataset) -> Result<Self, Error> {
        config.validate()?;
        let network = config.network();
        network.check_input(&dataset.train)?;
        network.check_fits(config.batch, &compute)?;
        let full = dataset.train.full_batches(config.batch);
        if full == 0 {
            return Err(Error::Config(format!(
                "--batch {} is larger than the training set ({} samples)",
                config.batch,
                dataset.train.len()
            )));
        }
        if dataset.test.is_empty() {
            return Err(Error::Config("the test split holds no samples".into()));
        }
        let batches = config.max_batches.map_or(full, |m| m.min(full));
        let autodiff = compute.device.clone().autodiff();
        Ok(TrainRun {
            pending: config.run_indices().into(),
            network,
            train: dataset.train.clone(),
            test: dataset.test.clone(),
            batches,
            config,
            compute,
            autodiff,
            current: None,
            runs: Vec::new(),
            pending_summary: None,
            started: Instant::now(),
        })
    }

    /// Continues a killed sweep from the epoch records a previous run of the same settings
    /// wrote, in file order. Runs whose every epoch (or whose divergence) is recorded are kept
    /// and not trained again; the run the kill cut short is trained again from its first
    /// epoch (training is deterministic, so its records come out the same). Returns how many
    /// leading records to keep in the file. Records that do not fit this sweep are an error.
    pub fn resume_from(&mut self, done: &[EpochRecord]) -> Result<usize, Error> {
        let alphas = &self.config.alphas;
        let mut kept = 0;
        let mut at = 0;
        while at < done.len() {
            let index = done[at].run;
            let Some(position) = self.pending.iter().position(|&r| r == index) else {
                return Err(Error::Config(format!(
                    "run {index} in the resumed file is not one of this sweep's runs (or appears twice)"
                )));
            };
            let alpha = alphas[index];
            let mut epochs = Vec::new();
            while at < done.len() && done[at].run == index {
                let record = &done[at];
                if record.alpha != alpha || record.epoch != epochs.len() + 1 {
                    return Err(Error::Config(format!(
                        "record {} of the resumed file (run {index}, a = {}, epoch {}) does not                          follow this sweep (a = {alpha}, epoch {})",
                        at + 1,
                        record.alpha,
                        record.epoch,
                        epochs.len() + 1
                    )));
                }
                epochs.push(record.clone());
                at += 1;
            }
            let last = epochs.last().expect("at least one record per run");
            let complete = last.diverged || last.epoch == self.config.epochs;
            if !complete {
                if at < done.len() {
                    return Err(Error::Config(format!(
                        "run {index} in the resumed file stops at epoch {} but later runs follow",
                        last.epoch
                    )));
                }
                break;
            }
            let totals = |pick: fn(&EpochRecord) -> Option<&Vec<u64>>| {
                epochs
                    .iter()
                    .map(pick)
                    .try_fold(Vec::<u64>::new(), |mut sum, v| {
                        let v = v?;
                        sum.resize(v.len().max(sum.len()), 0);
                        sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
                        Some(sum)
                    })
            };
            self.runs.push(RunSummary {
                run: index,
                alpha,
                epochs: epochs.len(),
                final_test_accuracy: last.test_accuracy,
                final_train_loss: last.train_loss,
                diverged: last.diverged,
                zeros_per_layer: totals(|e| e.zeros_per_layer.as_ref()),
                evaluations_per_layer: totals(|e| e.evaluations_per_layer.as_ref()),
            });
            self.pending.remove(position);
            kept = at;
        }
        Ok(kept)
    }

    /// Batches per epoch.
    pub fn batches_per_epoch(&self) -> usize {
        self.batches
    }

    /// Runs this process will train.
    pub fn total_runs(&self) -> usize {
        self.runs.len() + self.pending.len() + usize::from(self.current.is_some())
    }

    /// Training batches of the whole sweep.
    pub fn total_batches(&self) -> usize {
        self.total_runs() * self.config.epochs * self.batches
    }

    /// Finished runs so far.
    pub fn runs(&self) -> &[RunSummary] {
        &self.runs
    }

    /// Does one batch (or one end-of-epoch evaluation) of work; `None` once every run is done.
    pub async fn step(&mut self) -> Result<Option<TrainEvent>, Error> {
        if let Some(summary) = self.pending_summary.take() {
            return Ok(Some(TrainEvent::Run(summary)));
        }
        if self.current.is_none() {
            let Some(index) = self.pending.pop_front() else {
                return Ok(None);
            };
            self.current = Some(self.start_run(index)?);
        }
        let state = self.current.as_mut().expect("a run is in progress");
        if state.next_batch < self.batches {
            let (run, epoch, batch) = (state.index, state.epoch, state.next_batch);
            self.train_batch()?;
            return Ok(Some(TrainEvent::Batch { run, epoch, batch }));
        }
        let record = self.end_epoch().await?;
        let state = self.current.as_mut().expect("a run is in progress");
        state.epochs.push(record.clone());
        if record.diverged || record.epoch == self.config.epochs {
            let state = self.current.take().expect("a run is in progress");
            let summary = RunSummary {
                run: state.index,
                alpha: state.alpha.value(),
                epochs: state.epochs.len(),
                final_test_accuracy: record.test_accuracy,
                final_train_loss: record.train_loss,
                diverged: record.diverged,
                zeros_per_layer: state.totals.as_ref().map(|t| t.0.clone()),
                evaluations_per_layer: state.totals.map(|t| t.1),
            };
            self.runs.push(summary.clone());
            // The run's epoch record goes out first; the summary follows on the next step.
            self.pending_summary = Some(summary);
        } else {
            self.start_epoch(record.epoch + 1);
        }
        Ok(Some(TrainEvent::Epoch(record)))
    }

    fn start_run(&self, index: usize) -> Result<RunState, Error> {
        let alpha = Alpha::for_dtype(self.config.alphas[index], self.config.precision.dtype())?;
        let model = Network::init(
            &self.network,
            self.config.seed,
            self.config.precision.dtype(),
            &self.autodiff,
        );
        let layers = self.network.relu_layers();
        let mut state = RunState {
            index,
            alpha,
            model: Some(model),
            optimizer: self.config.optimizer(),
            epoch: 1,
            next_batch: 0,
            order: Vec::new(),
            augmenter: Augmenter::new(0),
            loss_sum: None,
            zero_sum: None,
            evaluations: vec![0; layers],
            lr: self.config.lr,
            epoch_started: Instant::now(),
            epochs: Vec::new(),
            totals: self
                .config
                .census
                .then(|| (vec![0; layers], vec![0; layers])),
        };
        self.reset_epoch(&mut state, 1);
        Ok(state)
    }

    fn start_epoch(&mut self, epoch: usize) {
        let mut state = self.current.take().expect("a run is in progress");
        self.reset_epoch(&mut state, epoch);
        self.current = Some(state);
    }

    /// The epoch's batch order and augmentation stream: functions of the seed and the epoch
    /// only, so every value of a sees the same batches.
    fn reset_epoch(&self, state: &mut RunState, epoch: usize) {
        let epoch_seed = self
            .config
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(epoch as u64);
        let mut order: Vec<usize> = (0..self.train.len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(epoch_seed));
        state.order = order;
        state.augmenter = Augmenter::new(epoch_seed ^ 0x5EED);
        state.epoch = epoch;
        state.next_batch = 0;
        state.loss_sum = None;
        state.zero_sum = None;
        state.evaluations.iter_mut().for_each(|e| *e = 0);
        state.epoch_started = Instant::now();
    }

    fn accumulation(&self) -> FloatDType {
        match self.config.precision {
            Precision::F64 => FloatDType::F64,
            _ => FloatDType::F32,
        }
    }

    /// Batch `index` of the current epoch's order, augmented (CIFAR-10) and uploaded.
    fn upload_batch(&mut self) -> (Tensor<2>, Tensor<1, Int>) {
        let state = self.current.as_mut().expect("a run is in progress");
        let size = self.config.batch;
        let indices = &state.order[state.next_batch * size..(state.next_batch + 1) * size];
        let augment = self.config.augment && self.train.channels == 3;
        let mut pixels = Vec::with_capacity(size * self.train.pixels);
        let mut labels = Vec::with_capacity(size);
        for &i in indices {
            let image = self.train.image(i);
            if augment {
                let augmented = state.augmenter.apply(image);
                self.train.normalize_into(&augmented, &mut pixels);
            } else {
                self.train.normalize_into(image, &mut pixels);
            }
            labels.push(i64::from(self.train.labels[i]));
        }
        upload(
            pixels,
            labels,
            self.train.pixels,
            self.config.precision.dtype(),
            &self.autodiff,
        )
    }

    fn train_batch(&mut self) -> Result<(), Error> {
        let (images, labels) = self.upload_batch();
        let accumulate = self.accumulation();
        let total = self.config.epochs * self.batches;
        let config = &self.config;
        let state = self.current.as_mut().expect("a run is in progress");
        let t = (state.epoch - 1) * self.batches + state.next_batch;
        let lr = config.learning_rate(t, total);
        let model = state.model.take().expect("the model is present");
        let relu = Relu0::new(state.alpha, config.semantics);
        let pass = model.forward(images, relu, config.census, true);
        let loss = cross_entropy(pass.logits, labels);
        let loss_value = loss.clone().detach().without_autodiff().cast(accumulate);
        state.loss_sum = Some(match state.loss_sum.take() {
            Some(sum) => sum + loss_value,
            None => loss_value,
        });
        for (total, &size) in state.evaluations.iter_mut().zip(&pass.sizes) {
            *total += size as u64;
        }
        if config.census && !pass.zeros.is_empty() {
            let counts = Tensor::cat(pass.zeros, 0).without_autodiff();
            state.zero_sum = Some(match state.zero_sum.take() {
                Some(sum) => sum + counts,
                None => counts,
            });
        }
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        state.model = Some(state.optimizer.step(lr, model, grads));
        state.lr = lr;
        state.next_batch += 1;
        Ok(())
    }

    async fn end_epoch(&mut self) -> Result<EpochRecord, Error> {
        let accuracy = self.test_accuracy().await?;
        let batches = self.batches;
        let state = self.current.as_mut().expect("a run is in progress");
        let loss_sum = state
            .loss_sum
            .take()
            .ok_or_else(|| Error::Device("an epoch without batches".into()))?;
        let loss = super::to_f64(loss_sum.into_data_async().await?)?[0] / batches as f64;
        let (zeros, evaluations) = if let Some(totals) = state.totals.as_mut() {
            let zeros = match state.zero_sum.take() {
                Some(sum) => sum
                    .into_data_async()
                    .await?
                    .iter::<i64>()
                    .map(|v| u64::try_from(v).unwrap_or(0))
                    .collect(),
                None => vec![0; totals.0.len()],
            };
            let evaluations = state.evaluations.clone();
            for (total, z) in totals.0.iter_mut().zip(&zeros) {
                *total += z;
            }
            for (total, e) in totals.1.iter_mut().zip(&evaluations) {
                *total += e;
            }
            (Some(zeros), Some(evaluations))
        } else {
            (None, None)
        };
        Ok(EpochRecord {
            run: state.index,
            alpha: state.alpha.value(),
            epoch: state.epoch,
            train_loss: loss,
            test_accuracy: accuracy,
            diverged: !loss.is_finite(),
            lr: state.lr,
            batches,
            zeros_per_layer: zeros,
            evaluations_per_layer: evaluations,
            elapsed_s: state.epoch_started.elapsed().as_secs_f64(),
        })
    }

    /// Share of test images classified correctly, batch norm on running statistics.
    async fn test_accuracy(&mut self) -> Result<f64, Error> {
        let state = self.current.as_ref().expect("a run is in progress");
        let model = state.model.as_ref().expect("the model is present").valid();
        let relu = Relu0::new(state.alpha, self.config.semantics);
        let chunk = 500;
        let mut correct: Option<Tensor<1, Int>> = None;
        let mut start = 0;
        while start < self.test.len() {
            let (pixels, labels) = self.test.batch(start, chunk);
            let labels: Vec<i64> = labels.into_iter().map(i64::from).collect();
            let (images, labels) = upload(
                pixels,
                labels,
                self.test.pixels,
                self.config.precision.dtype(),
                &self.compute.device,
            );
            let predicted = model.forward(images, relu, false, true).logits.argmax(1);
            let hits = predicted.flatten::<1>(0, 1).equal(labels).int().sum();
            correct = Some(match correct {
                Some(sum) => sum + hits,
                None => hits,
            });
            start += chunk;
        }
        let correct = correct.expect("the test split is not empty");
        let hits = correct
            .into_data_async()
            .await?
            .iter::<i64>()
            .next()
            .unwrap_or(0);
        Ok(hits as f64 / self.test.len() as f64)
    }

    /// The summary of the runs finished so far.
    pub fn report(&self) -> TrainReport {
        let mut runs = self.runs.clone();
        runs.sort_by_key(|r| r.run);
        TrainReport {
            experiment: "train".into(),
            precision: self.config.precision,
            device: self.compute.kind.name().into(),
            adapter: self.compute.adapter.as_ref().map(|a| a.name.clone()),
            runs,
            train_samples: self.train.len(),
            test_samples: self.test.len(),
            batches_per_epoch: self.batches,
            elapsed_s: self.started.elapsed().as_secs_f64(),
            config: self.config.clone(),
        }
    }
}

/// Host pixels and labels as device tensors in `dtype`.
fn upload(
    pixels: Vec<f32>,
    labels: Vec<i64>,
    width: usize,
    dtype: DType,
    device: &Device,
) -> (Tensor<2>, Tensor<1, Int>) {
    let rows = labels.len();
    let images = TensorData::new(pixels, [rows, width]).convert_dtype(dtype);
    (
        Tensor::from_data(images, (device, dtype)),
        Tensor::from_data(TensorData::new(labels, [rows]), device),
    )
}
