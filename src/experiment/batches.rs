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

/// The mini-batches of one pass, uploaded on first use and kept for every draw.
pub struct BatchCache {
    split: Split,
    size: usize,
    dtype: DType,
    device: Device,
    cached: Vec<Option<Batch>>,
}

impl BatchCache {
    /// The full batches of `size` in `split` (at most `max` of them), in fixed order.
    pub fn new(
        split: &Split,
        size: usize,
        max: Option<usize>,
        dtype: DType,
        device: &Device,
    ) -> Result<Self, crate::error::Error> {
        let per_pass = split.full_batches(size);
        if per_pass == 0 {
            return Err(crate::error::Error::Config(format!(
                "--batch {size} is larger than the training set ({} samples)",
                split.len()
            )));
        }
        let count = max.map_or(per_pass, |m| m.min(per_pass));
        Ok(BatchCache {
            split: split.clone(),
            size,
            dtype,
            device: device.clone(),
            cached: vec![None; count],
        })
    }

    /// Number of batches.
    pub fn len(&self) -> usize {
        self.cached.len()
    }

    /// Whether there are none (never, once constructed).
    pub fn is_empty(&self) -> bool {
        self.cached.is_empty()
    }

    /// Full batches in one pass over the split.
    pub fn per_pass(&self) -> usize {
        self.split.full_batches(self.size)
    }

    /// Training samples in the split.
    pub fn samples(&self) -> usize {
        self.split.len()
    }

    /// Batch `index`, uploading it the first time.
    pub fn get(&mut self, index: usize) -> Batch {
        let (split, size, dtype, device) = (&self.split, self.size, self.dtype, &self.device);
        self.cached[index]
            .get_or_insert_with(|| upload(split, index, size, dtype, device))
            .clone()
    }
}
