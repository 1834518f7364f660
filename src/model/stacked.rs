//! Several draws of one MLP run as one network: each hidden layer's weights stacked into
//! `[draws, fan_in, fan_out]`, so a forward pass of every draw on its own mini-batch is one
//! batched matmul per layer instead of one small matmul per draw and layer (one dispatch
//! instead of many on a GPU).
//!
//! Per draw the values are those of the draw's own [`Mlp::forward_constant`] bit for bit when
//! the back end multiplies each matrix of a batched matmul as it multiplies a lone one. burn's
//! CPU back end does (one gemm per draw, same shape); the volume scan checks any other back
//! end on its first stacked batch ([`StackedMlp::matches_own_forward`]) before relying on it.

use super::Relu0;
use super::mlp::Mlp;
use crate::ops::{differing_words, relu0};
use burn::tensor::{Int, Tensor};

/// The hidden layers of several MLP draws of one shape, stacked along a leading draw axis.
pub struct StackedMlp {
    /// Per hidden layer, `[draws, fan_in, fan_out]`.
    weights: Vec<Tensor<3>>,
    /// Per hidden layer, `[draws, 1, fan_out]`.
    biases: Vec<Tensor<3>>,
    first_relu: bool,
    draws: usize,
}

impl StackedMlp {
    /// Stacks the hidden layers of `draws` (same shape, no batch norm), as constants (no
    /// autodiff graph). The output layer is left out: no ReLU follows it.
    pub fn new(draws: &[&Mlp], first_relu: bool) -> Self {
        assert!(!draws.is_empty(), "stacking needs at least one draw");
        let hidden = draws[0].layers.len() - 1;
        let stack_layer = |layer: usize| {
            let weights = draws
                .iter()
                .map(|mlp| mlp.layers[layer].weight.val().without_autodiff())
                .collect();
            let biases = draws
                .iter()
                .map(|mlp| mlp.layers[layer].bias.val().without_autodiff())
                .collect();
            (
                Tensor::<2>::stack::<3>(weights, 0),
                Tensor::<1>::stack::<2>(biases, 0).unsqueeze_dim::<3>(1),
            )
        };
        let (weights, biases) = (0..hidden).map(stack_layer).unzip();
        StackedMlp {
            weights,
            biases,
            first_relu,
            draws: draws.len(),
        }
    }

    /// Number of stacked draws.
    pub fn draws(&self) -> usize {
        self.draws
    }

    /// Every ReLU's input, `[draws, batch, width]` each, for the inputs `x`
    /// (`[draws, batch, inputs]`: draw `d` reads `x[d]`).
    pub fn pre_activations(&self, x: Tensor<3>, relu: Relu0) -> Vec<Tensor<3>> {
        let mut pre_activations = Vec::with_capacity(self.weights.len());
        let mut h = x;
        for (index, (weight, bias)) in self.weights.iter().zip(&self.biases).enumerate() {
            let z = h.matmul(weight.clone()) + bias.clone();
            h = if index > 0 || self.first_relu {
                pre_activations.push(z.clone());
                relu0(z, relu.alpha, relu.semantics)
            } else {
                z
            };
        }
        pre_activations
    }

    /// Exact zeros (+0.0 or −0.0) per draw and ReLU layer, `[draws, relu layers]`, for the
    /// inputs `x` (`[draws, batch, inputs]`).
    pub fn census(&self, x: Tensor<3>, relu: Relu0) -> Tensor<2, Int> {
        let draws = self.draws;
        let per_layer = self
            .pre_activations(x, relu)
            .into_iter()
            .map(|z| {
                z.equal_elem(0.0)
                    .int()
                    .sum_dim(2)
                    .sum_dim(1)
                    .reshape([draws, 1])
            })
            .collect();
        Tensor::cat(per_layer, 1)
    }

    /// Whether the stacked pre-activations for `x` are bitwise those of each draw's own
    /// forward pass (`draws` in stacking order, each on its slice of `x`).
    pub async fn matches_own_forward(
        &self,
        draws: &[&Mlp],
        x: Tensor<3>,
        relu: Relu0,
    ) -> Result<bool, crate::error::Error> {
        let stacked = self.pre_activations(x.clone(), relu);
        let own: Vec<Vec<Tensor<2>>> = draws
            .iter()
            .enumerate()
            .map(|(d, mlp)| {
                let input = x.clone().narrow(0, d, 1).squeeze_dim::<2>(0);
                mlp.forward_constant(input, relu, self.first_relu)
                    .pre_activations
            })
            .collect();
        // Compared on the device, every layer's count read back in one transfer.
        let mut counts = Vec::new();
        for (layer, stacked) in stacked.into_iter().enumerate() {
            let own_layer = own.iter().map(|o| o[layer].clone()).collect();
            let own_layer = Tensor::<2>::stack::<3>(own_layer, 0);
            if stacked.dims() != own_layer.dims() {
                return Ok(false);
            }
            counts.push(differing_words(stacked, own_layer));
        }
        if counts.is_empty() {
            return Ok(true);
        }
        let counts = Tensor::cat(counts, 0).into_data_async().await?;
        Ok(counts.iter::<i64>().all(|words| words == 0))
    }
}
