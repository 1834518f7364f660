//! Building blocks shared by the convolutional networks: a 2-D convolution with PyTorch-default
//! initialisation, batch norm in the run's element type, and the ReLU'(0)=a activation that can
//! count exact zeros in its input as it goes.

use super::Relu0;
use super::init::{Initializer, tensor_from_f32};
use crate::ops::relu0;
use burn::module::{Module, Param, RunningState};
use burn::nn::BatchNorm;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{DType, Device, Int, Tensor};

/// A 2-D convolution, weight `[out, in, k, k]`, square kernel, zero padding `k / 2`.
#[derive(Module, Debug)]
pub struct Conv {
    /// `[out_channels, in_channels, kernel, kernel]`.
    pub weight: Param<Tensor<4>>,
    /// `[out_channels]`, absent when a batch norm follows.
    pub bias: Option<Param<Tensor<1>>>,
    /// Stride on both axes.
    pub stride: usize,
}

impl Conv {
    /// A `kernel × kernel` convolution drawn from `rng` with PyTorch's default for Conv2d
    /// (weights and bias from U(±1/√fan_in), fan_in = in · k²).
    pub fn init(
        shape: ConvShape,
        bias: bool,
        rng: &mut Initializer,
        dtype: DType,
        device: &Device,
    ) -> Self {
        let ConvShape {
            inputs,
            outputs,
            kernel,
            stride,
        } = shape;
        let fan_in = inputs * kernel * kernel;
        let weight = rng.uniform_fan_in(outputs * fan_in, fan_in);
        let weight = tensor_from_f32(weight, [outputs, inputs, kernel, kernel], dtype, device);
        let bias = bias.then(|| {
            let values = rng.uniform_fan_in(outputs, fan_in);
            Param::from_tensor(tensor_from_f32(values, [outputs], dtype, device))
        });
        Conv {
            weight: Param::from_tensor(weight),
            bias,
            stride,
        }
    }

    /// The convolution of `x` (`[batch, in, h, w]`).
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let [_, _, kernel, _] = self.weight.val().dims();
        let pad = kernel / 2;
        let options = ConvOptions::new([self.stride; 2], [pad; 2], [1, 1], 1);
        burn::tensor::module::conv2d(
            x,
            self.weight.val(),
            self.bias.as_ref().map(Param::val),
            options,
        )
    }
}

/// Channels, kernel and stride of a convolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvShape {
    /// Input channels.
    pub inputs: usize,
    /// Output channels.
    pub outputs: usize,
    /// Kernel side.
    pub kernel: usize,
    /// Stride.
    pub stride: usize,
}

impl ConvShape {
    /// A 3×3 convolution.
    pub fn k3(inputs: usize, outputs: usize, stride: usize) -> Self {
        ConvShape {
            inputs,
            outputs,
            kernel: 3,
            stride,
        }
    }

    /// A 1×1 convolution (ResNet's projection shortcut).
    pub fn k1(inputs: usize, outputs: usize, stride: usize) -> Self {
        ConvShape {
            inputs,
            outputs,
            kernel: 1,
            stride,
        }
    }
}

/// Batch norm over `features` channels in element type `dtype` (γ = 1, β = 0, running mean 0,
/// running variance 1, momentum 0.1, ε = 1e-5: PyTorch's defaults). It normalises with the
/// batch statistics in training mode and with the running ones after `Module::valid`.
pub fn batch_norm(features: usize, dtype: DType, device: &Device) -> BatchNorm {
    let ones = || Tensor::<1>::ones([features], (device, dtype));
    let zeros = || Tensor::<1>::zeros([features], (device, dtype));
    BatchNorm {
        gamma: Param::from_tensor(ones()),
        beta: Param::from_tensor(zeros()),
        training: Param::from_bool(true),
        running_mean: RunningState::new(zeros()),
        running_var: RunningState::new(ones()),
        momentum: 0.1,
        epsilon: 1e-5,
    }
}

/// The ReLU'(0)=a activation of one forward pass, optionally counting the exact zeros (+0 or
/// −0) in every ReLU input, layer by layer, on the device.
pub struct Activation {
    relu: Relu0,
    census: Option<Vec<Tensor<1, Int>>>,
    sizes: Vec<usize>,
}

impl Activation {
    /// Applies `relu`; with `census`, also records each input's exact-zero count.
    pub fn new(relu: Relu0, census: bool) -> Self {
        Activation {
            relu,
            census: census.then(Vec::new),
            sizes: Vec::new(),
        }
    }

    /// ReLU with ReLU'(0) = a of `z`.
    pub fn apply<const D: usize>(&mut self, z: Tensor<D>) -> Tensor<D> {
        self.count(z.clone());
        relu0(z, self.relu.alpha, self.relu.semantics)
    }

    /// Records `z`'s exact-zero count as a ReLU input (with census; nothing otherwise).
    pub fn count<const D: usize>(&mut self, z: Tensor<D>) {
        if let Some(counts) = self.census.as_mut() {
            self.sizes.push(z.dims().iter().product());
            counts.push(z.equal_elem(0.0).int().sum());
        }
    }

    /// The zero counts, one `[1]` tensor per ReLU in order, and the number of elements of
    /// each ReLU input (both empty without census).
    pub fn into_counts(self) -> (Vec<Tensor<1, Int>>, Vec<usize>) {
        (self.census.unwrap_or_default(), self.sizes)
    }
}
