//! The IDX parser on real and broken files.

use relu0::data::idx::{IdxError, parse};
use relu0::data::{self, DataSource, DatasetKind, Split};
use std::io::Write;

fn header(magic: u32, dims: &[u32]) -> Vec<u8> {
    let mut out = magic.to_be_bytes().to_vec();
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out
}

fn images(n: u32) -> Vec<u8> {
    let mut out = header(0x0803, &[n, 28, 28]);
    out.extend(std::iter::repeat_n(7u8, (n * 784) as usize));
    out
}

fn labels(values: &[u8]) -> Vec<u8> {
    let mut out = header(0x0801, &[values.len() as u32]);
    out.extend_from_slice(values);
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn embedded_mnist_is_the_real_prefix() {
    let set = data::load(DatasetKind::Mnist, &DataSource::Embedded).expect("embedded data");
    assert_eq!(set.train.len(), 10_000);
    assert_eq!(set.test.len(), 2_000);
    assert_eq!(set.train.pixels, 784);
    // The first labels of the original MNIST training and test files.
    assert_eq!(&set.train.labels[..10], &[5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert_eq!(&set.test.labels[..10], &[7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    let (pixels, _) = set.train.batch(0, 1);
    assert!(pixels.iter().all(|p| (0.0..=1.0).contains(p)));
    assert!(pixels.contains(&1.0), "pixels/255 reaches 1");
}

#[test]
fn raw_and_gzip_files_parse_the_same() {
    let raw = images(3);
    let a = parse("raw", raw.clone(), 3).unwrap();
    let b = parse("gz", gzip(&raw), 3).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.dims, vec![3, 28, 28]);
}

#[test]
fn bad_magic_is_rejected() {
    let mut file = images(1);
    file[2] = 0x0d; // float type
    let err = parse("train-images", file, 3).unwrap_err();
    assert!(matches!(err, IdxError::BadMagic { .. }), "{err}");
    assert!(err.to_string().contains("train-images"), "{err}");
}

#[test]
fn wrong_rank_is_rejected() {
    let err = parse("labels-as-images", labels(&[1, 2]), 3).unwrap_err();
    assert!(
        matches!(
            err,
            IdxError::WrongRank {
                found: 1,
                expected: 3,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn truncated_data_is_rejected() {
    let mut file = images(5);
    file.truncate(file.len() - 100);
    let err = parse("t", file, 3).unwrap_err();
    assert!(matches!(err, IdxError::Truncated { .. }), "{err}");
    assert!(err.to_string().contains("file holds"), "{err}");
}

#[test]
fn truncated_header_is_rejected() {
    let err = parse("t", vec![0, 0, 8, 3, 0, 0], 3).unwrap_err();
    assert!(matches!(err, IdxError::ShortHeader { .. }), "{err}");
}

#[test]
fn truncated_gzip_is_rejected() {
    let gz = gzip(&images(4));
    let err = parse("t.gz", gz[..gz.len() / 2].to_vec(), 3).unwrap_err();
    assert!(matches!(err, IdxError::Gzip { .. }), "{err}");
}

#[test]
fn dimensions_that_overflow_are_rejected() {
    let mut file = header(0x0803, &[u32::MAX, u32::MAX, u32::MAX]);
    file.extend_from_slice(&[1, 2, 3]);
    let err = parse("huge", file, 3).unwrap_err();
    assert!(matches!(err, IdxError::Overflow { .. }), "{err}");
}

#[test]
fn dimensions_larger_than_the_file_are_rejected() {
    let mut file = header(0x0803, &[2_147_483_647 / 784, 28, 28]);
    file.extend_from_slice(&[0; 784 * 5]);
    let err = parse("big-header", file, 3).unwrap_err();
    assert!(matches!(err, IdxError::Truncated { .. }), "{err}");
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut file = labels(&[1, 2, 3]);
    file.push(4);
    let err = parse("l", file, 1).unwrap_err();
    assert!(
        matches!(err, IdxError::TrailingBytes { extra: 1, .. }),
        "{err}"
    );
}

#[test]
fn image_and_label_counts_must_match() {
    let err = Split::from_idx("img", images(3), "lbl", labels(&[1, 2])).unwrap_err();
    assert!(
        matches!(
            err,
            IdxError::CountMismatch {
                n_images: 3,
                n_labels: 2,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn labels_must_be_digit_classes() {
    let err = Split::from_idx("img", images(2), "lbl", labels(&[1, 12])).unwrap_err();
    assert!(
        matches!(
            err,
            IdxError::BadLabel {
                label: 12,
                index: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_directory_without_the_files_names_what_is_missing() {
    let dir = std::env::temp_dir().join(format!("relu0-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = data::load(DatasetKind::Mnist, &DataSource::Dir(dir.clone())).unwrap_err();
    assert!(err.to_string().contains("train-images-idx3-ubyte"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_directory_of_gzip_files_loads() {
    let dir = std::env::temp_dir().join(format!("relu0-gz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("train-images-idx3-ubyte.gz"), gzip(&images(4))).unwrap();
    std::fs::write(dir.join("train-labels-idx1-ubyte"), labels(&[0, 1, 2, 3])).unwrap();
    std::fs::write(dir.join("t10k-images-idx3-ubyte"), images(2)).unwrap();
    std::fs::write(
        dir.join("t10k-labels-idx1-ubyte.gz"),
        gzip(&labels(&[9, 8])),
    )
    .unwrap();
    let set = data::load(DatasetKind::FashionMnist, &DataSource::Dir(dir.clone())).unwrap();
    assert_eq!(set.train.labels, vec![0, 1, 2, 3]);
    assert_eq!(set.test.labels, vec![9, 8]);
    std::fs::remove_dir_all(dir).unwrap();
}
