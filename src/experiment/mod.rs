//! The paper's experiments, headless: a config in, events out, a report at the end.
//!
//! Each experiment is a step machine (`async fn step`): native code drives it with a blocking
//! executor, the web with the browser's event loop, because every GPU readback is async there.

pub mod affected;
pub mod batches;
pub mod inspect;
pub mod section;
pub mod stats;
pub mod surprise;
pub mod train;
pub mod twins;
pub mod volume;
pub mod zeros;

/// Loads the data set and selects the device a run needs, or says which of the two failed.
pub fn prepare(
    dataset: crate::data::DatasetKind,
    source: &crate::data::DataSource,
    precision: crate::backend::Precision,
    device: crate::backend::DeviceChoice,
) -> Result<(crate::data::Dataset, crate::backend::Compute), crate::error::Error> {
    let dataset = crate::data::load(dataset, source)?;
    let compute = crate::backend::select(precision, device)?;
    Ok((dataset, compute))
}

/// Takes the draws a killed run finished (draw, seed) out of `pending`: each must be one of
/// this run's draws, once, with the seed this run gives it (`base_seed + draw`).
pub fn take_finished_draws(
    pending: &mut std::collections::VecDeque<usize>,
    base_seed: u64,
    finished: impl IntoIterator<Item = (usize, u64)>,
) -> Result<(), crate::error::Error> {
    for (draw, seed) in finished {
        let expected = base_seed.wrapping_add(draw as u64);
        let Some(at) = pending.iter().position(|&d| d == draw) else {
            return Err(crate::error::Error::Config(format!(
                "draw {draw} in the resumed file is not one of this run's draws (or appears twice)"
            )));
        };
        if seed != expected {
            return Err(crate::error::Error::Config(format!(
                "draw {draw} in the resumed file has seed {seed}, this run would use {expected}"
            )));
        }
        pending.remove(at);
    }
    Ok(())
}

/// Tensor data as f64 values on the host, whatever its float element type.
pub fn to_f64(data: burn::tensor::TensorData) -> Result<Vec<f64>, crate::error::Error> {
    data.convert_dtype(burn::tensor::DType::F64)
        .try_to_vec::<f64>()
        .map_err(|e| crate::error::Error::Device(format!("unreadable tensor data: {e:?}")))
}

/// Fails on the first setting that is 0, naming its flag.
pub fn require_positive(settings: &[(&str, usize)]) -> Result<(), crate::error::Error> {
    match settings.iter().find(|(_, value)| *value == 0) {
        Some((flag, _)) => Err(crate::error::Error::Config(format!(
            "{flag} must be at least 1, got 0"
        ))),
        None => Ok(()),
    }
}

/// Which draws of a sweep this process runs: draw `i` belongs to shard `k` of `n` when
/// `i % n == k - 1` (shards are numbered from 1, as Slurm array indices usually are).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, 1..=count.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// Whether draw `draw` is this shard's.
    pub fn owns(&self, draw: usize) -> bool {
        draw % self.count == self.index - 1
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("bad shard '{s}' (expected K/N with 1 <= K <= N, e.g. 2/8)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}
