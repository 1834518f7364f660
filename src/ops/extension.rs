//! The backend extension trait behind [`super::relu0`], routed by burn's dispatch to the
//! cubecl (WGSL), Flex (CPU) and autodiff implementations.

use burn::backend::{Backend, backend_extension, tensor::FloatTensor};

/// ReLU with a runtime ReLU'(0): forward and backward kernels.
///
/// `alpha` is ReLU'(0) (finite; rounded to the element type by each implementation) and
/// `semantics` is [`super::Semantics::code`].
#[backend_extension(Cube, Flex, Autodiff)]
pub trait Relu0Backend: Backend {
    /// `max(x, 0)`; under autodiff, records the backward with this `alpha` and `semantics`.
    fn relu0(x: FloatTensor<Self>, alpha: f64, semantics: u32) -> FloatTensor<Self>;

    /// The gradient with respect to `x` given the upstream gradient `dy`.
    fn relu0_backward(
        x: FloatTensor<Self>,
        dy: FloatTensor<Self>,
        alpha: f64,
        semantics: u32,
    ) -> FloatTensor<Self>;
}
