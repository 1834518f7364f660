//! Data sets: MNIST and Fashion-MNIST through the IDX parser, the embedded MNIST subset, and
//! mini-batches in a fixed order.

pub mod cifar;
pub mod embedded;
pub mod idx;

use idx::IdxError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Which data set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    /// Handwritten digits (LeCun & Cortes).
    #[default]
    Mnist,
    /// Zalando's clothing images, same format and size.
    FashionMnist,
}

impl std::str::FromStr for DatasetKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "mnist" => Ok(DatasetKind::Mnist),
            "fashion-mnist" => Ok(DatasetKind::FashionMnist),
            other => Err(format!(
                "unknown dataset '{other}' (expected mnist or fashion-mnist)"
            )),
        }
    }
}

impl DatasetKind {
    /// `mnist` or `fashion-mnist`.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Mnist => "mnist",
            DatasetKind::FashionMnist => "fashion-mnist",
        }
    }
}

/// Where the files come from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataSource {
    /// The MNIST subset compiled into the binary (10,000 train / 2,000 test images).
    #[default]
    Embedded,
    /// A directory holding the four IDX files (raw or `.gz`).
    Dir(PathBuf),
}

impl std::str::FromStr for DataSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "embedded" => Ok(DataSource::Embedded),
            "" => Err("empty --data value (expected embedded or a directory)".into()),
            dir => Ok(DataSource::Dir(PathBuf::from(dir))),
        }
    }
}

impl std::fmt::Display for DataSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataSource::Embedded => f.write_str("embedded"),
            DataSource::Dir(p) => write!(f, "{}", p.display()),
        }
    }
}

/// Problems finding or reading a data set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// A file is malformed.
    #[error(transparent)]
    Idx(#[from] IdxError),
    /// A file is missing from the directory.
    #[error("{dir}: no {stem} (or {stem}.gz) in this directory")]
    Missing {
        /// The directory searched.
        dir: String,
        /// The file looked for.
        stem: String,
    },
    /// The embedded subset is MNIST only.
    #[error("the embedded data is MNIST; give --data DIR for {0}")]
    NotEmbedded(&'static str),
}

/// Images (28×28 bytes each, row-major) with their labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// `len × 784` pixel bytes.
    pub images: Vec<u8>,
    /// One class 0..=9 per image.
    pub labels: Vec<u8>,
    /// Pixels per image.
    pub pixels: usize,
}

impl Split {
    /// Builds a split from parsed image and label files, checking that they agree.
    pub fn from_idx(
        images_name: &str,
        images: Vec<u8>,
        labels_name: &str,
        labels: Vec<u8>,
    ) -> Result<Self, IdxError> {
        let images = idx::parse(images_name, images, 3)?;
        let labels = idx::parse(labels_name, labels, 1)?;
        let (n_images, n_labels) = (images.dims[0], labels.dims[0]);
        if n_images != n_labels {
            return Err(IdxError::CountMismatch {
                images: images_name.to_string(),
                n_images,
                labels: labels_name.to_string(),
                n_labels,
            });
        }
        if let Some((index, &label)) = labels.data.iter().enumerate().find(|(_, l)| **l > 9) {
            return Err(IdxError::BadLabel {
                name: labels_name.to_string(),
                label,
                index,
            });
        }
        Ok(Split {
            pixels: images.dims[1] * images.dims[2],
            images: images.data,
            labels: labels.data,
        })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Samples `start..start+count` as pixels/255 in f32 (row-major) and labels.
    pub fn batch(&self, start: usize, count: usize) -> (Vec<f32>, Vec<u8>) {
        let end = (start + count).min(self.len());
        let pixels = self.images[start * self.pixels..end * self.pixels]
            .iter()
            .map(|&p| f32::from(p) / 255.0)
            .collect();
        (pixels, self.labels[start..end].to_vec())
    }

    /// Number of full batches of `batch` samples (a last partial batch is dropped, as the
    /// paper's protocol does with `drop_last`).
    pub fn full_batches(&self, batch: usize) -> usize {
        self.len() / batch.max(1)
    }
}

/// A training and a test split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// Which data set.
    pub kind: DatasetKind,
    /// Where it came from.
    pub source: DataSource,
    /// Training images.
    pub train: Split,
    /// Test images.
    pub test: Split,
}

fn find(dir: &Path, stem: &str) -> Result<PathBuf, DataError> {
    [dir.join(stem), dir.join(format!("{stem}.gz"))]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| DataError::Missing {
            dir: dir.display().to_string(),
            stem: stem.to_string(),
        })
}

fn load_split(dir: &Path, prefix: &str) -> Result<Split, DataError> {
    let images = find(dir, &format!("{prefix}-images-idx3-ubyte"))?;
    let labels = find(dir, &format!("{prefix}-labels-idx1-ubyte"))?;
    Ok(Split::from_idx(
        &images.display().to_string(),
        idx::read_file(&images)?,
        &labels.display().to_string(),
        idx::read_file(&labels)?,
    )?)
}

/// Loads a data set from its source.
pub fn load(kind: DatasetKind, source: &DataSource) -> Result<Dataset, DataError> {
    let (train, test) = match source {
        DataSource::Embedded => {
            if kind != DatasetKind::Mnist {
                return Err(DataError::NotEmbedded(kind.name()));
            }
            (embedded::train()?, embedded::test()?)
        }
        DataSource::Dir(dir) => (load_split(dir, "train")?, load_split(dir, "t10k")?),
    };
    Ok(Dataset {
        kind,
        source: source.clone(),
        train,
        test,
    })
}
