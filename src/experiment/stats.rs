//! Small statistics for reports.

/// The 95% Wilson score interval for `k` successes in `n` trials (`[0, 1]` when `n == 0`).
pub fn wilson95(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let z = 1.959_963_984_540_054_f64;
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

#[cfg(test)]
mod tests {
    use super::wilson95;

    #[test]
    fn wilson_interval_matches_published_values() {
        // 463 of 1000 (the paper's f32, L=3): Wilson 95% ≈ [0.4322, 0.4941].
        let [lo, hi] = wilson95(463, 1000);
        assert!((lo - 0.4322).abs() < 5e-4, "{lo}");
        assert!((hi - 0.4941).abs() < 5e-4, "{hi}");
        // 0 of 10: [0, 0.2775].
        let [lo, hi] = wilson95(0, 10);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 5e-4, "{hi}");
    }
}
