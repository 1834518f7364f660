//! The zero inspector: a cancellation below the rounding error, seen term by term.

use relu0::backend::Precision;
use relu0::experiment::inspect::{inspect, ulp};

#[test]
fn ulp_is_the_spacing_of_each_precision() {
    assert_eq!(ulp(Precision::F32, 1.0), 2f64.powi(-23));
    assert_eq!(ulp(Precision::F32, 1.5), 2f64.powi(-23));
    assert_eq!(ulp(Precision::F16, 1.0), 2f64.powi(-10));
    assert_eq!(ulp(Precision::F64, 0.25), 2f64.powi(-54));
    assert_eq!(ulp(Precision::F32, 0.0), 0.0);
}

#[test]
fn a_sum_below_the_rounding_unit_rounds_to_zero_left_to_right() {
    // 1 + 1e-10 rounds to 1 in f32, then − 1 gives exactly 0; the true sum is 1e-10.
    let w = [1.0, 1e-10, -1.0, 5.0];
    let x = [1.0, 1.0, 1.0, 0.0];
    let z = inspect(Precision::F32, &w, &x, 0.0, 0.0);
    assert_eq!(z.terms.len(), 3, "x = 0 contributes no term");
    assert_eq!(z.left_to_right, 0.0);
    assert_eq!(z.exact, 1e-10);
    assert!(z.exact.abs() < z.ulp, "the true value hides below one ulp");
    assert_eq!(z.largest_term, 1.0);
    assert_eq!(z.terms[2].k, 1, "terms sorted by size, the smallest last");

    // In f64 the same order keeps the small term.
    let z64 = inspect(Precision::F64, &w, &x, 0.0, 0.0);
    assert_ne!(z64.left_to_right, 0.0);
}
