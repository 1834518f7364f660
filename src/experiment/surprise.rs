//! Experiment 2, the surprise (paper Fig. 1): three copies of one network, ReLU'(0) = 1, 0
//! and 0, trained in lockstep with plain SGD on the same mini-batches. Per iteration: the L1
//! distance between the parameters of copy "1" and copy "0", the same between the two "0"
//! copies (the determinism control, which must stay exactly 0), and min |z| over the
//! first-layer pre-activations of copy "0".

use super::batches::{Batch, BatchCache};
use super::to_f64;
use crate::backend::{Compute, DeviceChoice, Precision};
use crate::data::{DataSource, Dataset, DatasetKind};
use crate::error::Error;
use crate::model::Relu0;
use crate::model::mlp::{Mlp, cross_entropy};
use crate::ops::{Alpha, Semantics};
use burn::tensor::{FloatDType, Tensor};
use serde::{Deserialize, Serialize};
use web_time::Instant;

/// Settings of the surprise experiment. Defaults follow the paper: MLP 784-2000-128-10,
/// batch 128, plain SGD with learning rate 0.01, 100 iterations, fixed batch order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SurpriseConfig {
    /// Precision of every tensor.
    pub precision: Precision,
    /// Where to run.
    pub device: DeviceChoice,
    /// Hidden widths, first to last.
    pub hidden: Vec<usize>,
    /// Mini-batch size.
    pub batch: usize,
    /// SGD learning rate.
    pub lr: f64,
    /// Iterations (one mini-batch each, cycling through the training set in order).
    pub iterations: usize,
    /// Initialisation seed (the three copies share it).
    pub seed: u64,
    /// Backward semantics of ReLU'(0).
    pub semantics: Semantics,
    /// Data set.
    pub dataset: DatasetKind,
    /// Where the data set comes from.
    pub data: DataSource,
}

impl Default for SurpriseConfig {
    fn default() -> Self {
        SurpriseConfig {
            precision: Precision::F32,
            device: DeviceChoice::Auto,
            hidden: vec![2000, 128],
            batch: 128,
            lr: 0.01,
            iterations: 100,
            seed: 0,
            semantics: Semantics::Multiply,
            dataset: DatasetKind::Mnist,
            data: DataSource::Embedded,
        }
    }
}

impl SurpriseConfig {
    /// Checks the settings that do not depend on the machine or the data.
    pub fn validate(&self) -> Result<(), Error> {
        if self.hidden.is_empty() || self.hidden.contains(&0) {
            return Err(Error::Config(format!(
                "--hidden needs at least one width, each at least 1, got {:?}",
                self.hidden
            )));
        }
        super::require_positive(&[("--batch", self.batch), ("--iterations", self.iterations)])?;
        if !self.lr.is_finite() || self.lr <= 0.0 {
            return Err(Error::Config(format!(
                "--lr must be a finite positive number, got {}",
                self.lr
            )));
        }
        Ok(())
    }
}

/// One iteration's measurements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurprisePoint {
    /// Iteration, from 1.
    pub iteration: usize,
    /// Σ |θ(a=1) − θ(a=0)| after the update.
    pub dist_1_vs_0: f64,
    /// Σ |θ(a=0) − θ'(a=0)| after the update: must stay exactly 0.
    pub dist_0_vs_0: f64,
    /// min |z| over the first layer's pre-activations of copy "0" on this batch.
    pub min_abs_z: f64,
}

/// The `--json` summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurpriseReport {
    /// Always "surprise".
    pub experiment: String,
    /// Precision.
    pub precision: Precision,
    /// "gpu" or "cpu".
    pub device: String,
    /// The adapter, on GPU.
    pub adapter: Option<String>,
    /// First iteration after which "1 vs 0" is non-zero (null: never).
    pub departure_iteration: Option<usize>,
    /// One value per iteration.
    pub dist_1_vs_0: Vec<f64>,
    /// One value per iteration (all 0 when the back end is deterministic).
    pub dist_0_vs_0: Vec<f64>,
    /// One value per iteration.
    pub min_abs_z: Vec<f64>,
    /// Wall time.
    #[serde(default)]
    pub elapsed_s: f64,
    /// The settings.
    pub config: SurpriseConfig,
}

/// The surprise experiment in progress.
pub struct SurpriseRun {
    config: SurpriseConfig,
    compute: Compute,
    batches: BatchCache,
    one: Mlp,
    zero: Mlp,
    zero_control: Mlp,
    points: Vec<SurprisePoint>,
    started: Instant,
}

impl SurpriseRun {
    /// Prepares the three copies on `compute`, drawn from `config.seed`.
    pub fn new(config: SurpriseConfig, compute: Compute, dataset: &Dataset) -> Result<Self, Error> {
        config.validate()?;
        let device = compute.device.clone().autodiff();
        let model = Mlp::init_widths(
            dataset.train.pixels,
            &config.hidden,
            10,
            config.seed,
            config.precision.dtype(),
            &device,
        );
        Self::from_model(config, compute, dataset, model)
    }

    /// Prepares three copies of `model` (its parameters on `compute`'s device with autodiff,
    /// in the config's precision), e.g. one with hand-set weights.
    pub fn from_model(
        config: SurpriseConfig,
        compute: Compute,
        dataset: &Dataset,
        model: Mlp,
    ) -> Result<Self, Error> {
        config.validate()?;
        let batches = BatchCache::new(
            &dataset.train,
            config.batch,
            None,
            config.precision.dtype(),
            &compute.device,
        )?;
        Ok(SurpriseRun {
            one: model.clone(),
            zero: model.clone(),
            zero_control: model,
            batches,
            points: Vec::with_capacity(config.iterations),
            config,
            compute,
            started: Instant::now(),
        })
    }

    /// Iterations to run.
    pub fn iterations(&self) -> usize {
        self.config.iterations
    }

    /// Does one SGD iteration on all three copies; `None` once all are done.
    pub async fn step(&mut self) -> Result<Option<SurprisePoint>, Error> {
        let iteration = self.points.len();
        if iteration >= self.config.iterations {
            return Ok(None);
        }
        let batch = self.batches.get(iteration % self.batches.len());
        let semantics = self.config.semantics;
        let lr = self.config.lr;
        let relu = |a| Relu0::new(a, semantics);
        let one = sgd_step(&self.one, &batch, relu(Alpha::ONE), lr)?;
        let (zero, min_abs_z) = sgd_step_with_min_z(&self.zero, &batch, relu(Alpha::ZERO), lr)?;
        let control = sgd_step(&self.zero_control, &batch, relu(Alpha::ZERO), lr)?;
        let accumulate = accumulation_dtype(self.config.precision);
        let d10 = l1_distance(&one, &zero, accumulate);
        let d00 = l1_distance(&zero, &control, accumulate);
        let min_abs_z = min_abs_z.cast(accumulate);
        let values = to_f64(
            Tensor::cat(vec![d10, d00, min_abs_z], 0)
                .into_data_async()
                .await?,
        )?;
        self.one = one;
        self.zero = zero;
        self.zero_control = control;
        let point = SurprisePoint {
            iteration: iteration + 1,
            dist_1_vs_0: values[0],
            dist_0_vs_0: values[1],
            min_abs_z: values[2],
        };
        self.points.push(point.clone());
        Ok(Some(point))
    }

    /// The summary of the iterations so far.
    pub fn report(&self) -> SurpriseReport {
        SurpriseReport {
            experiment: "surprise".into(),
            precision: self.config.precision,
            device: self.compute.kind.name().into(),
            adapter: self.compute.adapter.as_ref().map(|a| a.name.clone()),
            departure_iteration: self
                .points
                .iter()
                .find(|p| p.dist_1_vs_0 != 0.0)
                .map(|p| p.iteration),
            dist_1_vs_0: self.points.iter().map(|p| p.dist_1_vs_0).collect(),
            dist_0_vs_0: self.points.iter().map(|p| p.dist_0_vs_0).collect(),
            min_abs_z: self.points.iter().map(|p| p.min_abs_z).collect(),
            elapsed_s: self.started.elapsed().as_secs_f64(),
            config: self.config.clone(),
        }
    }
}

fn sgd_step(model: &Mlp, batch: &Batch, relu: Relu0, lr: f64) -> Result<Mlp, Error> {
    Ok(sgd_step_with_min_z(model, batch, relu, lr)?.0)
}

/// One plain SGD step, θ ← θ − lr·g, in the run's precision; also min |z| of the first layer.
fn sgd_step_with_min_z(
    model: &Mlp,
    batch: &Batch,
    relu: Relu0,
    lr: f64,
) -> Result<(Mlp, Tensor<1>), Error> {
    let forward = model.forward(batch.images.clone().autodiff(), relu, true);
    let min_abs_z = forward.pre_activations[0]
        .clone()
        .without_autodiff()
        .abs()
        .min();
    let loss = cross_entropy(forward.logits, batch.labels.clone());
    let grads = loss.backward();
    let updated = model.sgd_update(&grads, lr).map_err(Error::Device)?;
    Ok((updated, min_abs_z))
}

/// Distances are summed in f64 for f64 runs and in f32 otherwise (an f16 sum would overflow,
/// and not every GPU has f64).
fn accumulation_dtype(precision: Precision) -> FloatDType {
    match precision {
        Precision::F64 => FloatDType::F64,
        _ => FloatDType::F32,
    }
}

/// Σ |a − b| over every parameter, as a one-element tensor of element type `dtype`.
fn l1_distance(a: &Mlp, b: &Mlp, dtype: FloatDType) -> Tensor<1> {
    let parts: Vec<Tensor<1>> = a
        .layers
        .iter()
        .zip(&b.layers)
        .flat_map(|(la, lb)| {
            let w = (la.weight.val() - lb.weight.val()).abs().cast(dtype).sum();
            let bias = (la.bias.val() - lb.bias.val()).abs().cast(dtype).sum();
            [w, bias]
        })
        .collect();
    Tensor::cat(parts, 0).sum().without_autodiff()
}
