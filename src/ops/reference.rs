//! Reference implementations of the op: in burn's tensor operations (the CPU back end's
//! implementation, generic over any back end) and element by element on the host (what the
//! kernel tests compare against, in f16 through `half`, f32 and f64).

use super::Semantics;
use burn::backend::TensorMetadata;
use burn::backend::{Backend, get_or_init_device_settings, tensor::FloatTensor};
use burn::tensor::FloatDType;

/// Forward in tensor operations: `+0.0` where `x <= 0`, `x` elsewhere (NaN is kept).
pub fn forward_ops<B: Backend>(x: FloatTensor<B>) -> FloatTensor<B> {
    let device = x.device();
    let bool_dtype = get_or_init_device_settings::<B>(&device).bool_dtype;
    let not_positive = B::float_lower_equal_elem(x.clone(), 0f64.into(), bool_dtype);
    B::float_mask_fill(x, not_positive, 0f64.into())
}

/// Backward in tensor operations.
pub fn backward_ops<B: Backend>(
    x: FloatTensor<B>,
    dy: FloatTensor<B>,
    alpha: f64,
    semantics: Semantics,
) -> FloatTensor<B> {
    let device = x.device();
    let bool_dtype = get_or_init_device_settings::<B>(&device).bool_dtype;
    let dtype: FloatDType = x.dtype().into();
    let shape = x.shape();
    let is_zero = B::float_equal_elem(x.clone(), 0f64.into(), bool_dtype);
    match semantics {
        Semantics::Multiply => {
            let positive = B::float_greater_elem(x, 0f64.into(), bool_dtype);
            let factor = B::float_zeros(shape, &device, dtype);
            let factor = B::float_mask_fill(factor, positive, 1f64.into());
            let factor = B::float_mask_fill(factor, is_zero, alpha.into());
            B::float_mul(dy, factor)
        }
        Semantics::Assign => {
            let not_positive = B::float_lower_equal_elem(x, 0f64.into(), bool_dtype);
            let out = B::float_mask_fill(dy, not_positive, 0f64.into());
            B::float_mask_fill(out, is_zero, alpha.into())
        }
    }
}

/// Host element type the scalar reference works in.
pub trait HostFloat: Copy + PartialOrd + std::ops::Mul<Output = Self> {
    /// 0.0
    const ZERO: Self;
    /// 1.0
    const ONE: Self;
    /// `a` rounded to nearest, ties to even.
    fn from_f64(a: f64) -> Self;
}

impl HostFloat for half::f16 {
    const ZERO: Self = half::f16::ZERO;
    const ONE: Self = half::f16::ONE;
    fn from_f64(a: f64) -> Self {
        half::f16::from_f64(a)
    }
}

impl HostFloat for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_f64(a: f64) -> Self {
        a as f32
    }
}

impl HostFloat for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_f64(a: f64) -> Self {
        a
    }
}

/// Forward of one element.
#[inline]
pub fn forward_scalar<F: HostFloat>(x: F) -> F {
    if x <= F::ZERO { F::ZERO } else { x }
}

/// Backward of one element.
pub fn backward_scalar<F: HostFloat>(x: F, dy: F, alpha: f64, semantics: Semantics) -> F {
    backward_rounded(x, dy, F::from_f64(alpha), semantics)
}

/// Backward of one element, with `a` already rounded to the element type.
#[inline]
pub fn backward_rounded<F: HostFloat>(x: F, dy: F, a: F, semantics: Semantics) -> F {
    match semantics {
        Semantics::Multiply => {
            let m = if x > F::ZERO {
                F::ONE
            } else if x == F::ZERO {
                a
            } else {
                F::ZERO
            };
            dy * m
        }
        Semantics::Assign => {
            if x > F::ZERO {
                dy
            } else if x == F::ZERO {
                a
            } else {
                F::ZERO
            }
        }
    }
}
