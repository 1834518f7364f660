//! The MNIST subset compiled into the binary: the first 10,000 training and 2,000 test images
//! of the original MNIST, as IDX .gz (cut by `scripts/make-assets.py`).

use super::Split;
use super::idx::IdxError;

const TRAIN_IMAGES: &[u8] = include_bytes!("../../assets/train-images-idx3-ubyte.gz");
const TRAIN_LABELS: &[u8] = include_bytes!("../../assets/train-labels-idx1-ubyte.gz");
const TEST_IMAGES: &[u8] = include_bytes!("../../assets/t10k-images-idx3-ubyte.gz");
const TEST_LABELS: &[u8] = include_bytes!("../../assets/t10k-labels-idx1-ubyte.gz");

/// The embedded training split (10,000 images).
pub fn train() -> Result<Split, IdxError> {
    Split::from_idx(
        "embedded train-images-idx3-ubyte.gz",
        TRAIN_IMAGES.to_vec(),
        "embedded train-labels-idx1-ubyte.gz",
        TRAIN_LABELS.to_vec(),
    )
}

/// The embedded test split (2,000 images).
pub fn test() -> Result<Split, IdxError> {
    Split::from_idx(
        "embedded t10k-images-idx3-ubyte.gz",
        TEST_IMAGES.to_vec(),
        "embedded t10k-labels-idx1-ubyte.gz",
        TEST_LABELS.to_vec(),
    )
}
