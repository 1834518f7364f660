//! Experiment 4: the share of affected mini-batches and the size of the difference.
//!
//! For each of R draws, evaluate *every* mini-batch of one pass at θ_init (no update) and
//! record which batches give bitwise different gradients for ReLU'(0)=0 and ReLU'(0)=1, under
//! both backward semantics, and how large the difference is: ‖g0 − g1‖₂ / ‖g0‖₂.
//! As in the volume scan, the twins only run on batches with an exact zero in some ReLU input.

use super::Shard;
use super::batches::BatchCache;
use super::stats::wilson95;
use super::to_f64;
use super::twins::{Compare, count_zeros, twin_gradient};
use crate::backend::{Compute, DeviceChoice, Precision};
use crate::data::{DataSource, Dataset, DatasetKind};
use crate::error::Error;
use crate::model::Relu0;
use crate::model::mlp::{Mlp, MlpConfig};
use crate::ops::{Alpha, Semantics};
use burn::tensor::{Device, TensorData};
use serde::{Deserialize, Serialize};
use web_time::Instant;

/// Settings of the affected-batches scan (defaults as the volume scan, 10 draws).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AffectedConfig {
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
    /// Which gradients are compared.
    pub compare: Compare,
    /// Data set.
    pub dataset: DatasetKind,
    /// Where the data set comes from.
    pub data: DataSource,
    /// Draw `i` is initialised from `seed + i`.
    pub seed: u64,
    /// Run only this shard's draws.
    pub shard: Option<Shard>,
    /// Evaluate at most this many batches per draw (default: one pass).
    pub max_batches: Option<usize>,
}

impl Default for AffectedConfig {
    fn default() -> Self {
        AffectedConfig {
            precision: Precision::F32,
            device: DeviceChoice::Auto,
            draws: 10,
            layers: 3,
            width: 256,
            batch: 256,
            compare: Compare::FirstLayer,
            dataset: DatasetKind::Mnist,
            data: DataSource::Embedded,
            seed: 0,
            shard: None,
            max_batches: None,
        }
    }
}

impl AffectedConfig {
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
        Ok(())
    }
}

/// One draw's batches; one JSONL line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AffectedRecord {
    /// Draw index.
    pub draw: usize,
    /// Initialisation seed (`seed + draw`).
    pub seed: u64,
    /// Batches evaluated.
    pub batches: usize,
    /// Batches with an exact zero in some ReLU input.
    pub batches_with_zeros: usize,
    /// Differing batches and relative differences under multiply semantics.
    pub multiply: SemanticsOutcome,
    /// Differing batches and relative differences under assign semantics.
    pub assign: SemanticsOutcome,
    /// Wall time of the draw.
    #[serde(default)]
    pub elapsed_s: f64,
}

/// Which batches differed under one semantics, and by how much.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SemanticsOutcome {
    /// Indices of the differing batches.
    pub differing_batches: Vec<usize>,
    /// ‖g0 − g1‖₂ / ‖g0‖₂ for each differing batch, in the same order.
    pub relative_difference: Vec<f64>,
}

/// Totals over draws for one semantics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SemanticsSummary {
    /// Draws with at least one differing batch.
    pub draws_affected: usize,
    /// draws_affected / draws.
    pub draws_affected_share: f64,
    /// 95% Wilson interval of that share.
    pub draws_affected_ci95: [f64; 2],
    /// (draw, batch) pairs that differ.
    pub pairs_differing: usize,
    /// pairs_differing / pairs evaluated.
    pub pairs_differing_share: f64,
    /// Quantiles 0, 0.25, 0.5, 0.75, 1 of the relative differences (empty: none).
    pub relative_difference_quantiles: Vec<f64>,
}

/// The `--json` summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AffectedReport {
    /// Always "affected".
    pub experiment: String,
    /// Precision.
    pub precision: Precision,
    /// "gpu" or "cpu".
    pub device: String,
    /// Draws evaluated.
    pub draws: usize,
    /// (draw, batch) pairs evaluated.
    pub pairs: usize,
    /// Multiply semantics.
    pub multiply: SemanticsSummary,
    /// Assign semantics (the paper's code).
    pub assign: SemanticsSummary,
    /// Wall time.
    #[serde(default)]
    pub elapsed_s: f64,
    /// The settings.
    pub config: AffectedConfig,
}

/// An affected-batches scan in progress: one draw per step.
pub struct AffectedRun {
    config: AffectedConfig,
    compute: Compute,
    autodiff: Device,
    mlp: MlpConfig,
    batches: BatchCache,
    pending: std::collections::VecDeque<usize>,
    records: Vec<AffectedRecord>,
    started: Instant,
}

impl AffectedRun {
    /// Prepares the scan.
    pub fn new(config: AffectedConfig, compute: Compute, dataset: &Dataset) -> Result<Self, Error> {
        config.validate()?;
        crate::model::NetworkConfig::mlp(MlpConfig::mnist(config.width, config.layers), false)
            .check_fits(config.batch, &compute)?;
        let batches = BatchCache::new(
            &dataset.train,
            config.batch,
            config.max_batches,
            config.precision.dtype(),
            &compute.device,
        )?;
        let pending = (0..config.draws)
            .filter(|&d| config.shard.is_none_or(|s| s.owns(d)))
            .collect();
        Ok(AffectedRun {
            mlp: MlpConfig::mnist(config.width, config.layers),
            autodiff: compute.device.clone().autodiff(),
            batches,
            pending,
            records: Vec::new(),
            started: Instant::now(),
            config,
            compute,
        })
    }

    /// Continues a killed scan: keeps `done` (the draws a previous run of the same settings
    /// wrote) and evaluates only the others. A draw that is not this scan's, appears twice, or
    /// has another seed is an error naming it.
    pub fn resume_from(&mut self, done: Vec<AffectedRecord>) -> Result<(), Error> {
        super::take_finished_draws(
            &mut self.pending,
            self.config.seed,
            done.iter().map(|r| (r.draw, r.seed)),
        )?;
        self.records.extend(done);
        Ok(())
    }

    /// Draws finished so far.
    pub fn records(&self) -> &[AffectedRecord] {
        &self.records
    }

    /// Draws still to evaluate.
    pub fn remaining(&self) -> usize {
        self.pending.len()
    }

    /// Evaluates the next draw on every batch; `None` once all are done.
    pub async fn step(&mut self) -> Result<Option<AffectedRecord>, Error> {
        let Some(draw) = self.pending.pop_front() else {
            return Ok(None);
        };
        let started = Instant::now();
        let seed = self.config.seed.wrapping_add(draw as u64);
        let dtype = self.config.precision.dtype();
        let model = Mlp::init(&self.mlp, seed, dtype, &self.autodiff);
        let mut record = AffectedRecord {
            draw,
            seed,
            batches: self.batches.len(),
            batches_with_zeros: 0,
            multiply: SemanticsOutcome::default(),
            assign: SemanticsOutcome::default(),
            elapsed_s: 0.0,
        };
        for index in 0..self.batches.len() {
            let batch = self.batches.get(index);
            let relu = |alpha, semantics| Relu0::new(alpha, semantics);
            let census = model.forward_constant(
                batch.images.clone(),
                relu(Alpha::ZERO, Semantics::Multiply),
                true,
            );
            if count_zeros(census).await?.iter().all(|&z| z == 0) {
                continue;
            }
            record.batches_with_zeros += 1;
            let compare = self.config.compare;
            let g0 = twin_gradient(
                &model,
                &batch,
                relu(Alpha::ZERO, Semantics::Multiply),
                true,
                compare,
            )
            .await?;
            for (semantics, outcome) in [
                (Semantics::Multiply, &mut record.multiply),
                (Semantics::Assign, &mut record.assign),
            ] {
                let g1 = twin_gradient(&model, &batch, relu(Alpha::ONE, semantics), true, compare)
                    .await?;
                if g0.as_bytes() != g1.as_bytes() {
                    outcome.differing_batches.push(index);
                    outcome
                        .relative_difference
                        .push(relative_difference(&g0, &g1)?);
                }
            }
        }
        record.elapsed_s = started.elapsed().as_secs_f64();
        self.records.push(record.clone());
        Ok(Some(record))
    }

    /// The summary of the draws finished so far.
    pub fn report(&self) -> AffectedReport {
        let draws = self.records.len();
        let pairs: usize = self.records.iter().map(|r| r.batches).sum();
        let summary = |pick: fn(&AffectedRecord) -> &SemanticsOutcome| {
            let affected = self
                .records
                .iter()
                .filter(|r| !pick(r).differing_batches.is_empty())
                .count();
            let differing: usize = self
                .records
                .iter()
                .map(|r| pick(r).differing_batches.len())
                .sum();
            let mut diffs: Vec<f64> = self
                .records
                .iter()
                .flat_map(|r| pick(r).relative_difference.iter().copied())
                .collect();
            diffs.sort_by(f64::total_cmp);
            SemanticsSummary {
                draws_affected: affected,
                draws_affected_share: share(affected, draws),
                draws_affected_ci95: wilson95(affected, draws),
                pairs_differing: differing,
                pairs_differing_share: share(differing, pairs),
                relative_difference_quantiles: quantiles(&diffs),
            }
        };
        AffectedReport {
            experiment: "affected".into(),
            precision: self.config.precision,
            device: self.compute.kind.name().into(),
            draws,
            pairs,
            multiply: summary(|r| &r.multiply),
            assign: summary(|r| &r.assign),
            elapsed_s: self.started.elapsed().as_secs_f64(),
            config: self.config.clone(),
        }
    }
}

fn share(k: usize, n: usize) -> f64 {
    if n == 0 { 0.0 } else { k as f64 / n as f64 }
}

/// Quantiles 0, ¼, ½, ¾, 1 of sorted values (nearest rank); empty when there are none.
fn quantiles(sorted: &[f64]) -> Vec<f64> {
    if sorted.is_empty() {
        return Vec::new();
    }
    [0.0, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|q| sorted[((sorted.len() - 1) as f64 * q).round() as usize])
        .collect()
}

/// ‖g0 − g1‖₂ / ‖g0‖₂, computed in f64 on the host.
fn relative_difference(g0: &TensorData, g1: &TensorData) -> Result<f64, Error> {
    let (a, b) = (to_f64(g0.clone())?, to_f64(g1.clone())?);
    let diff: f64 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
    let norm: f64 = a.iter().map(|x| x * x).sum();
    Ok(if norm == 0.0 {
        f64::INFINITY
    } else {
        (diff / norm).sqrt()
    })
}

#[cfg(test)]
mod tests {
    use super::quantiles;

    #[test]
    fn quantiles_pick_nearest_ranks() {
        assert_eq!(quantiles(&[]), Vec::<f64>::new());
        assert_eq!(quantiles(&[3.0]), vec![3.0; 5]);
        assert_eq!(
            quantiles(&[1.0, 2.0, 3.0, 4.0, 5.0]),
            vec![1.0, 2.0, 3.0, 4.0, 5.0]
        );
    }
}
