//! Draws side by side: the stacked forward pass of several MLP draws must give each draw's
//! own pre-activations bit for bit (real initialisations on real MNIST images, where the
//! rounding of every sum matters), and its census must count each draw's exact zeros (integer
//! networks whose sums cancel exactly), on every back end and precision.
//!
//! GPU cases need a wgpu adapter; without one they fail and say how to get one.

mod common;

use burn::module::Param;
use burn::tensor::{Tensor, TensorData};
use common::{Stream, cpu, gpu};
use relu0::backend::{Compute, Precision};
use relu0::data::{DataSource, DatasetKind};
use relu0::experiment::batches::upload;
use relu0::model::mlp::{Dense, Mlp, MlpConfig};
use relu0::model::stacked::StackedMlp;
use relu0::model::{Network, Relu0};
use relu0::ops::{Alpha, Semantics};

const RELU: Relu0 = Relu0 {
    alpha: Alpha::ZERO,
    semantics: Semantics::Multiply,
};

/// Mini-batch `index` of 64 embedded MNIST images for each of `draws` draws (draw d reads
/// batch d, as draws side by side sit at different batches), `[draws, 64, 784]`.
fn mnist_inputs(draws: usize, compute: &Compute) -> Tensor<3> {
    let dataset = relu0::data::load(DatasetKind::Mnist, &DataSource::Embedded).unwrap();
    let dtype = compute.precision.dtype();
    let images = (0..draws)
        .map(|d| upload(&dataset.train, d, 64, dtype, &compute.device).images)
        .collect();
    Tensor::<2>::stack::<3>(images, 0)
}

fn initialised_draws(config: &MlpConfig, draws: usize, compute: &Compute) -> Vec<Mlp> {
    let device = compute.device.clone().autodiff();
    (0..draws as u64)
        .map(|seed| Mlp::init(config, 100 + seed, compute.precision.dtype(), &device))
        .collect()
}

fn stacked_pre_activations_are_each_draws_own(compute: Compute) {
    for first_relu in [true, false] {
        let config = MlpConfig {
            first_relu,
            ..MlpConfig::mnist(48, 3)
        };
        for draws in [2, 5] {
            let mlps = initialised_draws(&config, draws, &compute);
            let refs: Vec<&Mlp> = mlps.iter().collect();
            let stack = StackedMlp::new(&refs, first_relu);
            assert_eq!(stack.draws(), draws);
            let exact = pollster::block_on(stack.matches_own_forward(
                &refs,
                mnist_inputs(draws, &compute),
                RELU,
            ))
            .unwrap();
            assert!(
                exact,
                "{} on {:?}, {draws} draws, first ReLU {first_relu}: the stacked forward pass \
                 rounded differently from the draws' own",
                compute.precision, compute.kind
            );
            // The check can fail: compared with the draws in another order it must.
            let mut swapped = refs.clone();
            swapped.swap(0, 1);
            let mismatch = pollster::block_on(stack.matches_own_forward(
                &swapped,
                mnist_inputs(draws, &compute),
                RELU,
            ))
            .unwrap();
            assert!(
                !mismatch,
                "{:?}: swapped draws passed the check",
                compute.kind
            );
        }
    }
}

/// A 6-8-8-3 network with weights in {-1, 0, 1}, zero biases: on small integer inputs every
/// sum is an exact integer and many are exactly 0.
fn integer_net(seed: u64, compute: &Compute) -> Mlp {
    let mut stream = Stream::new(seed);
    let device = compute.device.clone().autodiff();
    let dtype = compute.precision.dtype();
    let mut dense = |fan_in: usize, fan_out: usize| {
        let weights: Vec<f32> = (0..fan_in * fan_out)
            .map(|_| (stream.next_u64() % 3) as f32 - 1.0)
            .collect();
        let weight = TensorData::new(weights, [fan_in, fan_out]).convert_dtype(dtype);
        let bias = TensorData::new(vec![0f32; fan_out], [fan_out]).convert_dtype(dtype);
        Dense {
            weight: Param::from_tensor(Tensor::from_data(weight, (&device, dtype))),
            bias: Param::from_tensor(Tensor::from_data(bias, (&device, dtype))),
        }
    };
    Mlp {
        layers: vec![dense(6, 8), dense(8, 8), dense(8, 3)],
        norms: Vec::new(),
    }
}

fn stacked_census_counts_each_draws_zeros(compute: Compute) {
    let (draws, batch) = (4, 10);
    let mlps: Vec<Mlp> = (0..draws).map(|d| integer_net(d, &compute)).collect();
    let refs: Vec<&Mlp> = mlps.iter().collect();
    let mut stream = Stream::new(7);
    let values: Vec<f32> = (0..draws * batch * 6)
        .map(|_| (stream.next_u64() % 5) as f32 - 2.0)
        .collect();
    let dtype = compute.precision.dtype();
    let data = TensorData::new(values, [draws, batch, 6]).convert_dtype(dtype);
    let x: Tensor<3> = Tensor::from_data(data, (&compute.device, dtype));
    let stack = StackedMlp::new(&refs, true);
    let stacked: Vec<i64> = stack
        .census(x.clone(), RELU)
        .into_data()
        .iter::<i64>()
        .collect();
    let mut own = Vec::new();
    for (d, mlp) in mlps.into_iter().enumerate() {
        let network = Network::Mlp(mlp);
        let input = x.clone().narrow(0, d, 1).squeeze_dim::<2>(0);
        for count in network.census(input, RELU, true) {
            own.extend(count.into_data().iter::<i64>());
        }
    }
    assert_eq!(
        stacked, own,
        "{} on {:?}: zeros per draw and layer",
        compute.precision, compute.kind
    );
    assert!(
        own.iter().sum::<i64>() > 0,
        "the integer networks must produce exact zeros: {own:?}"
    );
    // Each draw's counts sit in its own row: the draws differ.
    assert_ne!(own[..2], own[2..4], "{own:?}");
}

#[test]
fn stacked_forward_is_bitwise_each_draws_own_cpu() {
    stacked_pre_activations_are_each_draws_own(cpu(Precision::F32));
    stacked_pre_activations_are_each_draws_own(cpu(Precision::F64));
}

#[test]
fn stacked_forward_is_bitwise_each_draws_own_gpu() {
    stacked_pre_activations_are_each_draws_own(gpu(Precision::F32));
    stacked_pre_activations_are_each_draws_own(gpu(Precision::F16));
}

#[test]
fn stacked_census_counts_each_draws_zeros_cpu() {
    stacked_census_counts_each_draws_zeros(cpu(Precision::F32));
    stacked_census_counts_each_draws_zeros(cpu(Precision::F64));
}

#[test]
fn stacked_census_counts_each_draws_zeros_gpu() {
    stacked_census_counts_each_draws_zeros(gpu(Precision::F32));
    stacked_census_counts_each_draws_zeros(gpu(Precision::F16));
}
