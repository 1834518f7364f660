//! Shared helpers for the integration tests.
#![allow(dead_code)]

use relu0::backend::{self, Compute, DeviceChoice, Precision};

/// The GPU device for `precision`, or a failure that says how to get one.
pub fn gpu(precision: Precision) -> Compute {
    backend::select(precision, DeviceChoice::Gpu).unwrap_or_else(|e| {
        panic!(
            "GPU test needs a wgpu adapter with {precision}: {e}\n\
             On Debian/Ubuntu: apt-get install mesa-vulkan-drivers libvulkan1 (lavapipe)"
        )
    })
}

/// The CPU device for `precision`.
pub fn cpu(precision: Precision) -> Compute {
    backend::select(precision, DeviceChoice::Cpu).expect("the CPU back end runs f32 and f64")
}

/// A deterministic pseudo-random stream (SplitMix64) for test inputs.
pub struct Stream(u64);

impl Stream {
    pub fn new(seed: u64) -> Self {
        Stream(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// `n` inputs full of exact zeros: a quarter +0.0, a quarter -0.0, the rest mixed signs with
/// magnitudes from tiny to large.
pub fn inputs_with_zeros(n: usize, seed: u64) -> Vec<f64> {
    let mut s = Stream::new(seed);
    (0..n)
        .map(|i| match i % 8 {
            0 | 4 => 0.0,
            1 | 5 => -0.0,
            2 => s.unit() * 1e-3,
            3 => s.unit() * 100.0,
            6 => -s.unit().abs() - 0.5,
            _ => s.unit().abs() + 0.5,
        })
        .collect()
}

/// Upstream gradients: mostly non-zero, some exact zeros.
pub fn upstream(n: usize, seed: u64) -> Vec<f64> {
    let mut s = Stream::new(seed);
    (0..n)
        .map(|i| if i % 13 == 0 { 0.0 } else { s.unit() * 4.0 })
        .collect()
}

/// Runs `relu0 <command> <args> --json` and returns its summary, failing with stderr (and how
/// to get a GPU) when the command fails.
pub fn json_summary(command: &str, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_relu0"))
        .arg(command)
        .args(args)
        .arg("--json")
        .output()
        .expect("the relu0 binary runs");
    assert!(
        out.status.success(),
        "relu0 {command} {args:?} failed: {}\n(GPU cases need a Vulkan driver: apt-get install mesa-vulkan-drivers libvulkan1)",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON summary")
}
