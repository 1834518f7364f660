//! One SGD step and one Adam step of `relu0 train`'s optimisers (burn's) against updates
//! computed by hand, on a single linear layer with a cross-entropy loss.

mod common;

use burn::module::Param;
use burn::optim::GradientsParams;
use burn::tensor::{DType, Int, Tensor, TensorData};
use common::cpu;
use relu0::backend::Precision;
use relu0::experiment::train::{OptimizerKind, TrainConfig};
use relu0::model::mlp::{Dense, Mlp, cross_entropy};

const W0: [f64; 4] = [0.5, -0.25, 0.125, 0.75];
const B0: [f64; 2] = [0.1, -0.2];
const X: [f64; 2] = [1.0, 2.0];

/// The layer after one step of the optimiser `config` describes, as (W, b) values.
fn one_step(config: &TrainConfig) -> (Vec<f64>, Vec<f64>) {
    let compute = cpu(Precision::F64);
    let device = compute.device.clone().autodiff();
    let t = |v: &[f64], shape: Vec<usize>| {
        Tensor::<2>::from_data(TensorData::new(v.to_vec(), shape), (&device, DType::F64))
    };
    let model = Mlp {
        layers: vec![Dense {
            weight: Param::from_tensor(t(&W0, vec![2, 2])),
            bias: Param::from_tensor(t(&B0, vec![1, 2]).flatten(0, 1)),
        }],
        norms: Vec::new(),
    };
    let x = t(&X, vec![1, 2]);
    let labels: Tensor<1, Int> = Tensor::from_data(TensorData::new(vec![0i64], [1]), &device);
    let relu = relu0::model::Relu0::new(relu0::ops::Alpha::ZERO, relu0::ops::Semantics::Multiply);
    let loss = cross_entropy(model.forward(x, relu, true).logits, labels);
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    let mut optimizer = config.optimizer();
    let model = optimizer.step(config.lr, model, grads);
    let read = |t: Tensor<1>| t.into_data().try_to_vec::<f64>().unwrap();
    (
        read(model.layers[0].weight.val().flatten(0, 1)),
        read(model.layers[0].bias.val()),
    )
}

/// d loss / d (W, b) by hand: logits = x W + b, p = softmax, δ = p − e_label.
fn gradients() -> (Vec<f64>, Vec<f64>) {
    let logits = [
        X[0] * W0[0] + X[1] * W0[2] + B0[0],
        X[0] * W0[1] + X[1] * W0[3] + B0[1],
    ];
    let max = logits[0].max(logits[1]);
    let e = [(logits[0] - max).exp(), (logits[1] - max).exp()];
    let p = [e[0] / (e[0] + e[1]), e[1] / (e[0] + e[1])];
    let delta = [p[0] - 1.0, p[1]];
    let gw = vec![
        X[0] * delta[0],
        X[0] * delta[1],
        X[1] * delta[0],
        X[1] * delta[1],
    ];
    (gw, delta.to_vec())
}

fn assert_close(got: &[f64], want: &[f64], tolerance: f64, what: &str) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= tolerance,
            "{what}: got {got:?}, want {want:?}"
        );
    }
}

#[test]
fn sgd_step_with_momentum_and_weight_decay_matches_the_hand_update() {
    let config = TrainConfig {
        optimizer: OptimizerKind::Sgd,
        lr: 0.1,
        momentum: 0.9,
        weight_decay: 0.01,
        ..TrainConfig::default()
    };
    let (w, b) = one_step(&config);
    let (gw, gb) = gradients();
    // First step: the momentum buffer is the (decayed) gradient itself.
    let want_w: Vec<f64> = W0
        .iter()
        .zip(&gw)
        .map(|(w, g)| w - 0.1 * (g + 0.01 * w))
        .collect();
    let want_b: Vec<f64> = B0
        .iter()
        .zip(&gb)
        .map(|(b, g)| b - 0.1 * (g + 0.01 * b))
        .collect();
    // Weight decay is an f32 setting in burn: 0.01 as f32 differs from 0.01 by 2e-10.
    assert_close(&w, &want_w, 1e-9, "W");
    assert_close(&b, &want_b, 1e-9, "b");
}

#[test]
fn adam_step_matches_the_hand_update() {
    let config = TrainConfig {
        optimizer: OptimizerKind::Adam,
        lr: 0.001,
        weight_decay: 0.0,
        ..TrainConfig::default()
    };
    let (w, b) = one_step(&config);
    let (gw, gb) = gradients();
    // First Adam step: m̂ = g, v̂ = g², so θ ← θ − lr · g / (|g| + ε) ≈ θ − lr · sign(g).
    let step = |theta: &f64, g: &f64| theta - 0.001 * g / (g.abs() + 1e-8);
    let want_w: Vec<f64> = W0.iter().zip(&gw).map(|(t, g)| step(t, g)).collect();
    let want_b: Vec<f64> = B0.iter().zip(&gb).map(|(t, g)| step(t, g)).collect();
    assert_close(&w, &want_w, 1e-9, "W");
    assert_close(&b, &want_b, 1e-9, "b");
}
