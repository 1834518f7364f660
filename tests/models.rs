//! The convolutional networks and batch norm: shapes, the zero census, train vs eval modes.

mod common;

use burn::module::Module;
use burn::tensor::{Tensor, TensorData};
use common::cpu;
use relu0::backend::Precision;
use relu0::model::layers::batch_norm;
use relu0::model::mlp::MlpConfig;
use relu0::model::{ModelKind, Network, NetworkConfig, Relu0};
use relu0::ops::{Alpha, Semantics};

fn values(t: Tensor<1>) -> Vec<f64> {
    t.into_data()
        .convert_dtype(burn::tensor::DType::F64)
        .try_to_vec::<f64>()
        .unwrap()
}

fn conv_config(kind: ModelKind, batch_norm: bool) -> NetworkConfig {
    NetworkConfig {
        kind,
        batch_norm,
        mlp: MlpConfig::mnist(1, 1),
    }
}

#[test]
fn conv_nets_give_ten_logits_and_one_census_entry_per_relu() {
    let compute = cpu(Precision::F32);
    let device = compute.device.clone().autodiff();
    let relu = Relu0::new(Alpha::ZERO, Semantics::Multiply);
    for (kind, relus) in [(ModelKind::Vgg11, 8), (ModelKind::Resnet18, 17)] {
        for bn in [false, true] {
            let config = conv_config(kind, bn);
            assert_eq!(config.relu_layers(), relus);
            let net = Network::init(&config, 3, burn::tensor::DType::F32, &device);
            let x: Tensor<2> = Tensor::ones([2, 3 * 32 * 32], (&device, burn::tensor::DType::F32));
            let pass = net.forward(x, relu, true, true);
            assert_eq!(pass.logits.dims(), [2, 10], "{kind} bn={bn}");
            assert_eq!(pass.zeros.len(), relus, "{kind} bn={bn}");
            assert_eq!(pass.sizes.len(), relus);
            // The stem sees 2 images × 64 channels × 32 × 32.
            assert_eq!(pass.sizes[0], 2 * 64 * 32 * 32);
        }
    }
}

#[test]
fn zero_input_without_bias_gives_exact_zeros_the_census_counts() {
    // ResNet18 with batch norm has bias-free convolutions: an all-zero image makes the stem's
    // convolution exactly 0 everywhere, and batch norm of a constant channel is exactly β = 0.
    let compute = cpu(Precision::F64);
    let device = compute.device.clone().autodiff();
    let config = conv_config(ModelKind::Resnet18, true);
    let net = Network::init(&config, 0, burn::tensor::DType::F64, &device);
    let x: Tensor<2> = Tensor::zeros([2, 3 * 32 * 32], (&device, burn::tensor::DType::F64));
    let relu = Relu0::new(Alpha::ZERO, Semantics::Multiply);
    let pass = net.forward(x, relu, true, true);
    let stem_zeros = pass.zeros[0]
        .clone()
        .into_data()
        .iter::<i64>()
        .next()
        .unwrap();
    assert_eq!(stem_zeros as usize, pass.sizes[0]);
}

#[test]
fn batch_norm_uses_batch_statistics_in_training_and_running_ones_in_evaluation() {
    let compute = cpu(Precision::F64);
    let dtype = burn::tensor::DType::F64;
    let device = compute.device.clone().autodiff();
    let norm = batch_norm(2, dtype, &device);
    // Channel 0: 1, 2, 3, 6 (mean 3, population variance 3.5); channel 1: -4 four times.
    let x = TensorData::new(vec![1.0f64, -4.0, 2.0, -4.0, 3.0, -4.0, 6.0, -4.0], [4, 2]);
    let x: Tensor<2> = Tensor::from_data(x, (&device, dtype));

    let train = norm.forward(x.clone());
    let y = values(train.flatten(0, 1));
    let eps = 1e-5;
    for (i, &v) in [1.0, 2.0, 3.0, 6.0].iter().enumerate() {
        let expected = (v - 3.0) / (3.5f64 + eps).sqrt();
        assert!(
            (y[2 * i] - expected).abs() < 1e-12,
            "train channel 0: {} vs {expected}",
            y[2 * i]
        );
        assert_eq!(y[2 * i + 1], 0.0, "a constant channel normalises to β = 0");
    }
    // Running statistics moved 10% of the way (momentum 0.1) from mean 0: 0.3 and -0.4.
    let mean = values(norm.running_mean.value_sync());
    assert!(
        (mean[0] - 0.3).abs() < 1e-12 && (mean[1] + 0.4).abs() < 1e-12,
        "{mean:?}"
    );

    let eval = norm.valid();
    let x_eval = x.without_autodiff();
    let y = values(eval.forward(x_eval).flatten(0, 1));
    let var = values(eval.running_var.value());
    for (i, &v) in [1.0, 2.0, 3.0, 6.0].iter().enumerate() {
        let expected = (v - mean[0]) / (var[0] + eps).sqrt();
        assert!(
            (y[2 * i] - expected).abs() < 1e-12,
            "eval channel 0: {} vs {expected}",
            y[2 * i]
        );
    }
    assert!(
        y[1] != 0.0,
        "evaluation does not use the batch's own statistics"
    );
}
