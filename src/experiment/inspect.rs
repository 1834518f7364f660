//! "Why is it exactly zero?": the summands of one pre-activation z = Σ w_k·x_k + b that the run
//! computed as exactly 0, their sum in f64, and the unit in the last place of the run's
//! precision at the size of the terms; so a reader sees a cancellation below the rounding error.

use crate::backend::Precision;
use serde::{Deserialize, Serialize};

/// One non-zero summand w_k·x_k.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    /// Input index k (pixel).
    pub k: usize,
    /// Weight (as stored in the run's precision).
    pub w: f64,
    /// Input (as stored in the run's precision).
    pub x: f64,
    /// w·x, exact (a product of two f32 values fits in an f64).
    pub product: f64,
}

/// The anatomy of one exact zero.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZeroInspection {
    /// Precision of the run that found it.
    pub precision: Precision,
    /// Number of non-zero summands.
    pub term_count: usize,
    /// Non-zero summands, largest |w·x| first (a record may keep only the largest).
    pub terms: Vec<Term>,
    /// The bias b.
    pub bias: f64,
    /// What the run computed: exactly 0.
    pub computed: f64,
    /// Σ w_k·x_k + b in f64 with compensated (Neumaier) summation.
    pub exact: f64,
    /// The same sum taken left to right, rounding every product and addition in the run's
    /// precision: another summation order, often not 0, so the order matters.
    pub left_to_right: f64,
    /// Largest |w_k·x_k|.
    pub largest_term: f64,
    /// Σ|w_k·x_k| + |b|: the size of the quantities the sum handles (rounding errors of a sum
    /// scale with it).
    pub magnitude: f64,
    /// Unit in the last place of the run's precision at that magnitude.
    pub ulp: f64,
    /// |exact| in those units: a sum of n rounded terms can be off by up to about n/2 of them.
    pub exact_in_ulps: f64,
}

/// Spacing of `precision`'s numbers at magnitude `m` (> 0).
pub fn ulp(precision: Precision, m: f64) -> f64 {
    let mantissa = match precision {
        Precision::F16 => 10,
        Precision::F32 => 23,
        Precision::F64 => 52,
    };
    if m <= 0.0 || !m.is_finite() {
        return 0.0;
    }
    2f64.powi(m.log2().floor() as i32 - mantissa)
}

/// `v` rounded to the nearest value of `precision`.
pub fn round_to(precision: Precision, v: f64) -> f64 {
    match precision {
        Precision::F16 => f64::from(half::f16::from_f64(v)),
        Precision::F32 => f64::from(v as f32),
        Precision::F64 => v,
    }
}

/// Inspects z = Σ w_k·x_k + b for weights `w`, inputs `x` (values of the run's precision, held
/// in f64) and bias `b`, which the run computed as `computed`.
pub fn inspect(
    precision: Precision,
    w: &[f64],
    x: &[f64],
    b: f64,
    computed: f64,
) -> ZeroInspection {
    let mut terms: Vec<Term> = w
        .iter()
        .zip(x)
        .enumerate()
        .filter(|(_, (_, x))| **x != 0.0)
        .map(|(k, (&w, &x))| Term {
            k,
            w,
            x,
            product: w * x,
        })
        .collect();
    // Neumaier's compensated sum of the exact products and the bias.
    let (mut sum, mut compensation) = (b, 0.0f64);
    for t in &terms {
        let next = sum + t.product;
        compensation += if sum.abs() >= t.product.abs() {
            (sum - next) + t.product
        } else {
            (t.product - next) + sum
        };
        sum = next;
    }
    let mut sequential = 0.0;
    for t in &terms {
        sequential = round_to(precision, sequential + round_to(precision, t.product));
    }
    let left_to_right = round_to(precision, sequential + b);
    terms.sort_by(|a, b| b.product.abs().total_cmp(&a.product.abs()));
    let largest_term = terms.first().map_or(0.0, |t| t.product.abs());
    let magnitude = terms.iter().map(|t| t.product.abs()).sum::<f64>() + b.abs();
    let unit = ulp(precision, magnitude);
    let exact = sum + compensation;
    ZeroInspection {
        precision,
        bias: b,
        computed,
        exact,
        left_to_right,
        largest_term,
        magnitude,
        ulp: unit,
        exact_in_ulps: if unit > 0.0 { exact.abs() / unit } else { 0.0 },
        term_count: terms.len(),
        terms,
    }
}
