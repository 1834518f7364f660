//! Networks whose every ReLU is the ReLU'(0)=a op, with PyTorch-default initialisation.

pub mod init;
pub mod layers;
pub mod mlp;
pub mod network;
pub mod resnet;
pub mod stacked;
pub mod vgg;

pub use mlp::{Mlp, MlpConfig};
pub use network::{ModelKind, Network, NetworkConfig, Pass};

use crate::ops::{Alpha, Semantics};

/// How the ReLUs of a forward pass differentiate at 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Relu0 {
    /// ReLU'(0).
    pub alpha: Alpha,
    /// Multiply or assign.
    pub semantics: Semantics,
}

impl Relu0 {
    /// ReLU'(0) = `alpha` with `semantics`.
    pub fn new(alpha: Alpha, semantics: Semantics) -> Self {
        Relu0 { alpha, semantics }
    }
}
