//! Experiment 1, the headline: the volume of the bifurcation zone S01 against precision.
//!
//! For each of R draws (a fresh PyTorch-default initialisation from `seed + draw`), walk the
//! training set in fixed order at fixed θ. The draw is in S01 at the first mini-batch whose
//! first-layer weight gradients (or all gradients, `compare = all`) differ bitwise between
//! ReLU'(0)=0 and ReLU'(0)=1.
//!
//! The one-forward shortcut: only an exact zero in some ReLU's input can make the twins differ,
//! so each batch runs one forward pass without a graph and counts exact zeros per layer; the
//! two backward passes run only when there is one, and their gradients are compared bit for
//! bit where they lie ([`differing_words`]: one count read back). `verify` runs them on every
//! batch, checks that gradients never differ on a batch without a zero, and repeats the
//! ReLU'(0)=0 pass as the 0-vs-0 determinism control.
//!
//! Draws side by side (on a GPU): up to [`DRAWS_PER_DISPATCH`] MLP draws run at once, their
//! censuses one batched forward pass ([`StackedMlp`]); every draw's census is read back 1, 2,
//! 4 … [`CENSUS_LOOKAHEAD`] batches at a time; records are those of one draw at a time, in
//! draw order.
//!
//! `model = vgg11 | resnet18` scans the paper's convolutional networks on CIFAR-10 (experiment
//! 5, usually with `max_batches = k`): the census then runs through the training-mode forward
//! pass (batch norm on batch statistics), exactly the values the twins see.

use super::Shard;
use super::batches::{Batch, BatchCache};
use super::inspect::{ZeroInspection, inspect};
use super::stats::wilson95;
pub use super::twins::Compare;
use super::twins::{network_gradient, read_counts};
use crate::backend::{Compute, DeviceChoice, DeviceKind, Precision};
use crate::data::{DataSource, Dataset, DatasetKind};
use crate::error::Error;
use crate::model::mlp::MlpConfig;
use crate::model::stacked::StackedMlp;
use crate::model::{Mlp, ModelKind, Network, NetworkConfig, Relu0};
use crate::ops::{Alpha, Semantics, differing_words};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use web_time::Instant;

/// Settings of a volume scan. Defaults follow the paper (3×256 MLP, batch 256, multiply,
/// first-layer comparison, embedded MNIST, 20 draws).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VolumeConfig {
    /// Precision of every tensor.
    pub precision: Precision,
    /// Where to run.
    pub device: DeviceChoice,
    /// Number of random initialisations R.
    pub draws: usize,
    /// Hidden layers L.
    pub layers: usize,
    /// Hidden width n.
    pub width: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// Backward semantics of ReLU'(0).
    pub semantics: Semantics,
    /// Which gradients are compared.
    pub compare: Compare,
    /// Data set.
    pub dataset: DatasetKind,
    /// Where the data set comes from.
    pub data: DataSource,
    /// Draw `i` is initialised from `seed + i`.
    pub seed: u64,
    /// Run both backward passes on every batch and check the shortcut.
    pub verify: bool,
    /// Run only this shard's draws.
    pub shard: Option<Shard>,
    /// ReLU after the first Linear (false: the paper's variant without it).
    pub first_relu: bool,
    /// Stop each draw after this many batches (default: one pass over the training set).
    pub max_batches: Option<usize>,
    /// Architecture (`layers`, `width` and `first_relu` apply to the MLP).
    pub model: ModelKind,
    /// Batch norm before every ReLU.
    pub batch_norm: bool,
}

impl Default for VolumeConfig {
    fn default() -> Self {
        VolumeConfig {
            precision: Precision::F32,
            device: DeviceChoice::Auto,
            draws: 20,
            layers: 3,
            width: 256,
            batch: 256,
            semantics: Semantics::Multiply,
            compare: Compare::FirstLayer,
            dataset: DatasetKind::Mnist,
            data: DataSource::Embedded,
            seed: 0,
            verify: false,
            shard: None,
            first_relu: true,
            max_batches: None,
            model: ModelKind::Mlp,
            batch_norm: false,
        }
    }
}

impl VolumeConfig {
    /// Checks the settings that do not depend on the machine or the data.
    pub fn validate(&self) -> Result<(), Error> {
        super::require_positive(&[
            ("--draws", self.draws),
            ("--layers", self.layers),
            ("--width", self.width),
            ("--batch", self.batch),
        ])?;
        if self.max_batches == Some(0) {
            return Err(Error::Config(
                "--max-batches must be at least 1, got 0".into(),
            ));
        }
        if !self.first_relu && self.model != ModelKind::Mlp {
            return Err(Error::Config(format!(
                "--no-first-relu applies to the MLP, not --model {}",
                self.model
            )));
        }
        if !self.first_relu && self.layers < 2 {
            return Err(Error::Config(
                "the variant without a first ReLU needs --layers 2 or more".into(),
            ));
        }
        Ok(())
    }

    /// The network this scan draws.
    pub fn mlp(&self) -> MlpConfig {
        MlpConfig {
            first_relu: self.first_relu,
            ..MlpConfig::mnist(self.width, self.layers)
        }
    }

    /// The architecture this scan draws.
    pub fn network(&self) -> NetworkConfig {
        NetworkConfig {
            kind: self.model,
            batch_norm: self.batch_norm,
            mlp: self.mlp(),
        }
    }

    /// The draw indices this process runs.
    pub fn draw_indices(&self) -> Vec<usize> {
        (0..self.draws)
            .filter(|&d| self.shard.is_none_or(|s| s.owns(d)))
            .collect()
    }
}

/// The outcome of one draw; one JSONL line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrawRecord {
    /// Draw index.
    pub draw: usize,
    /// Initialisation seed (`seed + draw`).
    pub seed: u64,
    /// Whether the twins' gradients differed on some batch.
    pub in_s01: bool,
    /// The first differing batch (0-based), if any.
    pub first_diff_batch: Option<usize>,
    /// Batches evaluated (up to and including the first differing one).
    pub batches_scanned: usize,
    /// Batches with at least one exact zero in some ReLU's input.
    pub batches_with_zeros: usize,
    /// Exact zeros per ReLU layer over the scanned batches.
    pub zeros_per_layer: Vec<u64>,
    /// Batches on which both backward passes ran.
    pub twin_backwards: usize,
    /// `verify`: batches without an exact zero whose gradients differed anyway (must be 0).
    pub shortcut_mismatches: usize,
    /// `verify`: batches where two ReLU'(0)=0 passes disagreed (must be 0).
    pub control_mismatches: usize,
    /// The first exact zero of the draw, dissected (MLP scans with a ReLU after every Linear).
    pub first_zero: Option<Box<ZeroEvent>>,
    /// Wall time of the draw.
    #[serde(default)]
    pub elapsed_s: f64,
}

/// Where an exact zero happened, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZeroEvent {
    /// Batch (0-based).
    pub batch: usize,
    /// ReLU layer (0 = first).
    pub layer: usize,
    /// Sample within the batch.
    pub sample: usize,
    /// Neuron within the layer.
    pub neuron: usize,
    /// Its summands (the 24 largest), exact sum and rounding unit.
    pub inspection: ZeroInspection,
}

/// What a step produced.
#[derive(Clone, Debug, PartialEq)]
pub enum VolumeEvent {
    /// A batch of a draw was evaluated.
    Batch {
        /// Draw index.
        draw: usize,
        /// Batch just evaluated (0-based).
        batch: usize,
        /// Batches per draw.
        batches: usize,
        /// Whether it had an exact zero.
        had_zero: bool,
    },
    /// A draw finished.
    Draw(DrawRecord),
}

/// The `--json` summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolumeReport {
    /// Always "volume".
    pub experiment: String,
    /// Precision name.
    pub precision: Precision,
    /// "gpu" or "cpu".
    pub device: String,
    /// The adapter, on GPU.
    pub adapter: Option<String>,
    /// Draws evaluated.
    pub draws: usize,
    /// Draws in S01.
    pub in_s01: usize,
    /// in_s01 / draws.
    pub proportion: f64,
    /// 95% Wilson interval of the proportion.
    pub ci95: [f64; 2],
    /// First differing batch of each draw (null: none), in draw order.
    pub first_diff_batch: Vec<Option<usize>>,
    /// Exact zeros per ReLU layer, summed over draws.
    pub zeros_per_layer: Vec<u64>,
    /// Batches in one pass over the training set.
    pub batches_per_epoch: usize,
    /// Training samples.
    pub train_samples: usize,
    /// `verify` totals: shortcut and control mismatches (both must be 0).
    pub verify: Option<VerifySummary>,
    /// Wall time of the scan.
    #[serde(default)]
    pub elapsed_s: f64,
    /// The settings.
    pub config: VolumeConfig,
}

/// Totals of the `verify` checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifySummary {
    /// Batches without an exact zero whose gradients differed (the shortcut would have lied).
    pub shortcut_mismatches: usize,
    /// Batches where the 0-vs-0 control differed.
    pub control_mismatches: usize,
    /// Batches checked with both backward passes.
    pub batches_checked: usize,
}

/// A draw being scanned.
struct DrawState {
    model: Network,
    record: DrawRecord,
    next_batch: usize,
    started: Instant,
    /// Zero counts of the batches from `next_batch` on, computed ahead and read back together.
    census_ahead: VecDeque<Vec<u64>>,
    /// How many batches the draw's next census read may cover (doubles up to the run's limit).
    lookahead: usize,
}

/// The most batches whose census is read back in one transfer (MLP scans). Each read is a
/// round trip to the GPU; at fixed θ every batch's census is independent of the others, so a
/// draw computes 1, 2, 4, … of them at once and never wastes more than it has used.
pub const CENSUS_LOOKAHEAD: usize = 16;

/// The most draws scanned side by side (plain MLP scans on a GPU): their censuses run as one
/// batched forward pass ([`StackedMlp`]) and are read back together.
pub const DRAWS_PER_DISPATCH: usize = 8;

/// Memory the stacked copies of the draws' weights and activations may take, in bytes.
const STACK_BUDGET_BYTES: f64 = 256e6;

/// A volume scan in progress.
///
/// On a GPU up to [`DRAWS_PER_DISPATCH`] draws run side by side, each at its own batch; the
/// census of the next batches of all of them is one batched forward pass and one read.
/// Finished draws are reported in draw order whatever the number side by side, so records,
/// files and resumes do not depend on it.
pub struct VolumeRun {
    config: VolumeConfig,
    compute: Compute,
    autodiff: Device,
    network: NetworkConfig,
    batches: BatchCache,
    pending: VecDeque<usize>,
    /// Draws in progress, in the order they started.
    active: Vec<DrawState>,
    /// Finished draws waiting for an earlier draw to finish, by draw index.
    finished: BTreeMap<usize, DrawRecord>,
    records: Vec<DrawRecord>,
    started: Instant,
    max_lookahead: usize,
    /// The most draws this network and device allow side by side.
    side_by_side_limit: usize,
    /// The most draws run side by side.
    max_side_by_side: usize,
    /// The stacked hidden layers of the active draws (keyed by their draw indices).
    stacked: Option<(Vec<usize>, StackedMlp)>,
    /// Per number of stacked draws: whether the stacked census matched the draws' own forward
    /// passes bit for bit on this back end (checked once, on the first batch stacked so).
    stacking_exact: BTreeMap<usize, bool>,
    /// Whether the twins' gradients are compared on their device (one small read) rather
    /// than read back whole and compared on the host.
    gradients_compared_on_device: bool,
}

impl VolumeRun {
    /// Prepares a scan of `dataset` on `compute`.
    pub fn new(config: VolumeConfig, compute: Compute, dataset: &Dataset) -> Result<Self, Error> {
        config.validate()?;
        config.network().check_input(&dataset.train)?;
        config.network().check_fits(config.batch, &compute)?;
        let batches = BatchCache::new(
            &dataset.train,
            config.batch,
            config.max_batches,
            config.precision.dtype(),
            &compute.device,
        )?;
        let autodiff = compute.device.clone().autodiff();
        let network = config.network();
        let max_lookahead = match network.kind {
            ModelKind::Mlp => CENSUS_LOOKAHEAD,
            // Convolutional censuses hold large activations; one batch at a time.
            _ => 1,
        };
        let side_by_side_limit = if stackable(&network) {
            side_by_side_limit(&network, config.batch, &compute)
        } else {
            1
        };
        // Side by side pays on a GPU (one dispatch and one read for all draws). burn's CPU
        // back end runs one product per draw anyway, and the stacked copies only cost (f64:
        // 17% slower per batch, benches/volume_scan.rs): one draw at a time there.
        let max_side_by_side = match compute.kind {
            DeviceKind::Gpu => side_by_side_limit,
            DeviceKind::Cpu => 1,
        };
        Ok(VolumeRun {
            network,
            pending: config.draw_indices().into(),
            batches,
            config,
            compute,
            autodiff,
            active: Vec::new(),
            finished: BTreeMap::new(),
            records: Vec::new(),
            started: Instant::now(),
            max_lookahead,
            side_by_side_limit,
            max_side_by_side,
            stacked: None,
            stacking_exact: BTreeMap::new(),
            gradients_compared_on_device: true,
        })
    }

    /// Limits how many batches' censuses are read back together (1: one read per batch).
    /// Results do not depend on it; benchmarks compare settings side by side.
    pub fn set_census_lookahead(&mut self, batches: usize) {
        self.max_lookahead = batches.max(1);
    }

    /// Sets how many draws are scanned side by side (1: one draw at a time, each batch its own
    /// forward pass), within what the network and device allow (plain MLPs; the GPU's largest
    /// buffer; by default as many as allowed on a GPU, one on the CPU). Results do not depend
    /// on it; benchmarks compare settings side by side.
    pub fn set_draws_per_dispatch(&mut self, draws: usize) {
        self.max_side_by_side = self.side_by_side_limit.min(draws.max(1));
    }

    /// Whether the twins' gradients are compared bit for bit on their device, reading back one
    /// count (the default), or read back whole and compared on the host. Results do not depend
    /// on it; benchmarks and tests compare the two side by side.
    pub fn set_gradients_compared_on_device(&mut self, on_device: bool) {
        self.gradients_compared_on_device = on_device;
    }

    /// How many draws are scanned side by side at most.
    pub fn draws_per_dispatch(&self) -> usize {
        self.max_side_by_side
    }

    /// Each number of draws stacked so far, and whether their stacked census matched the
    /// draws' own forward passes bit for bit on this back end (false: those draws then ran one
    /// by one).
    pub fn stacking_checked(&self) -> Vec<(usize, bool)> {
        self.stacking_exact.iter().map(|(&n, &e)| (n, e)).collect()
    }

    /// Takes finished draws from an earlier, killed run of the same settings: they are not run
    /// again and count in the report. Fails on a record these settings would not produce.
    pub fn resume_from(&mut self, done: Vec<DrawRecord>) -> Result<(), Error> {
        super::take_finished_draws(
            &mut self.pending,
            self.config.seed,
            done.iter().map(|r| (r.draw, r.seed)),
        )?;
        self.records.extend(done);
        Ok(())
    }

    /// Batches each draw scans at most.
    pub fn batches_per_draw(&self) -> usize {
        self.batches.len()
    }

    /// Draws this run will evaluate.
    pub fn total_draws(&self) -> usize {
        self.records.len() + self.finished.len() + self.active.len() + self.pending.len()
    }

    /// Finished draws so far, in draw order.
    pub fn records(&self) -> &[DrawRecord] {
        &self.records
    }

    /// The settings.
    pub fn config(&self) -> &VolumeConfig {
        &self.config
    }

    /// Does one batch of work; `None` once every draw is done. Draws finish in draw order.
    pub async fn step(&mut self) -> Result<Option<VolumeEvent>, Error> {
        loop {
            if let Some(record) = self.next_finished() {
                self.records.push(record.clone());
                return Ok(Some(VolumeEvent::Draw(record)));
            }
            if let Some(slot) = self.active.iter().position(|s| !s.census_ahead.is_empty()) {
                return self.advance(slot).await.map(Some);
            }
            if !self.census_round().await? {
                return Ok(None);
            }
        }
    }

    /// The earliest finished draw, once no earlier draw is still running or waiting.
    fn next_finished(&mut self) -> Option<DrawRecord> {
        let (&first, _) = self.finished.first_key_value()?;
        let earliest_unfinished = self
            .active
            .iter()
            .map(|s| s.record.draw)
            .chain(self.pending.front().copied())
            .min();
        if earliest_unfinished.is_some_and(|draw| draw < first) {
            return None;
        }
        self.finished.pop_first().map(|(_, record)| record)
    }

    /// Evaluates the next batch of the draw in `slot` from its census: the twins where it
    /// found a zero, the first zero's dissection; ends the draw at a difference or at the end
    /// of its pass.
    async fn advance(&mut self, slot: usize) -> Result<VolumeEvent, Error> {
        let state = &mut self.active[slot];
        let index = state.next_batch;
        let zeros = state
            .census_ahead
            .pop_front()
            .expect("advance runs on a draw with a census ahead");
        let batch = self.batches.get(index);
        let outcome = self.evaluate(&self.active[slot], &batch, zeros).await?;
        let had_zero = outcome.zeros.iter().any(|&z| z > 0);
        let event = if had_zero && self.active[slot].record.first_zero.is_none() {
            self.first_zero(&self.active[slot], &batch, index).await?
        } else {
            None
        };
        let batches = self.batches.len();
        let state = &mut self.active[slot];
        let record = &mut state.record;
        record.batches_scanned += 1;
        for (total, zeros) in record.zeros_per_layer.iter_mut().zip(&outcome.zeros) {
            *total += zeros;
        }
        record.batches_with_zeros += usize::from(had_zero);
        record.twin_backwards += usize::from(outcome.twins_ran);
        record.shortcut_mismatches += usize::from(outcome.differ && !had_zero);
        record.control_mismatches += usize::from(outcome.control_differs);
        if event.is_some() {
            record.first_zero = event;
        }
        if outcome.differ {
            record.in_s01 = true;
            record.first_diff_batch = Some(index);
        }
        let draw = record.draw;
        state.next_batch += 1;
        if state.record.in_s01 || state.next_batch >= batches {
            let state = self.active.remove(slot);
            let mut record = state.record;
            record.elapsed_s = state.started.elapsed().as_secs_f64();
            self.finished.insert(record.draw, record);
        }
        Ok(VolumeEvent::Batch {
            draw,
            batch: index,
            batches,
            had_zero,
        })
    }

    fn start_draw(&self, draw: usize) -> DrawState {
        let seed = self.config.seed.wrapping_add(draw as u64);
        let model = Network::init(
            &self.network,
            seed,
            self.config.precision.dtype(),
            &self.autodiff,
        );
        DrawState {
            model,
            record: DrawRecord {
                draw,
                seed,
                in_s01: false,
                first_diff_batch: None,
                batches_scanned: 0,
                batches_with_zeros: 0,
                zeros_per_layer: vec![0; self.network.relu_layers()],
                twin_backwards: 0,
                shortcut_mismatches: 0,
                control_mismatches: 0,
                first_zero: None,
                elapsed_s: 0.0,
            },
            next_batch: 0,
            started: Instant::now(),
            census_ahead: VecDeque::new(),
            lookahead: 1,
        }
    }

    /// Starts pending draws up to the side-by-side limit, then computes the census of the
    /// next 1, 2, 4, … batches of every active draw (as many as the draw that started last
    /// may use, and no further than any pass goes) and reads them back in one transfer.
    /// `false` once no draw is left.
    async fn census_round(&mut self) -> Result<bool, Error> {
        while self.active.len() < self.max_side_by_side {
            let Some(draw) = self.pending.pop_front() else {
                break;
            };
            let state = self.start_draw(draw);
            self.active.push(state);
        }
        if self.active.is_empty() {
            return Ok(false);
        }
        let total = self.batches.len();
        let ahead = self
            .active
            .iter()
            .map(|s| s.lookahead.min(total - s.next_batch))
            .min()
            .unwrap_or(1)
            .max(1);
        for state in &mut self.active {
            state.lookahead = (state.lookahead * 2).min(self.max_lookahead);
        }
        let layers = self.network.relu_layers();
        let draws = self.active.len();
        let stacked = draws > 1 && self.stacking_is_exact().await?;
        let relu = self.relu(Alpha::ZERO);
        let counts = if stacked {
            let mut per_batch = Vec::with_capacity(ahead);
            for offset in 0..ahead {
                let inputs = stacked_inputs(&mut self.batches, &self.active, offset);
                let (_, stack) = self.stacked.as_ref().expect("stacked for the active draws");
                per_batch.push(stack.census(inputs, relu).flatten::<1>(0, 1));
            }
            per_batch
        } else {
            let mut counts = Vec::with_capacity(draws * ahead * layers);
            for slot in 0..draws {
                for offset in 0..ahead {
                    let batch = self.batches.get(self.active[slot].next_batch + offset);
                    let state = &self.active[slot];
                    counts.extend(
                        state
                            .model
                            .census(batch.images, relu, self.config.first_relu),
                    );
                }
            }
            counts
        };
        let flat = read_counts(counts).await?;
        for (slot, state) in self.active.iter_mut().enumerate() {
            for offset in 0..ahead {
                // Stacked counts come batch by batch, each with every draw; the others draw by
                // draw, each with every batch.
                let row = if stacked {
                    offset * draws + slot
                } else {
                    slot * ahead + offset
                };
                let zeros = flat
                    .get(row * layers..(row + 1) * layers)
                    .map_or_else(|| vec![0; layers], <[u64]>::to_vec);
                state.census_ahead.push_back(zeros);
            }
        }
        Ok(true)
    }

    /// Stacks the active draws (if not stacked already) and checks, the first time this many
    /// draws are stacked, that the stacked census computes each draw's own pre-activations bit
    /// for bit on this back end; where it does not, draws run one by one.
    async fn stacking_is_exact(&mut self) -> Result<bool, Error> {
        let draws: Vec<usize> = self.active.iter().map(|s| s.record.draw).collect();
        let known = self.stacking_exact.get(&draws.len()).copied();
        if known == Some(false) {
            return Ok(false);
        }
        let mlps: Vec<&Mlp> = self
            .active
            .iter()
            .filter_map(|s| s.model.as_mlp())
            .collect();
        if self
            .stacked
            .as_ref()
            .is_none_or(|(stacked, _)| *stacked != draws)
        {
            let stack = StackedMlp::new(&mlps, self.config.first_relu);
            self.stacked = Some((draws.clone(), stack));
        }
        if let Some(exact) = known {
            return Ok(exact);
        }
        let inputs = stacked_inputs(&mut self.batches, &self.active, 0);
        let (_, stack) = self.stacked.as_ref().expect("stacked above");
        let exact = stack
            .matches_own_forward(&mlps, inputs, self.relu(Alpha::ZERO))
            .await?;
        self.stacking_exact.insert(draws.len(), exact);
        Ok(exact)
    }

    async fn evaluate(
        &self,
        state: &DrawState,
        batch: &Batch,
        zeros: Vec<u64>,
    ) -> Result<BatchOutcome, Error> {
        let model = &state.model;
        let had_zero = zeros.iter().any(|&z| z > 0);
        let mut outcome = BatchOutcome {
            zeros,
            twins_ran: false,
            differ: false,
            control_differs: false,
        };
        if !(had_zero || self.config.verify) {
            return Ok(outcome);
        }
        outcome.twins_ran = true;
        let gradient = |alpha| {
            network_gradient(
                model,
                batch,
                self.relu(alpha),
                self.config.first_relu,
                self.config.compare,
            )
        };
        let g0 = gradient(Alpha::ZERO)?;
        let g1 = gradient(Alpha::ONE)?;
        let control = if self.config.verify {
            Some(gradient(Alpha::ZERO)?)
        } else {
            None
        };
        if !self.gradients_compared_on_device {
            let g0 = g0.into_data_async().await?;
            outcome.differ = g1.into_data_async().await?.as_bytes() != g0.as_bytes();
            if let Some(control) = control {
                outcome.control_differs =
                    control.into_data_async().await?.as_bytes() != g0.as_bytes();
            }
            return Ok(outcome);
        }
        // Compared where they lie: one read of one or two word counts.
        let mut counts = vec![differing_words(g0.clone(), g1)];
        counts.extend(control.map(|control| differing_words(control, g0)));
        let words = read_counts(counts).await?;
        outcome.differ = words[0] > 0;
        outcome.control_differs = words.get(1).is_some_and(|&w| w > 0);
        Ok(outcome)
    }

    /// Finds and dissects the first exact zero of `batch` (MLP with a ReLU after every Linear;
    /// None otherwise). Runs once per draw, at its first batch with a zero.
    async fn first_zero(
        &self,
        state: &DrawState,
        batch: &Batch,
        index: usize,
    ) -> Result<Option<Box<ZeroEvent>>, Error> {
        let Network::Mlp(mlp) = &state.model else {
            return Ok(None);
        };
        if !self.config.first_relu || !mlp.norms.is_empty() {
            return Ok(None);
        }
        let forward = mlp.forward_constant(batch.images.clone(), self.relu(Alpha::ZERO), true);
        let mut input = super::to_f64(batch.images.clone().into_data_async().await?)?;
        let mut fan_in = batch.images.dims()[1];
        for (layer, z) in forward.pre_activations.into_iter().enumerate() {
            let width = z.dims()[1];
            let values = super::to_f64(z.into_data_async().await?)?;
            if let Some(at) = values.iter().position(|&v| v == 0.0) {
                let (sample, neuron) = (at / width, at % width);
                let dense = &mlp.layers[layer];
                let weight = super::to_f64(dense.weight.val().into_data_async().await?)?;
                let bias = super::to_f64(dense.bias.val().into_data_async().await?)?;
                let column: Vec<f64> = (0..fan_in).map(|k| weight[k * width + neuron]).collect();
                let row = &input[sample * fan_in..(sample + 1) * fan_in];
                let mut inspection =
                    inspect(self.config.precision, &column, row, bias[neuron], 0.0);
                inspection.terms.truncate(24);
                return Ok(Some(Box::new(ZeroEvent {
                    batch: index,
                    layer,
                    sample,
                    neuron,
                    inspection,
                })));
            }
            // The next layer's input: this layer's ReLU output.
            input = values.into_iter().map(|v| v.max(0.0)).collect();
            fan_in = width;
        }
        Ok(None)
    }

    fn relu(&self, alpha: Alpha) -> Relu0 {
        Relu0::new(alpha, self.config.semantics)
    }

    /// The summary of the draws finished so far.
    pub fn report(&self) -> VolumeReport {
        let mut records = self.records.clone();
        records.sort_by_key(|r| r.draw);
        let in_s01 = records.iter().filter(|r| r.in_s01).count();
        let draws = records.len();
        let mut zeros = vec![0u64; self.network.relu_layers()];
        for r in &records {
            for (total, z) in zeros.iter_mut().zip(&r.zeros_per_layer) {
                *total += z;
            }
        }
        let verify = self.config.verify.then(|| VerifySummary {
            shortcut_mismatches: records.iter().map(|r| r.shortcut_mismatches).sum(),
            control_mismatches: records.iter().map(|r| r.control_mismatches).sum(),
            batches_checked: records.iter().map(|r| r.twin_backwards).sum(),
        });
        VolumeReport {
            experiment: "volume".into(),
            precision: self.config.precision,
            device: self.compute.kind.name().into(),
            adapter: self.compute.adapter.as_ref().map(|a| a.name.clone()),
            draws,
            in_s01,
            proportion: if draws == 0 {
                0.0
            } else {
                in_s01 as f64 / draws as f64
            },
            ci95: wilson95(in_s01, draws),
            first_diff_batch: records.iter().map(|r| r.first_diff_batch).collect(),
            zeros_per_layer: zeros,
            batches_per_epoch: self.batches.per_pass(),
            train_samples: self.batches.samples(),
            verify,
            elapsed_s: self.started.elapsed().as_secs_f64(),
            config: self.config.clone(),
        }
    }
}

/// What one batch showed.
struct BatchOutcome {
    zeros: Vec<u64>,
    twins_ran: bool,
    differ: bool,
    control_differs: bool,
}

/// The images of batch `next_batch + offset` of every draw in `active`,
/// `[draws, batch, pixels]`.
fn stacked_inputs(batches: &mut BatchCache, active: &[DrawState], offset: usize) -> Tensor<3> {
    let images = active
        .iter()
        .map(|s| batches.get(s.next_batch + offset).images)
        .collect();
    Tensor::<2>::stack::<3>(images, 0)
}

/// Whether draws of `network` can be stacked into one forward pass: plain MLPs (batch norm
/// would need per-draw batch statistics; convolutional networks run one at a time).
fn stackable(network: &NetworkConfig) -> bool {
    network.kind == ModelKind::Mlp && !network.batch_norm
}

/// How many draws of `network` with mini-batches of `batch` may run side by side on `compute`:
/// at most [`DRAWS_PER_DISPATCH`], with every stacked tensor within the GPU's largest buffer
/// and all stacked copies within [`STACK_BUDGET_BYTES`].
fn side_by_side_limit(network: &NetworkConfig, batch: usize, compute: &Compute) -> usize {
    let mlp = &network.mlp;
    let element = compute.precision.dtype().size() as f64;
    let (_, largest, _) = mlp.footprint(batch);
    let largest = largest.max((batch * mlp.inputs) as f64) * element;
    let per_draw = (mlp.parameters() + batch * (mlp.inputs + 2 * mlp.width)) as f64 * element;
    let mut limit = (STACK_BUDGET_BYTES / per_draw).floor();
    if let Some(adapter) = &compute.adapter
        && adapter.max_buffer_bytes > 0
    {
        limit = limit.min((adapter.max_buffer_bytes as f64 / largest).floor());
    }
    (limit as usize).clamp(1, DRAWS_PER_DISPATCH)
}
