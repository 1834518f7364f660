//! One type for every network an experiment can draw: the paper's MLP (± batch norm), VGG11 and
//! ResNet18 (CIFAR variants, ± batch norm).

use super::Relu0;
use super::layers::Activation;
use super::mlp::{Mlp, MlpConfig};
use super::resnet::ResNet;
use super::vgg::Vgg;
use crate::data::Split;
use crate::error::Error;
use crate::experiment::twins::Compare;
use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::{DType, Device, Gradients, Int, Tensor};
use serde::{Deserialize, Serialize};

/// Which architecture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// `[Linear+ReLU] × L + Linear` (the paper's MNIST networks).
    #[default]
    Mlp,
    /// VGG11, CIFAR variant.
    Vgg11,
    /// ResNet18, CIFAR variant.
    Resnet18,
}

impl ModelKind {
    /// `mlp`, `vgg11` or `resnet18`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Mlp => "mlp",
            ModelKind::Vgg11 => "vgg11",
            ModelKind::Resnet18 => "resnet18",
        }
    }

    /// Whether the network takes 3×32×32 images.
    pub fn is_convolutional(self) -> bool {
        self != ModelKind::Mlp
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "mlp" => Ok(ModelKind::Mlp),
            "vgg11" => Ok(ModelKind::Vgg11),
            "resnet18" => Ok(ModelKind::Resnet18),
            other => Err(format!(
                "unknown model '{other}' (expected mlp, vgg11 or resnet18)"
            )),
        }
    }
}

/// The architecture and its sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// Which architecture.
    pub kind: ModelKind,
    /// Batch norm before every ReLU.
    pub batch_norm: bool,
    /// The MLP's shape (`kind = mlp` only).
    pub mlp: MlpConfig,
}

impl NetworkConfig {
    /// An MLP.
    pub fn mlp(mlp: MlpConfig, batch_norm: bool) -> Self {
        NetworkConfig {
            kind: ModelKind::Mlp,
            batch_norm,
            mlp,
        }
    }

    /// Number of ReLU layers (the length of every zero census).
    pub fn relu_layers(&self) -> usize {
        match self.kind {
            ModelKind::Mlp => self.mlp.relu_layers(),
            ModelKind::Vgg11 => 8,
            ModelKind::Resnet18 => 17,
        }
    }

    /// Checks, before anything is allocated, that a run with mini-batches of `batch` fits on
    /// `compute` (MLPs; the CIFAR-10 networks have fixed sizes).
    pub fn check_fits(&self, batch: usize, compute: &crate::backend::Compute) -> Result<(), Error> {
        if self.kind.is_convolutional() {
            return Ok(());
        }
        let (what, largest, total) = self.mlp.footprint(batch);
        let setting = format!("--width {} --batch {batch}", self.mlp.width);
        Ok(compute.check_fits(&setting, &what, largest, total)?)
    }

    /// Checks that the network can read `split`'s images.
    pub fn check_input(&self, split: &Split) -> Result<(), Error> {
        if self.kind.is_convolutional() {
            if split.channels != 3 || split.side != 32 {
                return Err(Error::Config(format!(
                    "--model {} takes 3x32x32 images (--dataset cifar10); this data set has \
                     {}x{}x{} images",
                    self.kind, split.channels, split.side, split.side
                )));
            }
        } else if split.pixels != self.mlp.inputs {
            return Err(Error::Config(format!(
                "the MLP takes {} inputs but the images have {} values",
                self.mlp.inputs, split.pixels
            )));
        }
        Ok(())
    }
}

/// A network of any architecture. (The variants differ in size; a network is created once per
/// draw or run, so boxing them would buy nothing.)
#[derive(Module, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Network {
    /// The paper's MLP.
    Mlp(Mlp),
    /// VGG11.
    Vgg(Vgg),
    /// ResNet18.
    ResNet(ResNet),
}

/// One forward pass: the logits and, when asked, each ReLU input's exact-zero count.
pub struct Pass {
    /// `[batch, classes]`.
    pub logits: Tensor<2>,
    /// One `[1]` count per ReLU, in order (empty without census).
    pub zeros: Vec<Tensor<1, Int>>,
    /// Elements of each ReLU input, in order (empty without census).
    pub sizes: Vec<usize>,
}

impl Network {
    /// The MLP, if this is one.
    pub fn as_mlp(&self) -> Option<&Mlp> {
        match self {
            Network::Mlp(mlp) => Some(mlp),
            _ => None,
        }
    }

    /// A network drawn from `seed` with PyTorch-default initialisation, in `dtype` on `device`.
    pub fn init(config: &NetworkConfig, seed: u64, dtype: DType, device: &Device) -> Self {
        let classes = config.mlp.classes;
        match config.kind {
            ModelKind::Mlp => {
                let mlp = Mlp::init(&config.mlp, seed, dtype, device);
                Network::Mlp(if config.batch_norm {
                    mlp.with_batch_norm(dtype, device)
                } else {
                    mlp
                })
            }
            ModelKind::Vgg11 => {
                Network::Vgg(Vgg::init(classes, config.batch_norm, seed, dtype, device))
            }
            ModelKind::Resnet18 => Network::ResNet(ResNet::init(
                classes,
                config.batch_norm,
                seed,
                dtype,
                device,
            )),
        }
    }

    /// Forward pass of flattened images `x` (`[batch, pixels]`). On an autodiff device the
    /// batch norms (if any) use batch statistics; after `Module::valid` the running ones.
    pub fn forward(&self, x: Tensor<2>, relu: Relu0, census: bool, first_relu: bool) -> Pass {
        match self {
            Network::Mlp(mlp) => {
                let forward = mlp.forward(x, relu, first_relu);
                let mut activation = Activation::new(relu, census);
                if census {
                    for z in forward.pre_activations {
                        activation.count(z);
                    }
                }
                let (zeros, sizes) = activation.into_counts();
                Pass {
                    logits: forward.logits,
                    zeros,
                    sizes,
                }
            }
            Network::Vgg(vgg) => {
                let mut activation = Activation::new(relu, census);
                let logits = vgg.forward(images(x), &mut activation);
                let (zeros, sizes) = activation.into_counts();
                Pass {
                    logits,
                    zeros,
                    sizes,
                }
            }
            Network::ResNet(resnet) => {
                let mut activation = Activation::new(relu, census);
                let logits = resnet.forward(images(x), &mut activation);
                let (zeros, sizes) = activation.into_counts();
                Pass {
                    logits,
                    zeros,
                    sizes,
                }
            }
        }
    }

    /// Each ReLU input's exact-zero count for `x` (not autodiff), computed without keeping a
    /// graph where the values allow it (an MLP without batch norm); bitwise the same
    /// pre-activations as [`Network::forward`] on the autodiff device.
    pub fn census(&self, x: Tensor<2>, relu: Relu0, first_relu: bool) -> Vec<Tensor<1, Int>> {
        match self {
            Network::Mlp(mlp) if mlp.norms.is_empty() => mlp
                .forward_constant(x, relu, first_relu)
                .pre_activations
                .into_iter()
                .map(|z| z.equal_elem(0.0).int().sum())
                .collect(),
            _ => self.forward(x.autodiff(), relu, true, first_relu).zeros,
        }
    }

    /// The gradients that decide whether twins differ, flattened and concatenated: the first
    /// layer's weight, or every trained parameter (`Compare::All`, in module order).
    pub fn compared_gradients(
        &self,
        grads: &Gradients,
        compare: Compare,
    ) -> Result<Tensor<1>, Error> {
        let missing = || Error::Device("the first layer received no gradient".into());
        match compare {
            Compare::FirstLayer => match self {
                Network::Mlp(mlp) => {
                    let g = mlp.first_weight().val().grad(grads).ok_or_else(missing)?;
                    Ok(g.flatten(0, 1))
                }
                Network::Vgg(vgg) => Ok(vgg
                    .first_weight()
                    .grad(grads)
                    .ok_or_else(missing)?
                    .flatten(0, 3)),
                Network::ResNet(resnet) => Ok(resnet
                    .first_weight()
                    .grad(grads)
                    .ok_or_else(missing)?
                    .flatten(0, 3)),
            },
            Compare::All => {
                let mut collector = GradientCollector {
                    grads,
                    parts: Vec::new(),
                };
                self.visit(&mut collector);
                if collector.parts.is_empty() {
                    return Err(Error::Device("no parameter received a gradient".into()));
                }
                Ok(Tensor::cat(collector.parts, 0))
            }
        }
    }
}

/// `[batch, 3·32·32]` → `[batch, 3, 32, 32]`.
fn images(x: Tensor<2>) -> Tensor<4> {
    let [batch, pixels] = x.dims();
    let side = ((pixels / 3) as f64).sqrt() as usize;
    x.reshape([batch, 3, side, side])
}

/// Gathers the gradient of every parameter that has one (running statistics have none).
struct GradientCollector<'a> {
    grads: &'a Gradients,
    parts: Vec<Tensor<1>>,
}

impl ModuleVisitor for GradientCollector<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = param.val().grad(self.grads) {
            self.parts.push(g.flatten(0, D - 1));
        }
    }
}
