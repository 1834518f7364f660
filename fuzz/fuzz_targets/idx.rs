//! The IDX parser on arbitrary bytes (raw or gzip): an error or arrays whose sizes agree
//! with their headers, never a panic or an allocation the header alone asks for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relu0::data::{Split, idx};

fuzz_target!(|data: &[u8]| {
    for rank in [1, 3] {
        if let Ok(array) = idx::parse("fuzz", data.to_vec(), rank) {
            let expected: usize = array.dims.iter().product();
            assert_eq!(array.data.len(), expected);
        }
    }
    // The same bytes as images and as labels of one split.
    let half = data.len() / 2;
    if let Ok(split) = Split::from_idx("images", data[..half].to_vec(), "labels", data[half..].to_vec()) {
        assert_eq!(split.images.len(), split.len() * split.pixels);
        assert!(split.labels.iter().all(|&l| l <= 9));
    }
});
