//! The CIFAR-10 binary parser on arbitrary bytes: an error or whole records with labels 0..=9.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relu0::data::cifar;

fuzz_target!(|data: &[u8]| {
    if let Ok(split) = cifar::parse("fuzz", data) {
        assert_eq!(split.images.len(), split.len() * cifar::IMAGE_BYTES);
        assert!(split.labels.iter().all(|&l| l <= 9));
        assert_eq!(data.len(), split.len() * cifar::RECORD_BYTES);
    }
});
