//! Mini-batches uploaded once per run, in the run's element type.

use crate::data::Split;
use burn::tensor::{DType, Device, Int, Tensor, TensorData};

/// One mini-batch on the device.
#[derive(Clone, Debug)]
pub struct Batch {
    /// `[batch, pixels]` in the run's precision.
    pub images: Tensor<2>,
    /// `[batch]` class indices.
    pub labels: Tensor<1, Int>,
}

/// Uploads batch `index` of `size` samples (fixed order).
pub fn upload(split: &Split, index: usize, size: usize, dtype: DType, device: &Device) -> Batch {
    let (pixels, labels) = split.batch(index * size, size);
    let rows = labels.len();
    let images = TensorData::new(pixels, [rows, split.pixels]).convert_dtype(dtype);
    let labels: Vec<i64> = labels.into_iter().map(i64::from).collect();
    Batch {
        images: Tensor::from_data(images, (device, dtype)),
        labels: Tensor::from_data(TensorData::new(labels, [rows]), device),
    }
}
