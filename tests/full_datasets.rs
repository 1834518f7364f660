//! The full data sets fetched by `scripts/fetch-datasets.sh DIR`, read from `RELU0_DATA_DIR`.
//! Ignored by a plain `cargo test`; `.ci/run` fetches the data and runs them.

use relu0::data::{self, DataSource, DatasetKind};
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    let dir = std::env::var_os("RELU0_DATA_DIR").expect(
        "RELU0_DATA_DIR is not set: run scripts/fetch-datasets.sh DIR and set RELU0_DATA_DIR=DIR",
    );
    PathBuf::from(dir)
}

#[test]
#[ignore = "needs RELU0_DATA_DIR from scripts/fetch-datasets.sh (run by .ci/run)"]
fn full_mnist_loads_and_starts_like_the_embedded_subset() {
    let full = data::load(
        DatasetKind::Mnist,
        &DataSource::Dir(data_dir().join("mnist")),
    )
    .unwrap();
    assert_eq!(full.train.len(), 60_000);
    assert_eq!(full.test.len(), 10_000);
    let embedded = data::load(DatasetKind::Mnist, &DataSource::Embedded).unwrap();
    let n = embedded.train.len();
    assert_eq!(full.train.labels[..n], embedded.train.labels[..]);
    assert_eq!(full.train.images[..n * 784], embedded.train.images[..]);
}

#[test]
#[ignore = "needs RELU0_DATA_DIR from scripts/fetch-datasets.sh (run by .ci/run)"]
fn full_fashion_mnist_loads_from_gzip() {
    let dir = data_dir().join("fashion-mnist");
    let set = data::load(DatasetKind::FashionMnist, &DataSource::Dir(dir)).unwrap();
    assert_eq!(set.train.len(), 60_000);
    assert_eq!(set.test.len(), 10_000);
    // Class 9 is "ankle boot", the first training image of Fashion-MNIST.
    assert_eq!(&set.train.labels[..4], &[9, 0, 0, 3]);
}
