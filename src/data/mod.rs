//! Data sets: MNIST and Fashion-MNIST through the IDX parser, the embedded MNIST subset, and
//! mini-batches in a fixed order.

pub mod cifar;
pub mod embedded;
pub mod idx;

use idx::IdxError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// Which data set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    /// Handwritten digits (LeCun & Cortes).
    #[default]
    Mnist,
    /// Zalando's clothing images, same format and size.
    FashionMnist,
    /// 32×32 colour images in ten classes (Krizhevsky), binary format.
    Cifar10,
}

impl std::str::FromStr for DatasetKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "mnist" => Ok(DatasetKind::Mnist),
            "fashion-mnist" => Ok(DatasetKind::FashionMnist),
            "cifar10" | "cifar-10" => Ok(DatasetKind::Cifar10),
            other => Err(format!(
                "unknown dataset '{other}' (expected mnist, fashion-mnist or cifar10)"
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
            DatasetKind::Cifar10 => "cifar10",
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
    /// A directory holding the four IDX files (raw or `.gz`), or CIFAR-10's six `.bin` files.
    Dir(PathBuf),
    /// The same files held in memory (picked in the browser, never uploaded). Saved settings
    /// record their names only, so this source cannot be read back from JSON.
    #[serde(skip_deserializing)]
    Files(FileSet),
}

/// Files by name with their bytes, e.g. from the browser's file picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSet {
    files: Arc<Vec<(String, Vec<u8>)>>,
}

impl FileSet {
    /// Holds `files` (name without directory, bytes).
    pub fn new(files: Vec<(String, Vec<u8>)>) -> Self {
        FileSet {
            files: Arc::new(files),
        }
    }

    /// The files' names.
    pub fn names(&self) -> Vec<&str> {
        self.files.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// The bytes of the file called `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, bytes)| bytes.as_slice())
    }
}

impl Serialize for FileSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.names().serialize(serializer)
    }
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
            DataSource::Files(set) => write!(f, "files: {}", set.names().join(", ")),
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
    /// A CIFAR-10 file is malformed or missing.
    #[error(transparent)]
    Cifar(#[from] cifar::CifarError),
    /// The embedded subset is MNIST only.
    #[error("the embedded data is MNIST; give --data DIR for {0}")]
    NotEmbedded(&'static str),
}

/// How pixel bytes become network inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Normalization {
    /// pixels/255 (the paper's MNIST protocol).
    Unit,
    /// pixels/255, then per channel (x − mean)/std (the CIFAR-10 protocol).
    Cifar,
}

/// Images (bytes, planar channels, row-major) with their labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// `len × pixels` bytes.
    pub images: Vec<u8>,
    /// One class 0..=9 per image.
    pub labels: Vec<u8>,
    /// Values per image (`channels × side × side`).
    pub pixels: usize,
    /// Colour planes (1 or 3).
    pub channels: usize,
    /// Image side (28 or 32).
    pub side: usize,
    /// How bytes become inputs.
    pub normalization: Normalization,
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
        if images.dims[1] != images.dims[2] {
            return Err(IdxError::NotSquare {
                name: images_name.to_string(),
                rows: images.dims[1],
                cols: images.dims[2],
            });
        }
        Ok(Split {
            pixels: images.dims[1] * images.dims[2],
            channels: 1,
            side: images.dims[1],
            normalization: Normalization::Unit,
            images: images.data,
            labels: labels.data,
        })
    }

    /// A split of CIFAR-10 records (3 × 32 × 32, normalised per channel).
    pub fn from_cifar(split: cifar::CifarSplit) -> Self {
        Split {
            images: split.images,
            labels: split.labels,
            pixels: cifar::IMAGE_BYTES,
            channels: 3,
            side: cifar::SIDE,
            normalization: Normalization::Cifar,
        }
    }

    /// Image `index`'s bytes.
    pub fn image(&self, index: usize) -> &[u8] {
        &self.images[index * self.pixels..(index + 1) * self.pixels]
    }

    /// One image's bytes as network inputs, appended to `out`.
    pub fn normalize_into(&self, image: &[u8], out: &mut Vec<f32>) {
        match self.normalization {
            Normalization::Unit => out.extend(image.iter().map(|&p| f32::from(p) / 255.0)),
            Normalization::Cifar => out.extend(cifar::normalized(image)),
        }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Samples `start..start+count` as normalised f32 inputs (row-major) and labels.
    pub fn batch(&self, start: usize, count: usize) -> (Vec<f32>, Vec<u8>) {
        let end = (start + count).min(self.len());
        let mut pixels = Vec::with_capacity((end - start) * self.pixels);
        for index in start..end {
            self.normalize_into(self.image(index), &mut pixels);
        }
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

/// Where `stem` (or `stem.gz`) is in a source: its name for messages and its bytes.
fn read_named(source: &DataSource, stem: &str) -> Result<(String, Vec<u8>), DataError> {
    let gz = format!("{stem}.gz");
    match source {
        DataSource::Embedded => Err(DataError::Missing {
            dir: "the embedded data".into(),
            stem: stem.to_string(),
        }),
        DataSource::Dir(dir) => {
            let path = [dir.join(stem), dir.join(&gz)]
                .into_iter()
                .find(|p| p.is_file())
                .ok_or_else(|| DataError::Missing {
                    dir: dir.display().to_string(),
                    stem: stem.to_string(),
                })?;
            Ok((path.display().to_string(), idx::read_file(&path)?))
        }
        DataSource::Files(set) => [stem, gz.as_str()]
            .into_iter()
            .find_map(|name| {
                set.get(name)
                    .map(|bytes| (name.to_string(), bytes.to_vec()))
            })
            .ok_or_else(|| DataError::Missing {
                dir: "the chosen files".into(),
                stem: stem.to_string(),
            }),
    }
}

fn load_split(source: &DataSource, prefix: &str) -> Result<Split, DataError> {
    let (images_name, images) = read_named(source, &format!("{prefix}-images-idx3-ubyte"))?;
    let (labels_name, labels) = read_named(source, &format!("{prefix}-labels-idx1-ubyte"))?;
    Ok(Split::from_idx(&images_name, images, &labels_name, labels)?)
}

fn load_cifar(source: &DataSource) -> Result<(cifar::CifarSplit, cifar::CifarSplit), DataError> {
    match source {
        DataSource::Dir(dir) => Ok(cifar::load_dir(dir)?),
        DataSource::Files(set) => Ok(cifar::load_with(|name| {
            set.get(name)
                .map(|bytes| (name.to_string(), bytes.to_vec()))
                .ok_or_else(|| cifar::CifarError::Io {
                    name: name.to_string(),
                    reason: "not among the chosen files".into(),
                })
        })?),
        DataSource::Embedded => Err(DataError::NotEmbedded(DatasetKind::Cifar10.name())),
    }
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
        source if kind == DatasetKind::Cifar10 => {
            let (train, test) = load_cifar(source)?;
            (Split::from_cifar(train), Split::from_cifar(test))
        }
        source => (load_split(source, "train")?, load_split(source, "t10k")?),
    };
    Ok(Dataset {
        kind,
        source: source.clone(),
        train,
        test,
    })
}
