//! The ReLU whose derivative at 0 is a runtime value `a`.
//!
//! Forward is `max(x, 0)`, bitwise the same as burn's relu. Backward follows one of two
//! [`Semantics`]: *multiply* `dx = dy · m(x)` with `m(x) = 1 (x > 0), a (x == 0), 0 (x < 0)`, or
//! *assign* (the paper authors' code) `dx = dy (x > 0), a (x == 0), 0 (x < 0)`. `-0.0` is a zero.
//!
//! The op is a burn backend extension: on the cubecl (wgpu) back end it launches our WGSL
//! kernels from `shaders/`, on the Flex CPU back end it runs [`reference`] (plain tensor
//! operations), and under autodiff a hand-written backward calls the back end's kernel, so
//! `loss.backward()` uses it.
//!
//! [`bitwise`] compares two tensors bit for bit on their device (twins' gradients).

mod autodiff;
pub mod bitwise;
mod cube;
mod extension;
pub mod reference;

pub use bitwise::{BitsBackend, bitwise_equal, differing_words};
pub use extension::Relu0Backend;

use burn::backend::Dispatch;
use burn::tensor::{DType, Tensor};
use serde::{Deserialize, Serialize};

/// How the backward pass uses `a` where the pre-activation is exactly zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Semantics {
    /// `dx = dy · a` at zero: the chain rule with ReLU'(0) = a (the default).
    #[default]
    Multiply,
    /// `dx = a` at zero whatever `dy` is: what the paper's PyTorch code does.
    Assign,
}

impl Semantics {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Semantics::Multiply => "multiply",
            Semantics::Assign => "assign",
        }
    }

    /// The code passed to kernels: 0 for multiply, 1 for assign.
    pub(crate) fn code(self) -> u32 {
        match self {
            Semantics::Multiply => 0,
            Semantics::Assign => 1,
        }
    }

    pub(crate) fn from_code(code: u32) -> Self {
        if code == 0 {
            Semantics::Multiply
        } else {
            Semantics::Assign
        }
    }
}

impl std::fmt::Display for Semantics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Semantics {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "multiply" => Ok(Semantics::Multiply),
            "assign" => Ok(Semantics::Assign),
            other => Err(format!(
                "unknown semantics '{other}' (expected multiply or assign)"
            )),
        }
    }
}

/// A validated value for ReLU'(0): finite, and finite once rounded to the run's precision.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alpha(f64);

/// Why a value cannot be used as ReLU'(0).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlphaError {
    /// NaN or ±infinity.
    #[error("ReLU'(0) = {0} is not a finite number")]
    NotFinite(f64),
    /// Finite, but it overflows the element type of the run.
    #[error("ReLU'(0) = {value:e} overflows {precision} (largest finite value {max:e})")]
    Overflows {
        /// The requested value.
        value: f64,
        /// The precision it does not fit.
        precision: &'static str,
        /// The largest finite value of that precision.
        max: f64,
    },
}

impl Alpha {
    /// ReLU'(0) = 0, what every framework uses.
    pub const ZERO: Alpha = Alpha(0.0);
    /// ReLU'(0) = 1, the twin that bifurcates.
    pub const ONE: Alpha = Alpha(1.0);

    /// Accepts any finite real.
    pub fn new(value: f64) -> Result<Self, AlphaError> {
        if value.is_finite() {
            Ok(Alpha(value))
        } else {
            Err(AlphaError::NotFinite(value))
        }
    }

    /// Accepts a finite real that stays finite in the element type `dtype`.
    pub fn for_dtype(value: f64, dtype: DType) -> Result<Self, AlphaError> {
        let alpha = Alpha::new(value)?;
        let (precision, max) = match dtype {
            DType::F16 => ("f16", f64::from(half::f16::MAX)),
            DType::F32 => ("f32", f64::from(f32::MAX)),
            _ => ("f64", f64::MAX),
        };
        if alpha.rounded(dtype).is_finite() {
            Ok(alpha)
        } else {
            Err(AlphaError::Overflows {
                value,
                precision,
                max,
            })
        }
    }

    /// The value as given.
    pub fn value(self) -> f64 {
        self.0
    }

    /// The value rounded (to nearest, ties to even) to the element type `dtype`, widened back.
    pub fn rounded(self, dtype: DType) -> f64 {
        match dtype {
            DType::F16 => f64::from(half::f16::from_f64(self.0)),
            DType::F32 => f64::from(self.0 as f32),
            _ => self.0,
        }
    }
}

impl std::fmt::Display for Alpha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// ReLU with ReLU'(0) = `alpha` under `semantics`; differentiable under burn's autodiff.
///
/// `alpha` must already be valid for the tensor's element type ([`Alpha::for_dtype`]).
pub fn relu0<const D: usize>(x: Tensor<D>, alpha: Alpha, semantics: Semantics) -> Tensor<D> {
    let out = <Dispatch as Relu0Backend>::relu0(x.into_dispatch(), alpha.value(), semantics.code());
    Tensor::from_dispatch(out)
}

/// The backward of [`relu0`] alone: the gradient with respect to `x` given the upstream
/// gradient `dy`. Exposed so that kernels can be checked against [`reference`].
pub fn relu0_backward<const D: usize>(
    x: Tensor<D>,
    dy: Tensor<D>,
    alpha: Alpha,
    semantics: Semantics,
) -> Tensor<D> {
    let out = <Dispatch as Relu0Backend>::relu0_backward(
        x.into_dispatch(),
        dy.into_dispatch(),
        alpha.value(),
        semantics.code(),
    );
    Tensor::from_dispatch(out)
}
