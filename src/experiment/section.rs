//! Experiment 3: a cross-section of the bifurcation zone.
//!
//! Search draws (seeded initialisations) and mini-batches in fixed order for the first exact
//! zero of a first-layer pre-activation z_ij = x_i · W1[:, j] + b_j. Then take two random
//! directions P1, P2 of unit Frobenius norm and evaluate |z_ij| for W1 + x·P1 + y·P2 on a
//! G×G grid over [-span, span)², in the search precision and again in f64 on the CPU (the
//! paper: 200×200 over [-5e-6, 5e-6)²; f32 shows a band of exact zeros, f64 a thin line).

use super::batches::BatchCache;
use super::inspect::{ZeroInspection, inspect};
use super::to_f64;
use crate::backend::{self, Compute, DeviceChoice, Precision};
use crate::data::{DataSource, Dataset, DatasetKind};
use crate::error::Error;
use crate::model::mlp::Mlp;
use burn::tensor::{DType, Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use web_time::Instant;

/// Settings of the cross-section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SectionConfig {
    /// Precision of the search (f32, or f16 on a GPU).
    pub precision: Precision,
    /// Where to search.
    pub device: DeviceChoice,
    /// First hidden layer width.
    pub width: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// Grid points per axis.
    pub grid: usize,
    /// Half-width of the grid.
    pub span: f64,
    /// Seed of draw 0 (draw i uses seed + i) and of the directions.
    pub seed: u64,
    /// Draws to search at most.
    pub max_draws: usize,
    /// Data set.
    pub dataset: DatasetKind,
    /// Where the data set comes from.
    pub data: DataSource,
}

impl Default for SectionConfig {
    fn default() -> Self {
        SectionConfig {
            precision: Precision::F32,
            device: DeviceChoice::Auto,
            width: 256,
            batch: 256,
            grid: 200,
            span: 5e-6,
            seed: 0,
            max_draws: 1000,
            dataset: DatasetKind::Mnist,
            data: DataSource::Embedded,
        }
    }
}

impl SectionConfig {
    /// Checks the settings that do not depend on the machine or the data.
    pub fn validate(&self) -> Result<(), Error> {
        super::require_positive(&[
            ("--width", self.width),
            ("--batch", self.batch),
            ("--max-draws", self.max_draws),
        ])?;
        if self.grid < 2 || self.grid % 2 == 1 || self.grid > 2000 {
            return Err(Error::Config(format!(
                "--grid must be even, from 2 to 2000 (the centre is then a grid point), got {}",
                self.grid
            )));
        }
        if !(self.span.is_finite() && self.span > 0.0) {
            return Err(Error::Config(format!(
                "--span must be a finite positive number, got {}",
                self.span
            )));
        }
        if self.precision == Precision::F64 {
            return Err(Error::Config(
                "--precision f64 has no exact zero to find; search in f32 or f16 (the f64 grid is always computed)".into(),
            ));
        }
        Ok(())
    }
}

/// Where the first exact zero was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZeroLocation {
    /// Draw index (seed = seed + draw).
    pub draw: usize,
    /// Mini-batch index.
    pub batch: usize,
    /// Sample i within the batch.
    pub sample: usize,
    /// Neuron j.
    pub neuron: usize,
}

/// |z_ij| on the grid in one precision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionGrid {
    /// Precision of the evaluation.
    pub precision: Precision,
    /// Grid points where z is exactly 0.
    pub exact_zeros: usize,
    /// Whether z is exactly 0 at the centre (x = y = 0).
    pub centre_is_zero: bool,
    /// |z| row by row (y outer, x inner); written by `--out` as CSV, left out of the summary.
    #[serde(skip_serializing, default)]
    pub abs_z: Vec<f64>,
}

/// The `--json` summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionReport {
    /// Always "section".
    pub experiment: String,
    /// Where the zero was found.
    pub zero: ZeroLocation,
    /// Grid coordinates along each axis.
    pub axis: Vec<f64>,
    /// The grid in the search precision.
    pub search: SectionGrid,
    /// The same grid in f64 (CPU).
    pub f64: SectionGrid,
    /// The found zero's summands, their exact sum and the rounding unit.
    pub inspection: ZeroInspection,
    /// Wall time.
    pub elapsed_s: f64,
    /// The settings.
    pub config: SectionConfig,
}

impl SectionReport {
    /// The grid as CSV: `x,y,abs_z_<search precision>,abs_z_f64`, one line per point.
    pub fn csv(&self) -> String {
        let mut out = format!("x,y,abs_z_{},abs_z_f64\n", self.search.precision);
        let g = self.axis.len();
        for (row, y) in self.axis.iter().enumerate() {
            for (col, x) in self.axis.iter().enumerate() {
                let k = row * g + col;
                out.push_str(&format!(
                    "{x:e},{y:e},{:e},{:e}\n",
                    self.search.abs_z[k], self.f64.abs_z[k]
                ));
            }
        }
        out
    }
}

/// Runs the whole experiment (search, then both grids).
pub async fn run(
    config: SectionConfig,
    compute: Compute,
    dataset: &Dataset,
) -> Result<SectionReport, Error> {
    config.validate()?;
    let started = Instant::now();
    let dtype = config.precision.dtype();
    let mut batches = BatchCache::new(&dataset.train, config.batch, None, dtype, &compute.device)?;
    let pixels = dataset.train.pixels;
    for draw in 0..config.max_draws {
        let seed = config.seed.wrapping_add(draw as u64);
        let layer = first_layer(pixels, config.width, seed, dtype, &compute.device);
        for index in 0..batches.len() {
            let batch = batches.get(index);
            let z = batch.images.clone().matmul(layer.0.clone()) + layer.1.clone().unsqueeze_dim(0);
            let zeros = z
                .clone()
                .equal_elem(0.0)
                .int()
                .sum()
                .into_data_async()
                .await?;
            if zeros.iter::<i64>().next().unwrap_or(0) == 0 {
                continue;
            }
            let values = to_f64(z.into_data_async().await?)?;
            let at = values
                .iter()
                .position(|&v| v == 0.0)
                .expect("a counted zero");
            let zero = ZeroLocation {
                draw,
                batch: index,
                sample: at / config.width,
                neuron: at % config.width,
            };
            let images: Vec<f32> = dataset.train.batch(index * config.batch, config.batch).0;
            let axis: Vec<f64> = (0..config.grid)
                .map(|k| -config.span + 2.0 * config.span * k as f64 / config.grid as f64)
                .collect();
            let (p1, p2) = directions(pixels, config.width, zero.neuron, config.seed);
            let weight = to_f64(layer.0.clone().into_data_async().await?)?;
            let bias = to_f64(layer.1.clone().into_data_async().await?)?;
            let column: Vec<f64> = (0..pixels)
                .map(|k| weight[k * config.width + zero.neuron])
                .collect();
            let b = bias[zero.neuron];
            let inputs: Vec<f64> = images[zero.sample * pixels..(zero.sample + 1) * pixels]
                .iter()
                .map(|&v| super::inspect::round_to(config.precision, f64::from(v)))
                .collect();
            let inspection = inspect(config.precision, &column, &inputs, b, 0.0);
            let search = evaluate(
                &compute.device,
                config.precision,
                &images,
                zero.sample,
                &column,
                b,
                &p1,
                &p2,
                &axis,
                config.width,
            )
            .await?;
            let cpu = backend::select(Precision::F64, DeviceChoice::Cpu)?;
            let exact = evaluate(
                &cpu.device,
                Precision::F64,
                &images,
                zero.sample,
                &column,
                b,
                &p1,
                &p2,
                &axis,
                config.width,
            )
            .await?;
            return Ok(SectionReport {
                experiment: "section".into(),
                zero,
                axis,
                search,
                f64: exact,
                inspection,
                elapsed_s: started.elapsed().as_secs_f64(),
                config,
            });
        }
    }
    Err(Error::Config(format!(
        "no exact zero in the first layer within {} draws; raise --max-draws",
        config.max_draws
    )))
}

fn first_layer(
    inputs: usize,
    width: usize,
    seed: u64,
    dtype: DType,
    device: &Device,
) -> (Tensor<2>, Tensor<1>) {
    let mlp = Mlp::init_widths(inputs, &[width], 10, seed, dtype, device);
    let layer = &mlp.layers[0];
    (layer.weight.val(), layer.bias.val())
}

/// Column `neuron` of two random directions of unit Frobenius norm over the whole W1.
fn directions(inputs: usize, width: usize, neuron: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EC7_1011);
    let mut draw = || {
        let full: Vec<f64> = (0..inputs * width)
            .map(|_| standard_normal(&mut rng))
            .collect();
        let norm = full.iter().map(|v| v * v).sum::<f64>().sqrt();
        (0..inputs)
            .map(|k| full[k * width + neuron] / norm)
            .collect::<Vec<f64>>()
    };
    let p1 = draw();
    let p2 = draw();
    (p1, p2)
}

/// One N(0, 1) draw (Box–Muller).
fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// |z| = |x · (w + gx·p1 + gy·p2) + b| on the grid, every operation in `precision` on `device`.
///
/// Each grid row is evaluated as the forward pass computes z: the whole mini-batch times a
/// `[inputs, width]` matrix (the grid row's columns, padded with copies of W1[:, j]), plus the
/// bias, keeping the found sample's row — the same product shape, so the same summation order.
#[allow(clippy::too_many_arguments)]
async fn evaluate(
    device: &Device,
    precision: Precision,
    images: &[f32],
    sample: usize,
    column: &[f64],
    bias: f64,
    p1: &[f64],
    p2: &[f64],
    axis: &[f64],
    width: usize,
) -> Result<SectionGrid, Error> {
    let dtype = precision.dtype();
    let n = column.len();
    let g = axis.len();
    let rows = images.len() / n;
    let columns = width.max(g);
    let upload = |values: Vec<f64>, shape: [usize; 2]| -> Tensor<2> {
        Tensor::from_data(
            TensorData::new(values, shape).convert_dtype(dtype),
            (device, dtype),
        )
    };
    let x = Tensor::<2>::from_data(
        TensorData::new(images.to_vec(), [rows, n]).convert_dtype(dtype),
        (device, dtype),
    );
    let w = upload(column.to_vec(), [n, 1]);
    let p1 = upload(p1.to_vec(), [n, 1]);
    let p2 = upload(p2.to_vec(), [n, 1]);
    let b = upload(vec![bias; columns], [1, columns]);
    let mut xs = axis.to_vec();
    xs.resize(columns, 0.0);
    let xs = upload(xs, [1, columns]);
    let mut abs_z = Vec::with_capacity(g * g);
    for &gy in axis {
        let mut ys = vec![gy; g];
        ys.resize(columns, 0.0);
        let ys = upload(ys, [1, columns]);
        // W1[:, j] + x·P1[:, j] + y·P2[:, j] for one grid row: [inputs, columns].
        let m = w.clone() + p1.clone().matmul(xs.clone()) + p2.clone().matmul(ys);
        let z = x.clone().matmul(m) + b.clone();
        let row = z.slice([sample..sample + 1, 0..g]);
        abs_z.extend(to_f64(row.abs().into_data_async().await?)?);
    }
    let exact_zeros = abs_z.iter().filter(|&&v| v == 0.0).count();
    let centre = (g / 2) * g + g / 2;
    Ok(SectionGrid {
        precision,
        exact_zeros,
        centre_is_zero: abs_z[centre] == 0.0,
        abs_z,
    })
}
