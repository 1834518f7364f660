//! Bitwise comparison on the device (our WGSL kernel on wgpu, the bytes in place on the CPU)
//! against the host's byte comparison, on tensors full of exact zeros of both signs: `+0.0`
//! and `-0.0` compare equal as floats but differ bit for bit, and NaNs with the same bits are
//! the same.
//!
//! GPU cases need a wgpu adapter; without one they fail and say how to get one.

mod common;

use burn::tensor::{DType, Element, Tensor, TensorData};
use common::{Stream, cpu, gpu, inputs_with_zeros};
use relu0::backend::{Compute, Precision};
use relu0::ops::bitwise::count_differing_words;
use relu0::ops::{bitwise_equal, differing_words};

/// An element type and how its bits are changed.
trait Bits: Element + Copy + std::fmt::Debug {
    const DTYPE: DType;
    fn from_host(v: f64) -> Self;
    fn to_le(self) -> Vec<u8>;
    /// The value with its lowest mantissa bit flipped.
    fn flip_low_bit(self) -> Self;
    fn nan() -> Self;
}

impl Bits for f32 {
    const DTYPE: DType = DType::F32;
    fn from_host(v: f64) -> Self {
        v as f32
    }
    fn to_le(self) -> Vec<u8> {
        self.to_le_bytes().to_vec()
    }
    fn flip_low_bit(self) -> Self {
        f32::from_bits(self.to_bits() ^ 1)
    }
    fn nan() -> Self {
        f32::from_bits(0x7fc0_1234)
    }
}

impl Bits for f64 {
    const DTYPE: DType = DType::F64;
    fn from_host(v: f64) -> Self {
        v
    }
    fn to_le(self) -> Vec<u8> {
        self.to_le_bytes().to_vec()
    }
    fn flip_low_bit(self) -> Self {
        f64::from_bits(self.to_bits() ^ 1)
    }
    fn nan() -> Self {
        f64::from_bits(0x7ff8_0000_0000_1234)
    }
}

impl Bits for half::f16 {
    const DTYPE: DType = DType::F16;
    fn from_host(v: f64) -> Self {
        half::f16::from_f64(v)
    }
    fn to_le(self) -> Vec<u8> {
        self.to_le_bytes().to_vec()
    }
    fn flip_low_bit(self) -> Self {
        half::f16::from_bits(self.to_bits() ^ 1)
    }
    fn nan() -> Self {
        half::f16::from_bits(0x7e12)
    }
}

fn upload<F: Bits>(values: &[F], compute: &Compute) -> Tensor<1> {
    let data = TensorData::new(values.to_vec(), [values.len()]);
    Tensor::from_data(data, (&compute.device, F::DTYPE))
}

fn host_bytes<F: Bits>(values: &[F]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le()).collect()
}

fn device_count(a: Tensor<1>, b: Tensor<1>) -> u32 {
    let data = differing_words(a, b).into_data();
    let counts: Vec<i64> = data.iter::<i64>().collect();
    assert_eq!(counts.len(), 1, "one count");
    u32::try_from(counts[0]).expect("a count")
}

/// `a` and a copy of `a` changed at `changed` (indices into `a`) by `change`.
fn pair<F: Bits>(a: &[F], changed: &[usize], change: impl Fn(F) -> F) -> (Vec<F>, Vec<F>) {
    let mut b = a.to_vec();
    for &i in changed {
        b[i] = change(b[i]);
    }
    (a.to_vec(), b)
}

/// Every case on one device: the device's count must be the host's count of differing words.
fn device_matches_host<F: Bits>(compute: &Compute) {
    let mut stream = Stream::new(7);
    // Odd lengths (a trailing half word in f16), one workgroup, several, a partial last one.
    for n in [1usize, 3, 255, 256, 257, 1001, 70_001] {
        let mut a: Vec<F> = inputs_with_zeros(n, n as u64)
            .into_iter()
            .map(F::from_host)
            .collect();
        a[n / 2] = F::nan();
        let zeros: Vec<usize> = (0..n).filter(|&i| i % 8 == 0 || i % 8 == 1).collect();
        let random: Vec<usize> = (0..(n / 97).max(1))
            .map(|_| (stream.next_u64() % n as u64) as usize)
            .collect();
        let cases = [
            pair(&a, &[], |v| v),
            // +0.0 <-> -0.0: equal as floats, not as bits.
            pair(&a, &zeros, |v| F::from_host(-v.to_f64())),
            pair(&a, &random, F::flip_low_bit),
            pair(&a, &[n - 1], F::flip_low_bit),
            pair(&a, &[0], F::flip_low_bit),
        ];
        for (case, (a, b)) in cases.iter().enumerate() {
            let expected = count_differing_words(&host_bytes(a), &host_bytes(b));
            let got = device_count(upload(a, compute), upload(b, compute));
            assert_eq!(
                got,
                expected,
                "{:?} {:?}, n = {n}, case {case}",
                F::DTYPE,
                compute.kind
            );
        }
    }
}

/// Float equality says "same" where the bits differ; the bitwise comparison does not.
fn signed_zeros_are_not_bitwise_equal<F: Bits>(compute: &Compute) {
    let plus = upload(&[F::from_host(0.0); 5], compute);
    let minus = upload(&[F::from_host(-0.0); 5], compute);
    let float_equal = plus.clone().equal(minus.clone()).all().into_data();
    assert_eq!(float_equal.iter::<bool>().collect::<Vec<_>>(), [true]);
    assert!(!pollster::block_on(bitwise_equal(plus.clone(), minus)).unwrap());
    let nan = upload(&[F::nan(); 5], compute);
    assert!(pollster::block_on(bitwise_equal(nan.clone(), nan.clone())).unwrap());
    assert!(!pollster::block_on(bitwise_equal(plus.clone(), nan)).unwrap());
    let shorter = upload(&[F::from_host(0.0); 4], compute);
    assert!(!pollster::block_on(bitwise_equal(plus, shorter)).unwrap());
}

/// Gradients live on the autodiff device: the comparison goes through autodiff's inner tensors.
fn autodiff_tensors_compare_like_plain_ones<F: Bits>(compute: &Compute) {
    let values: Vec<F> = inputs_with_zeros(300, 3)
        .into_iter()
        .map(F::from_host)
        .collect();
    let (a, b) = pair(&values, &[1, 9, 299], F::flip_low_bit);
    let autodiff = compute.device.clone().autodiff();
    let on = |v: &[F]| {
        Tensor::<1>::from_data(
            TensorData::new(v.to_vec(), [v.len()]),
            (&autodiff, F::DTYPE),
        )
        .require_grad()
    };
    let expected = count_differing_words(&host_bytes(&a), &host_bytes(&b));
    assert_eq!(device_count(on(&a), on(&b)), expected);
    assert_eq!(expected, 3);
}

fn all_cases<F: Bits>(compute: Compute) {
    device_matches_host::<F>(&compute);
    signed_zeros_are_not_bitwise_equal::<F>(&compute);
    autodiff_tensors_compare_like_plain_ones::<F>(&compute);
}

#[test]
fn cpu_comparison_matches_the_host() {
    all_cases::<f32>(cpu(Precision::F32));
    all_cases::<f64>(cpu(Precision::F64));
}

#[test]
fn gpu_comparison_matches_the_host() {
    all_cases::<half::f16>(gpu(Precision::F16));
    all_cases::<f32>(gpu(Precision::F32));
    // Two words per element (lavapipe has SHADER_F64).
    all_cases::<f64>(gpu(Precision::F64));
}

/// More workgroups than one row of the grid holds (65 535 on most adapters): the kernel indexes
/// a 2-D grid, and a difference in the last word must still be found.
#[test]
fn gpu_comparison_spans_a_two_dimensional_grid() {
    let compute = gpu(Precision::F32);
    let n = 256 * 65_535 + 300;
    let a = vec![0.0f32; n];
    let mut b = a.clone();
    b[n - 1] = -0.0;
    b[12_345] = 1.0;
    assert_eq!(device_count(upload(&a, &compute), upload(&b, &compute)), 2);
    assert_eq!(device_count(upload(&a, &compute), upload(&a, &compute)), 0);
}
