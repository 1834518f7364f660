//! The paper's MLP: `[Linear(784,n)+ReLU] + (L-1)×[Linear(n,n)+ReLU] + Linear(n,10)`, every ReLU
//! the ReLU'(0)=a op, optionally without the ReLU after the first Linear (the paper's variant).

use super::Relu0;
use super::init::{Initializer, tensor_from_f32};
use super::layers::batch_norm;
use crate::ops::relu0;
use burn::module::{Module, Param};
use burn::nn::BatchNorm;
use burn::tensor::activation::log_softmax;
use burn::tensor::{DType, Device, Gradients, Int, Tensor};
use serde::{Deserialize, Serialize};

/// Shape of an MLP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MlpConfig {
    /// Input features (784 for 28×28 images).
    pub inputs: usize,
    /// Hidden width n.
    pub width: usize,
    /// Hidden layers L (each Linear followed by a ReLU).
    pub layers: usize,
    /// Output classes.
    pub classes: usize,
    /// Whether the first Linear is followed by a ReLU (false: the paper's variant).
    pub first_relu: bool,
}

impl MlpConfig {
    /// What a run with mini-batches of `batch` holds, in elements: (description of the largest
    /// tensor, its elements, all tensors). An estimate for memory checks: the parameters six
    /// times (model, twin gradients, optimiser state, copies) and each layer's activations
    /// four times (twins' forward and backward).
    pub fn footprint(&self, batch: usize) -> (String, f64, f64) {
        let (n, w, i, c, b) = (
            self.layers as f64,
            self.width as f64,
            self.inputs as f64,
            self.classes as f64,
            batch as f64,
        );
        let params = i * w + (n - 1.0).max(0.0) * w * w + w * c + n * w + c;
        let activations = b * (i + n * w + c);
        let candidates = [
            (
                format!("a {}×{} weight matrix", self.width, self.width),
                w * w * f64::from(self.layers > 1),
            ),
            (
                format!("a {}×{} weight matrix", self.inputs, self.width),
                i * w,
            ),
            (format!("a {batch}×{} activation", self.width), b * w),
        ];
        let (what, largest) = candidates
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("three candidates");
        (what, largest, 6.0 * params + 4.0 * activations)
    }

    /// The paper's MNIST MLP with `layers` hidden layers of `width` neurons.
    pub fn mnist(width: usize, layers: usize) -> Self {
        MlpConfig {
            inputs: 784,
            width,
            layers,
            classes: 10,
            first_relu: true,
        }
    }

    /// Number of ReLU layers.
    pub fn relu_layers(&self) -> usize {
        if self.first_relu {
            self.layers
        } else {
            self.layers.saturating_sub(1)
        }
    }

    /// Number of parameters.
    pub fn parameters(&self) -> usize {
        let mut total = (self.inputs + 1) * self.width;
        total += (self.layers.saturating_sub(1)) * (self.width + 1) * self.width;
        total + (self.width + 1) * self.classes
    }
}

/// One affine layer `x W + b` (W stored input-major, `[fan_in, fan_out]`).
#[derive(Module, Debug)]
pub struct Dense {
    /// `[fan_in, fan_out]`.
    pub weight: Param<Tensor<2>>,
    /// `[fan_out]`.
    pub bias: Param<Tensor<1>>,
}

impl Dense {
    /// A `fan_in → fan_out` layer drawn from `rng` (PyTorch-default initialisation).
    pub fn init(
        fan_in: usize,
        fan_out: usize,
        rng: &mut Initializer,
        dtype: DType,
        device: &Device,
    ) -> Self {
        // PyTorch draws the weight as [fan_out, fan_in]; draw in that order, then transpose, so
        // that a seed gives the same network in both layouts.
        let drawn = rng.uniform_fan_in(fan_in * fan_out, fan_in);
        let mut weight = vec![0f32; drawn.len()];
        for o in 0..fan_out {
            for i in 0..fan_in {
                weight[i * fan_out + o] = drawn[o * fan_in + i];
            }
        }
        let bias = rng.uniform_fan_in(fan_out, fan_in);
        Dense {
            weight: Param::from_tensor(tensor_from_f32(weight, [fan_in, fan_out], dtype, device)),
            bias: Param::from_tensor(tensor_from_f32(bias, [fan_out], dtype, device)),
        }
    }

    /// `x W + b`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        x.matmul(self.weight.val()) + self.bias.val().unsqueeze_dim(0)
    }

    fn forward_constant(&self, x: Tensor<2>) -> Tensor<2> {
        let w = self.weight.val().without_autodiff();
        let b = self.bias.val().without_autodiff();
        x.matmul(w) + b.unsqueeze_dim(0)
    }
}

/// The MLP's parameters.
#[derive(Module, Debug)]
pub struct Mlp {
    /// Hidden layers then the output layer.
    pub layers: Vec<Dense>,
    /// Batch norm before each hidden ReLU (empty: none).
    pub norms: Vec<BatchNorm>,
}

/// A forward pass: the logits and every ReLU's input (pre-activation).
pub struct Forward {
    /// `[batch, classes]`.
    pub logits: Tensor<2>,
    /// One `[batch, width]` tensor per ReLU, in order.
    pub pre_activations: Vec<Tensor<2>>,
}

impl Mlp {
    /// A network drawn from `seed` with PyTorch-default initialisation, in `dtype` on `device`.
    pub fn init(config: &MlpConfig, seed: u64, dtype: DType, device: &Device) -> Self {
        let hidden = vec![config.width; config.layers];
        Self::init_widths(config.inputs, &hidden, config.classes, seed, dtype, device)
    }

    /// A network `inputs → hidden[0] → … → classes` drawn from `seed` (PyTorch-default
    /// initialisation, layer by layer in order), in `dtype` on `device`.
    pub fn init_widths(
        inputs: usize,
        hidden: &[usize],
        classes: usize,
        seed: u64,
        dtype: DType,
        device: &Device,
    ) -> Self {
        let mut rng = Initializer::new(seed);
        let mut layers = Vec::with_capacity(hidden.len() + 1);
        let mut fan_in = inputs;
        for &width in hidden {
            layers.push(Dense::init(fan_in, width, &mut rng, dtype, device));
            fan_in = width;
        }
        layers.push(Dense::init(fan_in, classes, &mut rng, dtype, device));
        Mlp {
            layers,
            norms: Vec::new(),
        }
    }

    /// The same network with a batch norm (BatchNorm1d) before each hidden layer's ReLU.
    pub fn with_batch_norm(mut self, dtype: DType, device: &Device) -> Self {
        let (hidden, _) = self.layers.split_at(self.layers.len() - 1);
        self.norms = hidden
            .iter()
            .map(|layer| batch_norm(layer.bias.val().dims()[0], dtype, device))
            .collect();
        self
    }

    /// Plain SGD, θ ← θ − lr·g, in the parameters' precision: a new network whose parameters
    /// are fresh leaves of the autodiff graph.
    pub fn sgd_update(&self, grads: &Gradients, lr: f64) -> Result<Mlp, String> {
        let step2 = |p: &Param<Tensor<2>>| -> Result<Param<Tensor<2>>, String> {
            let g = p.val().grad(grads).ok_or("a weight received no gradient")?;
            let value = p.val().without_autodiff() - g.mul_scalar(lr);
            Ok(Param::from_tensor(value.autodiff()))
        };
        let step1 = |p: &Param<Tensor<1>>| -> Result<Param<Tensor<1>>, String> {
            let g = p.val().grad(grads).ok_or("a bias received no gradient")?;
            let value = p.val().without_autodiff() - g.mul_scalar(lr);
            Ok(Param::from_tensor(value.autodiff()))
        };
        let layers = self
            .layers
            .iter()
            .map(|l| {
                Ok(Dense {
                    weight: step2(&l.weight)?,
                    bias: step1(&l.bias)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Mlp {
            layers,
            norms: self.norms.clone(),
        })
    }

    /// Whether the ReLU after hidden layer `index` exists.
    fn has_relu(index: usize, first_relu: bool) -> bool {
        index > 0 || first_relu
    }

    /// Forward pass through the autodiff graph (when the parameters are on an autodiff device).
    pub fn forward(&self, x: Tensor<2>, relu: Relu0, first_relu: bool) -> Forward {
        self.run(x, relu, first_relu, Dense::forward)
    }

    /// Forward pass with the parameters as constants: no graph, for counting exact zeros.
    /// Bitwise the same values as [`Mlp::forward`] for a network without batch norm (batch
    /// norm on constants uses its running statistics).
    pub fn forward_constant(&self, x: Tensor<2>, relu: Relu0, first_relu: bool) -> Forward {
        self.run(x, relu, first_relu, Dense::forward_constant)
    }

    fn run(
        &self,
        x: Tensor<2>,
        relu: Relu0,
        first_relu: bool,
        affine: impl Fn(&Dense, Tensor<2>) -> Tensor<2>,
    ) -> Forward {
        let (hidden, output) = self.layers.split_at(self.layers.len() - 1);
        let mut pre_activations = Vec::with_capacity(hidden.len());
        let mut h = x;
        for (index, layer) in hidden.iter().enumerate() {
            let mut z = affine(layer, h);
            if let Some(norm) = self.norms.get(index) {
                z = norm.forward(z);
            }
            h = if Self::has_relu(index, first_relu) {
                pre_activations.push(z.clone());
                relu0(z, relu.alpha, relu.semantics)
            } else {
                z
            };
        }
        Forward {
            logits: affine(&output[0], h),
            pre_activations,
        }
    }

    /// The first layer's weight.
    pub fn first_weight(&self) -> &Param<Tensor<2>> {
        &self.layers[0].weight
    }
}

/// Mean cross-entropy of `logits` against class indices `labels` (`[batch]`).
pub fn cross_entropy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    let log_probs = log_softmax(logits, 1);
    let picked = log_probs.gather(1, labels.unsqueeze_dim(1));
    picked.mean().neg()
}
