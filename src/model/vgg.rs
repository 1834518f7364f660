//! VGG11, CIFAR variant: 3×3 convolutions `[64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512,
//! M]` (M: 2×2 max pooling), each followed by an optional batch norm and the ReLU'(0)=a op, then
//! `Linear(512, 10)`.

use super::init::Initializer;
use super::layers::{Activation, Conv, ConvShape, batch_norm};
use super::mlp::Dense;
use burn::module::Module;
use burn::nn::BatchNorm;
use burn::tensor::ops::MaxPoolOptions;
use burn::tensor::{DType, Device, Tensor};

/// The feature extractor: output channels per convolution, `None` for a max pooling.
pub const VGG11_LAYOUT: [Option<usize>; 13] = [
    Some(64),
    None,
    Some(128),
    None,
    Some(256),
    Some(256),
    None,
    Some(512),
    Some(512),
    None,
    Some(512),
    Some(512),
    None,
];

/// One convolution stage: conv, optional batch norm, ReLU, optional 2×2 max pooling after.
#[derive(Module, Debug)]
pub struct VggStage {
    /// The 3×3 convolution (with a bias, as PyTorch's VGG).
    pub conv: Conv,
    /// Batch norm between the convolution and the ReLU.
    pub norm: Option<BatchNorm>,
    /// Whether a max pooling follows.
    pub pool: bool,
}

/// VGG11 for 3×32×32 inputs.
#[derive(Module, Debug)]
pub struct Vgg {
    /// The eight convolution stages.
    pub stages: Vec<VggStage>,
    /// `Linear(512, classes)`.
    pub classifier: Dense,
}

impl Vgg {
    /// VGG11 drawn from `seed` (PyTorch-default initialisation, layer by layer in order).
    pub fn init(
        classes: usize,
        with_batch_norm: bool,
        seed: u64,
        dtype: DType,
        device: &Device,
    ) -> Self {
        let mut rng = Initializer::new(seed);
        let mut stages: Vec<VggStage> = Vec::new();
        let mut channels = 3;
        for entry in VGG11_LAYOUT {
            match entry {
                Some(out) => {
                    let shape = ConvShape::k3(channels, out, 1);
                    stages.push(VggStage {
                        conv: Conv::init(shape, true, &mut rng, dtype, device),
                        norm: with_batch_norm.then(|| batch_norm(out, dtype, device)),
                        pool: false,
                    });
                    channels = out;
                }
                None => {
                    if let Some(last) = stages.last_mut() {
                        last.pool = true;
                    }
                }
            }
        }
        let classifier = Dense::init(channels, classes, &mut rng, dtype, device);
        Vgg { stages, classifier }
    }

    /// Number of ReLUs.
    pub fn relu_layers(&self) -> usize {
        self.stages.len()
    }

    /// Logits of `x` (`[batch, 3, 32, 32]`).
    pub fn forward(&self, x: Tensor<4>, activation: &mut Activation) -> Tensor<2> {
        let mut h = x;
        for stage in &self.stages {
            let mut z = stage.conv.forward(h);
            if let Some(norm) = &stage.norm {
                z = norm.forward(z);
            }
            h = activation.apply(z);
            if stage.pool {
                h = burn::tensor::module::max_pool2d(h, MaxPoolOptions::new([2, 2]));
            }
        }
        // 512×1×1 after five poolings of a 32×32 image.
        let features: Tensor<2> = h.flatten(1, 3);
        self.classifier.forward(features)
    }

    /// The first convolution's weight.
    pub fn first_weight(&self) -> Tensor<4> {
        self.stages[0].conv.weight.val()
    }
}
