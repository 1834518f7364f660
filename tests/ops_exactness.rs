//! The op's kernels against the host reference, bit for bit, on inputs full of exact zeros.

mod common;

use burn::tensor::{DType, Element, Tensor, TensorData};
use common::{cpu, gpu, inputs_with_zeros, upstream};
use relu0::backend::{Compute, Precision};
use relu0::ops::reference::{HostFloat, backward_scalar, forward_scalar};
use relu0::ops::{Alpha, Semantics, relu0, relu0_backward};

const ALPHAS: [f64; 5] = [0.0, 1.0, 0.5, -3.0, 1e4];
const SEMANTICS: [Semantics; 2] = [Semantics::Multiply, Semantics::Assign];

trait TestFloat: HostFloat + Element + std::fmt::Debug {
    const DTYPE: DType;
    fn from_host(v: f64) -> Self;
    fn bits(self) -> u64;
}

impl TestFloat for f32 {
    const DTYPE: DType = DType::F32;
    fn from_host(v: f64) -> Self {
        v as f32
    }
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl TestFloat for f64 {
    const DTYPE: DType = DType::F64;
    fn from_host(v: f64) -> Self {
        v
    }
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

impl TestFloat for half::f16 {
    const DTYPE: DType = DType::F16;
    fn from_host(v: f64) -> Self {
        half::f16::from_f64(v)
    }
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

fn upload<F: TestFloat>(values: &[F], compute: &Compute) -> Tensor<1> {
    let data = TensorData::new(values.to_vec(), [values.len()]);
    Tensor::from_data(data, (&compute.device, F::DTYPE))
}

fn read<F: TestFloat>(t: Tensor<1>) -> Vec<F> {
    t.try_into_data()
        .expect("kernel ran")
        .try_to_vec::<F>()
        .expect("element type")
}

/// Asserts forward and backward equal the host reference bit for bit, for every `a` and both
/// semantics, on `n` elements.
fn check_against_reference<F: TestFloat>(compute: &Compute, n: usize) {
    let x: Vec<F> = inputs_with_zeros(n, 7)
        .into_iter()
        .map(F::from_host)
        .collect();
    let dy: Vec<F> = upstream(n, 11).into_iter().map(F::from_host).collect();
    assert!(
        x.iter().any(|v| v.bits() == F::from_host(-0.0).bits()),
        "has -0.0"
    );

    let y = read::<F>(relu0(upload(&x, compute), Alpha::ZERO, Semantics::Multiply));
    for (i, (&xi, &yi)) in x.iter().zip(&y).enumerate() {
        let expected = forward_scalar(xi);
        assert_eq!(yi.bits(), expected.bits(), "forward at {i}: x={xi:?}");
    }

    for a in ALPHAS {
        let alpha = Alpha::for_dtype(a, F::DTYPE).expect("finite in this precision");
        for semantics in SEMANTICS {
            let dx = read::<F>(relu0_backward(
                upload(&x, compute),
                upload(&dy, compute),
                alpha,
                semantics,
            ));
            for i in 0..n {
                let expected = backward_scalar(x[i], dy[i], a, semantics);
                assert_eq!(
                    dx[i].bits(),
                    expected.bits(),
                    "backward at {i}: x={:?} dy={:?} a={a} {semantics}: got {:?}, expected {:?}",
                    x[i],
                    dy[i],
                    dx[i],
                    expected
                );
            }
        }
    }
}

#[test]
fn wgsl_f32_kernels_are_bitwise_equal_to_the_reference() {
    check_against_reference::<f32>(&gpu(Precision::F32), 4099);
}

#[test]
fn wgsl_f16_kernels_are_bitwise_equal_to_the_reference() {
    check_against_reference::<half::f16>(&gpu(Precision::F16), 4099);
}

#[test]
fn cpu_f32_op_is_bitwise_equal_to_the_reference() {
    check_against_reference::<f32>(&cpu(Precision::F32), 4099);
}

#[test]
fn cpu_f64_op_is_bitwise_equal_to_the_reference() {
    check_against_reference::<f64>(&cpu(Precision::F64), 4099);
}

/// f64 on a GPU runs our WGSL where the adapter has SHADER_F64 (lavapipe does) and is refused
/// with a clear error where it has not.
#[test]
fn wgsl_f64_kernels_are_exact_or_refused() {
    let f32_gpu = gpu(Precision::F32);
    let adapter = f32_gpu.adapter.expect("a GPU compute has its adapter");
    match relu0::backend::select(Precision::F64, relu0::backend::DeviceChoice::Gpu) {
        Ok(compute) => {
            assert!(adapter.shader_f64);
            check_against_reference::<f64>(&compute, 4099);
        }
        Err(e) => {
            assert!(!adapter.shader_f64);
            assert!(e.to_string().contains("SHADER_F64"), "{e}");
        }
    }
}

/// More workgroups than one dispatch dimension holds (65,535 × 256 elements): the kernel must
/// cover the second dimension, and the tail, exactly.
#[test]
fn wgsl_backward_covers_a_two_dimensional_dispatch() {
    let compute = gpu(Precision::F16);
    let n = 65_535 * 256 + 3_001;
    let x: Vec<half::f16> = (0..n)
        .map(|i| half::f16::from_f32(((i % 5) as f32) - 2.0))
        .collect();
    let dy = vec![half::f16::from_f32(0.25); n];
    let dx = read::<half::f16>(relu0_backward(
        upload(&x, &compute),
        upload(&dy, &compute),
        Alpha::new(0.5).unwrap(),
        Semantics::Multiply,
    ));
    assert_eq!(dx.len(), n);
    let mut zeros_seen_in_tail = 0;
    for i in 0..n {
        let expected = backward_scalar(x[i], dy[i], 0.5, Semantics::Multiply);
        assert_eq!(dx[i].to_bits(), expected.to_bits(), "at {i}");
        zeros_seen_in_tail += usize::from(i >= 65_535 * 256 && x[i] == half::f16::ZERO);
    }
    assert!(
        zeros_seen_in_tail > 0,
        "the tail beyond one dimension holds exact zeros"
    );
}

/// a only matters where the input is exactly 0 (and, for multiply, where dy is non-zero).
fn alpha_changes_grad_only_at_exact_zeros(compute: &Compute) {
    let n = 2048;
    let x: Vec<f32> = inputs_with_zeros(n, 3)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    let dy: Vec<f32> = upstream(n, 5).into_iter().map(|v| v as f32).collect();
    for semantics in SEMANTICS {
        let grad = |a: f64| {
            read::<f32>(relu0_backward(
                upload(&x, compute),
                upload(&dy, compute),
                Alpha::new(a).unwrap(),
                semantics,
            ))
        };
        let (g0, g1) = (grad(0.0), grad(1.0));
        for i in 0..n {
            let should_differ = x[i] == 0.0 && (semantics == Semantics::Assign || dy[i] != 0.0);
            let differs = g0[i].to_bits() != g1[i].to_bits();
            assert_eq!(
                differs, should_differ,
                "{semantics} at {i}: x={} dy={}",
                x[i], dy[i]
            );
        }
    }
}

#[test]
fn alpha_changes_grad_only_at_exact_zeros_on_cpu() {
    alpha_changes_grad_only_at_exact_zeros(&cpu(Precision::F32));
}

#[test]
fn alpha_changes_grad_only_at_exact_zeros_on_gpu() {
    alpha_changes_grad_only_at_exact_zeros(&gpu(Precision::F32));
}

/// Our forward is bitwise burn's relu, -0.0 included, on both back ends.
#[test]
fn forward_is_bitwise_burns_relu() {
    for compute in [cpu(Precision::F32), gpu(Precision::F32)] {
        let x: Vec<f32> = inputs_with_zeros(1000, 9)
            .into_iter()
            .map(|v| v as f32)
            .collect();
        let ours = read::<f32>(relu0(upload(&x, &compute), Alpha::ONE, Semantics::Multiply));
        let burns = read::<f32>(burn::tensor::activation::relu(upload(&x, &compute)));
        let ours: Vec<u32> = ours.iter().map(|v| v.to_bits()).collect();
        let burns: Vec<u32> = burns.iter().map(|v| v.to_bits()).collect();
        assert_eq!(ours, burns, "on {}", compute.describe());
    }
}

#[test]
fn alpha_must_be_finite_and_fit_the_precision() {
    assert!(Alpha::new(f64::NAN).is_err());
    assert!(Alpha::new(f64::INFINITY).is_err());
    assert!(
        Alpha::for_dtype(1e5, DType::F16).is_err(),
        "f16 max is 65504"
    );
    assert!(Alpha::for_dtype(1e5, DType::F32).is_ok());
    assert!(Alpha::for_dtype(1e300, DType::F32).is_err());
    let message = Alpha::new(f64::NAN).unwrap_err().to_string();
    assert!(message.contains("NaN"), "{message}");
}

/// The op's generic version in burn tensor operations (what other back ends fall back to)
/// agrees bit for bit with the scalar reference the CPU back end runs in one pass.
#[test]
fn tensor_ops_reference_is_bitwise_the_scalar_reference() {
    use burn_flex::{Flex, FlexTensor};
    use relu0::ops::reference::{backward_ops, forward_ops};
    let n = 4099;
    let x: Vec<f32> = inputs_with_zeros(n, 5)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    let dy: Vec<f32> = upstream(n, 6).into_iter().map(|v| v as f32).collect();
    let flex = |v: &[f32]| FlexTensor::from_data(TensorData::new(v.to_vec(), [v.len()]));
    let host = |t: FlexTensor| t.into_data().try_to_vec::<f32>().unwrap();
    let y = host(forward_ops::<Flex>(flex(&x)));
    for i in 0..n {
        assert_eq!(
            y[i].to_bits(),
            forward_scalar(x[i]).to_bits(),
            "forward at {i}"
        );
    }
    for a in ALPHAS {
        for semantics in SEMANTICS {
            let dx = host(backward_ops::<Flex>(flex(&x), flex(&dy), a, semantics));
            for i in 0..n {
                let expected = backward_scalar(x[i], dy[i], a, semantics);
                assert_eq!(
                    dx[i].to_bits(),
                    expected.to_bits(),
                    "at {i}, a={a} {semantics}"
                );
            }
        }
    }
}

/// The CPU op on strided views (a transposed matrix, a shared input) computes each element
/// as the reference does and leaves the inputs untouched.
#[test]
fn cpu_op_handles_transposed_and_shared_inputs() {
    let compute = cpu(Precision::F32);
    let (rows, cols) = (37, 53);
    let x: Vec<f32> = inputs_with_zeros(rows * cols, 9)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    let dy: Vec<f32> = upstream(rows * cols, 10)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    let matrix = |v: &[f32]| {
        Tensor::<2>::from_data(
            TensorData::new(v.to_vec(), [rows, cols]),
            (&compute.device, DType::F32),
        )
    };
    let (x_t, dy_t) = (matrix(&x).transpose(), matrix(&dy).transpose());
    let kept = x_t.clone();
    let dx = relu0_backward(x_t, dy_t, Alpha::new(0.5).unwrap(), Semantics::Multiply)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    let y = relu0(kept.clone(), Alpha::ZERO, Semantics::Multiply)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
    for c in 0..cols {
        for r in 0..rows {
            let (at, source) = (c * rows + r, r * cols + c);
            let expected = backward_scalar(x[source], dy[source], 0.5, Semantics::Multiply);
            assert_eq!(dx[at].to_bits(), expected.to_bits(), "dx[{c}][{r}]");
            assert_eq!(
                y[at].to_bits(),
                forward_scalar(x[source]).to_bits(),
                "y[{c}][{r}]"
            );
        }
    }
    let untouched = kept.transpose().into_data().try_to_vec::<f32>().unwrap();
    assert!(
        untouched
            .iter()
            .zip(&x)
            .all(|(a, b)| a.to_bits() == b.to_bits()),
        "the op wrote into an input another tensor still holds"
    );
}
