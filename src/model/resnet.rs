//! ResNet18, CIFAR variant: a 3×3 stem of 64 channels, four stages of two basic blocks (64, 128,
//! 256, 512 channels; strides 1, 2, 2, 2), 4×4 average pooling and `Linear(512, 10)`. Every
//! ReLU is the ReLU'(0)=a op; batch norm is optional. With batch norm the convolutions have no
//! bias (it would be cancelled); without it they keep one, so that the network still has
//! biases.

use super::init::Initializer;
use super::layers::{Activation, Conv, ConvShape, batch_norm};
use super::mlp::Dense;
use burn::module::Module;
use burn::nn::BatchNorm;
use burn::tensor::ops::AvgPoolOptions;
use burn::tensor::{DType, Device, Tensor};

/// A convolution with its optional batch norm.
#[derive(Module, Debug)]
pub struct ConvNorm {
    /// The convolution.
    pub conv: Conv,
    /// The batch norm after it.
    pub norm: Option<BatchNorm>,
}

impl ConvNorm {
    fn init(
        shape: ConvShape,
        with_batch_norm: bool,
        rng: &mut Initializer,
        dtype: DType,
        device: &Device,
    ) -> Self {
        ConvNorm {
            conv: Conv::init(shape, !with_batch_norm, rng, dtype, device),
            norm: with_batch_norm.then(|| batch_norm(shape.outputs, dtype, device)),
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let z = self.conv.forward(x);
        match &self.norm {
            Some(norm) => norm.forward(z),
            None => z,
        }
    }
}

/// `relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))`.
#[derive(Module, Debug)]
pub struct BasicBlock {
    /// First 3×3 convolution (carries the stride).
    pub first: ConvNorm,
    /// Second 3×3 convolution.
    pub second: ConvNorm,
    /// 1×1 projection when the shape changes; identity otherwise.
    pub shortcut: Option<ConvNorm>,
}

impl BasicBlock {
    fn forward(&self, x: Tensor<4>, activation: &mut Activation) -> Tensor<4> {
        let h = activation.apply(self.first.forward(x.clone()));
        let h = self.second.forward(h);
        let skip = match &self.shortcut {
            Some(projection) => projection.forward(x),
            None => x,
        };
        activation.apply(h + skip)
    }
}

/// ResNet18 for 3×32×32 inputs.
#[derive(Module, Debug)]
pub struct ResNet {
    /// 3×3 convolution 3 → 64.
    pub stem: ConvNorm,
    /// Eight basic blocks.
    pub blocks: Vec<BasicBlock>,
    /// `Linear(512, classes)`.
    pub classifier: Dense,
}

impl ResNet {
    /// ResNet18 drawn from `seed` (PyTorch-default initialisation, layer by layer in order).
    pub fn init(
        classes: usize,
        with_batch_norm: bool,
        seed: u64,
        dtype: DType,
        device: &Device,
    ) -> Self {
        let mut rng = Initializer::new(seed);
        let bn = with_batch_norm;
        let stem = ConvNorm::init(ConvShape::k3(3, 64, 1), bn, &mut rng, dtype, device);
        let mut blocks = Vec::new();
        let mut channels = 64;
        for (planes, stride) in [(64, 1), (128, 2), (256, 2), (512, 2)] {
            for block in 0..2 {
                let stride = if block == 0 { stride } else { 1 };
                let first = ConvNorm::init(
                    ConvShape::k3(channels, planes, stride),
                    bn,
                    &mut rng,
                    dtype,
                    device,
                );
                let second = ConvNorm::init(
                    ConvShape::k3(planes, planes, 1),
                    bn,
                    &mut rng,
                    dtype,
                    device,
                );
                let shortcut = (stride != 1 || channels != planes).then(|| {
                    ConvNorm::init(
                        ConvShape::k1(channels, planes, stride),
                        bn,
                        &mut rng,
                        dtype,
                        device,
                    )
                });
                blocks.push(BasicBlock {
                    first,
                    second,
                    shortcut,
                });
                channels = planes;
            }
        }
        let classifier = Dense::init(channels, classes, &mut rng, dtype, device);
        ResNet {
            stem,
            blocks,
            classifier,
        }
    }

    /// Number of ReLUs.
    pub fn relu_layers(&self) -> usize {
        1 + 2 * self.blocks.len()
    }

    /// Logits of `x` (`[batch, 3, 32, 32]`).
    pub fn forward(&self, x: Tensor<4>, activation: &mut Activation) -> Tensor<2> {
        let mut h = activation.apply(self.stem.forward(x));
        for block in &self.blocks {
            h = block.forward(h, activation);
        }
        // 512×4×4 → 512×1×1.
        let pooled = burn::tensor::module::avg_pool2d(h, AvgPoolOptions::new([4, 4]));
        self.classifier.forward(pooled.flatten(1, 3))
    }

    /// The stem convolution's weight.
    pub fn first_weight(&self) -> Tensor<4> {
        self.stem.conv.weight.val()
    }
}
