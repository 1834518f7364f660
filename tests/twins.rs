//! Twins: the same network and mini-batch with ReLU'(0)=0 and ReLU'(0)=1.

mod common;

use burn::module::Param;
use burn::tensor::{DType, Int, Tensor, TensorData};
use common::{cpu, gpu};
use relu0::backend::{Compute, Precision};
use relu0::model::Relu0;
use relu0::model::mlp::{Dense, Mlp, cross_entropy};
use relu0::ops::{Alpha, Semantics};

fn tensor2(values: &[f32], shape: [usize; 2], compute: &Compute) -> Tensor<2> {
    let dtype = compute.precision.dtype();
    let data = TensorData::new(values.to_vec(), shape).convert_dtype(dtype);
    Tensor::from_data(data, (&compute.device.clone().autodiff(), dtype))
}

fn tensor1(values: &[f32], compute: &Compute) -> Tensor<1> {
    let dtype = compute.precision.dtype();
    let data = TensorData::new(values.to_vec(), [values.len()]).convert_dtype(dtype);
    Tensor::from_data(data, (&compute.device.clone().autodiff(), dtype))
}

/// A 2-3-2 network. With `zero_at_neuron_1`, hidden neuron 1's pre-activation is exactly 0 on
/// the first sample (x = [1, 2]: 1·2 + 2·(-1) + 0 = 0); every other pre-activation is far from 0.
fn small_net(zero_at_neuron_1: bool, compute: &Compute) -> Mlp {
    let b1 = if zero_at_neuron_1 { 0.0 } else { 0.25 };
    // W1 is [inputs, hidden].
    let w1 = [0.5, 2.0, -0.75, 0.25, -1.0, 0.5];
    let w2 = [1.0, -0.5, 0.75, 0.5, 0.25, -1.0];
    Mlp {
        layers: vec![
            Dense {
                weight: Param::from_tensor(tensor2(&w1, [2, 3], compute)),
                bias: Param::from_tensor(tensor1(&[0.0625, b1, 0.375], compute)),
            },
            Dense {
                weight: Param::from_tensor(tensor2(&w2, [3, 2], compute)),
                bias: Param::from_tensor(tensor1(&[0.0, 0.1], compute)),
            },
        ],
        norms: Vec::new(),
    }
}

fn first_layer_gradient(model: &Mlp, alpha: Alpha, compute: &Compute) -> Vec<u8> {
    let dtype = compute.precision.dtype();
    let device = compute.device.clone().autodiff();
    let x = TensorData::new(vec![1.0f32, 2.0, 0.5, -1.5], [2, 2]).convert_dtype(dtype);
    let x: Tensor<2> = Tensor::from_data(x, (&device, dtype));
    let labels: Tensor<1, Int> = Tensor::from_data(TensorData::new(vec![1i64, 0], [2]), &device);
    let forward = model.forward(x, Relu0::new(alpha, Semantics::Multiply), true);
    let loss = cross_entropy(forward.logits, labels);
    let grads = loss.backward();
    let g = model
        .first_weight()
        .val()
        .grad(&grads)
        .expect("W1 has a gradient");
    g.into_data().into_bytes().to_vec()
}

fn twins_differ_only_with_an_exact_zero(compute: &Compute) {
    let with_zero = small_net(true, compute);
    let g0 = first_layer_gradient(&with_zero, Alpha::ZERO, compute);
    let g1 = first_layer_gradient(&with_zero, Alpha::ONE, compute);
    assert_ne!(g0, g1, "an exact zero must make the twins differ");
    let control = first_layer_gradient(&with_zero, Alpha::ZERO, compute);
    assert_eq!(g0, control, "0 vs 0 control");

    let without_zero = small_net(false, compute);
    let g0 = first_layer_gradient(&without_zero, Alpha::ZERO, compute);
    let g1 = first_layer_gradient(&without_zero, Alpha::ONE, compute);
    assert_eq!(g0, g1, "no exact zero: twins are bitwise equal");
}

#[test]
fn twins_differ_only_with_an_exact_zero_cpu_f32() {
    twins_differ_only_with_an_exact_zero(&cpu(Precision::F32));
}

#[test]
fn twins_differ_only_with_an_exact_zero_cpu_f64() {
    twins_differ_only_with_an_exact_zero(&cpu(Precision::F64));
}

#[test]
fn twins_differ_only_with_an_exact_zero_gpu_f32() {
    twins_differ_only_with_an_exact_zero(&gpu(Precision::F32));
}

#[test]
fn twins_differ_only_with_an_exact_zero_gpu_f16() {
    twins_differ_only_with_an_exact_zero(&gpu(Precision::F16));
}

/// Only the column of W1 feeding the zero neuron changes, and only by the a=1 path.
#[test]
fn the_difference_sits_in_the_zero_neurons_column() {
    let compute = cpu(Precision::F64);
    let model = small_net(true, &compute);
    let read = |bytes: Vec<u8>| -> Vec<f64> {
        bytes
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect()
    };
    let g0 = read(first_layer_gradient(&model, Alpha::ZERO, &compute));
    let g1 = read(first_layer_gradient(&model, Alpha::ONE, &compute));
    for (i, (a, b)) in g0.iter().zip(&g1).enumerate() {
        let column = i % 3;
        if column == 1 {
            assert_ne!(a.to_bits(), b.to_bits(), "W1[{}, 1] must change", i / 3);
        } else {
            assert_eq!(
                a.to_bits(),
                b.to_bits(),
                "W1[{}, {column}] must not change",
                i / 3
            );
        }
    }
    let _ = DType::F64;
}
