//! Seeded PyTorch-default initialisation, done on the host so that every back end and every
//! precision starts from the same parameters (drawn in f32, as PyTorch does, then rounded).

use burn::tensor::{DType, Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded stream of initial values.
pub struct Initializer {
    rng: ChaCha8Rng,
}

impl Initializer {
    /// A stream determined by `seed` alone.
    pub fn new(seed: u64) -> Self {
        Initializer {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// `count` values from U(-1/√fan_in, 1/√fan_in) (Kaiming-uniform with a = √5, PyTorch's
    /// default for Linear and Conv weights and biases).
    pub fn uniform_fan_in(&mut self, count: usize, fan_in: usize) -> Vec<f32> {
        let bound = 1.0 / (fan_in as f32).sqrt();
        (0..count)
            .map(|_| self.rng.random_range(-bound..bound))
            .collect()
    }
}

/// Uploads f32 host values as a tensor of element type `dtype`.
pub fn tensor_from_f32<const D: usize>(
    values: Vec<f32>,
    shape: [usize; D],
    dtype: DType,
    device: &Device,
) -> Tensor<D> {
    let data = TensorData::new(values, shape).convert_dtype(dtype);
    Tensor::from_data(data, (device, dtype))
}
