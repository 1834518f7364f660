//! What every twin experiment needs: the exact-zero census of a forward pass and the gradient
//! of one twin, each read back in one transfer.

use super::batches::Batch;
use crate::error::Error;
use crate::model::Network;
use crate::model::Relu0;
use crate::model::mlp::{Forward, Mlp, cross_entropy};
use burn::tensor::{Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

/// Which gradients decide that the twins differ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Compare {
    /// The first layer's weight gradient (the paper's criterion).
    #[default]
    FirstLayer,
    /// Every parameter's gradient.
    All,
}

impl std::str::FromStr for Compare {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "first-layer" => Ok(Compare::FirstLayer),
            "all" => Ok(Compare::All),
            other => Err(format!(
                "unknown compare mode '{other}' (expected first-layer or all)"
            )),
        }
    }
}

/// Exact zeros (+0.0 or -0.0) in each ReLU input, read back in one transfer.
pub async fn count_zeros(forward: Forward) -> Result<Vec<u64>, Error> {
    let counts: Vec<Tensor<1, Int>> = forward
        .pre_activations
        .into_iter()
        .map(|z| z.equal_elem(0.0).int().sum())
        .collect();
    read_counts(counts).await
}

/// Per-layer zero counts (one `[1]` tensor each) read back in one transfer.
pub async fn read_counts(counts: Vec<Tensor<1, Int>>) -> Result<Vec<u64>, Error> {
    if counts.is_empty() {
        return Ok(Vec::new());
    }
    let data = Tensor::cat(counts, 0).into_data_async().await?;
    Ok(data
        .iter::<i64>()
        .map(|v| u64::try_from(v).unwrap_or(0))
        .collect())
}

/// The compared gradients (`compare`) of any network, flattened and concatenated, after one
/// forward and backward pass on `batch` with `relu`; left on the device.
pub fn network_gradient(
    network: &Network,
    batch: &Batch,
    relu: Relu0,
    first_relu: bool,
    compare: Compare,
) -> Result<Tensor<1>, Error> {
    let images = batch.images.clone().autodiff();
    let pass = network.forward(images, relu, false, first_relu);
    let loss = cross_entropy(pass.logits, batch.labels.clone());
    let grads = loss.backward();
    network.compared_gradients(&grads, compare)
}

/// The compared gradients (`compare`), flattened and concatenated, after one forward and
/// backward pass of `model` on `batch` with `relu`.
pub async fn twin_gradient(
    model: &Mlp,
    batch: &Batch,
    relu: Relu0,
    first_relu: bool,
    compare: Compare,
) -> Result<TensorData, Error> {
    let images = batch.images.clone().autodiff();
    let forward = model.forward(images, relu, first_relu);
    let loss = cross_entropy(forward.logits, batch.labels.clone());
    let grads = loss.backward();
    let missing = || Error::Device("a parameter received no gradient".into());
    let weight = |layer: usize| -> Result<Tensor<1>, Error> {
        let g = model.layers[layer]
            .weight
            .val()
            .grad(&grads)
            .ok_or_else(missing)?;
        Ok(g.flatten(0, 1))
    };
    let bias = |layer: usize| {
        model.layers[layer]
            .bias
            .val()
            .grad(&grads)
            .ok_or_else(missing)
    };
    let mut parts = vec![weight(0)?];
    if compare == Compare::All {
        parts.push(bias(0)?);
        for layer in 1..model.layers.len() {
            parts.push(weight(layer)?);
            parts.push(bias(layer)?);
        }
    }
    Ok(Tensor::cat(parts, 0).into_data_async().await?)
}
