//! CIFAR-10 in its binary format (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`):
//! records of 1 label byte and 3 × 1024 pixel bytes (red, green, blue planes, row-major 32×32),
//! and the standard training augmentation (4-pixel padded random crop, horizontal flip).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// Image side.
pub const SIDE: usize = 32;
/// Bytes of one image (3 planes of 32×32).
pub const IMAGE_BYTES: usize = 3 * SIDE * SIDE;
/// Bytes of one record (label + image).
pub const RECORD_BYTES: usize = 1 + IMAGE_BYTES;
/// Per-channel mean of the CIFAR-10 training set (pixels/255).
pub const MEAN: [f32; 3] = [0.4914, 0.4822, 0.4465];
/// Per-channel standard deviation of the CIFAR-10 training set (pixels/255).
pub const STD: [f32; 3] = [0.2470, 0.2435, 0.2616];

/// What can be wrong with a CIFAR-10 file. Every message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CifarError {
    /// Unreadable or missing.
    #[error("{name}: cannot read: {reason}")]
    Io {
        /// File name.
        name: String,
        /// The system's reason.
        reason: String,
    },
    /// No records.
    #[error("{name}: holds no records")]
    Empty {
        /// File name.
        name: String,
    },
    /// The length is not a whole number of records.
    #[error(
        "{name}: {len} bytes is not a whole number of 3073-byte records ({records} records and {extra} bytes over)"
    )]
    Truncated {
        /// File name.
        name: String,
        /// Bytes in the file.
        len: usize,
        /// Whole records.
        records: usize,
        /// Bytes left over.
        extra: usize,
    },
    /// A label outside 0..=9.
    #[error("{name}: record {index} has label {label}, not a CIFAR-10 class 0-9")]
    BadLabel {
        /// File name.
        name: String,
        /// Record index.
        index: usize,
        /// The label byte.
        label: u8,
    },
}

/// Images (planar RGB bytes) and labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CifarSplit {
    /// `len × 3072` bytes, each image as red, green, blue planes.
    pub images: Vec<u8>,
    /// One class 0..=9 per image.
    pub labels: Vec<u8>,
}

impl CifarSplit {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image `index`'s bytes.
    pub fn image(&self, index: usize) -> &[u8] {
        &self.images[index * IMAGE_BYTES..(index + 1) * IMAGE_BYTES]
    }
}

/// Parses one binary batch file.
pub fn parse(name: &str, bytes: &[u8]) -> Result<CifarSplit, CifarError> {
    let named = || name.to_string();
    if bytes.is_empty() {
        return Err(CifarError::Empty { name: named() });
    }
    if !bytes.len().is_multiple_of(RECORD_BYTES) {
        return Err(CifarError::Truncated {
            name: named(),
            len: bytes.len(),
            records: bytes.len() / RECORD_BYTES,
            extra: bytes.len() % RECORD_BYTES,
        });
    }
    let count = bytes.len() / RECORD_BYTES;
    let mut images = Vec::with_capacity(count * IMAGE_BYTES);
    let mut labels = Vec::with_capacity(count);
    for (index, record) in bytes.chunks_exact(RECORD_BYTES).enumerate() {
        let label = record[0];
        if label > 9 {
            return Err(CifarError::BadLabel {
                name: named(),
                index,
                label,
            });
        }
        labels.push(label);
        images.extend_from_slice(&record[1..]);
    }
    Ok(CifarSplit { images, labels })
}

fn read(path: &Path) -> Result<(String, Vec<u8>), CifarError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| CifarError::Io {
        name: name.clone(),
        reason: e.to_string(),
    })?;
    Ok((name, bytes))
}

/// Loads `data_batch_1..5.bin` (training) and `test_batch.bin` (test) from `dir`.
pub fn load_dir(dir: &Path) -> Result<(CifarSplit, CifarSplit), CifarError> {
    load_with(|file| read(&dir.join(file)))
}

/// Loads the six files through `read`, which maps a file name to (name for messages, bytes).
pub fn load_with(
    mut read: impl FnMut(&str) -> Result<(String, Vec<u8>), CifarError>,
) -> Result<(CifarSplit, CifarSplit), CifarError> {
    let mut part = |file: &str| {
        let (name, bytes) = read(file)?;
        parse(&name, &bytes)
    };
    let mut train = CifarSplit {
        images: Vec::new(),
        labels: Vec::new(),
    };
    for k in 1..=5 {
        let batch = part(&format!("data_batch_{k}.bin"))?;
        train.images.extend(batch.images);
        train.labels.extend(batch.labels);
    }
    let test = part("test_batch.bin")?;
    Ok((train, test))
}

/// An image as pixels/255 normalised per channel, planar `[3, 32, 32]`.
pub fn normalized(image: &[u8]) -> Vec<f32> {
    image
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let c = i / (SIDE * SIDE);
            (f32::from(p) / 255.0 - MEAN[c]) / STD[c]
        })
        .collect()
}

/// The image padded by 4 zero pixels on each side, cropped back to 32×32 at offset
/// `(dx, dy)` in `0..=8` (4, 4 is the original), then mirrored left-right if `flip`.
pub fn crop_flip(image: &[u8], dx: usize, dy: usize, flip: bool) -> Vec<u8> {
    let mut out = vec![0u8; IMAGE_BYTES];
    for c in 0..3 {
        for y in 0..SIDE {
            for x in 0..SIDE {
                // Position in the padded image, then in the original.
                let (py, px) = (y + dy, x + dx);
                if !(4..SIDE + 4).contains(&py) || !(4..SIDE + 4).contains(&px) {
                    continue;
                }
                let source = image[c * SIDE * SIDE + (py - 4) * SIDE + (px - 4)];
                let tx = if flip { SIDE - 1 - x } else { x };
                out[c * SIDE * SIDE + y * SIDE + tx] = source;
            }
        }
    }
    out
}

/// The standard CIFAR training augmentation, seeded: a random 4-pixel padded crop and a
/// horizontal flip with probability ½.
pub struct Augmenter {
    rng: ChaCha8Rng,
}

impl Augmenter {
    /// An augmentation stream determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Augmenter {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The next augmented copy of `image`.
    pub fn apply(&mut self, image: &[u8]) -> Vec<u8> {
        let dx = self.rng.random_range(0..=8);
        let dy = self.rng.random_range(0..=8);
        let flip = self.rng.random_bool(0.5);
        crop_flip(image, dx, dy, flip)
    }
}
