//! The op under burn's autodiff: forward through the inner back end, and a hand-written
//! backward that calls the inner back end's `relu0_backward` (our WGSL on wgpu).
//! Also the Flex (CPU) implementation: [`reference`]'s scalar functions in one pass.

use super::reference::HostFloat;
use super::{Semantics, extension::Relu0Backend, reference};
use burn::backend::autodiff::{
    checkpoint::{base::Checkpointer, strategy::CheckpointStrategy},
    grads::Gradients,
    ops::{Backward, Ops, OpsKind, unary},
};
use burn::backend::{Autodiff, AutodiffBackend, Backend, Flex, tensor::FloatTensor};
use burn::tensor::DType;
use burn_flex::ops::{binary::binary_op, unary::unary_op};

/// On the CPU: one pass over the elements with the scalar reference itself (f32, f64; the
/// output reuses an input's buffer where nothing else holds it), tensor operations otherwise.
impl Relu0Backend for Flex {
    fn relu0(x: FloatTensor<Self>, _alpha: f64, _semantics: u32) -> FloatTensor<Self> {
        match x.dtype() {
            DType::F32 | DType::F64 => unary_op(
                x,
                reference::forward_scalar::<f32>,
                reference::forward_scalar::<f64>,
            ),
            _ => reference::forward_ops::<Flex>(x),
        }
    }

    fn relu0_backward(
        x: FloatTensor<Self>,
        dy: FloatTensor<Self>,
        alpha: f64,
        semantics: u32,
    ) -> FloatTensor<Self> {
        let semantics = Semantics::from_code(semantics);
        match x.dtype() {
            DType::F32 | DType::F64 => {
                let (a32, a64) = (f32::from_f64(alpha), f64::from_f64(alpha));
                binary_op(
                    x,
                    dy,
                    move |x: f32, dy| reference::backward_rounded(x, dy, a32, semantics),
                    move |x: f64, dy| reference::backward_rounded(x, dy, a64, semantics),
                    None,
                )
            }
            _ => reference::backward_ops::<Flex>(x, dy, alpha, semantics),
        }
    }
}

/// The recorded backward step: keeps the forward's input, `a` and the semantics.
#[derive(Debug)]
struct Relu0Step;

/// What the backward step needs: the pre-activation, `a` and the semantics code.
#[derive(Debug, Clone)]
struct Relu0State<B: Backend> {
    input: FloatTensor<B>,
    alpha: f64,
    semantics: u32,
}

impl<B: Backend + Relu0Backend> Backward<B, 1> for Relu0Step {
    type State = Relu0State<B>;

    fn backward(
        self,
        ops: Ops<Self::State, 1>,
        grads: &mut Gradients,
        _checkpointer: &mut Checkpointer,
    ) {
        let Relu0State {
            input,
            alpha,
            semantics,
        } = ops.state;
        unary::<B, _>(ops.parents, ops.node, grads, |dy| {
            B::relu0_backward(input, dy, alpha, semantics)
        });
    }
}

impl<B: Backend + Relu0Backend, C: CheckpointStrategy> Relu0Backend for Autodiff<B, C> {
    fn relu0(x: FloatTensor<Self>, alpha: f64, semantics: u32) -> FloatTensor<Self> {
        let prep = Relu0Step
            .prepare::<C>([x.node()])
            .compute_bound()
            .stateful();
        let input = <Self as AutodiffBackend>::inner(x);
        match prep {
            OpsKind::Tracked(prep) => {
                let output = B::relu0(input.clone(), alpha, semantics);
                let state = Relu0State {
                    input,
                    alpha,
                    semantics,
                };
                prep.finish(state, output)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::relu0(input, alpha, semantics)),
        }
    }

    fn relu0_backward(
        x: FloatTensor<Self>,
        dy: FloatTensor<Self>,
        alpha: f64,
        semantics: u32,
    ) -> FloatTensor<Self> {
        // The backward of the backward is not needed: compute it without recording.
        let x = <Self as AutodiffBackend>::inner(x);
        let dy = <Self as AutodiffBackend>::inner(dy);
        <Self as AutodiffBackend>::from_inner(B::relu0_backward(x, dy, alpha, semantics))
    }
}
